//! Audit pages: the list (an auditor's "My audits"), the month calendar, the
//! annual plan, one audit with its lifecycle, and assignment.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::chrome::Chrome;
use super::downloads::{ExportFormat, TableFile};
use super::pagination::{filter_query, refuse_unknown, ListQuery, Pager};
use super::session::redirect;
use super::{upload, AppState, RenderHtml};
use crate::auth::identity::Identity;
use crate::auth::{AnyRole, Authorized, CsrfForm, Staff};
use crate::domain::audit::{AuditKind, AuditStatus};
use crate::domain::grade::{Grade, GradeThresholds};
use crate::domain::plan;
use crate::domain::role::Role;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::export;
use crate::jobs::planner::{confirm_plan, decode_reasons, encode_reasons, plan_params, propose};
use crate::models::audit::{self, Audit, AuditFilter, AuditInput, AuditRow};
use crate::models::audit_log::{self, AuditEntry};
use crate::models::finding::{Clause, CorrectiveAction, Finding};
use crate::models::setting::Settings;
use crate::models::supplier::Supplier;
use crate::models::{attachment, now, Paged};

/// Who may see which audits: programme staff and viewers all of them, an
/// auditor only those assigned to them, nobody else any.
pub fn audit_scope(identity: &Identity) -> AppResult<Option<i32>> {
    match identity.role() {
        Role::Admin | Role::Procurement | Role::Viewer => Ok(None),
        Role::Auditor => Ok(Some(identity.user.id)),
        Role::Supplier => Err(AppError::Forbidden),
    }
}

/// Loads an audit the user may see; anything else is a 404.
pub async fn visible_audit(
    state: &AppState,
    identity: &Identity,
    audit_ref: String,
) -> AppResult<Audit> {
    let scope = audit_scope(identity).map_err(|_| AppError::NotFound)?;
    let found = state
        .db(move |conn| Ok(Audit::by_ref(conn, &audit_ref)?))
        .await?
        .ok_or(AppError::NotFound)?;
    match scope {
        Some(auditor) if found.auditor_id != Some(auditor) => Err(AppError::NotFound),
        _ => Ok(found),
    }
}

pub fn grade_badge(grade: &str) -> &'static str {
    match grade {
        "excellent" => "ok",
        "medium" => "warn",
        "poor" => "bad",
        _ => "muted",
    }
}

#[derive(Deserialize, Default)]
pub struct ListParams {
    #[serde(flatten)]
    pub filter: AuditFilter,
    #[serde(flatten)]
    pub list: ListQuery,
}

impl ListParams {
    fn query_string(&self) -> String {
        let f = &self.filter;
        let pairs = [
            ("q", &f.q),
            ("year", &f.year),
            ("firm", &f.firm),
            ("auditor", &f.auditor),
            ("status", &f.status),
            ("grade", &f.grade),
            ("business_unit", &f.business_unit),
            ("supplier", &f.supplier),
            ("kind", &f.kind),
        ];
        filter_query(&pairs)
    }

    fn checked(self) -> AppResult<Self> {
        refuse_unknown(&self.filter.problems())?;
        Ok(self)
    }
}

#[derive(Template)]
#[template(path = "audits/list.html")]
struct ListPage {
    chrome: Chrome,
    params: ListParams,
    audits: Paged<AuditRow>,
    firms: Vec<String>,
    grades: GradeThresholds,
    is_auditor: bool,
    can_edit: bool,
}

impl ListPage {
    fn pager(&self) -> Pager {
        let base = format!("/audits?{}", self.params.query_string());
        Pager::for_links(&self.params.list, self.audits.total, |page| {
            format!("{base}&page={page}")
        })
    }

    fn export_link(&self, format: &str) -> String {
        format!("/audits/export.{format}?{}", self.params.query_string())
    }

    fn grade_of(&self, audit: &Audit) -> Option<&'static str> {
        audit.grade(self.grades).map(Grade::as_str)
    }

    fn selected(&self, value: &Option<String>, option: &str) -> bool {
        value.as_deref() == Some(option)
    }

    fn years(&self) -> Vec<i32> {
        let this = now().date().year();
        (2019..=this + 1).rev().collect()
    }
}

pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    params: web::Query<ListParams>,
) -> AppResult<HttpResponse> {
    let scope = audit_scope(&user)?;
    let params = params.into_inner().checked()?;
    let (filter, page, per_page) = (
        params.filter.clone(),
        params.list.page(),
        params.list.per_page(),
    );
    let (audits, firms, grades) = state
        .db(move |conn| {
            let grades = Settings::load(conn)?.grades();
            Ok((
                filter.page(conn, scope, grades, page, per_page)?,
                audit::firms(conn, scope)?,
                grades,
            ))
        })
        .await?;
    ListPage {
        chrome: Chrome::new(&req, Some(&user), "audits"),
        params,
        audits,
        firms,
        grades,
        is_auditor: scope.is_some(),
        can_edit: matches!(user.role(), Role::Admin | Role::Procurement),
    }
    .page()
}

pub const EXPORT_COLUMNS: &[&str] = &[
    "audit_ref",
    "supplier_code",
    "kind",
    "firm",
    "auditor_email",
    "planned_on",
    "performed_on",
    "score",
    "status",
    "grade",
    "business_unit",
];

pub async fn export(
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    format: web::Path<String>,
    params: web::Query<ListParams>,
) -> AppResult<HttpResponse> {
    let scope = audit_scope(&user)?;
    let params = params.into_inner().checked()?;
    let format = ExportFormat::parse(&format.into_inner())?;
    let filter = params.filter;
    let (rows, grades) = state
        .db(move |conn| {
            let grades = Settings::load(conn)?.grades();
            Ok((filter.all(conn, scope, grades)?, grades))
        })
        .await?;
    let text = |s: &str| export::Cell::Text(s.to_owned());
    let date = |d: Option<NaiveDate>| d.map(export::Cell::Date).unwrap_or(export::Cell::Empty);
    let table: Vec<Vec<export::Cell>> = rows
        .iter()
        .map(|r| {
            let a = &r.audit;
            vec![
                text(&a.audit_ref),
                text(&r.supplier_code),
                text(&a.kind),
                text(&a.firm),
                text(r.auditor_email.as_deref().unwrap_or("")),
                date(a.planned_on),
                date(a.performed_on),
                a.score
                    .map_or(export::Cell::Empty, |s| export::Cell::Number(f64::from(s))),
                text(&a.status),
                text(a.grade(grades).map_or("", Grade::as_str)),
                text(&r.business_unit),
            ]
        })
        .collect();
    TableFile {
        format,
        file_stem: "audits",
        sheet: "audits",
        headers: EXPORT_COLUMNS,
        rows: table,
    }
    .response()
}

#[derive(Template)]
#[template(path = "audits/detail.html")]
struct DetailPage {
    chrome: Chrome,
    shown: Audit,
    supplier: Supplier,
    auditor: Option<(String, String)>,
    auditors: Vec<(i32, String, String)>,
    grades: GradeThresholds,
    history: Vec<AuditEntry>,
    can_edit: bool,
    can_work: bool,
    problems: FieldErrors,
    fields: std::collections::HashMap<String, String>,
    findings: Vec<(Finding, Option<CorrectiveAction>)>,
    clauses: Vec<Clause>,
    /// Whether this user may add findings now (the list locks at the report).
    can_add_finding: bool,
    /// The on-time completion rate of this audit's actions, in percent.
    on_time: Option<f64>,
}

