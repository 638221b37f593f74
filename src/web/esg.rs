//! ESG data pages (DESIGN §2.9): the list of suppliers' yearly data with
//! filters and export, the entry form (supplier contacts for their own
//! company, procurement for any), the verification statement download, the
//! climate view per business unit, and the data request campaigns.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;
use std::borrow::Borrow;

use super::chrome::Chrome;
use super::downloads::{ExportFormat, TableFile};
use super::pagination::{ListQuery, Pager};
use super::session::redirect;
use super::suppliers::visible_supplier;
use super::{upload, AppState, RenderHtml};
use crate::auth::identity::Identity;
use crate::auth::{Authorized, CsrfForm, EsgEditors, EsgReaders, Readers, Staff};
use crate::domain::esg::{self as rules, ClimateRow, Jump, Verification};
use crate::domain::role::Role;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::export;
use crate::models::attachment::{self, Upload};
use crate::models::esg::{self, EsgFilter, EsgInput, EsgRecord};
use crate::models::esg_request::{self, EsgRequest, RecipientFilter, RequestInput};
use crate::models::supplier::{Supplier, SupplierBrief};
use crate::models::{now, Paged};

// ---------- Display helpers (also used by the supplier page) ----------

/// An amount with thousands separators, or "—" when not reported.
pub fn amount(value: impl Borrow<Option<f64>>) -> String {
    value
        .borrow()
        .map_or_else(|| "—".to_owned(), |v| rules::grouped(v, 3))
}

/// A reported amount with thousands separators.
pub fn figure(value: impl Borrow<f64>) -> String {
    rules::grouped(*value.borrow(), 3)
}

/// A total: whole units from a thousand up, else one decimal at most.
pub fn total(value: impl Borrow<f64>) -> String {
    let value = *value.borrow();
    rules::grouped(value, if value.abs() >= 1000.0 { 0 } else { 1 })
}

/// A share: "29.7 %", or "—" without a denominator.
pub fn pct(value: impl Borrow<Option<f64>>) -> String {
    value
        .borrow()
        .map_or_else(|| "—".to_owned(), |v| format!("{} %", rules::grouped(v, 1)))
}

/// A change: "+3.2 %", "−14.9 %", or "—".
pub fn change(value: impl Borrow<Option<f64>>) -> String {
    match value.borrow() {
        None => "—".to_owned(),
        Some(v) if *v > 0.0 => format!("+{} %", rules::grouped(*v, 1)),
        Some(v) if *v < 0.0 => format!("−{} %", rules::grouped(v.abs(), 1)),
        Some(_) => "0 %".to_owned(),
    }
}

/// Intensity, tCO2e per million CNY: two decimals.
pub fn intensity(value: impl Borrow<Option<f64>>) -> String {
    value
        .borrow()
        .map_or_else(|| "—".to_owned(), |v| format!("{v:.2}"))
}

pub fn verification_badge(verification: &str) -> &'static str {
    match verification {
        "verified" => "ok",
        "in_progress" => "warn",
        _ => "muted",
    }
}

pub fn verification_label(chrome: &Chrome, verification: &str) -> &'static str {
    chrome.t(&format!("esg.verification.{verification}"))
}

