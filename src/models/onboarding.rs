//! Onboarding reviews: the red-line gate of DESIGN §2.2 applied and recorded.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::audit_log::{self, Actor};
use super::supplier::{self, Supplier};
use super::{now, Paged};
use crate::db::schema::{onboarding_reviews, review_red_lines, suppliers};
use crate::db::DbConnection;
use crate::domain::red_lines::{
    decide, Assessment, EvidenceType, GateDecision, GateGap, ReviewFacts, RED_LINES,
};
use crate::domain::supplier_status::{can_decide, SupplierStatus};
use crate::domain::values;
use crate::error::{AppError, FieldErrors};

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = onboarding_reviews)]
pub struct Review {
    pub id: i32,
    #[serde(skip)]
    pub supplier_id: i32,
    pub decided_on: NaiveDate,
    pub decision: String,
    pub evidence_type: Option<String>,
    pub evidence_firm: String,
    pub evidence_date: Option<NaiveDate>,
    #[serde(skip)]
    pub evidence_attachment_id: Option<i32>,
    pub csr_signed_on: Option<NaiveDate>,
    pub failed_red_lines: String,
    pub note: String,
    #[serde(skip)]
    pub created_by: Option<i32>,
    #[serde(skip)]
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = review_red_lines)]
pub struct RedLineResult {
    #[serde(skip)]
    pub review_id: i32,
    pub code: String,
    pub assessment: String,
    pub note: String,
}

/// A review as typed into the form or given to the API.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReviewInput {
    pub decided_on: String,
    pub evidence_type: String,
    pub evidence_firm: String,
    pub evidence_date: String,
    pub csr_signed_on: String,
    pub note: String,
    /// (red-line code, assessment, note), one per red line.
    pub red_lines: Vec<(String, String, String)>,
}

/// The review as decided, with what it changed.
pub struct Recorded {
    pub review: Review,
    pub supplier: Supplier,
}

fn gap_field(gap: &GateGap) -> (String, &'static str) {
    match gap {
        GateGap::Evidence => ("evidence_type".into(), "review.gap.evidence"),
        GateGap::EvidenceFirm => ("evidence_firm".into(), "field.required"),
        GateGap::EvidenceDate => ("evidence_date".into(), "field.required"),
        GateGap::CsrAgreement => ("csr_signed_on".into(), "review.gap.csr"),
        GateGap::NotAssessed(code) => (format!("red_line_{code}"), "review.gap.not_assessed"),
    }
}

