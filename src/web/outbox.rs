//! The e-mail outbox for admins: queued, sent and failed messages with their
//! attempts and SMTP error, and a resend button; and its JSON list.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::api::ListBody;
use super::chrome::Chrome;
use super::pagination::{ListQuery, Pager};
use super::AppState;
use super::RenderHtml;
use crate::auth::{AdminOnly, Authorized, CsrfForm};
use crate::domain::reminders::Rule;
use crate::error::{AppError, AppResult};
use crate::models::outbox::{self, OutboxFilter, OutboxMessage, STATUSES};
use crate::models::{now, Paged};

#[derive(Deserialize, Default)]
pub struct ListParams {
    #[serde(flatten)]
    pub filter: OutboxFilter,
    #[serde(flatten)]
    pub list: ListQuery,
}

impl ListParams {
    fn link(&self, page: i64) -> String {
        let mut pairs = vec![("page", page.to_string())];
        for (k, v) in [
            ("status", &self.filter.status),
            ("rule", &self.filter.rule),
            ("q", &self.filter.q),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
                pairs.push((k, v.to_owned()));
            }
        }
        format!(
            "/admin/outbox?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    }
}

#[derive(Template)]
#[template(path = "admin/outbox.html")]
struct OutboxPage {
    chrome: Chrome,
    params: ListParams,
    messages: Paged<OutboxMessage>,
    counts: Vec<(String, i64)>,
    resent: bool,
}

impl OutboxPage {
    fn pager(&self) -> Pager {
        Pager::for_links(&self.params.list, self.messages.total, |p| {
            self.params.link(p)
        })
    }

    fn statuses(&self) -> Vec<(&'static str, &'static str, bool)> {
        let current = self.params.filter.status.as_deref().unwrap_or("");
        STATUSES
            .iter()
            .map(|s| {
                (
                    *s,
                    self.chrome.t(&format!("outbox.status.{s}")),
                    *s == current,
                )
            })
            .collect()
    }

    fn rules(&self) -> Vec<(&'static str, &'static str, bool)> {
        let current = self.params.filter.rule.as_deref().unwrap_or("");
        Rule::ALL
            .iter()
            .map(|r| {
                let key = r.as_str();
                (
                    key,
                    self.chrome.t(&format!("outbox.rule.{key}")),
                    key == current,
                )
            })
            .collect()
    }

    fn count(&self, status: &str) -> i64 {
        self.counts
            .iter()
            .find(|(s, _)| s == status)
            .map_or(0, |(_, n)| *n)
    }

    fn status_label(&self, status: &str) -> &'static str {
        self.chrome.t(&format!("outbox.status.{status}"))
    }

    fn rule_label(&self, rule: &str) -> &'static str {
        match Rule::parse(rule) {
            Some(r) => self.chrome.t(&format!("outbox.rule.{}", r.as_str())),
            None => "?",
        }
    }
}

fn checked(params: &ListParams) -> AppResult<()> {
    let problems = params.filter.problems();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(problems))
    }
}

pub async fn page(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: Authorized<AdminOnly>,
    params: web::Query<ListParams>,
) -> AppResult<HttpResponse> {
    let params = params.into_inner();
    checked(&params)?;
    let (filter, page, per_page) = (
        params.filter.clone(),
        params.list.page(),
        params.list.per_page(),
    );
    let (messages, counts) = state
        .db(move |conn| Ok((filter.page(conn, page, per_page)?, outbox::counts(conn)?)))
        .await?;
    OutboxPage {
        chrome: Chrome::new(&req, Some(&admin), "outbox"),
        resent: req.query_string().contains("resent=1"),
        params,
        messages,
        counts,
    }
    .page()
}

#[derive(Deserialize)]
pub struct ResendForm {}

pub async fn resend(
    state: web::Data<AppState>,
    admin: Authorized<AdminOnly>,
    id: web::Path<i32>,
    _form: CsrfForm<ResendForm>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let actor = admin.actor();
    state
        .transaction(move |conn| {
            outbox::resend(conn, &actor, id, now())?.ok_or(AppError::NotFound)?;
            Ok(())
        })
        .await?;
    Ok(super::session::redirect("/admin/outbox?resent=1"))
}

/// `GET /api/v1/outbox` (admin): the DESIGN §8 list shape.
/// The e-mail outbox (administrators).
#[utoipa::path(get, path = "/api/v1/outbox", tag = "e-mail",
    params(crate::models::outbox::OutboxFilter, crate::web::pagination::ListQuery),
    responses((status = 200, description = "Queued and sent messages",
        body = crate::web::api::ListBody<crate::models::outbox::OutboxMessage>)))]
pub async fn api_list(
    state: web::Data<AppState>,
    _admin: Authorized<AdminOnly>,
    params: web::Query<ListParams>,
) -> AppResult<HttpResponse> {
    let params = params.into_inner();
    checked(&params)?;
    let (filter, page, per_page) = (params.filter, params.list.page(), params.list.per_page());
    let paged = state
        .db(move |conn| Ok(filter.page(conn, page, per_page)?))
        .await?;
    Ok(HttpResponse::Ok().json(ListBody::from_paged(paged, |m| m)))
}