impl DetailPage {
    fn grade(&self) -> Option<&'static str> {
        self.shown.grade(self.grades).map(Grade::as_str)
    }

    fn next_step(&self) -> Option<&'static str> {
        let next = self.shown.status().next()?;
        // Closing is programme staff's call; auditors start and report.
        (self.can_edit || next != AuditStatus::Closed).then_some(next.as_str())
    }

    fn reporting(&self) -> bool {
        self.shown.status() == AuditStatus::InProgress
    }

    fn problem(&self, field: &str) -> Option<&'static str> {
        self.chrome.problem(&self.problems, field)
    }

    fn value(&self, field: &str) -> &str {
        self.fields.get(field).map_or("", String::as_str)
    }

    fn region_label(&self) -> &'static str {
        self.chrome
            .t(&format!("region.{}", self.supplier.region().as_str()))
    }

    fn status_label(&self) -> &'static str {
        self.chrome
            .t(&format!("audit.status.{}", self.shown.status))
    }

    fn kind_label(&self) -> &'static str {
        self.chrome.t(&format!("audit.kind.{}", self.shown.kind))
    }

    fn firm(&self) -> &str {
        &self.shown.firm
    }

    fn clause_title(&self, clause: &Clause) -> String {
        let title = if self.chrome.lang == crate::i18n::Lang::ZhCn {
            &clause.title_zh
        } else {
            &clause.title_en
        };
        format!("{} {title}", clause.code)
    }

    fn is_clause(&self, clause: &Clause) -> bool {
        self.value("clause") == clause.code
    }

    fn on_time_text(&self) -> String {
        self.on_time
            .map_or_else(|| "—".to_owned(), |r| format!("{r:.1} %"))
    }

    fn is_assigned(&self, user_id: &i32) -> bool {
        self.shown.auditor_id == Some(*user_id)
    }

    fn plan_reasons(&self) -> String {
        decode_reasons(self.chrome.lang, &self.shown.plan_reason)
    }
}

async fn render_detail(
    req: &HttpRequest,
    state: &AppState,
    identity: &Identity,
    audit: Audit,
    problems: FieldErrors,
    fields: std::collections::HashMap<String, String>,
) -> AppResult<HttpResponse> {
    let can_edit = matches!(identity.role(), Role::Admin | Role::Procurement);
    let can_work = can_edit
        || (identity.role() == Role::Auditor && audit.auditor_id == Some(identity.user.id));
    let status = if problems.is_empty() {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let can_add_finding =
        can_edit || (can_work && audit.status() < crate::domain::audit::AuditStatus::Reported);
    let (audit, supplier, auditor, auditors, grades, history, (findings, clauses, on_time)) = state
        .db(move |conn| {
            let findings = crate::models::finding::for_audit(conn, audit.id)?;
            let clauses = crate::models::finding::clauses(conn)?;
            let on_time = crate::models::finding::due_and_closed_by_audit(conn, &[audit.id])?
                .get(&audit.id)
                .and_then(|actions| crate::domain::corrective::on_time_rate(actions));
            let supplier = Supplier::find(conn, audit.supplier_id)?.ok_or(AppError::NotFound)?;
            let auditor = match audit.auditor_id {
                Some(id) => crate::models::user::User::find(conn, id)?.map(|u| (u.email, u.name)),
                None => None,
            };
            let auditors = if can_edit {
                audit::auditors(conn)?
            } else {
                Vec::new()
            };
            let grades = Settings::load(conn)?.grades();
            let history = audit_log::for_entity(conn, "audit", &audit.audit_ref, 50)?;
            Ok((
                audit,
                supplier,
                auditor,
                auditors,
                grades,
                history,
                (findings, clauses, on_time),
            ))
        })
        .await?;
    let page = DetailPage {
        chrome: Chrome::new(req, Some(identity), "audits"),
        shown: audit,
        supplier,
        auditor,
        auditors,
        grades,
        history,
        can_edit,
        can_work,
        problems,
        fields,
        findings,
        clauses,
        can_add_finding,
        on_time,
    };
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(page.render_html()?))
}

/// The quick finding form remembers the last clause and date.
#[derive(Deserialize, Default)]
pub struct DetailQuery {
    clause: Option<String>,
    found_on: Option<String>,
}

pub async fn detail(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    audit_ref: web::Path<String>,
    query: web::Query<DetailQuery>,
) -> AppResult<HttpResponse> {
    let found = visible_audit(&state, &user, audit_ref.into_inner()).await?;
    let query = query.into_inner();
    let default_date = found
        .performed_on
        .unwrap_or_else(|| now().date())
        .to_string();
    let fields = [
        ("clause".to_owned(), query.clause.unwrap_or_default()),
        (
            "found_on".to_owned(),
            query.found_on.unwrap_or(default_date),
        ),
    ]
    .into();
    render_detail(&req, &state, &user, found, FieldErrors::new(), fields).await
}

#[derive(Deserialize)]
pub struct AssignForm {
    version: i32,
    #[serde(default)]
    firm: String,
    #[serde(default)]
    auditor_email: String,
}

