//! ESG data, the ten-fold check, statements, requests, the climate view,
//! training, improvement programmes, their imports and API, and the demo's
//! published figures.

use chrono::Datelike;
use serde_json::json;

use supplier_esg::domain::esg::{ClimateFigures, TrainingFigures};
use supplier_esg::models::supplier::Supplier;
use supplier_esg::models::{esg, esg_request, training};

use crate::support::{unique_name, Client, Reply, TestApp, PASSWORD};

fn this_year() -> i32 {
    chrono::Utc::now().year()
}

/// A supplier contact, signed in, and the company they belong to.
async fn contact(app: &TestApp) -> (Client, Supplier) {
    let email = format!("contact-{}@example.com", unique_name());
    let user = app.add_user(&email, "supplier");
    let supplier = Supplier::find(&mut app.conn(), user.supplier_id.unwrap())
        .unwrap()
        .unwrap();
    let mut client = app.client();
    assert_eq!(client.sign_in(&email, PASSWORD).await.status, 303);
    (client, supplier)
}

fn token(app: &TestApp, role: &str) -> (Client, supplier_esg::models::user::User) {
    let user = app.add_user(&format!("{role}-api-{}@example.com", unique_name()), role);
    (app.api_client(&user), user)
}

/// The ESG form's fields for a year, with scope 1 and scope 2.
fn year_fields(code: &str, year: i32, scope1: &str, scope2: &str) -> Vec<(&'static str, String)> {
    vec![
        ("supplier_code", code.to_owned()),
        ("year", year.to_string()),
        ("scope1_t", scope1.to_owned()),
        ("scope2_t", scope2.to_owned()),
        ("renewable_mwh", "1,200.5".to_owned()),
        ("wastewater_t", "3500".to_owned()),
        ("exhaust_t", "12.4".to_owned()),
        ("hazardous_waste_t", "80".to_owned()),
        ("revenue_mcny", "450".to_owned()),
        ("has_target", "yes".to_owned()),
        ("target_year", "2030".to_owned()),
        ("target_text", "−30 % by 2030".to_owned()),
        ("ghg_verification", "in_progress".to_owned()),
        ("verifier", "SGS".to_owned()),
    ]
}

