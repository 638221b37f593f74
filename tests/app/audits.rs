use serde_json::json;
use supplier_esg::models::api_token;

use crate::support::{Client, TestApp, TestDb};

/// An approved production supplier, as the plan's scope needs.
fn approved(app: &TestApp, code: &str, country: &str, category: &str) {
    app.add_supplier_with(code, |s| {
        s.country = country.into();
        s.category = category.into();
        s.status = "approved".into();
        s.approved_on = "2019-01-10".into();
    });
}

async fn assess(client: &mut Client, code: &str, fields: &[(&str, &str)]) -> crate::support::Reply {
    client
        .submit(
            &format!("/suppliers/{code}"),
            &format!("/suppliers/{code}/risk"),
            fields,
        )
        .await
}

#[actix_web::test]
async fn risk_is_computed_overrides_need_a_reason_and_show_on_the_timeline() {
    for app in TestApp::each_backend().await {
        approved(&app, "R1", "CN", "battery");
        approved(&app, "R2", "JP", "packaging");
        let mut buyer = app.signed_in("procurement").await;
        assert_eq!(
            assess(
                &mut buyer,
                "R1",
                &[("assessed_on", "2021-03-01"), ("saq_score", "40")]
            )
            .await
            .status,
            303
        );
        assert_eq!(
            assess(
                &mut buyer,
                "R2",
                &[("assessed_on", "2021-03-01"), ("saq_score", "95")]
            )
            .await
            .status,
            303
        );
        let page = buyer.get("/suppliers/R1").await;
        // (60·30 + 80·15 + 80·15 + 70·25 + 0·15) / 100 = 59.5 → 60: high.
        assert!(
            page.body.contains("<td class=\"num\">60</td>"),
            "score shown"
        );
        assert!(page.body.contains("Risk assessed"));

        let refused = assess(
            &mut buyer,
            "R2",
            &[
                ("assessed_on", "2021-04-01"),
                ("saq_score", "95"),
                ("tier", "high"),
            ],
        )
        .await;
        assert_eq!(refused.status, 422);
        assert!(refused.body.contains("needs a reason"), "{}", refused.body);
        let bad = assess(
            &mut buyer,
            "R2",
            &[("assessed_on", "2021-04-01"), ("saq_score", "101")],
        )
        .await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("0 to 100"));
        let ok = assess(
            &mut buyer,
            "R2",
            &[
                ("assessed_on", "2021-04-01"),
                ("saq_score", "95"),
                ("tier", "high"),
                ("reason", "Fire in March"),
            ],
        )
        .await;
        assert_eq!(ok.status, 303);
        let page = buyer.get("/suppliers/R2").await;
        assert!(page.body.contains("Fire in March"));
        assert!(page.body.contains("Risk tier overridden"));

        let list = buyer.get("/risk?year=2021").await;
        assert!(list.body.contains("R1") && list.body.contains("R2"));
        let high = buyer.get("/risk?year=2021&tier=high").await;
        assert!(
            high.body.contains("2 total"),
            "both high now (R2 by override)"
        );
        assert_eq!(buyer.get("/risk?tier=extreme").await.status, 400);
    }
}

