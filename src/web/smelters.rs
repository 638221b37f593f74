//! Conflict-minerals pages (DESIGN §2.8): the supply-chain view of a year
//! (per metal: smelters, countries, share RMAP-conformant), the declared
//! smelters and their export as a company-level list, the RMI reference,
//! smelter → suppliers, the suppliers' view, and replacement plans.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use std::collections::HashMap;

use super::chrome::Chrome;
use super::downloads::{ExportFormat, TableFile};
use super::pagination::{ListQuery, Pager};
use super::session::redirect;
use super::{AppState, RenderHtml};
use crate::auth::{AnyRole, Authorized, CsrfForm, Readers, Staff};
use crate::domain::country;
use crate::domain::minerals::{Metal, PlanAction, PlanStatus, RmapStatus};
use crate::domain::role::Role;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::export;
use crate::i18n::Lang;
use crate::models::audit_log::{self, AuditEntry};
use crate::models::mineral_submission::{self, SupplierLine};
use crate::models::replacement_plan::{self, PlanFilter, PlanInput, PlanRow};
use crate::models::smelter::{self, Smelter, SmelterFilter, StatusChange};
use crate::models::{now, supplier, Paged};

/// Shared by every view: metal, status and country labels.
pub fn metal_label(lang: Lang, metal: &str) -> &'static str {
    match Metal::parse(metal) {
        Some(m) => lang.t(&format!("metal.{}", m.as_str())),
        None => "",
    }
}

pub fn status_label(lang: Lang, status: &str) -> &'static str {
    match RmapStatus::parse(status) {
        Some(s) => lang.t(&format!("rmap.{}", s.as_str())),
        None => "",
    }
}

pub fn status_badge(status: &str) -> &'static str {
    match RmapStatus::parse(status) {
        Some(RmapStatus::Conformant) => "ok",
        Some(RmapStatus::Active) => "warn",
        Some(RmapStatus::NonConformant) => "bad",
        _ => "muted",
    }
}

/// A stored country: ISO codes by name in the reader's language, anything
/// else as the list gave it.
pub fn country_label(lang: Lang, stored: &str) -> String {
    country::name(stored, lang == Lang::ZhCn)
        .map(str::to_owned)
        .unwrap_or_else(|| stored.to_owned())
}

pub fn pct(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{v:.1} %"))
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// `key=value&…` of the pairs that have a value.
pub fn query_string(pairs: &[(&str, Option<&str>)]) -> String {
    let kept: Vec<(&str, &str)> = pairs
        .iter()
        .filter_map(|(k, v)| v.filter(|v| !v.trim().is_empty()).map(|v| (*k, v)))
        .collect();
    serde_urlencoded::to_string(kept).unwrap_or_default()
}

/// The reporting year and business unit a view is about.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Scope {
    #[param(value_type = Option<i32>)]
    pub year: Option<String>,
    pub business_unit: Option<String>,
}

impl Scope {
    fn year_given(&self) -> AppResult<Option<i32>> {
        match present(&self.year) {
            None => Ok(None),
            Some(y) => y
                .parse::<i32>()
                .map(Some)
                .map_err(|_| AppError::BadInput(format!("{y:?} is not a year"))),
        }
    }

    pub fn business_unit(&self) -> Option<String> {
        present(&self.business_unit).map(str::to_lowercase)
    }
}

/// The year shown when none is asked for: the latest with submissions,
/// else the current one.
pub fn default_year(conn: &mut crate::db::DbConnection) -> AppResult<i32> {
    Ok(smelter::submission_years(conn)?
        .first()
        .copied()
        .unwrap_or_else(|| now().date().year()))
}

fn checked_filter(filter: &SmelterFilter) -> AppResult<()> {
    let problems = filter.problems();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AppError::BadInput(format!(
            "unknown filter value for {}",
            problems.keys().cloned().collect::<Vec<_>>().join(", ")
        )))
    }
}

#[derive(Deserialize, Default)]
pub struct OverviewParams {
    #[serde(flatten)]
    pub scope: Scope,
    #[serde(flatten)]
    pub filter: SmelterFilter,
    #[serde(flatten)]
    pub list: ListQuery,
}

