//! The JSON API under `/api/v1` (bearer tokens or a browser session), with
//! the same role rules as the pages and the DESIGN §8 list and error shapes.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::pagination::ListQuery;
use super::smelters::Scope;
use super::suppliers::{create_supplier, update_supplier, visible_supplier, ListParams};
use super::AppState;
use crate::auth::{AnyRole, Authorized, EsgEditors, EsgReaders, Readers, Staff};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::import::onboarding::input_of;
use crate::models::audit::{AuditFilter, AuditInput};
use crate::models::esg::EsgFilter;
use crate::models::esg::{EsgInput, EsgRecord};
use crate::models::finding::{ActionFilter, FindingFilter, FindingInput, FindingRow};
use crate::models::onboarding::{self, Review};
use crate::models::smelter::SmelterFilter;
use crate::models::supplier::SupplierBrief;
use crate::models::supplier::SupplierFilter;
use crate::models::supplier::{self, Supplier, SupplierInput};
use crate::models::training::SessionFilter;
use crate::models::training::{self, Attendance, SessionInput, SessionSummary};
use crate::models::{loose_text, now, Paged};
use crate::web::esg::{save_esg, Refused};
use crate::web::trainings::{record_attendance, AttendanceForm};

#[derive(Serialize, ToSchema)]
pub struct MeBody {
    email: String,
    name: String,
    role: String,
    language: String,
}

/// Who the token belongs to; handy to check a token works.
#[utoipa::path(get, path = "/api/v1/me", tag = "session",
    responses((status = 200, description = "The signed-in user", body = MeBody)))]
pub async fn me(user: Authorized<AnyRole>) -> HttpResponse {
    let user = &user.user;
    HttpResponse::Ok().json(MeBody {
        email: user.email.clone(),
        name: user.name.clone(),
        role: user.role.clone(),
        language: user.language.clone(),
    })
}

pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}

/// The DESIGN §8 list shape.
#[derive(Serialize, ToSchema)]
pub struct ListBody<T: Serialize> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl<T: Serialize> ListBody<T> {
    pub fn from_paged<S>(paged: Paged<S>, map: impl Fn(S) -> T) -> Self {
        ListBody {
            items: paged.items.into_iter().map(map).collect(),
            total: paged.total,
            page: paged.page,
            per_page: paged.per_page,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SupplierBody {
    #[serde(flatten)]
    supplier: Supplier,
    region: &'static str,
    parent_code: Option<String>,
}

fn supplier_body(s: Supplier, parents: &std::collections::HashMap<i32, String>) -> SupplierBody {
    SupplierBody {
        region: s.region().as_str(),
        parent_code: s.parent_id.and_then(|p| parents.get(&p).cloned()),
        supplier: s,
    }
}

#[utoipa::path(get, path = "/api/v1/suppliers", tag = "suppliers", params(SupplierFilter, ListQuery),
    responses((status = 200, description = "Suppliers", body = ListBody<SupplierBody>)))]
pub async fn suppliers(
    state: web::Data<AppState>,
    _user: Authorized<Readers>,
    params: web::Query<ListParams>,
) -> AppResult<HttpResponse> {
    let params = params.into_inner();
    let problems = params.filter.problems();
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    let (filter, page, per_page) = (params.filter, params.list.page(), params.list.per_page());
    let (paged, parents) = state
        .db(move |conn| {
            let paged = filter.page(conn, page, per_page)?;
            let ids: Vec<i32> = paged.items.iter().filter_map(|s| s.parent_id).collect();
            Ok((paged, supplier::codes_of(conn, &ids)?))
        })
        .await?;
    Ok(HttpResponse::Ok().json(ListBody::from_paged(paged, |s| supplier_body(s, &parents))))
}

async fn supplier_response(
    state: &AppState,
    found: Supplier,
    status: actix_web::http::StatusCode,
) -> AppResult<HttpResponse> {
    let ids: Vec<i32> = found.parent_id.into_iter().collect();
    let parents = state
        .db(move |conn| Ok(supplier::codes_of(conn, &ids)?))
        .await?;
    Ok(HttpResponse::build(status).json(supplier_body(found, &parents)))
}

#[utoipa::path(get, path = "/api/v1/suppliers/{code}", tag = "suppliers", params(("code" = String, Path, description = "Supplier code", example = "S000001")),
    responses((status = 200, description = "The supplier", body = SupplierBody)))]
pub async fn supplier(
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    code: web::Path<String>,
) -> AppResult<HttpResponse> {
    let found = visible_supplier(&state, &user, code.into_inner()).await?;
    supplier_response(&state, found, actix_web::http::StatusCode::OK).await
}

