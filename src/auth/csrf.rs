//! CSRF protection for HTML forms: every form carries a `csrf` field that must
//! equal the session's token (or, before sign-in, the value of a cookie that
//! only this site can set). The Origin check lives in `web::security`.

use actix_web::dev::Payload;
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::identity::resolve;
use super::tokens::constant_time_eq;
use super::ANON_CSRF_COOKIE;
use crate::error::AppError;

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

/// A form with nothing but its CSRF token (sign-out, confirmations).
#[derive(Deserialize)]
pub struct CsrfOnly {}

/// The token a form on this request's pages must carry.
pub async fn expected_token(req: &HttpRequest) -> Result<Option<String>, AppError> {
    if let Some(identity) = resolve(req).await? {
        if let Some(session) = identity.session {
            return Ok(Some(session.csrf_token));
        }
    }
    Ok(req.cookie(ANON_CSRF_COOKIE).map(|c| c.value().to_owned()))
}

/// A URL-encoded form whose CSRF token has been checked before the handler runs.
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let body = Bytes::from_request(&req, payload);
        Box::pin(async move {
            let body = body
                .await
                .map_err(|e| AppError::BadInput(format!("the form could not be read: {e}")))?;
            check(&req, &body).await?;
            serde_urlencoded::from_bytes(&body)
                .map(CsrfForm)
                .map_err(|e| AppError::BadInput(format!("the form could not be read: {e}")))
        })
    }
}

/// Checks the `csrf` field of a URL-encoded body against the expected token.
pub async fn check(req: &HttpRequest, body: &[u8]) -> Result<(), AppError> {
    let sent = serde_urlencoded::from_bytes::<CsrfField>(body)
        .map(|f| f.csrf)
        .unwrap_or_default();
    match expected_token(req).await? {
        Some(expected) if !sent.is_empty() && constant_time_eq(&sent, &expected) => Ok(()),
        _ => Err(AppError::CsrfRejected),
    }
}
