//! Yearly risk assessments (DESIGN §2.3): the computed score and tier, an
//! optional override with its reason, and the history per supplier.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use super::audit_log::{self, Actor};
use super::supplier::Supplier;
use super::{like_pattern, now, Paged};
use crate::db::schema::{audits, risk_assessments, suppliers};
use crate::db::DbConnection;
use crate::domain::risk::{RiskFacts, RiskModel, Tier};
use crate::domain::values;
use crate::error::{AppError, FieldErrors};

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = risk_assessments)]
pub struct RiskAssessment {
    pub id: i32,
    #[serde(skip)]
    pub supplier_id: i32,
    pub assessed_on: NaiveDate,
    pub saq_score: Option<i32>,
    pub score: i32,
    pub computed_tier: String,
    pub tier: String,
    pub override_reason: String,
    #[serde(skip)]
    pub factors_json: String,
    #[serde(skip)]
    pub created_by: Option<i32>,
    #[serde(skip)]
    pub created_at: NaiveDateTime,
}

impl RiskAssessment {
    pub fn is_override(&self) -> bool {
        self.tier != self.computed_tier
    }
}

/// An assessment as typed or imported (DESIGN §5 `risk` names).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RiskInput {
    pub assessed_on: String,
    pub saq_score: String,
    /// Empty: the computed tier. Otherwise an override, which needs a reason.
    pub tier: String,
    pub reason: String,
}

/// Checks the input (no database): date, score 0–100, tier and reason.
pub fn check(
    input: &RiskInput,
    today: NaiveDate,
) -> Result<(NaiveDate, Option<i32>, Option<Tier>, String), FieldErrors> {
    let mut problems = FieldErrors::new();
    let assessed_on = match values::past_date(&input.assessed_on, today) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            problems.insert("assessed_on".into(), "field.required".into());
            None
        }
        Err(key) => {
            problems.insert("assessed_on".into(), key.into());
            None
        }
    };
    let saq = match input.saq_score.trim() {
        "" => None,
        s => match s.parse::<i32>() {
            Ok(n) if (0..=100).contains(&n) => Some(n),
            _ => {
                problems.insert("saq_score".into(), "field.score".into());
                None
            }
        },
    };
    let tier = match input.tier.trim() {
        "" => None,
        t => match Tier::parse(t) {
            Some(t) => Some(t),
            None => {
                problems.insert("tier".into(), "risk.tier".into());
                None
            }
        },
    };
    let reason = input.reason.trim().to_owned();
    if reason.chars().count() > 1000 {
        problems.insert("reason".into(), "field.too_long".into());
    }
    if problems.is_empty() {
        Ok((assessed_on.unwrap_or(today), saq, tier, reason))
    } else {
        Err(problems)
    }
}

/// What the model needs beyond the input: the latest audit score and the
/// open findings of the supplier.
pub fn facts_for(
    conn: &mut DbConnection,
    supplier: &Supplier,
) -> QueryResult<(Option<i32>, super::finding_counts::OpenFindings)> {
    let last_score: Option<Option<i32>> = audits::table
        .filter(audits::supplier_id.eq(supplier.id))
        .filter(audits::score.is_not_null())
        .order((audits::performed_on.desc(), audits::id.desc()))
        .select(audits::score)
        .first(conn)
        .optional()?;
    let open = super::finding_counts::open_for(conn, supplier.id)?;
    Ok((last_score.flatten(), open))
}

/// Computes and records an assessment (with its audit-log entry). An
/// override of the computed tier needs a reason; `Ok(Err(..))` writes nothing.
pub fn record(
    conn: &mut DbConnection,
    actor: &Actor,
    supplier: &Supplier,
    input: &RiskInput,
    model: &RiskModel,
    today: NaiveDate,
) -> Result<Result<RiskAssessment, FieldErrors>, AppError> {
    let (assessed_on, saq, stated_tier, reason) = match check(input, today) {
        Ok(checked) => checked,
        Err(problems) => return Ok(Err(problems)),
    };
    let (last_audit_score, open) = facts_for(conn, supplier)?;
    let result = model.assess(&RiskFacts {
        saq_score: saq,
        country: &supplier.country,
        category: &supplier.category,
        last_audit_score,
        open_priority: open.priority,
        open_major: open.major,
        open_minor: open.minor,
        open_red_line: open.red_line,
    });
    let tier = stated_tier.unwrap_or(result.tier);
    if tier != result.tier && reason.is_empty() {
        return Ok(Err(FieldErrors::from([(
            "reason".to_owned(),
            "risk.reason_required".to_owned(),
        )])));
    }
    // An open red-line finding forces high: no override may lower it.
    if open.red_line && tier != Tier::High {
        return Ok(Err(FieldErrors::from([(
            "tier".to_owned(),
            "risk.red_line_forces_high".to_owned(),
        )])));
    }
    let factors = serde_json::to_string(&result.factors).unwrap_or_default();
    let id: i32 = diesel::insert_into(risk_assessments::table)
        .values((
            risk_assessments::supplier_id.eq(supplier.id),
            risk_assessments::assessed_on.eq(assessed_on),
            risk_assessments::saq_score.eq(saq),
            risk_assessments::score.eq(result.score),
            risk_assessments::computed_tier.eq(result.tier.as_str()),
            risk_assessments::tier.eq(tier.as_str()),
            risk_assessments::override_reason.eq(if tier != result.tier {
                reason.as_str()
            } else {
                ""
            }),
            risk_assessments::factors_json.eq(factors),
            risk_assessments::created_by.eq(actor.user_id),
            risk_assessments::created_at.eq(now()),
        ))
        .returning(risk_assessments::id)
        .get_result(conn)?;
    let saved = risk_assessments::table
        .find(id)
        .select(RiskAssessment::as_select())
        .get_result(conn)?;
    let action = if saved.is_override() {
        "risk_override"
    } else {
        "risk_assessment"
    };
    audit_log::record::<(), _>(
        conn,
        actor,
        "supplier",
        &supplier.code,
        action,
        None,
        Some(&saved),
    )?;
    Ok(Ok(saved))
}

