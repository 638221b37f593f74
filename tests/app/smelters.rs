//! Conflict minerals: the RMI reference list, CMRT/EMRT files, the check
//! report, the supply-chain figures, replacement plans, scoped access, the
//! API and the demo's published figures.

use chrono::Datelike;
use diesel::prelude::*;
use serde_json::json;

use supplier_esg::db::schema::{replacement_plans, smelter_status_history};
use supplier_esg::import::{ImportKind, ImportOptions};
use supplier_esg::models::audit_log::Actor;
use supplier_esg::models::smelter;
use supplier_esg::models::supplier::Supplier;

use crate::cmrt_files::{password_protected, ListRow, TemplateFile};
use crate::support::{TestApp, PASSWORD};

const REFERENCE: &str = "smelter_id,metal,name,country,rmap_status\n\
CID000001,Gold,Asahi Refining,Japan,Conformant\n\
CID000002,Tin,Yunnan Tin Company Limited,China,Conformant\n\
CID000003,Tantalum,Ningxia Orient Tantalum Industry,China,Conformant\n\
CID000004,Tungsten,Jiangxi Yaosheng Tungsten,China,Active\n\
CID000005,Cobalt,Jinchuan Group,China,Non Conformant\n\
CID000006,Gold,Mitsubishi Materials Corporation,Japan,Conformant\n\
CID000007,Tin,Mitsubishi Materials Corporation,Japan,Conformant\n";

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Imports through the same entry point as the CLI and the upload page.
fn import(app: &TestApp, kind: ImportKind, bytes: &[u8], supplier: &str, year: &str) {
    let outcome = kind
        .run(
            &mut app.conn(),
            &Actor::system("test"),
            bytes,
            false,
            today(),
            &ImportOptions {
                supplier: supplier.into(),
                year: year.into(),
                file_name: "test.xlsx".into(),
                auditor: None,
            },
        )
        .unwrap();
    assert!(outcome.is_ok(), "import refused: {outcome:?}");
}

fn load_reference(app: &TestApp, csv: &str) {
    import(app, ImportKind::Smelters, csv.as_bytes(), "", "");
}

/// The messy file of the check-report test: every row is kept.
fn messy_rows() -> Vec<ListRow> {
    vec![
        // 5: picked from the look-up, metal in Chinese.
        ListRow::listed("金", "Asahi Refining", "Japan", "CID000001"),
        // 6: an ID typed with spaces.
        ListRow::typed_id("锡", "CID 000 002"),
        // 7: "not listed", but the name is known (for gold).
        ListRow::not_listed("Gold", "mitsubishi  materials corporation", "Japan"),
        // 8: an ID the RMI list does not have.
        ListRow::typed_id("Tin", "CID999999"),
        // 9: a smelter nobody knows.
        ListRow::not_listed("Tin", "Backyard Smelter", "China"),
        // 10: the same smelter again.
        ListRow::listed("Gold", "Asahi Refining", "Japan", "CID000001"),
        // 11: a malformed ID.
        ListRow::typed_id("Tungsten", "CID00004"),
        // 12: active, not conformant: opens a replacement plan.
        ListRow::listed("钨", "Jiangxi Yaosheng Tungsten", "China", "CID000004"),
    ]
}