impl OverviewParams {
    fn links(&self, year: i32, sort: Option<(&str, bool)>) -> String {
        let f = &self.filter;
        let year = year.to_string();
        let (sort, dir) = match sort {
            Some((column, desc)) => (Some(column), if desc { Some("desc") } else { None }),
            None => (present(&f.sort), present(&f.dir)),
        };
        query_string(&[
            ("year", Some(&year)),
            ("business_unit", present(&self.scope.business_unit)),
            ("q", present(&f.q)),
            ("metal", present(&f.metal)),
            ("rmap_status", present(&f.rmap_status)),
            ("country", present(&f.country)),
            ("sort", sort),
            ("dir", dir),
        ])
    }
}

/// One line of the per-metal table.
pub struct MetalLine {
    pub metal: String,
    pub total: i64,
    pub countries: i64,
    pub conformant: i64,
    pub conformant_pct: Option<f64>,
}

#[derive(Template)]
#[template(path = "smelters/overview.html")]
struct OverviewPage {
    chrome: Chrome,
    params: OverviewParams,
    year: i32,
    years: Vec<i32>,
    business_units: Vec<String>,
    total: i64,
    countries: i64,
    conformant_pct: Option<f64>,
    metals: Vec<MetalLine>,
    smelters: Paged<Smelter>,
    supplier_counts: HashMap<i32, i64>,
    suppliers_with_problems: usize,
    open_plans: i64,
    reference_size: i64,
    can_edit: bool,
}

impl OverviewPage {
    fn metal(&self, metal: &str) -> &'static str {
        metal_label(self.chrome.lang, metal)
    }

    fn status(&self, status: &str) -> &'static str {
        status_label(self.chrome.lang, status)
    }

    fn badge(&self, status: &str) -> &'static str {
        status_badge(status)
    }

    fn country(&self, stored: &str) -> String {
        country_label(self.chrome.lang, stored)
    }

    fn pct(&self, value: &Option<f64>) -> String {
        pct(*value)
    }

    fn suppliers_of(&self, s: &Smelter) -> i64 {
        self.supplier_counts.get(&s.id).copied().unwrap_or(0)
    }

    fn scope_query(&self) -> String {
        query_string(&[
            ("year", Some(&self.year.to_string())),
            ("business_unit", present(&self.params.scope.business_unit)),
        ])
    }

    fn pager(&self) -> Pager {
        let base = format!("/smelters?{}", self.params.links(self.year, None));
        Pager::for_links(&self.params.list, self.smelters.total, |page| {
            format!("{base}&page={page}")
        })
    }

    fn sort_link(&self, column: &str) -> String {
        let f = &self.params.filter;
        let desc = f.sort_column() == column && !f.descending();
        format!(
            "/smelters?{}",
            self.params.links(self.year, Some((column, desc)))
        )
    }

    fn sort_class(&self, column: &str) -> &'static str {
        let f = &self.params.filter;
        match (f.sort_column() == column, f.descending()) {
            (true, false) => "asc",
            (true, true) => "desc",
            _ => "",
        }
    }

    fn export_link(&self, format: &str) -> String {
        format!(
            "/smelters/export.{format}?{}",
            self.params.links(self.year, None)
        )
    }

    fn selected(&self, value: &Option<String>, option: &str) -> bool {
        present(value) == Some(option)
    }

    fn metals_all(&self) -> Vec<(&'static str, &'static str)> {
        Metal::ALL
            .iter()
            .map(|m| (m.as_str(), metal_label(self.chrome.lang, m.as_str())))
            .collect()
    }

    fn statuses_all(&self) -> Vec<(&'static str, &'static str)> {
        RmapStatus::ALL
            .iter()
            .map(|s| (s.as_str(), status_label(self.chrome.lang, s.as_str())))
            .collect()
    }
}

