//! The demo's risk assessments and audits. The audit programme is the phone
//! business's: in 2021, 320 phone suppliers audited with grades 95 / 83 /
//! 142 (excellent / medium / poor); in 2020, 249 with 56 / 56 / 137. Every
//! figure comes from the audit records generated here.

use chrono::{Datelike, Duration, NaiveDate};

use crate::db::DbConnection;
use crate::domain::audit::{AuditKind, AuditStatus};
use crate::domain::corrective::Severity;
use crate::error::AppError;
use crate::models::audit::{self, AuditFields};
use crate::models::audit_log::Actor;
use crate::models::finding::{self, FindingFields};
use crate::models::risk::{self, RiskInput};
use crate::models::setting::Settings;
use crate::models::supplier::Supplier;
use crate::models::user::User;

/// (year, excellent, medium, poor) at scale 1.
const PROGRAMME: [(i32, usize, usize, usize); 2] = [(2020, 56, 56, 137), (2021, 95, 83, 142)];
const FIRMS: [&str; 5] = [
    "SGS",
    "Bureau Veritas",
    "Intertek",
    "TÜV SÜD",
    "UL Solutions",
];

/// A stable pseudo-random order, so the audited set is not simply the
/// oldest suppliers.
fn mix(value: u64) -> u64 {
    let mut z = value.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn counted(s: &Supplier, year: i32) -> bool {
    let end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    s.production && s.approved_on.is_some_and(|a| a <= end) && s.exited_on.is_none_or(|e| e > end)
}

pub fn load(
    conn: &mut DbConnection,
    actor: &Actor,
    suppliers: &[Supplier],
    scale: usize,
    today: NaiveDate,
) -> Result<(), AppError> {
    let auditor = User::by_email(conn, "auditor@supplier-esg.demo")?.map(|u| u.id);
    for (year, excellent, medium, poor) in PROGRAMME {
        let mut pool: Vec<&Supplier> = suppliers
            .iter()
            .filter(|s| s.business_unit == "phones" && counted(s, year))
            .filter(|s| {
                s.approved_on
                    .is_some_and(|a| a < NaiveDate::from_ymd_opt(year, 10, 1).unwrap_or_default())
            })
            .collect();
        pool.sort_by_key(|s| mix(s.id as u64 * 31 + year as u64));
        let audited = (excellent + medium + poor) * scale;
        if pool.len() < audited {
            return Err(AppError::Internal(format!(
                "demo: only {} phone suppliers for {year}",
                pool.len()
            )));
        }
        let mut with_findings = 0;
        for (i, supplier) in pool.into_iter().take(audited).enumerate() {
            // Grades in a mixed order too: i ↦ 7919·i mod n is a permutation
            // (7919 is prime and divides no audited count), so the counts hold.
            let rank = (i * 7919 + 13) % audited;
            let score = if rank < excellent * scale {
                85 + (i % 14) as i32
            } else if rank < (excellent + medium) * scale {
                70 + (i % 15) as i32
            } else {
                42 + (i % 28) as i32
            };
            let start = NaiveDate::from_ymd_opt(year, 2, 20).unwrap_or_default();
            let performed = start + Duration::days(((i * 37) % 300) as i64);
            let kind = if i % 17 == 0 {
                AuditKind::RbaVap
            } else {
                AuditKind::Annual
            };
            let fields = AuditFields {
                audit_ref: format!("A{year}-{}", supplier.code),
                supplier_id: supplier.id,
                kind,
                firm: FIRMS[i % FIRMS.len()].to_owned(),
                auditor_id: if year == 2021 && i % 16 == 0 {
                    auditor
                } else {
                    None
                },
                planned_on: Some(performed - Duration::days(14)),
                performed_on: Some(performed),
                score: Some(score),
                status: AuditStatus::Closed,
            };
            let created = audit::insert(
                conn,
                actor,
                &fields,
                Some((year, "plan.reason.tier=high")),
                "import",
            )?;
            // 2021's remediation: 250 suppliers with findings, completing on
            // time > 80 % (120), 60–80 % (55) and < 60 % (75): 48 / 22 / 30 %.
            if year == 2021 && with_findings < 250 * scale {
                let bucket = match with_findings % 50 {
                    0..=23 => 0,
                    24..=34 => 1,
                    _ => 2,
                };
                add_findings(
                    conn,
                    actor,
                    &created,
                    performed,
                    bucket,
                    with_findings,
                    today,
                )?;
                with_findings += 1;
            }
        }
    }
    // Current work: a few audits under way and planned for the coming weeks.
    let current: Vec<&Supplier> = suppliers
        .iter()
        .filter(|s| s.status == "approved" && s.production && s.business_unit == "phones")
        .take(15 * scale)
        .collect();
    for (i, supplier) in current.into_iter().enumerate() {
        let planned = today + Duration::days((i as i64 * 3) % 40 - 5);
        let fields = AuditFields {
            audit_ref: format!("A{}-{}", today.year(), supplier.code),
            supplier_id: supplier.id,
            kind: if i % 5 == 0 {
                AuditKind::FollowUp
            } else {
                AuditKind::Annual
            },
            firm: FIRMS[i % FIRMS.len()].to_owned(),
            auditor_id: auditor,
            planned_on: Some(planned),
            performed_on: None,
            score: None,
            status: if planned <= today {
                AuditStatus::InProgress
            } else {
                AuditStatus::Planned
            },
        };
        let created = audit::insert(
            conn,
            actor,
            &fields,
            Some((today.year(), "plan.reason.tier=high")),
            "plan",
        )?;
        if created.status() == AuditStatus::InProgress {
            add_current_findings(conn, actor, &created, i, today)?;
        }
    }
    assess(conn, actor, suppliers, 2021, today)?;
    assess(conn, actor, suppliers, today.year(), today)
}

const CLAUSES: [&str; 10] = ["A3", "A4", "B1", "B2", "B4", "B8", "C2", "C3", "E4", "E11"];
const DESCRIPTIONS: [&str; 10] = [
    "Overtime exceeded 60 hours a week for 12 % of sampled workers in peak season.",
    "Overtime premium for rest-day work paid at 150 % instead of 200 %.",
    "Guarding missing on two punch presses in the stamping workshop.",
    "Emergency exit in warehouse B blocked by pallets; last evacuation drill over a year ago.",
    "No occupational noise monitoring in the SMT line; hearing protection not worn.",
    "Safety signage only in Chinese although 8 % of workers are Vietnamese.",
    "No water-saving target set; wastewater volume not recorded monthly.",
    "Chemical storage without secondary containment; SDS missing for two solvents.",
    "ESG risk assessment not updated since 2019.",
    "Training records for new workers incomplete for the last quarter.",
];

/// Five findings needing action for one audit, closed so that the
/// supplier's on-time rate falls in `bucket` (0: > 80 %, 1: 60–80 %,
/// 2: < 60 %); in the last bucket some stay open, overdue today.
fn add_findings(
    conn: &mut DbConnection,
    actor: &Actor,
    audit: &crate::models::audit::Audit,
    found_on: NaiveDate,
    bucket: usize,
    n: usize,
    today: NaiveDate,
) -> Result<(), AppError> {
    let on_time = match bucket {
        0 => 5,
        1 => 3 + n % 2,
        _ => 2,
    };
    for k in 0..5 {
        let due = crate::domain::corrective::due_date(found_on);
        let closed_on = if k < on_time {
            Some(due - Duration::days(3 + (k as i64 * 11 + n as i64) % 40))
        } else if bucket == 2 && k == 4 && n % 3 == 0 {
            None
        } else {
            Some(due + Duration::days(10 + (n as i64 % 30)))
        };
        let severity = match (n + k) % 7 {
            0 => Severity::Priority,
            1..=3 => Severity::Major,
            _ => Severity::Minor,
        };
        let fields = FindingFields {
            finding_ref: format!("{}-F{:02}", audit.audit_ref, k + 1),
            audit: audit.clone(),
            clause: CLAUSES[(n + k * 3) % CLAUSES.len()].to_owned(),
            severity,
            red_line: None,
            description: DESCRIPTIONS[(n * 7 + k) % DESCRIPTIONS.len()].to_owned(),
            found_on,
            closed_on: closed_on.filter(|c| *c <= today),
            with_action: true,
        };
        finding::insert(conn, actor, &fields, "import")?;
    }
    Ok(())
}

/// Findings of the audits under way today, due over the coming weeks and
/// some already overdue: the material of the week's lists and reminders.
fn add_current_findings(
    conn: &mut DbConnection,
    actor: &Actor,
    audit: &crate::models::audit::Audit,
    i: usize,
    today: NaiveDate,
) -> Result<(), AppError> {
    // Due dates (found + 4 months) 20, 14, 3 and 0 days ahead and 5 and 20
    // days behind.
    for (k, days_to_due) in [20i64, 14, 3, 0, -5, -20].into_iter().enumerate() {
        let due = today + Duration::days(days_to_due - i as i64);
        let found_on = due
            .checked_sub_months(chrono::Months::new(4))
            .unwrap_or(due);
        let fields = FindingFields {
            finding_ref: format!("{}-F{:02}", audit.audit_ref, k + 1),
            audit: audit.clone(),
            clause: CLAUSES[(i + k) % CLAUSES.len()].to_owned(),
            severity: if k % 3 == 0 {
                Severity::Major
            } else {
                Severity::Minor
            },
            red_line: None,
            description: DESCRIPTIONS[(i + k * 3) % DESCRIPTIONS.len()].to_owned(),
            found_on,
            closed_on: None,
            with_action: true,
        };
        finding::insert(conn, actor, &fields, "finding")?;
    }
    Ok(())
}

/// One assessment per counted production supplier in `year`, computed by
/// the risk model from a self-assessment score and the audit history.
fn assess(
    conn: &mut DbConnection,
    actor: &Actor,
    suppliers: &[Supplier],
    year: i32,
    today: NaiveDate,
) -> Result<(), AppError> {
    let model = Settings::load(conn)?.risk_model();
    let assessed_on = NaiveDate::from_ymd_opt(year, 2, 15)
        .unwrap_or(today)
        .min(today);
    for s in suppliers
        .iter()
        .filter(|s| counted(s, year.min(2021)) && s.status != "exited")
    {
        let saq = 35 + (mix(s.id as u64 + year as u64) % 65) as i32;
        let input = RiskInput {
            assessed_on: assessed_on.to_string(),
            saq_score: saq.to_string(),
            tier: String::new(),
            reason: String::new(),
        };
        risk::record(conn, actor, s, &input, &model, today)?
            .map_err(|p| AppError::Internal(format!("demo risk for {} refused: {p:?}", s.code)))?;
    }
    Ok(())
}
