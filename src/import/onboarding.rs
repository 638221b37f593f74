//! DESIGN §5 `onboarding`: decided reviews from a file. Each row goes
//! through the same red-line gate as the form. For a supplier awaiting a
//! decision the row decides it; for one whose status is already settled (an
//! approved supplier's earlier rejection, say) the row is kept as history.
//! Evidence date = decision date; red lines not listed as failed passed.

use chrono::NaiveDate;
use std::collections::HashSet;

use super::table::{self, Column, Problem};
use super::Outcome;
use crate::db::DbConnection;
use crate::domain::red_lines::{is_red_line, RED_LINES};
use crate::domain::supplier_status::can_decide;
use crate::error::AppError;
use crate::models::audit_log::Actor;
use crate::models::onboarding::{self, ReviewInput};
use crate::models::supplier;

pub const COLUMNS: &[Column] = &[
    Column {
        key: "supplier_code",
        label_zh: "供应商代码",
        required: true,
    },
    Column {
        key: "decided_on",
        label_zh: "决定日期",
        required: true,
    },
    Column {
        key: "evidence_type",
        label_zh: "证据类型",
        required: true,
    },
    Column {
        key: "firm",
        label_zh: "审核机构",
        required: true,
    },
    Column {
        key: "csr_signed_on",
        label_zh: "CSR协议签署日期",
        required: false,
    },
    Column {
        key: "red_lines_failed",
        label_zh: "未通过红线",
        required: false,
    },
    Column {
        key: "decision",
        label_zh: "决定",
        required: true,
    },
];

/// The review a row describes (failed red lines fail, all others pass).
pub fn input_of(
    decided_on: &str,
    evidence_type: &str,
    firm: &str,
    csr_signed_on: &str,
    failed: &[&str],
) -> ReviewInput {
    ReviewInput {
        decided_on: decided_on.to_owned(),
        evidence_type: evidence_type.to_owned(),
        evidence_firm: firm.to_owned(),
        evidence_date: decided_on.to_owned(),
        csr_signed_on: csr_signed_on.to_owned(),
        note: String::new(),
        red_lines: RED_LINES
            .iter()
            .map(|code| {
                let verdict = if failed.contains(code) {
                    "fail"
                } else {
                    "pass"
                };
                ((*code).to_owned(), verdict.to_owned(), String::new())
            })
            .collect(),
    }
}

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
    let codes: Vec<String> = table
        .rows()
        .iter()
        .map(|r| table.get(r, "supplier_code").to_owned())
        .collect();
    let known = supplier::by_codes(conn, &codes)?;
    let mut problems = Vec::new();
    let mut planned = Vec::new();
    let mut seen = HashSet::new();
    for row in table.rows() {
        let get = |key: &str| -> String { table.get(row, key).to_owned() };
        let push = |problems: &mut Vec<Problem>, column: &str, reason: &str| {
            problems.push(Problem {
                row: row.number,
                column: column.to_owned(),
                value: get(column),
                reason: reason.to_owned(),
            })
        };
        let failed_cell = get("red_lines_failed");
        let failed: Vec<&str> = failed_cell
            .split([';', '；', ','])
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        if let Some(bad) = failed.iter().find(|c| !is_red_line(c)) {
            problems.push(Problem {
                row: row.number,
                column: "red_lines_failed".into(),
                value: (*bad).to_owned(),
                reason: "review.unknown_red_line".into(),
            });
            continue;
        }
        let Some(target) = known.get(&get("supplier_code")) else {
            push(&mut problems, "supplier_code", "field.unknown_supplier");
            continue;
        };
        let input = input_of(
            &get("decided_on"),
            &get("evidence_type"),
            &get("firm"),
            &get("csr_signed_on"),
            &failed,
        );
        let assessed = match onboarding::assess(&input, today) {
            Ok(assessed) => assessed,
            Err(field_problems) => {
                for (field, reason) in field_problems {
                    let column = match field.as_str() {
                        "evidence_firm" => "firm",
                        "evidence_date" => "decided_on",
                        f if f.starts_with("red_line_") => "red_lines_failed",
                        f => COLUMNS
                            .iter()
                            .find(|c| c.key == f)
                            .map_or("decision", |c| c.key),
                    };
                    push(&mut problems, column, &reason);
                }
                continue;
            }
        };
        if assessed.outcome.as_str() != get("decision").to_lowercase() {
            push(&mut problems, "decision", "review.decision_mismatch");
            continue;
        }
        if !seen.insert((target.id, get("decided_on"))) {
            push(&mut problems, "decided_on", "field.duplicate_in_file");
            continue;
        }
        planned.push((target.clone(), assessed));
    }
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let mut outcome = Outcome {
        rows: planned.len(),
        ..Outcome::default()
    };
    for (target, assessed) in planned {
        if onboarding::exists(conn, target.id, assessed.decided_on())? {
            outcome.unchanged += 1;
            continue;
        }
        outcome.created += 1;
        if !dry_run {
            // Re-read: an earlier row of the file may have changed this supplier.
            let current = supplier::Supplier::find(conn, target.id)?.ok_or(AppError::NotFound)?;
            let apply = can_decide(current.status());
            onboarding::write(conn, actor, &current, &assessed, None, apply)?;
        }
    }
    Ok(Ok(outcome))
}