fn invalid(problems: FieldErrors) -> AppError {
    AppError::Validation(problems)
}

#[utoipa::path(post, path = "/api/v1/suppliers", tag = "suppliers", request_body = SupplierInput,
    responses((status = 201, description = "Created", body = SupplierBody)))]
pub async fn create_supplier_json(
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    body: web::Json<SupplierInput>,
) -> AppResult<HttpResponse> {
    let created = create_supplier(&state, &user, body.into_inner())
        .await?
        .map_err(invalid)?;
    supplier_response(&state, created, actix_web::http::StatusCode::CREATED).await
}

#[derive(Deserialize, ToSchema)]
pub struct SupplierUpdate {
    version: i32,
    #[serde(flatten)]
    input: SupplierInput,
}

#[utoipa::path(put, path = "/api/v1/suppliers/{code}", tag = "suppliers", params(("code" = String, Path, description = "Supplier code", example = "S000001")), request_body = SupplierUpdate,
    responses((status = 200, description = "Saved", body = SupplierBody)))]
pub async fn update_supplier_json(
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    code: web::Path<String>,
    body: web::Json<SupplierUpdate>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner();
    let before = visible_supplier(&state, &user, code.into_inner()).await?;
    let saved = update_supplier(&state, &user, before, body.version, body.input)
        .await?
        .map_err(invalid)?;
    supplier_response(&state, saved, actix_web::http::StatusCode::OK).await
}

#[derive(Serialize, ToSchema)]
pub struct ReviewBody {
    supplier_code: String,
    #[serde(flatten)]
    review: Review,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReviewQuery {
    #[serde(default)]
    year: Option<i32>,
    #[serde(flatten)]
    #[param(ignore)]
    list: ListQuery,
}

#[utoipa::path(get, path = "/api/v1/onboarding-reviews", tag = "suppliers", params(ReviewQuery, ListQuery),
    responses((status = 200, description = "Onboarding reviews, newest first", body = ListBody<ReviewBody>)))]
pub async fn onboarding_reviews(
    state: web::Data<AppState>,
    _user: Authorized<Readers>,
    query: web::Query<ReviewQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let (year, page, per_page) = (query.year, query.list.page(), query.list.per_page());
    let paged = state
        .db(move |conn| Ok(onboarding::list(conn, year, page, per_page)?))
        .await?;
    Ok(
        HttpResponse::Ok().json(ListBody::from_paged(paged, |(review, supplier_code)| {
            ReviewBody {
                supplier_code,
                review,
            }
        })),
    )
}

/// A review in the §5 `onboarding` fields: red lines not listed as failed
/// passed; `decision`, when given, must be what the gate decides.
#[derive(Deserialize, ToSchema)]
pub struct ReviewRequest {
    #[schema(example = "S000001")]
    supplier_code: String,
    #[serde(default)]
    decided_on: String,
    #[serde(default)]
    evidence_type: String,
    #[serde(default)]
    firm: String,
    #[serde(default)]
    csr_signed_on: String,
    #[serde(default)]
    red_lines_failed: String,
    #[serde(default)]
    decision: String,
}

#[utoipa::path(post, path = "/api/v1/onboarding-reviews", tag = "suppliers", request_body = ReviewRequest,
    responses((status = 201, description = "Recorded; the gate decided", body = ReviewBody)))]
