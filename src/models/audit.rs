//! Third-party audits (DESIGN §2.4): planned → in progress → reported →
//! closed, with the firm, the assigned auditor, date, score and report file.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use super::audit_log::{self, Actor};
use super::supplier::Supplier;
use super::user::User;
use super::{like_pattern, now, Paged};
use crate::db::schema::{audits, suppliers, users};
use crate::db::DbConnection;
use crate::domain::audit::{AuditKind, AuditStatus};
use crate::domain::grade::{Grade, GradeThresholds};
use crate::domain::role::Role;
use crate::domain::values;
use crate::error::{AppError, FieldErrors};

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = audits)]
pub struct Audit {
    #[serde(skip)]
    pub id: i32,
    pub audit_ref: String,
    #[serde(skip)]
    pub supplier_id: i32,
    pub kind: String,
    pub firm: String,
    #[serde(skip)]
    pub auditor_id: Option<i32>,
    pub plan_year: Option<i32>,
    pub plan_reason: String,
    pub planned_on: Option<NaiveDate>,
    pub performed_on: Option<NaiveDate>,
    pub score: Option<i32>,
    pub status: String,
    #[serde(skip)]
    pub report_attachment_id: Option<i32>,
    #[serde(skip)]
    pub created_at: NaiveDateTime,
    #[serde(skip)]
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

impl Audit {
    pub fn status(&self) -> AuditStatus {
        AuditStatus::parse(&self.status).unwrap_or(AuditStatus::Planned)
    }

    pub fn grade(&self, thresholds: GradeThresholds) -> Option<Grade> {
        self.score.map(|s| Grade::of(s, thresholds))
    }

    pub fn by_ref(conn: &mut DbConnection, audit_ref: &str) -> QueryResult<Option<Audit>> {
        audits::table
            .filter(audits::audit_ref.eq(audit_ref.trim()))
            .select(Audit::as_select())
            .first(conn)
            .optional()
    }

    pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Option<Audit>> {
        audits::table
            .find(id)
            .select(Audit::as_select())
            .get_result(conn)
            .optional()
    }

    pub fn for_supplier(conn: &mut DbConnection, supplier_id: i32) -> QueryResult<Vec<Audit>> {
        audits::table
            .filter(audits::supplier_id.eq(supplier_id))
            .order((
                audits::performed_on.desc(),
                audits::planned_on.desc(),
                audits::id.desc(),
            ))
            .select(Audit::as_select())
            .load(conn)
    }
}

/// An audit as given by a file row or an API body (DESIGN §5 `audits`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AuditInput {
    pub audit_ref: String,
    pub supplier_code: String,
    pub kind: String,
    pub firm: String,
    pub auditor_email: String,
    pub planned_on: String,
    pub performed_on: String,
    pub score: String,
    pub status: String,
}

/// Checked values, ready to write (references resolved).
#[derive(Debug, Clone, PartialEq)]
pub struct AuditFields {
    pub audit_ref: String,
    pub supplier_id: i32,
    pub kind: AuditKind,
    pub firm: String,
    pub auditor_id: Option<i32>,
    pub planned_on: Option<NaiveDate>,
    pub performed_on: Option<NaiveDate>,
    pub score: Option<i32>,
    pub status: AuditStatus,
}

/// Parses a score of 0–100 (empty is none).
pub fn parse_score(value: &str) -> Result<Option<i32>, &'static str> {
    match value.trim() {
        "" => Ok(None),
        s => match s.parse::<i32>() {
            Ok(n) if (0..=100).contains(&n) => Ok(Some(n)),
            _ => Err("field.score"),
        },
    }
}

/// The checks of an audit's result: a reported audit has its date and
/// score; the audit cannot be performed before it was planned.
pub fn check_result(
    status: AuditStatus,
    planned_on: Option<NaiveDate>,
    performed_on: Option<NaiveDate>,
    score: Option<i32>,
    problems: &mut FieldErrors,
) {
    // A field already refused keeps its first, more precise reason.
    let mut refuse = |field: &str, key: &str| {
        problems.entry(field.into()).or_insert_with(|| key.into());
    };
    if status.has_result() {
        if performed_on.is_none() {
            refuse("performed_on", "audit.performed_required");
        }
        if score.is_none() {
            refuse("score", "audit.score_required");
        }
    }
    if let (Some(p), Some(d)) = (planned_on, performed_on) {
        if d < p {
            refuse("performed_on", "audit.dates_order");
        }
    }
}

