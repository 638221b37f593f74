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
                pool.get()
                    .ok()
                    .map(|mut conn| Session::purge_expired(&mut conn))
            })
            .await;
        }
    });

    // actix-web stops gracefully on SIGINT/SIGTERM: it stops accepting,
    // lets requests in flight finish (up to the shutdown timeout), then exits.
    server
        .run()
        .await
        .map_err(|e| AppError::Startup(format!("server stopped: {e}")))
}