#[actix_web::test]
async fn the_rmi_list_imports_and_reimports_keep_a_dated_status_history() {
    for app in TestApp::each_backend().await {
        let mut buyer = app.signed_in("procurement").await;
        let check = buyer
            .submit_multipart(
                "/import?kind=smelters",
                "/import",
                &[("kind", "smelters")],
                &[("file", "rmi.csv", REFERENCE.as_bytes())],
            )
            .await;
        assert_eq!(check.status, 200, "{}", check.body);
        assert!(check.body.contains("The file is valid."));
        assert_eq!(app.count("smelters"), 0, "checking writes nothing");
        let upload = check.input_value("upload").unwrap();
        let done = buyer
            .submit(
                "/import",
                "/import/confirm",
                &[("kind", "smelters"), ("upload", &upload)],
            )
            .await;
        assert!(done.body.contains("New 7"), "{}", done.body);
        assert_eq!(app.count("smelters"), 7);
        assert_eq!(app.count("smelter_status_history"), 7);
        let jp = smelter::Smelter::by_smelter_id(&mut app.conn(), "cid 000 001")
            .unwrap()
            .unwrap();
        assert_eq!((jp.country.as_str(), jp.metal.as_str()), ("JP", "gold"));

        // The next list: one smelter passed its assessment; Chinese headers.
        let next = REFERENCE
            .replace(
                "smelter_id,metal,name,country,rmap_status",
                "冶炼厂识别号码,金属,冶炼厂名称,国家/地区,RMAP状态",
            )
            .replace(
                "Jiangxi Yaosheng Tungsten,China,Active",
                "Jiangxi Yaosheng Tungsten,China,Conformant",
            );
        let check = buyer
            .submit_multipart(
                "/import?kind=smelters",
                "/import",
                &[("kind", "smelters")],
                &[("file", "rmi-2.csv", next.as_bytes())],
            )
            .await;
        assert!(
            check
                .body
                .contains("<div class=\"value\">1</div><div class=\"label\">Changed"),
            "{}",
            check.body
        );
        let upload = check.input_value("upload").unwrap();
        buyer
            .submit(
                "/import",
                "/import/confirm",
                &[("kind", "smelters"), ("upload", &upload)],
            )
            .await;
        assert_eq!(app.count("smelter_status_history"), 8);
        let history: Vec<(Option<String>, String, chrono::NaiveDate)> =
            smelter_status_history::table
                .order(smelter_status_history::id.desc())
                .select((
                    smelter_status_history::previous_status,
                    smelter_status_history::status,
                    smelter_status_history::changed_on,
                ))
                .limit(1)
                .load(&mut *app.conn())
                .unwrap();
        assert_eq!(
            history[0],
            (Some("active".into()), "conformant".into(), today())
        );
        let page = buyer.get("/smelters/CID000004").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("RMAP status history"));
        assert!(page.body.contains("first listed"));
        assert!(page.body.contains("Active") && page.body.contains("Conformant"));

        // The same list again changes nothing.
        let log_rows = app.count("audit_log");
        import(&app, ImportKind::Smelters, next.as_bytes(), "", "");
        assert_eq!(app.count("smelter_status_history"), 8);
        assert_eq!(app.count("audit_log"), log_rows);

        // A bad row: nothing is written, each problem is named.
        let bad =
            format!("{REFERENCE}CID12,Silver,,Mars,pending\nCID000001,Gold,Dup,Japan,Conformant\n");
        let refused = buyer
            .submit_multipart(
                "/import?kind=smelters",
                "/import",
                &[("kind", "smelters")],
                &[("file", "bad.csv", bad.as_bytes())],
            )
            .await;
        assert_eq!(refused.status, 422);
        for expected in [
            "<td class=\"num\">9</td><td>metal</td><td>Silver</td>",
            "<td class=\"num\">9</td><td>name</td>",
            "<td class=\"num\">9</td><td>rmap_status</td><td>pending</td>",
            "<td class=\"num\">9</td><td>smelter_id</td><td>CID12</td>",
            "<td class=\"num\">10</td><td>smelter_id</td><td>CID000001</td>",
        ] {
            assert!(refused.body.contains(expected), "report lacks {expected}");
        }
        assert!(refused.body.contains("A smelter ID is CID and six digits"));
        assert_eq!(app.count("smelters"), 7);
    }
}

