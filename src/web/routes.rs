//! The one route table.

use actix_web::web;

use super::{admin, api, assets, cmrt, health, home, import, session, smelters, suppliers};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route("/static/{file}", web::get().to(assets::serve))
        .route("/login", web::get().to(session::login_page))
        .route("/login", web::post().to(session::login))
        .route("/logout", web::post().to(session::logout))
        .route("/lang", web::post().to(session::switch_language))
        .route("/", web::get().to(home::home))
        .route("/suppliers", web::get().to(suppliers::list))
        .route("/suppliers", web::post().to(suppliers::create))
        .route("/suppliers/new", web::get().to(suppliers::new_form))
        .route(
            "/suppliers/export.{format}",
            web::get().to(suppliers::export),
        )
        .route("/suppliers/{code}", web::get().to(suppliers::detail))
        .route("/suppliers/{code}", web::post().to(suppliers::update))
        .route(
            "/suppliers/{code}/edit",
            web::get().to(suppliers::edit_form),
        )
        .route(
            "/suppliers/{code}/status",
            web::post().to(suppliers::change_status),
        )
        .route(
            "/suppliers/{code}/smelters",
            web::get().to(cmrt::supplier_page),
        )
        .route("/suppliers/{code}/cmrt", web::post().to(cmrt::check))
        .route(
            "/suppliers/{code}/cmrt/confirm",
            web::post().to(cmrt::confirm),
        )
        .route(
            "/suppliers/{code}/reviews/new",
            web::get().to(suppliers::review_form),
        )
        .route(
            "/suppliers/{code}/reviews",
            web::post().to(suppliers::create_review),
        )
        .route(
            "/attachments/{id}",
            web::get().to(suppliers::download_attachment),
        )
        .route("/smelters", web::get().to(smelters::overview))
        .route(
            "/smelters/export.{format}",
            web::get().to(smelters::export_declared),
        )
        .route("/smelters/reference", web::get().to(smelters::reference))
        .route(
            "/smelters/reference/export.{format}",
            web::get().to(smelters::export_reference),
        )
        .route(
            "/smelters/suppliers",
            web::get().to(smelters::suppliers_view),
        )
        .route(
            "/smelters/suppliers/export.{format}",
            web::get().to(smelters::export_suppliers),
        )
        .route("/smelters/plans", web::get().to(smelters::plans))
        .route(
            "/smelters/plans/export.{format}",
            web::get().to(smelters::export_plans),
        )
        .route("/smelters/plans/{id}", web::get().to(smelters::plan))
        .route(
            "/smelters/plans/{id}",
            web::post().to(smelters::update_plan),
        )
        .route(
            "/smelters/submissions/{id}",
            web::get().to(cmrt::submission),
        )
        .route(
            "/smelters/submissions/{id}/file",
            web::get().to(cmrt::submission_file),
        )
        .route("/smelters/{smelter_id}", web::get().to(smelters::detail))
        .route("/import", web::get().to(import::page))
        .route("/import", web::post().to(import::check))
        .route("/import/confirm", web::post().to(import::confirm))
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
                .route("/suppliers", web::get().to(api::suppliers))
                .route("/suppliers", web::post().to(api::create_supplier_json))
                .route("/suppliers/{code}", web::get().to(api::supplier))
                .route(
                    "/suppliers/{code}",
                    web::put().to(api::update_supplier_json),
                )
                .route(
                    "/onboarding-reviews",
                    web::get().to(api::onboarding_reviews),
                )
                .route("/onboarding-reviews", web::post().to(api::create_review))
                .route("/smelters", web::get().to(api::smelters))
                .route(
                    "/suppliers/{code}/smelters",
                    web::get().to(api::supplier_smelters),
                )
                .default_service(web::to(api::not_found)),
        );
    for (path, _) in home::SOON {
        cfg.route(path, web::get().to(home::soon));
    }
}
