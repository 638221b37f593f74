//! Request ids and tracing, security headers, and the Origin check that backs
//! the CSRF tokens on every unsafe request.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::{DefaultHeaders, Next};
use actix_web::web;
use actix_web::HttpMessage;
use futures_util::{Stream, StreamExt};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use tracing::Instrument;

use super::AppState;
use crate::error::AppError;

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; \
     style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

pub fn headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::REFERRER_POLICY, "same-origin"))
        .add((
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
        ))
        .add((
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ))
}

static REQUEST_COUNTER: AtomicU64 = AtomicU64::new(1);

/// Gives each request an id (echoed as `X-Request-Id`) and a tracing span, and
/// logs one line per request.
pub async fn request_id(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = format!(
        "{:x}-{:x}",
        std::process::id(),
        REQUEST_COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let span = tracing::info_span!("request", id = %id, method = %req.method(), path = %req.path());
    let started = std::time::Instant::now();
    async move {
        let mut res = next.call(req).await?;
        tracing::info!(
            status = res.status().as_u16(),
            ms = started.elapsed().as_secs_f64() * 1000.0,
            "handled"
        );
        if let Ok(value) = HeaderValue::from_str(&id) {
            res.headers_mut()
                .insert(HeaderName::from_static("x-request-id"), value);
        }
        Ok(res)
    }
    .instrument(span)
    .await
}

/// Unsafe requests made with cookies must come from our own pages: their
/// `Origin` (or, failing that, `Referer`) must be this site. Bearer-token API
/// calls carry no ambient credentials and are exempt.
pub async fn check_origin<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    let method = req.method();
    let unsafe_method = !(method == "GET" || method == "HEAD" || method == "OPTIONS");
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer "));
    // Forged requests ride on the session cookie; an API call with no
    // credentials at all is simply anonymous and gets its 401.
    let anonymous_api =
        req.path().starts_with("/api/") && req.cookie(crate::auth::SESSION_COOKIE).is_none();
    if unsafe_method && !bearer && !anonymous_api && !same_origin(&req) {
        tracing::warn!("unsafe request from a foreign or unknown origin refused");
        return Ok(req
            .error_response(AppError::CsrfRejected)
            .map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// Text holding the NUL character is refused before any handler sees it: in
/// query strings, and in JSON and form bodies (files in multipart bodies may
/// hold any byte). No text field may hold one, and the two databases differ
/// (PostgreSQL refuses it, SQLite would store it).
pub async fn refuse_nul<B: MessageBody + 'static>(
    mut req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    let refuse = |req: ServiceRequest| {
        Ok(req
            .error_response(AppError::BadInput(crate::error::NUL_IN_TEXT.to_owned()))
            .map_into_right_body())
    };
    if carries_nul(req.query_string().as_bytes()) {
        return refuse(req);
    }
    let screen: Option<fn(&[u8]) -> bool> = match req.content_type() {
        "application/json" => Some(json_carries_nul),
        "application/x-www-form-urlencoded" => Some(carries_nul),
        _ => None,
    };
    if let Some(carries) = screen {
        // Read up to the largest body the extractors accept; anything
        // longer goes on to them unread, to be refused as too large.
        let mut payload = req.take_payload();
        let mut body = web::BytesMut::new();
        let mut rest = None;
        while let Some(chunk) = payload.next().await {
            let chunk = chunk?;
            body.extend_from_slice(&chunk);
            if body.len() > super::JSON_LIMIT {
                rest = Some(payload);
                break;
            }
        }
        if rest.is_none() && carries(&body) {
            return refuse(req);
        }
        let read =
            futures_util::stream::once(std::future::ready(Ok::<_, PayloadError>(body.freeze())));
        let stream: Pin<Box<dyn Stream<Item = Result<web::Bytes, PayloadError>>>> = match rest {
            Some(rest) => Box::pin(read.chain(rest)),
            None => Box::pin(read),
        };
        req.set_payload(actix_web::dev::Payload::from(stream));
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// Whether a JSON text holds an escaped NUL (`\u0000`) in a string: raw
/// control characters are not valid JSON, so an escape is the only way. An
/// escape starts at a backslash preceded by an even number of backslashes.
fn json_carries_nul(body: &[u8]) -> bool {
    body.windows(6).enumerate().any(|(at, w)| {
        w[0] == b'\\'
            && w[1] == b'u'
            && w[2..].iter().all(|b| *b == b'0')
            && body[..at].iter().rev().take_while(|b| **b == b'\\').count() % 2 == 0
    })
}

/// Whether URL-encoded text (a query string, a form body) decodes to text
/// with a NUL character in it.
fn carries_nul(encoded: &[u8]) -> bool {
    encoded.contains(&0) || encoded.windows(3).any(|w| w == b"%00")
}

fn same_origin(req: &ServiceRequest) -> bool {
    let headers = req.headers();
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    let Some(source) = source else {
        return false;
    };
    let source_host = host_of(source);
    let public = req
        .app_data::<web::Data<AppState>>()
        .and_then(|s| s.config.public_url.clone());
    match public {
        Some(url) => source_host == host_of(&url),
        None => source_host == req.connection_info().host(),
    }
}

/// `https://host:port/path` → `host:port`.
fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split('/').next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    #[test]
    fn host_of_strips_scheme_and_path() {
        assert_eq!(
            super::host_of("https://a.example:8443/x/y"),
            "a.example:8443"
        );
        assert_eq!(super::host_of("http://127.0.0.1:8080"), "127.0.0.1:8080");
    }

    #[test]
    fn a_json_nul_is_an_escape_not_an_escaped_backslash() {
        let carries = |text: &str| super::json_carries_nul(text.as_bytes());
        assert!(carries(r#"{"name":"a\u0000b"}"#));
        assert!(carries(r#"{"name":"\\\u0000"}"#), "backslash, then NUL");
        assert!(!carries(r#"{"name":"a\\u0000b"}"#), "a literal backslash-u");
        assert!(!carries(r#"{"name":"\u00e9"}"#));
        assert!(super::carries_nul(b"name=a%00b") && !super::carries_nul(b"name=a%20b"));
    }
}