#[actix_web::test]
async fn a_cmrt_is_checked_then_confirmed_and_every_row_is_kept_in_its_report() {
    for app in TestApp::each_backend().await {
        load_reference(&app, REFERENCE);
        app.add_supplier("S1", "CN");
        let mut buyer = app.signed_in("procurement").await;
        let file = TemplateFile::cmrt(messy_rows()).bytes();
        let check = buyer
            .submit_multipart(
                "/suppliers/S1/smelters",
                "/suppliers/S1/cmrt",
                &[("year", "2021")],
                &[("file", "华科-CMRT-2021.xlsx", &file)],
            )
            .await;
        assert_eq!(check.status, 200, "{}", check.body);
        assert!(check.body.contains("CMRT 6.22"));
        assert!(check.body.contains("深圳市华科精密电子有限公司"));
        assert!(check.body.contains("these rows are kept as they are"));
        for expected in [
            "<td class=\"num\">8</td><td>A</td><td>CID999999</td><td>Smelter ID not in the RMI list</td>",
            "<td class=\"num\">9</td><td>D</td><td>Backyard Smelter</td><td>No smelter of the RMI list matches</td>",
            "<td class=\"num\">10</td><td>D</td><td>Asahi Refining</td><td>Listed more than once</td>",
            "<td class=\"num\">11</td><td>A</td><td>CID00004</td><td>Not a smelter ID (CID and six digits)</td>",
        ] {
            assert!(check.body.contains(expected), "check lacks {expected}");
        }
        assert_eq!(
            app.count("mineral_submissions"),
            0,
            "checking writes nothing"
        );
        let upload = check.input_value("upload").expect("a confirm button");

        let done = buyer
            .submit(
                "/suppliers/S1/smelters",
                "/suppliers/S1/cmrt/confirm",
                &[("upload", &upload), ("year", "2021")],
            )
            .await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert!(done.location().starts_with("/smelters/submissions/"));
        assert_eq!(app.count("mineral_submissions"), 1);
        assert_eq!(app.count("smelter_declarations"), 8, "every row is kept");
        let report = buyer.get(done.location()).await;
        assert_eq!(report.status, 200);
        for expected in [
            "Check report",
            "Smelter ID not in the RMI list: 1",
            "Listed more than once: 1",
            "Mitsubishi Materials Corporation",
            "Greater than 90%",
            "https://huake.example.cn/minerals",
            "中文 Chinese",
        ] {
            assert!(report.body.contains(expected), "report lacks {expected}");
        }
        let file_download = buyer.get(&format!("{}/file", done.location())).await;
        assert_eq!(file_download.status, 200);
        assert!(file_download.body.starts_with("PK"));

        // The figures count distinct matched smelters only.
        let figures = smelter::smelter_figures(&mut app.conn(), 2021, Some("phones")).unwrap();
        assert_eq!((figures.total, figures.countries), (4, 2));
        assert_eq!(figures.conformant_pct, Some(75.0));
        let metals: Vec<(String, i64, i64)> = figures
            .by_metal
            .iter()
            .map(|m| (m.metal.clone(), m.total, m.conformant))
            .collect();
        assert_eq!(
            metals,
            vec![
                ("gold".into(), 2, 2),
                ("tin".into(), 1, 1),
                ("tungsten".into(), 1, 0)
            ]
        );
        let none = smelter::smelter_figures(&mut app.conn(), 2021, Some("tv")).unwrap();
        assert_eq!((none.total, none.conformant_pct), (0, None));
        let overview = buyer.get("/smelters?year=2021&business_unit=phones").await;
        assert_eq!(overview.status, 200);
        assert!(overview.body.contains("75.0 %"));

        // The active smelter opened a plan; the same file again changes nothing.
        assert_eq!(app.count("replacement_plans"), 1);
        let again = buyer
            .submit_multipart(
                "/suppliers/S1/smelters",
                "/suppliers/S1/cmrt",
                &[("year", "2021")],
                &[("file", "again.xlsx", &file)],
            )
            .await;
        assert!(again.body.contains("This exact file was imported before"));
        assert!(again.input_value("upload").is_none());

        // The smelter passes RMAP: the plan closes by itself.
        load_reference(
            &app,
            &REFERENCE.replace("Tungsten,China,Active", "Tungsten,China,Conformant"),
        );
        let plan: (String, String) = replacement_plans::table
            .select((replacement_plans::status, replacement_plans::close_reason))
            .first(&mut *app.conn())
            .unwrap();
        assert_eq!(plan, ("closed".into(), "conformant".into()));

        // An EMRT: cobalt smelter not conformant opens a plan; a later file
        // without it closes the plan as removed.
        let emrt = TemplateFile::emrt(vec![ListRow::listed(
            "钴",
            "Jinchuan Group",
            "China",
            "CID000005",
        )]);
        import(&app, ImportKind::Cmrt, &emrt.bytes(), "S1", "2021");
        assert_eq!(app.count("mineral_submissions"), 2);
        let open: i64 = replacement_plans::table
            .filter(replacement_plans::status.eq("open"))
            .count()
            .get_result(&mut *app.conn())
            .unwrap();
        assert_eq!(open, 1);
        let plans = buyer.get("/smelters/plans?status=not_closed").await;
        assert!(plans.body.contains("Jinchuan Group"));
        let later = TemplateFile::emrt(vec![ListRow::not_listed(
            "Cobalt",
            "Other Cobalt",
            "Finland",
        )]);
        import(&app, ImportKind::Cmrt, &later.bytes(), "S1", "2022");
        let reasons: Vec<String> = replacement_plans::table
            .order(replacement_plans::id)
            .select(replacement_plans::close_reason)
            .load(&mut *app.conn())
            .unwrap();
        assert_eq!(reasons, vec!["conformant".to_owned(), "removed".to_owned()]);
    }
}