/// Supplier contacts see their own company's page instead; auditors have
/// no business here.
async fn readers_only(
    state: &AppState,
    user: &crate::auth::Identity,
) -> AppResult<Option<HttpResponse>> {
    match user.role() {
        Role::Admin | Role::Procurement | Role::Viewer => Ok(None),
        Role::Supplier => {
            let own = user.user.supplier_id.ok_or(AppError::Forbidden)?;
            let code = state
                .db(move |conn| Ok(supplier::Supplier::find(conn, own)?))
                .await?
                .ok_or(AppError::Forbidden)?
                .code;
            Ok(Some(redirect(&format!("/suppliers/{code}/smelters"))))
        }
        Role::Auditor => Err(AppError::Forbidden),
    }
}

pub async fn overview(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    params: web::Query<OverviewParams>,
) -> AppResult<HttpResponse> {
    if let Some(elsewhere) = readers_only(&state, &user).await? {
        return Ok(elsewhere);
    }
    let params = params.into_inner();
    checked_filter(&params.filter)?;
    let year = params.scope.year_given()?;
    let bu = params.scope.business_unit();
    let filter = params.filter.clone();
    let (page, per_page) = (params.list.page(), params.list.per_page());
    let today = now().date();
    let caches = state.caches.clone();
    let loaded = state
        .db(move |conn| {
            let year = match year {
                Some(y) => y,
                None => default_year(conn)?,
            };
            let chain = smelter::supply_chain(conn, year, bu.as_deref())?;
            let smelters = filter.page(conn, Some(&chain.smelter_ids), page, per_page)?;
            let counts = smelter::supplier_counts(conn, year, bu.as_deref())?;
            let with_problems =
                mineral_submission::supplier_lines(conn, year, bu.as_deref(), true)?.len();
            let open_plans = PlanFilter {
                status: Some("not_closed".into()),
                business_unit: bu.clone(),
                ..PlanFilter::default()
            }
            .page(conn, today, 1, 1)?
            .total;
            Ok((
                year,
                smelter::submission_years(conn)?,
                caches.business_units(conn)?,
                chain,
                smelters,
                counts,
                with_problems,
                open_plans,
                Smelter::count(conn)?,
            ))
        })
        .await?;
    let (year, mut years, business_units, chain, smelters, counts, with_problems, open_plans, size) =
        loaded;
    if !years.contains(&year) {
        years.insert(0, year);
    }
    let metals = chain
        .figures
        .by_metal
        .iter()
        .map(|m| MetalLine {
            metal: m.metal.clone(),
            total: m.total,
            countries: chain.countries_by_metal.get(&m.metal).copied().unwrap_or(0),
            conformant: m.conformant,
            conformant_pct: m.conformant_pct,
        })
        .collect();
    OverviewPage {
        chrome: Chrome::new(&req, Some(&user), "smelters"),
        params,
        year,
        years,
        business_units,
        total: chain.figures.total,
        countries: chain.figures.countries,
        conformant_pct: chain.figures.conformant_pct,
        metals,
        smelters,
        supplier_counts: counts,
        suppliers_with_problems: with_problems,
        open_plans,
        reference_size: size,
        can_edit: matches!(user.role(), Role::Admin | Role::Procurement),
    }
    .page()
}

fn text(s: &str) -> export::Cell {
    export::Cell::Text(s.to_owned())
}

/// The consolidated list of the year's declared smelters (as shown), in
/// the column order of a CMRT Smelter List, so a company-level CMRT can be
/// filled from it.
pub async fn export_declared(
    state: web::Data<AppState>,
    _user: Authorized<Readers>,
    format: web::Path<String>,
    params: web::Query<OverviewParams>,
) -> AppResult<HttpResponse> {
    let format = ExportFormat::parse(&format.into_inner())?;
    let params = params.into_inner();
    checked_filter(&params.filter)?;
    let year = params.scope.year_given()?;
    let bu = params.scope.business_unit();
    let filter = params.filter.clone();
    let (year, rows, counts) = state
        .db(move |conn| {
            let year = match year {
                Some(y) => y,
                None => default_year(conn)?,
            };
            let chain = smelter::supply_chain(conn, year, bu.as_deref())?;
            let rows = filter.all(conn, Some(&chain.smelter_ids))?;
            let counts = smelter::supplier_counts(conn, year, bu.as_deref())?;
            Ok((year, rows, counts))
        })
        .await?;
    let table = rows
        .iter()
        .map(|s| {
            vec![
                text(&s.smelter_id),
                text(&title_case(&s.metal)),
                text(&s.name),
                text(&s.name),
                text(&country_label(Lang::En, &s.country)),
                text(&s.smelter_id),
                text("RMI"),
                text(&s.rmap_status),
                export::Cell::Number(counts.get(&s.id).copied().unwrap_or(0) as f64),
            ]
        })
        .collect();
    TableFile {
        format,
        file_stem: &format!("smelters-{year}"),
        sheet: "Smelter List",
        headers: DECLARED_COLUMNS,
        rows: table,
    }
    .response()
}

