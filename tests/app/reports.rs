use serde_json::json;
use supplier_esg::models::api_token;

use crate::support::{TestApp, TestDb};

#[actix_web::test]
async fn the_demo_reproduces_the_published_figures() {
    for app in TestApp::each_backend().await {
        supplier_esg::demo::load(&mut app.conn(), 1).unwrap();
        let viewer = app.add_user("board@example.com", "viewer");
        let token = api_token::create(&mut app.conn(), viewer.id).unwrap();
        let mut api = app
            .client()
            .with_header("authorization", &format!("Bearer {token}"));
        let k = api.get("/api/v1/kpis?year=2021").await.json();
        assert_eq!(k["year"], 2021);
        assert_eq!(k["business_unit"], json!(null));
        assert_eq!(
            k["suppliers"],
            json!({"production_total": 1221, "mainland_china": 1092, "international": 129})
        );
        assert_eq!(k["onboarding"]["rejected_red_line"], 6);
        assert_eq!(k["audits"]["suppliers_audited"], 320);
        assert_eq!(k["audits"]["previous_year"], 249);
        assert_eq!(
            k["performance"],
            json!({"excellent_pct": 29.7, "medium_pct": 25.9, "poor_pct": 44.4})
        );
        assert_eq!(k["remediation"]["above_80_pct"], 48.0);
        assert_eq!(k["remediation"]["from_60_to_80_pct"], 22.0);
        assert_eq!(k["remediation"]["below_60_pct"], 30.0);
        let phones21 = api
            .get("/api/v1/kpis?year=2021&business_unit=phones")
            .await
            .json();
        assert_eq!(phones21["smelters"]["total"], 431);
        assert_eq!(phones21["smelters"]["countries"], 59);
        assert_eq!(phones21["smelters"]["conformant_pct"], 93.5);
        let cobalt = phones21["smelters"]["by_metal"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["metal"] == "cobalt")
            .unwrap()
            .clone();
        assert_eq!(
            cobalt,
            json!({"metal": "cobalt", "total": 90, "conformant": 63, "conformant_pct": 70.0})
        );
        assert_eq!(
            k["climate"],
            json!({"with_target": 103, "ghg_verified": 41, "ghg_in_progress": 9})
        );
        assert!(k["training"]["suppliers"].as_i64().unwrap() >= 200);
        assert!(k["training"]["people"].as_i64().unwrap() >= 700);
        let phones = api
            .get("/api/v1/kpis?year=2020&business_unit=phones")
            .await
            .json();
        assert_eq!(
            phones["performance"],
            json!({"excellent_pct": 22.5, "medium_pct": 22.5, "poor_pct": 55.0})
        );
        assert_eq!(phones["audits"]["suppliers_audited"], 249);
        let empty = api.get("/api/v1/kpis?year=2005").await.json();
        assert_eq!(
            empty["performance"]["excellent_pct"],
            json!(null),
            "no denominator: null"
        );
        assert_eq!(empty["suppliers"]["production_total"], 0);
        assert_eq!(api.get("/api/v1/kpis?year=2999").await.status, 400);
        assert_eq!(api.get("/api/v1/kpis?year=soon").await.status, 400);
    }
}

#[actix_web::test]
async fn the_dashboard_draws_charts_and_the_report_exports() {
    let app = TestApp::start(TestDb::sqlite()).await;
    supplier_esg::demo::load(&mut app.conn(), 1).unwrap();
    let mut viewer = app.signed_in("viewer").await;
    let home = viewer.get("/?year=2021").await;
    assert_eq!(home.status, 200);
    assert!(
        home.body.contains("<svg class=\"chart\""),
        "server-drawn charts"
    );
    assert!(
        home.body.contains("href=\"/audits?year=2021\""),
        "figures link to their records"
    );
    assert!(home.body.contains(">320<"));
    assert!(!home.body.contains("<script>"), "no inline script");
    let phones = viewer.get("/?year=2021&business_unit=phones").await;
    assert!(phones.body.contains(">720<"));
    let report = viewer.get("/reports?year=2021").await;
    assert!(report.body.contains("Rejected for red lines") && report.body.contains("29.7"));
    let xlsx = viewer.get("/reports/export.xlsx?year=2021").await;
    assert_eq!(xlsx.status, 200);
    assert!(xlsx.body.starts_with("PK"));
    let csv = viewer
        .get("/reports/export.csv?year=2021&table=report.audits")
        .await;
    assert!(
        csv.body.contains("Suppliers audited,受审核供应商数,320"),
        "{}",
        csv.body
    );
    assert_eq!(
        viewer
            .get("/reports/export.csv?year=2021&table=nope")
            .await
            .status,
        400
    );
    let mut auditor = app.signed_in("auditor").await;
    assert_eq!(auditor.get("/reports").await.status, 403);
    assert_eq!(auditor.get("/api/v1/kpis?year=2021").await.status, 403);
    let auditor_home = auditor.get("/").await;
    assert!(
        !auditor_home.body.contains("<svg class=\"chart\""),
        "no figures for auditors"
    );
}