#[actix_web::test]
async fn the_plan_picks_by_risk_and_history_and_creates_planned_audits() {
    for app in TestApp::each_backend().await {
        for (code, country, category) in [
            ("P1", "JP", "packaging"),
            ("P2", "CN", "battery"),
            ("P3", "CN", "packaging"),
            ("P4", "JP", "battery"),
        ] {
            approved(&app, code, country, category);
        }
        let mut buyer = app.signed_in("procurement").await;
        let none = buyer.get("/audits/plan?year=2021&capacity=3").await;
        assert!(none.body.contains("no risk assessments for 2021"));
        let zero = buyer.get("/audits/plan?year=2021&capacity=0").await;
        assert_eq!(zero.status, 422);
        assert!(zero.body.contains("at least 1"));

        for (code, saq) in [("P1", "90"), ("P2", "30"), ("P3", "60"), ("P4", "60")] {
            assess(
                &mut buyer,
                code,
                &[("assessed_on", "2021-01-15"), ("saq_score", saq)],
            )
            .await;
        }
        let proposal = buyer.get("/audits/plan?year=2021&capacity=3").await;
        assert_eq!(proposal.status, 200);
        let order: Vec<&str> = ["P2", "P3", "P4", "P1"]
            .into_iter()
            .filter(|c| proposal.body.contains(&format!("value=\"{c}\"")))
            .collect();
        assert_eq!(
            order,
            vec!["P2", "P3", "P4"],
            "capacity 3 leaves the lowest risk out"
        );
        let p2 = proposal.body.find("value=\"P2\"").unwrap();
        let p3 = proposal.body.find("value=\"P3\"").unwrap();
        assert!(p2 < p3, "highest risk first");
        assert!(proposal.body.contains("Never audited"));

        let auditor = app.add_user("firm.auditor@example.com", "auditor");
        let token = proposal.input_value("csrf").unwrap();
        let created = buyer
            .post(
                "/audits/plan",
                &[
                    ("csrf", &token),
                    ("year", "2021"),
                    ("supplier", "P2"),
                    ("supplier", "P3"),
                    ("add", "P1"),
                    ("firm", "SGS"),
                    ("auditor_email", &auditor.email),
                ],
            )
            .await;
        assert_eq!(created.status, 303);
        assert_eq!(app.count("audits"), 3);
        let list = buyer.get("/audits?year=2021&status=planned").await;
        assert!(
            list.body.contains("A2021-P2")
                && list.body.contains("A2021-P1")
                && !list.body.contains("A2021-P4")
        );
        let planned = buyer.get("/audits/A2021-P2").await;
        assert!(planned.body.contains("Risk tier: High"));
        assert!(buyer
            .get("/audits/A2021-P1")
            .await
            .body
            .contains("Added by hand"));

        // A second run tops up only: planned suppliers are not proposed again.
        let again = buyer.get("/audits/plan?year=2021&capacity=10").await;
        assert!(again.body.contains("value=\"P4\"") && !again.body.contains("value=\"P2\""));
        let unknown = buyer
            .post(
                "/audits/plan",
                &[("csrf", &token), ("year", "2021"), ("add", "NOPE")],
            )
            .await;
        assert_eq!(unknown.status, 400);
        assert_eq!(app.count("audits"), 3);
    }
}