/// "tin" → "Tin", as the templates spell metals.
fn title_case(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub const DECLARED_COLUMNS: &[&str] = &[
    "smelter_identification_number",
    "metal",
    "smelter_look_up",
    "smelter_name",
    "country",
    "smelter_id",
    "source_of_smelter_id",
    "rmap_status",
    "suppliers",
];

#[derive(Deserialize, Default)]
pub struct ReferenceParams {
    #[serde(flatten)]
    pub filter: SmelterFilter,
    #[serde(flatten)]
    pub list: ListQuery,
}

impl ReferenceParams {
    fn links(&self, sort: Option<(&str, bool)>) -> String {
        let f = &self.filter;
        let (sort, dir) = match sort {
            Some((column, desc)) => (Some(column), if desc { Some("desc") } else { None }),
            None => (present(&f.sort), present(&f.dir)),
        };
        query_string(&[
            ("q", present(&f.q)),
            ("metal", present(&f.metal)),
            ("rmap_status", present(&f.rmap_status)),
            ("country", present(&f.country)),
            ("sort", sort),
            ("dir", dir),
        ])
    }
}

#[derive(Template)]
#[template(path = "smelters/reference.html")]
struct ReferencePage {
    chrome: Chrome,
    params: ReferenceParams,
    smelters: Paged<Smelter>,
    can_edit: bool,
}

impl ReferencePage {
    fn metal(&self, metal: &str) -> &'static str {
        metal_label(self.chrome.lang, metal)
    }

    fn status(&self, status: &str) -> &'static str {
        status_label(self.chrome.lang, status)
    }

    fn badge(&self, status: &str) -> &'static str {
        status_badge(status)
    }

    fn country(&self, stored: &str) -> String {
        country_label(self.chrome.lang, stored)
    }

    fn pager(&self) -> Pager {
        let base = format!("/smelters/reference?{}", self.params.links(None));
        Pager::for_links(&self.params.list, self.smelters.total, |page| {
            format!("{base}&page={page}")
        })
    }

    fn sort_link(&self, column: &str) -> String {
        let f = &self.params.filter;
        let desc = f.sort_column() == column && !f.descending();
        format!(
            "/smelters/reference?{}",
            self.params.links(Some((column, desc)))
        )
    }

    fn sort_class(&self, column: &str) -> &'static str {
        let f = &self.params.filter;
        match (f.sort_column() == column, f.descending()) {
            (true, false) => "asc",
            (true, true) => "desc",
            _ => "",
        }
    }

    fn export_link(&self, format: &str) -> String {
        format!(
            "/smelters/reference/export.{format}?{}",
            self.params.links(None)
        )
    }

    fn selected(&self, value: &Option<String>, option: &str) -> bool {
        present(value) == Some(option)
    }

    fn metals_all(&self) -> Vec<(&'static str, &'static str)> {
        Metal::ALL
            .iter()
            .map(|m| (m.as_str(), metal_label(self.chrome.lang, m.as_str())))
            .collect()
    }

    fn statuses_all(&self) -> Vec<(&'static str, &'static str)> {
        RmapStatus::ALL
            .iter()
            .map(|s| (s.as_str(), status_label(self.chrome.lang, s.as_str())))
            .collect()
    }
}

pub async fn reference(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Readers>,
    params: web::Query<ReferenceParams>,
) -> AppResult<HttpResponse> {
    let params = params.into_inner();
    checked_filter(&params.filter)?;
    let filter = params.filter.clone();
    let (page, per_page) = (params.list.page(), params.list.per_page());
    let smelters = state
        .db(move |conn| Ok(filter.page(conn, None, page, per_page)?))
        .await?;
    ReferencePage {
        chrome: Chrome::new(&req, Some(&user), "smelters"),
        params,
        smelters,
        can_edit: matches!(user.role(), Role::Admin | Role::Procurement),
    }
    .page()
}