/// The active auditor user with this e-mail, or the reason it is refused.
pub fn auditor_by_email(
    conn: &mut DbConnection,
    email: &str,
) -> QueryResult<Result<Option<i32>, &'static str>> {
    if email.trim().is_empty() {
        return Ok(Ok(None));
    }
    Ok(match User::by_email(conn, email)? {
        Some(u) if u.active && u.role() == Role::Auditor => Ok(Some(u.id)),
        Some(_) => Err("audit.not_auditor"),
        None => Err("audit.unknown_auditor"),
    })
}

impl AuditInput {
    pub fn check(
        &self,
        conn: &mut DbConnection,
        today: NaiveDate,
    ) -> QueryResult<Result<AuditFields, FieldErrors>> {
        let mut problems = FieldErrors::new();
        let mut take = |field: &str, r: Result<Option<NaiveDate>, &'static str>| {
            r.map_err(|k| {
                problems.insert(field.into(), k.into());
            })
            .ok()
            .flatten()
        };
        // A plan may look ahead; a performance date may not.
        let planned_on = take(
            "planned_on",
            if self.planned_on.trim().is_empty() {
                Ok(None)
            } else {
                values::date(&self.planned_on).map(Some)
            },
        );
        let performed_on = take("performed_on", values::past_date(&self.performed_on, today));
        let audit_ref = values::code(&self.audit_ref)
            .map_err(|k| problems.insert("audit_ref".into(), k.into()))
            .ok();
        let kind = match AuditKind::parse(&self.kind) {
            Some(k) => Some(k),
            None => {
                problems.insert("kind".into(), "audit.kind_invalid".into());
                None
            }
        };
        let status = match self.status.trim() {
            "" => Some(AuditStatus::Planned),
            s => AuditStatus::parse(s).or_else(|| {
                problems.insert("status".into(), "audit.status".into());
                None
            }),
        };
        let score = parse_score(&self.score)
            .map_err(|k| problems.insert("score".into(), k.into()))
            .ok()
            .flatten();
        let firm = self.firm.trim().to_owned();
        if firm.chars().count() > 200 {
            problems.insert("firm".into(), "field.too_long".into());
        }
        if let Some(status) = status {
            check_result(status, planned_on, performed_on, score, &mut problems);
        }
        let supplier = Supplier::by_code(conn, &self.supplier_code)?;
        if supplier.is_none() {
            problems.insert("supplier_code".into(), "field.unknown_supplier".into());
        }
        let auditor_id = match auditor_by_email(conn, &self.auditor_email)? {
            Ok(id) => id,
            Err(key) => {
                problems.insert("auditor_email".into(), key.into());
                None
            }
        };
        if !problems.is_empty() {
            return Ok(Err(problems));
        }
        Ok(Ok(AuditFields {
            audit_ref: audit_ref.unwrap_or_default(),
            supplier_id: supplier.map(|s| s.id).unwrap_or_default(),
            kind: kind.unwrap_or(AuditKind::Annual),
            firm,
            auditor_id,
            planned_on,
            performed_on,
            score,
            status: status.unwrap_or(AuditStatus::Planned),
        }))
    }
}

