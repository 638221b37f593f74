//! One error type for the whole application. Each variant knows its HTTP status
//! and a stable machine code; `web::errors` turns it into an HTML page in the
//! user's language or the JSON shape of DESIGN §8, depending on the path.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use std::collections::BTreeMap;

/// Field name → message, for forms and API bodies.
pub type FieldErrors = BTreeMap<String, String>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("sign-in required")]
    LoginRequired,
    #[error("you do not have access to this page")]
    Forbidden,
    #[error("the form has expired or was sent from another site; reload the page and try again")]
    CsrfRejected,
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error("the upload is larger than the limit of {limit_mb} MB")]
    PayloadTooLarge { limit_mb: u64 },
    #[error("{0}")]
    BadInput(String),
    #[error("some fields are not valid")]
    Validation(FieldErrors),
    #[error("too many attempts; try again in {minutes} minutes")]
    Throttled { minutes: i64 },
    #[error("{0}")]
    Startup(String),
    #[error("database error: {0}")]
    Database(diesel::result::Error),
    #[error("database unavailable: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// The stable code used in JSON errors and as the i18n key of the page title.
    pub fn code(&self) -> &'static str {
        match self {
            Self::LoginRequired => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::CsrfRejected => "csrf_rejected",
            Self::NotFound => "not_found",
            Self::Conflict(_) => "conflict",
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::BadInput(_) => "bad_request",
            Self::Validation(_) => "validation_failed",
            Self::Throttled { .. } => "too_many_requests",
            Self::Startup(_) | Self::Database(_) | Self::Pool(_) | Self::Internal(_) => "internal",
        }
    }

    /// Whether the message may be shown to the user as is. Internal details
    /// (SQL errors, paths) go to the log only.
    pub fn public_message(&self) -> Option<String> {
        match self {
            Self::Startup(_) | Self::Database(_) | Self::Pool(_) | Self::Internal(_) => None,
            other => Some(other.to_string()),
        }
    }

    pub fn fields(&self) -> Option<&FieldErrors> {
        match self {
            Self::Validation(fields) => Some(fields),
            _ => None,
        }
    }
}

/// Attached to error responses so the rendering middleware can build the
/// page or JSON body with the request at hand.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub code: &'static str,
    pub message: Option<String>,
    pub fields: Option<FieldErrors>,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::LoginRequired => StatusCode::UNAUTHORIZED,
            Self::Forbidden | Self::CsrfRejected => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::BadInput(_) => StatusCode::BAD_REQUEST,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Startup(_) | Self::Database(_) | Self::Pool(_) | Self::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    fn error_response(&self) -> HttpResponse {
        if self.status_code().is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let mut response = HttpResponse::build(self.status_code())
            .content_type("text/plain; charset=utf-8")
            .body(
                self.public_message()
                    .unwrap_or_else(|| "internal error".into()),
            );
        response.extensions_mut().insert(ErrorInfo {
            code: self.code(),
            message: self.public_message(),
            fields: self.fields().cloned(),
        });
        response
    }
}

/// The message for text holding the NUL character, which PostgreSQL cannot
/// store in a text column (SQLite could, so both refuse it up front: query
/// strings, JSON and form bodies, in `web::security::refuse_nul`; text in
/// uploaded files is refused by PostgreSQL itself).
pub const NUL_IN_TEXT: &str = "text may not contain the NUL character (\\0 or %00)";

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        match &e {
            // SQLSTATE 22021 carries no kind of its own in Diesel; its message
            // names the offending byte.
            diesel::result::Error::DatabaseError(_, info) if info.message().contains("0x00") => {
                Self::BadInput(NUL_IN_TEXT.to_owned())
            }
            _ => Self::Database(e),
        }
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        Self::Internal(e.to_string())
    }
}

pub type AppResult<T> = Result<T, AppError>;
