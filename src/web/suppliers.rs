//! Supplier pages: list with filters and export, detail with timeline,
//! create/edit, status changes and the onboarding review (red-line gate).

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;
use std::sync::Arc;

use super::cache::SupplierPage;
use super::chrome::Chrome;
use super::downloads::{ExportFormat, TableFile};
use super::pagination::{ListQuery, Pager};
use super::session::redirect;
use super::{upload, AppState, RenderHtml};
use crate::auth::identity::Identity;
use crate::auth::{AnyRole, Authorized, CsrfForm, Readers, Staff};
use crate::domain::country;
use crate::domain::red_lines::{Assessment, EvidenceType, RED_LINES};
use crate::domain::role::Role;
use crate::domain::supplier_status::{can_change, SupplierStatus};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::export;
use crate::i18n::Lang;
use crate::models::audit_log::{self, AuditEntry};
use crate::models::esg::SupplierEsg;
use crate::models::onboarding::{self, RedLineResult, Review, ReviewInput};
use crate::models::supplier::{self, Supplier, SupplierFilter, SupplierInput};
use crate::models::{attachment, now, Paged};

#[derive(Deserialize, Default)]
pub struct ListParams {
    #[serde(flatten)]
    pub filter: SupplierFilter,
    #[serde(flatten)]
    pub list: ListQuery,
}

impl ListParams {
    /// The filter as a query string, without page, to build links.
    pub fn query_string(&self, sort: Option<(&str, bool)>, page: Option<i64>) -> String {
        let f = &self.filter;
        let mut pairs: Vec<(&str, String)> = Vec::new();
        let mut push = |k: &'static str, v: &Option<String>| {
            if let Some(v) = v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                pairs.push((k, v.to_owned()));
            }
        };
        push("q", &f.q);
        push("status", &f.status);
        push("business_unit", &f.business_unit);
        push("region", &f.region);
        push("tier", &f.tier);
        push("category", &f.category);
        push("buyer", &f.buyer);
        match sort {
            Some((column, desc)) => {
                pairs.push(("sort", column.to_owned()));
                if desc {
                    pairs.push(("dir", "desc".into()));
                }
            }
            None => {
                push("sort", &f.sort);
                push("dir", &f.dir);
            }
        }
        if let Some(p) = page {
            pairs.push(("page", p.to_string()));
        }
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }

    fn checked(self) -> AppResult<Self> {
        super::pagination::refuse_unknown(&self.filter.problems())?;
        Ok(self)
    }
}

#[derive(Template)]
#[template(path = "suppliers/list.html")]
struct ListPage {
    chrome: Chrome,
    params: ListParams,
    suppliers: SupplierPage,
    business_units: Vec<String>,
    can_edit: bool,
}

#[derive(Template)]
#[template(path = "suppliers/rows.html")]
struct ListRows<'a> {
    lang: Lang,
    suppliers: &'a Paged<Supplier>,
}

impl ListPage {
    fn rows(&self) -> askama::Result<&str> {
        let lang = self.chrome.lang;
        self.suppliers
            .html(lang, |suppliers| ListRows { lang, suppliers }.render())
    }

    fn pager(&self) -> Pager {
        let base = format!("/suppliers?{}", self.params.query_string(None, None));
        Pager::for_links(&self.params.list, self.suppliers.total, |page| {
            format!("{base}&page={page}")
        })
    }

    /// The header link that sorts by `column`, flipping direction when it
    /// is already the sort column.
    fn sort_link(&self, column: &str) -> String {
        let current = self.params.filter.sort_column() == column;
        let desc = current && !self.params.filter.descending();
        format!(
            "/suppliers?{}",
            self.params.query_string(Some((column, desc)), None)
        )
    }

    fn sort_class(&self, column: &str) -> &'static str {
        match (
            self.params.filter.sort_column() == column,
            self.params.filter.descending(),
        ) {
            (true, false) => "asc",
            (true, true) => "desc",
            _ => "",
        }
    }

    fn export_link(&self, format: &str) -> String {
        format!(
            "/suppliers/export.{format}?{}",
            self.params.query_string(None, None)
        )
    }

    fn selected(&self, value: &Option<String>, option: &str) -> bool {
        value.as_deref() == Some(option)
    }
}