#[actix_web::test]
async fn files_that_are_not_cmrts_are_refused_whole_with_a_clear_message() {
    for app in TestApp::each_backend().await {
        load_reference(&app, REFERENCE);
        app.add_supplier("S1", "CN");
        let mut buyer = app.signed_in("procurement").await;
        let good = TemplateFile::cmrt(messy_rows());
        let wrong_sheets = TemplateFile {
            declaration_sheet: "Sheet1".into(),
            ..good.clone()
        };
        let old_revision = TemplateFile {
            revision: "Revision 5.12".into(),
            ..good.clone()
        };
        let next_year = (today().year() + 1).to_string();
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            (
                "2021",
                b"smelter_id,metal\nCID000001,Gold\n".to_vec(),
                "This is not a CMRT or EMRT workbook: upload the template as an .xlsx file.",
            ),
            (
                "2021",
                password_protected(),
                "The workbook is password-protected",
            ),
            (
                "2021",
                wrong_sheets.bytes(),
                "a sheet is missing: Declaration",
            ),
            ("2021", old_revision.bytes(), "Unsupported revision"),
            (
                &next_year,
                good.bytes(),
                "The reporting year cannot be in the future.",
            ),
            (
                "21",
                good.bytes(),
                "Enter a reporting year (2010 or later).",
            ),
        ];
        for (year, bytes, message) in &cases {
            let reply = buyer
                .submit_multipart(
                    "/suppliers/S1/smelters",
                    "/suppliers/S1/cmrt",
                    &[("year", year)],
                    &[("file", "file.xlsx", bytes)],
                )
                .await;
            assert_eq!(reply.status, 422, "{message}");
            assert!(reply.body.contains(message), "{message}: {}", reply.body);
            assert!(reply.body.contains("nothing was written"));
            assert!(reply.input_value("upload").is_none());
        }
        // Not even an office file: refused by type at the door.
        let pdf = buyer
            .submit_multipart(
                "/suppliers/S1/smelters",
                "/suppliers/S1/cmrt",
                &[("year", "2021")],
                &[("file", "cmrt.pdf", b"%PDF-1.7 ...")],
            )
            .await;
        assert_eq!(pdf.status, 400);
        // The upload page names an unknown supplier and a missing year.
        let unknown = buyer
            .submit_multipart(
                "/import?kind=cmrt",
                "/import",
                &[("kind", "cmrt"), ("supplier", "NOPE"), ("year", "")],
                &[("file", "file.xlsx", &good.bytes())],
            )
            .await;
        assert_eq!(unknown.status, 422);
        assert!(unknown.body.contains("No supplier has this code."));
        assert!(unknown
            .body
            .contains("Give the reporting year the file covers."));
        // In Chinese too.
        let mut chinese = app.signed_in("procurement").await;
        chinese.cookies.insert("sesg_lang".into(), "zh-CN".into());
        let zh = chinese
            .submit_multipart(
                "/suppliers/S1/smelters",
                "/suppliers/S1/cmrt",
                &[("year", "2021")],
                &[("file", "file.xlsx", &password_protected())],
            )
            .await;
        assert!(zh.body.contains("工作簿受密码保护"), "{}", zh.body);
        assert_eq!(app.count("mineral_submissions"), 0);
        assert_eq!(app.count("smelter_declarations"), 0);
        assert_eq!(
            app.count("attachments"),
            0,
            "no upload kept for a refused file"
        );
    }
}

