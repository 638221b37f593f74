//! The one route table.

use actix_web::web;

use super::{
    actions, admin, api, assets, audits, cmrt, esg, health, home, import, openapi, outbox,
    programmes, reports, risk, session, smelters, suppliers, trainings,
};

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
            "/suppliers/{code}/programmes/new",
            web::get().to(programmes::new_form),
        )
        .route(
            "/suppliers/{code}/programmes",
            web::post().to(programmes::create),
        )
        .route(
            "/suppliers/{code}/programmes/{id}",
            web::get().to(programmes::detail),
        )
        .route(
            "/suppliers/{code}/programmes/{id}",
            web::post().to(programmes::update),
        )
        .route(
            "/suppliers/{code}/programmes/{id}/edit",
            web::get().to(programmes::edit_form),
        )
        .route(
            "/suppliers/{code}/programmes/{id}/items",
            web::post().to(programmes::add_item),
        )
        .route(
            "/suppliers/{code}/programmes/{id}/items/{item}/delete",
            web::post().to(programmes::remove_item),
        )
        .route("/esg", web::get().to(esg::list))
        .route("/esg/export.{format}", web::get().to(esg::export))
        .route("/esg/data/new", web::get().to(esg::new_form))
        .route("/esg/data", web::post().to(esg::save))
        .route("/esg/data/{code}/{year}", web::get().to(esg::edit_form))
        .route(
            "/esg/data/{code}/{year}/statement",
            web::get().to(esg::statement),
        )
        .route("/esg/climate", web::get().to(esg::climate))
        .route(
            "/esg/climate/export.xlsx",
            web::get().to(esg::climate_export),
        )
        .route("/esg/requests", web::get().to(esg::requests))
        .route("/esg/requests", web::post().to(esg::create_request))
        .route("/esg/requests/{id}", web::get().to(esg::request_detail))
        .route(
            "/esg/requests/{id}/export.{format}",
            web::get().to(esg::request_export),
        )
        .route("/esg/trainings", web::get().to(trainings::list))
        .route("/esg/trainings", web::post().to(trainings::create))
        .route("/esg/trainings/new", web::get().to(trainings::new_form))
        .route(
            "/esg/trainings/export.{format}",
            web::get().to(trainings::export),
        )
        .route("/esg/trainings/{ref}", web::get().to(trainings::detail))
        .route("/esg/trainings/{ref}", web::post().to(trainings::update))
        .route(
            "/esg/trainings/{ref}/edit",
            web::get().to(trainings::edit_form),
        )
        .route(
            "/esg/trainings/{ref}/attendance",
            web::post().to(trainings::add_attendance),
        )
        .route(
            "/esg/trainings/{ref}/attendance/{code}/delete",
            web::post().to(trainings::remove_attendance),
        )
        .route(
            "/attachments/{id}",
            web::get().to(suppliers::download_attachment),
        )
        .route("/suppliers/{code}/risk", web::post().to(risk::assess))
        .route("/risk", web::get().to(risk::list))
        .route("/audits", web::get().to(audits::list))
        .route("/audits", web::post().to(audits::create))
        .route("/audits/new", web::get().to(audits::new_form))
        .route("/audits/plan", web::get().to(audits::plan_page))
        .route("/audits/plan", web::post().to(audits::plan_confirm))
        .route("/audits/calendar", web::get().to(audits::calendar))
        .route("/audits/export.{format}", web::get().to(audits::export))
        .route("/audits/{ref}", web::get().to(audits::detail))
        .route("/audits/{ref}/assign", web::post().to(audits::assign))
        .route("/audits/{ref}/advance", web::post().to(audits::advance))
        .route(
            "/audits/{ref}/findings",
            web::post().to(actions::add_finding),
        )
        .route("/corrective-actions", web::get().to(actions::list))
        .route(
            "/corrective-actions/export.{format}",
            web::get().to(actions::export),
        )
        .route("/corrective-actions/{id}", web::get().to(actions::detail))
        .route(
            "/corrective-actions/{id}/extend",
            web::post().to(actions::extend),
        )
        .route(
            "/corrective-actions/{id}/{step}",
            web::post().to(actions::step),
        )
        .route("/reports", web::get().to(reports::reports))
        .route(
            "/reports/export.{format}",
            web::get().to(reports::export_report),
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
        .route("/admin/outbox", web::get().to(outbox::page))
        .route("/admin/outbox/{id}/resend", web::post().to(outbox::resend))
        .service(
            // One resource per path, so a known path asked with another method
            // answers 405 with `Allow` instead of 404.
            web::scope("/api/v1")
                .service(web::resource("/openapi.json").get(openapi::openapi_json))
                .service(web::resource("/me").get(api::me))
                .service(
                    web::resource("/suppliers")
                        .get(api::suppliers)
                        .post(api::create_supplier_json),
                )
                .service(
                    web::resource("/suppliers/{code}")
                        .get(api::supplier)
                        .put(api::update_supplier_json),
                )
                .service(
                    web::resource("/onboarding-reviews")
                        .get(api::onboarding_reviews)
                        .post(api::create_review),
                )
                .service(
                    web::resource("/risk-assessments")
                        .get(api::risk_assessments)
                        .post(api::create_risk_assessment),
                )
                .service(
                    web::resource("/audits")
                        .get(api::audits)
                        .post(api::create_audit),
                )
                .service(web::resource("/audits/{ref}").get(api::audit))
                .service(web::resource("/kpis").get(reports::kpis_json))
                .service(
                    web::resource("/findings")
                        .get(api::findings)
                        .post(api::create_finding),
                )
                .service(web::resource("/corrective-actions").get(api::corrective_actions))
                .service(web::resource("/corrective-actions/{id}").get(api::corrective_action))
                .service(
                    web::resource("/corrective-actions/{id}/{step}")
                        .post(api::corrective_action_step),
                )
                .service(
                    web::resource("/esg-data")
                        .get(api::esg_data)
                        .post(api::create_esg_data),
                )
                .service(
                    web::resource("/trainings")
                        .get(api::trainings)
                        .post(api::create_training),
                )
                .service(web::resource("/smelters").get(api::smelters))
                .service(web::resource("/suppliers/{code}/smelters").get(api::supplier_smelters))
                .service(web::resource("/outbox").get(outbox::api_list))
                .default_service(web::to(api::not_found)),
        );
    for (path, _) in home::SOON {
        cfg.route(path, web::get().to(home::soon));
    }
}