pub async fn create_review(
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    body: web::Json<ReviewRequest>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner();
    let target = visible_supplier(&state, &user, body.supplier_code.clone()).await?;
    let failed: Vec<String> = body
        .red_lines_failed
        .split([';', ','])
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .collect();
    let unknown: Vec<&String> = failed
        .iter()
        .filter(|c| !crate::domain::red_lines::is_red_line(c))
        .collect();
    if !unknown.is_empty() {
        return Err(invalid(FieldErrors::from([(
            "red_lines_failed".to_owned(),
            "review.unknown_red_line".to_owned(),
        )])));
    }
    let failed_refs: Vec<&str> = failed.iter().map(String::as_str).collect();
    let input = input_of(
        &body.decided_on,
        &body.evidence_type,
        &body.firm,
        &body.csr_signed_on,
        &failed_refs,
    );
    let expected = body.decision.trim().to_lowercase();
    let actor = user.actor();
    let recorded = state
        .transaction(move |conn| {
            if !expected.is_empty() {
                if let Ok(assessed) = onboarding::assess(&input, now().date()) {
                    if assessed.outcome.as_str() != expected {
                        return Err(invalid(FieldErrors::from([(
                            "decision".to_owned(),
                            "review.decision_mismatch".to_owned(),
                        )])));
                    }
                }
            }
            onboarding::record(conn, &actor, &target, &input, now().date(), None)?.map_err(invalid)
        })
        .await?;
    Ok(HttpResponse::Created().json(ReviewBody {
        supplier_code: recorded.supplier.code,
        review: recorded.review,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct RiskBody {
    supplier_code: String,
    #[serde(flatten)]
    assessment: crate::models::risk::RiskAssessment,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RiskQuery {
    #[serde(default)]
    year: Option<i32>,
    #[serde(default)]
    tier: Option<String>,
    #[serde(default)]
    business_unit: Option<String>,
    #[serde(default)]
    q: Option<String>,
    #[serde(flatten)]
    #[param(ignore)]
    list: ListQuery,
}

/// Each supplier's latest assessment in the year (default: the latest year
/// with assessments).
#[utoipa::path(get, path = "/api/v1/risk-assessments", tag = "risk", params(RiskQuery, ListQuery),
    responses((status = 200, description = "Latest assessment per supplier", body = ListBody<RiskBody>)))]
pub async fn risk_assessments(
    state: web::Data<AppState>,
    _user: Authorized<Readers>,
    query: web::Query<RiskQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    if let Some(t) = query.tier.as_deref().filter(|t| !t.is_empty()) {
        if crate::domain::risk::Tier::parse(t).is_none() {
            return Err(invalid(FieldErrors::from([(
                "tier".to_owned(),
                "risk.tier".to_owned(),
            )])));
        }
    }
    let filter = crate::models::risk::RiskFilter {
        year: query.year,
        tier: query.tier,
        business_unit: query.business_unit,
        q: query.q,
    };
    let (page, per_page) = (query.list.page(), query.list.per_page());
    let (paged, _) = state
        .db(move |conn| {
            let year = match filter.year {
                Some(y) => y,
                None => crate::models::risk::years(conn)?
                    .first()
                    .copied()
                    .unwrap_or(0),
            };
            Ok(crate::models::risk::list(
                conn, year, &filter, page, per_page,
            )?)
        })
        .await?;
    Ok(
        HttpResponse::Ok().json(ListBody::from_paged(paged, |(s, assessment)| RiskBody {
            supplier_code: s.code,
            assessment,
        })),
    )
}

#[derive(Deserialize, ToSchema)]
pub struct RiskRequest {
    #[schema(example = "S000001")]
    supplier_code: String,
    #[serde(flatten)]
    input: crate::models::risk::RiskInput,
}

#[utoipa::path(post, path = "/api/v1/risk-assessments", tag = "risk", request_body = RiskRequest,
    responses((status = 201, description = "Recorded", body = RiskBody)))]
pub async fn create_risk_assessment(
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    body: web::Json<RiskRequest>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner();
    let target = visible_supplier(&state, &user, body.supplier_code).await?;
    let actor = user.actor();
    let code = target.code.clone();
    let saved = state
        .transaction(move |conn| {
            let model = crate::models::setting::Settings::load(conn)?.risk_model();
            crate::models::risk::record(conn, &actor, &target, &body.input, &model, now().date())?
                .map_err(invalid)
        })
        .await?;
    Ok(HttpResponse::Created().json(RiskBody {
        supplier_code: code,
        assessment: saved,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct AuditBody {
    supplier_code: String,
    auditor_email: Option<String>,
    grade: Option<&'static str>,
    #[serde(flatten)]
    audit: crate::models::audit::Audit,
}

fn audit_body(
    row: crate::models::audit::AuditRow,
    grades: crate::domain::grade::GradeThresholds,
) -> AuditBody {
    AuditBody {
        grade: row
            .audit
            .grade(grades)
            .map(crate::domain::grade::Grade::as_str),
        supplier_code: row.supplier_code,
        auditor_email: row.auditor_email,
        audit: row.audit,
    }
}

#[utoipa::path(get, path = "/api/v1/audits", tag = "audits", params(AuditFilter, ListQuery),
    responses((status = 200, description = "Audits (an auditor sees their own)", body = ListBody<AuditBody>)))]
pub async fn audits(
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    params: web::Query<super::audits::ListParams>,
) -> AppResult<HttpResponse> {
    let scope = super::audits::audit_scope(&user)?;
    let params = params.into_inner();
    let problems = params.filter.problems();
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    let (filter, page, per_page) = (params.filter, params.list.page(), params.list.per_page());
    let (paged, grades) = state
        .db(move |conn| {
            let grades = crate::models::setting::Settings::load(conn)?.grades();
            Ok((filter.page(conn, scope, grades, page, per_page)?, grades))
        })
        .await?;
    Ok(HttpResponse::Ok().json(ListBody::from_paged(paged, |row| audit_body(row, grades))))
}

#[utoipa::path(get, path = "/api/v1/audits/{ref}", tag = "audits", params(("ref" = String, Path, description = "Audit reference", example = "A2020-S000002")),
    responses((status = 200, description = "The audit", body = AuditBody)))]
pub async fn audit(
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    audit_ref: web::Path<String>,
) -> AppResult<HttpResponse> {
    let found = super::audits::visible_audit(&state, &user, audit_ref.into_inner()).await?;
    let (row, grades) = state
        .db(move |conn| {
            let grades = crate::models::setting::Settings::load(conn)?.grades();
            Ok((crate::models::audit::row_for(conn, found)?, grades))
        })
        .await?;
    Ok(HttpResponse::Ok().json(audit_body(row, grades)))
}

#[utoipa::path(post, path = "/api/v1/audits", tag = "audits", request_body = AuditInput,
    responses((status = 201, description = "Created", body = AuditBody)))]