#[actix_web::test]
async fn supplier_contacts_upload_their_own_files_and_see_nothing_else() {
    for app in TestApp::each_backend().await {
        load_reference(&app, REFERENCE);
        app.add_supplier("OTHER", "CN");
        import(
            &app,
            ImportKind::Cmrt,
            &TemplateFile::cmrt(messy_rows()).bytes(),
            "OTHER",
            "2021",
        );
        let other_submission: i32 = supplier_esg::db::schema::mineral_submissions::table
            .select(supplier_esg::db::schema::mineral_submissions::id)
            .first(&mut *app.conn())
            .unwrap();
        let contact = app.add_user("contact@huake.example.cn", "supplier");
        let own = Supplier::find(&mut app.conn(), contact.supplier_id.unwrap())
            .unwrap()
            .unwrap();
        let mut client = app.client();
        client.sign_in("contact@huake.example.cn", PASSWORD).await;

        let landing = client.get("/smelters").await;
        assert_eq!(landing.status, 303);
        assert_eq!(
            landing.location(),
            format!("/suppliers/{}/smelters", own.code)
        );
        let page = client.get(landing.location()).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Upload CMRT / EMRT"));
        let own_page = format!("/suppliers/{}/smelters", own.code);
        let check = client
            .submit_multipart(
                &own_page,
                &format!("/suppliers/{}/cmrt", own.code),
                &[("year", "2021")],
                &[(
                    "file",
                    "ours.xlsx",
                    &TemplateFile::cmrt(vec![ListRow::listed(
                        "Tin",
                        "Yunnan Tin Company Limited",
                        "China",
                        "CID000002",
                    )])
                    .bytes(),
                )],
            )
            .await;
        assert_eq!(check.status, 200, "{}", check.body);
        let upload = check.input_value("upload").unwrap();
        let done = client
            .submit(
                &own_page,
                &format!("/suppliers/{}/cmrt/confirm", own.code),
                &[("upload", &upload), ("year", "2021")],
            )
            .await;
        assert_eq!(done.status, 303);
        assert_eq!(client.get(done.location()).await.status, 200);

        // Another supplier's data: 404, never the data.
        for path in [
            "/suppliers/OTHER/smelters".to_owned(),
            format!("/smelters/submissions/{other_submission}"),
            format!("/smelters/submissions/{other_submission}/file"),
            "/api/v1/suppliers/OTHER/smelters".to_owned(),
        ] {
            let reply = client.get(&path).await;
            assert_eq!(reply.status, 404, "{path}");
            assert!(!reply.body.contains("Backyard"), "{path}");
        }
        let foreign = client
            .submit_multipart(
                &own_page,
                "/suppliers/OTHER/cmrt",
                &[("year", "2021")],
                &[("file", "x.xlsx", &TemplateFile::cmrt(Vec::new()).bytes())],
            )
            .await;
        assert_eq!(foreign.status, 404);
        for path in [
            "/smelters/reference",
            "/smelters/plans",
            "/smelters/suppliers",
            "/smelters/CID000001",
            "/smelters/export.csv",
            "/api/v1/smelters",
        ] {
            assert_eq!(client.get(path).await.status, 403, "{path}");
        }
        assert_eq!(app.count("mineral_submissions"), 2);

        // Viewers read everything but upload nothing; auditors see none of it.
        let mut viewer = app.signed_in("viewer").await;
        let read = viewer.get("/suppliers/OTHER/smelters").await;
        assert_eq!(read.status, 200);
        assert!(!read.body.contains("Upload CMRT / EMRT"));
        let refused = viewer
            .submit_multipart(
                "/suppliers/OTHER/smelters",
                "/suppliers/OTHER/cmrt",
                &[("year", "2021")],
                &[("file", "x.xlsx", &TemplateFile::cmrt(Vec::new()).bytes())],
            )
            .await;
        assert_eq!(refused.status, 403);
        let mut auditor = app.signed_in("auditor").await;
        assert_eq!(auditor.get("/smelters").await.status, 403);
        assert_eq!(
            auditor
                .get(&format!("/smelters/submissions/{other_submission}"))
                .await
                .status,
            404
        );
        assert_eq!(auditor.get("/suppliers/OTHER/smelters").await.status, 404);
    }
}