pub fn status_label(lang: Lang, status: &str) -> &'static str {
    lang.t(&format!("status.{status}"))
}

pub fn status_badge(status: &str) -> &'static str {
    match status {
        "approved" => "ok",
        "rejected" | "suspended" => "bad",
        "under_review" => "warn",
        "exited" => "muted",
        _ => "info",
    }
}

pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Readers>,
    params: web::Query<ListParams>,
) -> AppResult<HttpResponse> {
    let params = params.into_inner().checked()?;
    let (filter, page, per_page) = (
        params.filter.clone(),
        params.list.page(),
        params.list.per_page(),
    );
    let (suppliers, business_units) = state
        .kept(&req, move |caches, source| {
            caches.supplier_list(source, &filter, page, per_page)
        })
        .await?;
    ListPage {
        chrome: Chrome::new(&req, Some(&user), "suppliers"),
        params,
        suppliers,
        business_units,
        can_edit: user.role() != Role::Viewer,
    }
    .page()
}

/// The list as shown (same filters and order), as CSV or XLSX.
pub async fn export(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Readers>,
    format: web::Path<String>,
    params: web::Query<ListParams>,
) -> AppResult<HttpResponse> {
    let params = params.into_inner().checked()?;
    let format = ExportFormat::parse(&format.into_inner())?;
    let filter = params.filter.clone();
    let (rows, parents) = state
        .db(move |conn| {
            let rows = filter.all(conn)?;
            let ids: Vec<i32> = rows.iter().filter_map(|s| s.parent_id).collect();
            Ok((rows, supplier::codes_of(conn, &ids)?))
        })
        .await?;
    let chrome = Chrome::new(&req, Some(&user), "suppliers");
    let date =
        |d: Option<chrono::NaiveDate>| d.map(export::Cell::Date).unwrap_or(export::Cell::Empty);
    let text = |s: &str| export::Cell::Text(s.to_owned());
    let table: Vec<Vec<export::Cell>> = rows
        .iter()
        .map(|s| {
            vec![
                text(&s.code),
                text(&s.name),
                text(&s.name_local),
                text(s.uscc.as_deref().unwrap_or("")),
                text(&s.country),
                text(s.region().as_str()),
                text(&s.business_unit),
                text(&s.category),
                export::Cell::Number(f64::from(s.tier)),
                text(
                    s.parent_id
                        .and_then(|p| parents.get(&p))
                        .map_or("", String::as_str),
                ),
                text(if s.production { "true" } else { "false" }),
                text(&s.status),
                date(s.approved_on),
                date(s.exited_on),
                text(&s.contact_name),
                text(&s.contact_email),
                text(&s.buyer_email),
                date(s.csr_signed_on),
            ]
        })
        .collect();
    TableFile {
        format,
        file_stem: "suppliers",
        sheet: chrome.t("nav.suppliers"),
        headers: EXPORT_COLUMNS,
        rows: table,
    }
    .response()
}

/// The §5 `suppliers` columns, so an export can be edited and imported back.
pub const EXPORT_COLUMNS: &[&str] = &[
    "code",
    "name",
    "name_local",
    "uscc",
    "country",
    "region",
    "business_unit",
    "category",
    "tier",
    "parent_code",
    "production",
    "status",
    "approved_on",
    "exited_on",
    "contact_name",
    "contact_email",
    "buyer_email",
    "csr_signed_on",
];

#[derive(Template)]
#[template(path = "suppliers/detail.html")]
struct DetailPage {
    chrome: Chrome,
    records: Arc<SupplierRecords>,
    can_edit: bool,
    /// Staff, or this supplier's own contact: may enter ESG data.
    can_enter_esg: bool,
}

/// The template reads the records as its own fields.
impl std::ops::Deref for DetailPage {
    type Target = SupplierRecords;
    fn deref(&self) -> &SupplierRecords {
        &self.records
    }
}

