//! DESIGN §5 `risk`: yearly assessments from a file. A row with a tier is
//! taken as stated (its reason kept); an empty tier is computed by the risk
//! model. Natural key: (supplier, assessed_on) — re-importing changes nothing.

use chrono::NaiveDate;
use std::collections::HashSet;

use super::table::{self, Column, Problem};
use super::Outcome;
use crate::db::schema::risk_assessments;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::models::audit_log::Actor;
use crate::models::risk::{self, RiskInput};
use crate::models::setting::Settings;
use crate::models::supplier;
use diesel::prelude::*;

pub const COLUMNS: &[Column] = &[
    Column {
        key: "supplier_code",
        label_zh: "供应商代码",
        required: true,
    },
    Column {
        key: "assessed_on",
        label_zh: "评估日期",
        required: true,
    },
    Column {
        key: "saq_score",
        label_zh: "自评得分",
        required: false,
    },
    Column {
        key: "tier",
        label_zh: "风险等级",
        required: false,
    },
    Column {
        key: "reason",
        label_zh: "原因",
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
    let codes: Vec<String> = table
        .rows()
        .iter()
        .map(|r| table.get(r, "supplier_code").to_owned())
        .collect();
    let known = supplier::by_codes(conn, &codes)?;
    let existing: HashSet<(i32, NaiveDate)> = risk_assessments::table
        .select((risk_assessments::supplier_id, risk_assessments::assessed_on))
        .load::<(i32, NaiveDate)>(conn)?
        .into_iter()
        .collect();
    let mut problems = Vec::new();
    let mut planned = Vec::new();
    let mut seen = HashSet::new();
    for row in table.rows() {
        let input = RiskInput {
            assessed_on: table.get(row, "assessed_on").to_owned(),
            saq_score: table.get(row, "saq_score").to_owned(),
            tier: table.get(row, "tier").to_owned(),
            reason: table.get(row, "reason").to_owned(),
        };
        let push = |problems: &mut Vec<Problem>, column: &str, reason: &str| {
            problems.push(Problem {
                row: row.number,
                column: column.to_owned(),
                value: table.get(row, column).to_owned(),
                reason: reason.to_owned(),
            })
        };
        let Some(target) = known.get(table.get(row, "supplier_code")) else {
            push(&mut problems, "supplier_code", "field.unknown_supplier");
            continue;
        };
        match risk::check(&input, today) {
            Err(field_problems) => {
                for (field, reason) in field_problems {
                    push(&mut problems, &field, &reason);
                }
            }
            Ok((assessed_on, ..)) => {
                if !seen.insert((target.id, assessed_on)) {
                    push(&mut problems, "assessed_on", "field.duplicate_in_file");
                } else if !existing.contains(&(target.id, assessed_on)) {
                    planned.push((row.number, target.clone(), input));
                }
            }
        }
    }
    let rows = table.len();
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let outcome = Outcome {
        rows,
        created: planned.len(),
        updated: 0,
        unchanged: rows - planned.len(),
        ..Outcome::default()
    };
    if dry_run {
        return Ok(Ok(outcome));
    }
    let model = Settings::load(conn)?.risk_model();
    let mut refused = Vec::new();
    for (number, target, mut input) in planned {
        // A stated tier is history: keep it, with its reason (or a note that
        // it came from the file), even where the model would say otherwise.
        if !input.tier.trim().is_empty() && input.reason.trim().is_empty() {
            input.reason = "imported".into();
        }
        if let Err(field_problems) = risk::record(conn, actor, &target, &input, &model, today)? {
            refused.extend(field_problems.into_iter().map(|(field, reason)| Problem {
                row: number,
                value: String::new(),
                column: field,
                reason,
            }));
        }
    }
    if !refused.is_empty() {
        // Rolled back by the caller's transaction.
        return Ok(Err(refused));
    }
    Ok(Ok(outcome))
}
