//! Training pages (DESIGN §2.9): sessions with their attendance per
//! supplier, the year's totals (suppliers reached, people), export in the
//! §5 `training` shape.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::chrome::Chrome;
use super::downloads::{ExportFormat, TableFile};
use super::pagination::{ListQuery, Pager};
use super::session::redirect;
use super::{AppState, RenderHtml};
use crate::auth::csrf::CsrfOnly;
use crate::auth::identity::Identity;
use crate::auth::{Authorized, CsrfForm, Readers, Staff};
use crate::domain::esg::{TrainingFigures, TRAINING_FORMATS};
use crate::domain::role::Role;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::export;
use crate::models::supplier::{Supplier, SupplierBrief};
use crate::models::training::{
    self, Attendance, Session, SessionFilter, SessionInput, SessionSummary,
};
use crate::models::{loose_text, now, Paged};

fn format_label(chrome: &Chrome, format: &str) -> &'static str {
    if format.is_empty() {
        "—"
    } else {
        chrome.t(&format!("training.format.{format}"))
    }
}

#[derive(Deserialize, Default)]
pub struct ListParams {
    #[serde(flatten)]
    pub filter: SessionFilter,
    #[serde(flatten)]
    pub list: ListQuery,
}

impl ListParams {
    fn query_string(&self) -> String {
        let f = &self.filter;
        let pairs: Vec<(&str, &str)> = [("q", &f.q), ("year", &f.year), ("supplier", &f.supplier)]
            .into_iter()
            .filter_map(|(k, v)| {
                v.as_deref()
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(|v| (k, v))
            })
            .collect();
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
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
#[template(path = "trainings/list.html")]
struct ListPage {
    chrome: Chrome,
    params: ListParams,
    sessions: Paged<SessionSummary>,
    yearly: Vec<(i32, TrainingFigures)>,
    can_edit: bool,
}

impl ListPage {
    fn pager(&self) -> Pager {
        let base = format!("/esg/trainings?{}", self.params.query_string());
        Pager::for_links(&self.params.list, self.sessions.total, |page| {
            format!("{base}&page={page}")
        })
    }

    fn export_link(&self, format: &str) -> String {
        format!(
            "/esg/trainings/export.{format}?{}",
            self.params.query_string()
        )
    }

    fn format_label(&self, format: &str) -> &'static str {
        format_label(&self.chrome, format)
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
    let (sessions, yearly) = state
        .db(move |conn| {
            Ok((
                filter.page(conn, page, per_page)?,
                training::yearly_figures(conn)?,
            ))
        })
        .await?;
    ListPage {
        chrome: Chrome::new(&req, Some(&user), "esg"),
        params,
        sessions,
        yearly,
        can_edit: user.role() != Role::Viewer,
    }
    .page()
}

/// The §5 `training` columns (plus format and provider): one row per
/// attending supplier, so an export can be imported back.
pub const EXPORT_COLUMNS: &[&str] = &[
    "session_ref",
    "held_on",
    "topic",
    "supplier_code",
    "people",
    "format",
    "provider",
];

pub async fn export(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Readers>,
    format: web::Path<String>,
    params: web::Query<ListParams>,
) -> AppResult<HttpResponse> {
    let params = params.into_inner().checked()?;
    let format = ExportFormat::parse(&format.into_inner())?;
    let filter = params.filter;
    let rows = state
        .db(move |conn| Ok(filter.attendance_rows(conn)?))
        .await?;
    let text = |s: &str| export::Cell::Text(s.to_owned());
    let table = rows
        .iter()
        .map(|(s, code, people)| {
            vec![
                text(&s.session_ref),
                export::Cell::Date(s.held_on),
                text(&s.topic),
                text(code),
                export::Cell::Number(f64::from(*people)),
                text(&s.format),
                text(&s.provider),
            ]
        })
        .collect();
    let chrome = Chrome::new(&req, Some(&user), "esg");
    TableFile {
        format,
        file_stem: "trainings",
        sheet: chrome.t("esg.tab.trainings"),
        headers: EXPORT_COLUMNS,
        rows: table,
    }
    .response()
}

#[derive(Template)]
#[template(path = "trainings/form.html")]
struct FormPage {
    chrome: Chrome,
    input: SessionInput,
    problems: FieldErrors,
    editing: Option<Session>,
}

impl FormPage {
    fn problem(&self, field: &str) -> Option<&'static str> {
        self.chrome.problem(&self.problems, field)
    }

    fn formats(&self) -> Vec<(&'static str, &'static str)> {
        TRAINING_FORMATS
            .iter()
            .map(|f| (*f, format_label(&self.chrome, f)))
            .collect()
    }

    fn action(&self) -> String {
        match &self.editing {
            Some(s) => format!("/esg/trainings/{}", s.session_ref),
            None => "/esg/trainings".into(),
        }
    }
}

fn invalid_form(page: FormPage) -> AppResult<HttpResponse> {
    Ok(HttpResponse::UnprocessableEntity()
        .content_type("text/html; charset=utf-8")
        .body(page.render_html()?))
}

pub async fn new_form(req: HttpRequest, user: Authorized<Staff>) -> AppResult<HttpResponse> {
    FormPage {
        chrome: Chrome::new(&req, Some(&user), "esg"),
        input: SessionInput::default(),
        problems: FieldErrors::new(),
        editing: None,
    }
    .page()
}

pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    form: CsrfForm<SessionInput>,
) -> AppResult<HttpResponse> {
    let input = form.0;
    let actor = user.actor();
    let sent = input.clone();
    let outcome = state
        .transaction(move |conn| {
            let fields = match sent.check(now().date()) {
                Ok(fields) => fields,
                Err(problems) => return Ok(Err(problems)),
            };
            if Session::by_ref(conn, &fields.session_ref)?.is_some() {
                return Ok(Err(FieldErrors::from([(
                    "session_ref".to_owned(),
                    "training.ref_taken".to_owned(),
                )])));
            }
            Ok(Ok(training::insert(conn, &actor, &fields, "create")?))
        })
        .await?;
    match outcome {
        Ok(session) => Ok(redirect(&format!("/esg/trainings/{}", session.session_ref))),
        Err(problems) => invalid_form(FormPage {
            chrome: Chrome::new(&req, Some(&user), "esg"),
            input,
            problems,
            editing: None,
        }),
    }
}

