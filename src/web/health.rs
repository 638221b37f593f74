use actix_web::{web, HttpResponse};
use diesel::RunQueryDsl;

use super::AppState;
use crate::error::AppError;

/// Liveness: answers without touching the database.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

/// Readiness: one round trip to the database.
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let probe = state
        .db(|conn| {
            diesel::sql_query("SELECT 1")
                .execute(conn)
                .map_err(AppError::from)
        })
        .await;
    match probe {
        Ok(_) => HttpResponse::Ok().content_type("text/plain").body("ready"),
        Err(e) => {
            tracing::error!(error = %e, "readiness check failed");
            HttpResponse::ServiceUnavailable()
                .content_type("text/plain")
                .body("database unavailable")
        }
    }
}