/// The reference list as shown, in the §5 `smelters` columns (an export
/// can be edited and imported back).
pub async fn export_reference(
    state: web::Data<AppState>,
    _user: Authorized<Readers>,
    format: web::Path<String>,
    params: web::Query<ReferenceParams>,
) -> AppResult<HttpResponse> {
    let format = ExportFormat::parse(&format.into_inner())?;
    let params = params.into_inner();
    checked_filter(&params.filter)?;
    let filter = params.filter.clone();
    let rows = state.db(move |conn| Ok(filter.all(conn, None)?)).await?;
    let table = rows
        .iter()
        .map(|s| {
            vec![
                text(&s.smelter_id),
                text(&s.metal),
                text(&s.name),
                text(&s.country),
                text(&s.rmap_status),
                export::Cell::Date(s.status_since),
            ]
        })
        .collect();
    TableFile {
        format,
        file_stem: "rmi-smelters",
        sheet: "RMI",
        headers: &[
            "smelter_id",
            "metal",
            "name",
            "country",
            "rmap_status",
            "status_since",
        ],
        rows: table,
    }
    .response()
}

#[derive(Template)]
#[template(path = "smelters/detail.html")]
struct DetailPage {
    chrome: Chrome,
    smelter: Smelter,
    history: Vec<StatusChange>,
    declarers: Vec<smelter::Declarer>,
    plans: Vec<PlanRow>,
}

impl DetailPage {
    fn metal(&self, metal: &str) -> &'static str {
        metal_label(self.chrome.lang, metal)
    }

    fn status(&self, status: &str) -> &'static str {
        status_label(self.chrome.lang, status)
    }

    fn badge(&self, status: &str) -> &'static str {
        status_badge(status)
    }

    fn country(&self, stored: &str) -> String {
        country_label(self.chrome.lang, stored)
    }

    fn plan_status(&self, status: &str) -> &'static str {
        plan_status_label(self.chrome.lang, status)
    }
}

pub fn plan_status_label(lang: Lang, status: &str) -> &'static str {
    match PlanStatus::parse(status) {
        Some(s) => lang.t(&format!("plan.status.{}", s.as_str())),
        None => "",
    }
}

pub fn plan_action_label(lang: Lang, action: &str) -> &'static str {
    match PlanAction::parse(action) {
        Some(a) => lang.t(&format!("plan.action.{}", a.as_str())),
        None => "",
    }
}

pub fn plan_badge(row: &PlanRow) -> &'static str {
    if row.overdue {
        "bad"
    } else {
        match PlanStatus::parse(&row.plan.status) {
            Some(PlanStatus::Closed) => "ok",
            Some(PlanStatus::InProgress) => "info",
            _ => "warn",
        }
    }
}

pub async fn detail(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Readers>,
    smelter_id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let smelter_id = smelter_id.into_inner();
    let today = now().date();
    let (smelter, history, declarers, plans) = state
        .db(move |conn| {
            let smelter = Smelter::by_smelter_id(conn, &smelter_id)?.ok_or(AppError::NotFound)?;
            let history = smelter::history(conn, smelter.id)?;
            let declarers = smelter::declarers(conn, smelter.id)?;
            let plans = PlanFilter {
                smelter: Some(smelter.smelter_id.clone()),
                ..PlanFilter::default()
            }
            .all(conn, today)?;
            Ok((smelter, history, declarers, plans))
        })
        .await?;
    DetailPage {
        chrome: Chrome::new(&req, Some(&user), "smelters"),
        smelter,
        history,
        declarers,
        plans,
    }
    .page()
}

#[derive(Deserialize, Default)]
pub struct SuppliersParams {
    #[serde(flatten)]
    pub scope: Scope,
    pub problems: Option<String>,
}

impl SuppliersParams {
    fn problems_only(&self) -> bool {
        present(&self.problems).is_some_and(|p| crate::domain::values::flag(p, false) == Ok(true))
    }
}