/// A sub-navigation entry of the ESG area.
pub struct Tab {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

/// The ESG area's tabs for the user's role: supplier contacts see only
/// their data.
pub fn tabs(chrome: &Chrome, active: &str) -> Vec<Tab> {
    let supplier = chrome
        .user
        .as_ref()
        .is_some_and(|u| u.role() == Role::Supplier);
    [
        ("data", "/esg", "esg.tab.data"),
        ("climate", "/esg/climate", "esg.tab.climate"),
        ("requests", "/esg/requests", "esg.tab.requests"),
        ("trainings", "/esg/trainings", "esg.tab.trainings"),
    ]
    .into_iter()
    .filter(|(key, ..)| !supplier || *key == "data")
    .map(|(key, href, label)| Tab {
        href,
        label: chrome.t(label),
        active: key == active,
    })
    .collect()
}

fn checked<T>(problems: FieldErrors, value: T) -> AppResult<T> {
    if problems.is_empty() {
        Ok(value)
    } else {
        Err(AppError::BadInput(format!(
            "unknown filter value for {}",
            problems.keys().cloned().collect::<Vec<_>>().join(", ")
        )))
    }
}

fn push(pairs: &mut Vec<(&'static str, String)>, key: &'static str, value: &Option<String>) {
    if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        pairs.push((key, v.to_owned()));
    }
}

/// The supplier a contact belongs to (`None` for staff and viewers).
fn own_supplier(identity: &Identity) -> AppResult<Option<i32>> {
    match identity.role() {
        Role::Supplier => identity
            .user
            .supplier_id
            .map(Some)
            .ok_or(AppError::NotFound),
        _ => Ok(None),
    }
}

// ---------- The data list ----------

#[derive(Deserialize, Default)]
pub struct ListParams {
    #[serde(flatten)]
    pub filter: EsgFilter,
    #[serde(flatten)]
    pub list: ListQuery,
}

impl ListParams {
    pub fn query_string(&self, sort: Option<(&str, bool)>) -> String {
        let f = &self.filter;
        let mut pairs = Vec::new();
        push(&mut pairs, "q", &f.q);
        push(&mut pairs, "year", &f.year);
        push(&mut pairs, "business_unit", &f.business_unit);
        push(&mut pairs, "ghg_verification", &f.ghg_verification);
        push(&mut pairs, "has_target", &f.has_target);
        push(&mut pairs, "supplier", &f.supplier);
        match sort {
            Some((column, desc)) => {
                pairs.push(("sort", column.to_owned()));
                pairs.push(("dir", if desc { "desc" } else { "asc" }.to_owned()));
            }
            None => {
                push(&mut pairs, "sort", &f.sort);
                push(&mut pairs, "dir", &f.dir);
            }
        }
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }
}

/// A data request addressed to the signed-in supplier contact.
pub struct OwnRequest {
    pub request: EsgRequest,
    pub answered: bool,
}

#[derive(Template)]
#[template(path = "esg/list.html")]
struct ListPage {
    chrome: Chrome,
    params: ListParams,
    records: Paged<(EsgRecord, SupplierBrief)>,
    business_units: Vec<String>,
    years: Vec<i32>,
    can_edit: bool,
    /// For a supplier contact: their company and the requests it received.
    own: Option<(Supplier, Vec<OwnRequest>)>,
}

impl ListPage {
    fn pager(&self) -> Pager {
        let base = format!("/esg?{}", self.params.query_string(None));
        Pager::for_links(&self.params.list, self.records.total, |page| {
            format!("{base}&page={page}")
        })
    }

    fn sort_link(&self, column: &str) -> String {
        let f = &self.params.filter;
        let desc = if f.sort_column() == column {
            !f.descending()
        } else {
            column == "year"
        };
        format!("/esg?{}", self.params.query_string(Some((column, desc))))
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
        format!("/esg/export.{format}?{}", self.params.query_string(None))
    }

    fn selected(&self, value: &Option<String>, option: &str) -> bool {
        value.as_deref().map(str::trim) == Some(option)
    }

    fn verifications(&self) -> Vec<(&'static str, &'static str)> {
        Verification::ALL
            .iter()
            .map(|v| (v.as_str(), verification_label(&self.chrome, v.as_str())))
            .collect()
    }
}

pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<EsgReaders>,
    params: web::Query<ListParams>,
) -> AppResult<HttpResponse> {
    let mut params = params.into_inner();
    params = checked(params.filter.problems(), params)?;
    let own_id = own_supplier(&user)?;
    let mut filter = params.filter.clone();
    filter.only_supplier = own_id;
    let (page, per_page) = (params.list.page(), params.list.per_page());
    let caches = state.caches.clone();
    let (records, business_units, years, own) = state
        .db(move |conn| {
            let records = filter.page(conn, page, per_page)?;
            let own = match own_id {
                Some(id) => {
                    let company = Supplier::find(conn, id)?.ok_or(AppError::NotFound)?;
                    let answered: Vec<i32> = esg::for_supplier(conn, id)?
                        .iter()
                        .map(|r| r.year)
                        .collect();
                    let requests = esg_request::for_supplier(conn, id)?
                        .into_iter()
                        .map(|request| OwnRequest {
                            answered: answered.contains(&request.year),
                            request,
                        })
                        .collect();
                    Some((company, requests))
                }
                None => None,
            };
            let business_units = if own.is_some() {
                Vec::new()
            } else {
                caches.business_units(conn)?
            };
            Ok((records, business_units, esg::years(conn)?, own))
        })
        .await?;
    ListPage {
        chrome: Chrome::new(&req, Some(&user), "esg"),
        params,
        records,
        business_units,
        years,
        can_edit: user.role() != Role::Viewer,
        own,
    }
    .page()
}

/// The §5 `esg` columns (plus name and business unit), so an export can be
/// edited and imported back.
pub const EXPORT_COLUMNS: &[&str] = &[
    "supplier_code",
    "supplier_name",
    "business_unit",
    "year",
    "renewable_mwh",
    "scope1_t",
    "scope2_t",
    "has_target",
    "target_text",
    "target_year",
    "ghg_verification",
    "verifier",
    "wastewater_t",
    "exhaust_t",
    "hazardous_waste_t",
    "revenue_mcny",
];

