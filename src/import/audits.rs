//! DESIGN §5 `audits`: audits from a file, upserted by `audit_ref`.

use chrono::NaiveDate;
use std::collections::HashSet;

use super::table::{self, Column, Problem};
use super::Outcome;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::models::audit::{self, Audit, AuditInput};
use crate::models::audit_log::Actor;

pub const COLUMNS: &[Column] = &[
    Column {
        key: "audit_ref",
        label_zh: "审核编号",
        required: true,
    },
    Column {
        key: "supplier_code",
        label_zh: "供应商代码",
        required: true,
    },
    Column {
        key: "kind",
        label_zh: "审核类型",
        required: true,
    },
    Column {
        key: "firm",
        label_zh: "审核机构",
        required: false,
    },
    Column {
        key: "auditor_email",
        label_zh: "审核员邮箱",
        required: false,
    },
    Column {
        key: "planned_on",
        label_zh: "计划日期",
        required: false,
    },
    Column {
        key: "performed_on",
        label_zh: "实施日期",
        required: false,
    },
    Column {
        key: "score",
        label_zh: "得分",
        required: false,
    },
    Column {
        key: "status",
        label_zh: "状态",
        required: false,
    },
];

pub fn run(
    conn: &mut DbConnection,
    actor: &Actor,
    bytes: &[u8],
    dry_run: bool,
    today: NaiveDate,
) -> Result<Result<Outcome, Vec<Problem>>, AppError> {
    let table = match table::read(bytes, COLUMNS) {
        Ok(table) => table,
        Err(problems) => return Ok(Err(problems)),
    };
    let mut problems = Vec::new();
    let mut planned = Vec::new();
    let mut seen = HashSet::new();
    for row in table.rows() {
        let get = |key: &str| table.get(row, key).to_owned();
        let input = AuditInput {
            audit_ref: get("audit_ref"),
            supplier_code: get("supplier_code"),
            kind: get("kind"),
            firm: get("firm"),
            auditor_email: get("auditor_email"),
            planned_on: get("planned_on"),
            performed_on: get("performed_on"),
            score: get("score"),
            status: get("status"),
        };
        match input.check(conn, today)? {
            Err(field_problems) => {
                problems.extend(field_problems.into_iter().map(|(field, reason)| Problem {
                    row: row.number,
                    value: table.get(row, &field).to_owned(),
                    column: field,
                    reason,
                }))
            }
            Ok(fields) => {
                if !seen.insert(fields.audit_ref.clone()) {
                    problems.push(Problem {
                        row: row.number,
                        column: "audit_ref".into(),
                        value: fields.audit_ref.clone(),
                        reason: "field.duplicate_in_file".into(),
                    });
                    continue;
                }
                planned.push(fields);
            }
        }
    }
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let mut outcome = Outcome {
        rows: planned.len(),
        ..Outcome::default()
    };
    for fields in planned {
        match Audit::by_ref(conn, &fields.audit_ref)? {
            None => {
                outcome.created += 1;
                if !dry_run {
                    audit::insert(conn, actor, &fields, None, "import")?;
                }
            }
            Some(current) if audit::fields_of(&current) == fields => outcome.unchanged += 1,
            Some(current) => {
                outcome.updated += 1;
                if !dry_run {
                    audit::update(
                        conn,
                        actor,
                        &current,
                        current.version,
                        &fields,
                        "import_update",
                    )?;
                }
            }
        }
    }
    Ok(Ok(outcome))
}