pub async fn assign(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    audit_ref: web::Path<String>,
    form: CsrfForm<AssignForm>,
) -> AppResult<HttpResponse> {
    let form = form.0;
    let before = visible_audit(&state, &user, audit_ref.into_inner()).await?;
    let actor = user.actor();
    let target = before.clone();
    let outcome = state
        .transaction(move |conn| {
            let auditor = match audit::auditor_by_email(conn, &form.auditor_email)? {
                Ok(id) => id,
                Err(key) => {
                    return Ok(Err(FieldErrors::from([(
                        "auditor_email".to_owned(),
                        key.to_owned(),
                    )])))
                }
            };
            if form.firm.trim().chars().count() > 200 {
                return Ok(Err(FieldErrors::from([(
                    "firm".to_owned(),
                    "field.too_long".to_owned(),
                )])));
            }
            Ok(Ok(audit::assign(
                conn,
                &actor,
                &target,
                form.version,
                &form.firm,
                auditor,
            )?))
        })
        .await?;
    match outcome {
        Ok(saved) => Ok(redirect(&format!("/audits/{}", saved.audit_ref))),
        Err(problems) => {
            render_detail(&req, &state, &user, before, problems, Default::default()).await
        }
    }
}

/// One step on: start, report (with date, score and the report file), close.
pub async fn advance(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    audit_ref: web::Path<String>,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let before = visible_audit(&state, &user, audit_ref.into_inner()).await?;
    let staff = matches!(user.role(), Role::Admin | Role::Procurement);
    let assigned = user.role() == Role::Auditor && before.auditor_id == Some(user.user.id);
    if !(staff || assigned) {
        return Err(AppError::Forbidden);
    }
    if before.status().next() == Some(AuditStatus::Closed) && !staff {
        return Err(AppError::Forbidden);
    }
    let submitted = upload::read(&req, &state, payload, upload::EVIDENCE_KINDS).await?;
    let version: i32 = submitted.field("version").parse().map_err(|_| {
        AppError::BadInput("the form lacks the record version; reload the page".into())
    })?;
    let mut problems = FieldErrors::new();
    let today = now().date();
    let performed_on =
        match crate::domain::values::past_date(submitted.field("performed_on"), today) {
            Ok(d) => d,
            Err(key) => {
                problems.insert("performed_on".into(), key.into());
                None
            }
        };
    let score = audit::parse_score(submitted.field("score"))
        .map_err(|key| problems.insert("score".into(), key.into()))
        .ok()
        .flatten();
    let report = submitted.files.get("report_file").cloned();
    let actor = user.actor();
    let user_id = user.user.id;
    let target = before.clone();
    let outcome = if problems.is_empty() {
        state
            .transaction(move |conn| {
                let attachment = match &report {
                    Some(file) => Some(attachment::store(
                        conn,
                        "audit",
                        target.id,
                        file,
                        Some(user_id),
                    )?),
                    None => None,
                };
                match audit::advance(
                    conn,
                    &actor,
                    &target,
                    version,
                    performed_on,
                    score,
                    attachment,
                )? {
                    Ok(saved) => Ok(saved),
                    // Roll back the stored file too: nothing of a refused step stays.
                    Err(problems) => Err(AppError::Validation(problems)),
                }
            })
            .await
    } else {
        Err(AppError::Validation(problems))
    };
    match outcome {
        Ok(saved) => Ok(redirect(&format!("/audits/{}", saved.audit_ref))),
        Err(AppError::Validation(problems)) => {
            render_detail(&req, &state, &user, before, problems, submitted.fields).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "audits/form.html")]
struct FormPage {
    chrome: Chrome,
    input: AuditInput,
    problems: FieldErrors,
    auditors: Vec<(i32, String, String)>,
}

impl FormPage {
    fn problem(&self, field: &str) -> Option<&'static str> {
        self.chrome.problem(&self.problems, field)
    }

    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        AuditKind::ALL
            .iter()
            .map(|k| {
                (
                    k.as_str(),
                    self.chrome.t(&format!("audit.kind.{}", k.as_str())),
                )
            })
            .collect()
    }
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    supplier: Option<String>,
}

