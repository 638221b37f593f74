//! The year's figures (DESIGN §4), computed from the records on every call:
//! a handful of queries, the maths in `domain::kpi`.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

use crate::db::schema::{audits, corrective_actions, findings, onboarding_reviews, suppliers};
use crate::db::DbConnection;
use crate::domain::corrective::on_time_rate;
use crate::domain::country::{region_of, Region};
use crate::domain::esg::{ClimateFigures, TrainingFigures};
use crate::domain::grade::{Grade, GradeThresholds};
use crate::domain::kpi::{self, Remediation, Shares};
use crate::domain::minerals::SmelterFigures;
use crate::error::AppError;

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Kpis {
    pub year: i32,
    pub business_unit: Option<String>,
    pub suppliers: SupplierFigures,
    pub onboarding: OnboardingFigures,
    pub risk_tiers: TierFigures,
    pub audits: AuditFigures,
    pub performance: PerformanceFigures,
    pub remediation: RemediationFigures,
    pub smelters: SmelterFigures,
    pub climate: ClimateFigures,
    pub training: TrainingFigures,
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct SupplierFigures {
    pub production_total: usize,
    pub mainland_china: usize,
    pub international: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct OnboardingFigures {
    pub reviews: usize,
    pub approved: usize,
    pub rejected_red_line: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct TierFigures {
    pub high: usize,
    pub medium: usize,
    pub low: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct AuditFigures {
    pub suppliers_audited: usize,
    pub previous_year: usize,
    pub tier2_audited: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct PerformanceFigures {
    pub excellent_pct: Option<f64>,
    pub medium_pct: Option<f64>,
    pub poor_pct: Option<f64>,
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct RemediationFigures {
    pub suppliers: usize,
    pub above_80_pct: Option<f64>,
    pub from_60_to_80_pct: Option<f64>,
    pub below_60_pct: Option<f64>,
    pub open_overdue: usize,
}

fn bounds(year: i32) -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default(),
        NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default(),
    )
}

/// (id, tier, country) of the suppliers in scope (the business unit, if any).
fn scope(
    conn: &mut DbConnection,
    business_unit: Option<&str>,
) -> QueryResult<HashMap<i32, (i32, String)>> {
    let mut query = suppliers::table.into_boxed();
    if let Some(bu) = business_unit {
        query = query.filter(suppliers::business_unit.eq(bu.to_owned()));
    }
    Ok(query
        .select((suppliers::id, suppliers::tier, suppliers::country))
        .load::<(i32, i32, String)>(conn)?
        .into_iter()
        .map(|(id, tier, country)| (id, (tier, country)))
        .collect())
}

/// (supplier, audit id, performed_on, score) of one performed audit.
type Performed = (i32, i32, NaiveDate, Option<i32>);

/// The audits performed in a year by suppliers in scope: (supplier, audit id,
/// performed_on, score), ordered so the last per supplier is its latest.
fn performed_in(
    conn: &mut DbConnection,
    year: i32,
    in_scope: &HashMap<i32, (i32, String)>,
) -> QueryResult<Vec<Performed>> {
    let (from, to) = bounds(year);
    Ok(audits::table
        .filter(audits::performed_on.between(from, to))
        .filter(audits::kind.eq_any(["annual", "onboarding", "follow_up", "rba_vap"]))
        .order((audits::performed_on.asc(), audits::id.asc()))
        .select((
            audits::supplier_id,
            audits::id,
            audits::performed_on.assume_not_null(),
            audits::score,
        ))
        .load::<(i32, i32, NaiveDate, Option<i32>)>(conn)?
        .into_iter()
        .filter(|(s, ..)| in_scope.contains_key(s))
        .collect())
}

pub fn compute(
    conn: &mut DbConnection,
    year: i32,
    business_unit: Option<&str>,
    grades: GradeThresholds,
    today: NaiveDate,
) -> Result<Kpis, AppError> {
    let (from, to) = bounds(year);
    let in_scope = scope(conn, business_unit)?;

    // Production suppliers at the end of the year, by region.
    let production: Vec<(i32, String)> = suppliers::table
        .filter(suppliers::production.eq(true))
        .filter(suppliers::approved_on.le(to))
        .filter(
            suppliers::exited_on
                .is_null()
                .or(suppliers::exited_on.gt(to)),
        )
        .select((suppliers::id, suppliers::country))
        .load(conn)?;
    let production: Vec<&String> = production
        .iter()
        .filter(|(id, _)| in_scope.contains_key(id))
        .map(|(_, c)| c)
        .collect();
    let mainland = production
        .iter()
        .filter(|c| region_of(c) == Region::MainlandChina)
        .count();

    // Onboarding decisions of the year.
    let reviews: Vec<(i32, String, String)> = onboarding_reviews::table
        .filter(onboarding_reviews::decided_on.between(from, to))
        .select((
            onboarding_reviews::supplier_id,
            onboarding_reviews::decision,
            onboarding_reviews::failed_red_lines,
        ))
        .load(conn)?;
    let reviews: Vec<&(i32, String, String)> = reviews
        .iter()
        .filter(|(s, ..)| in_scope.contains_key(s))
        .collect();
    let rejected_red_line: HashSet<i32> = reviews
        .iter()
        .filter(|(_, decision, failed)| decision == "rejected" && !failed.is_empty())
        .map(|(s, ..)| *s)
        .collect();

    // Risk tiers: each supplier's latest assessment in the year.
    let latest = super::risk::latest_in_year(conn, year)?;
    let tier_count = |tier: &str| {
        latest
            .values()
            .filter(|r| in_scope.contains_key(&r.supplier_id) && r.tier == tier)
            .count()
    };

    // Audits and performance.
    let this_year = performed_in(conn, year, &in_scope)?;
    let previous = performed_in(conn, year - 1, &in_scope)?;
    let mut latest_score: HashMap<i32, Option<i32>> = HashMap::new();
    for (supplier, _, _, score) in &this_year {
        latest_score.insert(*supplier, *score);
    }
    let audited: HashSet<i32> = latest_score.keys().copied().collect();
    let previous_audited: HashSet<i32> = previous.iter().map(|(s, ..)| *s).collect();
    let tier2 = audited
        .iter()
        .filter(|s| in_scope.get(s).is_some_and(|(t, _)| *t == 2))
        .count();
    let graded: Vec<Grade> = latest_score
        .values()
        .filter_map(|s| s.map(|s| Grade::of(s, grades)))
        .collect();
    let Shares {
        excellent,
        medium,
        poor,
    } = kpi::performance(&graded);

    // Remediation over the actions of findings from the year's audits.
    let audit_ids: Vec<i32> = this_year.iter().map(|(_, id, ..)| *id).collect();
    let supplier_of: HashMap<i32, i32> = this_year.iter().map(|(s, id, ..)| (*id, *s)).collect();
    let mut by_supplier: HashMap<i32, Vec<(NaiveDate, Option<NaiveDate>)>> = HashMap::new();
    for chunk in audit_ids.chunks(5000) {
        let rows: Vec<(i32, NaiveDate, Option<NaiveDate>)> = corrective_actions::table
            .inner_join(findings::table)
            .filter(findings::audit_id.eq_any(chunk))
            .select((
                findings::audit_id,
                corrective_actions::due_on,
                corrective_actions::closed_on,
            ))
            .load(conn)?;
        for (audit, due, closed) in rows {
            by_supplier
                .entry(supplier_of[&audit])
                .or_default()
                .push((due, closed));
        }
    }
    let rates: Vec<f64> = by_supplier
        .values()
        .filter_map(|a| on_time_rate(a))
        .collect();
    let Remediation {
        suppliers: remediation_suppliers,
        above_80_pct,
        from_60_to_80_pct,
        below_60_pct,
    } = kpi::remediation(&rates);
    // Open and overdue at the end of the year (for the current year: today).
    let cutoff = if year == today.year() { today } else { to };
    let overdue: Vec<(i32, Option<NaiveDate>)> = corrective_actions::table
        .filter(corrective_actions::due_on.lt(cutoff))
        .filter(
            corrective_actions::closed_on
                .is_null()
                .or(corrective_actions::closed_on.gt(cutoff)),
        )
        .select((
            corrective_actions::supplier_id,
            corrective_actions::closed_on,
        ))
        .load(conn)?;
    let open_overdue = overdue
        .iter()
        .filter(|(s, _)| in_scope.contains_key(s))
        .count();

    Ok(Kpis {
        year,
        business_unit: business_unit.map(str::to_owned),
        suppliers: SupplierFigures {
            production_total: production.len(),
            mainland_china: mainland,
            international: production.len() - mainland,
        },
        onboarding: OnboardingFigures {
            reviews: reviews.len(),
            approved: reviews.iter().filter(|(_, d, _)| d == "approved").count(),
            rejected_red_line: rejected_red_line.len(),
        },
        risk_tiers: TierFigures {
            high: tier_count("high"),
            medium: tier_count("medium"),
            low: tier_count("low"),
        },
        audits: AuditFigures {
            suppliers_audited: audited.len(),
            previous_year: previous_audited.len(),
            tier2_audited: tier2,
        },
        performance: PerformanceFigures {
            excellent_pct: excellent,
            medium_pct: medium,
            poor_pct: poor,
        },
        remediation: RemediationFigures {
            suppliers: remediation_suppliers,
            above_80_pct,
            from_60_to_80_pct,
            below_60_pct,
            open_overdue,
        },
        smelters: super::smelter::smelter_figures(conn, year, business_unit)?,
        climate: super::esg::climate_figures(conn, year, business_unit)?,
        training: super::training::training_figures(conn, year, business_unit)?,
    })
}