fn with(
    mut fields: Vec<(&'static str, String)>,
    key: &'static str,
    value: &str,
) -> Vec<(&'static str, String)> {
    match fields.iter_mut().find(|(k, _)| *k == key) {
        Some((_, v)) => *v = value.to_owned(),
        None => fields.push((key, value.to_owned())),
    }
    fields
}

async fn post_esg(
    client: &mut Client,
    fields: &[(&'static str, String)],
    files: &[(&str, &str, &[u8])],
) -> Reply {
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    client
        .submit_multipart("/esg/data/new", "/esg/data", &refs, files)
        .await
}

fn esg_rows(app: &TestApp) -> i64 {
    app.count("esg_data")
}

#[actix_web::test]
async fn a_supplier_contact_enters_their_own_data_and_nobody_elses() {
    for app in TestApp::each_backend().await {
        let (mut contact, own) = contact(&app).await;
        let other = app.add_supplier("OTHER1", "CN");

        let page = contact.get("/esg").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains(&own.name), "their company is named");
        assert!(
            !page.body.contains("Data requests"),
            "no staff tabs for suppliers"
        );

        // An empty supplier code means their own company.
        let saved = post_esg(&mut contact, &year_fields("", 2021, "120", "950"), &[]).await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        assert_eq!(
            saved.location(),
            format!("/suppliers/{}#esg-2021", own.code)
        );
        assert_eq!(esg_rows(&app), 1);
        let mine = contact.get(&format!("/suppliers/{}", own.code)).await;
        assert!(mine.body.contains("Scope 1 (tCO2e)"));
        assert!(mine.body.contains("1,200.5"), "units and grouping shown");
        assert!(mine.body.contains("In verification"));

        // Another company's data: 404, nothing written, nothing shown.
        let refused = post_esg(&mut contact, &year_fields("OTHER1", 2021, "1", "2"), &[]).await;
        assert_eq!(refused.status, 404);
        let refused = post_esg(&mut contact, &year_fields("NOPE", 2021, "-1", "x"), &[]).await;
        assert_eq!(
            refused.status, 404,
            "even with bad values: no hint it exists"
        );
        assert_eq!(esg_rows(&app), 1);
        assert_eq!(contact.get("/esg/data/OTHER1/2021").await.status, 404);
        assert_eq!(contact.get("/suppliers/OTHER1").await.status, 404);
        assert_eq!(contact.get("/esg/climate").await.status, 403);
        assert_eq!(contact.get("/esg/requests").await.status, 403);
        assert_eq!(contact.get("/esg/trainings").await.status, 403);

        // Procurement's data for the other supplier stays out of their list.
        let mut buyer = app.signed_in("procurement").await;
        let done = post_esg(&mut buyer, &year_fields("OTHER1", 2021, "5", "6"), &[]).await;
        assert_eq!(done.status, 303, "{}", done.body);
        let list = contact.get("/esg").await;
        assert!(!list.body.contains("OTHER1"));
        let csv = contact.get("/esg/export.csv").await;
        assert!(!csv.body.contains("OTHER1") && csv.body.contains(&own.code));
        assert_eq!(other.code, "OTHER1");

        let mut auditor = app.signed_in("auditor").await;
        assert_eq!(auditor.get("/esg").await.status, 403);
        let mut viewer = app.signed_in("viewer").await;
        assert_eq!(viewer.get("/esg").await.status, 200);
        assert_eq!(
            post_esg(&mut viewer, &year_fields("OTHER1", 2020, "5", "6"), &[])
                .await
                .status,
            403
        );
    }
}

#[actix_web::test]
async fn bad_values_write_nothing_and_say_what_is_wrong() {
    for app in TestApp::each_backend().await {
        app.add_supplier("BAD1", "CN");
        let mut buyer = app.signed_in("procurement").await;
        let good = year_fields("BAD1", 2021, "100", "200");
        let future = (this_year() + 1).to_string();
        let cases: Vec<(Vec<(&'static str, String)>, &str)> = vec![
            (
                with(good.clone(), "scope1_t", "-5"),
                "The value cannot be negative.",
            ),
            (
                with(good.clone(), "scope2_t", "lots"),
                "Enter a number (digits, a decimal point, thousands separators).",
            ),
            (
                with(good.clone(), "scope2_t", ""),
                "This field is required.",
            ),
            (
                with(good.clone(), "ghg_verification", "maybe"),
                "Choose none, in_progress or verified.",
            ),
            (
                with(good.clone(), "year", &future),
                "The year cannot be in the future.",
            ),
            (
                with(good.clone(), "supplier_code", "NOPE"),
                "No supplier has this code.",
            ),
            (
                with(good.clone(), "target_year", ""),
                "A reduction target needs its target year.",
            ),
            (
                with(good.clone(), "hazardous_waste_t", "12 t"),
                "Enter a number",
            ),
        ];
        for (fields, message) in cases {
            let reply = post_esg(&mut buyer, &fields, &[]).await;
            assert_eq!(reply.status, 422, "expected a refusal for {message}");
            assert!(
                reply.body.contains(message),
                "missing {message:?} in the page"
            );
            assert!(reply.body.contains("The data was not saved."));
        }
        assert_eq!(esg_rows(&app), 0);

        assert_eq!(post_esg(&mut buyer, &good, &[]).await.status, 303);
        let again = post_esg(&mut buyer, &good, &[]).await;
        assert_eq!(again.status, 422);
        assert!(again.body.contains("already exists"));
        assert_eq!(esg_rows(&app), 1);

        // Edit with the version; a stale version is a conflict.
        let form = buyer.get("/esg/data/BAD1/2021").await;
        assert_eq!(form.input_value("version").as_deref(), Some("1"));
        let edited = with(with(good.clone(), "version", "1"), "scope1_t", "90");
        assert_eq!(post_esg(&mut buyer, &edited, &[]).await.status, 303);
        let stale = post_esg(&mut buyer, &edited, &[]).await;
        assert_eq!(stale.status, 409);
        let s = Supplier::by_code(&mut app.conn(), "BAD1").unwrap().unwrap();
        let record = esg::EsgRecord::find(&mut app.conn(), s.id, 2021)
            .unwrap()
            .unwrap();
        assert_eq!((record.scope1_t, record.version), (90.0, 2));
    }
}

#[actix_web::test]
async fn more_than_ten_times_last_year_needs_a_confirmation() {
    for app in TestApp::each_backend().await {
        app.add_supplier("JUMP1", "CN");
        let mut buyer = app.signed_in("procurement").await;
        let y2020 = year_fields("JUMP1", 2020, "100", "2000");
        assert_eq!(post_esg(&mut buyer, &y2020, &[]).await.status, 303);

        let y2021 = year_fields("JUMP1", 2021, "1000.5", "2100");
        let asked = post_esg(&mut buyer, &y2021, &[]).await;
        assert_eq!(asked.status, 422);
        assert!(asked.body.contains("more than ten times last year"));
        assert!(asked.body.contains("name=\"confirm_jumps\""));
        assert!(asked
            .body
            .contains("Scope 1 (tCO2e): 100 → <strong>1,000.5</strong>"));
        assert_eq!(esg_rows(&app), 1, "nothing written before confirmation");

        let confirmed = with(y2021, "confirm_jumps", "yes");
        assert_eq!(post_esg(&mut buyer, &confirmed, &[]).await.status, 303);
        assert_eq!(esg_rows(&app), 2);

        // The API asks the same, and takes "confirm": true.
        let (mut api, _) = token(&app, "procurement");
        let body =
            json!({"supplier_code": "JUMP1", "year": 2022, "scope1_t": 1000, "scope2_t": 25000});
        let refused = api
            .send_json("POST", "/api/v1/esg-data", body.clone())
            .await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert!(refused.json()["error"]["fields"]["scope2_t"]
            .as_str()
            .unwrap()
            .contains("ten times"));
        let mut confirmed = body;
        confirmed["confirm"] = json!(true);
        let created = api.send_json("POST", "/api/v1/esg-data", confirmed).await;
        assert_eq!(created.status, 201, "{}", created.body);
        assert_eq!(created.json()["scope2_t"], 25000.0);
        assert_eq!(esg_rows(&app), 3);
    }
}

#[actix_web::test]
async fn the_verification_statement_is_kept_and_served_only_to_those_allowed() {
    for app in TestApp::each_backend().await {
        let (mut contact, own) = contact(&app).await;
        let pdf = b"%PDF-1.4\n% GHG verification statement\n".as_slice();
        let fields = with(
            year_fields("", 2021, "10", "20"),
            "ghg_verification",
            "verified",
        );
        let exe = b"MZ\x90\x00\x03\x00\x00\x00".as_slice();
        let refused = post_esg(&mut contact, &fields, &[("statement_file", "s.exe", exe)]).await;
        assert_eq!(refused.status, 400);
        assert!(refused.body.contains("this type of file is not accepted"));
        assert_eq!(esg_rows(&app), 0);
        assert_eq!(app.count("attachments"), 0);

        let saved = post_esg(
            &mut contact,
            &fields,
            &[("statement_file", "statement.pdf", pdf)],
        )
        .await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        let path = format!("/esg/data/{}/2021/statement", own.code);
        let file = contact.get(&path).await;
        assert_eq!(file.status, 200);
        assert_eq!(file.header("content-type"), Some("application/pdf"));
        assert!(file
            .header("content-disposition")
            .unwrap()
            .starts_with("attachment"));
        let page = contact.get(&format!("/suppliers/{}", own.code)).await;
        assert!(page.body.contains(&path));

        let (mut stranger, _) = crate::esg::contact(&app).await;
        assert_eq!(stranger.get(&path).await.status, 404);
        let mut auditor = app.signed_in("auditor").await;
        assert_eq!(auditor.get(&path).await.status, 403);
        let mut viewer = app.signed_in("viewer").await;
        assert_eq!(viewer.get(&path).await.status, 200);
    }
}

#[actix_web::test]
async fn the_list_filters_sorts_and_exports_with_units() {
    for app in TestApp::each_backend().await {
        app.add_supplier("LST1", "CN");
        app.add_supplier_with("LST2", |i| i.business_unit = "tv".into());
        let mut buyer = app.signed_in("procurement").await;
        for (code, year, verification) in [
            ("LST1", 2020, "none"),
            ("LST1", 2021, "verified"),
            ("LST2", 2021, "none"),
        ] {
            let fields = with(
                year_fields(code, year, "10", "20"),
                "ghg_verification",
                verification,
            );
            assert_eq!(post_esg(&mut buyer, &fields, &[]).await.status, 303);
        }
        let all = buyer.get("/esg").await;
        assert!(all.body.contains("3 total"));
        let verified = buyer.get("/esg?year=2021&ghg_verification=verified").await;
        assert!(verified.body.contains("1 total") && verified.body.contains("LST1"));
        let tv = buyer
            .get("/esg?business_unit=tv&sort=scope1_t&dir=desc")
            .await;
        assert!(tv.body.contains("1 total") && tv.body.contains("LST2"));
        assert_eq!(buyer.get("/esg?ghg_verification=maybe").await.status, 400);
        assert_eq!(buyer.get("/esg?sort=colour").await.status, 400);

        let csv = buyer.get("/esg/export.csv?year=2021").await;
        assert_eq!(csv.status, 200);
        let header = csv
            .body
            .trim_start_matches('\u{feff}')
            .lines()
            .next()
            .unwrap()
            .to_owned();
        assert!(header.starts_with(
            "supplier_code,supplier_name,business_unit,year,renewable_mwh,scope1_t,scope2_t"
        ));
        assert_eq!(csv.body.lines().count(), 3);
        let xlsx = buyer.get("/esg/export.xlsx").await;
        assert!(xlsx.body.starts_with("PK"));
        assert_eq!(buyer.get("/esg/export.pdf").await.status, 404);
    }
}

fn esg_csv(rows: &[&str]) -> Vec<u8> {
    let mut text = String::from(
        "\u{feff}供应商代码,年度,可再生电力（MWh）,范围一排放（tCO2e）,范围二排放（tCO2e）,减排目标,目标年份,温室气体第三方核查,废水（吨）,废气（吨）,危险废物（吨）\n",
    );
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    text.into_bytes()
}

async fn check_file(client: &mut Client, kind: &str, name: &str, bytes: &[u8]) -> Reply {
    client
        .submit_multipart(
            "/import",
            "/import",
            &[("kind", kind)],
            &[("file", name, bytes)],
        )
        .await
}

#[actix_web::test]
async fn esg_import_checks_the_whole_file_asks_about_jumps_and_reimports_to_no_change() {
    for app in TestApp::each_backend().await {
        app.add_supplier("IE1", "CN");
        app.add_supplier("IE2", "CN");
        let mut buyer = app.signed_in("procurement").await;
        let future = this_year() + 1;
        let bad = esg_csv(&[
            "IE1,2021,100,-5,300,是,2030,verified,,,",
            "IE2,2021,x,10,20,否,,pending,,,",
            &format!("IE2,{future},1,1,1,no,,none,,,"),
            "NOPE,2021,1,1,1,no,,none,,,",
            "IE1,2021,1,1,1,no,,none,,,",
        ]);
        let report = check_file(&mut buyer, "esg", "esg.csv", &bad).await;
        assert_eq!(report.status, 422);
        for expected in [
            "<td class=\"num\">2</td><td>scope1_t</td><td>-5</td><td>The value cannot be negative.</td>",
            "<td class=\"num\">3</td><td>ghg_verification</td><td>pending</td>",
            "<td class=\"num\">3</td><td>renewable_mwh</td><td>x</td>",
            "<td>year</td>",
            "<td class=\"num\">5</td><td>supplier_code</td><td>NOPE</td><td>No supplier has this code.</td>",
        ] {
            assert!(report.body.contains(expected), "missing {expected}");
        }
        assert!(report.body.contains("The year cannot be in the future."));
        assert_eq!(esg_rows(&app), 0);

        // Twelve times the 2020 value: a warning, imported only when confirmed.
        let good = esg_csv(&[
            "IE1,2020,100,50,300,是,2030,in_progress,1000,2,30",
            "IE1,2021,110,600,310,是,2030,已核查,1000,2,30",
            "IE2,2021,0,10,20,否,,none,,,",
        ]);
        let checked = check_file(&mut buyer, "esg", "esg.csv", &good).await;
        assert_eq!(checked.status, 200, "{}", checked.body);
        assert!(checked.body.contains("Values to check"));
        assert!(checked
            .body
            .contains("<td class=\"num\">3</td><td>scope1_t</td><td>50 → 600</td>"));
        let upload = checked.input_value("upload").unwrap();
        let unconfirmed = buyer
            .submit(
                "/import",
                "/import/confirm",
                &[("kind", "esg"), ("upload", &upload)],
            )
            .await;
        assert_eq!(unconfirmed.status, 422);
        assert!(unconfirmed.body.contains("Tick the box"));
        assert_eq!(esg_rows(&app), 0);
        let done = buyer
            .submit(
                "/import",
                "/import/confirm",
                &[
                    ("kind", "esg"),
                    ("upload", &upload),
                    ("confirm_warnings", "yes"),
                ],
            )
            .await;
        assert_eq!(done.status, 200, "{}", done.body);
        assert!(done.body.contains("Import finished."));
        assert_eq!(esg_rows(&app), 3);
        let figures = esg::climate_figures(&mut app.conn(), 2021, None).unwrap();
        assert_eq!(
            figures,
            ClimateFigures {
                with_target: 1,
                ghg_verified: 1,
                ghg_in_progress: 0
            }
        );
        let log = app.count("audit_log");

        // The same file again: nothing to confirm, nothing changes.
        let again = check_file(&mut buyer, "esg", "esg.csv", &good).await;
        assert!(!again.body.contains("Values to check"));
        assert!(again.body.contains("Unchanged"));
        let upload = again.input_value("upload").unwrap();
        let done = buyer
            .submit(
                "/import",
                "/import/confirm",
                &[("kind", "esg"), ("upload", &upload)],
            )
            .await;
        assert!(done.body.contains("Import finished."));
        assert_eq!(esg_rows(&app), 3);
        assert_eq!(app.count("audit_log"), log);
    }
}

fn training_csv(rows: &[&str]) -> Vec<u8> {
    let mut text = String::from("session_ref,held_on,topic,supplier_code,people\n");
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    text.into_bytes()
}

#[actix_web::test]
async fn training_import_creates_each_session_once_and_counts_the_year() {
    for app in TestApp::each_backend().await {
        app.add_supplier("TR1", "CN");
        app.add_supplier("TR2", "CN");
        app.add_supplier_with("TR3", |i| i.business_unit = "tv".into());
        let mut buyer = app.signed_in("procurement").await;
        let mismatch = training_csv(&[
            "T-1,2021-04-20,RBA Code 7.0,TR1,3",
            "T-1,2021-04-21,RBA Code 7.0,TR2,2",
            "T-2,2021-09-01,Fire safety,TR2,0",
            "T-2,2021-09-01,Fire safety,NOPE,2",
            "T-3,2099-01-01,Later,TR1,1",
        ]);
        let report = check_file(&mut buyer, "training", "training.csv", &mismatch).await;
        assert_eq!(report.status, 422);
        assert!(report
            .body
            .contains("already recorded with another date or topic"));
        assert!(report
            .body
            .contains("Enter a whole number of people, at least 1."));
        assert!(report.body.contains("No supplier has this code."));
        assert!(report.body.contains("The date cannot be in the future."));
        assert_eq!(app.count("training_sessions"), 0);

        let file = training_csv(&[
            "T-1,2021-04-20,RBA Code 7.0,TR1,3",
            "T-1,2021-04-20,RBA Code 7.0,TR2,2",
            "T-2,2021-09-01,Fire safety,TR2,4",
            "T-2,2021-09-01,Fire safety,TR3,5",
            "T-0,2020-11-11,Chemicals,TR1,1",
        ]);
        let checked = check_file(&mut buyer, "training", "training.csv", &file).await;
        assert_eq!(checked.status, 200, "{}", checked.body);
        let upload = checked.input_value("upload").unwrap();
        let done = buyer
            .submit(
                "/import",
                "/import/confirm",
                &[("kind", "training"), ("upload", &upload)],
            )
            .await;
        assert!(done.body.contains("Import finished."), "{}", done.body);
        assert_eq!(app.count("training_sessions"), 3);
        assert_eq!(app.count("training_attendance"), 5);
        let mut conn = app.conn();
        assert_eq!(
            training::training_figures(&mut conn, 2021, None).unwrap(),
            TrainingFigures {
                suppliers: 3,
                people: 14
            }
        );
        assert_eq!(
            training::training_figures(&mut conn, 2021, Some("tv")).unwrap(),
            TrainingFigures {
                suppliers: 1,
                people: 5
            }
        );
        assert_eq!(
            training::training_figures(&mut conn, 2019, None).unwrap(),
            TrainingFigures::default()
        );
        drop(conn);

        let again = check_file(&mut buyer, "training", "training.csv", &file).await;
        assert!(again.body.contains("Unchanged"));
        let list = buyer.get("/esg/trainings").await;
        assert!(list.body.contains("RBA Code 7.0") && list.body.contains("suppliers reached"));
        let export = buyer.get("/esg/trainings/export.csv?year=2021").await;
        assert_eq!(export.body.lines().count(), 5, "{}", export.body);
        assert!(export.body.contains("T-2,2021-09-01,Fire safety,TR3,5"));

        // Attendance by hand: replace a count, refuse a bad one, remove one.
        let page = "/esg/trainings/T-1";
        let set = buyer
            .submit(
                page,
                "/esg/trainings/T-1/attendance",
                &[("supplier_code", "TR2"), ("people", "6")],
            )
            .await;
        assert_eq!(set.status, 303);
        let bad = buyer
            .submit(
                page,
                "/esg/trainings/T-1/attendance",
                &[("supplier_code", "TR3"), ("people", "-1")],
            )
            .await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("at least 1"));
        let removed = buyer
            .submit(page, "/esg/trainings/T-1/attendance/TR1/delete", &[])
            .await;
        assert_eq!(removed.status, 303);
        let detail = buyer.get(page).await;
        assert!(detail.body.contains("TR2") && !detail.body.contains("/suppliers/TR1\""));
        assert_eq!(app.count("training_attendance"), 4);
        let mut viewer = app.signed_in("viewer").await;
        assert_eq!(viewer.get(page).await.status, 200);
        assert_eq!(
            viewer
                .submit(
                    page,
                    "/esg/trainings/T-1/attendance",
                    &[("supplier_code", "TR3"), ("people", "1")]
                )
                .await
                .status,
            403
        );
    }
}

#[actix_web::test]
async fn a_request_campaign_shows_who_answered_and_keeps_its_recipients() {
    for app in TestApp::each_backend().await {
        for code in ["RQ1", "RQ2"] {
            app.add_supplier_with(code, |i| {
                i.status = "approved".into();
                i.approved_on = "2020-05-01".into();
            });
        }
        // Not in scope: another business unit, not yet approved.
        app.add_supplier_with("RQ3", |i| {
            i.status = "approved".into();
            i.approved_on = "2020-05-01".into();
            i.business_unit = "tv".into();
        });
        app.add_supplier("RQ4", "CN");
        let mut buyer = app.signed_in("procurement").await;
        let due = format!("{}-12-31", this_year() + 1);
        let past = buyer
            .submit(
                "/esg/requests",
                "/esg/requests",
                &[
                    ("year", "2021"),
                    ("business_unit", "phones"),
                    ("due_on", "2020-01-01"),
                ],
            )
            .await;
        assert_eq!(past.status, 422);
        assert!(past.body.contains("The due date cannot be in the past."));
        let nobody = buyer
            .submit(
                "/esg/requests",
                "/esg/requests",
                &[("year", "2021"), ("business_unit", "laptops")],
            )
            .await;
        assert_eq!(nobody.status, 422);
        assert_eq!(app.count("esg_requests"), 0);

        let sent = buyer
            .submit(
                "/esg/requests",
                "/esg/requests",
                &[
                    ("year", "2021"),
                    ("business_unit", "phones"),
                    ("due_on", &due),
                    ("message", "Please"),
                ],
            )
            .await;
        assert_eq!(sent.status, 303, "{}", sent.body);
        assert!(sent.location().ends_with("?added=2"), "{}", sent.location());
        assert_eq!(app.count("esg_request_recipients"), 2);

        let rq1 = year_fields("RQ1", 2021, "10", "20");
        assert_eq!(post_esg(&mut buyer, &rq1, &[]).await.status, 303);
        let detail = buyer.get(sent.location()).await;
        assert!(detail.body.contains("Request saved. Suppliers added: 2"));
        let detail_path = sent.location().split('?').next().unwrap().to_owned();
        let awaiting_page = buyer.get(&format!("{detail_path}?answered=no")).await;
        assert!(
            awaiting_page.body.contains("RQ2")
                && !awaiting_page.body.contains("/suppliers/RQ1#esg")
        );
        let list = buyer.get("/esg/requests").await;
        assert!(list.body.contains("50 %"), "one of two answered");

        let mut conn = app.conn();
        let summary = esg_request::list(&mut conn).unwrap().remove(0);
        assert_eq!((summary.recipients, summary.answered), (2, 1));
        let waiting = esg_request::awaiting(&mut conn, &summary.request).unwrap();
        let rq2 = Supplier::by_code(&mut conn, "RQ2").unwrap().unwrap();
        assert_eq!(waiting, vec![rq2.id]);
        drop(conn);

        // Sending again adds nobody twice.
        let again = buyer
            .submit(
                "/esg/requests",
                "/esg/requests",
                &[("year", "2021"), ("business_unit", "phones")],
            )
            .await;
        assert!(again.location().ends_with("?added=0"));
        assert_eq!(app.count("esg_request_recipients"), 2);
        let export = buyer
            .get(&format!("/esg/requests/{}/export.csv", summary.request.id))
            .await;
        assert!(export.body.contains("RQ1,") && export.body.contains(",yes,"));

        let mut viewer = app.signed_in("viewer").await;
        assert_eq!(viewer.get("/esg/requests").await.status, 200);
        assert_eq!(
            viewer
                .submit("/esg/requests", "/esg/requests", &[("year", "2021")])
                .await
                .status,
            403
        );
    }
}

#[actix_web::test]
async fn the_climate_view_totals_business_units_year_over_year() {
    for app in TestApp::each_backend().await {
        app.add_supplier("CL1", "CN");
        app.add_supplier("CL2", "CN");
        app.add_supplier_with("CL3", |i| i.business_unit = "tv".into());
        let (mut api, _) = token(&app, "procurement");
        for (code, year, s1, s2, target, verification, revenue) in [
            ("CL1", 2020, 100.0, 900.0, false, "none", 100.0),
            ("CL1", 2021, 80.0, 720.0, true, "verified", 100.0),
            ("CL2", 2021, 50.0, 150.0, true, "in_progress", 0.0),
            ("CL3", 2021, 10.0, 30.0, false, "verified", 20.0),
        ] {
            let mut body = json!({"supplier_code": code, "year": year, "scope1_t": s1, "scope2_t": s2,
                "has_target": target, "ghg_verification": verification, "revenue_mcny": revenue});
            if target {
                body["target_year"] = json!(2030);
            }
            let reply = api.send_json("POST", "/api/v1/esg-data", body).await;
            assert_eq!(reply.status, 201, "{}", reply.body);
        }
        let mut conn = app.conn();
        assert_eq!(
            esg::climate_figures(&mut conn, 2021, None).unwrap(),
            ClimateFigures {
                with_target: 2,
                ghg_verified: 2,
                ghg_in_progress: 1
            }
        );
        assert_eq!(
            esg::climate_figures(&mut conn, 2021, Some("Phones")).unwrap(),
            ClimateFigures {
                with_target: 2,
                ghg_verified: 1,
                ghg_in_progress: 1
            }
        );
        let rows = esg::climate_rows(&mut conn, 2021, None).unwrap();
        drop(conn);
        let phones = rows.iter().find(|r| r.business_unit == "phones").unwrap();
        assert_eq!(phones.current.reporting, 2);
        assert_eq!(phones.current.emissions_t(), 1000.0);
        assert_eq!(phones.previous.emissions_t(), 1000.0);
        // Intensity over suppliers with revenue: (80 + 720) / 100.
        assert_eq!(phones.current.intensity(), Some(8.0));
        assert_eq!(phones.intensity_change_pct(), Some(-20.0));

        let mut viewer = app.signed_in("viewer").await;
        let page = viewer.get("/esg/climate?year=2021").await;
        assert_eq!(page.status, 200);
        for text in [
            "Climate 2021",
            "GHG verified",
            "<svg class=\"chart\"",
            "−30 %",
            "8.00",
            "10.00",
            "All business units",
        ] {
            assert!(page.body.contains(text), "missing {text}");
        }
        let tv = viewer.get("/esg/climate?year=2021&business_unit=tv").await;
        assert!(tv
            .body
            .contains(">1</div><div class=\"label\">Suppliers reporting"));
        let xlsx = viewer.get("/esg/climate/export.xlsx?year=2021").await;
        assert!(xlsx.body.starts_with("PK"));
        assert_eq!(viewer.get("/esg/climate?year=soon").await.status, 400);
        viewer
            .submit(
                "/esg/climate",
                "/lang",
                &[("lang", "zh-CN"), ("next", "/esg/climate")],
            )
            .await;
        let zh = viewer.get("/esg/climate?year=2021").await;
        assert!(zh.body.contains("设定减排目标") && zh.body.contains("范围一排放（tCO2e）"));
    }
}

#[actix_web::test]
async fn the_api_lists_and_writes_esg_data_and_trainings() {
    for app in TestApp::each_backend().await {
        app.add_supplier("AP1", "CN");
        let (mut api, _) = token(&app, "procurement");
        let body = json!({"supplier_code": "AP1", "year": "2021", "scope1_t": "1,000", "scope2_t": 2000,
            "has_target": "no", "ghg_verification": "none", "wastewater_t": 10});
        let created = api
            .send_json("POST", "/api/v1/esg-data", body.clone())
            .await;
        assert_eq!(created.status, 201, "{}", created.body);
        assert_eq!(created.json()["scope1_t"], 1000.0);
        assert_eq!(created.json()["version"], 1);
        let exists = api
            .send_json("POST", "/api/v1/esg-data", body.clone())
            .await;
        assert_eq!(exists.status, 422);
        let mut update = body.clone();
        update["version"] = json!(1);
        update["scope2_t"] = json!(2100);
        let updated = api
            .send_json("POST", "/api/v1/esg-data", update.clone())
            .await;
        assert_eq!(updated.status, 200, "{}", updated.body);
        assert_eq!(updated.json()["version"], 2);
        let stale = api.send_json("POST", "/api/v1/esg-data", update).await;
        assert_eq!(stale.status, 409);
        let mut bad = body.clone();
        bad["year"] = json!(2020);
        bad["scope1_t"] = json!(-1);
        bad["ghg_verification"] = json!("pending");
        let refused = api.send_json("POST", "/api/v1/esg-data", bad).await;
        assert_eq!(refused.status, 422);
        let fields = &refused.json()["error"]["fields"];
        assert_eq!(fields["scope1_t"], "The value cannot be negative.");
        assert_eq!(
            fields["ghg_verification"],
            "Choose none, in_progress or verified."
        );

        let list = api
            .get("/api/v1/esg-data?year=2021&business_unit=phones&per_page=10")
            .await;
        let json = list.json();
        assert_eq!(
            (
                json["total"].clone(),
                json["page"].clone(),
                json["per_page"].clone()
            ),
            (json!(1), json!(1), json!(10))
        );
        assert_eq!(json["items"][0]["supplier_code"], "AP1");
        assert_eq!(json["items"][0]["ghg_verification"], "none");
        assert_eq!(
            api.get("/api/v1/esg-data?ghg_verification=maybe")
                .await
                .status,
            422
        );

        // A supplier's token: their own data only, writing others' is a 404.
        let (mut supplier_api, user) = token(&app, "supplier");
        let own = Supplier::find(&mut app.conn(), user.supplier_id.unwrap())
            .unwrap()
            .unwrap();
        assert_eq!(
            supplier_api.get("/api/v1/esg-data").await.json()["total"],
            0
        );
        assert_eq!(
            supplier_api
                .send_json("POST", "/api/v1/esg-data", body.clone())
                .await
                .status,
            404
        );
        let mut mine = body.clone();
        mine["supplier_code"] = json!(own.code);
        assert_eq!(
            supplier_api
                .send_json("POST", "/api/v1/esg-data", mine)
                .await
                .status,
            201
        );
        let seen = supplier_api.get("/api/v1/esg-data").await.json();
        assert_eq!(seen["total"], 1);
        assert_eq!(seen["items"][0]["supplier_code"], json!(own.code));
        assert_eq!(supplier_api.get("/api/v1/trainings").await.status, 403);

        // Trainings: one §5 row per call; the session is created once.
        let row = json!({"session_ref": "API-T1", "held_on": "2021-05-20", "topic": "Fire safety",
            "supplier_code": "AP1", "people": 3, "format": "onsite"});
        assert_eq!(
            api.send_json("POST", "/api/v1/trainings", row.clone())
                .await
                .status,
            201
        );
        let mut second = row.clone();
        second["supplier_code"] = json!(own.code);
        second["people"] = json!("2");
        let added = api.send_json("POST", "/api/v1/trainings", second).await;
        assert_eq!(added.status, 201, "{}", added.body);
        assert_eq!(added.json()["suppliers"], 2);
        assert_eq!(added.json()["people"], 5);
        let mut recount = row.clone();
        recount["people"] = json!(4);
        assert_eq!(
            api.send_json("POST", "/api/v1/trainings", recount)
                .await
                .status,
            200
        );
        let mut other_topic = row.clone();
        other_topic["topic"] = json!("Something else");
        let mismatch = api
            .send_json("POST", "/api/v1/trainings", other_topic)
            .await;
        assert_eq!(mismatch.status, 422);
        assert!(mismatch.json()["error"]["fields"]["topic"].is_string());
        let mut zero = row.clone();
        zero["people"] = json!(0);
        assert_eq!(
            api.send_json("POST", "/api/v1/trainings", zero)
                .await
                .status,
            422
        );
        assert_eq!(app.count("training_sessions"), 1);

        let trainings = api.get("/api/v1/trainings?year=2021").await.json();
        assert_eq!(trainings["total"], 1);
        assert_eq!(trainings["items"][0]["people"], 6);
        assert_eq!(
            trainings["items"][0]["attendance"][0]["supplier_code"],
            "AP1"
        );
        assert_eq!(trainings["items"][0]["attendance"][0]["people"], 4);
        assert_eq!(
            api.get("/api/v1/trainings?year=2020").await.json()["total"],
            0
        );
        let (mut viewer, _) = token(&app, "viewer");
        assert_eq!(viewer.get("/api/v1/trainings").await.status, 200);
        assert_eq!(
            viewer
                .send_json("POST", "/api/v1/trainings", row)
                .await
                .status,
            403
        );
    }
}

#[actix_web::test]
async fn improvement_programmes_show_their_results_on_the_supplier_page() {
    for app in TestApp::each_backend().await {
        let (mut contact, own) = contact(&app).await;
        let mut buyer = app.signed_in("procurement").await;
        let new = format!("/suppliers/{}/programmes/new", own.code);
        let create = format!("/suppliers/{}/programmes", own.code);
        let bad = buyer
            .submit(
                &new,
                &create,
                &[("title", ""), ("started_on", "2021-13-01")],
            )
            .await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("This field is required.") && bad.body.contains("YYYY-MM-DD"));
        assert_eq!(app.count("improvement_programmes"), 0);
        let created = buyer
            .submit(
                &new,
                &create,
                &[
                    ("title", "Satisfied factory 2021"),
                    ("started_on", "2021-03-01"),
                    ("ended_on", "2021-12-31"),
                ],
            )
            .await;
        assert_eq!(created.status, 303, "{}", created.body);
        let page = created.location().to_owned();
        let items = format!("{page}/items");
        for (area, value, unit) in [
            ("energy_saving", "−14.92", "pct_change"),
            ("circular_use", "1,165,000", "cny"),
            ("worker_satisfaction", "14", "pct_change"),
        ] {
            let added = buyer
                .submit(
                    &page,
                    &items,
                    &[
                        ("area", area),
                        ("actions", "Done"),
                        ("result_value", value),
                        ("result_unit", unit),
                    ],
                )
                .await;
            assert_eq!(added.status, 303, "{}", added.body);
        }
        let refused = buyer
            .submit(
                &page,
                &items,
                &[("area", "magic"), ("actions", ""), ("result_value", "12")],
            )
            .await;
        assert_eq!(refused.status, 422);
        assert!(refused.body.contains("Choose one of the listed areas."));
        assert!(refused.body.contains("Choose the unit of the result."));
        assert_eq!(app.count("programme_items"), 3);

        let supplier_page = contact.get(&format!("/suppliers/{}", own.code)).await;
        for text in [
            "Satisfied factory 2021",
            "−14.92 %",
            "1,165,000 CNY",
            "+14 %",
            "Worker satisfaction",
        ] {
            assert!(supplier_page.body.contains(text), "missing {text}");
        }
        assert_eq!(contact.get(&page).await.status, 200);
        assert_eq!(
            contact
                .submit(&page, &items, &[("area", "other"), ("actions", "x")])
                .await
                .status,
            403
        );
        let (mut stranger, _) = crate::esg::contact(&app).await;
        assert_eq!(stranger.get(&page).await.status, 404);

        // Editing follows the version: adding lines moved it on.
        let edit = buyer.get(&format!("{page}/edit")).await;
        let version = edit.input_value("version").unwrap();
        assert_eq!(version, "4");
        let saved = buyer
            .submit(
                &format!("{page}/edit"),
                &page,
                &[
                    ("version", "4"),
                    ("title", "Satisfied factory"),
                    ("started_on", "2021-03-01"),
                ],
            )
            .await;
        assert_eq!(saved.status, 303);
        let stale = buyer
            .submit(
                &format!("{page}/edit"),
                &page,
                &[
                    ("version", "4"),
                    ("title", "Again"),
                    ("started_on", "2021-03-01"),
                ],
            )
            .await;
        assert_eq!(stale.status, 409);
    }
}

#[actix_web::test]
async fn the_demo_reproduces_the_published_climate_and_training_figures() {
    use supplier_esg::demo::esg as demo;
    for db in crate::support::TestDb::each_backend() {
        let pool = supplier_esg::db::connect(&db.location, 2).unwrap();
        let mut conn = pool.get().unwrap();
        let started = std::time::Instant::now();
        supplier_esg::demo::load(&mut conn, 1).unwrap();
        eprintln!("-- demo loaded on {} in {:?}", db.label, started.elapsed());
        let climate = |conn: &mut _, year, bu| esg::climate_figures(conn, year, bu).unwrap();
        let published = ClimateFigures {
            with_target: demo::WITH_TARGET_2021 as i64,
            ghg_verified: demo::GHG_VERIFIED_2021 as i64,
            ghg_in_progress: demo::GHG_IN_PROGRESS_2021 as i64,
        };
        assert_eq!(
            published,
            ClimateFigures {
                with_target: 103,
                ghg_verified: 41,
                ghg_in_progress: 9
            }
        );
        assert_eq!(climate(&mut conn, 2021, None), published);
        assert_eq!(climate(&mut conn, 2021, Some("phones")), published);
        assert_eq!(
            climate(&mut conn, 2020, None),
            ClimateFigures {
                with_target: 71,
                ghg_verified: 24,
                ghg_in_progress: 12
            }
        );
        assert_eq!(
            climate(&mut conn, 2021, Some("tv")),
            ClimateFigures::default()
        );
        let trained = training::training_figures(&mut conn, 2021, None).unwrap();
        assert_eq!(
            trained,
            TrainingFigures {
                suppliers: demo::TRAINED_SUPPLIERS_2021 as i64,
                people: demo::TRAINED_PEOPLE_2021 as i64
            }
        );
        assert!(trained.suppliers >= 200 && trained.people >= 700);
        let before = training::training_figures(&mut conn, 2020, None).unwrap();
        assert!(before.suppliers < trained.suppliers && before.people < trained.people);

        let rows = esg::climate_rows(&mut conn, 2021, Some("phones")).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].current.reporting, demo::REPORTING_2021 as i64);
        assert_eq!(rows[0].previous.reporting, demo::REPORTING_2020 as i64);
        assert!(rows[0].current.intensity().is_some());

        // The programme and its measured results, on the contact's company.
        let contact = supplier_esg::models::user::User::by_email(
            &mut conn,
            supplier_esg::demo::DEMO_SUPPLIER_LOGIN,
        )
        .unwrap()
        .unwrap();
        let profile = esg::SupplierEsg::load(&mut conn, contact.supplier_id.unwrap()).unwrap();
        assert_eq!(profile.programmes.len(), 1);
        let results: Vec<String> = profile.programmes[0]
            .1
            .iter()
            .filter_map(|i| i.result_text())
            .collect();
        assert_eq!(results, ["−14.92 %", "1,165,000 CNY", "+14 %"]);
        assert_eq!(
            profile.data.len(),
            2,
            "the contact's company reported both years"
        );
        assert!(profile.open_requests().is_empty());
        assert_eq!(esg_request::list(&mut conn).unwrap().len(), 2);
    }
}
