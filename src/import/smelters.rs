//! DESIGN §5 `smelters`: the RMI smelter reference list. New smelters are
//! created, known ones (same smelter ID) updated; a changed RMAP status is
//! kept in the smelter's dated history. Afterwards every submission's rows
//! are matched again (IDs unknown before may be known now) and replacement
//! plans follow the new statuses.

use chrono::NaiveDate;
use std::collections::HashSet;

use super::table::{self, Column, Problem};
use super::Outcome;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::models::audit_log::Actor;
use crate::models::smelter::{self, SmelterFields, SmelterInput};
use crate::models::{mineral_submission, replacement_plan};

pub const COLUMNS: &[Column] = &[
    Column {
        key: "smelter_id",
        label_zh: "冶炼厂识别号码",
        required: true,
    },
    Column {
        key: "metal",
        label_zh: "金属",
        required: true,
    },
    Column {
        key: "name",
        label_zh: "冶炼厂名称",
        required: true,
    },
    Column {
        key: "country",
        label_zh: "国家/地区",
        required: true,
    },
    Column {
        key: "rmap_status",
        label_zh: "RMAP状态",
        required: true,
    },
];

/// Checks the whole file, then (unless `dry_run`) writes it in the caller's
/// transaction. `Ok(Err(problems))` means nothing was written.
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
    let mut checked: Vec<SmelterFields> = Vec::new();
    let mut seen = HashSet::new();
    for row in table.rows() {
        let input = SmelterInput {
            smelter_id: table.get(row, "smelter_id").to_owned(),
            metal: table.get(row, "metal").to_owned(),
            name: table.get(row, "name").to_owned(),
            country: table.get(row, "country").to_owned(),
            rmap_status: table.get(row, "rmap_status").to_owned(),
        };
        match input.check() {
            Ok(fields) => {
                if !seen.insert(fields.smelter_id.clone()) {
                    problems.push(Problem {
                        row: row.number,
                        column: "smelter_id".into(),
                        value: input.smelter_id.clone(),
                        reason: "field.duplicate_in_file".into(),
                    });
                }
                checked.push(fields);
            }
            Err(field_problems) => {
                problems.extend(field_problems.into_iter().map(|(field, reason)| Problem {
                    row: row.number,
                    value: table.get(row, &field).to_owned(),
                    column: field,
                    reason,
                }))
            }
        }
    }
    if checked.is_empty() && problems.is_empty() {
        problems.push(Problem::file("import.no_rows"));
    }
    if !problems.is_empty() {
        problems.sort_by(|a, b| a.row.cmp(&b.row).then(a.column.cmp(&b.column)));
        return Ok(Err(problems));
    }
    let ids: Vec<String> = checked.iter().map(|f| f.smelter_id.clone()).collect();
    let existing = smelter::by_smelter_ids(conn, &ids)?;
    let mut outcome = Outcome {
        rows: checked.len(),
        ..Outcome::default()
    };
    for fields in &checked {
        match existing.get(&fields.smelter_id) {
            None => outcome.created += 1,
            Some(current) if fields.same_as(current) => outcome.unchanged += 1,
            Some(_) => outcome.updated += 1,
        }
    }
    if dry_run || outcome.created + outcome.updated == 0 {
        return Ok(Ok(outcome));
    }
    apply(conn, actor, &checked, today)?;
    Ok(Ok(outcome))
}

/// Writes reference rows, then rematches the submissions and brings the
/// replacement plans in line (also used by the demo).
pub fn apply(
    conn: &mut DbConnection,
    actor: &Actor,
    rows: &[SmelterFields],
    as_of: NaiveDate,
) -> Result<smelter::ApplyCounts, AppError> {
    let counts = smelter::apply(conn, actor, rows, as_of)?;
    let reference = smelter::reference(conn)?;
    mineral_submission::rematch(conn, &reference, None)?;
    replacement_plan::sync(conn, actor, None, as_of)?;
    Ok(counts)
}
