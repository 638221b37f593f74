//! The one route table.

use actix_web::web;

use super::{admin, api, assets, health, home, session};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route("/static/{file}", web::get().to(assets::serve))
        .route("/login", web::get().to(session::login_page))
        .route("/login", web::post().to(session::login))
        .route("/logout", web::post().to(session::logout))
        .route("/lang", web::post().to(session::switch_language))
        .route("/", web::get().to(home::home))
        .route("/admin/users", web::get().to(admin::users))
        .route("/admin/users", web::post().to(admin::create_user_form))
        .route("/admin/users/new", web::get().to(admin::new_user))
        .route("/admin/users/{id}", web::get().to(admin::user_detail))
        .route(
            "/admin/users/{id}/active",
            web::post().to(admin::set_active),
        )
        .route(
            "/admin/users/{id}/password",
            web::post().to(admin::reset_password),
        )
        .route("/admin/settings", web::get().to(admin::settings))
        .route("/admin/settings", web::post().to(admin::save_settings))
        .service(
            web::scope("/api/v1")
                .route("/me", web::get().to(api::me))
                .default_service(web::to(api::not_found)),
        );
    for (path, _) in home::SOON {
        cfg.route(path, web::get().to(home::soon));
    }
}