#[derive(Template)]
#[template(path = "smelters/suppliers.html")]
struct SuppliersPage {
    chrome: Chrome,
    year: i32,
    years: Vec<i32>,
    business_unit: Option<String>,
    business_units: Vec<String>,
    problems_only: bool,
    lines: Vec<SupplierLine>,
}

impl SuppliersPage {
    fn query(&self) -> String {
        query_string(&[
            ("year", Some(&self.year.to_string())),
            ("business_unit", self.business_unit.as_deref()),
            ("problems", self.problems_only.then_some("true")),
        ])
    }

    fn export_link(&self, format: &str) -> String {
        format!("/smelters/suppliers/export.{format}?{}", self.query())
    }

    fn templates(&self, line: &SupplierLine) -> String {
        line.templates
            .iter()
            .map(|t| t.to_uppercase())
            .collect::<Vec<_>>()
            .join(" + ")
    }

    fn is_bu(&self, bu: &str) -> bool {
        self.business_unit.as_deref() == Some(bu)
    }
}

async fn load_lines(
    state: &AppState,
    params: &SuppliersParams,
) -> AppResult<(i32, Vec<i32>, Vec<String>, Vec<SupplierLine>)> {
    let year = params.scope.year_given()?;
    let bu = params.scope.business_unit();
    let problems_only = params.problems_only();
    let caches = state.caches.clone();
    state
        .db(move |conn| {
            let year = match year {
                Some(y) => y,
                None => default_year(conn)?,
            };
            let lines =
                mineral_submission::supplier_lines(conn, year, bu.as_deref(), problems_only)?;
            Ok((
                year,
                smelter::submission_years(conn)?,
                caches.business_units(conn)?,
                lines,
            ))
        })
        .await
}

pub async fn suppliers_view(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Readers>,
    params: web::Query<SuppliersParams>,
) -> AppResult<HttpResponse> {
    let params = params.into_inner();
    let (year, mut years, business_units, lines) = load_lines(&state, &params).await?;
    if !years.contains(&year) {
        years.insert(0, year);
    }
    SuppliersPage {
        chrome: Chrome::new(&req, Some(&user), "smelters"),
        year,
        years,
        business_unit: params.scope.business_unit(),
        business_units,
        problems_only: params.problems_only(),
        lines,
    }
    .page()
}

pub async fn export_suppliers(
    state: web::Data<AppState>,
    _user: Authorized<Readers>,
    format: web::Path<String>,
    params: web::Query<SuppliersParams>,
) -> AppResult<HttpResponse> {
    let format = ExportFormat::parse(&format.into_inner())?;
    let params = params.into_inner();
    let (year, _, _, lines) = load_lines(&state, &params).await?;
    let n = |v: i64| export::Cell::Number(v as f64);
    let table = lines
        .iter()
        .map(|l| {
            vec![
                text(&l.code),
                text(&l.name),
                text(&l.business_unit),
                text(&l.templates.join(";")),
                n(l.rows),
                n(l.smelters),
                n(l.not_conformant),
                n(l.unmatched),
                n(l.flagged),
            ]
        })
        .collect();
    TableFile {
        format,
        file_stem: &format!("smelter-suppliers-{year}"),
        sheet: "Suppliers",
        headers: &[
            "supplier_code",
            "name",
            "business_unit",
            "templates",
            "rows",
            "smelters",
            "not_conformant",
            "unmatched",
            "flagged_rows",
        ],
        rows: table,
    }
    .response()
}

#[derive(Deserialize, Default)]
pub struct PlanParams {
    #[serde(flatten)]
    pub filter: PlanFilter,
    #[serde(flatten)]
    pub list: ListQuery,
}

impl PlanParams {
    fn links(&self) -> String {
        let f = &self.filter;
        query_string(&[
            ("status", present(&f.status)),
            ("overdue", present(&f.overdue)),
            ("supplier", present(&f.supplier)),
            ("smelter", present(&f.smelter)),
            ("business_unit", present(&f.business_unit)),
        ])
    }

    fn checked(self) -> AppResult<Self> {
        let problems = self.filter.problems();
        if problems.is_empty() {
            Ok(self)
        } else {
            Err(AppError::BadInput(format!(
                "unknown filter value for {}",
                problems.keys().cloned().collect::<Vec<_>>().join(", ")
            )))
        }
    }
}