fn number(value: Option<f64>) -> export::Cell {
    value.map_or(export::Cell::Empty, export::Cell::Number)
}

pub async fn export(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<EsgReaders>,
    format: web::Path<String>,
    params: web::Query<ListParams>,
) -> AppResult<HttpResponse> {
    let params = params.into_inner();
    let params = checked(params.filter.problems(), params)?;
    let format = ExportFormat::parse(&format.into_inner())?;
    let mut filter = params.filter;
    filter.only_supplier = own_supplier(&user)?;
    let rows = state.db(move |conn| Ok(filter.all(conn)?)).await?;
    let text = |s: &str| export::Cell::Text(s.to_owned());
    let table = rows
        .iter()
        .map(|(r, s)| {
            vec![
                text(&s.code),
                text(&s.name),
                text(&s.business_unit),
                export::Cell::Number(f64::from(r.year)),
                number(r.renewable_mwh),
                export::Cell::Number(r.scope1_t),
                export::Cell::Number(r.scope2_t),
                text(if r.has_target { "yes" } else { "no" }),
                text(&r.target_text),
                r.target_year
                    .map_or(export::Cell::Empty, |y| export::Cell::Number(f64::from(y))),
                text(&r.ghg_verification),
                text(&r.verifier),
                number(r.wastewater_t),
                number(r.exhaust_t),
                number(r.hazardous_waste_t),
                number(r.revenue_mcny),
            ]
        })
        .collect();
    let chrome = Chrome::new(&req, Some(&user), "esg");
    TableFile {
        format,
        file_stem: "esg-data",
        sheet: chrome.t("nav.esg"),
        headers: EXPORT_COLUMNS,
        rows: table,
    }
    .response()
}

// ---------- Entry form ----------

#[derive(Template)]
#[template(path = "esg/form.html")]
struct FormPage {
    chrome: Chrome,
    input: EsgInput,
    problems: FieldErrors,
    /// Values more than ten times last year's, awaiting confirmation.
    jumps: Vec<Jump>,
    /// The stored record being edited, if any.
    editing: Option<EsgRecord>,
    /// Set for a supplier contact: the only supplier they may enter.
    fixed_supplier: Option<Supplier>,
}

/// (field, label key) of the measured values, in form order.
pub const AMOUNT_FIELDS: &[(&str, &str)] = &[
    ("scope1_t", "esg.scope1_t"),
    ("scope2_t", "esg.scope2_t"),
    ("renewable_mwh", "esg.renewable_mwh"),
    ("wastewater_t", "esg.wastewater_t"),
    ("exhaust_t", "esg.exhaust_t"),
    ("hazardous_waste_t", "esg.hazardous_waste_t"),
    ("revenue_mcny", "esg.revenue_mcny"),
];

impl FormPage {
    fn problem(&self, field: &str) -> Option<&'static str> {
        self.chrome.problem(&self.problems, field)
    }

    fn amounts(&self) -> Vec<(&'static str, &'static str, &str)> {
        let i = &self.input;
        AMOUNT_FIELDS
            .iter()
            .map(|(field, label)| {
                let value = match *field {
                    "scope1_t" => &i.scope1_t,
                    "scope2_t" => &i.scope2_t,
                    "renewable_mwh" => &i.renewable_mwh,
                    "wastewater_t" => &i.wastewater_t,
                    "exhaust_t" => &i.exhaust_t,
                    "hazardous_waste_t" => &i.hazardous_waste_t,
                    _ => &i.revenue_mcny,
                };
                (*field, self.chrome.t(label), value.as_str())
            })
            .collect()
    }

    fn field_label(&self, field: &str) -> &'static str {
        self.chrome.t(&format!("esg.{field}"))
    }

    fn has_target(&self) -> bool {
        crate::domain::values::flag(&self.input.has_target, false).unwrap_or(false)
    }

    fn verifications(&self) -> Vec<(&'static str, &'static str)> {
        Verification::ALL
            .iter()
            .map(|v| (v.as_str(), verification_label(&self.chrome, v.as_str())))
            .collect()
    }

    fn current_verification(&self) -> &str {
        Verification::parse(&self.input.ghg_verification).map_or("none", Verification::as_str)
    }

    fn render_with(self, status: actix_web::http::StatusCode) -> AppResult<HttpResponse> {
        Ok(HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(self.render_html()?))
    }
}

#[derive(Deserialize)]
pub struct NewQuery {
    supplier: Option<String>,
    year: Option<String>,
}

