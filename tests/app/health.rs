use diesel::RunQueryDsl;
use supplier_esg::db;

use crate::support::TestApp;

#[actix_web::test]
async fn healthz_and_readyz_answer() {
    for app in TestApp::each_backend().await {
        let mut client = app.client();
        let live = client.get("/healthz").await;
        assert_eq!((live.status, live.body.as_str()), (200, "ok"));
        let ready = client.get("/readyz").await;
        assert_eq!((ready.status, ready.body.as_str()), (200, "ready"));
        assert!(live.header("x-request-id").is_some());
    }
}

#[actix_web::test]
async fn migrations_run_on_an_empty_database_and_are_idempotent() {
    for app in TestApp::each_backend().await {
        let mut conn = app.conn();
        // `connect` already migrated the empty database; a second run has nothing to do.
        assert_eq!(db::run_migrations(&mut conn).unwrap(), 0);
        let tables = ["users", "sessions", "api_tokens", "audit_log", "settings"];
        for table in tables {
            diesel::sql_query(format!("SELECT COUNT(*) FROM {table}"))
                .execute(&mut *conn)
                .unwrap_or_else(|e| panic!("{} lacks table {table}: {e}", app.db.label));
        }
    }
}

#[actix_web::test]
async fn audit_log_refuses_edits_and_deletions() {
    for app in TestApp::each_backend().await {
        app.add_user("someone@example.com", "viewer");
        let mut conn = app.conn();
        assert!(diesel::sql_query("UPDATE audit_log SET actor = 'forged'")
            .execute(&mut *conn)
            .is_err());
        assert!(diesel::sql_query("DELETE FROM audit_log")
            .execute(&mut *conn)
            .is_err());
    }
}

#[actix_web::test]
async fn security_headers_are_set_on_pages() {
    let app = TestApp::start(crate::support::TestDb::sqlite()).await;
    let page = app.client().get("/login").await;
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"));
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(page.header("referrer-policy"), Some("same-origin"));
    // No inline script and nothing from another host.
    assert!(
        !page.body.contains("<script>")
            && !page.body.contains("http://")
            && !page.body.contains("https://")
    );
    let css = app.client().get("/static/app.css").await;
    assert_eq!(css.status, 200);
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    assert_eq!(app.client().get("/static/../Cargo.toml").await.status, 404);
}

#[actix_web::test]
async fn a_page_asked_with_another_method_names_the_methods_it_takes() {
    use actix_web::test::TestRequest;
    let app = TestApp::start(crate::support::TestDb::sqlite()).await;
    let mut client = app.signed_in("viewer").await;
    let other = client
        .send(
            TestRequest::delete()
                .uri("/suppliers")
                .insert_header(("origin", crate::support::ORIGIN)),
        )
        .await;
    assert_eq!(other.status, 405);
    let allow = other.header("allow").unwrap_or_default().to_owned();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
    assert!(
        other.body.contains("<html"),
        "an error page, not a bare status"
    );
}

/// A connection PostgreSQL has dropped (a restart, a terminated backend) is
/// closed by the pool after the request that met it, not handed out again;
/// connections are not pinged on every checkout, so at most one request per
/// pooled connection sees the loss.
#[actix_web::test]
async fn dropped_database_connections_are_replaced() {
    use diesel::Connection;
    let apps = TestApp::each_backend().await;
    for app in apps.iter().filter(|app| app.db.label == "postgres") {
        let mut client = app.signed_in("viewer").await;
        for _ in 0..4 {
            assert_eq!(client.get("/suppliers").await.status, 200);
        }
        let mut admin = diesel::PgConnection::establish(&app.db.url()).unwrap();
        diesel::sql_query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .execute(&mut admin)
        .unwrap();
        let mut statuses = Vec::new();
        for _ in 0..10 {
            statuses.push(client.get("/suppliers").await.status);
        }
        // The test pool holds four connections.
        let failed = statuses.iter().filter(|s| **s != 200).count();
        assert!(failed <= 4, "{statuses:?}");
        assert!(statuses[4..].iter().all(|s| *s == 200), "{statuses:?}");
    }
}
