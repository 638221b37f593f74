use serde_json::json;

use crate::support::{supplier_input, TestApp};

#[actix_web::test]
async fn suppliers_api_lists_creates_reads_and_updates_with_versions() {
    for app in TestApp::each_backend().await {
        let mut api = app.token_client("procurement");
        let body = serde_json::to_value(supplier_input("API1")).unwrap();
        let created = api
            .send_json("POST", "/api/v1/suppliers", body.clone())
            .await;
        assert_eq!(created.status, 201, "{}", created.body);
        assert_eq!(created.json()["code"], "API1");
        assert_eq!(created.json()["region"], "mainland_china");
        assert_eq!(created.json()["status"], "prospective");

        let duplicate = api.send_json("POST", "/api/v1/suppliers", body).await;
        assert_eq!(duplicate.status, 422);
        assert_eq!(duplicate.json()["error"]["code"], "validation_failed");
        assert_eq!(
            duplicate.json()["error"]["fields"]["code"],
            "A supplier with this code already exists."
        );

        let mut approved = serde_json::to_value(supplier_input("API2")).unwrap();
        approved["status"] = json!("approved");
        approved["approved_on"] = json!("2021-01-01");
        let refused = api.send_json("POST", "/api/v1/suppliers", approved).await;
        assert_eq!(refused.status, 422);
        assert!(refused.json()["error"]["fields"]["status"]
            .as_str()
            .unwrap()
            .contains("onboarding review"));

        let list = api.get("/api/v1/suppliers?q=api&per_page=10").await;
        assert_eq!(list.json()["total"], 1);
        assert_eq!(list.json()["per_page"], 10);
        assert_eq!(list.json()["items"][0]["code"], "API1");
        assert_eq!(api.get("/api/v1/suppliers?region=mars").await.status, 422);

        let mut edit = serde_json::to_value(supplier_input("API1")).unwrap();
        edit["name"] = json!("Renamed Co., Ltd.");
        edit["version"] = json!(1);
        let saved = api
            .send_json("PUT", "/api/v1/suppliers/API1", edit.clone())
            .await;
        assert_eq!(saved.status, 200, "{}", saved.body);
        assert_eq!(saved.json()["version"], 2);
        let stale = api.send_json("PUT", "/api/v1/suppliers/API1", edit).await;
        assert_eq!(stale.status, 409);
        assert_eq!(stale.json()["error"]["code"], "conflict");

        let broken = api
            .send(
                actix_web::test::TestRequest::post()
                    .uri("/api/v1/suppliers")
                    .insert_header(("content-type", "application/json"))
                    .set_payload("{not json"),
            )
            .await;
        assert_eq!(broken.status, 400);
        assert_eq!(broken.json()["error"]["code"], "bad_request");

        let mut viewer = app.token_client("viewer");
        assert_eq!(viewer.get("/api/v1/suppliers/API1").await.status, 200);
        let denied = viewer
            .send_json(
                "POST",
                "/api/v1/suppliers",
                serde_json::to_value(supplier_input("API3")).unwrap(),
            )
            .await;
        assert_eq!(denied.status, 403);
        assert_eq!(denied.json()["error"]["code"], "forbidden");
        let mut auditor = app.token_client("auditor");
        assert_eq!(auditor.get("/api/v1/suppliers/API1").await.status, 404);
        assert_eq!(auditor.get("/api/v1/suppliers").await.status, 403);
    }
}

#[actix_web::test]
async fn onboarding_reviews_api_applies_the_gate() {
    for app in TestApp::each_backend().await {
        app.add_supplier("REV1", "CN");
        let mut api = app.token_client("procurement");
        let rejected = api
            .send_json(
                "POST",
                "/api/v1/onboarding-reviews",
                json!({"supplier_code": "REV1", "decided_on": "2021-07-01", "evidence_type": "rba_vap",
                       "firm": "SGS", "csr_signed_on": "2021-06-01", "red_lines_failed": "child_labour"}),
            )
            .await;
        assert_eq!(rejected.status, 201, "{}", rejected.body);
        assert_eq!(rejected.json()["decision"], "rejected");
        assert_eq!(rejected.json()["failed_red_lines"], "child_labour");

        let again = api
            .send_json(
                "POST",
                "/api/v1/onboarding-reviews",
                json!({"supplier_code": "REV1", "decided_on": "2021-08-01", "evidence_type": "rba_vap",
                       "firm": "SGS", "csr_signed_on": "2021-06-01", "red_lines_failed": "", "decision": "rejected"}),
            )
            .await;
        assert_eq!(
            again.status, 422,
            "a decision that does not follow is refused"
        );

        let incomplete = api
            .send_json(
                "POST",
                "/api/v1/onboarding-reviews",
                json!({"supplier_code": "REV1", "decided_on": "2021-08-01", "evidence_type": "rba_vap", "firm": "SGS"}),
            )
            .await;
        assert_eq!(incomplete.status, 422);
        assert!(incomplete.json()["error"]["fields"]["csr_signed_on"].is_string());

        let list = api.get("/api/v1/onboarding-reviews?year=2021").await;
        assert_eq!(list.json()["total"], 1);
        assert_eq!(list.json()["items"][0]["supplier_code"], "REV1");
        assert_eq!(
            api.get("/api/v1/onboarding-reviews?year=2020").await.json()["total"],
            0
        );
    }
}

/// The figures are kept between requests, and every write that changes the
/// records is seen at the next request.
#[actix_web::test]
async fn kpis_follow_each_write_though_they_are_kept_between_requests() {
    for app in TestApp::each_backend().await {
        app.add_supplier("KPI1", "CN");
        let mut api = app.token_client("procurement");
        let figures = |body: serde_json::Value| {
            (
                body["onboarding"]["reviews"].as_u64().unwrap(),
                body["onboarding"]["rejected_red_line"].as_u64().unwrap(),
            )
        };
        let before = figures(api.get("/api/v1/kpis?year=2021").await.json());
        assert_eq!(before, (0, 0));
        // Asked again: the same answer (from the kept figures).
        assert_eq!(
            figures(api.get("/api/v1/kpis?year=2021").await.json()),
            before
        );

        let review = api
            .send_json(
                "POST",
                "/api/v1/onboarding-reviews",
                json!({"supplier_code": "KPI1", "decided_on": "2021-07-01", "evidence_type": "rba_vap",
                       "firm": "SGS", "csr_signed_on": "2021-06-01", "red_lines_failed": "child_labour"}),
            )
            .await;
        assert_eq!(review.status, 201, "{}", review.body);
        assert_eq!(
            figures(api.get("/api/v1/kpis?year=2021").await.json()),
            (1, 1)
        );
        // Last year's figures, kept beside them, are untouched.
        assert_eq!(
            figures(api.get("/api/v1/kpis?year=2020").await.json()),
            (0, 0)
        );
    }
}
