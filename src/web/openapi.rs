//! The OpenAPI 3.1 document of `/api/v1`, generated from the handlers'
//! annotations and the body types, so it cannot drift from the code.

use std::sync::OnceLock;

use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use super::errors::ErrorBody;
use super::{api, outbox, reports};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Supplier ESG API",
        description = "Suppliers, onboarding reviews, risk, audits, findings and corrective \
actions, ESG data, training, smelters and the year's figures. Authenticate with \
`Authorization: Bearer <token>` (`supplier-esg token create --email E`); the role rules \
are those of the pages. Lists take `page` and `per_page` (at most 500) and answer \
`{items, total, page, per_page}`."
    ),
    paths(
        api::me,
        api::suppliers,
        api::create_supplier_json,
        api::supplier,
        api::update_supplier_json,
        api::supplier_smelters,
        api::onboarding_reviews,
        api::create_review,
        api::risk_assessments,
        api::create_risk_assessment,
        api::audits,
        api::create_audit,
        api::audit,
        api::findings,
        api::create_finding,
        api::corrective_actions,
        api::corrective_action,
        api::corrective_action_step,
        api::esg_data,
        api::create_esg_data,
        api::trainings,
        api::create_training,
        api::smelters,
        reports::kpis_json,
        outbox::api_list,
    ),
    components(schemas(ErrorBody)),
    modifiers(&BearerAndErrors)
)]
struct ApiDoc;

/// Adds what every operation shares: the bearer scheme, and the §8 error
/// body for each 4xx answer (bad input, sign-in, refusal, not found,
/// conflict, too large, validation).
struct BearerAndErrors;

impl Modify for BearerAndErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        openapi.security = Some(vec![utoipa::openapi::security::SecurityRequirement::new(
            "bearer",
            Vec::<String>::new(),
        )]);
        let error = ResponseBuilder::new()
            .description("The request was refused; `error.code` says why")
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                        "ErrorBody",
                    ))))
                    .build(),
            )
            .build();
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                operation
                    .responses
                    .responses
                    .insert("4XX".to_owned(), RefOr::T(error.clone()));
            }
        }
    }
}

/// The document as JSON, built once.
pub fn document() -> &'static str {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        ApiDoc::openapi()
            .to_json()
            .expect("the OpenAPI document serialises")
    })
}

pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(document())
}
