//! Kept pages and figures (`web::cache`) are stamped with the database's
//! data version: a write, from this instance or another, shows at once.

use diesel::RunQueryDsl;
use supplier_esg::db;

use crate::support::{TestApp, TestDb};

#[actix_web::test]
async fn the_data_version_moves_with_every_commit() {
    for app in TestApp::each_backend().await {
        let mut reader = app.conn();
        let before = db::data_version(&mut reader).unwrap();
        assert_eq!(db::data_version(&mut reader).unwrap(), before);
        app.add_user("someone@example.com", "viewer");
        let after = db::data_version(&mut reader).unwrap();
        assert_ne!(after, before, "{}", app.db.label);
        if app.db.label != "postgres" {
            continue;
        }
        // PostgreSQL: a transaction that took its log id first and commits
        // last still moves the version (the newest log id would not).
        let mut first = app.conn();
        diesel::sql_query("BEGIN").execute(&mut *first).unwrap();
        diesel::sql_query(
            "INSERT INTO audit_log (at, actor, entity, entity_id, action) \
             VALUES (now(), 'test', 'supplier', 'X', 'note')",
        )
        .execute(&mut *first)
        .unwrap();
        app.add_user("later@example.com", "viewer");
        let while_open = db::data_version(&mut reader).unwrap();
        diesel::sql_query("COMMIT").execute(&mut *first).unwrap();
        assert_ne!(db::data_version(&mut reader).unwrap(), while_open);
    }
}

#[actix_web::test]
async fn kept_lists_and_pages_show_writes_at_once() {
    for app in TestApp::each_backend().await {
        app.add_supplier("C0001", "CN");
        let mut client = app.signed_in("viewer").await;
        let list = "/suppliers?business_unit=phones&q=precision";
        let first = client.get(list).await;
        assert!(first.body.contains("C0001") && !first.body.contains("C0002"));
        let page = client.get("/suppliers/C0001").await;
        assert_eq!(page.status, 200);
        assert!(!page.body.contains("C0002"));
        // Asked again: the same (kept) answers.
        assert_eq!(client.get(list).await.body, first.body);
        // Written straight to the database, as another instance would.
        app.add_supplier_with("C0002", |s| {
            s.tier = "2".into();
            s.parent_code = "C0001".into();
        });
        assert!(
            client.get(list).await.body.contains("C0002"),
            "{}",
            app.db.label
        );
        let page = client.get("/suppliers/C0001").await;
        assert!(
            page.body.contains("C0002"),
            "the new child, {}",
            app.db.label
        );
    }
}

#[actix_web::test]
async fn kept_rows_are_rendered_in_each_reader_s_language() {
    let app = TestApp::start(TestDb::sqlite()).await;
    app.add_supplier("C0001", "CN");
    let mut english = app.signed_in("viewer").await;
    let mut chinese = app.signed_in("procurement").await;
    chinese.cookies.insert("sesg_lang".into(), "zh-CN".into());
    let list = "/suppliers?q=C0001";
    let badge = |label: &str| format!("\">{label}</span></td>");
    // English first, so the Chinese reader gets a page whose rows are kept.
    assert!(english.get(list).await.body.contains(&badge("Prospective")));
    let in_chinese = chinese.get(list).await.body;
    assert!(in_chinese.contains(&badge("潜在")), "{in_chinese}");
    assert!(!in_chinese.contains(&badge("Prospective")));
    assert!(english.get(list).await.body.contains(&badge("Prospective")));
    // The rows are the same for every reader; what is the reader's own
    // (the new-supplier button, for staff only) is not kept with them.
    assert!(!english.get(list).await.body.contains("/suppliers/new"));
    assert!(chinese.get(list).await.body.contains("/suppliers/new"));
}

#[actix_web::test]
async fn a_kept_supplier_page_is_still_refused_to_others() {
    for app in TestApp::each_backend().await {
        app.add_supplier("C0001", "CN");
        app.add_supplier("C0002", "CN");
        let mut viewer = app.signed_in("viewer").await;
        assert_eq!(viewer.get("/suppliers/C0002").await.status, 200);
        app.add_supplier_contact("contact@c0001.cn", "C0001");
        let mut contact = app.signed_in_as("contact@c0001.cn").await;
        assert_eq!(contact.get("/suppliers/C0001").await.status, 200);
        let foreign = contact.get("/suppliers/C0002").await;
        assert_eq!(foreign.status, 404);
        assert!(!foreign.body.contains("C0002 Precision"));
        let mut auditor = app.signed_in("auditor").await;
        assert_eq!(auditor.get("/suppliers/C0002").await.status, 404);
    }
}

/// Exports take turns (bounding the memory they hold); pages do not wait
/// for them.
#[actix_web::test]
async fn exports_wait_for_a_turn_and_pages_do_not() {
    use actix_web::rt::time::timeout;
    use std::time::Duration;
    let app = TestApp::start(crate::support::TestDb::sqlite()).await;
    app.add_supplier("C0001", "CN");
    let mut client = app.signed_in("viewer").await;
    let turns = app.state().export_turns.clone();
    let all = turns.available_permits() as u32;
    let held = turns.acquire_many(all).await.unwrap();
    let waiting = timeout(
        Duration::from_millis(300),
        client.get("/suppliers/export.csv"),
    )
    .await;
    assert!(waiting.is_err(), "an export ran without a turn");
    let page = timeout(Duration::from_millis(2000), client.get("/suppliers")).await;
    assert_eq!(page.expect("a page does not wait").status, 200);
    drop(held);
    let export = client.get("/suppliers/export.csv").await;
    assert_eq!(export.status, 200);
    assert!(export.body.contains("C0001"));
}