#[actix_web::test]
async fn lists_filter_export_and_answer_the_api() {
    for app in TestApp::each_backend().await {
        let mut viewer = app.signed_in("viewer").await;
        let empty = viewer.get("/smelters").await;
        assert_eq!(empty.status, 200);
        assert!(empty
            .body
            .contains("No CMRT or EMRT file declares a smelter for this year."));
        assert_eq!(
            viewer.get("/api/v1/smelters?year=2021").await.json()["total"],
            0
        );
        load_reference(&app, REFERENCE);
        app.add_supplier("P1", "CN");
        app.add_supplier_with("T1", |s| s.business_unit = "tv".into());
        import(
            &app,
            ImportKind::Cmrt,
            &TemplateFile::cmrt(messy_rows()).bytes(),
            "P1",
            "2021",
        );
        import(
            &app,
            ImportKind::Cmrt,
            &TemplateFile::cmrt(vec![
                ListRow::listed(
                    "Tin",
                    "Mitsubishi Materials Corporation",
                    "Japan",
                    "CID000007",
                ),
                ListRow::listed(
                    "Tantalum",
                    "Ningxia Orient Tantalum Industry",
                    "China",
                    "CID000003",
                ),
            ])
            .bytes(),
            "T1",
            "2021",
        );
        let all = viewer.get("/smelters?year=2021").await;
        assert_eq!(all.status, 200);
        assert!(all.body.contains("6 total"), "declared in 2021 by anyone");
        let phones = viewer.get("/smelters?year=2021&business_unit=phones").await;
        assert!(phones.body.contains("4 total"));
        let gold = viewer.get("/smelters?year=2021&metal=gold").await;
        assert!(gold.body.contains("2 total"));
        assert_eq!(viewer.get("/smelters?metal=silver").await.status, 400);

        let csv = viewer
            .get("/smelters/export.csv?year=2021&business_unit=phones")
            .await;
        assert_eq!(csv.status, 200);
        let lines: Vec<&str> = csv.body.trim_end().lines().collect();
        assert_eq!(lines.len(), 5, "header + 4 smelters");
        assert!(lines[0]
            .trim_start_matches('\u{feff}')
            .starts_with("smelter_identification_number,metal"));
        assert!(csv
            .body
            .contains("CID000004,Tungsten,Jiangxi Yaosheng Tungsten"));
        let xlsx = viewer.get("/smelters/export.xlsx?year=2021").await;
        assert!(xlsx.body.starts_with("PK"));
        let reference = viewer
            .get("/smelters/reference?rmap_status=conformant&metal=gold")
            .await;
        assert!(reference.body.contains("2 total"));
        let ref_csv = viewer.get("/smelters/reference/export.csv").await;
        assert!(ref_csv
            .body
            .contains("CID000005,cobalt,Jinchuan Group,CN,non_conformant"));

        let problems = viewer
            .get("/smelters/suppliers?year=2021&problems=true")
            .await;
        assert!(problems.body.contains("P1"));
        assert!(
            !problems.body.contains(">T1<"),
            "T1 lists only known smelters"
        );
        let export = viewer.get("/smelters/suppliers/export.csv?year=2021").await;
        assert!(export.body.contains("P1,"), "{}", export.body);

        // Plans: list, export, edit with a version.
        let plans = viewer.get("/smelters/plans").await;
        assert!(plans.body.contains("Jiangxi Yaosheng Tungsten"));
        let plan_id: i32 = replacement_plans::table
            .select(replacement_plans::id)
            .first(&mut *app.conn())
            .unwrap();
        assert!(viewer
            .get("/smelters/plans/export.csv?overdue=false")
            .await
            .body
            .contains("CID000004"));
        let mut buyer = app.signed_in("procurement").await;
        let page = format!("/smelters/plans/{plan_id}");
        let fields = [
            ("version", "1"),
            ("action", "enrol"),
            ("status", "in_progress"),
            ("due_on", "2022-09-30"),
            ("owner_email", "Buyer@Example.com"),
            ("note", "RMAP assessment booked"),
        ];
        let saved = buyer.submit(&page, &page, &fields).await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        let shown = buyer.get(&page).await;
        assert!(shown.body.contains("Have it enrol in RMAP"));
        assert!(shown.body.contains("buyer@example.com"));
        let stale = buyer.submit(&page, &page, &fields).await;
        assert_eq!(stale.status, 409);
        let bad = buyer
            .submit(
                &page,
                &page,
                &[
                    ("version", "2"),
                    ("action", "burn"),
                    ("status", "open"),
                    ("due_on", "x"),
                ],
            )
            .await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("Choose replace, enrol or to be decided."));
        assert_eq!(viewer.submit(&page, &page, &fields).await.status, 403);
        let overdue = viewer.get("/smelters/plans?overdue=true").await;
        assert!(
            overdue.body.contains("Jiangxi Yaosheng Tungsten"),
            "due 2022-09-30 has passed"
        );

        // API
        let api = viewer
            .get("/api/v1/smelters?year=2021&business_unit=phones")
            .await;
        assert_eq!(api.status, 200);
        let body = api.json();
        assert_eq!(body["total"], 4);
        assert_eq!(body["items"][0]["smelter_id"], "CID000001");
        assert_eq!(body["items"][0]["suppliers"], 1);
        let reference = viewer.get("/api/v1/smelters?per_page=2").await.json();
        assert_eq!(
            (reference["total"].clone(), reference["per_page"].clone()),
            (json!(7), json!(2))
        );
        assert!(reference["items"][0].get("suppliers").is_none());
        let bad = viewer.get("/api/v1/smelters?metal=silver").await;
        assert_eq!(bad.status, 422);
        assert_eq!(bad.json()["error"]["code"], "validation_failed");
        let rows = viewer.get("/api/v1/suppliers/P1/smelters").await.json();
        assert_eq!(rows["total"], 8);
        let unknown = &rows["items"][3];
        assert_eq!(unknown["smelter_id"], json!(null));
        assert_eq!(unknown["smelter_id_text"], "CID999999");
        assert_eq!(unknown["issues"], json!(["unknown_id", "unmatched"]));
        assert_eq!(rows["items"][0]["rmap_status"], "conformant");
        assert_eq!(
            viewer.get("/api/v1/suppliers/NOPE/smelters").await.status,
            404
        );
    }
}