pub async fn new_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    query: web::Query<NewQuery>,
) -> AppResult<HttpResponse> {
    let auditors = state.db(|conn| Ok(audit::auditors(conn)?)).await?;
    FormPage {
        chrome: Chrome::new(&req, Some(&user), "audits"),
        input: AuditInput {
            supplier_code: query.supplier.clone().unwrap_or_default(),
            kind: "annual".into(),
            ..AuditInput::default()
        },
        problems: FieldErrors::new(),
        auditors,
    }
    .page()
}

/// Creates an audit from checked input (form and API).
pub async fn create_audit(
    state: &AppState,
    identity: &Identity,
    input: AuditInput,
) -> AppResult<Result<Audit, FieldErrors>> {
    let actor = identity.actor();
    state
        .transaction(move |conn| {
            let fields = match input.check(conn, now().date())? {
                Ok(fields) => fields,
                Err(problems) => return Ok(Err(problems)),
            };
            if Audit::by_ref(conn, &fields.audit_ref)?.is_some() {
                return Ok(Err(FieldErrors::from([(
                    "audit_ref".to_owned(),
                    "audit.ref_taken".to_owned(),
                )])));
            }
            Ok(Ok(audit::insert(conn, &actor, &fields, None, "create")?))
        })
        .await
}

pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    form: CsrfForm<AuditInput>,
) -> AppResult<HttpResponse> {
    let input = form.0;
    match create_audit(&state, &user, input.clone()).await? {
        Ok(created) => Ok(redirect(&format!("/audits/{}", created.audit_ref))),
        Err(problems) => {
            let auditors = state.db(|conn| Ok(audit::auditors(conn)?)).await?;
            let page = FormPage {
                chrome: Chrome::new(&req, Some(&user), "audits"),
                input,
                problems,
                auditors,
            };
            Ok(HttpResponse::UnprocessableEntity()
                .content_type("text/html; charset=utf-8")
                .body(page.render_html()?))
        }
    }
}

/// A day of the month with its planned audits (and supplier codes); `None`
/// pads the weeks before the 1st and after the last day.
type CalendarDay = Option<(u32, Vec<(Audit, String)>)>;

#[derive(Template)]
#[template(path = "audits/calendar.html")]
struct CalendarPage {
    chrome: Chrome,
    month: NaiveDate,
    weeks: Vec<Vec<CalendarDay>>,
    prev: String,
    next: String,
}

#[derive(Deserialize)]
pub struct MonthQuery {
    month: Option<String>,
}

pub async fn calendar(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    query: web::Query<MonthQuery>,
) -> AppResult<HttpResponse> {
    let scope = audit_scope(&user)?;
    let today = now().date();
    let month = match query.month.as_deref().filter(|m| !m.is_empty()) {
        Some(m) => NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
            .map_err(|_| AppError::BadInput(format!("month {m:?} is not YYYY-MM")))?,
        None => today.with_day(1).unwrap_or(today),
    };
    let next_month = month
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(month);
    let last_day = next_month.pred_opt().unwrap_or(month);
    let planned = state
        .db(move |conn| Ok(audit::planned_between(conn, month, last_day, scope)?))
        .await?;
    let mut weeks = Vec::new();
    let mut week: Vec<CalendarDay> = vec![None; month.weekday().num_days_from_monday() as usize];
    for day in 1..=last_day.day() {
        let date = month.with_day(day).unwrap_or(month);
        let todays = planned
            .iter()
            .filter(|(a, _)| a.planned_on == Some(date))
            .cloned()
            .collect();
        week.push(Some((day, todays)));
        if week.len() == 7 {
            weeks.push(std::mem::take(&mut week));
        }
    }
    if !week.is_empty() {
        week.resize(7, None);
        weeks.push(week);
    }
    let prev_month = month
        .checked_sub_months(chrono::Months::new(1))
        .unwrap_or(month);
    CalendarPage {
        chrome: Chrome::new(&req, Some(&user), "audits"),
        month,
        weeks,
        prev: prev_month.format("%Y-%m").to_string(),
        next: next_month.format("%Y-%m").to_string(),
    }
    .page()
}

#[derive(Template)]
#[template(path = "audits/plan.html")]
struct PlanPage {
    chrome: Chrome,
    year: i32,
    capacity: usize,
    picks: Vec<(Supplier, plan::Pick)>,
    in_scope: usize,
    auditors: Vec<(i32, String, String)>,
    problems: FieldErrors,
    /// Why nothing can be proposed (e.g. no assessments for the year).
    notice: Option<String>,
}

