//! E-mail reminders end to end, over real SMTP (tests/app/smtp.rs): the
//! DESIGN §2.7 rules, exact recipients and subjects, reruns, a server that is
//! down then up, parallel runners, and the admin outbox.

use chrono::{Months, NaiveDate};
use diesel::prelude::*;
use std::collections::BTreeSet;

use supplier_esg::config::{Config, DEFAULT_MAIL_FROM};
use supplier_esg::db::schema::{audits, corrective_actions, findings, outbox, suppliers};
use supplier_esg::jobs::reminders::run_once;
use supplier_esg::mail::Mailer;
use supplier_esg::models::{api_token, now};

use crate::smtp::{dead_url, SmtpServer};
use crate::support::TestApp;

pub const BASE: &str = "https://esg.example.com";

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A Monday: the buyers' digest goes out.
fn today() -> NaiveDate {
    day("2026-03-02")
}

/// The mailer of `app`: over SMTP at `smtp_url`, else into `.eml` files.
pub fn mailer(app: &TestApp, smtp_url: Option<String>) -> Mailer {
    let config = Config {
        database: app.db.location.clone(),
        data_dir: std::env::temp_dir().join("supplier-esg-tests"),
        public_url: Some(BASE.into()),
        smtp_url,
        mail_from: DEFAULT_MAIL_FROM.into(),
    };
    Mailer::from_config(&config).unwrap()
}

fn supplier(app: &TestApp, code: &str, country: &str, bu: &str) -> i32 {
    let contact = format!("contact@{}.example.com", code.to_lowercase());
    app.add_supplier_with(code, |s| {
        s.country = country.into();
        s.business_unit = bu.into();
        s.contact_email = contact;
        s.buyer_email = "buyer.a@example.com".into();
    })
    .id
}

fn audit(app: &TestApp, supplier_id: i32, audit_ref: &str) -> i32 {
    let at = now();
    diesel::insert_into(audits::table)
        .values((
            audits::audit_ref.eq(audit_ref),
            audits::supplier_id.eq(supplier_id),
            audits::kind.eq("annual"),
            audits::firm.eq("SGS"),
            audits::plan_reason.eq(""),
            audits::status.eq("reported"),
            audits::created_at.eq(at),
            audits::updated_at.eq(at),
            audits::version.eq(1),
        ))
        .returning(audits::id)
        .get_result(&mut *app.conn())
        .unwrap()
}

fn action(
    app: &TestApp,
    (supplier_id, audit_id): (i32, i32),
    finding_ref: &str,
    due: &str,
    status: &str,
    last_progress: Option<&str>,
) -> i32 {
    let at = now();
    let due = day(due);
    let mut conn = app.conn();
    let finding: i32 = diesel::insert_into(findings::table)
        .values((
            findings::finding_ref.eq(finding_ref),
            findings::audit_id.eq(audit_id),
            findings::clause.eq("A3"),
            findings::severity.eq("major"),
            findings::description.eq("Overtime above 60 hours a week"),
            findings::found_on.eq(due.checked_sub_months(Months::new(4)).unwrap()),
            findings::created_at.eq(at),
            findings::updated_at.eq(at),
            findings::version.eq(1),
        ))
        .returning(findings::id)
        .get_result(&mut *conn)
        .unwrap();
    diesel::insert_into(corrective_actions::table)
        .values((
            corrective_actions::finding_id.eq(finding),
            corrective_actions::supplier_id.eq(supplier_id),
            corrective_actions::status.eq(status),
            corrective_actions::due_on.eq(due),
            corrective_actions::original_due_on.eq(due),
            corrective_actions::last_progress_on.eq(last_progress.map(day)),
            corrective_actions::closed_on.eq((status == "closed").then_some(today())),
            corrective_actions::created_at.eq(at),
            corrective_actions::updated_at.eq(at),
            corrective_actions::version.eq(1),
        ))
        .returning(corrective_actions::id)
        .get_result(&mut *conn)
        .unwrap()
}