pub async fn new_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<EsgEditors>,
    query: web::Query<NewQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let fixed_supplier = match own_supplier(&user)? {
        Some(id) => Some(
            state
                .db(move |conn| Ok(Supplier::find(conn, id)?))
                .await?
                .ok_or(AppError::NotFound)?,
        ),
        None => None,
    };
    let last_year = chrono::Datelike::year(&now().date()) - 1;
    FormPage {
        chrome: Chrome::new(&req, Some(&user), "esg"),
        input: EsgInput {
            supplier_code: fixed_supplier
                .as_ref()
                .map(|s| s.code.clone())
                .or(query.supplier)
                .unwrap_or_default(),
            year: query.year.unwrap_or_else(|| last_year.to_string()),
            ghg_verification: "none".into(),
            ..EsgInput::default()
        },
        problems: FieldErrors::new(),
        jumps: Vec::new(),
        editing: None,
        fixed_supplier,
    }
    .page()
}

pub async fn edit_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<EsgEditors>,
    path: web::Path<(String, i32)>,
) -> AppResult<HttpResponse> {
    let (code, year) = path.into_inner();
    let found = visible_supplier(&state, &user, code).await?;
    let id = found.id;
    let record = state
        .db(move |conn| Ok(EsgRecord::find(conn, id, year)?))
        .await?
        .ok_or(AppError::NotFound)?;
    let fixed_supplier = (user.role() == Role::Supplier).then(|| found.clone());
    FormPage {
        chrome: Chrome::new(&req, Some(&user), "esg"),
        input: EsgInput::from_record(&found.code, &record),
        problems: FieldErrors::new(),
        jumps: Vec::new(),
        editing: Some(record),
        fixed_supplier,
    }
    .page()
}

/// Why a write was refused (nothing was written).
pub enum Refused {
    /// Field → i18n key.
    Problems(FieldErrors),
    /// Values more than ten times last year's, not confirmed.
    Jumps(Vec<Jump>),
}

/// A year's data saved: the record, its supplier, whether it is new.
pub struct Saved {
    pub record: EsgRecord,
    pub supplier: Supplier,
    pub created: bool,
}

/// Creates or updates a supplier's year; shared by the form and the API.
/// A supplier contact may write only their own company (another one is a
/// 404, before anything else is looked at). An existing year is replaced
/// only with its current `version`.
pub async fn save_esg(
    state: &AppState,
    identity: &Identity,
    mut input: EsgInput,
    version: Option<i32>,
    confirmed: bool,
    statement: Option<Upload>,
) -> AppResult<Result<Saved, Refused>> {
    let own = own_supplier(identity)?;
    let target = match own {
        Some(id) => {
            let company = state
                .db(move |conn| Ok(Supplier::find(conn, id)?))
                .await?
                .ok_or(AppError::NotFound)?;
            if input.supplier_code.trim().is_empty() {
                input.supplier_code = company.code.clone();
            } else if input.supplier_code.trim() != company.code {
                return Err(AppError::NotFound);
            }
            Some(company)
        }
        None => None,
    };
    let fields = match input.check(now().date()) {
        Ok(fields) => fields,
        Err(problems) => return Ok(Err(Refused::Problems(problems))),
    };
    let actor = identity.actor();
    let user_id = identity.user.id;
    state
        .transaction(move |conn| {
            let supplier = match target {
                Some(s) => s,
                None => match Supplier::by_code(conn, &fields.supplier_code)? {
                    Some(s) => s,
                    None => {
                        return Ok(Err(Refused::Problems(FieldErrors::from([(
                            "supplier_code".to_owned(),
                            "field.unknown_supplier".to_owned(),
                        )]))))
                    }
                },
            };
            let current = EsgRecord::find(conn, supplier.id, fields.year)?;
            if current.is_some() && version.is_none() {
                return Ok(Err(Refused::Problems(FieldErrors::from([(
                    "year".to_owned(),
                    "esg.exists".to_owned(),
                )]))));
            }
            let previous = EsgRecord::find(conn, supplier.id, fields.year - 1)?;
            let jumps = fields.jumps(
                previous.as_ref().map(EsgRecord::metrics).as_ref(),
                current.as_ref(),
            );
            if !jumps.is_empty() && !confirmed {
                return Ok(Err(Refused::Jumps(jumps)));
            }
            let statement_id = match &statement {
                Some(file) => Some(attachment::store(conn, "esg_data", 0, file, Some(user_id))?),
                None => None,
            };
            let write = |action| esg::Write {
                fields: &fields,
                statement: statement_id,
                action,
            };
            let (record, created) = match (current, version) {
                (Some(before), Some(version)) => (
                    esg::update(conn, &actor, &supplier, &before, version, write("update"))?,
                    false,
                ),
                _ => (esg::insert(conn, &actor, &supplier, write("create"))?, true),
            };
            Ok(Ok(Saved {
                record,
                supplier,
                created,
            }))
        })
        .await
}