#[derive(Template)]
#[template(path = "smelters/plans.html")]
struct PlansPage {
    chrome: Chrome,
    params: PlanParams,
    plans: Paged<PlanRow>,
    business_units: Vec<String>,
}

impl PlansPage {
    fn metal(&self, metal: &str) -> &'static str {
        metal_label(self.chrome.lang, metal)
    }

    fn status(&self, status: &str) -> &'static str {
        status_label(self.chrome.lang, status)
    }

    fn badge(&self, status: &str) -> &'static str {
        status_badge(status)
    }

    fn plan_status(&self, status: &str) -> &'static str {
        plan_status_label(self.chrome.lang, status)
    }

    fn plan_action(&self, action: &str) -> &'static str {
        plan_action_label(self.chrome.lang, action)
    }

    fn plan_badge(&self, row: &PlanRow) -> &'static str {
        plan_badge(row)
    }

    fn pager(&self) -> Pager {
        let base = format!("/smelters/plans?{}", self.params.links());
        Pager::for_links(&self.params.list, self.plans.total, |page| {
            format!("{base}&page={page}")
        })
    }

    fn export_link(&self, format: &str) -> String {
        format!("/smelters/plans/export.{format}?{}", self.params.links())
    }

    fn selected(&self, value: &Option<String>, option: &str) -> bool {
        present(value) == Some(option)
    }

    fn overdue_checked(&self) -> bool {
        present(&self.params.filter.overdue)
            .is_some_and(|o| crate::domain::values::flag(o, false) == Ok(true))
    }

    fn statuses_all(&self) -> Vec<(&'static str, &'static str)> {
        PlanStatus::ALL
            .iter()
            .map(|s| (s.as_str(), plan_status_label(self.chrome.lang, s.as_str())))
            .collect()
    }
}

pub async fn plans(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Readers>,
    params: web::Query<PlanParams>,
) -> AppResult<HttpResponse> {
    let params = params.into_inner().checked()?;
    let filter = params.filter.clone();
    let (page, per_page) = (params.list.page(), params.list.per_page());
    let today = now().date();
    let caches = state.caches.clone();
    let (plans, business_units) = state
        .db(move |conn| {
            Ok((
                filter.page(conn, today, page, per_page)?,
                caches.business_units(conn)?,
            ))
        })
        .await?;
    PlansPage {
        chrome: Chrome::new(&req, Some(&user), "smelters"),
        params,
        plans,
        business_units,
    }
    .page()
}

pub async fn export_plans(
    state: web::Data<AppState>,
    _user: Authorized<Readers>,
    format: web::Path<String>,
    params: web::Query<PlanParams>,
) -> AppResult<HttpResponse> {
    let format = ExportFormat::parse(&format.into_inner())?;
    let params = params.into_inner().checked()?;
    let filter = params.filter.clone();
    let today = now().date();
    let rows = state.db(move |conn| Ok(filter.all(conn, today)?)).await?;
    let date = |d: Option<NaiveDate>| d.map(export::Cell::Date).unwrap_or(export::Cell::Empty);
    let table = rows
        .iter()
        .map(|r| {
            vec![
                export::Cell::Number(f64::from(r.plan.id)),
                text(&r.supplier_code),
                text(&r.supplier_name),
                text(&r.smelter_id),
                text(&r.metal),
                text(&r.smelter_name),
                text(&r.rmap_status),
                text(&r.plan.action),
                text(&r.plan.status),
                date(Some(r.plan.opened_on)),
                date(Some(r.plan.due_on)),
                text(if r.overdue { "true" } else { "false" }),
                text(&r.plan.owner_email),
                date(r.plan.closed_on),
                text(&r.plan.close_reason),
                text(&r.plan.note),
            ]
        })
        .collect();
    TableFile {
        format,
        file_stem: "replacement-plans",
        sheet: "Plans",
        headers: &[
            "plan",
            "supplier_code",
            "supplier_name",
            "smelter_id",
            "metal",
            "smelter_name",
            "rmap_status",
            "action",
            "status",
            "opened_on",
            "due_on",
            "overdue",
            "owner_email",
            "closed_on",
            "close_reason",
            "note",
        ],
        rows: table,
    }
    .response()
}