/// What a supplier's page shows, the same for everyone who may see the
/// supplier (kept between requests: see `cache`).
pub struct SupplierRecords {
    supplier: Supplier,
    parent: Option<Supplier>,
    children: Vec<Supplier>,
    reviews: Vec<(Review, Vec<RedLineResult>)>,
    risks: Vec<crate::models::risk::RiskAssessment>,
    audits: Vec<crate::models::audit::Audit>,
    grades: crate::domain::grade::GradeThresholds,
    /// On-time completion rate of each audit's actions (by audit id).
    on_time: std::collections::HashMap<i32, f64>,
    /// (open, overdue) corrective actions.
    open_actions: (usize, usize),
    timeline: Vec<AuditEntry>,
    esg: SupplierEsg,
    /// The measured ESG values by year, formatted once when kept: (label
    /// key, value per year in `esg.data` order).
    esg_rows: Vec<(&'static str, Vec<String>)>,
}

impl SupplierRecords {
    /// Everything the page shows of the supplier with this code (404 if
    /// there is none), in one trip to the database; actions due before
    /// `today` count as overdue.
    pub fn load(
        conn: &mut crate::db::DbConnection,
        code: &str,
        today: chrono::NaiveDate,
    ) -> AppResult<Self> {
        let supplier = Supplier::by_code(conn, code)?.ok_or(AppError::NotFound)?;
        let parent = match supplier.parent_id {
            Some(id) => Supplier::find(conn, id)?,
            None => None,
        };
        let audits = crate::models::audit::Audit::for_supplier(conn, supplier.id)?;
        let ids: Vec<i32> = audits.iter().map(|a| a.id).collect();
        let by_audit = crate::models::finding::due_and_closed_by_audit(conn, &ids)?;
        let on_time = by_audit
            .iter()
            .filter_map(|(id, actions)| {
                crate::domain::corrective::on_time_rate(actions).map(|r| (*id, r))
            })
            .collect();
        let open: Vec<chrono::NaiveDate> = by_audit
            .values()
            .flatten()
            .filter(|(_, closed)| closed.is_none())
            .map(|(due, _)| *due)
            .collect();
        let esg = SupplierEsg::load(conn, supplier.id)?;
        Ok(SupplierRecords {
            esg_rows: esg_rows(&esg.data),
            esg,
            parent,
            children: supplier.children(conn)?,
            reviews: onboarding::for_supplier(conn, supplier.id)?,
            risks: crate::models::risk::history(conn, supplier.id)?,
            audits,
            grades: crate::models::setting::Settings::load(conn)?.grades(),
            on_time,
            open_actions: (open.len(), open.iter().filter(|due| today > **due).count()),
            timeline: audit_log::for_entity(conn, "supplier", &supplier.code, 100)?,
            supplier,
        })
    }
}

/// The measured ESG values by year: (label key, value per year).
fn esg_rows(data: &[crate::models::esg::EsgRecord]) -> Vec<(&'static str, Vec<String>)> {
    use crate::web::esg::{amount, figure, intensity};
    let row = |label, value: &dyn Fn(&crate::models::esg::EsgRecord) -> String| {
        (label, data.iter().map(value).collect())
    };
    vec![
        row("esg.scope1_t", &|r| figure(r.scope1_t)),
        row("esg.scope2_t", &|r| figure(r.scope2_t)),
        row("esg.scope12_t", &|r| figure(r.emissions_t())),
        row("esg.renewable_mwh", &|r| amount(r.renewable_mwh)),
        row("esg.wastewater_t", &|r| amount(r.wastewater_t)),
        row("esg.exhaust_t", &|r| amount(r.exhaust_t)),
        row("esg.hazardous_waste_t", &|r| amount(r.hazardous_waste_t)),
        row("esg.revenue_mcny", &|r| amount(r.revenue_mcny)),
        row("esg.intensity", &|r| intensity(r.intensity())),
    ]
}

impl DetailPage {
    fn country_name(&self) -> &'static str {
        country::name(
            &self.supplier.country,
            self.chrome.lang == crate::i18n::Lang::ZhCn,
        )
        .unwrap_or("")
    }

