//! The annual audit plan as a job: propose (who and why) and confirm
//! (create the planned audits). Used by the plan page and `supplier-esg plan`.

use chrono::{Datelike, NaiveDate};

use crate::db::DbConnection;
use crate::domain::audit::{AuditKind, AuditStatus};
use crate::domain::plan;
use crate::error::{AppResult, FieldErrors};
use crate::models::audit;
use crate::models::audit_log::Actor;
use crate::models::setting::Settings;
use crate::models::supplier::Supplier;

/// Parses the plan's year and capacity, refusing nonsense plainly.
pub fn plan_params(
    year: Option<&str>,
    capacity: Option<&str>,
    today: NaiveDate,
) -> Result<(i32, usize), FieldErrors> {
    let mut problems = FieldErrors::new();
    let year = match year.map(str::trim).filter(|y| !y.is_empty()) {
        None => Some(today.year()),
        Some(y) => match y.parse::<i32>() {
            Ok(y) if (2000..=today.year() + 1).contains(&y) => Some(y),
            _ => {
                problems.insert("year".into(), "field.year".into());
                None
            }
        },
    };
    let capacity = match capacity.map(str::trim).filter(|c| !c.is_empty()) {
        None => Some(320),
        Some(c) => match c.parse::<usize>() {
            Ok(n) if (1..=100_000).contains(&n) => Some(n),
            _ => {
                problems.insert("capacity".into(), "plan.capacity_invalid".into());
                None
            }
        },
    };
    match (year, capacity) {
        (Some(y), Some(c)) if problems.is_empty() => Ok((y, c)),
        _ => Err(problems),
    }
}

/// The proposal: who would be audited and why.
pub fn propose(
    conn: &mut DbConnection,
    year: i32,
    capacity: usize,
) -> AppResult<(Vec<(Supplier, plan::Pick)>, usize)> {
    let grades = Settings::load(conn)?.grades();
    let entries = audit::plan_candidates(conn, year, grades)?;
    let candidates: Vec<plan::Candidate> = entries.iter().map(|e| e.candidate.clone()).collect();
    let mut by_id: std::collections::HashMap<i32, Supplier> = entries
        .into_iter()
        .map(|e| (e.supplier.id, e.supplier))
        .collect();
    let in_scope = by_id.len();
    let picks = plan::pick(&candidates, capacity)
        .into_iter()
        .filter_map(|p| by_id.remove(&p.supplier_id).map(|s| (s, p)))
        .collect();
    Ok((picks, in_scope))
}

/// The reasons of a pick as stored with the audit: `key=detail|key=detail`,
/// translated when shown.
pub fn encode_reasons(reasons: &[(&'static str, String)]) -> String {
    reasons
        .iter()
        .map(|(key, detail)| format!("{key}={detail}"))
        .collect::<Vec<_>>()
        .join("|")
}

/// The stored reasons in the reader's language.
pub fn decode_reasons(lang: crate::i18n::Lang, stored: &str) -> String {
    stored
        .split('|')
        .filter(|r| !r.is_empty())
        .map(|r| {
            let (key, detail) = r.split_once('=').unwrap_or((r, ""));
            let label = if crate::i18n::has_key(key) {
                lang.t(key)
            } else {
                key
            };
            match (key, detail) {
                (_, "") => label.to_owned(),
                ("plan.reason.tier", tier) => {
                    format!("{label}: {}", lang.t(&format!("tier.{tier}")))
                }
                (_, detail) => format!("{label}: {detail}"),
            }
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Creates the planned audits for the chosen suppliers; returns how many.
pub fn confirm_plan(
    conn: &mut DbConnection,
    actor: &Actor,
    year: i32,
    chosen: &[(Supplier, String)],
    firm: &str,
    auditor_id: Option<i32>,
) -> AppResult<usize> {
    for (supplier, reason) in chosen {
        let fields = audit::AuditFields {
            audit_ref: audit::next_ref(conn, year, &supplier.code)?,
            supplier_id: supplier.id,
            kind: AuditKind::Annual,
            firm: firm.trim().to_owned(),
            auditor_id,
            planned_on: None,
            performed_on: None,
            score: None,
            status: AuditStatus::Planned,
        };
        audit::insert(conn, actor, &fields, Some((year, reason)), "plan")?;
    }
    Ok(chosen.len())
}
