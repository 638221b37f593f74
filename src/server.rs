//! `supplier-esg serve`: the HTTP server and its background timers.

use actix_web::HttpServer;
use std::time::Duration;

use crate::config::Config;
use crate::db;
use crate::error::AppError;
use crate::models::session::Session;
use crate::web::{build_app, AppState};

pub struct ServeOptions {
    pub bind: String,
    pub demo: bool,
}

pub async fn serve(config: Config, options: ServeOptions) -> Result<(), AppError> {
    // A malformed SMTP_URL stops start-up here, before anything listens.
    let mailer = std::sync::Arc::new(crate::mail::Mailer::from_config(&config)?);
    let pool = db::connect(&config.database, 16)?;
    if options.demo {
        let mut conn = pool.get()?;
        if crate::demo::is_empty(&mut conn)? {
            println!("Loading the demo organisation…");
            crate::demo::load(&mut conn, 1)?;
        }
    }
    let state = AppState::new(pool.clone(), config);
    let server = HttpServer::new({
        let state = state.clone();
        move || build_app(state.clone())
    })
    .shutdown_timeout(10)
    .bind(&options.bind)
    .map_err(|e| AppError::Startup(format!("cannot listen on {}: {e}", options.bind)))?;

    let url = state
        .config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", options.bind));
    println!("Supplier ESG is running at {url}");
    if options.demo {
        println!(
            "login: {} / {}",
            crate::demo::DEMO_LOGIN,
            crate::demo::DEMO_PASSWORD
        );
    } else if crate::demo::is_empty(&mut *pool.get()?)? {
        println!("No users yet: add one with `supplier-esg user add --email … --name … --role admin`, or start with --demo.");
    }

    // Expired sessions are also refused on use; the timer only keeps the table small.
    let purge_pool = pool.clone();
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(Duration::from_secs(15 * 60));
        loop {
            tick.tick().await;
            let pool = purge_pool.clone();
            let _ = actix_web::web::block(move || {
                db::checkout(&pool)
                    .ok()
                    .map(|mut conn| Session::purge_expired(&mut conn))
            })
            .await;
        }
    });

    // The reminders (DESIGN §2.7) on a timer; the interval is a setting, read
    // at each tick. Instances may all run it: the outbox's unique key and
    // the sending lease keep every message single.
    let reminder_pool = pool.clone();
    let link_base = state.config.link_base();
    println!("e-mail: {}", mailer.describe());
    actix_web::rt::spawn(async move {
        let mut last_run: Option<std::time::Instant> = None;
        let mut tick = actix_web::rt::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            let (pool, mailer, link_base) =
                (reminder_pool.clone(), mailer.clone(), link_base.clone());
            let due = last_run;
            let ran = actix_web::web::block(move || -> Result<bool, AppError> {
                let mut conn = db::checkout(&pool)?;
                let minutes = crate::models::setting::Settings::load(&mut conn)?
                    .number("reminder_interval_minutes");
                let waited = due.map(|t| t.elapsed().as_secs() / 60);
                if minutes <= 0 || waited.is_some_and(|w| w < minutes as u64) {
                    return Ok(false);
                }
                let today = chrono::Utc::now().date_naive();
                let (queued, sent) =
                    crate::jobs::reminders::run_once(&mut conn, &mailer, &link_base, today)?;
                tracing::info!(
                    queued = queued.total(),
                    sent = sent.sent,
                    deferred = sent.deferred,
                    failed = sent.failed,
                    "reminders run"
                );
                Ok(true)
            })
            .await;
            match ran {
                Ok(Ok(true)) => last_run = Some(std::time::Instant::now()),
                Ok(Ok(false)) => {}
                Ok(Err(e)) => {
                    tracing::error!(error = %e, "reminders run failed");
                    last_run = Some(std::time::Instant::now());
                }
                Err(e) => tracing::error!(error = %e, "reminders run failed"),
            }
        }
    });

    // actix-web stops gracefully on SIGINT/SIGTERM: it stops accepting,
    // lets requests in flight finish (up to the shutdown timeout), then exits.
    server
        .run()
        .await
        .map_err(|e| AppError::Startup(format!("server stopped: {e}")))
}