pub fn history(conn: &mut DbConnection, supplier_id: i32) -> QueryResult<Vec<RiskAssessment>> {
    risk_assessments::table
        .filter(risk_assessments::supplier_id.eq(supplier_id))
        .order((
            risk_assessments::assessed_on.desc(),
            risk_assessments::id.desc(),
        ))
        .select(RiskAssessment::as_select())
        .load(conn)
}

fn year_bounds(year: i32) -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default(),
        NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default(),
    )
}

/// Each supplier's latest assessment dated in `year` (DESIGN §4 risk tiers),
/// by supplier id. One query; the latest is picked here.
pub fn latest_in_year(
    conn: &mut DbConnection,
    year: i32,
) -> QueryResult<HashMap<i32, RiskAssessment>> {
    let (from, to) = year_bounds(year);
    let rows: Vec<RiskAssessment> = risk_assessments::table
        .filter(risk_assessments::assessed_on.between(from, to))
        .order((
            risk_assessments::assessed_on.asc(),
            risk_assessments::id.asc(),
        ))
        .select(RiskAssessment::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(|r| (r.supplier_id, r)).collect())
}

/// The years that have assessments, newest first.
pub fn years(conn: &mut DbConnection) -> QueryResult<Vec<i32>> {
    let dates: Vec<NaiveDate> = risk_assessments::table
        .select(risk_assessments::assessed_on)
        .distinct()
        .load(conn)?;
    let mut years: Vec<i32> = dates.iter().map(|d| d.year()).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    Ok(years)
}

/// How many suppliers are in each tier.
pub type TierCounts = Vec<(Tier, usize)>;

/// Filters of the risk list.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RiskFilter {
    #[serde(
        default,
        deserialize_with = "crate::web::pagination::optional_number_i32"
    )]
    pub year: Option<i32>,
    pub tier: Option<String>,
    pub business_unit: Option<String>,
    pub q: Option<String>,
}

/// The suppliers assessed in a year with their latest assessment, filtered
/// and paged, plus the count per tier (of the whole year, unfiltered by tier).
pub fn list(
    conn: &mut DbConnection,
    year: i32,
    filter: &RiskFilter,
    page: i64,
    per_page: i64,
) -> QueryResult<(Paged<(Supplier, RiskAssessment)>, TierCounts)> {
    let latest = latest_in_year(conn, year)?;
    let ids: Vec<i32> = latest.keys().copied().collect();
    let mut found: Vec<Supplier> = Vec::new();
    for chunk in ids.chunks(1000) {
        let mut query = suppliers::table
            .filter(suppliers::id.eq_any(chunk))
            .into_boxed();
        if let Some(bu) = filter.business_unit.as_deref().filter(|b| !b.is_empty()) {
            query = query.filter(suppliers::business_unit.eq(bu.to_lowercase()));
        }
        if let Some(q) = filter.q.as_deref().filter(|q| !q.trim().is_empty()) {
            query = query.filter(suppliers::search_text.like(like_pattern(q)).escape('\\'));
        }
        found.extend(query.select(Supplier::as_select()).load(conn)?);
    }
    let tiers: Vec<(Tier, usize)> = Tier::ALL
        .iter()
        .map(|t| {
            (
                *t,
                found
                    .iter()
                    .filter(|s| latest[&s.id].tier == t.as_str())
                    .count(),
            )
        })
        .collect();
    let wanted = filter.tier.as_deref().filter(|t| !t.is_empty());
    let mut rows: Vec<(Supplier, RiskAssessment)> = found
        .into_iter()
        .filter_map(|s| {
            let a = latest[&s.id].clone();
            (wanted.is_none() || wanted == Some(a.tier.as_str())).then_some((s, a))
        })
        .collect();
    rows.sort_by(|(sa, a), (sb, b)| b.score.cmp(&a.score).then(sa.code.cmp(&sb.code)));
    let total = rows.len() as i64;
    let items = rows
        .into_iter()
        .skip(((page - 1) * per_page) as usize)
        .take(per_page as usize)
        .collect();
    Ok((
        Paged {
            items,
            total,
            page,
            per_page,
        },
        tiers,
    ))
}
