//! Corrective actions: the lists that run the week (overdue, due soon, no
//! progress), one action with its flow, and findings on the audit page.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::cache::ActionList;
use super::chrome::Chrome;
use super::downloads::{ExportFormat, TableFile};
use super::pagination::{filter_query, refuse_unknown, ListQuery, Pager};
use super::session::redirect;
use super::{upload, AppState, RenderHtml};
use crate::auth::identity::Identity;
use crate::auth::{AnyRole, Authorized, CsrfForm, Staff};
use crate::domain::audit::AuditStatus;
use crate::domain::corrective::{ActionStatus, Step};
use crate::domain::role::Role;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::export;
use crate::i18n::Lang;
use crate::models::audit_log::{self, AuditEntry};
use crate::models::finding::{
    self, ActionFilter, ActionRow, ActionScope, FindingInput, ProgressEntry, StepInput,
};
use crate::models::{attachment, now, Paged};

/// Which actions a user may see (DESIGN §1).
pub fn action_scope(identity: &Identity) -> AppResult<ActionScope> {
    match identity.role() {
        Role::Admin | Role::Procurement | Role::Viewer => Ok(ActionScope::All),
        Role::Auditor => Ok(ActionScope::Auditor(identity.user.id)),
        Role::Supplier => identity
            .user
            .supplier_id
            .map(ActionScope::Supplier)
            .ok_or(AppError::Forbidden),
    }
}

/// One action the user may see; anything else is a 404.
pub async fn visible_action(
    state: &AppState,
    identity: &Identity,
    id: i32,
) -> AppResult<ActionRow> {
    let scope = action_scope(identity).map_err(|_| AppError::NotFound)?;
    let row = state
        .db(move |conn| Ok(finding::row_of(conn, id)?))
        .await?
        .ok_or(AppError::NotFound)?;
    let allowed = match scope {
        ActionScope::All => true,
        ActionScope::Supplier(s) => row.action.supplier_id == s,
        ActionScope::Auditor(user) => {
            let audit_ref = row.audit_ref.clone();
            state
                .db(move |conn| Ok(crate::models::audit::Audit::by_ref(conn, &audit_ref)?))
                .await?
                .is_some_and(|a| a.auditor_id == Some(user))
        }
    };
    if allowed {
        Ok(row)
    } else {
        Err(AppError::NotFound)
    }
}

pub fn severity_badge(severity: &str) -> &'static str {
    match severity {
        "priority" => "bad",
        "major" => "warn",
        "minor" => "info",
        _ => "muted",
    }
}

pub fn status_badge(status: &str, overdue: bool) -> &'static str {
    match (status, overdue) {
        (_, true) => "bad",
        ("closed", _) => "ok",
        ("pending_verification", _) => "info",
        ("open", _) => "warn",
        _ => "muted",
    }
}

#[derive(Deserialize, Default)]
pub struct ListParams {
    #[serde(flatten)]
    pub filter: ActionFilter,
    #[serde(flatten)]
    pub list: ListQuery,
}

impl ListParams {
    fn query_string(&self) -> String {
        let f = &self.filter;
        let pairs = [
            ("q", &f.q),
            ("status", &f.status),
            ("overdue", &f.overdue),
            ("due_within", &f.due_within),
            ("stale_days", &f.stale_days),
            ("business_unit", &f.business_unit),
            ("buyer", &f.buyer),
            ("supplier", &f.supplier),
            ("severity", &f.severity),
            ("audit", &f.audit),
        ];
        filter_query(&pairs)
    }

    fn checked(self) -> AppResult<Self> {
        refuse_unknown(&self.filter.problems())?;
        Ok(self)
    }
}

#[derive(Template)]
#[template(path = "actions/list.html")]
struct ListPage {
    chrome: Chrome,
    params: ListParams,
    actions: ActionList,
    today: chrono::NaiveDate,
}

#[derive(Template)]
#[template(path = "actions/rows.html")]
struct ListRows<'a> {
    lang: Lang,
    actions: &'a Paged<ActionRow>,
    today: chrono::NaiveDate,
}

impl ListRows<'_> {
    fn overdue(&self, row: &ActionRow) -> bool {
        row.action.is_overdue(self.today)
    }
}

