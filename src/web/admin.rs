//! Administration: user accounts and settings.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::chrome::Chrome;
use super::pagination::{ListQuery, Pager};
use super::{AppState, RenderHtml};
use crate::auth::csrf::CsrfOnly;
use crate::auth::{AdminOnly, Authorized, CsrfForm};
use crate::domain::role::Role;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::audit_log::{self, AuditEntry};
use crate::models::session::Session;
use crate::models::user::{create_user, User, UserInput};
use crate::models::{setting, Paged};

pub const UPLOAD_LIMIT_KEY: &str = "upload_limit_mb";
pub const UPLOAD_LIMIT_DEFAULT_MB: i64 = 20;

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    chrome: Chrome,
    query: ListQuery,
    users: Paged<User>,
}

impl UsersPage {
    fn pager(&self) -> Pager {
        Pager::new(&self.query, "/admin/users", self.users.total)
    }
}

pub async fn users(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: Authorized<AdminOnly>,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let (q, page, per_page) = (
        query.search().map(str::to_owned),
        query.page(),
        query.per_page(),
    );
    let users = state
        .db(move |conn| Ok(User::search(conn, q.as_deref(), page, per_page)?))
        .await?;
    UsersPage {
        chrome: Chrome::new(&req, Some(&admin), "users"),
        query,
        users,
    }
    .page()
}

#[derive(Template)]
#[template(path = "admin/user_new.html")]
struct NewUserPage {
    chrome: Chrome,
    input: UserInput,
    problems: FieldErrors,
}

impl NewUserPage {
    fn problem(&self, field: &str) -> Option<&'static str> {
        self.chrome.problem(&self.problems, field)
    }

    fn roles(&self) -> Vec<(&'static str, &'static str)> {
        Role::ALL
            .iter()
            .map(|r| (r.as_str(), self.chrome.t(&format!("role.{}", r.as_str()))))
            .collect()
    }
}

pub async fn new_user(req: HttpRequest, admin: Authorized<AdminOnly>) -> AppResult<HttpResponse> {
    let chrome = Chrome::new(&req, Some(&admin), "users");
    let input = UserInput {
        role: Role::Procurement.as_str().into(),
        language: chrome.lang.code().into(),
        ..UserInput::default()
    };
    NewUserPage {
        chrome,
        input,
        problems: FieldErrors::new(),
    }
    .page()
}

pub async fn create_user_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: Authorized<AdminOnly>,
    form: CsrfForm<UserInput>,
) -> AppResult<HttpResponse> {
    let input = form.0;
    let actor = admin.actor();
    let outcome = {
        let input = input.clone();
        state
            .db(move |conn| create_user(conn, &actor, &input))
            .await?
    };
    match outcome {
        Ok(created) => {
            let id = created.user.id;
            render_user(
                &req,
                &state,
                &admin,
                id,
                created.generated_password,
                "users.created_password_is",
            )
            .await
        }
        Err(problems) => {
            let page = NewUserPage {
                chrome: Chrome::new(&req, Some(&admin), "users"),
                input,
                problems,
            };
            Ok(HttpResponse::UnprocessableEntity()
                .content_type("text/html; charset=utf-8")
                .body(page.render_html()?))
        }
    }
}

#[derive(Template)]
#[template(path = "admin/user_detail.html")]
struct UserPage {
    chrome: Chrome,
    shown: User,
    history: Vec<AuditEntry>,
    one_time_password: Option<String>,
    password_label: &'static str,
}

impl UserPage {
    fn role_label(&self) -> &'static str {
        self.chrome.t(&format!("role.{}", self.shown.role))
    }
}

async fn render_user(
    req: &HttpRequest,
    state: &AppState,
    admin: &Authorized<AdminOnly>,
    id: i32,
    one_time_password: Option<String>,
    password_label: &'static str,
) -> AppResult<HttpResponse> {
    let (shown, history) = state
        .db(move |conn| {
            let user = User::find(conn, id)?.ok_or(AppError::NotFound)?;
            let history = audit_log::for_entity(conn, "user", &id.to_string(), 50)?;
            Ok((user, history))
        })
        .await?;
    UserPage {
        chrome: Chrome::new(req, Some(admin), "users"),
        shown,
        history,
        one_time_password,
        password_label,
    }
    .page()
}

pub async fn user_detail(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: Authorized<AdminOnly>,
    id: web::Path<i32>,
) -> AppResult<HttpResponse> {
    render_user(&req, &state, &admin, id.into_inner(), None, "").await
}