/// Creates an audit; `plan` carries the plan year and why it was picked.
pub fn insert(
    conn: &mut DbConnection,
    actor: &Actor,
    fields: &AuditFields,
    plan: Option<(i32, &str)>,
    action: &str,
) -> Result<Audit, AppError> {
    let at = now();
    let id: i32 = diesel::insert_into(audits::table)
        .values((
            audits::audit_ref.eq(&fields.audit_ref),
            audits::supplier_id.eq(fields.supplier_id),
            audits::kind.eq(fields.kind.as_str()),
            audits::firm.eq(&fields.firm),
            audits::auditor_id.eq(fields.auditor_id),
            audits::plan_year.eq(plan.map(|(y, _)| y)),
            audits::plan_reason.eq(plan.map_or("", |(_, r)| r)),
            audits::planned_on.eq(fields.planned_on),
            audits::performed_on.eq(fields.performed_on),
            audits::score.eq(fields.score),
            audits::status.eq(fields.status.as_str()),
            audits::created_at.eq(at),
            audits::updated_at.eq(at),
            audits::version.eq(1),
        ))
        .returning(audits::id)
        .get_result(conn)?;
    let audit = Audit::find(conn, id)?.ok_or(AppError::NotFound)?;
    audit_log::record::<(), _>(
        conn,
        actor,
        "audit",
        &audit.audit_ref,
        action,
        None,
        Some(&audit),
    )?;
    Ok(audit)
}

/// Replaces the editable fields if the row still has `version`.
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    before: &Audit,
    version: i32,
    fields: &AuditFields,
    action: &str,
) -> Result<Audit, AppError> {
    let changed = diesel::update(
        audits::table
            .filter(audits::id.eq(before.id))
            .filter(audits::version.eq(version)),
    )
    .set((
        audits::supplier_id.eq(fields.supplier_id),
        audits::kind.eq(fields.kind.as_str()),
        audits::firm.eq(&fields.firm),
        audits::auditor_id.eq(fields.auditor_id),
        audits::planned_on.eq(fields.planned_on),
        audits::performed_on.eq(fields.performed_on),
        audits::score.eq(fields.score),
        audits::status.eq(fields.status.as_str()),
        audits::updated_at.eq(now()),
        audits::version.eq(version + 1),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Err(audit_log::stale(conn, "audit", &before.audit_ref)?);
    }
    let after = Audit::find(conn, before.id)?.ok_or(AppError::NotFound)?;
    audit_log::record(
        conn,
        actor,
        "audit",
        &after.audit_ref,
        action,
        Some(before),
        Some(&after),
    )?;
    Ok(after)
}

/// The firm and auditor of an audit (assignment), version-checked.
pub fn assign(
    conn: &mut DbConnection,
    actor: &Actor,
    before: &Audit,
    version: i32,
    firm: &str,
    auditor_id: Option<i32>,
) -> Result<Audit, AppError> {
    let fields = AuditFields {
        firm: firm.trim().to_owned(),
        auditor_id,
        ..fields_of(before)
    };
    update(conn, actor, before, version, &fields, "assign")
}

pub fn fields_of(a: &Audit) -> AuditFields {
    AuditFields {
        audit_ref: a.audit_ref.clone(),
        supplier_id: a.supplier_id,
        kind: AuditKind::parse(&a.kind).unwrap_or(AuditKind::Annual),
        firm: a.firm.clone(),
        auditor_id: a.auditor_id,
        planned_on: a.planned_on,
        performed_on: a.performed_on,
        score: a.score,
        status: a.status(),
    }
}

/// Moves an audit one step on. Reporting needs `performed_on` and `score`
/// (and may attach the report file); `Ok(Err(..))` writes nothing.
pub fn advance(
    conn: &mut DbConnection,
    actor: &Actor,
    before: &Audit,
    version: i32,
    performed_on: Option<NaiveDate>,
    score: Option<i32>,
    report: Option<i32>,
) -> Result<Result<Audit, FieldErrors>, AppError> {
    let Some(next) = before.status().next() else {
        return Ok(Err(FieldErrors::from([(
            "status".to_owned(),
            "audit.closed".to_owned(),
        )])));
    };
    let mut fields = fields_of(before);
    fields.status = next;
    if next == AuditStatus::Reported {
        fields.performed_on = performed_on;
        fields.score = score;
    }
    let mut problems = FieldErrors::new();
    check_result(
        next,
        fields.planned_on,
        fields.performed_on,
        fields.score,
        &mut problems,
    );
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let mut after = update(conn, actor, before, version, &fields, next.as_str())?;
    if let Some(attachment) = report {
        super::attachment::set_owner(conn, attachment, "audit", after.id)?;
        diesel::update(audits::table.find(after.id))
            .set(audits::report_attachment_id.eq(attachment))
            .execute(conn)?;
        after.report_attachment_id = Some(attachment);
    }
    Ok(Ok(after))
}

/// Filters of the audit list (pages, export and API).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    pub q: Option<String>,
    #[param(value_type = Option<i32>)]
    pub year: Option<String>,
    pub firm: Option<String>,
    pub auditor: Option<String>,
    pub status: Option<String>,
    pub grade: Option<String>,
    pub business_unit: Option<String>,
    pub supplier: Option<String>,
    pub kind: Option<String>,
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// A row of the audit list: the audit, its supplier and auditor.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub audit: Audit,
    pub supplier_code: String,
    pub supplier_name: String,
    pub business_unit: String,
    pub auditor_email: Option<String>,
}