async fn find_session(state: &AppState, session_ref: String) -> AppResult<Session> {
    state
        .db(move |conn| Ok(Session::by_ref(conn, &session_ref)?))
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn edit_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    session_ref: web::Path<String>,
) -> AppResult<HttpResponse> {
    let session = find_session(&state, session_ref.into_inner()).await?;
    FormPage {
        chrome: Chrome::new(&req, Some(&user), "esg"),
        input: SessionInput::from_session(&session),
        problems: FieldErrors::new(),
        editing: Some(session),
    }
    .page()
}

#[derive(Deserialize)]
pub struct EditForm {
    #[serde(default)]
    version: String,
    #[serde(flatten)]
    input: SessionInput,
}

pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    session_ref: web::Path<String>,
    form: CsrfForm<EditForm>,
) -> AppResult<HttpResponse> {
    let form = form.0;
    let before = find_session(&state, session_ref.into_inner()).await?;
    let version: i32 = form.version.trim().parse().map_err(|_| {
        AppError::BadInput("the form lacks the record version; reload the page".into())
    })?;
    let mut input = form.input;
    input.session_ref = before.session_ref.clone();
    let actor = user.actor();
    let (sent, target) = (input.clone(), before.clone());
    let outcome = state
        .transaction(move |conn| match sent.check(now().date()) {
            Ok(fields) => Ok(Ok(training::update(
                conn, &actor, &target, version, &fields, "update",
            )?)),
            Err(problems) => Ok(Err(problems)),
        })
        .await?;
    match outcome {
        Ok(saved) => Ok(redirect(&format!("/esg/trainings/{}", saved.session_ref))),
        Err(problems) => invalid_form(FormPage {
            chrome: Chrome::new(&req, Some(&user), "esg"),
            input,
            problems,
            editing: Some(before),
        }),
    }
}

#[derive(Template)]
#[template(path = "trainings/detail.html")]
struct DetailPage {
    chrome: Chrome,
    session: Session,
    attendance: Vec<(SupplierBrief, i32)>,
    can_edit: bool,
    form: AttendanceForm,
    problems: FieldErrors,
}

impl DetailPage {
    fn problem(&self, field: &str) -> Option<&'static str> {
        self.chrome.problem(&self.problems, field)
    }

    fn people(&self) -> i64 {
        self.attendance.iter().map(|(_, n)| i64::from(*n)).sum()
    }

    fn format_label(&self) -> &'static str {
        format_label(&self.chrome, &self.session.format)
    }
}

