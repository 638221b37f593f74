use crate::support::{supplier_input, Client, Reply, TestApp, TestDb};

async fn send_review(
    client: &mut Client,
    fields: &[(String, String)],
    files: &[(&str, &str, &[u8])],
) -> Reply {
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    client
        .submit_multipart(
            "/suppliers/S200/reviews/new",
            "/suppliers/S200/reviews",
            &fields,
            files,
        )
        .await
}

/// The fields of the supplier form for `code`, as a browser would send them.
fn form(code: &str) -> Vec<(&'static str, String)> {
    let input = supplier_input(code);
    vec![
        ("code", input.code),
        ("name", input.name),
        ("name_local", input.name_local),
        ("uscc", input.uscc),
        ("country", "CN".into()),
        ("business_unit", "phones".into()),
        ("category", "display".into()),
        ("tier", "1".into()),
        ("parent_code", String::new()),
        ("production", "true".into()),
        ("status", "prospective".into()),
        ("contact_name", "Zhang Wei".into()),
        ("contact_email", "zhang.wei@example.cn".into()),
        ("buyer_email", "buyer@example.com".into()),
        ("csr_signed_on", String::new()),
    ]
}

fn with(
    mut fields: Vec<(&'static str, String)>,
    key: &str,
    value: &str,
) -> Vec<(&'static str, String)> {
    for (k, v) in fields.iter_mut() {
        if *k == key {
            *v = value.to_owned();
        }
    }
    fields
}

fn refs<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[actix_web::test]
async fn create_a_supplier_and_refuse_each_bad_field() {
    for app in TestApp::each_backend().await {
        let mut buyer = app.signed_in("procurement").await;
        let ok = buyer
            .submit("/suppliers/new", "/suppliers", &refs(&form("S100")))
            .await;
        assert_eq!(ok.status, 303, "{}", ok.body);
        assert_eq!(ok.location(), "/suppliers/S100");
        let page = buyer.get("/suppliers/S100").await;
        assert!(page.body.contains("S100 Precision Electronics Co., Ltd."));
        assert!(page.body.contains("Mainland China"));
        assert_eq!(app.count("suppliers"), 1);

        let taken_uscc = supplier_input("S100").uscc;
        let cases: Vec<(Vec<(&'static str, String)>, &str)> = vec![
            (
                with(form("S101"), "uscc", "91350100M000100Y44"),
                "not a valid Unified Social Credit Code",
            ),
            (
                with(form("S101"), "uscc", &taken_uscc),
                "Another supplier already has this USCC",
            ),
            (
                with(form("S101"), "uscc", ""),
                "A USCC is required for suppliers in mainland China",
            ),
            (
                with(form("S101"), "country", "XX"),
                "two-letter ISO country code",
            ),
            (
                with(form("S101"), "tier", "2"),
                "A tier-2 supplier needs the tier-1 supplier",
            ),
            (
                with(with(form("S101"), "tier", "2"), "parent_code", "NOPE"),
                "No supplier has this code",
            ),
            (
                with(form("S101"), "status", "approved"),
                "approval and rejection come only from an onboarding review",
            ),
            (
                with(form("S101"), "csr_signed_on", "2021-02-30"),
                "Enter a date as YYYY-MM-DD",
            ),
            (
                with(form("S101"), "contact_email", "zhang@"),
                "Enter a valid e-mail address",
            ),
            (
                with(form("S100"), "name", "Again"),
                "A supplier with this code already exists",
            ),
        ];
        for (fields, message) in cases {
            let reply = buyer
                .submit("/suppliers/new", "/suppliers", &refs(&fields))
                .await;
            assert_eq!(reply.status, 422, "expected refusal: {message}");
            assert!(reply.body.contains(message), "missing {message:?}");
            assert_eq!(app.count("suppliers"), 1, "nothing written for: {message}");
        }

        // Hong Kong needs no USCC; a tier-2 under S100 links both ways.
        let hk = with(
            with(
                with(with(form("S102"), "country", "HK"), "uscc", ""),
                "tier",
                "2",
            ),
            "parent_code",
            "S100",
        );
        assert_eq!(
            buyer
                .submit("/suppliers/new", "/suppliers", &refs(&hk))
                .await
                .status,
            303
        );
        let child = buyer.get("/suppliers/S102").await;
        assert!(child.body.contains("International"));
        assert!(child.body.contains("href=\"/suppliers/S100\""));
        assert!(buyer
            .get("/suppliers/S100")
            .await
            .body
            .contains("href=\"/suppliers/S102\""));

        // Viewers read but cannot write.
        let mut viewer = app.signed_in("viewer").await;
        assert_eq!(viewer.get("/suppliers/S100").await.status, 200);
        assert_eq!(viewer.get("/suppliers/new").await.status, 403);
    }
}

#[actix_web::test]
async fn approval_comes_only_through_the_red_line_gate() {
    for app in TestApp::each_backend().await {
        app.add_supplier("S200", "CN");
        let mut buyer = app.signed_in("procurement").await;
        let detail = "/suppliers/S200";

        // No shortcut to approved through the status form.
        let shortcut = buyer
            .submit(
                detail,
                "/suppliers/S200/status",
                &[("status", "approved"), ("version", "1")],
            )
            .await;
        assert_eq!(shortcut.status, 400);
        assert!(shortcut.body.contains("only from an onboarding review"));

        let mut fields: Vec<(String, String)> = vec![
            ("decided_on".into(), "2021-06-01".into()),
            ("csr_signed_on".into(), "2021-05-20".into()),
            ("evidence_type".into(), "onsite_audit".into()),
            ("evidence_firm".into(), "SGS".into()),
            ("evidence_date".into(), "2021-05-28".into()),
        ];
        for code in supplier_esg::domain::red_lines::RED_LINES {
            fields.push((format!("rl_{code}"), "pass".into()));
        }
        // Incomplete: a red line not assessed and no CSR date.
        let mut incomplete = fields.clone();
        incomplete.retain(|(k, _)| k != "csr_signed_on" && k != "rl_bribery");
        let reply = send_review(&mut buyer, &incomplete, &[]).await;
        assert_eq!(reply.status, 422);
        assert!(reply
            .body
            .contains("The CSR agreement must be signed before approval."));
        assert!(reply
            .body
            .contains("Every red line must be assessed before approval."));
        assert_eq!(app.count("onboarding_reviews"), 0);

        // A disguised upload (an executable named .pdf) is refused; nothing written.
        let reply = send_review(
            &mut buyer,
            &fields,
            &[(
                "evidence_file",
                "report.pdf",
                b"\x7fELF\x02\x01\x01\0binary",
            )],
        )
        .await;
        assert_eq!(reply.status, 400);
        assert!(reply
            .body
            .contains("report.pdf: this type of file is not accepted"));
        assert_eq!(app.count("onboarding_reviews"), 0);
        assert_eq!(app.count("attachments"), 0);

        // One failed red line rejects, whatever else is in order.
        let mut failing = fields.clone();
        for (k, v) in failing.iter_mut() {
            if k == "rl_falsified_hours" {
                *v = "fail".into();
            }
        }
        let reply = send_review(
            &mut buyer,
            &failing,
            &[("evidence_file", "sgs.pdf", b"%PDF-1.7 report")],
        )
        .await;
        assert_eq!(reply.status, 303, "{}", reply.body);
        let page = buyer.get(detail).await;
        assert!(page.body.contains("Rejected"));
        assert!(page.body.contains("Rejected for red lines"));

        // Re-application after remediation, then a clean review approves.
        let version = page.input_value("version").unwrap();
        let reopen = buyer
            .submit(
                detail,
                "/suppliers/S200/status",
                &[("status", "under_review"), ("version", &version)],
            )
            .await;
        assert_eq!(reopen.status, 303);
        let reply = send_review(
            &mut buyer,
            &fields,
            &[("evidence_file", "sgs-2.pdf", b"%PDF-1.7 clean")],
        )
        .await;
        assert_eq!(reply.status, 303);
        let page = buyer.get(detail).await;
        assert!(page.body.contains("Approved by onboarding review"));
        assert!(
            page.body.contains("2021-06-01"),
            "approval date is the decision date"
        );
        assert_eq!(app.count("onboarding_reviews"), 2);

        // The evidence downloads for staff, as an attachment, with its bytes.
        let link = page
            .body
            .split("href=\"/attachments/")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        let file = buyer.get(&format!("/attachments/{link}")).await;
        assert_eq!(file.status, 200);
        assert!(file
            .header("content-disposition")
            .unwrap()
            .starts_with("attachment"));
        assert!(file.body.starts_with("%PDF"));
        // The supplier's own contact downloads it too (their supplier page
        // links it); another supplier's contact and an unlinked account see
        // nothing.
        app.add_supplier("S201", "CN");
        app.add_supplier_contact("contact@s200.example", "S200");
        app.add_supplier_contact("contact@s201.example", "S201");
        let mut own = app.signed_in_as("contact@s200.example").await;
        let mine = own.get(&format!("/attachments/{link}")).await;
        assert_eq!(mine.status, 200);
        assert!(mine.body.starts_with("%PDF"));
        for mut other in [
            app.signed_in_as("contact@s201.example").await,
            app.signed_in("supplier").await,
            app.signed_in("auditor").await,
        ] {
            let refused = other.get(&format!("/attachments/{link}")).await;
            assert_eq!(refused.status, 404);
            assert!(!refused.body.contains("%PDF"));
        }

        // An approved supplier takes no new decision.
        let reply = send_review(&mut buyer, &fields, &[]).await;
        assert_eq!(reply.status, 422);
        assert!(reply.body.contains("does not allow an onboarding decision"));
    }
}

#[actix_web::test]
async fn oversize_uploads_are_refused_with_413() {
    let app = TestApp::start(TestDb::sqlite()).await;
    app.add_supplier("S300", "CN");
    let mut admin = app.signed_in("admin").await;
    let form = admin.settings_form(&[("upload_limit_mb", "1")]).await;
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(admin.post("/admin/settings", &fields).await.status, 303);
    let big = vec![b'%'; 1024 * 1024 + 10];
    let reply = admin
        .submit_multipart(
            "/suppliers/S300/reviews/new",
            "/suppliers/S300/reviews",
            &[],
            &[("evidence_file", "big.pdf", &big)],
        )
        .await;
    assert_eq!(reply.status, 413);
    assert!(reply.body.contains("larger than the allowed limit"));
    assert_eq!(app.count("attachments"), 0);
}

#[actix_web::test]
async fn stale_edits_conflict_and_say_who_changed_the_record() {
    for app in TestApp::each_backend().await {
        app.add_supplier("S400", "CN");
        let mut first = app.signed_in("procurement").await;
        let mut second = app.signed_in("admin").await;
        let edit = "/suppliers/S400/edit";
        let mut fields = form("S400");
        fields.push(("version", "1".into()));
        let renamed = with(fields.clone(), "name", "First Rename Co., Ltd.");
        assert_eq!(
            first
                .submit(edit, "/suppliers/S400", &refs(&renamed))
                .await
                .status,
            303
        );
        let late = with(fields, "name", "Second Rename Co., Ltd.");
        let conflict = second.submit(edit, "/suppliers/S400", &refs(&late)).await;
        assert_eq!(conflict.status, 409);
        assert!(
            conflict.body.contains("procurement-"),
            "names who changed it: {}",
            conflict.body
        );
        let page = second.get("/suppliers/S400").await;
        assert!(page.body.contains("First Rename Co., Ltd."));
        assert!(page.body.contains("Edited"), "the edit is on the timeline");
    }
}

#[actix_web::test]
async fn list_filters_searches_sorts_pages_and_exports() {
    for app in TestApp::each_backend().await {
        for i in 0..60 {
            let code = format!("L{i:03}");
            app.add_supplier_with(&code, |s| {
                if i % 3 == 0 {
                    s.country = "TW".into();
                }
                if i % 2 == 0 {
                    s.business_unit = "tv".into();
                }
            });
        }
        let mut viewer = app.signed_in("viewer").await;
        let all = viewer.get("/suppliers").await;
        assert!(all.body.contains("60 total"));
        assert!(all.body.contains("rel=\"next\""), "50 per page");
        let page2 = viewer.get("/suppliers?page=2").await;
        assert!(page2.body.contains("L059") && !page2.body.contains("L000<"));

        let intl = viewer
            .get("/suppliers?region=international&business_unit=tv")
            .await;
        assert!(intl.body.contains("10 total"), "every 6th is TW and tv");
        let search = viewer.get("/suppliers?q=l01").await;
        assert!(search.body.contains("10 total"));
        let desc = viewer.get("/suppliers?sort=code&dir=desc").await;
        let rows = desc.body.split("<tbody>").nth(1).unwrap();
        assert!(rows.trim_start().contains("L059"));
        // The page's rows come in the page's order, all fifty of them.
        let codes: Vec<&str> = rows
            .split("<a href=\"/suppliers/")
            .skip(1)
            .map(|row| &row[..4])
            .collect();
        let expected: Vec<String> = (10..60).rev().map(|n| format!("L{n:03}")).collect();
        assert_eq!(codes, expected);
        assert_eq!(viewer.get("/suppliers?status=bogus").await.status, 400);

        let csv = viewer
            .get("/suppliers/export.csv?region=international&business_unit=tv")
            .await;
        assert_eq!(csv.status, 200);
        assert!(csv.header("content-disposition").unwrap().contains(".csv"));
        let lines: Vec<&str> = csv.body.trim_end().lines().collect();
        assert_eq!(lines.len(), 11, "header + 10 rows");
        assert!(lines[0]
            .trim_start_matches('\u{feff}')
            .starts_with("code,name,name_local,uscc,country"));
        let xlsx = viewer.get("/suppliers/export.xlsx").await;
        assert_eq!(xlsx.status, 200);
        assert!(xlsx.body.starts_with("PK"));
    }
}

#[actix_web::test]
async fn scoped_roles_see_only_what_is_theirs() {
    for app in TestApp::each_backend().await {
        app.add_supplier("OTHER", "CN");
        let mut contact = app.signed_in("supplier").await;
        assert_eq!(contact.get("/suppliers/OTHER").await.status, 404);
        assert_eq!(contact.get("/suppliers").await.status, 403);
        let mut auditor = app.signed_in("auditor").await;
        assert_eq!(auditor.get("/suppliers/OTHER").await.status, 404);
        assert_eq!(auditor.get("/suppliers/export.csv").await.status, 403);
    }
}

#[actix_web::test]
async fn the_demo_organisation_has_the_published_supplier_figures() {
    for app in TestApp::each_backend().await {
        supplier_esg::demo::load(&mut app.conn(), 1).unwrap();
        #[derive(diesel::QueryableByName)]
        struct Figures {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            total: i64,
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            mainland: i64,
        }
        use diesel::RunQueryDsl;
        let figures = |year: i32| -> Figures {
            diesel::sql_query(format!(
                "SELECT COUNT(*) AS total, COALESCE(SUM(CASE WHEN country = 'CN' THEN 1 ELSE 0 END), 0) AS mainland \
                 FROM suppliers WHERE production AND approved_on <= '{year}-12-31' \
                 AND (exited_on IS NULL OR exited_on > '{year}-12-31')"
            ))
            .get_result(&mut *app.conn())
            .unwrap()
        };
        let y2021 = figures(2021);
        assert_eq!((y2021.total, y2021.mainland), (1221, 1092));
        assert!(figures(2020).total < 1221);
        #[derive(diesel::QueryableByName)]
        struct Rejected {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let rejected: Rejected = diesel::sql_query(
            "SELECT COUNT(DISTINCT supplier_id) AS n FROM onboarding_reviews \
             WHERE decision = 'rejected' AND failed_red_lines <> '' \
             AND decided_on BETWEEN '2021-01-01' AND '2021-12-31'",
        )
        .get_result(&mut *app.conn())
        .unwrap();
        assert_eq!(rejected.n, 6);
    }
}