    fn region_label(&self) -> &'static str {
        self.chrome
            .t(&format!("region.{}", self.supplier.region().as_str()))
    }

    fn next_statuses(&self) -> Vec<(&'static str, &'static str)> {
        self.supplier
            .next_statuses()
            .into_iter()
            .map(|s| (s.as_str(), status_label(self.chrome.lang, s.as_str())))
            .collect()
    }

    fn may_review(&self) -> bool {
        crate::domain::supplier_status::can_decide(self.supplier.status())
    }

    fn on_time_of(&self, audit: &crate::models::audit::Audit) -> String {
        self.on_time
            .get(&audit.id)
            .map_or_else(|| "—".to_owned(), |r| format!("{r:.1} %"))
    }

    /// The grade of the latest scored audit.
    fn latest_grade(&self) -> Option<&'static str> {
        self.audits
            .iter()
            .find(|a| a.score.is_some())
            .and_then(|a| self.grade_of(a))
    }

    fn grade_of(&self, audit: &crate::models::audit::Audit) -> Option<&'static str> {
        audit
            .grade(self.grades)
            .map(crate::domain::grade::Grade::as_str)
    }

    fn assessment_badge(&self, assessment: &str) -> &'static str {
        match assessment {
            "pass" => "ok",
            "fail" => "bad",
            _ => "muted",
        }
    }
}

/// Loads a supplier the user may see: staff and viewers see all; a supplier
/// contact only their own company; everyone else gets a 404, never the data.
pub async fn visible_supplier(
    state: &AppState,
    identity: &Identity,
    code: String,
) -> AppResult<Supplier> {
    let viewer = identity.clone();
    state
        .db(move |conn| find_visible(conn, &viewer, &code))
        .await
}

/// The supplier with this code if the identity may see it, else 404.
fn find_visible(
    conn: &mut crate::db::DbConnection,
    identity: &Identity,
    code: &str,
) -> AppResult<Supplier> {
    Supplier::by_code(conn, code)?
        .filter(|s| may_see(identity, s))
        .ok_or(AppError::NotFound)
}

/// Readers see every supplier, a contact their own, auditors none.
fn may_see(identity: &Identity, supplier: &Supplier) -> bool {
    match identity.role() {
        Role::Admin | Role::Procurement | Role::Viewer => true,
        Role::Supplier => identity.user.supplier_id == Some(supplier.id),
        Role::Auditor => false,
    }
}

pub async fn detail(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    code: web::Path<String>,
) -> AppResult<HttpResponse> {
    let code = code.into_inner();
    let records = state
        .kept(&req, move |caches, source| {
            caches.supplier_records(source, &code)
        })
        .await?;
    if !may_see(&user, &records.supplier) {
        return Err(AppError::NotFound);
    }
    DetailPage {
        chrome: Chrome::new(&req, Some(&user), "suppliers"),
        records,
        can_edit: matches!(user.role(), Role::Admin | Role::Procurement),
        can_enter_esg: matches!(
            user.role(),
            Role::Admin | Role::Procurement | Role::Supplier
        ),
    }
    .page()
}

#[derive(Template)]
#[template(path = "suppliers/form.html")]
struct FormPage {
    chrome: Chrome,
    input: SupplierInput,
    problems: FieldErrors,
    /// The supplier being edited, or `None` when creating.
    editing: Option<Supplier>,
}

impl FormPage {
    fn problem(&self, field: &str) -> Option<&'static str> {
        self.chrome.problem(&self.problems, field)
    }

    fn action(&self) -> String {
        match &self.editing {
            Some(s) => format!("/suppliers/{}", s.code),
            None => "/suppliers".into(),
        }
    }

    fn production_checked(&self) -> bool {
        crate::domain::values::flag(&self.input.production, true).unwrap_or(true)
    }

    fn render_with(self, status: actix_web::http::StatusCode) -> AppResult<HttpResponse> {
        Ok(HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(self.render_html()?))
    }
}