async fn detail_page(
    req: &HttpRequest,
    state: &AppState,
    identity: &Identity,
    session_ref: String,
    form: AttendanceForm,
    problems: FieldErrors,
) -> AppResult<DetailPage> {
    let (session, attendance) = state
        .db(move |conn| {
            let session = Session::by_ref(conn, &session_ref)?.ok_or(AppError::NotFound)?;
            let attendance = training::attendance(conn, session.id)?;
            Ok((session, attendance))
        })
        .await?;
    Ok(DetailPage {
        chrome: Chrome::new(req, Some(identity), "esg"),
        session,
        attendance,
        can_edit: matches!(identity.role(), Role::Admin | Role::Procurement),
        form,
        problems,
    })
}

pub async fn detail(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Readers>,
    session_ref: web::Path<String>,
) -> AppResult<HttpResponse> {
    detail_page(
        &req,
        &state,
        &user,
        session_ref.into_inner(),
        AttendanceForm::default(),
        FieldErrors::new(),
    )
    .await?
    .page()
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AttendanceForm {
    #[serde(default, deserialize_with = "loose_text")]
    pub supplier_code: String,
    #[serde(default, deserialize_with = "loose_text")]
    pub people: String,
}

/// Records a supplier's attendance at a session (replacing an earlier
/// count); `session` may be new (API, §5 fields). Shared by the page and
/// the API. `Err` holds field problems; nothing was written then.
pub async fn record_attendance(
    state: &AppState,
    identity: &Identity,
    session: SessionInput,
    form: AttendanceForm,
    create_session: bool,
) -> AppResult<Result<(Session, Supplier, Attendance), FieldErrors>> {
    let actor = identity.actor();
    state
        .transaction(move |conn| {
            let mut problems = FieldErrors::new();
            let fields = session
                .check(now().date())
                .map_err(|p| problems.extend(p))
                .ok();
            let people = training::people(&form.people)
                .map_err(|k| problems.insert("people".into(), k.into()))
                .ok();
            let supplier = Supplier::by_code(conn, form.supplier_code.trim())?;
            if supplier.is_none() {
                let key = if form.supplier_code.trim().is_empty() {
                    "field.required"
                } else {
                    "field.unknown_supplier"
                };
                problems.insert("supplier_code".into(), key.into());
            }
            let (Some(fields), Some(people), Some(supplier)) = (fields, people, supplier) else {
                return Ok(Err(problems));
            };
            let existing = Session::by_ref(conn, &fields.session_ref)?;
            let target = match existing {
                Some(s) => {
                    // The API names the session by its §5 fields: they must
                    // agree with the session already recorded.
                    for (field, differs) in [
                        ("held_on", s.held_on != fields.held_on),
                        ("topic", s.topic != fields.topic),
                    ] {
                        if differs && create_session {
                            problems.insert(field.into(), "training.session_mismatch".into());
                        }
                    }
                    if !problems.is_empty() {
                        return Ok(Err(problems));
                    }
                    s
                }
                None if create_session => training::insert(conn, &actor, &fields, "create")?,
                None => return Err(AppError::NotFound),
            };
            let outcome =
                training::set_attendance(conn, &actor, &target, &supplier, people, "attendance")?;
            Ok(Ok((target, supplier, outcome)))
        })
        .await
}

pub async fn add_attendance(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    session_ref: web::Path<String>,
    form: CsrfForm<AttendanceForm>,
) -> AppResult<HttpResponse> {
    let form = form.0;
    let session = find_session(&state, session_ref.into_inner()).await?;
    let input = SessionInput::from_session(&session);
    match record_attendance(&state, &user, input, form.clone(), false).await? {
        Ok((session, ..)) => Ok(redirect(&format!(
            "/esg/trainings/{}#attendance",
            session.session_ref
        ))),
        Err(problems) => {
            let page =
                detail_page(&req, &state, &user, session.session_ref, form, problems).await?;
            Ok(HttpResponse::UnprocessableEntity()
                .content_type("text/html; charset=utf-8")
                .body(page.render_html()?))
        }
    }
}

pub async fn remove_attendance(
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    path: web::Path<(String, String)>,
    _form: CsrfForm<CsrfOnly>,
) -> AppResult<HttpResponse> {
    let (session_ref, code) = path.into_inner();
    let actor = user.actor();
    let target = session_ref.clone();
    state
        .transaction(move |conn| {
            let session = Session::by_ref(conn, &target)?.ok_or(AppError::NotFound)?;
            let supplier = training::attendance(conn, session.id)?
                .into_iter()
                .find(|(s, _)| s.code == code)
                .map(|(s, _)| s)
                .ok_or(AppError::NotFound)?;
            training::remove_attendance(conn, &actor, &session, &supplier)
        })
        .await?;
    Ok(redirect(&format!(
        "/esg/trainings/{session_ref}#attendance"
    )))
}
