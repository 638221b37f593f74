use std::process::Command;

use crate::support::{supplier_input, TestApp, TestDb};

const HEADER_ZH: &str = "供应商代码,名称,中文名称,统一社会信用代码,国家,业务部门,品类,层级,上级供应商代码,生产性,状态,批准日期";

fn row(code: &str, tier: &str, parent: &str, status: &str, approved_on: &str) -> String {
    let s = supplier_input(code);
    format!(
        "{code},\"{}\",{},{},CN,phones,display,{tier},{parent},是,{status},{approved_on}",
        s.name, s.name_local, s.uscc
    )
}

/// A UTF-8 CSV with a BOM and Chinese headers, as Excel in China saves it.
fn suppliers_csv(rows: &[String]) -> Vec<u8> {
    let mut text = String::from("\u{feff}");
    text.push_str(HEADER_ZH);
    text.push('\n');
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    text.into_bytes()
}

fn good_file() -> Vec<u8> {
    suppliers_csv(&[
        // The tier-2 row comes before its parent: the file is taken as a whole.
        row("IMP2", "2", "IMP1", "approved", "2019-04-01"),
        row("IMP1", "1", "", "approved", "2015-06-30"),
        row("IMP3", "1", "", "prospective", ""),
    ])
}

#[actix_web::test]
async fn check_then_confirm_and_reimporting_changes_nothing() {
    for app in TestApp::each_backend().await {
        let mut buyer = app.signed_in("procurement").await;
        let checked = buyer
            .submit_multipart(
                "/import",
                "/import",
                &[("kind", "suppliers")],
                &[("file", "suppliers.csv", &good_file())],
            )
            .await;
        assert_eq!(checked.status, 200, "{}", checked.body);
        assert!(checked.body.contains("The file is valid."));
        assert_eq!(app.count("suppliers"), 0, "checking writes nothing");
        let upload = checked.input_value("upload").expect("a confirm button");

        let done = buyer
            .submit(
                "/import",
                "/import/confirm",
                &[("kind", "suppliers"), ("upload", &upload)],
            )
            .await;
        assert_eq!(done.status, 200);
        assert!(done.body.contains("Import finished."));
        assert_eq!(app.count("suppliers"), 3);
        let child = buyer.get("/suppliers/IMP2").await;
        assert!(child.body.contains("href=\"/suppliers/IMP1\""));
        assert!(
            child.body.contains("Imported"),
            "the timeline says it came from a file"
        );
        let log_rows = app.count("audit_log");

        // The same file again: every row unchanged, nothing written.
        let again = buyer
            .submit_multipart(
                "/import",
                "/import",
                &[("kind", "suppliers")],
                &[("file", "suppliers.csv", &good_file())],
            )
            .await;
        let upload = again.input_value("upload").unwrap();
        let done = buyer
            .submit(
                "/import",
                "/import/confirm",
                &[("kind", "suppliers"), ("upload", &upload)],
            )
            .await;
        assert!(done.body.contains("Unchanged 3"), "{}", done.body);
        assert_eq!(app.count("audit_log"), log_rows);

        // A confirmation can be used once, and only by the uploader.
        let mut other = app.signed_in("procurement").await;
        let stolen = other
            .submit(
                "/import",
                "/import/confirm",
                &[("kind", "suppliers"), ("upload", &upload)],
            )
            .await;
        assert_eq!(stolen.status, 404);
    }
}