#[actix_web::test]
async fn the_demo_has_the_published_smelter_figures() {
    for app in TestApp::each_backend().await {
        let started = std::time::Instant::now();
        supplier_esg::demo::load(&mut app.conn(), 1).unwrap();
        eprintln!(
            "demo load ({}): {:.1} s",
            app.db.label,
            started.elapsed().as_secs_f64()
        );
        let figures = smelter::smelter_figures(&mut app.conn(), 2021, Some("phones")).unwrap();
        assert_eq!(figures.total, 431);
        assert_eq!(figures.countries, 59);
        assert_eq!(figures.conformant_pct, Some(93.5));
        let metals: Vec<(&str, i64, i64, Option<f64>)> = figures
            .by_metal
            .iter()
            .map(|m| (m.metal.as_str(), m.total, m.conformant, m.conformant_pct))
            .collect();
        assert_eq!(
            metals,
            vec![
                ("cobalt", 90, 63, Some(70.0)),
                ("gold", 173, 173, Some(100.0)),
                ("tantalum", 36, 36, Some(100.0)),
                ("tin", 81, 80, Some(98.8)),
                ("tungsten", 51, 51, Some(100.0)),
            ]
        );
        // Other business units add smelters of their own; 2020 is smaller.
        let everyone = smelter::smelter_figures(&mut app.conn(), 2021, None).unwrap();
        assert!(everyone.total > 431);
        let earlier = smelter::smelter_figures(&mut app.conn(), 2020, Some("phones")).unwrap();
        assert!(earlier.total > 0 && earlier.total < 431);
        assert!(app.count("replacement_plans") > 0);
        let unmatched: i64 = supplier_esg::db::schema::smelter_declarations::table
            .filter(supplier_esg::db::schema::smelter_declarations::smelter_ref_id.is_null())
            .count()
            .get_result(&mut *app.conn())
            .unwrap();
        assert!(unmatched > 0, "the demo's files are as messy as real ones");
    }
}