impl ListPage {
    fn rows(&self) -> askama::Result<&str> {
        self.actions.html(self.chrome.lang, |actions| {
            ListRows {
                lang: self.chrome.lang,
                actions,
                today: self.today,
            }
            .render()
        })
    }

    fn pager(&self) -> Pager {
        let base = format!("/corrective-actions?{}", self.params.query_string());
        Pager::for_links(&self.params.list, self.actions.total, |page| {
            format!("{base}&page={page}")
        })
    }

    fn export_link(&self, format: &str) -> String {
        format!(
            "/corrective-actions/export.{format}?{}",
            self.params.query_string()
        )
    }

    fn tab(&self) -> &'static str {
        let f = &self.params.filter;
        if f.overdue.as_deref() == Some("true") {
            "overdue"
        } else if f.due_within.is_some() {
            "due_soon"
        } else if f.stale_days.is_some() {
            "stale"
        } else {
            "all"
        }
    }

    fn selected(&self, value: &Option<String>, option: &str) -> bool {
        value.as_deref() == Some(option)
    }
}

pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    params: web::Query<ListParams>,
) -> AppResult<HttpResponse> {
    let scope = action_scope(&user)?;
    let params = params.into_inner().checked()?;
    let today = now().date();
    let (filter, page, per_page) = (
        params.filter.clone(),
        params.list.page(),
        params.list.per_page(),
    );
    let actions = state
        .kept(&req, move |caches, source| {
            caches.action_list(source, &filter, scope, (page, per_page), today)
        })
        .await?;
    ListPage {
        chrome: Chrome::new(&req, Some(&user), "actions"),
        params,
        actions,
        today,
    }
    .page()
}

pub const EXPORT_COLUMNS: &[&str] = &[
    "id",
    "finding_ref",
    "audit_ref",
    "supplier_code",
    "business_unit",
    "buyer_email",
    "clause",
    "severity",
    "red_line",
    "found_on",
    "due_on",
    "status",
    "overdue",
    "percent_done",
    "last_progress_on",
    "closed_on",
];

pub async fn export(
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    format: web::Path<String>,
    params: web::Query<ListParams>,
) -> AppResult<HttpResponse> {
    let scope = action_scope(&user)?;
    let params = params.into_inner().checked()?;
    let format = ExportFormat::parse(&format.into_inner())?;
    let today = now().date();
    let filter = params.filter;
    let rows = state
        .db(move |conn| Ok(filter.all(conn, scope, today)?))
        .await?;
    let text = |s: &str| export::Cell::Text(s.to_owned());
    let date =
        |d: Option<chrono::NaiveDate>| d.map(export::Cell::Date).unwrap_or(export::Cell::Empty);
    let table: Vec<Vec<export::Cell>> = rows
        .iter()
        .map(|r| {
            let a = &r.action;
            vec![
                export::Cell::Number(f64::from(a.id)),
                text(&r.finding_ref),
                text(&r.audit_ref),
                text(&r.supplier_code),
                text(&r.business_unit),
                text(&r.buyer_email),
                text(&r.clause),
                text(&r.severity),
                text(r.red_line.as_deref().unwrap_or("")),
                date(Some(r.found_on)),
                date(Some(a.due_on)),
                text(&a.status),
                text(if a.is_overdue(today) { "true" } else { "false" }),
                export::Cell::Number(f64::from(a.percent_done)),
                date(a.last_progress_on),
                date(a.closed_on),
            ]
        })
        .collect();
    TableFile {
        format,
        file_stem: "corrective-actions",
        sheet: "corrective_actions",
        headers: EXPORT_COLUMNS,
        rows: table,
    }
    .response()
}

#[derive(Template)]
#[template(path = "actions/detail.html")]
struct DetailPage {
    chrome: Chrome,
    row: ActionRow,
    progress: Vec<ProgressEntry>,
    history: Vec<AuditEntry>,
    today: chrono::NaiveDate,
    /// Supplier contact or programme staff: plan, progress, ask for verification.
    can_work: bool,
    /// Programme staff or the audit's auditor: verify or send back.
    can_verify: bool,
    can_extend: bool,
    problems: FieldErrors,
    fields: std::collections::HashMap<String, String>,
}

