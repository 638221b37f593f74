//! DESIGN §5 `findings`: an audit's findings from a file (the auditor's
//! 40 findings after a factory visit). Each finding needing action gets its
//! corrective action, due four months after it was found; `closed_on` loads
//! history. Upserted by `finding_ref`.

use chrono::NaiveDate;
use diesel::prelude::*;
use std::collections::HashSet;

use super::table::{self, Column, Problem};
use super::Outcome;
use crate::db::schema::findings;
use crate::db::DbConnection;
use crate::domain::audit::AuditStatus;
use crate::error::AppError;
use crate::models::audit_log::{self, Actor};
use crate::models::finding::{self, FindingInput};

pub const COLUMNS: &[Column] = &[
    Column {
        key: "finding_ref",
        label_zh: "发现项编号",
        required: true,
    },
    Column {
        key: "audit_ref",
        label_zh: "审核编号",
        required: true,
    },
    Column {
        key: "clause",
        label_zh: "条款",
        required: true,
    },
    Column {
        key: "severity",
        label_zh: "严重程度",
        required: true,
    },
    Column {
        key: "red_line",
        label_zh: "红线",
        required: false,
    },
    Column {
        key: "description",
        label_zh: "描述",
        required: true,
    },
    Column {
        key: "found_on",
        label_zh: "发现日期",
        required: true,
    },
    Column {
        key: "closed_on",
        label_zh: "关闭日期",
        required: false,
    },
];

/// `auditor`: when an auditor imports, every row must belong to an audit
/// assigned to them whose report is not yet submitted.
pub fn run(
    conn: &mut DbConnection,
    actor: &Actor,
    bytes: &[u8],
    dry_run: bool,
    today: NaiveDate,
    auditor: Option<i32>,
) -> Result<Result<Outcome, Vec<Problem>>, AppError> {
    let table = match table::read(bytes, COLUMNS) {
        Ok(table) => table,
        Err(problems) => return Ok(Err(problems)),
    };
    let clauses: Vec<String> = finding::clauses(conn)?
        .into_iter()
        .map(|c| c.code)
        .collect();
    let mut problems = Vec::new();
    let mut planned = Vec::new();
    let mut seen = HashSet::new();
    for row in table.rows() {
        let get = |key: &str| table.get(row, key).to_owned();
        let input = FindingInput {
            finding_ref: get("finding_ref"),
            audit_ref: get("audit_ref"),
            clause: get("clause"),
            severity: get("severity"),
            red_line: get("red_line"),
            description: get("description"),
            found_on: get("found_on"),
            closed_on: get("closed_on"),
            needs_action: String::new(),
        };
        let push = |problems: &mut Vec<Problem>, column: &str, reason: &str| {
            problems.push(Problem {
                row: row.number,
                column: column.to_owned(),
                value: table.get(row, column).to_owned(),
                reason: reason.to_owned(),
            })
        };
        match input.check(conn, &clauses, today)? {
            Err(field_problems) => {
                for (field, reason) in field_problems {
                    push(&mut problems, &field, &reason);
                }
            }
            Ok(fields) => {
                if let Some(me) = auditor {
                    if fields.audit.auditor_id != Some(me) {
                        push(&mut problems, "audit_ref", "finding.unknown_audit");
                        continue;
                    }
                    if fields.audit.status() >= AuditStatus::Reported {
                        push(&mut problems, "audit_ref", "finding.locked");
                        continue;
                    }
                }
                if !seen.insert(fields.finding_ref.clone()) {
                    push(&mut problems, "finding_ref", "field.duplicate_in_file");
                    continue;
                }
                // A reference already used in another audit names that
                // audit's finding: "updating" it from here would let a file
                // about one audit rewrite another one (for an auditor, one
                // they are not assigned to, or whose report is locked).
                if finding::by_ref(conn, &fields.finding_ref)?
                    .is_some_and(|current| current.audit_id != fields.audit.id)
                {
                    push(&mut problems, "finding_ref", "finding.ref_taken");
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
        match finding::by_ref(conn, &fields.finding_ref)? {
            None => {
                outcome.created += 1;
                if !dry_run {
                    finding::insert(conn, actor, &fields, "finding")?;
                }
            }
            Some(current)
                if current.audit_id == fields.audit.id
                    && current.clause == fields.clause
                    && current.severity == fields.severity.as_str()
                    && current.red_line == fields.red_line
                    && current.description == fields.description
                    && current.found_on == fields.found_on =>
            {
                outcome.unchanged += 1
            }
            Some(current) => {
                outcome.updated += 1;
                if !dry_run {
                    diesel::update(findings::table.find(current.id))
                        .set((
                            findings::clause.eq(&fields.clause),
                            findings::severity.eq(fields.severity.as_str()),
                            findings::red_line.eq(&fields.red_line),
                            findings::description.eq(&fields.description),
                            findings::found_on.eq(fields.found_on),
                            findings::updated_at.eq(crate::models::now()),
                            findings::version.eq(current.version + 1),
                        ))
                        .execute(conn)?;
                    audit_log::record(
                        conn,
                        actor,
                        "audit",
                        &fields.audit.audit_ref,
                        "finding_update",
                        Some(&current),
                        Some(&fields.description),
                    )?;
                }
            }
        }
    }
    Ok(Ok(outcome))
}
