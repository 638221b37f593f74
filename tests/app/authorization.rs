//! Who may do what to whose records (DESIGN §1, §8, §9): every route of the
//! route table, asked by every role — anonymous, admin, procurement, viewer,
//! an auditor and a supplier contact — about another company's and another
//! auditor's records. A refusal is a sign-in redirect (pages) or 401 (API)
//! for the anonymous, 404 for a record outside an auditor's or a contact's
//! scope, 403 otherwise; and no refused or scoped answer shows a byte of the
//! foreign records.

use std::collections::BTreeSet;

use chrono::Datelike;
use serde_json::{json, Value};

use crate::cmrt_files::{ListRow, TemplateFile};
use crate::support::{route_table, Client, Reply, TestApp, ORIGIN};

/// Written into every record of the foreign supplier and its audit, so that
/// any answer showing their data gives itself away (compared lower-cased).
const MARK: &str = "xenoforge";

/// The supplier contact's own company, audited by the probing auditor.
const HOME: &str = "HOMEA";
const HOME_AUDIT: &str = "AUD-A";
/// Another company, audited by another auditor.
const FOREIGN: &str = "FORB";
const FOREIGN_AUDIT: &str = "AUD-B";
const TRAINING: &str = "TR-1";
/// The reporting year of the foreign ESG data and CMRT.
const YEAR: &str = "2021";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Anonymous,
    Admin,
    Procurement,
    Viewer,
    /// Assigned to `HOME_AUDIT` only.
    Auditor,
    /// Works for `HOME`.
    Contact,
}

use Who::*;

const CALLERS: [Who; 6] = [Anonymous, Admin, Procurement, Viewer, Auditor, Contact];
const EVERYONE: &[Who] = &CALLERS;
const SIGNED_IN: &[Who] = &[Admin, Procurement, Viewer, Auditor, Contact];
const STAFF: &[Who] = &[Admin, Procurement];
const READERS: &[Who] = &[Admin, Procurement, Viewer];
const AUDIT_READERS: &[Who] = &[Admin, Procurement, Viewer, Auditor];
const ESG_READERS: &[Who] = &[Admin, Procurement, Viewer, Contact];
const ESG_EDITORS: &[Who] = &[Admin, Procurement, Contact];
const IMPORTERS: &[Who] = &[Admin, Procurement, Auditor];
const ADMIN: &[Who] = &[Admin];
/// Roles that see only their own slice: a record outside it is a 404.
const SCOPED: &[Who] = &[Auditor, Contact];