#[actix_web::test]
async fn a_bad_row_writes_nothing_and_the_report_names_row_column_value_reason() {
    for app in TestApp::each_backend().await {
        app.add_supplier("OLD1", "CN");
        let mut bad_uscc = row("BAD1", "1", "", "prospective", "");
        bad_uscc = bad_uscc.replace(&supplier_input("BAD1").uscc, "91350100M000100Y44");
        let file = suppliers_csv(&[
            row("OK1", "1", "", "prospective", ""),
            bad_uscc,
            row("OK2", "2", "", "prospective", ""),
            row("OK3", "1", "", "approved", ""),
            row("OLD1", "1", "", "approved", "2020-01-01"),
            row("OK4", "1", "", "prospective", "2031-01-01"),
        ]);
        let mut buyer = app.signed_in("procurement").await;
        let reply = buyer
            .submit_multipart(
                "/import",
                "/import",
                &[("kind", "suppliers")],
                &[("file", "bad.csv", &file)],
            )
            .await;
        assert_eq!(reply.status, 422);
        assert!(reply.body.contains("Problems found — nothing was written"));
        for expected in [
            "<td class=\"num\">3</td><td>uscc</td><td>91350100M000100Y44</td>",
            "<td class=\"num\">4</td><td>parent_code</td>",
            "<td class=\"num\">5</td><td>approved_on</td>",
            "<td class=\"num\">6</td><td>status</td><td>approved</td>",
            "<td class=\"num\">7</td><td>approved_on</td><td>2031-01-01</td>",
        ] {
            assert!(reply.body.contains(expected), "report lacks {expected}");
        }
        assert!(reply.body.contains("The date cannot be in the future."));
        assert_eq!(app.count("suppliers"), 1, "nothing was written");
        assert!(reply.input_value("upload").is_none(), "no confirm button");

        let missing_column = "code,name\nX1,Y\n".as_bytes();
        let reply = buyer
            .submit_multipart(
                "/import",
                "/import",
                &[("kind", "suppliers")],
                &[("file", "x.csv", missing_column)],
            )
            .await;
        assert_eq!(reply.status, 422);
        assert!(reply.body.contains("missing column"));
        assert!(reply.body.contains("country"));
    }
}

#[actix_web::test]
async fn xlsx_files_import_like_csv() {
    let app = TestApp::start(TestDb::sqlite()).await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let headers = [
        "code",
        "name",
        "uscc",
        "country",
        "business_unit",
        "tier",
        "status",
        "approved_on",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let s = supplier_input("XL1");
    sheet.write_string(1, 0, "XL1").unwrap();
    sheet.write_string(1, 1, &s.name).unwrap();
    sheet.write_string(1, 2, &s.uscc).unwrap();
    sheet.write_string(1, 3, "CN").unwrap();
    sheet.write_string(1, 4, "laptops").unwrap();
    sheet.write_number(1, 5, 1.0).unwrap();
    sheet.write_string(1, 6, "approved").unwrap();
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2018, 3, 9).unwrap();
    let format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    sheet
        .write_datetime_with_format(1, 7, &date, &format)
        .unwrap();
    sheet.write_string(2, 0, "XL2").unwrap();
    sheet
        .write_string(2, 1, "Hsin Yuan Technology Co., Ltd.")
        .unwrap();
    sheet.write_string(2, 3, "TW").unwrap();
    sheet.write_string(2, 4, "laptops").unwrap();
    let bytes = book.save_to_buffer().unwrap();

    let mut buyer = app.signed_in("procurement").await;
    let checked = buyer
        .submit_multipart(
            "/import",
            "/import",
            &[("kind", "suppliers")],
            &[("file", "book.xlsx", &bytes)],
        )
        .await;
    assert_eq!(checked.status, 200, "{}", checked.body);
    let upload = checked.input_value("upload").unwrap();
    buyer
        .submit(
            "/import",
            "/import/confirm",
            &[("kind", "suppliers"), ("upload", &upload)],
        )
        .await;
    let page = buyer.get("/suppliers/XL1").await;
    assert!(page.body.contains("2018-03-09"));
    assert!(buyer
        .get("/suppliers/XL2")
        .await
        .body
        .contains("Prospective"));
}