#[actix_web::test]
async fn an_auditor_sees_only_their_audits_and_reports_them() {
    for app in TestApp::each_backend().await {
        approved(&app, "AU1", "CN", "display");
        approved(&app, "AU2", "CN", "display");
        let auditor = app.add_user("auditor.one@example.com", "auditor");
        app.add_user("auditor.two@example.com", "auditor");
        let mut buyer = app.signed_in("procurement").await;
        let mk = |r: &'static str, s: &'static str, a: &'static str| {
            [
                ("audit_ref", r),
                ("supplier_code", s),
                ("kind", "annual"),
                ("firm", "SGS"),
                ("auditor_email", a),
                ("planned_on", "2021-05-01"),
            ]
        };
        assert_eq!(
            buyer
                .submit(
                    "/audits/new",
                    "/audits",
                    &mk("AX-1", "AU1", "auditor.one@example.com")
                )
                .await
                .status,
            303
        );
        assert_eq!(
            buyer
                .submit(
                    "/audits/new",
                    "/audits",
                    &mk("AX-2", "AU2", "auditor.two@example.com")
                )
                .await
                .status,
            303
        );
        let not_auditor = buyer
            .submit(
                "/audits/new",
                "/audits",
                &mk("AX-3", "AU2", "nobody@example.com"),
            )
            .await;
        assert_eq!(not_auditor.status, 422);
        assert!(not_auditor.body.contains("No user has this e-mail."));
        let buyer_email = buyer.get("/").await;
        assert!(buyer_email.status == 200);
        let duplicate = buyer
            .submit("/audits/new", "/audits", &mk("AX-1", "AU2", ""))
            .await;
        assert!(duplicate.body.contains("already exists"));

        let mut me = app.client();
        assert_eq!(
            me.sign_in(&auditor.email, crate::support::PASSWORD)
                .await
                .status,
            303
        );
        let mine = me.get("/audits").await;
        assert!(mine.body.contains("My audits"));
        assert!(mine.body.contains("AX-1") && !mine.body.contains("AX-2"));
        assert_eq!(me.get("/audits/AX-2").await.status, 404);
        assert_eq!(me.get("/suppliers/AU1").await.status, 404);
        assert_eq!(me.get("/risk").await.status, 403);
        let page = me.get("/audits/AX-1").await;
        assert!(
            page.body.contains("AU1 Precision Electronics"),
            "the supplier's basic profile"
        );

        let advance = |fields: Vec<(&'static str, String)>| fields;
        let version = page.input_value("version").unwrap();
        let started = me
            .submit_multipart(
                "/audits/AX-1",
                "/audits/AX-1/advance",
                &[("version", &version)],
                &[],
            )
            .await;
        assert_eq!(started.status, 303);
        let page = me.get("/audits/AX-1").await;
        let version = page.input_value("version").unwrap();
        let _ = advance(vec![]);
        for (fields, message) in [
            (
                vec![
                    ("version", version.as_str()),
                    ("performed_on", "2021-05-20"),
                ],
                "needs its score",
            ),
            (
                vec![
                    ("version", version.as_str()),
                    ("performed_on", "2021-05-20"),
                    ("score", "101"),
                ],
                "0 to 100",
            ),
            (
                vec![
                    ("version", version.as_str()),
                    ("performed_on", "2021-04-20"),
                    ("score", "80"),
                ],
                "before it was planned",
            ),
        ] {
            let refused = me
                .submit_multipart("/audits/AX-1", "/audits/AX-1/advance", &fields, &[])
                .await;
            assert_eq!(refused.status, 422, "{message}");
            assert!(refused.body.contains(message), "{message}");
        }
        let reported = me
            .submit_multipart(
                "/audits/AX-1",
                "/audits/AX-1/advance",
                &[
                    ("version", &version),
                    ("performed_on", "2021-05-20"),
                    ("score", "72"),
                ],
                &[("report_file", "report.pdf", b"%PDF-1.5 audit report")],
            )
            .await;
        assert_eq!(reported.status, 303);
        let page = me.get("/audits/AX-1").await;
        assert!(page.body.contains("Medium"), "72 grades medium");
        // The assigned auditor downloads the report the page links; the
        // other auditor and the audited supplier's contact do not.
        let report = page.number_after("/attachments/").unwrap();
        let file = me.get(&format!("/attachments/{report}")).await;
        assert_eq!(file.status, 200);
        assert!(file.body.starts_with("%PDF"));
        app.add_supplier_contact("contact@au1.example", "AU1");
        for mut other in [
            app.signed_in_as("auditor.two@example.com").await,
            app.signed_in_as("contact@au1.example").await,
        ] {
            let refused = other.get(&format!("/attachments/{report}")).await;
            assert_eq!(refused.status, 404);
            assert!(!refused.body.contains("audit report"));
        }
        // Closing is for programme staff.
        let version = page.input_value("version").unwrap_or_else(|| "0".into());
        assert_eq!(
            me.submit_multipart(
                "/audits/AX-1",
                "/audits/AX-1/advance",
                &[("version", &version)],
                &[]
            )
            .await
            .status,
            403
        );
        let closed = buyer
            .submit_multipart(
                "/audits/AX-1",
                "/audits/AX-1/advance",
                &[("version", "3")],
                &[],
            )
            .await;
        assert_eq!(closed.status, 303);
        assert!(buyer.get("/audits/AX-1").await.body.contains("Closed"));
        assert!(buyer
            .get("/audits?grade=medium")
            .await
            .body
            .contains("AX-1"));
        assert!(!buyer.get("/audits?grade=poor").await.body.contains("AX-1"));
        let calendar = buyer.get("/audits/calendar?month=2021-05").await;
        assert!(calendar.body.contains("AX-1"));
        assert_eq!(buyer.get("/audits/calendar?month=May").await.status, 400);
    }
}

