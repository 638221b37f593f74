//! The JSON API under `/api/v1` (bearer tokens or a browser session), with
//! the same role rules as the pages and the DESIGN §8 list and error shapes.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::pagination::ListQuery;
use super::suppliers::{create_supplier, update_supplier, visible_supplier, ListParams};
use super::AppState;
use crate::auth::{AnyRole, Authorized, Readers, Staff};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::import::onboarding::input_of;
use crate::models::onboarding::{self, Review};
use crate::models::supplier::{self, Supplier, SupplierInput};
use crate::models::{now, Paged};

/// Who the token belongs to; handy to check a token works.
pub async fn me(user: Authorized<AnyRole>) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "email": user.user.email,
        "name": user.user.name,
        "role": user.user.role,
        "language": user.user.language,
    }))
}

pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}

/// The DESIGN §8 list shape.
#[derive(Serialize)]
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

#[derive(Serialize)]
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

#[derive(Deserialize)]
pub struct SupplierUpdate {
    version: i32,
    #[serde(flatten)]
    input: SupplierInput,
}

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

#[derive(Serialize)]
pub struct ReviewBody {
    supplier_code: String,
    #[serde(flatten)]
    review: Review,
}

#[derive(Deserialize)]
pub struct ReviewQuery {
    #[serde(default)]
    year: Option<i32>,
    #[serde(flatten)]
    list: ListQuery,
}

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
#[derive(Deserialize)]
pub struct ReviewRequest {
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

#[derive(Deserialize)]
pub struct SmelterQuery {
    #[serde(flatten)]
    scope: super::smelters::Scope,
    #[serde(flatten)]
    filter: crate::models::smelter::SmelterFilter,
    #[serde(flatten)]
    list: ListQuery,
}

#[derive(Serialize)]
pub struct SmelterBody {
    #[serde(flatten)]
    smelter: crate::models::smelter::Smelter,
    /// With `year`: how many suppliers (in scope) declared it that year.
    #[serde(skip_serializing_if = "Option::is_none")]
    suppliers: Option<i64>,
}

/// The RMI reference list; with `year` (and `business_unit`), only the
/// smelters declared in that year's files, with their supplier counts.
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
    let year = match query.scope.year.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(y) => Some(y.parse::<i32>().map_err(|_| {
            AppError::Validation(FieldErrors::from([(
                "year".to_owned(),
                "field.number".to_owned(),
            )]))
        })?),
    };
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

#[derive(Deserialize)]
pub struct SupplierSmeltersQuery {
    #[serde(default)]
    year: Option<String>,
    #[serde(flatten)]
    list: ListQuery,
}

#[derive(Serialize)]
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
pub async fn supplier_smelters(
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    code: web::Path<String>,
    query: web::Query<SupplierSmeltersQuery>,
) -> AppResult<HttpResponse> {
    let found = visible_supplier(&state, &user, code.into_inner()).await?;
    let query = query.into_inner();
    let year = match query.year.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(y) => Some(y.parse::<i32>().map_err(|_| {
            AppError::Validation(FieldErrors::from([(
                "year".to_owned(),
                "field.number".to_owned(),
            )]))
        })?),
    };
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
                None => Paged {
                    items: Vec::new(),
                    total: 0,
                    page,
                    per_page,
                },
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