/// Suppliers S1 (CN, phones; its contact reads Chinese), S2 (VN, tv) and S3
/// (VN, tv, a contact address that is not one), and actions due in 14 / 3 /
/// 0 days, 20 days overdue, closed, and without progress for 10 days.
fn scene(app: &TestApp) {
    let s1 = supplier(app, "S1", "CN", "phones");
    let s2 = supplier(app, "S2", "VN", "tv");
    let s3 = supplier(app, "S3", "VN", "tv");
    diesel::update(suppliers::table.filter(suppliers::id.eq(s3)))
        .set(suppliers::contact_email.eq("not an address"))
        .execute(&mut *app.conn())
        .unwrap();
    let (a1, a2, a3) = (
        audit(app, s1, "AU-1"),
        audit(app, s2, "AU-2"),
        audit(app, s3, "AU-3"),
    );
    action(app, (s2, a2), "F-14", "2026-03-16", "open", None);
    action(
        app,
        (s2, a2),
        "F-3",
        "2026-03-05",
        "plan_submitted",
        Some("2026-02-27"),
    );
    action(app, (s2, a2), "F-0", "2026-03-02", "open", None);
    action(app, (s1, a1), "F-OVER", "2026-02-10", "open", None);
    action(app, (s1, a1), "F-CLOSED", "2026-03-10", "closed", None);
    action(
        app,
        (s2, a2),
        "F-STALE",
        "2026-06-30",
        "in_progress",
        Some("2026-02-20"),
    );
    action(app, (s3, a3), "F-BAD", "2026-03-05", "open", None);
    supplier_esg::models::setting::set(
        &mut app.conn(),
        &supplier_esg::models::audit_log::Actor::system("test"),
        "esg_leads",
        "phones:lead.phones@example.com,tv:lead.tv@example.com",
    )
    .unwrap();
}

fn expected() -> BTreeSet<(String, String)> {
    let p = "[Supplier ESG] ";
    let s2 = "contact@s2.example.com";
    let buyer = "buyer.a@example.com";
    let mut all = BTreeSet::new();
    for who in [s2, buyer] {
        all.insert((
            who.to_owned(),
            format!("{p}Corrective action F-14 (S2) is due in 14 days, on 2026-03-16"),
        ));
        all.insert((
            who.to_owned(),
            format!("{p}Corrective action F-3 (S2) is due in 3 days, on 2026-03-05"),
        ));
        all.insert((
            who.to_owned(),
            format!("{p}Corrective action F-0 (S2) is due today, 2026-03-02"),
        ));
        all.insert((
            who.to_owned(),
            format!("{p}No progress on corrective action F-STALE (S2) for 10 days"),
        ));
    }
    all.insert((
        buyer.to_owned(),
        format!("{p}Corrective action F-OVER (S1) is 20 days overdue"),
    ));
    all.insert((
        buyer.to_owned(),
        format!("{p}Corrective action F-BAD (S3) is due in 3 days, on 2026-03-05"),
    ));
    all.insert((
        "contact@s1.example.com".to_owned(),
        "[供应商 ESG] 整改行动 F-OVER（S1）已逾期 20 天".to_owned(),
    ));
    all.insert((
        "lead.phones@example.com".to_owned(),
        format!("{p}Escalation: corrective action F-OVER (S1) is 20 days overdue"),
    ));
    all.insert((
        buyer.to_owned(),
        format!("{p}Weekly digest 2026-W10: 1 overdue, 4 due soon"),
    ));
    all
}

fn received(server: &SmtpServer) -> BTreeSet<(String, String)> {
    server
        .messages()
        .iter()
        .map(|m| (m.to.join(","), m.subject()))
        .collect()
}

