use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use super::chrome::{nav_allows, Chrome, NavLink};
use super::{AppState, RenderHtml};
use crate::auth::{AnyRole, Authorized};
use crate::error::{AppError, AppResult};
use crate::models::user::User;
use actix_web::web;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    areas: Vec<NavLink>,
    users_total: Option<i64>,
}

impl HomePage {
    fn area_text(&self, area: &NavLink) -> &'static str {
        self.chrome.t(&format!("home.area.{}", area.key))
    }
}

pub async fn home(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
) -> AppResult<HttpResponse> {
    let chrome = Chrome::new(&req, Some(&user), "home");
    let areas = chrome
        .nav()
        .into_iter()
        .filter(|l| l.key != "home" && l.key != "settings" && l.key != "import")
        .collect();
    let users_total = if user.role() == crate::domain::role::Role::Admin {
        Some(state.db(|conn| Ok(User::count(conn)?)).await?)
    } else {
        None
    };
    HomePage {
        chrome,
        areas,
        users_total,
    }
    .page()
}

#[derive(Template)]
#[template(path = "soon.html")]
struct SoonPage {
    chrome: Chrome,
}

/// The placeholder of an area not built yet, for the roles that will see it.
pub async fn soon(req: HttpRequest, user: Authorized<AnyRole>) -> AppResult<HttpResponse> {
    if !nav_allows(user.role(), req.path()) {
        return Err(AppError::Forbidden);
    }
    let section = SOON
        .iter()
        .find(|(path, _)| *path == req.path())
        .map_or("", |(_, s)| s);
    SoonPage {
        chrome: Chrome::new(&req, Some(&user), section),
    }
    .page()
}

/// Areas linked from the navigation that later releases fill in: (path, section).
pub const SOON: &[(&str, &str)] = &[
    ("/risk", "risk"),
    ("/audits", "audits"),
    ("/corrective-actions", "actions"),
    ("/esg", "esg"),
    ("/reports", "reports"),
];