#[actix_web::test]
async fn audits_and_risk_import_and_the_api() {
    for app in TestApp::each_backend().await {
        approved(&app, "IM1", "CN", "display");
        let auditor = app.add_user("import.auditor@example.com", "auditor");
        let mut buyer = app.signed_in("procurement").await;
        let audits = format!(
            "audit_ref,supplier_code,kind,firm,auditor_email,planned_on,performed_on,score,status\n\
             I-1,IM1,annual,SGS,{},2021-03-01,2021-03-10,88,closed\n\
             I-2,IM1,follow_up,SGS,,2021-09-01,,,planned\n",
            auditor.email
        );
        for _ in 0..2 {
            let checked = buyer
                .submit_multipart(
                    "/import",
                    "/import",
                    &[("kind", "audits")],
                    &[("file", "a.csv", audits.as_bytes())],
                )
                .await;
            assert_eq!(checked.status, 200, "{}", checked.body);
            let upload = checked.input_value("upload").unwrap();
            buyer
                .submit(
                    "/import",
                    "/import/confirm",
                    &[("kind", "audits"), ("upload", &upload)],
                )
                .await;
        }
        assert_eq!(app.count("audits"), 2, "re-import changes nothing");
        let bad = "audit_ref,supplier_code,kind,score,status\nI-3,IM1,yearly,150,reported\n";
        let refused = buyer
            .submit_multipart(
                "/import",
                "/import",
                &[("kind", "audits")],
                &[("file", "b.csv", bad.as_bytes())],
            )
            .await;
        assert_eq!(refused.status, 422);
        assert!(refused.body.contains("Unknown audit kind."));
        assert!(refused.body.contains("0 to 100"), "{}", refused.body);

        let risk = "supplier_code,assessed_on,saq_score,tier,reason\nIM1,2021-02-01,70,,\nIM1,2021-06-01,70,high,New owner\n";
        let checked = buyer
            .submit_multipart(
                "/import",
                "/import",
                &[("kind", "risk")],
                &[("file", "r.csv", risk.as_bytes())],
            )
            .await;
        let upload = checked.input_value("upload").unwrap();
        buyer
            .submit(
                "/import",
                "/import/confirm",
                &[("kind", "risk"), ("upload", &upload)],
            )
            .await;
        assert_eq!(app.count("risk_assessments"), 2);

        let user = app.add_user("audit-api@example.com", "procurement");
        let token = api_token::create(&mut app.conn(), user.id).unwrap();
        let mut api = app
            .client()
            .with_header("authorization", &format!("Bearer {token}"));
        let list = api.get("/api/v1/audits?year=2021&grade=excellent").await;
        assert_eq!(list.json()["total"], 1);
        assert_eq!(list.json()["items"][0]["grade"], "excellent");
        assert_eq!(
            list.json()["items"][0]["auditor_email"],
            auditor.email.as_str()
        );
        let one = api.get("/api/v1/audits/I-2").await;
        assert_eq!(one.json()["status"], "planned");
        let created = api
            .send_json("POST", "/api/v1/audits", json!({"audit_ref": "I-9", "supplier_code": "IM1", "kind": "rba_vap", "performed_on": "2021-07-01", "score": "64", "status": "reported"}))
            .await;
        assert_eq!(created.status, 201, "{}", created.body);
        assert_eq!(created.json()["grade"], "poor");
        let invalid = api.send_json("POST", "/api/v1/audits", json!({"audit_ref": "I-10", "supplier_code": "IM1", "kind": "annual", "status": "reported"})).await;
        assert_eq!(invalid.status, 422);
        assert!(invalid.json()["error"]["fields"]["score"].is_string());
        let risks = api.get("/api/v1/risk-assessments?year=2021").await;
        assert_eq!(risks.json()["total"], 1, "latest per supplier");
        assert_eq!(risks.json()["items"][0]["tier"], "high");
        assert_eq!(risks.json()["items"][0]["override_reason"], "New owner");
    }
}

#[actix_web::test]
async fn the_demo_audit_programme_has_the_published_figures() {
    let app = TestApp::start(TestDb::sqlite()).await;
    supplier_esg::demo::load(&mut app.conn(), 1).unwrap();
    #[derive(diesel::QueryableByName, Debug, PartialEq)]
    struct Year {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        audited: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        excellent: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        medium: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        poor: i64,
    }
    use diesel::RunQueryDsl;
    let year = |y: i32| -> Year {
        diesel::sql_query(format!(
            "SELECT COUNT(DISTINCT a.supplier_id) AS audited, \
             SUM(CASE WHEN a.score >= 85 THEN 1 ELSE 0 END) AS excellent, \
             SUM(CASE WHEN a.score >= 70 AND a.score < 85 THEN 1 ELSE 0 END) AS medium, \
             SUM(CASE WHEN a.score < 70 THEN 1 ELSE 0 END) AS poor \
             FROM audits a JOIN suppliers s ON s.id = a.supplier_id \
             WHERE s.business_unit = 'phones' AND a.performed_on BETWEEN '{y}-01-01' AND '{y}-12-31'"
        ))
        .get_result(&mut *app.conn())
        .unwrap()
    };
    assert_eq!(
        year(2021),
        Year {
            audited: 320,
            excellent: 95,
            medium: 83,
            poor: 142
        }
    );
    assert_eq!(
        year(2020),
        Year {
            audited: 249,
            excellent: 56,
            medium: 56,
            poor: 137
        }
    );
    let mut auditor = app.client();
    auditor
        .sign_in(
            "auditor@supplier-esg.demo",
            supplier_esg::demo::DEMO_PASSWORD,
        )
        .await;
    let mine = auditor.get("/audits").await;
    // The demo auditor reads Chinese.
    assert!(mine.body.contains("我的审核"), "{}", mine.body);
    assert!(!mine.body.contains(">0 条<"));
}