pub async fn create_audit(
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    body: web::Json<crate::models::audit::AuditInput>,
) -> AppResult<HttpResponse> {
    let created = super::audits::create_audit(&state, &user, body.into_inner())
        .await?
        .map_err(invalid)?;
    let (row, grades) = state
        .db(move |conn| {
            let grades = crate::models::setting::Settings::load(conn)?.grades();
            Ok((crate::models::audit::row_for(conn, created)?, grades))
        })
        .await?;
    Ok(HttpResponse::Created().json(audit_body(row, grades)))
}

#[derive(Deserialize)]
pub struct FindingQuery {
    #[serde(flatten)]
    filter: crate::models::finding::FindingFilter,
    #[serde(flatten)]
    list: ListQuery,
}

#[utoipa::path(get, path = "/api/v1/findings", tag = "findings", params(FindingFilter, ListQuery),
    responses((status = 200, description = "Findings visible to the caller", body = ListBody<FindingRow>)))]
pub async fn findings(
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    query: web::Query<FindingQuery>,
) -> AppResult<HttpResponse> {
    let scope = super::actions::action_scope(&user)?;
    let query = query.into_inner();
    if let Some(s) = query.filter.severity.as_deref().filter(|s| !s.is_empty()) {
        if crate::domain::corrective::Severity::parse(s).is_none() {
            return Err(invalid(FieldErrors::from([(
                "severity".to_owned(),
                "finding.severity_invalid".to_owned(),
            )])));
        }
    }
    let (filter, page, per_page) = (query.filter, query.list.page(), query.list.per_page());
    let paged = state
        .db(move |conn| Ok(filter.page(conn, scope, page, per_page)?))
        .await?;
    Ok(HttpResponse::Ok().json(ListBody::from_paged(paged, |row| row)))
}

#[derive(Serialize, ToSchema)]
pub struct FindingCreated {
    finding: crate::models::finding::Finding,
    /// Absent when the finding needs no action (closed on the spot).
    corrective_action: Option<crate::models::finding::CorrectiveAction>,
}

/// Records a finding (and its corrective action) with the §5 field names.
/// Auditors may add to their own audits until the report is submitted.
#[utoipa::path(post, path = "/api/v1/findings", tag = "findings", request_body = FindingInput,
    responses((status = 201, description = "Recorded, with its corrective action", body = FindingCreated)))]
pub async fn create_finding(
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    body: web::Json<crate::models::finding::FindingInput>,
) -> AppResult<HttpResponse> {
    use crate::domain::role::Role;
    let mut input = body.into_inner();
    let audit = super::audits::visible_audit(&state, &user, input.audit_ref.clone()).await?;
    let staff = matches!(user.role(), Role::Admin | Role::Procurement);
    let assigned = user.role() == Role::Auditor && audit.auditor_id == Some(user.user.id);
    if !(staff || (assigned && audit.status() < crate::domain::audit::AuditStatus::Reported)) {
        return Err(AppError::Forbidden);
    }
    let actor = user.actor();
    let (finding, action) = state
        .transaction(move |conn| {
            if input.finding_ref.trim().is_empty() {
                input.finding_ref = crate::models::finding::next_ref(conn, &audit)?;
            }
            let clauses: Vec<String> = crate::models::finding::clauses(conn)?
                .into_iter()
                .map(|c| c.code)
                .collect();
            let fields = input
                .check(conn, &clauses, now().date())?
                .map_err(invalid)?;
            if crate::models::finding::by_ref(conn, &fields.finding_ref)?.is_some() {
                return Err(invalid(FieldErrors::from([(
                    "finding_ref".to_owned(),
                    "finding.ref_taken".to_owned(),
                )])));
            }
            crate::models::finding::insert(conn, &actor, &fields, "finding")
        })
        .await?;
    Ok(HttpResponse::Created().json(FindingCreated {
        finding,
        corrective_action: action,
    }))
}