#[derive(Deserialize)]
pub struct ActiveForm {
    active: bool,
    version: i32,
}

pub async fn set_active(
    state: web::Data<AppState>,
    admin: Authorized<AdminOnly>,
    id: web::Path<i32>,
    form: CsrfForm<ActiveForm>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let form = form.0;
    if id == admin.user.id && !form.active {
        return Err(AppError::BadInput(
            "you cannot deactivate your own account".into(),
        ));
    }
    let actor = admin.actor();
    state
        .transaction(move |conn| {
            let before = User::find(conn, id)?.ok_or(AppError::NotFound)?;
            if !User::set_active(conn, id, form.version, form.active)? {
                return Err(audit_log::stale(conn, "user", &id.to_string())?);
            }
            if !form.active {
                Session::end_all_for_user(conn, id)?;
            }
            let after = User::find(conn, id)?.ok_or(AppError::NotFound)?;
            audit_log::record(
                conn,
                &actor,
                "user",
                &id.to_string(),
                if form.active {
                    "activate"
                } else {
                    "deactivate"
                },
                Some(&before.snapshot()),
                Some(&after.snapshot()),
            )?;
            Ok(())
        })
        .await?;
    Ok(super::session::redirect(&format!("/admin/users/{id}")))
}

pub async fn reset_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: Authorized<AdminOnly>,
    id: web::Path<i32>,
    _form: CsrfForm<CsrfOnly>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let actor = admin.actor();
    let password = crate::auth::password::generate();
    let hash = crate::auth::password::hash(&password)?;
    state
        .transaction(move |conn| {
            User::find(conn, id)?.ok_or(AppError::NotFound)?;
            User::set_password_hash(conn, id, &hash)?;
            // A reset password must lock out whoever had the old one.
            Session::end_all_for_user(conn, id)?;
            audit_log::record::<(), ()>(
                conn,
                &actor,
                "user",
                &id.to_string(),
                "reset_password",
                None,
                None,
            )?;
            Ok(())
        })
        .await?;
    render_user(
        &req,
        &state,
        &admin,
        id,
        Some(password),
        "users.new_password_is",
    )
    .await
}

#[derive(Template)]
#[template(path = "admin/settings.html")]
struct SettingsPage {
    chrome: Chrome,
    upload_limit_mb: String,
    problems: FieldErrors,
    saved: bool,
}

impl SettingsPage {
    fn problem(&self, field: &str) -> Option<&'static str> {
        self.chrome.problem(&self.problems, field)
    }
}

pub async fn settings(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: Authorized<AdminOnly>,
) -> AppResult<HttpResponse> {
    let limit = state
        .db(|conn| {
            Ok(setting::get_i64(
                conn,
                UPLOAD_LIMIT_KEY,
                UPLOAD_LIMIT_DEFAULT_MB,
            )?)
        })
        .await?;
    SettingsPage {
        chrome: Chrome::new(&req, Some(&admin), "settings"),
        upload_limit_mb: limit.to_string(),
        problems: FieldErrors::new(),
        saved: req.query_string().contains("saved=1"),
    }
    .page()
}

#[derive(Deserialize)]
pub struct SettingsForm {
    upload_limit_mb: String,
}

pub async fn save_settings(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: Authorized<AdminOnly>,
    form: CsrfForm<SettingsForm>,
) -> AppResult<HttpResponse> {
    let raw = form.0.upload_limit_mb.trim().to_owned();
    let mut problems = FieldErrors::new();
    match raw.parse::<i64>() {
        Ok(mb) if (1..=200).contains(&mb) => {
            let actor = admin.actor();
            state
                .transaction(move |conn| {
                    Ok(setting::set(
                        conn,
                        &actor,
                        UPLOAD_LIMIT_KEY,
                        &mb.to_string(),
                    )?)
                })
                .await?;
            return Ok(super::session::redirect("/admin/settings?saved=1"));
        }
        Ok(_) => problems.insert("upload_limit_mb".into(), "field.range".into()),
        Err(_) => problems.insert("upload_limit_mb".into(), "field.number".into()),
    };
    let page = SettingsPage {
        chrome: Chrome::new(&req, Some(&admin), "settings"),
        upload_limit_mb: raw,
        problems,
        saved: false,
    };
    Ok(HttpResponse::UnprocessableEntity()
        .content_type("text/html; charset=utf-8")
        .body(page.render_html()?))
}
