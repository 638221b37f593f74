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
use crate::models::setting::{self, Settings, LIST_SETTINGS, NUMBER_SETTINGS};
use crate::models::user::{create_user, User, UserInput};
use crate::models::Paged;

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
    /// (key, value as shown) of every setting.
    values: Vec<(&'static str, String)>,
    problems: FieldErrors,
    saved: bool,
}

impl SettingsPage {
    fn problem(&self, field: &str) -> Option<&'static str> {
        self.chrome.problem(&self.problems, field)
    }

    fn label(&self, key: &str) -> &'static str {
        self.chrome.t(&format!("settings.{key}"))
    }

    fn numbers(&self) -> Vec<(&'static str, &str, i64, i64)> {
        NUMBER_SETTINGS
            .iter()
            .map(|spec| (spec.key, self.value(spec.key), spec.min, spec.max))
            .collect()
    }

    fn lists(&self) -> Vec<(&'static str, &str)> {
        LIST_SETTINGS
            .iter()
            .map(|(key, _)| (*key, self.value(key)))
            .collect()
    }

    fn value(&self, key: &str) -> &str {
        self.values
            .iter()
            .find(|(k, _)| *k == key)
            .map_or("", |(_, v)| v.as_str())
    }
}

pub async fn settings(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: Authorized<AdminOnly>,
) -> AppResult<HttpResponse> {
    let current = state.db(|conn| Ok(Settings::load(conn)?)).await?;
    let values = NUMBER_SETTINGS
        .iter()
        .map(|spec| (spec.key, current.number(spec.key).to_string()))
        .chain(
            LIST_SETTINGS
                .iter()
                .map(|(key, _)| (*key, current.text(key))),
        )
        .collect();
    SettingsPage {
        chrome: Chrome::new(&req, Some(&admin), "settings"),
        values,
        problems: FieldErrors::new(),
        saved: req.query_string().contains("saved=1"),
    }
    .page()
}

/// Checks a submitted settings form: every number within its bounds, the
/// grade and tier cut-offs in order. Returns the values to store.
fn check_settings(
    form: &std::collections::HashMap<String, String>,
) -> Result<Vec<(&'static str, String)>, FieldErrors> {
    let mut problems = FieldErrors::new();
    let mut values = Vec::new();
    let mut numbers = std::collections::HashMap::new();
    for spec in NUMBER_SETTINGS {
        let raw = form.get(spec.key).map_or("", |v| v.trim());
        match raw.parse::<i64>() {
            Ok(n) if (spec.min..=spec.max).contains(&n) => {
                numbers.insert(spec.key, n);
                values.push((spec.key, n.to_string()));
            }
            Ok(_) => {
                problems.insert(spec.key.into(), "field.range".into());
            }
            Err(_) => {
                problems.insert(spec.key.into(), "field.number".into());
            }
        }
    }
    for (higher, lower) in [
        ("grade_excellent_from", "grade_medium_from"),
        ("risk_high_from", "risk_medium_from"),
    ] {
        if let (Some(h), Some(l)) = (numbers.get(higher), numbers.get(lower)) {
            if h <= l {
                problems.insert(higher.into(), "settings.order".into());
            }
        }
    }
    for (key, _) in LIST_SETTINGS {
        let raw = form.get(*key).map_or("", |v| v.trim());
        // Codes are short; an ESG lead's item carries an e-mail address.
        let item_limit = if *key == "esg_leads" { 200 } else { 40 };
        let items: Vec<String> = raw
            .split(',')
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect();
        if raw.chars().count() > 1000
            || items
                .iter()
                .any(|v| v.len() > item_limit || v.contains(char::is_whitespace))
        {
            problems.insert((*key).into(), "field.too_long".into());
        }
        let malformed = match *key {
            "reminder_days_before" => items
                .iter()
                .any(|d| d.parse::<i64>().map_or(true, |n| !(1..=365).contains(&n))),
            "esg_leads" => items.iter().any(|item| {
                item.split_once(':').is_none_or(|(bu, email)| {
                    bu.is_empty() || email.parse::<lettre::Address>().is_err()
                })
            }),
            _ => false,
        };
        if malformed {
            problems.insert((*key).into(), format!("settings.{key}_invalid"));
        }
        values.push((key, items.join(",")));
    }
    if problems.is_empty() {
        Ok(values)
    } else {
        Err(problems)
    }
}

pub async fn save_settings(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: Authorized<AdminOnly>,
    form: CsrfForm<std::collections::HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    match check_settings(&form.0) {
        Ok(values) => {
            let actor = admin.actor();
            state
                .transaction(move |conn| {
                    let current = Settings::load(conn)?;
                    for (key, value) in values {
                        let unchanged = NUMBER_SETTINGS
                            .iter()
                            .any(|s| s.key == key && current.number(key).to_string() == value)
                            || LIST_SETTINGS
                                .iter()
                                .any(|(k, _)| *k == key && current.text(key) == value);
                        if !unchanged {
                            setting::set(conn, &actor, key, &value)?;
                        }
                    }
                    Ok(())
                })
                .await?;
            Ok(super::session::redirect("/admin/settings?saved=1"))
        }
        Err(problems) => {
            let values = NUMBER_SETTINGS
                .iter()
                .map(|s| s.key)
                .chain(LIST_SETTINGS.iter().map(|(k, _)| *k))
                .map(|key| (key, form.0.get(key).cloned().unwrap_or_default()))
                .collect();
            let page = SettingsPage {
                chrome: Chrome::new(&req, Some(&admin), "settings"),
                values,
                problems,
                saved: false,
            };
            Ok(HttpResponse::UnprocessableEntity()
                .content_type("text/html; charset=utf-8")
                .body(page.render_html()?))
        }
    }
}