/// A corrective action with its finding, and whether it is overdue today.
#[derive(Serialize, ToSchema)]
pub struct ActionBody {
    overdue: bool,
    action: crate::models::finding::ActionRow,
}

impl ActionBody {
    fn new(row: crate::models::finding::ActionRow, today: chrono::NaiveDate) -> Self {
        ActionBody {
            overdue: row.action.is_overdue(today),
            action: row,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/corrective-actions", tag = "findings", params(ActionFilter, ListQuery),
    responses((status = 200, description = "Corrective actions visible to the caller", body = ListBody<ActionBody>)))]
pub async fn corrective_actions(
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    params: web::Query<super::actions::ListParams>,
) -> AppResult<HttpResponse> {
    let scope = super::actions::action_scope(&user)?;
    let params = params.into_inner();
    let problems = params.filter.problems();
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    let today = now().date();
    let (filter, page, per_page) = (params.filter, params.list.page(), params.list.per_page());
    let paged = state
        .db(move |conn| Ok(filter.page(conn, scope, today, page, per_page)?))
        .await?;
    Ok(HttpResponse::Ok().json(ListBody::from_paged(paged, |row| {
        ActionBody::new(row, today)
    })))
}

#[utoipa::path(get, path = "/api/v1/corrective-actions/{id}", tag = "findings", params(("id" = i32, Path, description = "Corrective action id", example = 1)),
    responses((status = 200, description = "The corrective action", body = ActionBody)))]
pub async fn corrective_action(
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    id: web::Path<i32>,
) -> AppResult<HttpResponse> {
    let row = super::actions::visible_action(&state, &user, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(ActionBody::new(row, now().date())))
}

#[derive(Deserialize, ToSchema)]
pub struct StepRequest {
    version: i32,
    #[serde(flatten)]
    input: crate::models::finding::StepInput,
    /// For `extend`: the new due date and its reason.
    #[serde(default)]
    due_on: String,
    #[serde(default)]
    reason: String,
}

/// The flow's transitions as POSTs: plan, progress, request_verification,
/// verify, reject and extend — with the same role rules as the pages.
#[utoipa::path(post, path = "/api/v1/corrective-actions/{id}/{step}", tag = "findings", params(("id" = i32, Path, description = "Corrective action id", example = 1), ("step" = String, Path, description = "plan, progress, request_verification, verify, reject or extend")), request_body = StepRequest,
    responses((status = 200, description = "Saved", body = crate::models::finding::CorrectiveAction)))]
pub async fn corrective_action_step(
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    path: web::Path<(i32, String)>,
    body: web::Json<StepRequest>,
) -> AppResult<HttpResponse> {
    use crate::domain::corrective::Step;
    use crate::domain::role::Role;
    let (id, step_name) = path.into_inner();
    let row = super::actions::visible_action(&state, &user, id).await?;
    let body = body.into_inner();
    let staff = matches!(user.role(), Role::Admin | Role::Procurement);
    let actor = user.actor();
    let before = row.action.clone();
    let today = now().date();
    if step_name == "extend" {
        if !staff {
            return Err(AppError::Forbidden);
        }
        let saved = state
            .transaction(move |conn| {
                crate::models::finding::extend(
                    conn,
                    &actor,
                    &before,
                    body.version,
                    &body.due_on,
                    &body.reason,
                    today,
                )?
                .map_err(invalid)
            })
            .await?;
        return Ok(HttpResponse::Ok().json(saved));
    }
    let step = match step_name.as_str() {
        "plan" => Step::SubmitPlan,
        "progress" => Step::Progress,
        "request_verification" => Step::RequestVerification,
        "verify" => Step::Verify,
        "reject" => Step::Reject,
        _ => return Err(AppError::NotFound),
    };
    let permitted = match step {
        Step::Verify | Step::Reject => staff || user.role() == Role::Auditor,
        _ => staff || user.role() == Role::Supplier,
    };
    if !permitted {
        return Err(AppError::Forbidden);
    }
    let saved = state
        .transaction(move |conn| {
            crate::models::finding::take_step(
                conn,
                &actor,
                &before,
                body.version,
                (step, &body.input, None),
                today,
            )?
            .map_err(invalid)
        })
        .await?;
    Ok(HttpResponse::Ok().json(saved))
}