#[actix_web::test]
async fn rules_send_exact_reminders_once_over_smtp() {
    for app in TestApp::each_backend().await {
        scene(&app);
        let server = SmtpServer::start();
        let smtp = mailer(&app, Some(server.url()));
        let (queued, sent) = run_once(&mut app.conn(), &smtp, BASE, today()).unwrap();
        assert_eq!(queued.total(), 14, "{queued:?}");
        assert_eq!(queued.invalid_recipients, 1);
        assert_eq!(
            (sent.sent, sent.deferred, sent.failed),
            (13, 0, 0),
            "{sent:?}"
        );
        assert_eq!(received(&server), expected(), "{}", app.db.label);
        assert_eq!(server.messages().len(), 13, "one message per recipient");
        assert!(server
            .messages()
            .iter()
            .all(|m| m.from.contains("no-reply@supplier-esg.localhost")));
        // Message-IDs are the outbox's, and unique.
        let ids: BTreeSet<String> = server.messages().iter().map(|m| m.message_id()).collect();
        assert_eq!(ids.len(), 13);
        let stored: Vec<String> = outbox::table
            .filter(outbox::status.eq("sent"))
            .select(outbox::message_id)
            .load(&mut *app.conn())
            .unwrap();
        assert_eq!(ids, stored.into_iter().collect());
        // The invalid address is kept, reported, and did not block the rest.
        let (status, error): (String, String) = outbox::table
            .filter(outbox::recipient.eq("not an address"))
            .select((outbox::status, outbox::last_error))
            .first(&mut *app.conn())
            .unwrap();
        assert_eq!(status, "failed");
        assert!(error.contains("invalid recipient"), "{error}");
        // The digest groups by supplier and links each action.
        let digest = server
            .messages()
            .into_iter()
            .find(|m| m.subject().contains("Weekly digest"))
            .unwrap();
        assert!(digest.data.contains("S1 S1 Precision"), "{}", digest.data);
        assert!(digest.data.contains(&format!("{BASE}/corrective-actions/")));

        // A rerun of the same day queues and sends nothing new.
        let (queued, sent) = run_once(&mut app.conn(), &smtp, BASE, today()).unwrap();
        assert_eq!((queued.total(), sent.sent), (0, 0), "{queued:?}");
        assert_eq!(queued.already_queued, 14);
        assert_eq!(server.messages().len(), 13);

        // The next day F-0 is overdue (contact and buyer); the other
        // reminders are of periods already done, and Tuesday has no digest.
        let (queued, sent) = run_once(&mut app.conn(), &smtp, BASE, day("2026-03-03")).unwrap();
        assert_eq!(queued.total(), 2, "{queued:?}");
        assert_eq!(queued.queued.get("overdue"), Some(&2), "{queued:?}");
        assert_eq!(sent.sent, 2);
        // F-OVER reaches its fourth overdue week on day 22.
        let (queued, _) = run_once(&mut app.conn(), &smtp, BASE, day("2026-03-04")).unwrap();
        assert_eq!(queued.queued.get("overdue"), Some(&2), "{queued:?}");
        assert_eq!(queued.total(), 2);
        let (queued, sent) = run_once(&mut app.conn(), &smtp, BASE, day("2026-03-04")).unwrap();
        assert_eq!((queued.total(), sent.sent), (0, 0));
        assert_eq!(server.messages().len(), 17);
    }
}

/// Time passes: every queued message's back-off has run out.
fn backoff_over(app: &TestApp) {
    diesel::update(outbox::table.filter(outbox::status.eq("queued")))
        .set(outbox::next_attempt_at.eq(now() - chrono::Duration::minutes(1)))
        .execute(&mut *app.conn())
        .unwrap();
}