/// Statuses a new supplier may start in; approval only through a review.
const NEW_STATUSES: &[SupplierStatus] = &[SupplierStatus::Prospective, SupplierStatus::UnderReview];

pub async fn new_form(req: HttpRequest, user: Authorized<Staff>) -> AppResult<HttpResponse> {
    FormPage {
        chrome: Chrome::new(&req, Some(&user), "suppliers"),
        input: SupplierInput {
            country: "CN".into(),
            production: "true".into(),
            tier: "1".into(),
            buyer_email: user.user.email.clone(),
            ..SupplierInput::default()
        },
        problems: FieldErrors::new(),
        editing: None,
    }
    .page()
}

/// Creates a supplier from checked input; shared by the form and the API.
pub async fn create_supplier(
    state: &AppState,
    identity: &Identity,
    input: SupplierInput,
) -> AppResult<Result<Supplier, FieldErrors>> {
    let actor = identity.actor();
    state
        .transaction(move |conn| {
            let fields = match input.check(now().date(), NEW_STATUSES) {
                Ok(fields) => fields,
                Err(problems) => return Ok(Err(problems)),
            };
            if Supplier::by_code(conn, &fields.code)?.is_some() {
                return Ok(Err(FieldErrors::from([(
                    "code".into(),
                    "field.code_taken".into(),
                )])));
            }
            let parent_id = match supplier::check_references(conn, &fields, None)? {
                Ok(parent_id) => parent_id,
                Err(problems) => return Ok(Err(problems)),
            };
            Ok(Ok(supplier::insert(
                conn, &actor, &fields, parent_id, "create",
            )?))
        })
        .await
}

pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    form: CsrfForm<SupplierInput>,
) -> AppResult<HttpResponse> {
    let input = form.0;
    match create_supplier(&state, &user, input.clone()).await? {
        Ok(created) => Ok(redirect(&format!("/suppliers/{}", created.code))),
        Err(problems) => FormPage {
            chrome: Chrome::new(&req, Some(&user), "suppliers"),
            input,
            problems,
            editing: None,
        }
        .render_with(actix_web::http::StatusCode::UNPROCESSABLE_ENTITY),
    }
}

pub async fn edit_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    code: web::Path<String>,
) -> AppResult<HttpResponse> {
    let found = visible_supplier(&state, &user, code.into_inner()).await?;
    let parent_id = found.parent_id;
    let parent_code = state
        .db(move |conn| {
            Ok(supplier::codes_of(
                conn,
                &parent_id.into_iter().collect::<Vec<_>>(),
            )?)
        })
        .await?;
    FormPage {
        chrome: Chrome::new(&req, Some(&user), "suppliers"),
        input: SupplierInput::from_supplier(
            &found,
            found
                .parent_id
                .and_then(|p| parent_code.get(&p))
                .map(String::as_str),
        ),
        problems: FieldErrors::new(),
        editing: Some(found),
    }
    .page()
}

#[derive(Deserialize)]
pub struct EditForm {
    #[serde(default)]
    version: String,
    #[serde(flatten)]
    input: SupplierInput,
}

/// Saves edits; shared by the form and the API. Status and the approval and
/// exit dates are not editable here: they follow reviews and transitions.
pub async fn update_supplier(
    state: &AppState,
    identity: &Identity,
    before: Supplier,
    version: i32,
    mut input: SupplierInput,
) -> AppResult<Result<Supplier, FieldErrors>> {
    let actor = identity.actor();
    input.code = before.code.clone();
    input.status = before.status.clone();
    input.approved_on = before
        .approved_on
        .map(|d| d.to_string())
        .unwrap_or_default();
    input.exited_on = before.exited_on.map(|d| d.to_string()).unwrap_or_default();
    state
        .transaction(move |conn| {
            let fields = match input.check(now().date(), &[before.status()]) {
                Ok(fields) => fields,
                Err(problems) => return Ok(Err(problems)),
            };
            let parent_id = match supplier::check_references(conn, &fields, Some(before.id))? {
                Ok(parent_id) => parent_id,
                Err(problems) => return Ok(Err(problems)),
            };
            Ok(Ok(supplier::update(
                conn, &actor, &before, version, &fields, parent_id, "update",
            )?))
        })
        .await
}

pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    code: web::Path<String>,
    form: CsrfForm<EditForm>,
) -> AppResult<HttpResponse> {
    let form = form.0;
    let before = visible_supplier(&state, &user, code.into_inner()).await?;
    let version = form.version.trim().parse().map_err(|_| {
        AppError::BadInput("the form lacks the record version; reload the page".into())
    })?;
    match update_supplier(&state, &user, before.clone(), version, form.input.clone()).await? {
        Ok(saved) => Ok(redirect(&format!("/suppliers/{}", saved.code))),
        Err(problems) => FormPage {
            chrome: Chrome::new(&req, Some(&user), "suppliers"),
            input: form.input,
            problems,
            editing: Some(before),
        }
        .render_with(actix_web::http::StatusCode::UNPROCESSABLE_ENTITY),
    }
}

#[derive(Deserialize)]
pub struct StatusForm {
    status: String,
    version: i32,
}

pub async fn change_status(
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    code: web::Path<String>,
    form: CsrfForm<StatusForm>,
) -> AppResult<HttpResponse> {
    let form = form.0;
    let before = visible_supplier(&state, &user, code.into_inner()).await?;
    let to = SupplierStatus::parse(&form.status)
        .ok_or_else(|| AppError::BadInput(format!("unknown status {:?}", form.status)))?;
    if !can_change(before.status(), to) {
        return Err(AppError::BadInput(format!(
            "a supplier cannot go from {} to {} by hand{}",
            before.status,
            to.as_str(),
            if to == SupplierStatus::Approved || to == SupplierStatus::Rejected {
                "; approval and rejection come only from an onboarding review"
            } else {
                ""
            }
        )));
    }
    let actor = user.actor();
    let saved = state
        .transaction(move |conn| {
            supplier::set_status(
                conn,
                &actor,
                &before,
                form.version,
                supplier::StatusChange::by_hand(to),
            )
        })
        .await?;
    Ok(redirect(&format!("/suppliers/{}", saved.code)))
}

#[derive(Template)]
#[template(path = "suppliers/review_form.html")]
struct ReviewPage {
    chrome: Chrome,
    supplier: Supplier,
    fields: std::collections::HashMap<String, String>,
    problems: FieldErrors,
}

impl ReviewPage {
    fn problem(&self, field: &str) -> Option<&'static str> {
        self.chrome.problem(&self.problems, field)
    }

    fn value(&self, field: &str) -> &str {
        self.fields.get(field).map_or("", String::as_str)
    }

    fn red_lines(&self) -> Vec<(&'static str, &'static str, String)> {
        RED_LINES
            .iter()
            .map(|code| {
                (
                    *code,
                    self.chrome.t(&format!("red_line.{code}")),
                    format!("red_line_{code}"),
                )
            })
            .collect()
    }

    fn assessments(&self) -> Vec<(&'static str, &'static str)> {
        Assessment::ALL
            .iter()
            .map(|a| {
                (
                    a.as_str(),
                    self.chrome.t(&format!("assessment.{}", a.as_str())),
                )
            })
            .collect()
    }

    fn evidence_types(&self) -> Vec<(&'static str, &'static str)> {
        EvidenceType::ALL
            .iter()
            .map(|e| {
                (
                    e.as_str(),
                    self.chrome.t(&format!("evidence.{}", e.as_str())),
                )
            })
            .collect()
    }

    fn is_checked(&self, code: &str, assessment: &str) -> bool {
        let chosen = self.value(&format!("rl_{code}"));
        chosen == assessment || (chosen.is_empty() && assessment == "not_assessed")
    }
}