impl PlanPage {
    fn reasons(&self, pick: &plan::Pick) -> String {
        decode_reasons(self.chrome.lang, &encode_reasons(&pick.reasons))
    }

    fn problem(&self, field: &str) -> Option<&'static str> {
        self.chrome.problem(&self.problems, field)
    }
}

#[derive(Deserialize)]
pub struct PlanQuery {
    year: Option<String>,
    capacity: Option<String>,
}

pub async fn plan_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    query: web::Query<PlanQuery>,
) -> AppResult<HttpResponse> {
    let chrome = Chrome::new(&req, Some(&user), "audits");
    let (year, capacity) = match plan_params(
        query.year.as_deref(),
        query.capacity.as_deref(),
        now().date(),
    ) {
        Ok(p) => p,
        Err(problems) => {
            let page = PlanPage {
                chrome,
                year: now().date().year(),
                capacity: 320,
                picks: Vec::new(),
                in_scope: 0,
                auditors: Vec::new(),
                problems,
                notice: None,
            };
            return Ok(HttpResponse::UnprocessableEntity()
                .content_type("text/html; charset=utf-8")
                .body(page.render_html()?));
        }
    };
    let proposal = state
        .db(move |conn| Ok((propose(conn, year, capacity), audit::auditors(conn)?)))
        .await?;
    let (picks, in_scope, notice) = match proposal.0 {
        Ok((picks, in_scope)) => (picks, in_scope, None),
        Err(AppError::BadInput(message)) => (Vec::new(), 0, Some(message)),
        Err(e) => return Err(e),
    };
    PlanPage {
        chrome,
        year,
        capacity,
        picks,
        in_scope,
        auditors: proposal.1,
        problems: FieldErrors::new(),
        notice,
    }
    .page()
}

/// The confirmed plan: the checked suppliers (and any added by code).
pub async fn plan_confirm(
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    form: CsrfForm<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let fields = form.0;
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
            .to_owned()
    };
    let (year, _) =
        plan_params(Some(&get("year")), Some("1"), now().date()).map_err(AppError::Validation)?;
    // Ticked proposals keep the plan's reasons; codes typed in were added by hand.
    let ticked: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k == "supplier")
        .map(|(_, v)| v.clone())
        .collect();
    let added: Vec<String> = get("add")
        .split([',', ' ', '\n'])
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty() && !ticked.contains(c))
        .collect();
    let chosen: Vec<String> = ticked.iter().chain(&added).cloned().collect();
    if chosen.is_empty() {
        return Err(AppError::BadInput(
            "the plan has no supplier: tick at least one".into(),
        ));
    }
    let (firm, auditor_email) = (get("firm"), get("auditor_email"));
    let actor = user.actor();
    let created = state
        .transaction(move |conn| {
            let (proposal, _) = propose(conn, year, usize::MAX)?;
            let reasons: std::collections::HashMap<String, String> = proposal
                .iter()
                .filter(|(s, _)| !added.contains(&s.code))
                .map(|(s, pick)| (s.code.clone(), encode_reasons(&pick.reasons)))
                .collect();
            let auditor = audit::auditor_by_email(conn, &auditor_email)?.map_err(|key| {
                AppError::Validation(FieldErrors::from([(
                    "auditor_email".to_owned(),
                    key.to_owned(),
                )]))
            })?;
            let found = crate::models::supplier::by_codes(conn, &chosen)?;
            if let Some(unknown) = chosen.iter().find(|c| !found.contains_key(*c)) {
                return Err(AppError::BadInput(format!(
                    "no supplier has the code {unknown}"
                )));
            }
            let mut seen = std::collections::HashSet::new();
            let ordered: Vec<(Supplier, String)> = chosen
                .iter()
                .filter(|c| seen.insert((*c).clone()))
                .map(|c| {
                    let reason = reasons
                        .get(c)
                        .cloned()
                        .unwrap_or_else(|| "plan.reason.added=".to_owned());
                    (found[c].clone(), reason)
                })
                .collect();
            confirm_plan(conn, &actor, year, &ordered, &firm, auditor)
        })
        .await?;
    Ok(redirect(&format!(
        "/audits?year={year}&status=planned&created={created}"
    )))
}