fn input_from(submitted: &upload::Submitted) -> EsgInput {
    let get = |key: &str| submitted.field(key).to_owned();
    EsgInput {
        supplier_code: get("supplier_code"),
        year: get("year"),
        renewable_mwh: get("renewable_mwh"),
        scope1_t: get("scope1_t"),
        scope2_t: get("scope2_t"),
        has_target: get("has_target"),
        target_text: get("target_text"),
        target_year: get("target_year"),
        ghg_verification: get("ghg_verification"),
        verifier: get("verifier"),
        wastewater_t: get("wastewater_t"),
        exhaust_t: get("exhaust_t"),
        hazardous_waste_t: get("hazardous_waste_t"),
        revenue_mcny: get("revenue_mcny"),
    }
}

pub async fn save(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<EsgEditors>,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let submitted = upload::read(&req, &state, payload, upload::EVIDENCE_KINDS).await?;
    let input = input_from(&submitted);
    let version = match submitted.field("version").trim() {
        "" => None,
        v => Some(v.parse().map_err(|_| {
            AppError::BadInput("the form's record version is not a number; reload the page".into())
        })?),
    };
    let confirmed =
        crate::domain::values::flag(submitted.field("confirm_jumps"), false).unwrap_or(false);
    let statement = submitted.files.get("statement_file").cloned();
    let outcome = save_esg(&state, &user, input.clone(), version, confirmed, statement).await?;
    let (problems, jumps) = match outcome {
        Ok(saved) => {
            return Ok(redirect(&format!(
                "/suppliers/{}#esg-{}",
                saved.supplier.code, saved.record.year
            )))
        }
        Err(Refused::Problems(problems)) => (problems, Vec::new()),
        Err(Refused::Jumps(jumps)) => (FieldErrors::new(), jumps),
    };
    // Show the form again as it was sent, with what the database holds for
    // the year being edited (its version, its statement).
    let own = own_supplier(&user)?;
    let code = input.supplier_code.trim().to_owned();
    let year = input.year.trim().parse::<i32>().ok();
    let (fixed_supplier, editing) = state
        .db(move |conn| {
            let fixed = match own {
                Some(id) => Supplier::find(conn, id)?,
                None => None,
            };
            let editing = match (version, Supplier::by_code(conn, &code)?, year) {
                (Some(_), Some(s), Some(y)) => EsgRecord::find(conn, s.id, y)?,
                _ => None,
            };
            Ok((fixed, editing))
        })
        .await?;
    FormPage {
        chrome: Chrome::new(&req, Some(&user), "esg"),
        input,
        problems,
        jumps,
        editing,
        fixed_supplier,
    }
    .render_with(actix_web::http::StatusCode::UNPROCESSABLE_ENTITY)
}

/// The GHG verification statement of a supplier's year, as a download, for
/// those who may see that supplier.
pub async fn statement(
    state: web::Data<AppState>,
    user: Authorized<EsgReaders>,
    path: web::Path<(String, i32)>,
) -> AppResult<HttpResponse> {
    let (code, year) = path.into_inner();
    let found = visible_supplier(&state, &user, code).await?;
    let (info, bytes) = state
        .db(move |conn| {
            let record = EsgRecord::find(conn, found.id, year)?.ok_or(AppError::NotFound)?;
            let id = record.statement_attachment_id.ok_or(AppError::NotFound)?;
            let info = attachment::info(conn, id)?.ok_or(AppError::NotFound)?;
            Ok((info, attachment::content(conn, id)?))
        })
        .await?;
    let encoded: String = serde_urlencoded::to_string([("", &info.file_name)])
        .unwrap_or_default()
        .trim_start_matches('=')
        .to_owned();
    Ok(HttpResponse::Ok()
        .content_type(info.content_type)
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"statement\"; filename*=UTF-8''{encoded}"),
        ))
        .body(bytes))
}

// ---------- Climate view ----------

#[derive(Deserialize, Default)]
pub struct ClimateQuery {
    pub year: Option<String>,
    pub business_unit: Option<String>,
}

impl ClimateQuery {
    fn year(&self) -> AppResult<Option<i32>> {
        match self.year.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(y) => y
                .parse()
                .map(Some)
                .map_err(|_| AppError::BadInput(format!("{y:?} is not a year"))),
        }
    }

    fn business_unit(&self) -> Option<String> {
        self.business_unit
            .as_deref()
            .map(str::trim)
            .filter(|b| !b.is_empty())
            .map(str::to_lowercase)
    }
}

/// The climate view's data: per business unit and in total.
struct Climate {
    year: i32,
    rows: Vec<ClimateRow>,
    total: ClimateRow,
}