#[actix_web::test]
async fn onboarding_rows_go_through_the_gate() {
    for app in TestApp::each_backend().await {
        app.add_supplier_with("ONB1", |s| s.status = "under_review".into());
        app.add_supplier_with("ONB2", |s| s.status = "under_review".into());
        let mut buyer = app.signed_in("procurement").await;
        let wrong =
            "supplier_code,decided_on,evidence_type,firm,csr_signed_on,red_lines_failed,decision\n\
                     ONB1,2021-05-01,rba_vap,SGS,2021-04-01,bribery,approved\n\
                     ONB2,2021-05-02,onsite_audit,Intertek,2021-04-01,,approved\n\
                     NOPE,2021-05-02,onsite_audit,Intertek,2021-04-01,,approved\n";
        let reply = buyer
            .submit_multipart(
                "/import?kind=onboarding",
                "/import",
                &[("kind", "onboarding")],
                &[("file", "o.csv", wrong.as_bytes())],
            )
            .await;
        assert_eq!(reply.status, 422);
        assert!(reply
            .body
            .contains("The decision does not follow from the red lines and evidence."));
        assert!(reply.body.contains("No supplier has this code."));
        assert_eq!(app.count("onboarding_reviews"), 0);

        let right = wrong
            .replace("bribery,approved", "bribery,rejected")
            .replace(
                "NOPE,2021-05-02,onsite_audit,Intertek,2021-04-01,,approved\n",
                "",
            );
        let reply = buyer
            .submit_multipart(
                "/import?kind=onboarding",
                "/import",
                &[("kind", "onboarding")],
                &[("file", "o.csv", right.as_bytes())],
            )
            .await;
        let upload = reply.input_value("upload").unwrap();
        buyer
            .submit(
                "/import",
                "/import/confirm",
                &[("kind", "onboarding"), ("upload", &upload)],
            )
            .await;
        assert!(buyer
            .get("/suppliers/ONB1")
            .await
            .body
            .contains("Rejected for red lines"));
        assert!(buyer
            .get("/suppliers/ONB2")
            .await
            .body
            .contains("Approved by onboarding review"));
        assert_eq!(app.count("onboarding_reviews"), 2);
    }
}

#[test]
fn the_command_line_imports_with_dry_run_and_exit_codes() {
    for db in TestDb::each_backend() {
        let dir = std::env::temp_dir().join("supplier-esg-tests");
        let good = dir.join(format!("good-{}.csv", crate::support::unique_name()));
        let bad = dir.join(format!("bad-{}.csv", crate::support::unique_name()));
        std::fs::write(&good, good_file()).unwrap();
        std::fs::write(
            &bad,
            suppliers_csv(&[row("B1", "7", "", "prospective", "")]),
        )
        .unwrap();
        let run = |args: &[&str]| {
            Command::new(env!("CARGO_BIN_EXE_supplier-esg"))
                .args(args)
                .env("DATABASE_URL", db.url())
                .env("RUST_LOG", "warn")
                .output()
                .unwrap()
        };
        let dry = run(&["import", "suppliers", good.to_str().unwrap(), "--dry-run"]);
        assert!(dry.status.success());
        assert!(String::from_utf8_lossy(&dry.stdout)
            .contains("dry run, nothing written: 3 rows: 3 new"));
        let real = run(&["import", "suppliers", good.to_str().unwrap()]);
        assert!(
            String::from_utf8_lossy(&real.stdout).contains("3 rows: 3 new, 0 changed, 0 unchanged")
        );
        let again = run(&["import", "suppliers", good.to_str().unwrap()]);
        assert!(String::from_utf8_lossy(&again.stdout).contains("0 new, 0 changed, 3 unchanged"));
        let refused = run(&["import", "suppliers", bad.to_str().unwrap()]);
        assert_eq!(refused.status.code(), Some(1));
        let err = String::from_utf8_lossy(&refused.stderr);
        assert!(err.contains("2\ttier\t7\tTier must be 1 or 2."), "{err}");
        assert!(err.contains("nothing was written"));
        assert_eq!(
            run(&["import", "audits", good.to_str().unwrap()])
                .status
                .code(),
            Some(1)
        );
        let _ = std::fs::remove_file(good);
        let _ = std::fs::remove_file(bad);
    }
}
