//! Turns every error response into the right body: JSON (DESIGN §8 shape) under
//! `/api/`, a redirect to sign-in for anonymous page requests, and otherwise an
//! error page inside the layout, in the user's language.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use askama::Template;

use super::chrome::Chrome;
use crate::auth::identity::resolve;
use crate::auth::identity::SessionExpired;
use crate::error::{AppError, ErrorInfo};

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    status: u16,
    code: &'static str,
    detail: Option<String>,
    /// Field problems (field, message) of a refused form.
    fields: Vec<(String, String)>,
}

impl ErrorPage {
    fn summary(&self) -> &'static str {
        self.chrome.t(&format!("error.{}", self.code))
    }
}

pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}

pub async fn render_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    // The request is taken back from the response: holding a clone of it
    // while the router runs would stop the router from writing path parameters.
    let res = next.call(req).await?;
    let http_req = res.request().clone();
    let status = res.status();
    let info = res.response().extensions().get::<ErrorInfo>().cloned();
    // A resource's own 405 carries neither; it is an error all the same.
    let from_error = info.is_some()
        || res.response().error().is_some()
        || status == StatusCode::METHOD_NOT_ALLOWED;
    if !from_error || !(status.is_client_error() || status.is_server_error()) {
        return Ok(res.map_into_left_body());
    }
    let info = info.unwrap_or_else(|| ErrorInfo {
        code: code_for_status(status),
        message: res.response().error().map(|e| e.to_string()),
        fields: None,
    });
    let mut replacement = if http_req.path().starts_with("/api/") {
        json_error(status, &info)
    } else if status == StatusCode::UNAUTHORIZED {
        sign_in_redirect(&http_req)
    } else {
        error_page(&http_req, status, info).await
    };
    // A 405 names the methods the path does take.
    if let Some(allow) = res.headers().get(header::ALLOW) {
        replacement
            .headers_mut()
            .insert(header::ALLOW, allow.clone());
    }
    Ok(res.into_response(replacement).map_into_right_body())
}

fn code_for_status(status: StatusCode) -> &'static str {
    match status.as_u16() {
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        409 => "conflict",
        413 => "payload_too_large",
        422 => "validation_failed",
        429 => "too_many_requests",
        400..=499 => "bad_request",
        _ => "internal",
    }
}

fn json_error(status: StatusCode, info: &ErrorInfo) -> HttpResponse {
    let message = info.message.clone().unwrap_or_else(|| {
        crate::i18n::Lang::En
            .t(&format!("error.{}", info.code))
            .to_owned()
    });
    // Field problems are i18n keys; the API speaks English.
    let fields = info.fields.as_ref().map(|fields| {
        fields
            .iter()
            .map(|(field, reason)| {
                (
                    field.clone(),
                    crate::import::reason_text(crate::i18n::Lang::En, reason),
                )
            })
            .collect()
    });
    HttpResponse::build(status).json(ErrorBody {
        error: ErrorDetail {
            code: info.code.to_owned(),
            message,
            fields,
        },
    })
}

/// The DESIGN §8 error shape of every `/api/` response that is not a success.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine code, e.g. `not_found`, `validation_failed`.
    pub code: String,
    pub message: String,
    /// Field name → what is wrong with it (validation failures only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<std::collections::BTreeMap<String, String>>,
}

fn sign_in_redirect(req: &HttpRequest) -> HttpResponse {
    let mut target = String::from("/login");
    let expired = req.extensions().get::<SessionExpired>().is_some();
    let next = match req.query_string() {
        "" => req.path().to_owned(),
        q => format!("{}?{q}", req.path()),
    };
    let mut query = Vec::new();
    if req.method() == actix_web::http::Method::GET && next != "/" {
        query.push(("next", next));
    }
    if expired {
        query.push(("expired", "1".to_owned()));
    }
    if !query.is_empty() {
        target.push('?');
        target.push_str(&serde_urlencoded::to_string(&query).unwrap_or_default());
    }
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, target))
        .finish()
}

async fn error_page(req: &HttpRequest, status: StatusCode, info: ErrorInfo) -> HttpResponse {
    // A failing database must not stop the error page itself from rendering.
    let identity = resolve(req).await.ok().flatten();
    let chrome = Chrome::new(req, identity.as_ref(), "");
    let detail = match info.code {
        "bad_request" | "conflict" | "payload_too_large" | "too_many_requests" => info.message,
        _ => None,
    };
    let fields = info
        .fields
        .unwrap_or_default()
        .into_iter()
        .map(|(field, reason)| {
            let message = crate::import::reason_text(chrome.lang, &reason);
            (field, message)
        })
        .collect();
    let page = ErrorPage {
        chrome,
        status: status.as_u16(),
        code: info.code,
        detail,
        fields,
    };
    match page.render() {
        Ok(html) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(html),
        Err(e) => {
            tracing::error!(error = %e, "error page failed to render");
            HttpResponse::build(status).body(status.to_string())
        }
    }
}