/// A supplier's year of ESG data: §5 names, units in the names.
#[derive(Serialize, ToSchema)]
pub struct EsgBody {
    supplier_code: String,
    supplier_name: String,
    business_unit: String,
    #[serde(flatten)]
    record: EsgRecord,
    /// Scope 1 + 2 per million CNY of revenue.
    intensity_t_per_mcny: Option<f64>,
    /// Where the GHG verification statement downloads from, if there is one.
    statement_url: Option<String>,
}

fn esg_body(record: EsgRecord, supplier: &SupplierBrief) -> EsgBody {
    EsgBody {
        statement_url: record
            .statement_attachment_id
            .map(|_| format!("/esg/data/{}/{}/statement", supplier.code, record.year)),
        intensity_t_per_mcny: record.intensity(),
        supplier_code: supplier.code.clone(),
        supplier_name: supplier.name.clone(),
        business_unit: supplier.business_unit.clone(),
        record,
    }
}

/// ESG data with the list page's filters (`year`, `business_unit`,
/// `ghg_verification`, `has_target`, `supplier`, `q`); a supplier contact
/// sees only their own company's.
#[utoipa::path(get, path = "/api/v1/esg-data", tag = "esg", params(EsgFilter, ListQuery),
    responses((status = 200, description = "ESG data per supplier and year", body = ListBody<EsgBody>)))]
pub async fn esg_data(
    state: web::Data<AppState>,
    user: Authorized<EsgReaders>,
    params: web::Query<crate::web::esg::ListParams>,
) -> AppResult<HttpResponse> {
    let params = params.into_inner();
    let problems = params.filter.problems();
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    let mut filter = params.filter;
    if user.role() == crate::domain::role::Role::Supplier {
        filter.only_supplier = Some(user.user.supplier_id.ok_or(AppError::NotFound)?);
    }
    let (page, per_page) = (params.list.page(), params.list.per_page());
    let paged = state
        .db(move |conn| Ok(filter.page(conn, page, per_page)?))
        .await?;
    Ok(HttpResponse::Ok().json(ListBody::from_paged(paged, |(r, s)| esg_body(r, &s))))
}

/// A year's data in the §5 `esg` fields. An existing year is replaced only
/// with its `version`; a value more than ten times last year's needs
/// `"confirm": true`.
#[derive(Deserialize, ToSchema)]
pub struct EsgWrite {
    #[serde(flatten)]
    input: EsgInput,
    #[serde(default, deserialize_with = "loose_text")]
    version: String,
    #[serde(default, deserialize_with = "loose_text")]
    confirm: String,
}

#[utoipa::path(post, path = "/api/v1/esg-data", tag = "esg", request_body = EsgWrite,
    responses((status = 201, description = "Created", body = EsgBody), (status = 200, description = "Replaced", body = EsgBody)))]
pub async fn create_esg_data(
    state: web::Data<AppState>,
    user: Authorized<EsgEditors>,
    body: web::Json<EsgWrite>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner();
    let version = match body.version.trim() {
        "" => None,
        v => Some(v.parse::<i32>().map_err(|_| {
            invalid(FieldErrors::from([(
                "version".to_owned(),
                "field.number".to_owned(),
            )]))
        })?),
    };
    let confirmed = crate::domain::values::flag(&body.confirm, false)
        .map_err(|key| invalid(FieldErrors::from([("confirm".to_owned(), key.to_owned())])))?;
    match save_esg(&state, &user, body.input, version, confirmed, None).await? {
        Ok(saved) => {
            let status = if saved.created {
                actix_web::http::StatusCode::CREATED
            } else {
                actix_web::http::StatusCode::OK
            };
            let brief = SupplierBrief {
                id: saved.supplier.id,
                code: saved.supplier.code.clone(),
                name: saved.supplier.name.clone(),
                name_local: saved.supplier.name_local.clone(),
                business_unit: saved.supplier.business_unit.clone(),
            };
            Ok(HttpResponse::build(status).json(esg_body(saved.record, &brief)))
        }
        Err(Refused::Problems(problems)) => Err(invalid(problems)),
        Err(Refused::Jumps(jumps)) => Err(invalid(crate::models::esg::jump_problems(&jumps))),
    }
}