#[actix_web::test]
async fn smtp_down_then_up_delivers_everything_exactly_once() {
    for app in TestApp::each_backend().await {
        scene(&app);
        // Down: nothing listens. Everything is queued, nothing is lost.
        let down = mailer(&app, Some(dead_url()));
        let (queued, sent) = run_once(&mut app.conn(), &down, BASE, today()).unwrap();
        assert_eq!(queued.total(), 14);
        assert_eq!(sent.sent, 0);
        assert!(sent.stopped.is_some(), "{sent:?}");
        let (attempts, error): (i32, String) = outbox::table
            .filter(outbox::attempts.gt(0))
            .select((outbox::attempts, outbox::last_error))
            .first(&mut *app.conn())
            .unwrap();
        assert_eq!(attempts, 1);
        assert!(!error.is_empty());
        backoff_over(&app);

        // Up, but refusing for now (4xx): retried later, error kept.
        let server = SmtpServer::start();
        server.refuse(Some("451 4.3.0 Mailbox busy, try later"));
        let smtp = mailer(&app, Some(server.url()));
        let (_, sent) = run_once(&mut app.conn(), &smtp, BASE, today()).unwrap();
        assert_eq!(sent.sent, 0);
        assert_eq!(sent.deferred, 13, "{sent:?}");
        let errors: Vec<String> = outbox::table
            .filter(outbox::status.eq("queued"))
            .select(outbox::last_error)
            .load(&mut *app.conn())
            .unwrap();
        assert_eq!(errors.len(), 13);
        assert!(errors.iter().all(|e| e.contains("451")), "{errors:?}");

        // Back-off: nothing is tried before its turn.
        server.refuse(None);
        let (_, sent) = run_once(&mut app.conn(), &smtp, BASE, today()).unwrap();
        assert_eq!(sent.sent, 0, "back-off respected");
        backoff_over(&app);
        let (_, sent) = run_once(&mut app.conn(), &smtp, BASE, today()).unwrap();
        assert_eq!(sent.sent, 13);
        assert_eq!(received(&server), expected());
        assert_eq!(server.messages().len(), 13, "exactly once");
        let (_, sent) = run_once(&mut app.conn(), &smtp, BASE, today()).unwrap();
        assert_eq!(sent.sent, 0);
        assert_eq!(server.messages().len(), 13);
    }
}

#[actix_web::test]
async fn parallel_runners_never_duplicate() {
    for app in TestApp::each_backend().await {
        if app.db.label != "postgres" {
            continue;
        }
        scene(&app);
        let server = SmtpServer::start();
        let url = server.url();
        let runners: Vec<_> = (0..4)
            .map(|_| {
                let pool = app.pool.clone();
                let smtp = mailer(&app, Some(url.clone()));
                std::thread::spawn(move || {
                    let mut conn = pool.get().unwrap();
                    run_once(&mut conn, &smtp, BASE, today()).unwrap()
                })
            })
            .collect();
        let results: Vec<_> = runners.into_iter().map(|r| r.join().unwrap()).collect();
        let queued: usize = results.iter().map(|(q, _)| q.total()).sum();
        let sent: usize = results.iter().map(|(_, s)| s.sent).sum();
        assert_eq!(queued, 14, "{results:?}");
        assert_eq!(sent, 13);
        assert_eq!(app.count("outbox"), 14);
        let messages = server.messages();
        let ids: BTreeSet<String> = messages.iter().map(|m| m.message_id()).collect();
        assert_eq!(messages.len(), 13, "no duplicate delivered");
        assert_eq!(ids.len(), 13);
        assert_eq!(received(&server), expected());
    }
}

