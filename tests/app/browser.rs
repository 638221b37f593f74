//! The main journey in a real headless Chromium, driven over WebDriver:
//! procurement onboards a supplier through the red-line gate and plans its
//! audit, the auditor uploads the findings, the supplier's contact works the
//! corrective action, the auditor closes it, and the dashboard counts it.
//! It runs once in English on SQLite and once in Chinese (on PostgreSQL when
//! `TEST_DATABASE_URL` is set). Any page with an HTTP error status or a
//! browser console error fails it; every step leaves a screenshot under
//! `$CARGO_TARGET_TMPDIR/browser/<journey>/`.

use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use supplier_esg::domain::red_lines::RED_LINES;
use supplier_esg::models::now;

use crate::support::{supplier_input, TestApp, TestDb, PASSWORD};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--window-size=1280,1400",
];

/// How long chromedriver, a page or an element may take to appear.
const PATIENCE: Duration = Duration::from_secs(20);

/// What a journey's users read, in their language.
struct Language {
    /// The accounts' language, also the pages' `<html lang>`.
    code: &'static str,
    /// The folder of the journey's screenshots.
    journey: &'static str,
    welcome: &'static str,
    rejected: &'static str,
    approved: &'static str,
    my_audits: &'static str,
    import_done: &'static str,
    pending_verification: &'static str,
    closed: &'static str,
    /// The header row of the findings file (DESIGN §5): the keys, or their
    /// Chinese labels as a Chinese auditor's spreadsheet has them.
    finding_headers: [&'static str; 8],
}

const ENGLISH: Language = Language {
    code: "en",
    journey: "english",
    welcome: "Welcome",
    rejected: "Rejected",
    approved: "Approved",
    my_audits: "My audits",
    import_done: "Import finished.",
    pending_verification: "Pending verification",
    closed: "Closed",
    finding_headers: [
        "finding_ref",
        "audit_ref",
        "clause",
        "severity",
        "red_line",
        "description",
        "found_on",
        "closed_on",
    ],
};

const CHINESE: Language = Language {
    code: "zh-CN",
    journey: "chinese",
    welcome: "欢迎",
    rejected: "已拒绝",
    approved: "已批准",
    my_audits: "我的审核",
    import_done: "导入完成。",
    pending_verification: "待验证",
    closed: "已关闭",
    finding_headers: [
        "发现项编号",
        "审核编号",
        "条款",
        "严重程度",
        "红线",
        "描述",
        "发现日期",
        "关闭日期",
    ],
};

#[actix_web::test]
async fn journey_in_english() {
    if browser_installed() {
        walk_journey(TestDb::sqlite(), &ENGLISH).await;
    }
}

#[actix_web::test]
async fn journey_in_chinese() {
    if browser_installed() {
        walk_journey(TestDb::postgres_or_sqlite(), &CHINESE).await;
    }
}

/// Without Chromium the journeys are skipped, except under CI where that
/// would hide a broken setup.
fn browser_installed() -> bool {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|path| !Path::new(path).exists())
        .collect();
    if missing.is_empty() {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "CI=true but {} missing: the browser tests cannot run \
             (apt-get install chromium chromium-driver)",
            missing.join(" and ")
        );
    }
    eprintln!(
        "note: browser tests skipped, {} missing (apt-get install chromium chromium-driver)",
        missing.join(" and ")
    );
    false
}

const SUPPLIER: &str = "SUP-1001";
const AUDIT: &str = "AUD-1001";
/// Another supplier's audit, assigned to another auditor.
const OTHER_SUPPLIER: &str = "SUP-2002";
const OTHER_AUDIT: &str = "AUD-2002";
const BUYER: &str = "buyer@maker.example";
const AUDITOR: &str = "auditor@firm.example";
const OTHER_AUDITOR: &str = "other.auditor@firm.example";
const CONTACT: &str = "contact@sup-1001.example.cn";