impl DetailPage {
    fn status(&self) -> ActionStatus {
        self.row.action.status()
    }

    fn allows(&self, step: &str) -> bool {
        let step = match step {
            "plan" => Step::SubmitPlan,
            "progress" => Step::Progress,
            "request_verification" => Step::RequestVerification,
            "verify" => Step::Verify,
            _ => Step::Reject,
        };
        let permitted = match step {
            Step::Verify | Step::Reject => self.can_verify,
            _ => self.can_work,
        };
        permitted && step.apply(self.status()).is_some()
    }

    fn overdue(&self) -> bool {
        self.row.action.is_overdue(self.today)
    }

    fn problem(&self, field: &str) -> Option<&'static str> {
        self.chrome.problem(&self.problems, field)
    }

    fn value<'a>(&'a self, field: &str, default: &'a str) -> &'a str {
        self.fields.get(field).map_or(default, String::as_str)
    }

    fn status_label(&self) -> &'static str {
        self.chrome
            .t(&format!("action.status.{}", self.row.action.status))
    }

    fn severity_label(&self) -> &'static str {
        self.chrome.t(&format!("severity.{}", self.row.severity))
    }

    fn event(&self, entry: &AuditEntry) -> String {
        let label = self.chrome.t(&format!("action.event.{}", entry.action));
        match entry.action.as_str() {
            "extend" => {
                let after: serde_json::Value = entry
                    .after_json
                    .as_deref()
                    .and_then(|j| serde_json::from_str(j).ok())
                    .unwrap_or_default();
                format!(
                    "{label}: {} — {}",
                    after["due_on"].as_str().unwrap_or(""),
                    after["reason"].as_str().unwrap_or("")
                )
            }
            _ => label.to_owned(),
        }
    }
}

async fn render_detail(
    req: &HttpRequest,
    state: &AppState,
    identity: &Identity,
    row: ActionRow,
    problems: FieldErrors,
    fields: std::collections::HashMap<String, String>,
) -> AppResult<HttpResponse> {
    let staff = matches!(identity.role(), Role::Admin | Role::Procurement);
    let own_supplier = identity.role() == Role::Supplier
        && identity.user.supplier_id == Some(row.action.supplier_id);
    let auditor = identity.role() == Role::Auditor;
    let status = if problems.is_empty() {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let id = row.action.id;
    let (progress, history) = state
        .db(move |conn| {
            Ok((
                finding::progress_of(conn, id)?,
                audit_log::for_entity(conn, "corrective_action", &id.to_string(), 100)?,
            ))
        })
        .await?;
    let page = DetailPage {
        chrome: Chrome::new(req, Some(identity), "actions"),
        row,
        progress,
        history,
        today: now().date(),
        can_work: staff || own_supplier,
        // An auditor reaches this page only for their own audits.
        can_verify: staff || auditor,
        can_extend: staff,
        problems,
        fields,
    };
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(page.render_html()?))
}

pub async fn detail(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    id: web::Path<i32>,
) -> AppResult<HttpResponse> {
    let row = visible_action(&state, &user, id.into_inner()).await?;
    render_detail(
        &req,
        &state,
        &user,
        row,
        FieldErrors::new(),
        Default::default(),
    )
    .await
}

