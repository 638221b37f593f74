//! The risk list (suppliers by tier for a year) and recording an assessment.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::Datelike;

use super::chrome::Chrome;
use super::pagination::{ListQuery, Pager};
use super::session::redirect;
use super::suppliers::visible_supplier;
use super::{AppState, RenderHtml};
use crate::auth::{Authorized, CsrfForm, Readers, Staff};
use crate::domain::risk::Tier;
use crate::error::{AppError, AppResult};
use crate::models::risk::{self, RiskAssessment, RiskFilter, RiskInput};
use crate::models::setting::Settings;
use crate::models::supplier::Supplier;
use crate::models::{now, Paged};

#[derive(serde::Deserialize, Default)]
pub struct ListParams {
    #[serde(flatten)]
    filter: RiskFilter,
    #[serde(flatten)]
    list: ListQuery,
}

#[derive(Template)]
#[template(path = "risk/list.html")]
struct ListPage {
    chrome: Chrome,
    year: i32,
    years: Vec<i32>,
    params: ListParams,
    rows: Paged<(Supplier, RiskAssessment)>,
    tiers: Vec<(Tier, usize)>,
}

impl ListPage {
    fn pager(&self) -> Pager {
        let f = &self.params.filter;
        let base = serde_urlencoded::to_string([
            ("year", self.year.to_string()),
            ("tier", f.tier.clone().unwrap_or_default()),
            ("business_unit", f.business_unit.clone().unwrap_or_default()),
            ("q", f.q.clone().unwrap_or_default()),
        ])
        .unwrap_or_default();
        Pager::for_links(&self.params.list, self.rows.total, |page| {
            format!("/risk?{base}&page={page}")
        })
    }

    fn tier_label(&self, tier: &str) -> &'static str {
        self.chrome.t(&format!("tier.{tier}"))
    }

    fn is_tier(&self, tier: &str) -> bool {
        self.params.filter.tier.as_deref() == Some(tier)
    }
}

pub fn tier_badge(tier: &str) -> &'static str {
    match tier {
        "high" => "bad",
        "medium" => "warn",
        _ => "ok",
    }
}

pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Readers>,
    params: web::Query<ListParams>,
) -> AppResult<HttpResponse> {
    let params = params.into_inner();
    if let Some(t) = params.filter.tier.as_deref().filter(|t| !t.is_empty()) {
        if Tier::parse(t).is_none() {
            return Err(AppError::BadInput(format!("unknown tier {t:?}")));
        }
    }
    let (filter, page, per_page) = (
        params.filter.clone(),
        params.list.page(),
        params.list.per_page(),
    );
    let (year, years, (rows, tiers)) = state
        .db(move |conn| {
            let years = risk::years(conn)?;
            let year = filter
                .year
                .or_else(|| years.first().copied())
                .unwrap_or_else(|| now().date().year());
            Ok((
                year,
                years,
                risk::list(conn, year, &filter, page, per_page)?,
            ))
        })
        .await?;
    ListPage {
        chrome: Chrome::new(&req, Some(&user), "risk"),
        year,
        years,
        params,
        rows,
        tiers,
    }
    .page()
}

/// Records an assessment from the supplier page.
pub async fn assess(
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    code: web::Path<String>,
    form: CsrfForm<RiskInput>,
) -> AppResult<HttpResponse> {
    let supplier = visible_supplier(&state, &user, code.into_inner()).await?;
    let input = form.0;
    let actor = user.actor();
    let target = supplier.clone();
    state
        .transaction(move |conn| {
            let model = Settings::load(conn)?.risk_model();
            risk::record(conn, &actor, &target, &input, &model, now().date())?
                .map_err(AppError::Validation)
        })
        .await?;
    Ok(redirect(&format!("/suppliers/{}#risk", supplier.code)))
}
