use chrono::{Duration, Months};
use serde_json::json;
use supplier_esg::models::now;

use crate::support::{Client, Reply, TestApp, TestDb};

/// An approved supplier with a supplier-contact user, an auditor, and an
/// audit of that supplier assigned to the auditor (in progress).
struct Scene {
    supplier_user: String,
    auditor: String,
}

async fn scene(app: &TestApp, buyer: &mut Client) -> Scene {
    app.add_supplier_with("CA1", |s| {
        s.status = "approved".into();
        s.approved_on = "2019-01-01".into();
        s.buyer_email = "buyer@example.com".into();
    });
    app.add_supplier_contact("contact@ca1.example.cn", "CA1");
    app.add_user("auditor@firm.example", "auditor");
    let created = buyer
        .submit(
            "/audits/new",
            "/audits",
            &[
                ("audit_ref", "AC-1"),
                ("supplier_code", "CA1"),
                ("kind", "annual"),
                ("firm", "SGS"),
                ("auditor_email", "auditor@firm.example"),
                ("planned_on", "2021-01-01"),
            ],
        )
        .await;
    assert_eq!(created.status, 303);
    Scene {
        supplier_user: "contact@ca1.example.cn".into(),
        auditor: "auditor@firm.example".into(),
    }
}

async fn add_finding(client: &mut Client, fields: &[(&str, &str)]) -> Reply {
    client
        .submit("/audits/AC-1", "/audits/AC-1/findings", fields)
        .await
}