pub async fn review_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    code: web::Path<String>,
) -> AppResult<HttpResponse> {
    let supplier = visible_supplier(&state, &user, code.into_inner()).await?;
    let mut fields = std::collections::HashMap::new();
    fields.insert("decided_on".into(), now().date().to_string());
    if let Some(d) = supplier.csr_signed_on {
        fields.insert("csr_signed_on".into(), d.to_string());
    }
    ReviewPage {
        chrome: Chrome::new(&req, Some(&user), "suppliers"),
        supplier,
        fields,
        problems: FieldErrors::new(),
    }
    .page()
}

pub async fn create_review(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    code: web::Path<String>,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let supplier = visible_supplier(&state, &user, code.into_inner()).await?;
    let submitted = upload::read(&req, &state, payload, upload::EVIDENCE_KINDS).await?;
    let input = ReviewInput {
        decided_on: submitted.field("decided_on").into(),
        evidence_type: submitted.field("evidence_type").into(),
        evidence_firm: submitted.field("evidence_firm").into(),
        evidence_date: submitted.field("evidence_date").into(),
        csr_signed_on: submitted.field("csr_signed_on").into(),
        note: submitted.field("note").into(),
        red_lines: RED_LINES
            .iter()
            .map(|code| {
                (
                    (*code).to_owned(),
                    submitted.field(&format!("rl_{code}")).to_owned(),
                    submitted.field(&format!("rl_{code}_note")).to_owned(),
                )
            })
            .collect(),
    };
    let evidence = submitted.files.get("evidence_file").cloned();
    let actor = user.actor();
    let user_id = user.user.id;
    let target = supplier.clone();
    let outcome = state
        .transaction(move |conn| {
            let attachment_id = match &evidence {
                Some(file) => Some(attachment::store(
                    conn,
                    "onboarding_review",
                    0,
                    file,
                    Some(user_id),
                )?),
                None => None,
            };
            match onboarding::record(conn, &actor, &target, &input, now().date(), attachment_id)? {
                Ok(recorded) => Ok(Ok(recorded.supplier)),
                // Nothing of a refused review may stay, not even its file.
                Err(problems) => Err(AppError::Validation(problems)),
            }
        })
        .await;
    match outcome {
        Ok(Ok(saved)) => Ok(redirect(&format!("/suppliers/{}", saved.code))),
        Ok(Err(problems)) | Err(AppError::Validation(problems)) => {
            let page = ReviewPage {
                chrome: Chrome::new(&req, Some(&user), "suppliers"),
                supplier,
                fields: submitted.fields,
                problems,
            };
            Ok(HttpResponse::UnprocessableEntity()
                .content_type("text/html; charset=utf-8")
                .body(page.render_html()?))
        }
        Err(e) => Err(e),
    }
}

/// A stored file, for whoever sees the page that links it: the readers,
/// the supplier's contacts, the assigned auditor (see
/// `attachment::holders`). Others get 404, as for the pages themselves.
pub async fn download_attachment(
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    id: web::Path<i32>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let (role, user_id, own_supplier) = (user.role(), user.user.id, user.user.supplier_id);
    let (info, bytes) = state
        .db(move |conn| {
            let info = attachment::info(conn, id)?.ok_or(AppError::NotFound)?;
            let allowed = match role {
                Role::Admin | Role::Procurement | Role::Viewer => true,
                Role::Supplier => {
                    own_supplier.is_some()
                        && attachment::holders(conn, &info)?.supplier_id == own_supplier
                }
                Role::Auditor => attachment::holders(conn, &info)?.auditor_id == Some(user_id),
            };
            if !allowed {
                return Err(AppError::NotFound);
            }
            let bytes = attachment::content(conn, id)?;
            Ok((info, bytes))
        })
        .await?;
    let encoded: String = serde_urlencoded::to_string([("", &info.file_name)])
        .unwrap_or_default()
        .trim_start_matches('=')
        .to_owned();
    Ok(HttpResponse::Ok()
        .content_type(info.content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"download\"; filename*=UTF-8''{encoded}"),
        ))
        .body(bytes))
}