/// The steps of the flow, each a multipart form (progress and verification
/// may carry a file).
pub async fn step(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    path: web::Path<(i32, String)>,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let (id, step_name) = path.into_inner();
    let row = visible_action(&state, &user, id).await?;
    let step = match step_name.as_str() {
        "plan" => Step::SubmitPlan,
        "progress" => Step::Progress,
        "request_verification" => Step::RequestVerification,
        "verify" => Step::Verify,
        "reject" => Step::Reject,
        _ => return Err(AppError::NotFound),
    };
    let staff = matches!(user.role(), Role::Admin | Role::Procurement);
    let permitted = match step {
        Step::Verify | Step::Reject => staff || user.role() == Role::Auditor,
        _ => staff || user.role() == Role::Supplier,
    };
    if !permitted {
        return Err(AppError::Forbidden);
    }
    let submitted = upload::read(&req, &state, payload, upload::EVIDENCE_KINDS).await?;
    let version: i32 = submitted.field("version").parse().map_err(|_| {
        AppError::BadInput("the form lacks the record version; reload the page".into())
    })?;
    let input = StepInput {
        root_cause: submitted.field("root_cause").into(),
        planned_actions: submitted.field("planned_actions").into(),
        owner: submitted.field("owner").into(),
        entry_on: submitted.field("entry_on").into(),
        percent: submitted.field("percent").into(),
        note: submitted.field("note").into(),
    };
    let file = submitted.files.get("file").cloned();
    let actor = user.actor();
    let user_id = user.user.id;
    let before = row.action.clone();
    let outcome = state
        .transaction(move |conn| {
            let attachment = match &file {
                Some(f) => Some(attachment::store(
                    conn,
                    "corrective_action",
                    before.id,
                    f,
                    Some(user_id),
                )?),
                None => None,
            };
            finding::take_step(
                conn,
                &actor,
                &before,
                version,
                (step, &input, attachment),
                now().date(),
            )?
            .map_err(AppError::Validation)
        })
        .await;
    match outcome {
        Ok(_) => Ok(redirect(&format!("/corrective-actions/{id}"))),
        Err(AppError::Validation(problems)) => {
            render_detail(&req, &state, &user, row, problems, submitted.fields).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct ExtendForm {
    version: i32,
    due_on: String,
    reason: String,
}

pub async fn extend(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    id: web::Path<i32>,
    form: CsrfForm<ExtendForm>,
) -> AppResult<HttpResponse> {
    let form = form.0;
    let row = visible_action(&state, &user, id.into_inner()).await?;
    let actor = user.actor();
    let before = row.action.clone();
    let (due_on, reason) = (form.due_on.clone(), form.reason.clone());
    let outcome = state
        .transaction(move |conn| {
            finding::extend(
                conn,
                &actor,
                &before,
                form.version,
                &due_on,
                &reason,
                now().date(),
            )
        })
        .await?;
    match outcome {
        Ok(saved) => Ok(redirect(&format!("/corrective-actions/{}", saved.id))),
        Err(problems) => {
            let fields = [
                ("due_on".to_owned(), form.due_on),
                ("reason".to_owned(), form.reason),
            ]
            .into();
            render_detail(&req, &state, &user, row, problems, fields).await
        }
    }
}

/// Adds one finding to an audit (the audit page's quick form). The
/// assigned auditor may add until the report is submitted; after that the
/// findings are locked and only programme staff change them (logged).
pub async fn add_finding(
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    audit_ref: web::Path<String>,
    form: CsrfForm<FindingInput>,
) -> AppResult<HttpResponse> {
    let audit = super::audits::visible_audit(&state, &user, audit_ref.into_inner()).await?;
    let staff = matches!(user.role(), Role::Admin | Role::Procurement);
    let assigned = user.role() == Role::Auditor && audit.auditor_id == Some(user.user.id);
    if !(staff || (assigned && audit.status() < AuditStatus::Reported)) {
        return Err(AppError::Forbidden);
    }
    let mut input = form.0;
    input.audit_ref = audit.audit_ref.clone();
    let actor = user.actor();
    let target = audit.clone();
    let (clause, found_on) = (input.clause.clone(), input.found_on.clone());
    state
        .transaction(move |conn| {
            if input.finding_ref.trim().is_empty() {
                input.finding_ref = finding::next_ref(conn, &target)?;
            }
            let clauses: Vec<String> = finding::clauses(conn)?
                .into_iter()
                .map(|c| c.code)
                .collect();
            let fields = input
                .check(conn, &clauses, now().date())?
                .map_err(AppError::Validation)?;
            if finding::by_ref(conn, &fields.finding_ref)?.is_some() {
                return Err(AppError::Validation(FieldErrors::from([(
                    "finding_ref".to_owned(),
                    "finding.ref_taken".to_owned(),
                )])));
            }
            finding::insert(conn, &actor, &fields, "finding")?;
            Ok(())
        })
        .await?;
    // Back to the form, keeping the clause and date for the next finding.
    let query = serde_urlencoded::to_string([("clause", clause), ("found_on", found_on)])
        .unwrap_or_default();
    Ok(redirect(&format!(
        "/audits/{}?{query}#add-finding",
        audit.audit_ref
    )))
}