impl AuditFilter {
    pub fn problems(&self) -> FieldErrors {
        let mut problems = FieldErrors::new();
        if let Some(y) = present(&self.year) {
            if y.parse::<i32>()
                .map_or(true, |y| !(1990..=2100).contains(&y))
            {
                problems.insert("year".into(), "field.year".into());
            }
        }
        if let Some(s) = present(&self.status) {
            if AuditStatus::parse(s).is_none() {
                problems.insert("status".into(), "audit.status".into());
            }
        }
        if let Some(g) = present(&self.grade) {
            if Grade::parse(g).is_none() {
                problems.insert("grade".into(), "audit.grade_invalid".into());
            }
        }
        if let Some(k) = present(&self.kind) {
            if AuditKind::parse(k).is_none() {
                problems.insert("kind".into(), "audit.kind_invalid".into());
            }
        }
        problems
    }

    fn query(
        &self,
        scope_auditor: Option<i32>,
        grades: GradeThresholds,
    ) -> diesel::dsl::IntoBoxed<
        'static,
        diesel::dsl::InnerJoin<audits::table, suppliers::table>,
        crate::db::DbBackend,
    > {
        let mut query = audits::table.inner_join(suppliers::table).into_boxed();
        if let Some(auditor) = scope_auditor {
            query = query.filter(audits::auditor_id.eq(auditor));
        }
        if let Some(q) = present(&self.q) {
            let pattern = like_pattern(q);
            query = query.filter(
                suppliers::search_text
                    .like(pattern.clone())
                    .escape('\\')
                    .or(super::lower(audits::audit_ref).like(pattern).escape('\\')),
            );
        }
        if let Some(year) = present(&self.year).and_then(|y| y.parse::<i32>().ok()) {
            let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
            let to = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
            // Performed that year, or not yet performed and planned for it.
            query = query.filter(
                audits::performed_on
                    .between(from, to)
                    .or(audits::performed_on.is_null().and(
                        audits::planned_on
                            .between(from, to)
                            .or(audits::plan_year.eq(year)),
                    )),
            );
        }
        if let Some(firm) = present(&self.firm) {
            query = query.filter(audits::firm.eq(firm.to_owned()));
        }
        if let Some(email) = present(&self.auditor) {
            let ids = users::table
                .filter(users::email.eq(email.to_lowercase()))
                .select(users::id.nullable());
            query = query.filter(audits::auditor_id.eq_any(ids));
        }
        if let Some(s) = present(&self.status) {
            query = query.filter(audits::status.eq(s.to_owned()));
        }
        match present(&self.grade).and_then(Grade::parse) {
            Some(Grade::Excellent) => query = query.filter(audits::score.ge(grades.excellent)),
            Some(Grade::Medium) => {
                query = query.filter(
                    audits::score
                        .ge(grades.medium)
                        .and(audits::score.lt(grades.excellent)),
                )
            }
            Some(Grade::Poor) => query = query.filter(audits::score.lt(grades.medium)),
            None => {}
        }
        if let Some(bu) = present(&self.business_unit) {
            query = query.filter(suppliers::business_unit.eq(bu.to_lowercase()));
        }
        if let Some(code) = present(&self.supplier) {
            query = query.filter(suppliers::code.eq(code.to_owned()));
        }
        if let Some(kind) = present(&self.kind) {
            query = query.filter(audits::kind.eq(kind.to_owned()));
        }
        query
    }