async fn walk_journey(db: TestDb, lang: &Language) {
    let started = Instant::now();
    let app = TestApp::start(db).await;
    let server = app.serve();
    let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("browser")
        .join(lang.journey);
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    let today = now().date().to_string();

    for (email, role) in [
        (BUYER, "procurement"),
        (AUDITOR, "auditor"),
        (OTHER_AUDITOR, "auditor"),
    ] {
        app.add_user_with(email, role, |u| u.language = lang.code.into());
    }
    app.add_supplier(OTHER_SUPPLIER, "CN");
    app.add_audit(OTHER_AUDIT, OTHER_SUPPLIER, OTHER_AUDITOR);

    let mut browser = Browser::start(&server.url, &folder).await;
    let b = &mut browser;

    sign_in_as(b, lang, BUYER).await;
    let before = Figures::on_dashboard(b).await;
    assert_eq!(before, Figures::all(0), "a new database counts nothing");
    b.screenshot("dashboard-before").await;
    onboard_supplier(b, lang, &today).await;
    plan_audit(b, &today).await;
    b.sign_out().await;

    // The supplier's account comes once the supplier is registered.
    app.add_user_with(CONTACT, "supplier", |u| {
        u.language = lang.code.into();
        u.supplier_code = SUPPLIER.into();
    });

    sign_in_as(b, lang, AUDITOR).await;
    let findings_file = folder.join("findings.xlsx");
    write_findings(&findings_file, lang, &today);
    report_findings(b, lang, &findings_file, &today).await;
    b.sign_out().await;

    sign_in_as(b, lang, CONTACT).await;
    let action = work_corrective_action(b, lang, &today).await;
    b.sign_out().await;

    sign_in_as(b, lang, AUDITOR).await;
    verify_corrective_action(b, lang, &action).await;
    b.sign_out().await;

    sign_in_as(b, lang, BUYER).await;
    check_figures(b).await;

    browser.close().await;
    eprintln!(
        "-- browser journey {} ({}) passed in {:.1} s; screenshots in {}",
        lang.journey,
        app.db.label,
        started.elapsed().as_secs_f64(),
        folder.display()
    );
}

async fn sign_in_as(b: &mut Browser, lang: &Language, email: &str) {
    b.sign_in(email).await;
    assert_eq!(
        b.find("html").await.attr("lang").await.must("reading lang"),
        Some(lang.code.to_owned()),
        "{email} reads the pages in their language"
    );
    let heading = b.text("h1").await;
    assert!(
        heading.starts_with(lang.welcome),
        "home page of {email}: {heading:?}"
    );
}