#[actix_web::test]
async fn eml_files_when_no_smtp_url() {
    for app in TestApp::each_backend().await {
        scene(&app);
        let dir = std::env::temp_dir()
            .join("supplier-esg-tests")
            .join(crate::support::unique_name());
        let from = DEFAULT_MAIL_FROM.parse().unwrap();
        let files = Mailer::files(&dir.join("mail"), from).unwrap();
        let (_, sent) = run_once(&mut app.conn(), &files, BASE, today()).unwrap();
        assert_eq!(sent.sent, 13);
        let emls: Vec<_> = std::fs::read_dir(dir.join("mail"))
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
            .collect();
        assert_eq!(emls.len(), 13);
        let text = std::fs::read_to_string(emls[0].path()).unwrap();
        assert!(text.contains("Message-ID: <"), "{text}");
        assert!(text.contains("multipart/alternative"));
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[actix_web::test]
async fn admin_outbox_lists_filters_and_resends() {
    for app in TestApp::each_backend().await {
        scene(&app);
        let down = mailer(&app, Some(dead_url()));
        run_once(&mut app.conn(), &down, BASE, today()).unwrap();

        let mut admin = app.signed_in("admin").await;
        let page = admin.get("/admin/outbox?status=failed").await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("not an address"));
        assert!(page.body.contains("invalid recipient"));
        assert!(!page.body.contains("buyer.a@example.com"));
        let page = admin.get("/admin/outbox?status=queued").await;
        assert!(page.body.contains("buyer.a@example.com"));
        assert_eq!(admin.get("/admin/outbox?status=bogus").await.status, 422);

        let id: i32 = outbox::table
            .filter(outbox::status.eq("failed"))
            .select(outbox::id)
            .first(&mut *app.conn())
            .unwrap();
        let resend = format!("/admin/outbox/{id}/resend");
        // Without the CSRF token: refused.
        assert_eq!(admin.post(&resend, &[]).await.status, 403);
        let done = admin.submit("/admin/outbox", &resend, &[]).await;
        assert_eq!(done.status, 303, "{}", done.body);
        let status: String = outbox::table
            .find(id)
            .select(outbox::status)
            .first(&mut *app.conn())
            .unwrap();
        assert_eq!(status, "queued");

        let mut buyer = app.signed_in("procurement").await;
        assert_eq!(buyer.get("/admin/outbox").await.status, 403);

        let user = app.add_user("admin-api@example.com", "admin");
        let token = api_token::create(&mut app.conn(), user.id).unwrap();
        let mut api = app
            .client()
            .with_header("authorization", &format!("Bearer {token}"));
        let list = api.get("/api/v1/outbox?status=queued&per_page=5").await;
        assert_eq!(list.status, 200, "{}", list.body);
        let body = list.json();
        assert_eq!(body["total"], 14);
        assert_eq!(body["per_page"], 5);
        assert_eq!(body["items"].as_array().unwrap().len(), 5);
        assert!(body["items"][0]["message_id"]
            .as_str()
            .unwrap()
            .starts_with('<'));
    }
}

#[actix_web::test]
async fn reminder_settings_are_checked_and_used() {
    for app in TestApp::each_backend().await {
        let mut admin = app.signed_in("admin").await;
        for (key, bad) in [
            ("esg_leads", "phones-lead@example.com"),
            ("esg_leads", "phones:not-an-address"),
            ("reminder_days_before", "14,soon"),
            ("reminder_digest_weekday", "8"),
        ] {
            let form = admin.settings_form(&[(key, bad)]).await;
            let fields: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let reply = admin.post("/admin/settings", &fields).await;
            assert_eq!(reply.status, 422, "{key}={bad}");
        }
        let form = admin
            .settings_form(&[
                ("esg_leads", "phones:esg.lead.phones@group.example.com"),
                ("reminder_days_before", "7"),
                ("reminder_digest_weekday", "0"),
            ])
            .await;
        let fields: Vec<(&str, &str)> =
            form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(admin.post("/admin/settings", &fields).await.status, 303);

        // Only a 7-day reminder now, no digest; F-14 is 14 days out.
        let s2 = supplier(&app, "S2", "VN", "tv");
        let au = audit(&app, s2, "AU-2");
        action(&app, (s2, au), "F-14", "2026-03-16", "open", None);
        action(&app, (s2, au), "F-7", "2026-03-09", "open", None);
        let server = SmtpServer::start();
        let smtp = mailer(&app, Some(server.url()));
        let (queued, _) = run_once(&mut app.conn(), &smtp, BASE, today()).unwrap();
        assert_eq!(queued.total(), 2, "{queued:?}");
        assert!(server
            .messages()
            .iter()
            .all(|m| m.subject().contains("F-7 (S2) is due in 7 days")));
    }
}
