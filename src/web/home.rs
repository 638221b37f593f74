use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use super::actions::action_scope;
use super::chrome::{Chrome, NavLink};
use super::{AppState, RenderHtml};
use crate::auth::{AnyRole, Authorized};
use crate::domain::role::Role;
use crate::error::AppResult;
use crate::models::finding::{ActionFilter, ActionRow};
use crate::models::user::User;
use crate::models::{now, Paged};
use actix_web::web;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    areas: Vec<NavLink>,
    users_total: Option<i64>,
    /// The user's overdue and due-soon actions (a buyer: their suppliers').
    overdue: Paged<ActionRow>,
    due_soon: Paged<ActionRow>,
    show_queue: bool,
    dashboard: Option<super::reports::Dashboard>,
}

impl HomePage {
    fn queues(&self) -> [(&'static str, &Paged<ActionRow>, &'static str); 2] {
        [
            (
                self.chrome.t("home.overdue"),
                &self.overdue,
                "/corrective-actions?overdue=true",
            ),
            (
                self.chrome.t("home.due_soon"),
                &self.due_soon,
                "/corrective-actions?due_within=14",
            ),
        ]
    }

    fn area_text(&self, area: &NavLink) -> &'static str {
        self.chrome.t(&format!("home.area.{}", area.key))
    }
}

pub async fn home(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    query: web::Query<super::reports::KpiQuery>,
) -> AppResult<HttpResponse> {
    let chrome = Chrome::new(&req, Some(&user), "home");
    let areas = chrome
        .nav()
        .into_iter()
        .filter(|l| l.key != "home" && l.key != "settings" && l.key != "import")
        .collect();
    let role = user.role();
    let users_total = if role == Role::Admin {
        Some(state.db(|conn| Ok(User::count(conn)?)).await?)
    } else {
        None
    };
    let scope = action_scope(&user)?;
    let show_queue = role != Role::Viewer && role != Role::Admin;
    let buyer = (role == Role::Procurement).then(|| user.user.email.clone());
    let today = now().date();
    let (overdue, due_soon) = if !show_queue {
        (Paged::empty(1, 10), Paged::empty(1, 10))
    } else {
        state
            .db(move |conn| {
                let mine = |overdue: bool| ActionFilter {
                    buyer: buyer.clone(),
                    overdue: overdue.then(|| "true".to_owned()),
                    due_within: (!overdue).then(|| "14".to_owned()),
                    ..ActionFilter::default()
                };
                Ok((
                    mine(true).page(conn, scope, today, 1, 10)?,
                    mine(false).page(conn, scope, today, 1, 10)?,
                ))
            })
            .await?
    };
    // Programme staff and viewers land on the year's figures.
    let dashboard = if matches!(role, Role::Admin | Role::Procurement | Role::Viewer) {
        Some(super::reports::dashboard(&state, chrome.lang, &query).await?)
    } else {
        None
    };
    HomePage {
        chrome,
        areas,
        users_total,
        overdue,
        due_soon,
        show_queue,
        dashboard,
    }
    .page()
}