/// Step 1: procurement registers the supplier; a review with a failed red line
/// rejects it, then a complete review with every red line passed approves it.
async fn onboard_supplier(b: &mut Browser, lang: &Language, today: &str) {
    const FORM: &str = r#"form[action="/suppliers"]"#;
    b.click_through(r#".mainnav a[href="/suppliers"]"#).await;
    b.click_through(r#"a[href="/suppliers/new"]"#).await;
    let supplier = supplier_input(SUPPLIER);
    b.fill(
        FORM,
        &[
            ("code", &supplier.code),
            ("name", &supplier.name),
            ("name_local", &supplier.name_local),
            ("uscc", &supplier.uscc),
            ("business_unit", &supplier.business_unit),
            ("category", &supplier.category),
            ("contact_name", "Li Wei"),
            ("contact_email", CONTACT),
            ("csr_signed_on", today),
        ],
    )
    .await;
    b.submit(FORM).await;
    b.expect_path(&format!("/suppliers/{SUPPLIER}")).await;
    b.screenshot("supplier-registered").await;

    let review = format!(r#"form[action="/suppliers/{SUPPLIER}/reviews"]"#);
    let new_review = format!(r#"a[href="/suppliers/{SUPPLIER}/reviews/new"]"#);
    let evidence = [
        ("evidence_type", "onsite_audit"),
        ("evidence_firm", "SGS"),
        ("evidence_date", today),
    ];
    b.click_through(&new_review).await;
    b.fill(&review, &evidence).await;
    b.fill(
        &review,
        &[
            ("rl_fire_safety", "fail"),
            ("rl_fire_safety_note", "Emergency exits locked"),
        ],
    )
    .await;
    b.screenshot("review-red-line-failed").await;
    b.submit(&review).await;
    assert_eq!(b.text("h1 .badge").await, lang.rejected);
    b.screenshot("supplier-rejected").await;

    b.click_through(&new_review).await;
    b.fill(&review, &evidence).await;
    let passed: Vec<String> = RED_LINES.iter().map(|code| format!("rl_{code}")).collect();
    let passed: Vec<(&str, &str)> = passed.iter().map(|name| (name.as_str(), "pass")).collect();
    b.fill(&review, &passed).await;
    b.submit(&review).await;
    assert_eq!(b.text("h1 .badge").await, lang.approved);
    b.screenshot("supplier-approved").await;
}

/// Step 2: procurement plans the supplier's audit and assigns the auditor.
async fn plan_audit(b: &mut Browser, today: &str) {
    const FORM: &str = r#"form[action="/audits"]"#;
    b.click_through(&format!(r#"a[href="/audits/new?supplier={SUPPLIER}"]"#))
        .await;
    b.fill(
        FORM,
        &[("audit_ref", AUDIT), ("firm", "SGS"), ("planned_on", today)],
    )
    .await;
    b.submit(FORM).await;
    b.expect_path(&format!("/audits/{AUDIT}")).await;
    let assign = format!(r#"form[action="/audits/{AUDIT}/assign"]"#);
    b.fill(&assign, &[("auditor_email", AUDITOR)]).await;
    b.submit(&assign).await;
    assert!(
        b.text("main").await.contains(AUDITOR),
        "the audit page names its auditor"
    );
    b.screenshot("audit-assigned").await;
}

/// The auditor's spreadsheet: a major finding (it needs a corrective
/// action) and an observation (it does not).
fn write_findings(path: &Path, lang: &Language, today: &str) {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let found_on = rust_xlsxwriter::ExcelDateTime::parse_from_str(today).unwrap();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for (column, header) in (0u16..).zip(lang.finding_headers) {
        sheet.write_string(0, column, header).unwrap();
    }
    let findings = [
        (
            "F1",
            "B4",
            "major",
            "Fire extinguishers past their inspection date",
        ),
        (
            "F2",
            "C1",
            "observation",
            "Chemical inventory kept on paper only",
        ),
    ];
    for (row, (number, clause, severity, description)) in (1u32..).zip(findings) {
        let reference = format!("{AUDIT}-{number}");
        for (column, text) in (0u16..).zip([reference.as_str(), AUDIT, clause, severity]) {
            sheet.write_string(row, column, text).unwrap();
        }
        sheet.write_string(row, 5, description).unwrap();
        sheet
            .write_datetime_with_format(row, 6, &found_on, &date)
            .unwrap();
    }
    workbook.save(path).unwrap();
}

/// Step 3: the auditor sees only their own audit, starts it, uploads the
/// findings file, confirms the import and reports the audit.
async fn report_findings(b: &mut Browser, lang: &Language, findings_file: &Path, today: &str) {
    const UPLOAD: &str = r#"form[action="/import"]"#;
    const CONFIRM: &str = r#"form[action="/import/confirm"]"#;
    let advance = format!(r#"form[action="/audits/{AUDIT}/advance"]"#);
    let open_audit = format!(r#"table.list a[href="/audits/{AUDIT}"]"#);

    b.click_through(r#".mainnav a[href="/audits"]"#).await;
    assert!(b.text("h1").await.starts_with(lang.my_audits));
    let rows = b.texts("table.list tbody tr").await;
    assert_eq!(rows.len(), 1, "the auditor sees one audit: {rows:?}");
    assert!(rows[0].contains(AUDIT) && !rows[0].contains(OTHER_AUDIT));
    b.screenshot("auditor-audits").await;

    b.click_through(&open_audit).await;
    b.submit(&advance).await; // planned → in progress
    b.click_through(r#"a[href="/import?kind=findings"]"#).await;
    b.fill(
        UPLOAD,
        &[
            ("kind", "findings"),
            ("file", findings_file.to_str().unwrap()),
        ],
    )
    .await;
    b.submit(UPLOAD).await;
    assert_eq!(
        b.texts(".stat .value").await,
        ["2", "2", "0", "0"],
        "rows, new, changed, unchanged"
    );
    b.screenshot("findings-checked").await;
    b.submit(CONFIRM).await;
    let done = b.text(".flash.success").await;
    assert!(done.contains(lang.import_done), "{done:?}");
    b.screenshot("findings-imported").await;

    b.click_through(r#".mainnav a[href="/audits"]"#).await;
    b.click_through(&open_audit).await;
    b.fill(&advance, &[("performed_on", today), ("score", "88")])
        .await;
    b.submit(&advance).await;
    let findings = b.texts("#findings + .table-wrap tbody tr").await;
    assert_eq!(findings.len(), 2, "both findings listed: {findings:?}");
    b.screenshot("audit-reported").await;
}

/// Step 4: the supplier's contact plans the corrective action, logs its progress
/// and asks for verification. Returns the action's page.
async fn work_corrective_action(b: &mut Browser, lang: &Language, today: &str) -> String {
    b.click_through(r#".mainnav a[href="/corrective-actions"]"#)
        .await;
    let rows = b.texts("table.list tbody tr").await;
    assert_eq!(rows.len(), 1, "one finding needs an action: {rows:?}");
    b.click_through(r#"table.list a[href^="/corrective-actions/"]"#)
        .await;
    let action = b.path().await;
    let step = |name: &str| format!(r#"form[action="{action}/{name}"]"#);

    b.fill(
        &step("plan"),
        &[
            ("root_cause", "Inspection schedule not tracked"),
            (
                "planned_actions",
                "Replace extinguishers; monthly checklist",
            ),
            ("owner", "Li Wei, EHS manager"),
        ],
    )
    .await;
    b.submit(&step("plan")).await;
    b.screenshot("action-planned").await;
    b.fill(
        &step("progress"),
        &[
            ("entry_on", today),
            ("percent", "100"),
            ("note", "All extinguishers replaced"),
        ],
    )
    .await;
    b.submit(&step("progress")).await;
    b.submit(&step("request_verification")).await;
    assert_eq!(b.text("h1 .badge").await, lang.pending_verification);
    b.screenshot("verification-requested").await;
    action
}

/// Step 5: the auditor checks the evidence and closes the action.
async fn verify_corrective_action(b: &mut Browser, lang: &Language, action: &str) {
    let verify = format!(r#"form[action="{action}/verify"]"#);
    b.click_through(r#".mainnav a[href="/corrective-actions"]"#)
        .await;
    b.click_through(&format!(r#"table.list a[href="{action}"]"#))
        .await;
    b.fill(
        &verify,
        &[("note", "Checked on site: tags dated this month")],
    )
    .await;
    b.submit(&verify).await;
    assert_eq!(b.text("h1 .badge").await, lang.closed);
    b.screenshot("action-closed").await;
}

/// Step 6: procurement's dashboard and report count the supplier: approved,
/// rejected once for a red line, audited, and remediated on time.
async fn check_figures(b: &mut Browser) {
    assert_eq!(Figures::on_dashboard(b).await, Figures::all(1));
    b.screenshot("dashboard-after").await;
    b.click_through(r#".mainnav a[href="/reports"]"#).await;
    let remediation = b
        .texts_at(Locator::XPath(
            "//div[contains(@class,'card')][.//a[contains(@href,'table=report.remediation')]]//td[2]",
        ))
        .await;
    assert_eq!(
        remediation.get(..2),
        Some(&["1".to_owned(), "100.0".to_owned()][..]),
        "suppliers remediating, share above 80 % on time: {remediation:?}"
    );
    b.screenshot("report").await;
}

/// The dashboard's headline counts of the year.
#[derive(Debug, PartialEq)]
struct Figures {
    production_suppliers: String,
    suppliers_audited: String,
    rejected_for_red_lines: String,
}

impl Figures {
    fn all(n: u32) -> Figures {
        Figures {
            production_suppliers: n.to_string(),
            suppliers_audited: n.to_string(),
            rejected_for_red_lines: n.to_string(),
        }
    }

    async fn on_dashboard(b: &Browser) -> Figures {
        let card = |link: &str| format!(r#"a.stat[href^="{link}"] .value"#);
        Figures {
            production_suppliers: b.text(&card("/suppliers?status=approved")).await,
            suppliers_audited: b.text(&card("/audits?year=")).await,
            rejected_for_red_lines: b.text(&card("/suppliers?status=rejected")).await,
        }
    }
}

/// A WebDriver session in Chromium, on the app at `base`.
struct Browser {
    client: Client,
    base: String,
    folder: PathBuf,
    screenshots: usize,
    // Declared last so it outlives the session that runs on it.
    _driver: Chromedriver,
}

impl Browser {
    async fn start(base: &str, folder: &Path) -> Browser {
        let driver = Chromedriver::start(&folder.join("chromedriver.log"));
        let mut capabilities = Capabilities::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": CHROMIUM, "args": CHROMIUM_ARGS }),
        );
        capabilities.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url())
            .await
            .unwrap_or_else(|e| panic!("no Chromium session from chromedriver: {e}"));
        Browser {
            client,
            base: base.to_owned(),
            folder: folder.to_owned(),
            screenshots: 0,
            _driver: driver,
        }
    }

    async fn close(self) {
        self.client.close().await.must("closing the browser");
    }

    async fn open(&mut self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .must(path);
        self.check_page().await;
    }

    async fn path(&self) -> String {
        self.client
            .current_url()
            .await
            .must("reading the address")
            .path()
            .to_owned()
    }

    async fn expect_path(&self, expected: &str) {
        assert_eq!(self.path().await, expected);
    }

    async fn sign_in(&mut self, email: &str) {
        const FORM: &str = r#"form[action="/login"]"#;
        // Signed out, the app's address leads to the sign-in page.
        self.open("/").await;
        self.expect_path("/login").await;
        self.fill(FORM, &[("email", email), ("password", PASSWORD)])
            .await;
        self.submit(FORM).await;
        self.expect_path("/").await;
    }

    async fn sign_out(&mut self) {
        self.submit(r#"form[action="/logout"]"#).await;
        self.expect_path("/login").await;
    }

    /// Waits for an element to show and returns it.
    async fn find(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
            .must(css)
    }

    async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.must(css)
    }

    async fn texts(&self, css: &str) -> Vec<String> {
        self.texts_at(Locator::Css(css)).await
    }

    async fn texts_at(&self, locator: Locator<'_>) -> Vec<String> {
        let mut texts = Vec::new();
        for element in self.client.find_all(locator).await.must("listing") {
            texts.push(element.text().await.must("reading a text"));
        }
        texts
    }

    /// Fills a form's fields by name as a person does: typing, picking an
    /// option, ticking a radio button, choosing a file.
    async fn fill(&self, form: &str, fields: &[(&str, &str)]) {
        for (name, value) in fields {
            let css = format!(r#"{form} [name="{name}"]"#);
            let field = self.find(&css).await;
            let tag = field.tag_name().await.must(&css);
            let kind = field.attr("type").await.must(&css).unwrap_or_default();
            match (tag.as_str(), kind.as_str()) {
                ("select", _) => field.select_by_value(value).await.must(&css),
                (_, "radio") => {
                    let choice = self.find(&format!(r#"{css}[value="{value}"]"#)).await;
                    choice.click().await.must(&css);
                }
                (_, "file") => field.send_keys(value).await.must(&css),
                // What typing into a date control means depends on the
                // browser's locale; its value is the same everywhere.
                (_, "date") => {
                    let field = serde_json::to_value(&field).unwrap();
                    self.client
                        .execute(
                            "arguments[0].value = arguments[1];",
                            vec![field, json!(value)],
                        )
                        .await
                        .must(&css);
                }
                _ => {
                    field.clear().await.must(&css);
                    field.send_keys(value).await.must(&css);
                }
            }
        }
    }

    async fn submit(&mut self, form: &str) {
        self.click_through(&format!("{form} button[type=submit]"))
            .await;
    }

    /// Clicks a link or button that leads to another page and waits for it.
    async fn click_through(&mut self, css: &str) {
        // A mark on this page's window: a new page comes with a new window
        // object, without it.
        self.client
            .execute("window.leftBehind = true;", vec![])
            .await
            .must("marking the page");
        self.find(css).await.click().await.must(css);
        let deadline = Instant::now() + PATIENCE;
        loop {
            // While the page changes, the browser may briefly refuse to run
            // scripts; only the deadline makes that a failure.
            let state = self
                .client
                .execute(
                    "return window.leftBehind ? 'old page' : document.readyState;",
                    vec![],
                )
                .await;
            match state {
                Ok(state) if state == "complete" => break,
                _ if Instant::now() < deadline => {
                    actix_web::rt::time::sleep(Duration::from_millis(50)).await
                }
                state => panic!("no new page after clicking {css}: {state:?}"),
            }
        }
        self.check_page().await;
    }

    /// Fails on an HTTP error status of the page shown, or on any console
    /// error since the last look (failed requests for assets included).
    async fn check_page(&self) {
        let url = self.client.current_url().await.must("reading the address");
        let status = self
            .client
            .execute(
                "const page = performance.getEntriesByType('navigation')[0]; \
                 return page ? page.responseStatus : 0;",
                vec![],
            )
            .await
            .must("reading the page status");
        if status.as_u64().unwrap_or(0) >= 400 {
            let shown = self.text("main").await;
            panic!("HTTP {status} at {url}:\n{shown}");
        }
        let log = self
            .client
            .issue_cmd(BrowserLog)
            .await
            .must("reading the browser log");
        let errors: Vec<&Value> = log
            .as_array()
            .into_iter()
            .flatten()
            .filter(|entry| entry["level"] == "SEVERE")
            .collect();
        assert!(
            errors.is_empty(),
            "browser console errors at {url}: {errors:#?}"
        );
    }

    /// Saves the page as `NN-step.png` and checks it once more.
    async fn screenshot(&mut self, step: &str) {
        self.screenshots += 1;
        let png = self.client.screenshot().await.must("taking a screenshot");
        let file = self
            .folder
            .join(format!("{:02}-{step}.png", self.screenshots));
        std::fs::write(&file, png).unwrap();
        self.check_page().await;
    }
}

/// chromedriver's log of the browser console, emptied by each read (a
/// legacy endpoint Chromium still serves).
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({ "type": "browser" }).to_string()),
        )
    }
}

/// A chromedriver process on a free port, stopped on drop together with
/// the browsers it started.
struct Chromedriver {
    process: Child,
    port: u16,
}

impl Chromedriver {
    fn start(log: &Path) -> Chromedriver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free local port")
            .port();
        let process = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {CHROMEDRIVER}: {e}"));
        let driver = Chromedriver { process, port };
        let deadline = Instant::now() + PATIENCE;
        while !driver.ready() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not answer /status; see {}",
                log.display()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        driver
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn ready(&self) -> bool {
        self.get("/status")
            .and_then(|body| serde_json::from_str::<Value>(&body).ok())
            .is_some_and(|status| status["value"]["ready"] == true)
    }

    /// The body of a GET answered on chromedriver's port, if it answers.
    /// chromedriver keeps the connection open, so the body is read by its
    /// length.
    fn get(&self, path: &str) -> Option<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        stream.set_read_timeout(Some(PATIENCE)).ok()?;
        write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
        let mut response = BufReader::new(stream);
        let mut length = 0;
        loop {
            let mut line = String::new();
            response.read_line(&mut line).ok()?;
            match line.trim_end().split_once(':') {
                Some((name, value)) if name.eq_ignore_ascii_case("content-length") => {
                    length = value.trim().parse().ok()?;
                }
                None if line.trim_end().is_empty() => break,
                _ => {}
            }
        }
        let mut body = vec![0; length];
        response.read_exact(&mut body).ok()?;
        String::from_utf8(body).ok()
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // `/shutdown` also quits the browser of a session a failed test left
        // open; killing chromedriver alone would orphan it.
        let _ = self.get("/shutdown");
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.process.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// WebDriver failures say what the test was doing.
trait Must<T> {
    fn must(self, doing: &str) -> T;
}

impl<T> Must<T> for Result<T, CmdError> {
    fn must(self, doing: &str) -> T {
        self.unwrap_or_else(|e| panic!("browser: {doing}: {e}"))
    }
}