fn action_id(page: &Reply, finding_ref: &str) -> String {
    let row = page
        .body
        .split(finding_ref)
        .nth(1)
        .unwrap_or_else(|| panic!("{finding_ref} not on the page"));
    row.split("/corrective-actions/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

#[actix_web::test]
async fn findings_open_actions_on_the_four_month_clock_and_lock_at_the_report() {
    for app in TestApp::each_backend().await {
        let mut buyer = app.signed_in("procurement").await;
        let s = scene(&app, &mut buyer).await;
        let mut auditor = app.signed_in_as(&s.auditor).await;
        let ok = add_finding(
            &mut auditor,
            &[
                ("clause", "A3"),
                ("severity", "major"),
                ("description", "Overtime 70 h/week"),
                ("found_on", "2021-10-31"),
            ],
        )
        .await;
        assert_eq!(ok.status, 303, "{}", ok.body);
        assert!(
            ok.location().contains("clause=A3"),
            "the form remembers the clause"
        );
        add_finding(
            &mut auditor,
            &[
                ("clause", "E11"),
                ("severity", "observation"),
                ("description", "Records tidy but late"),
                ("found_on", "2021-10-31"),
            ],
        )
        .await;
        add_finding(
            &mut auditor,
            &[
                ("clause", "B2"),
                ("severity", "observation"),
                ("needs_action", "true"),
                ("description", "Drill overdue"),
                ("found_on", "2021-11-01"),
            ],
        )
        .await;
        let bad = add_finding(
            &mut auditor,
            &[
                ("clause", "Z9"),
                ("severity", "major"),
                ("description", "x"),
                ("found_on", "2021-11-01"),
            ],
        )
        .await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("Choose a clause of the RBA Code"));
        let future = add_finding(
            &mut auditor,
            &[
                ("clause", "A1"),
                ("severity", "major"),
                ("description", "x"),
                ("found_on", "2099-01-01"),
            ],
        )
        .await;
        assert_eq!(future.status, 422);

        let page = auditor.get("/audits/AC-1").await;
        assert!(
            page.body.contains("AC-1-F01")
                && page.body.contains("AC-1-F02")
                && page.body.contains("AC-1-F03")
        );
        assert!(
            page.body.contains("2022-02-28"),
            "31 Oct + 4 months clamps to 28 Feb"
        );
        assert_eq!(app.count("findings"), 3);
        assert_eq!(
            app.count("corrective_actions"),
            2,
            "the plain observation has none"
        );

        // A red-line finding makes the supplier high risk at once.
        add_finding(
            &mut auditor,
            &[
                ("clause", "A2"),
                ("severity", "priority"),
                ("red_line", "child_labour"),
                ("description", "Worker aged 15"),
                ("found_on", "2021-11-02"),
            ],
        )
        .await;
        let supplier = buyer.get("/suppliers/CA1").await;
        assert!(
            supplier.body.contains("badge bad\">High"),
            "tier high on the scorecard"
        );

        // Report the audit: from then on the auditor cannot add findings.
        let version = auditor
            .get("/audits/AC-1")
            .await
            .input_value("version")
            .unwrap();
        auditor
            .submit_multipart(
                "/audits/AC-1",
                "/audits/AC-1/advance",
                &[("version", &version)],
                &[],
            )
            .await;
        let version = auditor
            .get("/audits/AC-1")
            .await
            .input_value("version")
            .unwrap();
        let reported = auditor
            .submit_multipart(
                "/audits/AC-1",
                "/audits/AC-1/advance",
                &[
                    ("version", &version),
                    ("performed_on", "2021-10-31"),
                    ("score", "66"),
                ],
                &[],
            )
            .await;
        assert_eq!(reported.status, 303);
        let locked = add_finding(
            &mut auditor,
            &[
                ("clause", "A1"),
                ("severity", "minor"),
                ("description", "late"),
                ("found_on", "2021-11-03"),
            ],
        )
        .await;
        assert_eq!(locked.status, 403);
        let by_staff = add_finding(
            &mut buyer,
            &[
                ("clause", "A1"),
                ("severity", "minor"),
                ("description", "added by procurement"),
                ("found_on", "2021-11-03"),
            ],
        )
        .await;
        assert_eq!(by_staff.status, 303);
    }
}

#[actix_web::test]
async fn the_supplier_plans_and_reports_progress_and_the_auditor_verifies() {
    for app in TestApp::each_backend().await {
        let mut buyer = app.signed_in("procurement").await;
        let s = scene(&app, &mut buyer).await;
        let mut auditor = app.signed_in_as(&s.auditor).await;
        add_finding(
            &mut auditor,
            &[
                ("clause", "B1"),
                ("severity", "major"),
                ("description", "Press guarding missing"),
                ("found_on", "2021-03-01"),
            ],
        )
        .await;
        let id = action_id(&auditor.get("/audits/AC-1").await, "AC-1-F01");
        let mut contact = app.signed_in_as(&s.supplier_user).await;

        let early = contact
            .action_step(&id, "progress", &[("percent", "10")], &[])
            .await;
        assert_eq!(early.status, 422, "no progress before a plan");
        assert!(early.body.contains("not possible in the action"));
        let missing = contact
            .action_step(
                &id,
                "plan",
                &[
                    ("root_cause", ""),
                    ("planned_actions", "Fit guards"),
                    ("owner", "Mr Li"),
                ],
                &[],
            )
            .await;
        assert_eq!(missing.status, 422);
        assert!(missing.body.contains("This field is required."));
        let plan = contact
            .action_step(
                &id,
                "plan",
                &[
                    ("root_cause", "Guards removed for maintenance"),
                    ("planned_actions", "Fit interlocked guards"),
                    ("owner", "Mr Li"),
                ],
                &[],
            )
            .await;
        assert_eq!(plan.status, 303, "{}", plan.body);
        let p40 = contact
            .action_step(
                &id,
                "progress",
                &[
                    ("entry_on", "2021-03-10"),
                    ("percent", "40"),
                    ("note", "Guards ordered"),
                ],
                &[("file", "photo.png", b"\x89PNG\r\n\x1a\nimage")],
            )
            .await;
        assert_eq!(p40.status, 303, "{}", p40.body);
        // The photo downloads for the contact who sent it and for the
        // auditor of the audit, from the page that links it.
        let photo = contact
            .get(&format!("/corrective-actions/{id}"))
            .await
            .number_after("/attachments/")
            .unwrap();
        for who in [&mut contact, &mut auditor] {
            let file = who.get(&format!("/attachments/{photo}")).await;
            assert_eq!(file.status, 200);
            assert!(file.body.contains("PNG"));
        }
        for (fields, message) in [
            (
                vec![("entry_on", "2021-03-12"), ("percent", "30")],
                "only go down with a note",
            ),
            (
                vec![("entry_on", "2021-03-12"), ("percent", "130")],
                "from 0 to 100",
            ),
            (
                vec![("entry_on", "2021-02-01"), ("percent", "50")],
                "before the finding",
            ),
        ] {
            let refused = contact.action_step(&id, "progress", &fields, &[]).await;
            assert_eq!(refused.status, 422, "{message}");
            assert!(refused.body.contains(message), "{message}");
        }
        assert_eq!(
            app.count("action_progress"),
            1,
            "refused entries write nothing"
        );
        assert_eq!(
            contact
                .action_step(
                    &id,
                    "progress",
                    &[
                        ("entry_on", "2021-03-12"),
                        ("percent", "30"),
                        ("note", "One guard failed inspection")
                    ],
                    &[]
                )
                .await
                .status,
            303
        );
        assert_eq!(
            contact
                .action_step(&id, "request_verification", &[], &[])
                .await
                .status,
            303
        );
        // The supplier cannot verify its own work.
        assert_eq!(
            contact
                .action_step(&id, "verify", &[("note", "done")], &[])
                .await
                .status,
            403
        );

        // Another supplier's contact sees nothing of it.
        let mut stranger = app.signed_in("supplier").await;
        assert_eq!(
            stranger
                .get(&format!("/corrective-actions/{id}"))
                .await
                .status,
            404
        );
        assert!(!stranger
            .get("/corrective-actions")
            .await
            .body
            .contains("AC-1-F01"));

        let empty = auditor.action_step(&id, "verify", &[], &[]).await;
        assert_eq!(empty.status, 422);
        assert!(empty.body.contains("Closing needs evidence"));
        assert_eq!(
            auditor
                .action_step(&id, "reject", &[("note", "Guard 2 still missing")], &[])
                .await
                .status,
            303
        );
        assert!(contact
            .get(&format!("/corrective-actions/{id}"))
            .await
            .body
            .contains("Sent back"));
        contact
            .action_step(&id, "request_verification", &[], &[])
            .await;
        let closed = auditor
            .action_step(
                &id,
                "verify",
                &[("note", "Both guards fitted, interlock tested")],
                &[("file", "evidence.pdf", b"%PDF-1.4 evidence")],
            )
            .await;
        assert_eq!(closed.status, 303);
        let page = contact.get(&format!("/corrective-actions/{id}")).await;
        assert!(page.body.contains("Verified and closed"));
        assert!(
            page.body.contains(&format!("{}", now().date())),
            "closed today"
        );
        // The audit page shows the on-time rate: closed after the due date? No: due 2021-07-01, closed today → late.
        assert!(buyer.get("/audits/AC-1").await.body.contains("0.0 %"));
    }
}

#[actix_web::test]
async fn extensions_need_a_reason_and_an_approver_and_lists_find_the_week() {
    for app in TestApp::each_backend().await {
        let mut buyer = app.signed_in("procurement").await;
        let s = scene(&app, &mut buyer).await;
        let mut auditor = app.signed_in_as(&s.auditor).await;
        let today = now().date();
        let found_overdue = (today - Months::new(4) - Duration::days(5)).to_string();
        let found_soon = (today - Months::new(4) + Duration::days(10)).to_string();
        add_finding(
            &mut auditor,
            &[
                ("clause", "B1"),
                ("severity", "major"),
                ("description", "late one"),
                ("found_on", &found_overdue),
            ],
        )
        .await;
        add_finding(
            &mut auditor,
            &[
                ("clause", "B2"),
                ("severity", "minor"),
                ("description", "soon one"),
                ("found_on", &found_soon),
            ],
        )
        .await;
        let overdue = buyer.get("/corrective-actions?overdue=true").await;
        assert!(overdue.body.contains("late one") && !overdue.body.contains("soon one"));
        let soon = buyer.get("/corrective-actions?due_within=14").await;
        assert!(soon.body.contains("soon one") && !soon.body.contains("late one"));
        let stale = buyer.get("/corrective-actions?stale_days=7").await;
        assert!(
            !stale.body.contains("late one"),
            "no plan yet: not 'no progress'"
        );
        assert_eq!(
            buyer.get("/corrective-actions?overdue=maybe").await.status,
            400
        );

        // The buyer's queue on the home page.
        app.add_user("buyer@example.com", "procurement");
        let mut owner = app.signed_in_as("buyer@example.com").await;
        let home = owner.get("/").await;
        assert!(
            home.body.contains("Your queue")
                && home.body.contains("late one")
                && home.body.contains("soon one")
        );

        let id = action_id(&buyer.get("/audits/AC-1").await, "AC-1-F01");
        let page = format!("/corrective-actions/{id}");
        let version = buyer.get(&page).await.input_value("version").unwrap();
        let extend = |due: &str, reason: &str| {
            vec![
                ("version".to_owned(), version.clone()),
                ("due_on".to_owned(), due.to_owned()),
                ("reason".to_owned(), reason.to_owned()),
            ]
        };
        let new_due = (today + Duration::days(30)).to_string();
        for (fields, message) in [
            (extend(&new_due, ""), "A reason is required."),
            (extend("2000-01-01", "x"), "must be later"),
        ] {
            let f: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let refused = buyer.submit(&page, &format!("{page}/extend"), &f).await;
            assert_eq!(refused.status, 422);
            assert!(refused.body.contains(message), "{message}");
        }
        let fields = extend(&new_due, "Guards on back order");
        let f: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let mut contact = app.signed_in_as(&s.supplier_user).await;
        assert_eq!(
            contact
                .submit(&page, &format!("{page}/extend"), &f)
                .await
                .status,
            403,
            "only procurement approves"
        );
        assert_eq!(
            buyer
                .submit(&page, &format!("{page}/extend"), &f)
                .await
                .status,
            303
        );
        let after = buyer.get(&page).await;
        assert!(
            after.body.contains("Due date extended") && after.body.contains("Guards on back order")
        );
        assert!(!buyer
            .get("/corrective-actions?overdue=true")
            .await
            .body
            .contains("late one"));
    }
}

#[actix_web::test]
async fn findings_upload_and_the_actions_api() {
    for app in TestApp::each_backend().await {
        let mut buyer = app.signed_in("procurement").await;
        let s = scene(&app, &mut buyer).await;
        let mut auditor = app.signed_in_as(&s.auditor).await;
        let csv = "finding_ref,audit_ref,clause,severity,red_line,description,found_on,closed_on\n\
                   AC-1-X1,AC-1,A3,major,,Overtime,2021-05-01,\n\
                   AC-1-X2,AC-1,C3,minor,,SDS missing,2021-05-01,2021-06-01\n\
                   AC-1-X3,AC-1,E11,observation,,Late records,2021-05-01,\n";
        let checked = auditor
            .submit_multipart(
                "/import?kind=findings",
                "/import",
                &[("kind", "findings")],
                &[("file", "f.csv", csv.as_bytes())],
            )
            .await;
        assert_eq!(checked.status, 200, "{}", checked.body);
        let upload = checked.input_value("upload").unwrap();
        let done = auditor
            .submit(
                "/import",
                "/import/confirm",
                &[("kind", "findings"), ("upload", &upload)],
            )
            .await;
        assert!(done.body.contains("New 3"), "{}", done.body);
        assert_eq!(app.count("corrective_actions"), 2);
        // An auditor may import nothing else, and nothing into others' audits.
        let other = auditor
            .submit_multipart(
                "/import",
                "/import",
                &[("kind", "suppliers")],
                &[("file", "s.csv", b"code\nX\n")],
            )
            .await;
        assert_eq!(other.status, 403);
        app.add_user("auditor2@firm.example", "auditor");
        let mut intruder = app.signed_in_as("auditor2@firm.example").await;
        let refused = intruder
            .submit_multipart(
                "/import",
                "/import",
                &[("kind", "findings")],
                &[("file", "f.csv", csv.as_bytes())],
            )
            .await;
        assert_eq!(refused.status, 422);
        assert!(refused.body.contains("No audit has this reference."));

        let user = app.add_user("ca-api@example.com", "procurement");
        let mut api = app.api_client(&user);
        let open = api
            .get("/api/v1/corrective-actions?status=open&supplier=CA1")
            .await;
        assert_eq!(open.json()["total"], 1);
        let overdue = api.get("/api/v1/corrective-actions?overdue=true").await;
        assert_eq!(overdue.json()["total"], 1, "due 2021-09-01, still open");
        assert_eq!(overdue.json()["items"][0]["overdue"], true);
        let id = open.json()["items"][0]["action"]["id"].as_i64().unwrap();
        let planned = api
            .send_json("POST", &format!("/api/v1/corrective-actions/{id}/plan"), json!({"version": 1, "root_cause": "Peak season", "planned_actions": "Hire", "owner": "HR"}))
            .await;
        assert_eq!(planned.status, 200, "{}", planned.body);
        assert_eq!(planned.json()["status"], "plan_submitted");
        let stale = api
            .send_json(
                "POST",
                &format!("/api/v1/corrective-actions/{id}/plan"),
                json!({"version": 1, "root_cause": "x", "planned_actions": "y", "owner": "z"}),
            )
            .await;
        assert_eq!(stale.status, 409);
        let wrong = api
            .send_json(
                "POST",
                &format!("/api/v1/corrective-actions/{id}/verify"),
                json!({"version": 2, "note": "ok"}),
            )
            .await;
        assert_eq!(wrong.status, 422);
        assert!(wrong.json()["error"]["fields"]["status"].is_string());
        let list = api
            .get("/api/v1/findings?audit=AC-1&severity=observation")
            .await;
        assert_eq!(list.json()["total"], 1);
        let created = api
            .send_json("POST", "/api/v1/findings", json!({"audit_ref": "AC-1", "clause": "D1", "severity": "major", "description": "Gift register missing", "found_on": "2021-05-02"}))
            .await;
        assert_eq!(created.status, 201, "{}", created.body);
        assert_eq!(created.json()["corrective_action"]["due_on"], "2021-09-02");
    }
}

#[actix_web::test]
async fn the_demo_remediation_buckets_are_48_22_30() {
    let app = TestApp::start(TestDb::sqlite()).await;
    supplier_esg::demo::load(&mut app.conn(), 1).unwrap();
    #[derive(diesel::QueryableByName, Debug, PartialEq)]
    struct Buckets {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        above: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        middle: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        below: i64,
    }
    use diesel::RunQueryDsl;
    let b: Buckets = diesel::sql_query(
        "WITH r AS (SELECT a.supplier_id AS s, 100.0 * SUM(CASE WHEN ca.closed_on IS NOT NULL AND ca.closed_on <= ca.due_on THEN 1 ELSE 0 END) / COUNT(*) AS rate \
         FROM corrective_actions ca JOIN findings f ON f.id = ca.finding_id JOIN audits a ON a.id = f.audit_id \
         WHERE a.performed_on BETWEEN '2021-01-01' AND '2021-12-31' GROUP BY a.supplier_id) \
         SELECT SUM(CASE WHEN rate > 80 THEN 1 ELSE 0 END) AS above, SUM(CASE WHEN rate >= 60 AND rate <= 80 THEN 1 ELSE 0 END) AS middle, \
         SUM(CASE WHEN rate < 60 THEN 1 ELSE 0 END) AS below FROM r",
    )
    .get_result(&mut *app.conn())
    .unwrap();
    assert_eq!(
        b,
        Buckets {
            above: 120,
            middle: 55,
            below: 75
        }
    );
    let mut buyer = app.client();
    buyer
        .sign_in("buyer@supplier-esg.demo", supplier_esg::demo::DEMO_PASSWORD)
        .await;
    let overdue = buyer.get("/corrective-actions?overdue=true").await;
    assert!(
        !overdue.body.contains(">0 条<"),
        "some actions are overdue today"
    );
}