enum Body {
    None,
    Form(Vec<(&'static str, String)>),
    Multipart(
        Vec<(&'static str, String)>,
        Vec<(&'static str, &'static str, Vec<u8>)>,
    ),
    Json(Value),
}

/// One request of the matrix: a route of the table, made concrete.
struct Probe {
    method: &'static str,
    /// As written in the route table (with the `/api/v1` scope).
    route: &'static str,
    path: String,
    body: Body,
    allowed: &'static [Who],
    /// Refused with 404: the record is outside the caller's scope.
    hidden_from: &'static [Who],
    /// The answer to staff and viewers shows the foreign records, which
    /// proves the probe reaches them.
    shows_foreign: bool,
}

impl Probe {
    fn new(method: &'static str, route: &'static str, path: String, body: Body) -> Probe {
        Probe {
            method,
            route,
            path,
            body,
            allowed: &[],
            hidden_from: &[],
            shows_foreign: false,
        }
    }

    /// A GET of the route as written (it has no parameters).
    fn page(route: &'static str) -> Probe {
        Probe::new("GET", route, route.to_owned(), Body::None)
    }

    fn get(route: &'static str, path: impl Into<String>) -> Probe {
        Probe::new("GET", route, path.into(), Body::None)
    }

    fn form(
        route: &'static str,
        path: impl Into<String>,
        fields: &[(&'static str, &str)],
    ) -> Probe {
        let fields = fields.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
        Probe::new("POST", route, path.into(), Body::Form(fields))
    }

    fn multipart(
        route: &'static str,
        path: impl Into<String>,
        fields: &[(&'static str, &str)],
        files: Vec<(&'static str, &'static str, Vec<u8>)>,
    ) -> Probe {
        let fields = fields.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
        Probe::new("POST", route, path.into(), Body::Multipart(fields, files))
    }

    fn json(
        method: &'static str,
        route: &'static str,
        path: impl Into<String>,
        body: Value,
    ) -> Probe {
        Probe::new(method, route, path.into(), Body::Json(body))
    }

    fn allow(mut self, who: &'static [Who]) -> Probe {
        self.allowed = who;
        self
    }

    fn hidden_from(mut self, who: &'static [Who]) -> Probe {
        self.hidden_from = who;
        self
    }

    fn showing_foreign(mut self) -> Probe {
        self.shows_foreign = true;
        self
    }

    fn is_api(&self) -> bool {
        self.path.starts_with("/api/")
    }
}

/// What a caller should get.
#[derive(Debug, PartialEq)]
enum Expect {
    /// 200, or a redirect within the caller's own scope.
    Answer,
    SignIn,
    Unauthorized,
    Forbidden,
    NotFound,
}

fn expect(probe: &Probe, who: Who) -> Expect {
    if probe.allowed.contains(&who) {
        Expect::Answer
    } else if who == Anonymous && probe.is_api() {
        Expect::Unauthorized
    } else if who == Anonymous {
        Expect::SignIn
    } else if probe.hidden_from.contains(&who) {
        Expect::NotFound
    } else {
        Expect::Forbidden
    }
}

/// The records the probes aim at, built once per backend through the app.
struct Scene {
    foreign_action: i32,
    home_action: i32,
    /// A progress photo of the foreign action.
    foreign_evidence: i32,
    /// The report file of the foreign audit.
    foreign_report: i32,
    foreign_programme: i32,
    foreign_item: i32,
    foreign_submission: i32,
    foreign_plan: i32,
    request: i32,
    /// A user only the admin may manage (the other auditor).
    other_user: i32,
}

fn png(text: &str) -> Vec<u8> {
    [b"\x89PNG\r\n\x1a\n".as_slice(), text.as_bytes()].concat()
}

fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.7\n{text}\n").into_bytes()
}

fn cmrt() -> Vec<u8> {
    TemplateFile {
        company: "Xenoforge Precision Co., Ltd.".into(),
        ..TemplateFile::cmrt(vec![
            ListRow::listed("Tin", "Yunnan Tin Company Limited", "China", "CID000002"),
            // Active, not conformant: opens a replacement plan.
            ListRow::listed(
                "Tungsten",
                "Jiangxi Yaosheng Tungsten",
                "China",
                "CID000004",
            ),
        ])
    }
    .bytes()
}

/// The ESG form's fields for a year of the foreign supplier.
fn esg_fields(year: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("supplier_code", FOREIGN),
        ("year", year),
        ("scope1_t", "10"),
        ("scope2_t", "20"),
        ("renewable_mwh", "100"),
        ("wastewater_t", "50"),
        ("exhaust_t", "1"),
        ("hazardous_waste_t", "2"),
        ("revenue_mcny", "100"),
        ("has_target", "yes"),
        ("target_year", "2030"),
        ("target_text", "Xenoforge: -30 % by 2030"),
        ("ghg_verification", "verified"),
        ("verifier", "Xenoforge Verification Ltd"),
    ]
}

/// Moves an audit one step on through the form on its page.
async fn advance(
    staff: &mut Client,
    audit: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) {
    let page = format!("/audits/{audit}");
    let version = staff.get(&page).await.input_value("version").unwrap();
    let mut all = vec![("version", version.as_str())];
    all.extend_from_slice(fields);
    let reply = staff
        .submit_multipart(&page, &format!("{page}/advance"), &all, files)
        .await;
    assert_eq!(reply.status, 303, "advance {audit}: {}", reply.body);
}

fn expect_redirect(reply: &Reply, what: &str) -> String {
    assert_eq!(reply.status, 303, "{what}: {}", reply.body);
    reply.location().to_owned()
}

/// The callers' accounts (see `caller`), the other auditor, and the two
/// approved suppliers: the contact's own and the foreign one, whose name
/// carries the mark. Returns the other auditor's id.
fn cast(app: &TestApp) -> i32 {
    for code in [HOME, FOREIGN] {
        app.add_supplier_with(code, |s| {
            s.status = "approved".into();
            s.approved_on = "2019-01-01".into();
            if code == FOREIGN {
                s.name = "Xenoforge Precision Co., Ltd.".into();
                s.name_local = "Xenoforge精密有限公司".into();
                s.contact_name = "Xenoforge Contact".into();
            }
        });
    }
    for who in CALLERS {
        match account(who) {
            Some((email, "supplier")) => {
                app.add_supplier_contact(email, HOME);
            }
            Some((email, role)) => {
                app.add_user(email, role);
            }
            None => {}
        }
    }
    app.add_user("auditor.y@firm.example", "auditor").id
}

/// The records, made by the admin through the app: the RMI reference list;
/// an audit of each supplier with a finding (the foreign audit by the other
/// auditor, reported with its report file; its action with a plan and a
/// progress photo); for the foreign supplier a year of ESG data with its
/// statement, a CMRT that opens a replacement plan, a training attendance
/// and an improvement programme; an ESG data request to the business unit.
async fn build_scene(staff: &mut Client, staff_api: &mut Client, other_user: i32) -> Scene {
    let reference = "smelter_id,metal,name,country,rmap_status\n\
        CID000002,Tin,Yunnan Tin Company Limited,China,Conformant\n\
        CID000004,Tungsten,Jiangxi Yaosheng Tungsten,China,Active\n";
    let loaded = staff
        .import_file("smelters", "rmi.csv", reference.as_bytes())
        .await;
    assert_eq!(loaded.status, 200, "{}", loaded.body);

    for (audit, supplier, firm, auditor, finding) in [
        (
            HOME_AUDIT,
            HOME,
            "SGS",
            "auditor.x@firm.example",
            "Fire exits blocked",
        ),
        (
            FOREIGN_AUDIT,
            FOREIGN,
            "Xenoforge Audit Ltd",
            "auditor.y@firm.example",
            "Xenoforge: press guards removed",
        ),
    ] {
        let created = staff
            .submit(
                "/audits/new",
                "/audits",
                &[
                    ("audit_ref", audit),
                    ("supplier_code", supplier),
                    ("kind", "annual"),
                    ("firm", firm),
                    ("auditor_email", auditor),
                    ("planned_on", "2021-02-01"),
                ],
            )
            .await;
        expect_redirect(&created, audit);
        let page = format!("/audits/{audit}");
        let found = staff
            .submit(
                &page,
                &format!("{page}/findings"),
                &[
                    ("clause", "B1"),
                    ("severity", "major"),
                    ("description", finding),
                    ("found_on", "2021-03-01"),
                ],
            )
            .await;
        expect_redirect(&found, "finding");
    }
    let action_of = |list: Reply| list.json()["items"][0]["action"]["id"].as_i64().unwrap() as i32;
    let foreign_action = action_of(
        staff_api
            .get(&format!("/api/v1/corrective-actions?supplier={FOREIGN}"))
            .await,
    );
    let home_action = action_of(
        staff_api
            .get(&format!("/api/v1/corrective-actions?supplier={HOME}"))
            .await,
    );
    let plan = staff
        .action_step(
            foreign_action,
            "plan",
            &[
                ("root_cause", "Xenoforge: guards removed for maintenance"),
                ("planned_actions", "Fit interlocked guards"),
                ("owner", "Mr Li"),
            ],
            &[],
        )
        .await;
    expect_redirect(&plan, "plan");
    let photo = png("Xenoforge press photo");
    let progress = staff
        .action_step(
            foreign_action,
            "progress",
            &[
                ("entry_on", "2021-03-10"),
                ("percent", "40"),
                ("note", "Xenoforge: guards ordered"),
            ],
            &[("file", "xenoforge-press.png", &photo)],
        )
        .await;
    expect_redirect(&progress, "progress");
    let foreign_evidence = staff
        .get(&format!("/corrective-actions/{foreign_action}"))
        .await
        .number_after("/attachments/")
        .unwrap();

    advance(staff, FOREIGN_AUDIT, &[], &[]).await;
    let report = pdf("Xenoforge audit report");
    advance(
        staff,
        FOREIGN_AUDIT,
        &[("performed_on", "2021-03-01"), ("score", "64")],
        &[("report_file", "xenoforge-report.pdf", &report)],
    )
    .await;
    let foreign_report = staff
        .get(&format!("/audits/{FOREIGN_AUDIT}"))
        .await
        .number_after("/attachments/")
        .unwrap();

    let statement = pdf("Xenoforge GHG verification statement");
    let saved = staff
        .submit_multipart(
            "/esg/data/new",
            "/esg/data",
            &esg_fields(YEAR),
            &[("statement_file", "statement.pdf", &statement)],
        )
        .await;
    expect_redirect(&saved, "ESG data");

    let due = format!("{}-12-31", chrono::Utc::now().year() + 1);
    let sent = staff
        .submit(
            "/esg/requests",
            "/esg/requests",
            &[
                ("year", YEAR),
                ("business_unit", "phones"),
                ("due_on", &due),
                ("message", "Please report"),
            ],
        )
        .await;
    let request = {
        let location = expect_redirect(&sent, "ESG request");
        location["/esg/requests/".len()..]
            .split('?')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };

    let session = staff
        .submit(
            "/esg/trainings/new",
            "/esg/trainings",
            &[
                ("session_ref", TRAINING),
                ("held_on", "2021-05-01"),
                ("topic", "Fire safety"),
            ],
        )
        .await;
    expect_redirect(&session, "training");
    let page = format!("/esg/trainings/{TRAINING}");
    let attended = staff
        .submit(
            &page,
            &format!("{page}/attendance"),
            &[("supplier_code", FOREIGN), ("people", "5")],
        )
        .await;
    expect_redirect(&attended, "attendance");

    let programmes = format!("/suppliers/{FOREIGN}/programmes");
    let created = staff
        .submit(
            &format!("{programmes}/new"),
            &programmes,
            &[
                ("title", "Xenoforge satisfied factory"),
                ("started_on", "2021-03-01"),
            ],
        )
        .await;
    let programme_page = expect_redirect(&created, "programme");
    let foreign_programme = programme_page[programmes.len() + 1..].parse().unwrap();
    let item = staff
        .submit(
            &programme_page,
            &format!("{programme_page}/items"),
            &[
                ("area", "energy_saving"),
                ("actions", "Xenoforge LED retrofit"),
                ("result_value", "10"),
                ("result_unit", "pct_change"),
            ],
        )
        .await;
    expect_redirect(&item, "programme item");
    let foreign_item = staff
        .get(&programme_page)
        .await
        .number_after("/items/")
        .unwrap();

    let smelters = format!("/suppliers/{FOREIGN}/smelters");
    let checked = staff
        .submit_multipart(
            &smelters,
            &format!("/suppliers/{FOREIGN}/cmrt"),
            &[("year", YEAR)],
            &[("file", "xenoforge-cmrt.xlsx", &cmrt())],
        )
        .await;
    assert_eq!(checked.status, 200, "{}", checked.body);
    let upload = checked.input_value("upload").unwrap();
    let confirmed = staff
        .submit(
            &smelters,
            &format!("/suppliers/{FOREIGN}/cmrt/confirm"),
            &[("upload", &upload), ("year", YEAR)],
        )
        .await;
    let foreign_submission = expect_redirect(&confirmed, "CMRT")["/smelters/submissions/".len()..]
        .parse()
        .unwrap();
    let foreign_plan = staff
        .get("/smelters/plans")
        .await
        .number_after("/smelters/plans/")
        .unwrap();

    Scene {
        foreign_action,
        home_action,
        foreign_evidence,
        foreign_report,
        foreign_programme,
        foreign_item,
        foreign_submission,
        foreign_plan,
        request,
        other_user,
    }
}

/// The matrix: one probe (or more) per route of the table.
fn probes(s: &Scene) -> Vec<Probe> {
    let f = FOREIGN;
    let supplier = format!("/suppliers/{f}");
    let programme = format!("{supplier}/programmes/{}", s.foreign_programme);
    let action = format!("/corrective-actions/{}", s.foreign_action);
    let audit = format!("/audits/{FOREIGN_AUDIT}");
    let training = format!("/esg/trainings/{TRAINING}");
    let esg_year = format!("/esg/data/{f}/{YEAR}");
    let user = format!("/admin/users/{}", s.other_user);
    let new_supplier = [
        ("code", "PROBE1"),
        ("name", "Probe Ltd"),
        ("country", "VN"),
        ("business_unit", "phones"),
    ];
    let audit_fields = [
        ("audit_ref", "PROBE-1"),
        ("supplier_code", f),
        ("kind", "annual"),
        ("planned_on", "2021-06-01"),
    ];
    let finding_fields = [
        ("clause", "B2"),
        ("severity", "minor"),
        ("description", "Probe finding"),
        ("found_on", "2021-03-02"),
    ];
    let progress = [
        ("version", "3"),
        ("entry_on", "2021-03-20"),
        ("percent", "60"),
        ("note", "Probe"),
    ];
    let import_file = || {
        vec![(
            "file",
            "suppliers.csv",
            b"code,name,country,business_unit\nPROBE2,Probe,VN,phones\n".to_vec(),
        )]
    };
    vec![
        // Open to all.
        Probe::page("/healthz").allow(EVERYONE),
        Probe::page("/readyz").allow(EVERYONE),
        Probe::get("/static/{file}", "/static/app.css").allow(EVERYONE),
        Probe::page("/login").allow(EVERYONE),
        Probe::form("/login", "/login", &[("email", "nobody@example.com"), ("password", "x")]).allow(EVERYONE),
        Probe::form("/logout", "/logout", &[]).allow(EVERYONE),
        Probe::form("/lang", "/lang", &[("lang", "zh-CN")]).allow(EVERYONE),
        Probe::page("/").allow(SIGNED_IN),
        Probe::get("/", "/?business_unit=phones").allow(SIGNED_IN),
        // Suppliers.
        Probe::page("/suppliers").allow(READERS).showing_foreign(),
        Probe::form("/suppliers", "/suppliers", &new_supplier).allow(STAFF),
        Probe::page("/suppliers/new").allow(STAFF),
        Probe::get("/suppliers/export.{format}", "/suppliers/export.csv").allow(READERS).showing_foreign(),
        Probe::get("/suppliers/{code}", &supplier).allow(READERS).hidden_from(SCOPED).showing_foreign(),
        Probe::get("/suppliers/{code}", format!("/suppliers/{HOME}"))
            .allow(&[Admin, Procurement, Viewer, Contact])
            .hidden_from(&[Auditor]),
        Probe::form("/suppliers/{code}", &supplier, &[("version", "1"), ("name", "Renamed Ltd")]).allow(STAFF),
        Probe::get("/suppliers/{code}/edit", format!("{supplier}/edit")).allow(STAFF),
        Probe::form("/suppliers/{code}/status", format!("{supplier}/status"), &[("status", "suspended"), ("version", "1")])
            .allow(STAFF),
        Probe::get("/suppliers/{code}/smelters", format!("{supplier}/smelters"))
            .allow(READERS)
            .hidden_from(SCOPED)
            .showing_foreign(),
        Probe::get("/suppliers/{code}/smelters", format!("/suppliers/{HOME}/smelters"))
            .allow(&[Admin, Procurement, Viewer, Contact])
            .hidden_from(&[Auditor]),
        Probe::multipart(
            "/suppliers/{code}/cmrt",
            format!("{supplier}/cmrt"),
            &[("year", "2022")],
            vec![("file", "cmrt.xlsx", cmrt())],
        )
        .allow(STAFF)
        .hidden_from(SCOPED),
        Probe::form(
            "/suppliers/{code}/cmrt/confirm",
            format!("{supplier}/cmrt/confirm"),
            &[("upload", "999999"), ("year", "2022")],
        )
        .allow(STAFF)
        .hidden_from(SCOPED),
        Probe::get("/suppliers/{code}/reviews/new", format!("{supplier}/reviews/new")).allow(STAFF),
        Probe::multipart(
            "/suppliers/{code}/reviews",
            format!("{supplier}/reviews"),
            &[("decided_on", "2021-06-01"), ("evidence_type", "rba_vap")],
            vec![("evidence_file", "vap.pdf", pdf("probe"))],
        )
        .allow(STAFF),
        Probe::form("/suppliers/{code}/risk", format!("{supplier}/risk"), &[("assessed_on", "2021-06-01"), ("saq_score", "50")])
            .allow(STAFF),
        // Improvement programmes.
        Probe::get("/suppliers/{code}/programmes/new", format!("{supplier}/programmes/new")).allow(STAFF),
        Probe::form(
            "/suppliers/{code}/programmes",
            format!("{supplier}/programmes"),
            &[("title", "Probe"), ("started_on", "2021-01-01")],
        )
        .allow(STAFF),
        Probe::get("/suppliers/{code}/programmes/{id}", &programme)
            .allow(READERS)
            .hidden_from(SCOPED)
            .showing_foreign(),
        Probe::form("/suppliers/{code}/programmes/{id}", &programme, &[("version", "1"), ("title", "Renamed")]).allow(STAFF),
        Probe::get("/suppliers/{code}/programmes/{id}/edit", format!("{programme}/edit")).allow(STAFF),
        Probe::form(
            "/suppliers/{code}/programmes/{id}/items",
            format!("{programme}/items"),
            &[("area", "energy_saving"), ("actions", "Probe")],
        )
        .allow(STAFF),
        Probe::form(
            "/suppliers/{code}/programmes/{id}/items/{item}/delete",
            format!("{programme}/items/{}/delete", s.foreign_item),
            &[],
        )
        .allow(STAFF),
        // ESG data, requests and trainings.
        Probe::page("/esg").allow(ESG_READERS).showing_foreign(),
        Probe::get("/esg", format!("/esg?supplier={f}")).allow(ESG_READERS).showing_foreign(),
        Probe::get("/esg/export.{format}", format!("/esg/export.csv?supplier={f}"))
            .allow(ESG_READERS)
            .showing_foreign(),
        Probe::page("/esg/data/new").allow(ESG_EDITORS),
        Probe::multipart("/esg/data", "/esg/data", &esg_fields("2022"), vec![]).allow(STAFF).hidden_from(&[Contact]),
        Probe::get("/esg/data/{code}/{year}", &esg_year).allow(STAFF).hidden_from(&[Contact]).showing_foreign(),
        Probe::get("/esg/data/{code}/{year}/statement", format!("{esg_year}/statement"))
            .allow(READERS)
            .hidden_from(&[Contact])
            .showing_foreign(),
        Probe::page("/esg/climate").allow(READERS),
        Probe::page("/esg/climate/export.xlsx").allow(READERS),
        Probe::page("/esg/requests").allow(READERS),
        Probe::form("/esg/requests", "/esg/requests", &[("year", "2022"), ("business_unit", "phones")]).allow(STAFF),
        Probe::get("/esg/requests/{id}", format!("/esg/requests/{}", s.request)).allow(READERS).showing_foreign(),
        Probe::get("/esg/requests/{id}/export.{format}", format!("/esg/requests/{}/export.csv", s.request))
            .allow(READERS)
            .showing_foreign(),
        Probe::page("/esg/trainings").allow(READERS),
        Probe::form(
            "/esg/trainings",
            "/esg/trainings",
            &[("session_ref", "TR-9"), ("held_on", "2021-06-01"), ("topic", "Probe")],
        )
        .allow(STAFF),
        Probe::page("/esg/trainings/new").allow(STAFF),
        Probe::get("/esg/trainings/export.{format}", "/esg/trainings/export.csv").allow(READERS),
        Probe::get("/esg/trainings/{ref}", &training).allow(READERS).showing_foreign(),
        Probe::form("/esg/trainings/{ref}", &training, &[("version", "1"), ("topic", "Renamed")]).allow(STAFF),
        Probe::get("/esg/trainings/{ref}/edit", format!("{training}/edit")).allow(STAFF),
        Probe::form(
            "/esg/trainings/{ref}/attendance",
            format!("{training}/attendance"),
            &[("supplier_code", f), ("people", "9")],
        )
        .allow(STAFF),
        Probe::form(
            "/esg/trainings/{ref}/attendance/{code}/delete",
            format!("{training}/attendance/{f}/delete"),
            &[],
        )
        .allow(STAFF),
        // Files: the foreign action's progress photo and audit report.
        // Contacts and auditors download their own (tests in `actions` and
        // `audits`); these are outside their scope.
        Probe::get("/attachments/{id}", format!("/attachments/{}", s.foreign_evidence))
            .allow(READERS)
            .hidden_from(SCOPED)
            .showing_foreign(),
        Probe::get("/attachments/{id}", format!("/attachments/{}", s.foreign_report))
            .allow(READERS)
            .hidden_from(SCOPED)
            .showing_foreign(),
        // Risk and audits.
        Probe::page("/risk").allow(READERS),
        Probe::page("/audits").allow(AUDIT_READERS).showing_foreign(),
        Probe::get("/audits", format!("/audits?q={FOREIGN_AUDIT}")).allow(AUDIT_READERS).showing_foreign(),
        Probe::form("/audits", "/audits", &audit_fields).allow(STAFF),
        Probe::page("/audits/new").allow(STAFF),
        Probe::page("/audits/plan").allow(STAFF),
        Probe::form("/audits/plan", "/audits/plan", &[("year", "2022"), ("capacity", "1")]).allow(STAFF),
        Probe::page("/audits/calendar").allow(AUDIT_READERS),
        Probe::get("/audits/export.{format}", "/audits/export.csv").allow(AUDIT_READERS).showing_foreign(),
        Probe::get("/audits/{ref}", &audit).allow(READERS).hidden_from(SCOPED).showing_foreign(),
        Probe::get("/audits/{ref}", format!("/audits/{HOME_AUDIT}")).allow(AUDIT_READERS).hidden_from(&[Contact]),
        Probe::form(
            "/audits/{ref}/assign",
            format!("{audit}/assign"),
            &[("version", "1"), ("auditor_email", "auditor.x@firm.example")],
        )
        .allow(STAFF),
        Probe::multipart("/audits/{ref}/advance", format!("{audit}/advance"), &[("version", "3")], vec![])
            .allow(STAFF)
            .hidden_from(SCOPED),
        Probe::form("/audits/{ref}/findings", format!("{audit}/findings"), &finding_fields)
            .allow(STAFF)
            .hidden_from(SCOPED),
        // Corrective actions.
        Probe::page("/corrective-actions").allow(SIGNED_IN).showing_foreign(),
        Probe::get("/corrective-actions", format!("/corrective-actions?supplier={f}"))
            .allow(SIGNED_IN)
            .showing_foreign(),
        Probe::get("/corrective-actions/export.{format}", format!("/corrective-actions/export.csv?supplier={f}"))
            .allow(SIGNED_IN),
        Probe::get("/corrective-actions/{id}", &action).allow(READERS).hidden_from(SCOPED).showing_foreign(),
        Probe::get("/corrective-actions/{id}", format!("/corrective-actions/{}", s.home_action)).allow(SIGNED_IN),
        Probe::form(
            "/corrective-actions/{id}/extend",
            format!("{action}/extend"),
            &[("version", "3"), ("due_on", "2022-12-31"), ("reason", "Probe")],
        )
        .allow(STAFF),
        Probe::multipart("/corrective-actions/{id}/{step}", format!("{action}/progress"), &progress, vec![])
            .allow(STAFF)
            .hidden_from(SCOPED),
        Probe::multipart(
            "/corrective-actions/{id}/{step}",
            format!("{action}/verify"),
            &[("version", "3"), ("note", "Probe")],
            vec![],
        )
        .allow(STAFF)
        .hidden_from(SCOPED),
        // Reports.
        Probe::page("/reports").allow(READERS),
        Probe::get("/reports/export.{format}", "/reports/export.xlsx").allow(READERS),
        // Conflict minerals.
        Probe::page("/smelters").allow(&[Admin, Procurement, Viewer, Contact]),
        Probe::get("/smelters/export.{format}", "/smelters/export.csv").allow(READERS),
        Probe::page("/smelters/reference").allow(READERS),
        Probe::get("/smelters/reference/export.{format}", "/smelters/reference/export.csv").allow(READERS),
        Probe::page("/smelters/suppliers").allow(READERS).showing_foreign(),
        Probe::get("/smelters/suppliers/export.{format}", "/smelters/suppliers/export.csv").allow(READERS),
        Probe::page("/smelters/plans").allow(READERS).showing_foreign(),
        Probe::get("/smelters/plans/export.{format}", "/smelters/plans/export.csv").allow(READERS),
        Probe::get("/smelters/plans/{id}", format!("/smelters/plans/{}", s.foreign_plan))
            .allow(READERS)
            .showing_foreign(),
        Probe::form(
            "/smelters/plans/{id}",
            format!("/smelters/plans/{}", s.foreign_plan),
            &[("version", "1"), ("status", "closed")],
        )
        .allow(STAFF),
        Probe::get("/smelters/submissions/{id}", format!("/smelters/submissions/{}", s.foreign_submission))
            .allow(READERS)
            .hidden_from(SCOPED)
            .showing_foreign(),
        Probe::get("/smelters/submissions/{id}/file", format!("/smelters/submissions/{}/file", s.foreign_submission))
            .allow(READERS)
            .hidden_from(SCOPED),
        Probe::get("/smelters/{smelter_id}", "/smelters/CID000004").allow(READERS),
        // Import.
        Probe::page("/import").allow(IMPORTERS),
        Probe::multipart("/import", "/import", &[("kind", "suppliers")], import_file()).allow(STAFF),
        Probe::form("/import/confirm", "/import/confirm", &[("kind", "suppliers"), ("upload", "999999")]).allow(STAFF),
        // Administration.
        Probe::page("/admin/users").allow(ADMIN),
        Probe::form(
            "/admin/users",
            "/admin/users",
            &[("email", "probe@example.com"), ("name", "Probe"), ("role", "admin")],
        )
        .allow(ADMIN),
        Probe::page("/admin/users/new").allow(ADMIN),
        Probe::get("/admin/users/{id}", &user).allow(ADMIN),
        Probe::form("/admin/users/{id}/active", format!("{user}/active"), &[("active", "false"), ("version", "1")])
            .allow(ADMIN),
        Probe::form("/admin/users/{id}/password", format!("{user}/password"), &[]).allow(ADMIN),
        Probe::page("/admin/settings").allow(ADMIN),
        Probe::form("/admin/settings", "/admin/settings", &[("upload_limit_mb", "1")]).allow(ADMIN),
        Probe::page("/admin/outbox").allow(ADMIN),
        Probe::form("/admin/outbox/{id}/resend", "/admin/outbox/1/resend", &[]).allow(ADMIN),
        // The API; its description is public.
        Probe::page("/api/v1/openapi.json").allow(EVERYONE),
        Probe::page("/api/v1/me").allow(SIGNED_IN),
        Probe::page("/api/v1/suppliers").allow(READERS).showing_foreign(),
        Probe::json("POST", "/api/v1/suppliers", "/api/v1/suppliers", json!({"code": "PROBE3", "name": "Probe", "country": "VN", "business_unit": "phones"}))
            .allow(STAFF),
        Probe::get("/api/v1/suppliers/{code}", format!("/api/v1{supplier}"))
            .allow(READERS)
            .hidden_from(SCOPED)
            .showing_foreign(),
        Probe::get("/api/v1/suppliers/{code}", format!("/api/v1/suppliers/{HOME}"))
            .allow(&[Admin, Procurement, Viewer, Contact])
            .hidden_from(&[Auditor]),
        Probe::json("PUT", "/api/v1/suppliers/{code}", format!("/api/v1{supplier}"), json!({"version": 1, "name": "Renamed"}))
            .allow(STAFF),
        Probe::page("/api/v1/onboarding-reviews").allow(READERS),
        Probe::json(
            "POST",
            "/api/v1/onboarding-reviews",
            "/api/v1/onboarding-reviews",
            json!({"supplier_code": f, "decided_on": "2021-06-01", "evidence_type": "rba_vap"}),
        )
        .allow(STAFF),
        Probe::page("/api/v1/risk-assessments").allow(READERS),
        Probe::json(
            "POST",
            "/api/v1/risk-assessments",
            "/api/v1/risk-assessments",
            json!({"supplier_code": f, "assessed_on": "2021-06-01", "saq_score": "50"}),
        )
        .allow(STAFF),
        Probe::page("/api/v1/audits").allow(AUDIT_READERS).showing_foreign(),
        Probe::get("/api/v1/audits", format!("/api/v1/audits?q={FOREIGN_AUDIT}"))
            .allow(AUDIT_READERS)
            .showing_foreign(),
        Probe::json("POST", "/api/v1/audits", "/api/v1/audits", json!({"audit_ref": "PROBE-2", "supplier_code": f, "kind": "annual"}))
            .allow(STAFF),
        Probe::get("/api/v1/audits/{ref}", format!("/api/v1{audit}"))
            .allow(READERS)
            .hidden_from(SCOPED)
            .showing_foreign(),
        Probe::get("/api/v1/audits/{ref}", format!("/api/v1/audits/{HOME_AUDIT}"))
            .allow(AUDIT_READERS)
            .hidden_from(&[Contact]),
        Probe::page("/api/v1/kpis").allow(READERS),
        Probe::page("/api/v1/findings").allow(SIGNED_IN).showing_foreign(),
        Probe::json(
            "POST",
            "/api/v1/findings",
            "/api/v1/findings",
            json!({"audit_ref": FOREIGN_AUDIT, "clause": "B2", "severity": "minor", "description": "Probe", "found_on": "2021-03-02"}),
        )
        .allow(STAFF)
        .hidden_from(SCOPED),
        Probe::page("/api/v1/corrective-actions").allow(SIGNED_IN).showing_foreign(),
        Probe::get("/api/v1/corrective-actions", format!("/api/v1/corrective-actions?supplier={f}"))
            .allow(SIGNED_IN)
            .showing_foreign(),
        Probe::get("/api/v1/corrective-actions/{id}", format!("/api/v1{action}"))
            .allow(READERS)
            .hidden_from(SCOPED)
            .showing_foreign(),
        Probe::get("/api/v1/corrective-actions/{id}", format!("/api/v1/corrective-actions/{}", s.home_action))
            .allow(SIGNED_IN),
        Probe::json(
            "POST",
            "/api/v1/corrective-actions/{id}/{step}",
            format!("/api/v1{action}/progress"),
            json!({"version": 3, "entry_on": "2021-03-20", "percent": "60"}),
        )
        .allow(STAFF)
        .hidden_from(SCOPED),
        Probe::json(
            "POST",
            "/api/v1/corrective-actions/{id}/{step}",
            format!("/api/v1{action}/verify"),
            json!({"version": 3, "note": "Probe"}),
        )
        .allow(STAFF)
        .hidden_from(SCOPED),
        Probe::page("/api/v1/esg-data").allow(ESG_READERS).showing_foreign(),
        Probe::get("/api/v1/esg-data", format!("/api/v1/esg-data?supplier={f}"))
            .allow(ESG_READERS)
            .showing_foreign(),
        Probe::json(
            "POST",
            "/api/v1/esg-data",
            "/api/v1/esg-data",
            json!({"supplier_code": f, "year": 2022, "scope1_t": 1, "scope2_t": 2}),
        )
        .allow(STAFF)
        .hidden_from(&[Contact]),
        Probe::page("/api/v1/trainings").allow(READERS),
        Probe::json(
            "POST",
            "/api/v1/trainings",
            "/api/v1/trainings",
            json!({"session_ref": "TR-8", "held_on": "2021-06-01", "topic": "Probe", "supplier_code": f, "people": 3}),
        )
        .allow(STAFF),
        Probe::page("/api/v1/smelters").allow(READERS),
        Probe::get("/api/v1/suppliers/{code}/smelters", format!("/api/v1{supplier}/smelters"))
            .allow(READERS)
            .hidden_from(SCOPED),
        Probe::page("/api/v1/outbox").allow(ADMIN),
    ]
}

/// Rows in the tables a write would touch; `audit_log` catches updates.
fn written(app: &TestApp) -> Vec<(&'static str, i64)> {
    [
        "audit_log",
        "attachments",
        "suppliers",
        "users",
        "onboarding_reviews",
        "risk_assessments",
        "audits",
        "findings",
        "corrective_actions",
        "action_progress",
        "esg_data",
        "esg_requests",
        "training_sessions",
        "training_attendance",
        "improvement_programmes",
        "programme_items",
        "mineral_submissions",
        "replacement_plans",
    ]
    .into_iter()
    .map(|table| (table, app.count(table)))
    .collect()
}

/// A caller's two clients: a browser session for pages, a bearer token for
/// the API (the anonymous caller has neither, but a form token and our
/// Origin, so that only the missing sign-in can refuse it).
struct Caller {
    who: Who,
    pages: Client,
    api: Client,
    csrf: String,
}

/// (e-mail, role) of each signed-in caller.
fn account(who: Who) -> Option<(&'static str, &'static str)> {
    match who {
        Anonymous => None,
        Admin => Some(("admin@probe.example", "admin")),
        Procurement => Some(("buyer@probe.example", "procurement")),
        Viewer => Some(("viewer@probe.example", "viewer")),
        Auditor => Some(("auditor.x@firm.example", "auditor")),
        Contact => Some(("contact@homea.example.cn", "supplier")),
    }
}

async fn caller(app: &TestApp, who: Who) -> Caller {
    let Some((email, _)) = account(who) else {
        let mut pages = app.client();
        let csrf = pages.csrf_token("/login").await;
        let api = app.client().with_header("origin", ORIGIN);
        return Caller {
            who,
            pages,
            api,
            csrf,
        };
    };
    let user = supplier_esg::models::user::User::by_email(&mut app.conn(), email)
        .unwrap()
        .unwrap();
    let mut pages = app.signed_in_as(email).await;
    let csrf = pages.csrf_token("/").await;
    Caller {
        who,
        pages,
        api: app.api_client(&user),
        csrf,
    }
}

async fn send(caller: &mut Caller, probe: &Probe) -> Reply {
    let client = if probe.is_api() {
        &mut caller.api
    } else {
        &mut caller.pages
    };
    match &probe.body {
        Body::None => client.get(&probe.path).await,
        Body::Form(fields) => {
            let mut all = vec![("csrf", caller.csrf.as_str())];
            all.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
            client.post(&probe.path, &all).await
        }
        Body::Multipart(fields, files) => {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let files: Vec<(&str, &str, &[u8])> = files
                .iter()
                .map(|(n, f, b)| (*n, *f, b.as_slice()))
                .collect();
            client
                .post_multipart(&probe.path, &caller.csrf, &fields, &files)
                .await
        }
        Body::Json(value) => {
            client
                .send_json(probe.method, &probe.path, value.clone())
                .await
        }
    }
}

/// The status the caller should get, and nothing of the foreign records in
/// a refused or scoped answer (while staff and viewers see them where the
/// probe says so, which proves it reached them).
fn check(probe: &Probe, who: Who, reply: &Reply) {
    let case = format!("{who:?} {} {}", probe.method, probe.path);
    let expected = expect(probe, who);
    match expected {
        Expect::Answer => assert!(
            reply.status == 200 || (reply.status == 303 && !reply.location().starts_with("/login")),
            "{case}: {} {}",
            reply.status,
            reply.body
        ),
        Expect::SignIn => {
            assert_eq!(reply.status, 303, "{case}");
            assert!(
                reply.location().starts_with("/login"),
                "{case}: {}",
                reply.location()
            );
        }
        Expect::Unauthorized => {
            assert_eq!(reply.status, 401, "{case}");
            assert_eq!(reply.json()["error"]["code"], "unauthorized", "{case}");
        }
        Expect::Forbidden => assert_eq!(reply.status, 403, "{case}: {}", reply.body),
        Expect::NotFound => assert_eq!(reply.status, 404, "{case}: {}", reply.body),
    }
    let shown = format!("{} {}", reply.location(), reply.body).to_lowercase();
    if expected != Expect::Answer || matches!(who, Anonymous | Auditor | Contact) {
        if let Some(at) = shown.find(MARK) {
            let around: String = shown
                .char_indices()
                .filter(|(i, _)| i.abs_diff(at) < 200)
                .map(|(_, c)| c)
                .collect();
            panic!("{case} shows the foreign records: …{around}…");
        }
    } else if probe.shows_foreign && READERS.contains(&who) {
        assert!(
            shown.contains(MARK),
            "{case} should show the foreign records: {}",
            reply.body
        );
    }
}

#[actix_web::test]
async fn every_route_refuses_each_role_outside_its_scope_and_shows_nothing_foreign() {
    for app in TestApp::each_backend().await {
        let started = std::time::Instant::now();
        let other_user = cast(&app);
        let mut callers = Vec::new();
        for who in CALLERS {
            callers.push(caller(&app, who).await);
        }
        let admin = callers.iter_mut().find(|c| c.who == Admin).unwrap();
        let scene = build_scene(&mut admin.pages, &mut admin.api, other_user).await;
        let probes = probes(&scene);

        let covered: BTreeSet<(String, String)> = probes
            .iter()
            .map(|p| (p.method.to_owned(), p.route.to_owned()))
            .collect();
        let table = route_table();
        assert!(table.len() > 100, "the route table was not read: {table:?}");
        let missing: Vec<_> = table.difference(&covered).collect();
        let stale: Vec<_> = covered.difference(&table).collect();
        assert!(missing.is_empty(), "routes without a probe: {missing:?}");
        assert!(
            stale.is_empty(),
            "probes of routes that do not exist: {stale:?}"
        );

        let before = written(&app);
        let (mut sent, mut left) = (0, 0);
        for probe in &probes {
            for caller in &mut callers {
                // Allowed writes are the area tests' business; here they would
                // change the records the other probes aim at.
                if probe.method != "GET" && expect(probe, caller.who) == Expect::Answer {
                    left += 1;
                    continue;
                }
                let reply = send(caller, probe).await;
                check(probe, caller.who, &reply);
                sent += 1;
            }
        }
        assert_eq!(written(&app), before, "a refused request changed something");
        eprintln!(
            "-- {} routes, {} probes, {sent} requests checked ({left} allowed writes not sent) in {:.1?}",
            table.len(),
            probes.len(),
            started.elapsed()
        );
    }
}

/// A findings file names the audit of each row, and its `finding_ref` is the
/// key it upserts by. A reference that belongs to another audit must not be
/// "updated" from a file about this one: an auditor would otherwise rewrite
/// the findings of an audit they are not assigned to (or a locked report).
#[actix_web::test]
async fn a_findings_file_cannot_rewrite_another_audits_finding() {
    for app in TestApp::each_backend().await {
        let other_user = cast(&app);
        let mut admin = app.signed_in_as(account(Admin).unwrap().0).await;
        let admin_user =
            supplier_esg::models::user::User::by_email(&mut app.conn(), account(Admin).unwrap().0)
                .unwrap()
                .unwrap();
        let mut admin_api = app.api_client(&admin_user);
        build_scene(&mut admin, &mut admin_api, other_user).await;
        let foreign = format!("/api/v1/corrective-actions?supplier={FOREIGN}");
        let before = admin_api.get(&foreign).await.json()["items"][0]["action"].clone();
        let foreign_ref = before["finding_ref"].as_str().unwrap().to_owned();
        let file = format!(
            "finding_ref,audit_ref,clause,severity,description,found_on\n\
             {foreign_ref},{HOME_AUDIT},A1,minor,Rewritten by a file about another audit,2021-03-01\n"
        );
        let auditor = app.signed_in_as(account(Auditor).unwrap().0).await;
        let kept = (app.count("audit_log"), app.count("attachments"));
        for mut importer in [auditor, admin] {
            let refused = importer
                .submit_multipart(
                    "/import?kind=findings",
                    "/import",
                    &[("kind", "findings")],
                    &[("file", "findings.csv", file.as_bytes())],
                )
                .await;
            assert_eq!(refused.status, 422, "{}", refused.body);
            assert!(refused
                .body
                .contains("A finding with this reference already exists."));
            assert!(!refused.body.to_lowercase().contains(MARK));
        }
        let now = (app.count("audit_log"), app.count("attachments"));
        assert_eq!(now, kept, "nothing written, no upload kept to confirm");
        let after = admin_api.get(&foreign).await.json()["items"][0]["action"].clone();
        assert_eq!(after, before);
    }
}