    pub fn page(
        &self,
        conn: &mut DbConnection,
        scope_auditor: Option<i32>,
        grades: GradeThresholds,
        page: i64,
        per_page: i64,
    ) -> QueryResult<Paged<AuditRow>> {
        let total = self.query(scope_auditor, grades).count().get_result(conn)?;
        let rows = self
            .query(scope_auditor, grades)
            .order((
                audits::performed_on.desc(),
                audits::planned_on.desc(),
                audits::audit_ref.asc(),
            ))
            .limit(per_page)
            .offset((page - 1) * per_page)
            .select((
                Audit::as_select(),
                suppliers::code,
                suppliers::name,
                suppliers::business_unit,
            ))
            .load::<(Audit, String, String, String)>(conn)?;
        Ok(Paged {
            items: with_auditors(conn, rows)?,
            total,
            page,
            per_page,
        })
    }

    pub fn all(
        &self,
        conn: &mut DbConnection,
        scope_auditor: Option<i32>,
        grades: GradeThresholds,
    ) -> QueryResult<Vec<AuditRow>> {
        let rows = self
            .query(scope_auditor, grades)
            .order((
                audits::performed_on.desc(),
                audits::planned_on.desc(),
                audits::audit_ref.asc(),
            ))
            .select((
                Audit::as_select(),
                suppliers::code,
                suppliers::name,
                suppliers::business_unit,
            ))
            .load::<(Audit, String, String, String)>(conn)?;
        with_auditors(conn, rows)
    }
}

fn with_auditors(
    conn: &mut DbConnection,
    rows: Vec<(Audit, String, String, String)>,
) -> QueryResult<Vec<AuditRow>> {
    let ids: Vec<i32> = rows.iter().filter_map(|(a, ..)| a.auditor_id).collect();
    let emails: HashMap<i32, String> = users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::email))
        .load::<(i32, String)>(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(
            |(audit, supplier_code, supplier_name, business_unit)| AuditRow {
                auditor_email: audit.auditor_id.and_then(|id| emails.get(&id).cloned()),
                audit,
                supplier_code,
                supplier_name,
                business_unit,
            },
        )
        .collect())
}

/// The list row of one audit (its supplier and auditor looked up).
pub fn row_for(conn: &mut DbConnection, audit: Audit) -> QueryResult<AuditRow> {
    let (code, name, business_unit) = suppliers::table
        .find(audit.supplier_id)
        .select((suppliers::code, suppliers::name, suppliers::business_unit))
        .first::<(String, String, String)>(conn)?;
    Ok(
        with_auditors(conn, vec![(audit, code, name, business_unit)])?
            .pop()
            .expect("one row in, one row out"),
    )
}

/// Audits planned for a month (the calendar), optionally one auditor's.
pub fn planned_between(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
    scope_auditor: Option<i32>,
) -> QueryResult<Vec<(Audit, String)>> {
    let mut query = audits::table
        .inner_join(suppliers::table)
        .filter(audits::planned_on.between(from, to))
        .into_boxed();
    if let Some(auditor) = scope_auditor {
        query = query.filter(audits::auditor_id.eq(auditor));
    }
    query
        .order((audits::planned_on.asc(), audits::audit_ref.asc()))
        .select((Audit::as_select(), suppliers::code))
        .load(conn)
}

/// Distinct firms in use, for filter menus: an auditor's (`Some(id)`) only
/// of the audits assigned to them.
pub fn firms(conn: &mut DbConnection, auditor: Option<i32>) -> QueryResult<Vec<String>> {
    let mut query = audits::table
        .filter(audits::firm.ne(""))
        .select(audits::firm)
        .distinct()
        .order(audits::firm)
        .into_boxed();
    if let Some(auditor) = auditor {
        query = query.filter(audits::auditor_id.eq(auditor));
    }
    query.load(conn)
}