/// A review that passed the checks, with the gate's outcome.
pub struct Assessed {
    decided_on: NaiveDate,
    evidence: Option<EvidenceType>,
    evidence_firm: String,
    evidence_date: Option<NaiveDate>,
    csr_signed_on: Option<NaiveDate>,
    note: String,
    assessments: Vec<(&'static str, Assessment, String)>,
    pub outcome: SupplierStatus,
    pub failed: Vec<&'static str>,
}

impl Assessed {
    pub fn decided_on(&self) -> NaiveDate {
        self.decided_on
    }
}

/// Checks the input and applies the gate (no database). `Err` holds the
/// problems (field → i18n key): malformed values, or an incomplete review.
pub fn assess(input: &ReviewInput, today: NaiveDate) -> Result<Assessed, FieldErrors> {
    let mut problems = FieldErrors::new();
    let mut parse_date =
        |field: &str, value: &str, required: bool| match values::past_date(value, today) {
            Ok(None) if required => {
                problems.insert(field.into(), "field.required".into());
                None
            }
            Ok(d) => d,
            Err(key) => {
                problems.insert(field.into(), key.into());
                None
            }
        };
    let decided_on = parse_date("decided_on", &input.decided_on, true);
    let evidence_date = parse_date("evidence_date", &input.evidence_date, false);
    let csr_signed_on = parse_date("csr_signed_on", &input.csr_signed_on, false);
    let evidence = match input.evidence_type.trim() {
        "" => None,
        t => match EvidenceType::parse(t) {
            Some(e) => Some(e),
            None => {
                problems.insert("evidence_type".into(), "review.evidence_type".into());
                None
            }
        },
    };
    let mut assessments: Vec<(&'static str, Assessment, String)> = Vec::new();
    for (code, assessment, note) in &input.red_lines {
        let Some(known) = RED_LINES.iter().find(|c| **c == code.trim()) else {
            problems.insert(format!("red_line_{code}"), "review.unknown_red_line".into());
            continue;
        };
        match assessment.trim() {
            "" => assessments.push((known, Assessment::NotAssessed, note.trim().to_owned())),
            a => match Assessment::parse(a) {
                Some(a) => assessments.push((known, a, note.trim().to_owned())),
                None => {
                    problems.insert(format!("red_line_{code}"), "review.assessment".into());
                }
            },
        }
    }
    let evidence_firm = input.evidence_firm.trim().to_owned();
    if evidence_firm.chars().count() > 200 {
        problems.insert("evidence_firm".into(), "field.too_long".into());
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let pairs: Vec<(&str, Assessment)> = assessments.iter().map(|(c, a, _)| (*c, *a)).collect();
    let (outcome, failed) = match decide(&ReviewFacts {
        evidence,
        evidence_firm: &evidence_firm,
        evidence_date,
        csr_signed_on,
        assessments: &pairs,
    }) {
        GateDecision::Approved => (SupplierStatus::Approved, Vec::new()),
        GateDecision::RejectedRedLine { failed } => (SupplierStatus::Rejected, failed),
        GateDecision::Incomplete { missing } => {
            return Err(missing
                .iter()
                .map(gap_field)
                .map(|(f, k)| (f, k.to_owned()))
                .collect())
        }
    };
    Ok(Assessed {
        decided_on: decided_on.unwrap_or(today),
        evidence,
        evidence_firm,
        evidence_date,
        csr_signed_on,
        note: input.note.trim().to_owned(),
        assessments,
        outcome,
        failed,
    })
}

/// Applies the gate and, unless the review is incomplete or malformed,
/// records it and moves the supplier to approved or rejected, in the
/// caller's transaction. `Ok(Err(problems))` when nothing was written.
pub fn record(
    conn: &mut DbConnection,
    actor: &Actor,
    supplier_row: &Supplier,
    input: &ReviewInput,
    today: NaiveDate,
    evidence_attachment: Option<i32>,
) -> Result<Result<Recorded, FieldErrors>, AppError> {
    if !can_decide(supplier_row.status()) {
        return Ok(Err(FieldErrors::from([(
            "status".to_owned(),
            "review.not_open".to_owned(),
        )])));
    }
    let assessed = match assess(input, today) {
        Ok(assessed) => assessed,
        Err(problems) => return Ok(Err(problems)),
    };
    Ok(Ok(write(
        conn,
        actor,
        supplier_row,
        &assessed,
        evidence_attachment,
        true,
    )?))
}

/// Stores an assessed review. With `apply` the supplier's status follows the
/// decision (approval date = decision date); without, the review is history
/// loaded from a file for a supplier whose status is already settled.
pub fn write(
    conn: &mut DbConnection,
    actor: &Actor,
    supplier_row: &Supplier,
    assessed: &Assessed,
    evidence_attachment: Option<i32>,
    apply: bool,
) -> Result<Recorded, AppError> {
    let status = assessed.outcome;
    let id: i32 = diesel::insert_into(onboarding_reviews::table)
        .values((
            onboarding_reviews::supplier_id.eq(supplier_row.id),
            onboarding_reviews::decided_on.eq(assessed.decided_on),
            onboarding_reviews::decision.eq(status.as_str()),
            onboarding_reviews::evidence_type.eq(assessed.evidence.map(EvidenceType::as_str)),
            onboarding_reviews::evidence_firm.eq(&assessed.evidence_firm),
            onboarding_reviews::evidence_date.eq(assessed.evidence_date),
            onboarding_reviews::evidence_attachment_id.eq(evidence_attachment),
            onboarding_reviews::csr_signed_on.eq(assessed.csr_signed_on),
            onboarding_reviews::failed_red_lines.eq(assessed.failed.join(";")),
            onboarding_reviews::note.eq(&assessed.note),
            onboarding_reviews::created_by.eq(actor.user_id),
            onboarding_reviews::created_at.eq(now()),
        ))
        .returning(onboarding_reviews::id)
        .get_result(conn)?;
    for code in RED_LINES {
        let (assessment, note) = assessed
            .assessments
            .iter()
            .find(|(c, _, _)| *c == code)
            .map(|(_, a, n)| (*a, n.as_str()))
            .unwrap_or((Assessment::NotAssessed, ""));
        diesel::insert_into(review_red_lines::table)
            .values((
                review_red_lines::review_id.eq(id),
                review_red_lines::code.eq(code),
                review_red_lines::assessment.eq(assessment.as_str()),
                review_red_lines::note.eq(note),
            ))
            .execute(conn)?;
    }
    if let Some(attachment) = evidence_attachment {
        super::attachment::set_owner(conn, attachment, "onboarding_review", id)?;
    }
    let review = onboarding_reviews::table
        .find(id)
        .select(Review::as_select())
        .get_result(conn)?;
    audit_log::record::<(), _>(
        conn,
        actor,
        "supplier",
        &supplier_row.code,
        "onboarding_review",
        None,
        Some(&review),
    )?;
    let supplier = if apply {
        let approved = status == SupplierStatus::Approved;
        supplier::set_status(
            conn,
            actor,
            supplier_row,
            supplier_row.version,
            supplier::StatusChange {
                to: status,
                approved_on: approved.then_some(assessed.decided_on),
                csr_signed_on: assessed.csr_signed_on,
                action: if approved {
                    "approve"
                } else {
                    "reject_red_line"
                },
            },
        )?
    } else {
        supplier_row.clone()
    };
    Ok(Recorded { review, supplier })
}

/// Whether this supplier already has a review decided on that day (the
/// natural key that makes re-importing a file change nothing).
pub fn exists(
    conn: &mut DbConnection,
    supplier_id: i32,
    decided_on: NaiveDate,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        onboarding_reviews::table
            .filter(onboarding_reviews::supplier_id.eq(supplier_id))
            .filter(onboarding_reviews::decided_on.eq(decided_on)),
    ))
    .get_result(conn)
}

/// The reviews of one supplier, newest first, with their red-line results.
pub fn for_supplier(
    conn: &mut DbConnection,
    supplier_id: i32,
) -> QueryResult<Vec<(Review, Vec<RedLineResult>)>> {
    let reviews: Vec<Review> = onboarding_reviews::table
        .filter(onboarding_reviews::supplier_id.eq(supplier_id))
        .order((
            onboarding_reviews::decided_on.desc(),
            onboarding_reviews::id.desc(),
        ))
        .select(Review::as_select())
        .load(conn)?;
    let ids: Vec<i32> = reviews.iter().map(|r| r.id).collect();
    let results: Vec<RedLineResult> = review_red_lines::table
        .filter(review_red_lines::review_id.eq_any(&ids))
        .select(RedLineResult::as_select())
        .load(conn)?;
    Ok(reviews
        .into_iter()
        .map(|review| {
            let mine = RED_LINES
                .iter()
                .filter_map(|code| {
                    results
                        .iter()
                        .find(|r| r.review_id == review.id && r.code == *code)
                        .cloned()
                })
                .collect();
            (review, mine)
        })
        .collect())
}

/// Reviews with their supplier's code, newest first, optionally for one year.
pub fn list(
    conn: &mut DbConnection,
    year: Option<i32>,
    page: i64,
    per_page: i64,
) -> QueryResult<Paged<(Review, String)>> {
    let filtered = || {
        let mut query = onboarding_reviews::table
            .inner_join(suppliers::table)
            .into_boxed();
        if let Some(y) = year {
            let (from, to) = (
                NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default(),
                NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or_default(),
            );
            query = query.filter(onboarding_reviews::decided_on.between(from, to));
        }
        query
    };
    let total = filtered().count().get_result(conn)?;
    let items = filtered()
        .order((
            onboarding_reviews::decided_on.desc(),
            onboarding_reviews::id.desc(),
        ))
        .limit(per_page)
        .offset((page - 1) * per_page)
        .select((Review::as_select(), suppliers::code))
        .load(conn)?;
    Ok(Paged {
        items,
        total,
        page,
        per_page,
    })
}