async fn load_climate(state: &AppState, query: &ClimateQuery) -> AppResult<(Climate, Vec<i32>)> {
    let asked = query.year()?;
    let bu = query.business_unit();
    let (years, year, rows) = state
        .db(move |conn| {
            let years = esg::years(conn)?;
            let year = asked
                .or_else(|| years.first().copied())
                .unwrap_or_else(|| chrono::Datelike::year(&now().date()) - 1);
            let rows = esg::climate_rows(conn, year, bu.as_deref())?;
            Ok((years, year, rows))
        })
        .await?;
    let total = rules::total_row(&rows, "");
    Ok((Climate { year, rows, total }, years))
}

#[derive(Template)]
#[template(path = "esg/climate.html")]
struct ClimatePage {
    chrome: Chrome,
    query: ClimateQuery,
    climate: Climate,
    years: Vec<i32>,
    business_units: Vec<String>,
    chart: String,
}

impl ClimatePage {
    fn unit_label(&self, unit: &str) -> String {
        if unit.is_empty() {
            self.chrome.t("esg.all_units").to_owned()
        } else {
            unit.to_owned()
        }
    }

    fn export_link(&self) -> String {
        let mut pairs = vec![("year", self.climate.year.to_string())];
        if let Some(bu) = self.query.business_unit() {
            pairs.push(("business_unit", bu));
        }
        format!(
            "/esg/climate/export.xlsx?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    }

    /// The business units, then the total.
    fn table_rows(&self) -> Vec<&ClimateRow> {
        self.climate
            .rows
            .iter()
            .chain(std::iter::once(&self.climate.total))
            .collect()
    }

    fn selected_unit(&self, unit: &str) -> bool {
        self.query.business_unit().as_deref() == Some(unit)
    }
}

/// Scope 1 + 2 per business unit, this year against last, as horizontal
/// bars (server-side SVG: no script, nothing inline for the CSP to refuse).
fn emissions_chart(climate: &Climate, this_label: &str, last_label: &str, unit: &str) -> String {
    let rows = &climate.rows;
    if rows.is_empty() {
        return String::new();
    }
    let max = rows
        .iter()
        .flat_map(|r| [r.current.emissions_t(), r.previous.emissions_t()])
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let (label_w, bar_w, row_h) = (110.0, 420.0, 44.0);
    let height = 34.0 + row_h * rows.len() as f64;
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {w} {height}\" role=\"img\" aria-label=\"{title}\" xmlns=\"http://www.w3.org/2000/svg\">",
        w = label_w + bar_w + 110.0,
        title = escape(unit),
    );
    svg.push_str(&format!(
        "<rect class=\"bar-now\" x=\"{label_w}\" y=\"4\" width=\"12\" height=\"12\"/><text class=\"legend\" x=\"{}\" y=\"14\">{}</text>\
         <rect class=\"bar-before\" x=\"{}\" y=\"4\" width=\"12\" height=\"12\"/><text class=\"legend\" x=\"{}\" y=\"14\">{}</text>",
        label_w + 18.0,
        escape(this_label),
        label_w + 120.0,
        label_w + 138.0,
        escape(last_label),
    ));
    for (i, row) in rows.iter().enumerate() {
        let y = 30.0 + row_h * i as f64;
        let now_w = (row.current.emissions_t() / max * bar_w).max(1.0);
        svg.push_str(&format!(
            "<text class=\"label\" x=\"{}\" y=\"{}\">{}</text>\
             <rect class=\"bar-now\" x=\"{label_w}\" y=\"{y}\" width=\"{now_w:.1}\" height=\"16\"/>\
             <text class=\"value\" x=\"{}\" y=\"{}\">{}</text>",
            label_w - 8.0,
            y + 17.0,
            escape(&row.business_unit),
            label_w + now_w + 6.0,
            y + 13.0,
            rules::grouped(row.current.emissions_t(), 0),
        ));
        // The year before, when the unit reported then.
        if row.previous.reporting > 0 {
            let before_w = (row.previous.emissions_t() / max * bar_w).max(1.0);
            svg.push_str(&format!(
                "<rect class=\"bar-before\" x=\"{label_w}\" y=\"{}\" width=\"{before_w:.1}\" height=\"12\"/>\
                 <text class=\"value\" x=\"{}\" y=\"{}\">{}</text>",
                y + 18.0,
                label_w + before_w + 6.0,
                y + 28.0,
                rules::grouped(row.previous.emissions_t(), 0),
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}

pub async fn climate(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Readers>,
    query: web::Query<ClimateQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let (climate, years) = load_climate(&state, &query).await?;
    let business_units = state.business_units().await?;
    let chrome = Chrome::new(&req, Some(&user), "esg");
    let chart = emissions_chart(
        &climate,
        &climate.year.to_string(),
        &(climate.year - 1).to_string(),
        chrome.t("esg.chart_emissions"),
    );
    ClimatePage {
        chrome,
        query,
        climate,
        years,
        business_units,
        chart,
    }
    .page()
}

/// The climate figures as an XLSX workbook (DESIGN §5: figures export as
/// XLSX): one row per business unit and year, and the total.
pub async fn climate_export(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Readers>,
    query: web::Query<ClimateQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let (climate, _) = load_climate(&state, &query).await?;
    let chrome = Chrome::new(&req, Some(&user), "esg");
    let headers = [
        "business_unit",
        "year",
        "suppliers_reporting",
        "with_target",
        "ghg_verified",
        "ghg_in_progress",
        "scope1_t",
        "scope2_t",
        "scope1_2_t",
        "renewable_mwh",
        "wastewater_t",
        "exhaust_t",
        "hazardous_waste_t",
        "intensity_t_per_mcny",
    ];
    let mut table = Vec::new();
    let all = chrome.t("esg.all_units");
    for row in climate.rows.iter().chain(std::iter::once(&climate.total)) {
        for (year, t) in [
            (climate.year, &row.current),
            (climate.year - 1, &row.previous),
        ] {
            let unit = if row.business_unit.is_empty() {
                all
            } else {
                &row.business_unit
            };
            table.push(vec![
                export::Cell::Text(unit.to_owned()),
                export::Cell::Number(f64::from(year)),
                export::Cell::Number(t.reporting as f64),
                export::Cell::Number(t.figures.with_target as f64),
                export::Cell::Number(t.figures.ghg_verified as f64),
                export::Cell::Number(t.figures.ghg_in_progress as f64),
                export::Cell::Number(t.scope1_t),
                export::Cell::Number(t.scope2_t),
                export::Cell::Number(t.emissions_t()),
                export::Cell::Number(t.renewable_mwh),
                export::Cell::Number(t.wastewater_t),
                export::Cell::Number(t.exhaust_t),
                export::Cell::Number(t.hazardous_waste_t),
                number(t.intensity()),
            ]);
        }
    }
    TableFile {
        format: ExportFormat::Xlsx,
        file_stem: &format!("climate-{}", climate.year),
        sheet: chrome.t("esg.tab.climate"),
        headers: &headers,
        rows: table,
    }
    .response()
}

// ---------- Data requests ----------

#[derive(Template)]
#[template(path = "esg/requests.html")]
struct RequestsPage {
    chrome: Chrome,
    requests: Vec<esg_request::RequestSummary>,
    business_units: Vec<String>,
    input: RequestInput,
    problems: FieldErrors,
    can_edit: bool,
}

impl RequestsPage {
    fn problem(&self, field: &str) -> Option<&'static str> {
        self.chrome.problem(&self.problems, field)
    }

    fn scope_label(&self, business_unit: &str) -> String {
        if business_unit.is_empty() {
            self.chrome.t("esg.all_units").to_owned()
        } else {
            business_unit.to_owned()
        }
    }
}

async fn requests_page(
    req: &HttpRequest,
    state: &AppState,
    identity: &Identity,
    input: RequestInput,
    problems: FieldErrors,
) -> AppResult<RequestsPage> {
    let caches = state.caches.clone();
    let (requests, business_units) = state
        .db(move |conn| Ok((esg_request::list(conn)?, caches.business_units(conn)?)))
        .await?;
    Ok(RequestsPage {
        chrome: Chrome::new(req, Some(identity), "esg"),
        requests,
        business_units,
        input,
        problems,
        can_edit: matches!(identity.role(), Role::Admin | Role::Procurement),
    })
}

pub async fn requests(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Readers>,
) -> AppResult<HttpResponse> {
    let input = RequestInput {
        year: (chrono::Datelike::year(&now().date()) - 1).to_string(),
        ..RequestInput::default()
    };
    requests_page(&req, &state, &user, input, FieldErrors::new())
        .await?
        .page()
}

/// Starts (or extends) a campaign; shared by the form and the API.
pub async fn send_request(
    state: &AppState,
    identity: &Identity,
    input: RequestInput,
) -> AppResult<Result<esg_request::Sent, FieldErrors>> {
    let actor = identity.actor();
    state
        .transaction(move |conn| {
            let fields = match input.check(now().date()) {
                Ok(fields) => fields,
                Err(problems) => return Ok(Err(problems)),
            };
            esg_request::send(conn, &actor, &fields)
        })
        .await
}

pub async fn create_request(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    form: CsrfForm<RequestInput>,
) -> AppResult<HttpResponse> {
    let input = form.0;
    match send_request(&state, &user, input.clone()).await? {
        Ok(sent) => Ok(redirect(&format!(
            "/esg/requests/{}?added={}",
            sent.request.id, sent.added
        ))),
        Err(problems) => {
            let page = requests_page(&req, &state, &user, input, problems).await?;
            Ok(HttpResponse::UnprocessableEntity()
                .content_type("text/html; charset=utf-8")
                .body(page.render_html()?))
        }
    }
}

#[derive(Deserialize, Default)]
pub struct RecipientParams {
    #[serde(flatten)]
    filter: RecipientFilter,
    #[serde(flatten)]
    list: ListQuery,
    added: Option<usize>,
}

impl RecipientParams {
    fn query_string(&self) -> String {
        let mut pairs = Vec::new();
        push(&mut pairs, "q", &self.filter.q);
        push(&mut pairs, "answered", &self.filter.answered);
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }
}

#[derive(Template)]
#[template(path = "esg/request_detail.html")]
struct RequestPage {
    chrome: Chrome,
    summary: esg_request::RequestSummary,
    recipients: Paged<esg_request::Recipient>,
    params: RecipientParams,
}

impl RequestPage {
    fn pager(&self) -> Pager {
        let base = format!(
            "/esg/requests/{}?{}",
            self.summary.request.id,
            self.params.query_string()
        );
        Pager::for_links(&self.params.list, self.recipients.total, |page| {
            format!("{base}&page={page}")
        })
    }

    fn export_link(&self, format: &str) -> String {
        format!(
            "/esg/requests/{}/export.{format}?{}",
            self.summary.request.id,
            self.params.query_string()
        )
    }

    fn scope_label(&self) -> String {
        let bu = &self.summary.request.business_unit;
        if bu.is_empty() {
            self.chrome.t("esg.all_units").to_owned()
        } else {
            bu.clone()
        }
    }

    fn answered_is(&self, value: &str) -> bool {
        self.params.filter.answered.as_deref().unwrap_or("") == value
    }
}

async fn load_request(
    state: &AppState,
    id: i32,
    filter: RecipientFilter,
    page: i64,
    per_page: Option<i64>,
) -> AppResult<(esg_request::RequestSummary, Paged<esg_request::Recipient>)> {
    state
        .db(move |conn| {
            let summary = esg_request::list(conn)?
                .into_iter()
                .find(|s| s.request.id == id)
                .ok_or(AppError::NotFound)?;
            let recipients =
                esg_request::recipients(conn, &summary.request, &filter, page, per_page)?;
            Ok((summary, recipients))
        })
        .await
}

pub async fn request_detail(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Readers>,
    id: web::Path<i32>,
    params: web::Query<RecipientParams>,
) -> AppResult<HttpResponse> {
    let params = params.into_inner();
    if let Err(problems) = params.filter.answered() {
        checked(problems, ())?;
    }
    let (summary, recipients) = load_request(
        &state,
        id.into_inner(),
        params.filter.clone(),
        params.list.page(),
        Some(params.list.per_page()),
    )
    .await?;
    RequestPage {
        chrome: Chrome::new(&req, Some(&user), "esg"),
        summary,
        recipients,
        params,
    }
    .page()
}

pub async fn request_export(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Readers>,
    path: web::Path<(i32, String)>,
    params: web::Query<RecipientParams>,
) -> AppResult<HttpResponse> {
    let (id, format) = path.into_inner();
    let format = ExportFormat::parse(&format)?;
    let params = params.into_inner();
    let (summary, recipients) = load_request(&state, id, params.filter, 1, None).await?;
    let text = |s: &str| export::Cell::Text(s.to_owned());
    let table = recipients
        .items
        .iter()
        .map(|r| {
            vec![
                text(&r.supplier.code),
                text(&r.supplier.name),
                text(&r.supplier.business_unit),
                text(&r.contact_email),
                text(&r.buyer_email),
                text(if r.answered { "yes" } else { "no" }),
                export::Cell::Number(f64::from(r.reminders_sent)),
                r.last_reminded_at
                    .map_or(export::Cell::Empty, |t| export::Cell::Date(t.date())),
            ]
        })
        .collect();
    let chrome = Chrome::new(&req, Some(&user), "esg");
    TableFile {
        format,
        file_stem: &format!(
            "esg-request-{}",
            summary.request.entity_id().replace('/', "-")
        ),
        sheet: chrome.t("esg.tab.requests"),
        headers: &[
            "supplier_code",
            "supplier_name",
            "business_unit",
            "contact_email",
            "buyer_email",
            "answered",
            "reminders_sent",
            "last_reminded_on",
        ],
        rows: table,
    }
    .response()
}