#[derive(Serialize, ToSchema)]
pub struct AttendanceBody {
    supplier_code: String,
    people: i32,
}

#[derive(Serialize, ToSchema)]
pub struct TrainingBody {
    #[serde(flatten)]
    summary: SessionSummary,
    attendance: Vec<AttendanceBody>,
}

impl TrainingBody {
    /// A session with its (supplier code, people) attendance rows.
    fn new(summary: SessionSummary, rows: Vec<(String, i32)>) -> Self {
        TrainingBody {
            summary,
            attendance: rows
                .into_iter()
                .map(|(supplier_code, people)| AttendanceBody {
                    supplier_code,
                    people,
                })
                .collect(),
        }
    }
}

/// Training sessions (filters `year`, `supplier`, `q`), each with its
/// attendance.
#[utoipa::path(get, path = "/api/v1/trainings", tag = "esg", params(SessionFilter, ListQuery),
    responses((status = 200, description = "Training sessions with attendance", body = ListBody<TrainingBody>)))]
pub async fn trainings(
    state: web::Data<AppState>,
    _user: Authorized<Readers>,
    params: web::Query<crate::web::trainings::ListParams>,
) -> AppResult<HttpResponse> {
    let params = params.into_inner();
    let problems = params.filter.problems();
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    let (filter, page, per_page) = (params.filter, params.list.page(), params.list.per_page());
    let (paged, attendance) = state
        .db(move |conn| {
            let paged = filter.page(conn, page, per_page)?;
            let ids: Vec<i32> = paged.items.iter().map(|s| s.session.id).collect();
            Ok((paged, training::attendance_for(conn, &ids)?))
        })
        .await?;
    Ok(
        HttpResponse::Ok().json(ListBody::from_paged(paged, |summary| {
            let rows = attendance
                .get(&summary.session.id)
                .cloned()
                .unwrap_or_default();
            TrainingBody::new(summary, rows)
        })),
    )
}

/// One §5 `training` row: a supplier's attendance at a session, the
/// session created from it if new (it must otherwise agree on date and
/// topic). 201 when the attendance is new, 200 when it replaced a count.
#[derive(Deserialize, ToSchema)]
pub struct TrainingWrite {
    #[serde(flatten)]
    session: SessionInput,
    #[serde(default, deserialize_with = "loose_text")]
    supplier_code: String,
    #[serde(default, deserialize_with = "loose_text")]
    people: String,
}

#[utoipa::path(post, path = "/api/v1/trainings", tag = "esg", request_body = TrainingWrite,
    responses((status = 201, description = "Attendance recorded", body = TrainingBody), (status = 200, description = "Attendance replaced", body = TrainingBody)))]
pub async fn create_training(
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    body: web::Json<TrainingWrite>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner();
    let form = AttendanceForm {
        supplier_code: body.supplier_code,
        people: body.people,
    };
    let (session, _, outcome) = record_attendance(&state, &user, body.session, form, true)
        .await?
        .map_err(invalid)?;
    let session_id = session.id;
    let mut attendance = state
        .db(move |conn| Ok(training::attendance_for(conn, &[session_id])?))
        .await?;
    let rows = attendance.remove(&session_id).unwrap_or_default();
    let status = if outcome == Attendance::Created {
        actix_web::http::StatusCode::CREATED
    } else {
        actix_web::http::StatusCode::OK
    };
    let summary = SessionSummary {
        suppliers: rows.len() as i64,
        people: rows.iter().map(|(_, n)| i64::from(*n)).sum(),
        session,
    };
    Ok(HttpResponse::build(status).json(TrainingBody::new(summary, rows)))
}

#[derive(Deserialize)]
pub struct SmelterQuery {
    #[serde(flatten)]
    scope: super::smelters::Scope,
    #[serde(flatten)]
    filter: crate::models::smelter::SmelterFilter,
    #[serde(flatten)]
    list: ListQuery,
}

#[derive(Serialize, ToSchema)]
pub struct SmelterBody {
    #[serde(flatten)]
    smelter: crate::models::smelter::Smelter,
    /// With `year`: how many suppliers (in scope) declared it that year.
    #[serde(skip_serializing_if = "Option::is_none")]
    suppliers: Option<i64>,
}

/// The RMI reference list; with `year` (and `business_unit`), only the
/// smelters declared in that year's files, with their supplier counts.
#[utoipa::path(get, path = "/api/v1/smelters", tag = "minerals", params(Scope, SmelterFilter, ListQuery),
    responses((status = 200, description = "Smelters", body = ListBody<SmelterBody>)))]