#[derive(Template)]
#[template(path = "smelters/plan.html")]
struct PlanPage {
    chrome: Chrome,
    row: PlanRow,
    input: PlanInput,
    problems: FieldErrors,
    can_edit: bool,
    timeline: Vec<AuditEntry>,
}

impl PlanPage {
    fn problem(&self, field: &str) -> Option<&'static str> {
        self.chrome.problem(&self.problems, field)
    }

    fn metal(&self, metal: &str) -> &'static str {
        metal_label(self.chrome.lang, metal)
    }

    fn status(&self, status: &str) -> &'static str {
        status_label(self.chrome.lang, status)
    }

    fn badge(&self, status: &str) -> &'static str {
        status_badge(status)
    }

    fn plan_status(&self, status: &str) -> &'static str {
        plan_status_label(self.chrome.lang, status)
    }

    fn plan_action(&self, action: &str) -> &'static str {
        plan_action_label(self.chrome.lang, action)
    }

    fn plan_badge(&self) -> &'static str {
        plan_badge(&self.row)
    }

    fn actions_all(&self) -> Vec<(&'static str, &'static str)> {
        PlanAction::ALL
            .iter()
            .map(|a| (a.as_str(), plan_action_label(self.chrome.lang, a.as_str())))
            .collect()
    }

    fn statuses_all(&self) -> Vec<(&'static str, &'static str)> {
        PlanStatus::ALL
            .iter()
            .map(|s| (s.as_str(), plan_status_label(self.chrome.lang, s.as_str())))
            .collect()
    }

    fn close_reason(&self) -> &'static str {
        self.chrome
            .t(&format!("plan.reason.{}", self.row.plan.close_reason))
    }

    fn timeline_action(&self, action: &str) -> &'static str {
        self.chrome.t(&format!("plan.log.{action}"))
    }
}

async fn load_plan(state: &AppState, id: i32) -> AppResult<(PlanRow, Vec<AuditEntry>)> {
    let today = now().date();
    state
        .db(move |conn| {
            let row = replacement_plan::row(conn, id, today)?.ok_or(AppError::NotFound)?;
            let timeline = audit_log::for_entity(conn, "replacement_plan", &id.to_string(), 50)?;
            Ok((row, timeline))
        })
        .await
}

pub async fn plan(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Readers>,
    id: web::Path<i32>,
) -> AppResult<HttpResponse> {
    let (row, timeline) = load_plan(&state, id.into_inner()).await?;
    PlanPage {
        chrome: Chrome::new(&req, Some(&user), "smelters"),
        input: PlanInput::from_plan(&row.plan),
        row,
        problems: FieldErrors::new(),
        can_edit: matches!(user.role(), Role::Admin | Role::Procurement),
        timeline,
    }
    .page()
}

#[derive(Deserialize)]
pub struct PlanForm {
    #[serde(default)]
    version: String,
    #[serde(flatten)]
    input: PlanInput,
}

pub async fn update_plan(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    id: web::Path<i32>,
    form: CsrfForm<PlanForm>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let form = form.0;
    let (row, timeline) = load_plan(&state, id).await?;
    let version = form.version.trim().parse::<i32>().map_err(|_| {
        AppError::BadInput("the form lacks the record version; reload the page".into())
    })?;
    let fields = match form.input.check() {
        Ok(fields) => fields,
        Err(problems) => {
            let page = PlanPage {
                chrome: Chrome::new(&req, Some(&user), "smelters"),
                row,
                input: form.input,
                problems,
                can_edit: true,
                timeline,
            };
            return Ok(HttpResponse::UnprocessableEntity()
                .content_type("text/html; charset=utf-8")
                .body(page.render_html()?));
        }
    };
    let actor = user.actor();
    let before = row.plan.clone();
    state
        .transaction(move |conn| {
            replacement_plan::update(conn, &actor, &before, version, &fields, now().date())
        })
        .await?;
    Ok(redirect(&format!("/smelters/plans/{id}")))
}
