//! The HTTP side: application state, middleware and one file per area.

pub mod actions;
pub mod admin;
pub mod api;
pub mod assets;
pub mod audits;
pub mod cache;
pub mod charts;
pub mod chrome;
pub mod cmrt;
pub mod downloads;
pub mod errors;
pub mod esg;
pub mod health;
pub mod home;
pub mod import;
pub mod openapi;
pub mod outbox;
pub mod pagination;
pub mod programmes;
pub mod reports;
pub mod risk;
pub mod routes;
pub mod security;
pub mod session;
pub mod smelters;
pub mod suppliers;
pub mod trainings;
pub mod upload;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::{middleware, web, App};
use std::sync::Arc;

use crate::config::Config;
use crate::db::{DbConnection, DbPool};
use crate::error::{AppError, AppResult};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};

#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub config: Arc<Config>,
    /// Figures, menus and pages derived from many records (see `cache`).
    pub caches: Arc<cache::Caches>,
    /// Exports running at once (see `downloads::exports_take_turns`).
    pub export_turns: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    pub fn new(pool: DbPool, config: Config) -> Self {
        Self {
            pool,
            config: Arc::new(config),
            caches: Arc::default(),
            export_turns: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(1, usize::from),
            )),
        }
    }

    /// Runs blocking database work on the thread pool, off the async workers.
    pub async fn db<F, T>(&self, work: F) -> AppResult<T>
    where
        F: FnOnce(&mut DbConnection) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = crate::db::checkout(&pool)?;
            let done = work(&mut conn);
            if let Err(AppError::Database(error)) = &done {
                crate::db::forget_if_lost(&mut conn, error);
            }
            done
        })
        .await?
    }

    /// Values kept between requests (see `cache`): `lookup` runs first on
    /// the cache alone, with the data version read alongside the session,
    /// and, if something is not kept, again on the database. `lookup` must
    /// answer `Some` from the database.
    pub async fn kept<T, F>(&self, req: &HttpRequest, lookup: F) -> AppResult<T>
    where
        F: Fn(&cache::Caches, &mut cache::Source) -> AppResult<Option<T>> + Send + 'static,
        T: Send + 'static,
    {
        let version = req.extensions().get::<crate::db::DataVersion>().cloned();
        if let Some(version) = version {
            if let Some(hit) = lookup(&self.caches, &mut cache::Source::Kept(&version))? {
                return Ok(hit);
            }
        }
        let caches = self.caches.clone();
        self.db(move |conn| {
            lookup(&caches, &mut cache::Source::Database(conn))?
                .ok_or_else(|| AppError::Internal("a kept value was not computed".into()))
        })
        .await
    }

    /// The business units in use, for filter menus (kept; see `cache`).
    pub async fn business_units(&self) -> AppResult<Vec<String>> {
        let caches = self.caches.clone();
        self.db(move |conn| caches.business_units(conn)).await
    }

    /// Like `db`, inside one transaction: all of it is written or none.
    pub async fn transaction<F, T>(&self, work: F) -> AppResult<T>
    where
        F: FnOnce(&mut DbConnection) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        self.db(move |conn| crate::db::write_transaction(conn, work))
            .await
    }
}

/// The largest JSON and form bodies accepted.
pub const JSON_LIMIT: usize = 1024 * 1024;
pub const FORM_LIMIT: usize = 256 * 1024;

/// The whole application: used by `serve` and by the integration tests, so
/// both run exactly the same middleware and routes.
pub fn build_app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(web::Data::new(state))
        .app_data(web::FormConfig::default().limit(FORM_LIMIT))
        .app_data(web::JsonConfig::default().limit(JSON_LIMIT))
        .configure(routes::configure)
        .default_service(web::to(errors::not_found))
        .wrap(middleware::from_fn(downloads::exports_take_turns))
        .wrap(middleware::from_fn(security::check_origin))
        .wrap(middleware::from_fn(security::refuse_nul))
        .wrap(middleware::from_fn(errors::render_errors))
        .wrap(security::headers())
        .wrap(middleware::Compress::default())
        .wrap(middleware::from_fn(security::request_id))
}

/// Renders an askama template into a body, mapping failures to `AppError`.
pub trait RenderHtml {
    fn render_html(&self) -> AppResult<String>;
    fn page(&self) -> AppResult<HttpResponse> {
        Ok(HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(self.render_html()?))
    }
}

impl<T: askama::Template> RenderHtml for T {
    fn render_html(&self) -> AppResult<String> {
        self.render()
            .map_err(|e| AppError::Internal(format!("template: {e}")))
    }
}