pub async fn smelters(
    state: web::Data<AppState>,
    _user: Authorized<Readers>,
    query: web::Query<SmelterQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let problems = query.filter.problems();
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    let year = optional_year(query.scope.year.as_deref())?;
    let bu = query.scope.business_unit();
    let (filter, page, per_page) = (query.filter, query.list.page(), query.list.per_page());
    let (paged, counts) = state
        .db(move |conn| match year {
            Some(year) => {
                let chain = crate::models::smelter::supply_chain(conn, year, bu.as_deref())?;
                let paged = filter.page(conn, Some(&chain.smelter_ids), page, per_page)?;
                let counts = crate::models::smelter::supplier_counts(conn, year, bu.as_deref())?;
                Ok((paged, Some(counts)))
            }
            None => Ok((filter.page(conn, None, page, per_page)?, None)),
        })
        .await?;
    Ok(
        HttpResponse::Ok().json(ListBody::from_paged(paged, |smelter| SmelterBody {
            suppliers: counts
                .as_ref()
                .map(|c| c.get(&smelter.id).copied().unwrap_or(0)),
            smelter,
        })),
    )
}

/// A `year` query parameter given as text: absent or blank is none, else a
/// whole number, refused by field name like any other filter.
fn optional_year(text: Option<&str>) -> AppResult<Option<i32>> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(y) => y.parse().map(Some).map_err(|_| {
            invalid(FieldErrors::from([(
                "year".to_owned(),
                "field.number".to_owned(),
            )]))
        }),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SupplierSmeltersQuery {
    #[serde(default)]
    #[param(value_type = Option<i32>)]
    year: Option<String>,
    #[serde(flatten)]
    #[param(ignore)]
    list: ListQuery,
}

#[derive(Serialize, ToSchema)]
pub struct DeclaredBody {
    year: i32,
    template: String,
    row: i32,
    metal: Option<String>,
    metal_text: String,
    /// The RMI smelter ID the row was matched to, if any.
    smelter_id: Option<String>,
    /// What the file gave as ID (column F, else A).
    smelter_id_text: String,
    name: String,
    country: String,
    rmap_status: Option<String>,
    matched_by: String,
    issues: Vec<&'static str>,
}

/// Supplier → smelters: every Smelter List row of the supplier's files of
/// `year` (default: the latest year it submitted), matched or not.
#[utoipa::path(get, path = "/api/v1/suppliers/{code}/smelters", tag = "minerals", params(("code" = String, Path, description = "Supplier code", example = "S000001"), SupplierSmeltersQuery, ListQuery),
    responses((status = 200, description = "Smelter List rows of the supplier files", body = ListBody<DeclaredBody>)))]
pub async fn supplier_smelters(
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    code: web::Path<String>,
    query: web::Query<SupplierSmeltersQuery>,
) -> AppResult<HttpResponse> {
    let found = visible_supplier(&state, &user, code.into_inner()).await?;
    let query = query.into_inner();
    let year = optional_year(query.year.as_deref())?;
    let (page, per_page) = (query.list.page(), query.list.per_page());
    let paged = state
        .db(move |conn| {
            let year = match year {
                Some(y) => Some(y),
                None => crate::models::mineral_submission::for_supplier(conn, found.id)?
                    .first()
                    .map(|s| s.year),
            };
            Ok(match year {
                Some(year) => crate::models::mineral_submission::supplier_rows(
                    conn, found.id, year, page, per_page,
                )?,
                None => Paged::empty(page, per_page),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(ListBody::from_paged(paged, |r| {
        let issues = r.row.issue_list().iter().map(|i| i.as_str()).collect();
        DeclaredBody {
            year: r.year,
            template: r.template,
            row: r.row.row_number,
            metal: r.row.metal.clone(),
            smelter_id: r.smelter.as_ref().map(|s| s.smelter_id.clone()),
            smelter_id_text: r.row.given_id().to_owned(),
            name: match &r.smelter {
                Some(s) => s.name.clone(),
                None => r.row.given_name().to_owned(),
            },
            country: match &r.smelter {
                Some(s) => s.country.clone(),
                None => r.row.country_text.clone(),
            },
            rmap_status: r.smelter.as_ref().map(|s| s.rmap_status.clone()),
            matched_by: r.row.match_kind.clone(),
            metal_text: r.row.metal_text,
            issues,
        }
    })))
}
