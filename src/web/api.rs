//! The JSON API under `/api/v1` (bearer tokens or a browser session).

use actix_web::HttpResponse;
use serde_json::json;

use crate::auth::{AnyRole, Authorized};
use crate::error::AppError;

/// Who the token belongs to; handy to check a token works.
pub async fn me(user: Authorized<AnyRole>) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "email": user.user.email,
        "name": user.user.name,
        "role": user.user.role,
        "language": user.user.language,
    }))
}

pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}