/// Active auditor users: (id, e-mail, name), for assignment menus.
pub fn auditors(conn: &mut DbConnection) -> QueryResult<Vec<(i32, String, String)>> {
    users::table
        .filter(users::role.eq(Role::Auditor.as_str()))
        .filter(users::active.eq(true))
        .order(users::name)
        .select((users::id, users::email, users::name))
        .load(conn)
}

/// Whether this auditor is assigned to an audit of the supplier (their
/// window onto the supplier's basic profile).
pub fn auditor_sees_supplier(
    conn: &mut DbConnection,
    auditor_id: i32,
    supplier_id: i32,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        audits::table
            .filter(audits::auditor_id.eq(auditor_id))
            .filter(audits::supplier_id.eq(supplier_id)),
    ))
    .get_result(conn)
}

/// Everything the annual plan needs about one supplier in scope.
#[derive(Debug, Clone)]
pub struct PlanEntry {
    pub supplier: Supplier,
    pub candidate: crate::domain::plan::Candidate,
}

/// The suppliers in scope of the year's plan (approved production
/// suppliers, tier-2 ones included) with their latest risk in `year`, last
/// audit and grade. Suppliers already planned for `year` are left out, so a
/// second run only tops the plan up. A few queries, whatever the size.
pub fn plan_candidates(
    conn: &mut DbConnection,
    year: i32,
    grades: GradeThresholds,
) -> Result<Vec<PlanEntry>, AppError> {
    let risks = super::risk::latest_in_year(conn, year)?;
    if risks.is_empty() {
        return Err(AppError::BadInput(format!(
            "there are no risk assessments for {year}: assess the suppliers first"
        )));
    }
    let in_scope: Vec<Supplier> = suppliers::table
        .filter(suppliers::status.eq("approved"))
        .filter(suppliers::production.eq(true))
        .order(suppliers::code)
        .select(Supplier::as_select())
        .load(conn)?;
    let already: std::collections::HashSet<i32> = audits::table
        .filter(audits::plan_year.eq(year))
        .select(audits::supplier_id)
        .load::<i32>(conn)?
        .into_iter()
        .collect();
    // The latest performed audit per supplier: ordered ascending, last wins.
    let performed: Vec<(i32, Option<NaiveDate>, Option<i32>)> = audits::table
        .filter(audits::performed_on.is_not_null())
        .order((audits::performed_on.asc(), audits::id.asc()))
        .select((audits::supplier_id, audits::performed_on, audits::score))
        .load(conn)?;
    let last: HashMap<i32, (Option<NaiveDate>, Option<i32>)> = performed
        .into_iter()
        .map(|(s, d, score)| (s, (d, score)))
        .collect();
    Ok(in_scope
        .into_iter()
        .filter(|s| !already.contains(&s.id))
        .map(|supplier| {
            let risk = risks.get(&supplier.id);
            let (last_audit, last_score) = last.get(&supplier.id).copied().unwrap_or((None, None));
            let candidate = crate::domain::plan::Candidate {
                supplier_id: supplier.id,
                tier: risk.and_then(|r| crate::domain::risk::Tier::parse(&r.tier)),
                score: risk.map(|r| r.score),
                last_audit,
                last_grade: last_score.map(|s| Grade::of(s, grades)),
                tier2: supplier.tier == 2,
            };
            PlanEntry {
                supplier,
                candidate,
            }
        })
        .collect())
}

/// A reference for a new audit: `A<year>-<supplier code>`, with a suffix
/// when the supplier already has one that year.
pub fn next_ref(conn: &mut DbConnection, year: i32, supplier_code: &str) -> QueryResult<String> {
    let base = format!("A{year}-{supplier_code}");
    let taken: Vec<String> = audits::table
        .filter(audits::audit_ref.like(format!("{base}%")))
        .select(audits::audit_ref)
        .load(conn)?;
    if !taken.contains(&base) {
        return Ok(base);
    }
    Ok((2..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or(base))
}
