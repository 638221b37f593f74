use chrono::Duration;
use diesel::prelude::*;
use supplier_esg::db::schema::{login_failures, sessions};
use supplier_esg::models::{api_token, now};

use crate::support::{TestApp, TestDb, PASSWORD};

#[actix_web::test]
async fn sign_in_with_right_and_wrong_password() {
    for app in TestApp::each_backend().await {
        app.add_user("buyer@example.com", "procurement");
        let mut client = app.client();

        let wrong = client
            .sign_in("buyer@example.com", "not the password")
            .await;
        assert_eq!(wrong.status, 401);
        assert!(wrong.body.contains("E-mail or password is not correct."));
        assert!(!client.cookies.contains_key("sesg_session"));

        let right = client.sign_in("Buyer@Example.com ", PASSWORD).await;
        assert_eq!(right.status, 303);
        assert_eq!(right.location(), "/");
        let home = client.get("/").await;
        assert_eq!(home.status, 200);
        assert!(home.body.contains("Test procurement"));
        assert!(home.body.contains("Procurement"));

        // Signing out ends the session on the server, not only in the browser.
        let token = client.cookies["sesg_session"].clone();
        let out = client.submit("/", "/logout", &[]).await;
        assert_eq!(out.status, 303);
        let mut stolen = app.client();
        stolen.cookies.insert("sesg_session".into(), token);
        assert_eq!(stolen.get("/").await.status, 303);
    }
}

#[actix_web::test]
async fn anonymous_pages_redirect_to_sign_in_with_next() {
    let app = TestApp::start(TestDb::sqlite()).await;
    let reply = app.client().get("/admin/users?q=a").await;
    assert_eq!(reply.status, 303);
    assert_eq!(reply.location(), "/login?next=%2Fadmin%2Fusers%3Fq%3Da");
}

#[actix_web::test]
async fn repeated_failures_throttle_the_account_without_revealing_it() {
    for app in TestApp::each_backend().await {
        app.add_user("target@example.com", "viewer");
        let mut client = app.client();
        for _ in 0..10 {
            assert_eq!(
                client
                    .sign_in("target@example.com", "guess guess guess")
                    .await
                    .status,
                401
            );
        }
        // Now even the right password waits, and the answer says so plainly.
        let blocked = client.sign_in("target@example.com", PASSWORD).await;
        assert_eq!(blocked.status, 429);
        assert!(blocked.body.contains("Too many failed sign-in attempts"));
        assert!(blocked.body.contains("15 minutes"));

        // An unknown account is answered exactly alike: no hint it does not exist.
        for _ in 0..10 {
            client
                .sign_in("nobody@example.com", "guess guess guess")
                .await;
        }
        assert_eq!(
            client.sign_in("nobody@example.com", PASSWORD).await.status,
            429
        );

        // Once the failures leave the 15-minute window, sign-in works again.
        diesel::update(login_failures::table)
            .set(login_failures::failed_at.eq(now() - Duration::minutes(16)))
            .execute(&mut *app.conn())
            .unwrap();
        assert_eq!(
            client.sign_in("target@example.com", PASSWORD).await.status,
            303
        );
    }
}

#[actix_web::test]
async fn sessions_expire_when_idle_and_after_twelve_hours() {
    for app in TestApp::each_backend().await {
        let mut client = app.signed_in("viewer").await;
        assert_eq!(client.get("/").await.status, 200);

        diesel::update(sessions::table)
            .set(sessions::last_seen_at.eq(now() - Duration::minutes(31)))
            .execute(&mut *app.conn())
            .unwrap();
        let idle = client.get("/").await;
        assert_eq!(idle.status, 303);
        assert_eq!(idle.location(), "/login?expired=1");
        assert!(client
            .get("/login?expired=1")
            .await
            .body
            .contains("Your session has expired"));

        let mut client = app.signed_in("viewer").await;
        // Active all along, but started 12 hours and a minute ago.
        diesel::update(sessions::table)
            .set(sessions::created_at.eq(now() - Duration::hours(12) - Duration::minutes(1)))
            .execute(&mut *app.conn())
            .unwrap();
        assert_eq!(client.get("/").await.status, 303);
        let left: i64 = sessions::table
            .count()
            .get_result(&mut *app.conn())
            .unwrap();
        assert_eq!(left, 0, "expired sessions are deleted");
    }
}

#[actix_web::test]
async fn forms_without_a_valid_token_or_from_another_site_are_refused() {
    for app in TestApp::each_backend().await {
        let mut admin = app.signed_in("admin").await;
        let form = admin.settings_form(&[("upload_limit_mb", "5")]).await;
        let without = |name: &str| -> Vec<(&str, &str)> {
            form.iter()
                .filter(|(k, _)| k != name)
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect()
        };
        let missing = admin.post("/admin/settings", &without("csrf")).await;
        assert_eq!(missing.status, 403);
        assert!(missing.body.contains("The form has expired"));
        let mut forged_fields = without("csrf");
        forged_fields.push(("csrf", "0000"));
        assert_eq!(
            admin.post("/admin/settings", &forged_fields).await.status,
            403
        );
        let all: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let foreign = admin
            .send(
                actix_web::test::TestRequest::post()
                    .uri("/admin/settings")
                    .insert_header(("origin", "https://evil.example"))
                    .set_form(&all),
            )
            .await;
        assert_eq!(foreign.status, 403);
        let no_origin = admin
            .send(
                actix_web::test::TestRequest::post()
                    .uri("/admin/settings")
                    .set_form(&all),
            )
            .await;
        assert_eq!(no_origin.status, 403);
        // Nothing was changed by any of them.
        assert!(admin
            .get("/admin/settings")
            .await
            .body
            .contains("value=\"20\""));

        let ok = admin.post("/admin/settings", &all).await;
        assert_eq!(ok.status, 303);
        assert!(admin
            .get("/admin/settings")
            .await
            .body
            .contains("value=\"5\""));
    }
}

#[actix_web::test]
async fn each_role_sees_its_pages_and_is_refused_the_others() {
    for app in TestApp::each_backend().await {
        let cases: &[(&str, &[(&str, u16)])] = &[
            (
                "admin",
                &[
                    ("/", 200),
                    ("/admin/users", 200),
                    ("/admin/settings", 200),
                    ("/suppliers", 200),
                    ("/import", 200),
                ],
            ),
            (
                "procurement",
                &[
                    ("/", 200),
                    ("/admin/users", 403),
                    ("/admin/settings", 403),
                    ("/suppliers", 200),
                    ("/import", 200),
                ],
            ),
            (
                "viewer",
                &[
                    ("/", 200),
                    ("/admin/users", 403),
                    ("/suppliers", 200),
                    ("/import", 403),
                ],
            ),
            (
                "auditor",
                &[
                    ("/", 200),
                    ("/admin/users", 403),
                    ("/suppliers", 403),
                    ("/audits", 200),
                    ("/smelters", 403),
                ],
            ),
            (
                "supplier",
                &[
                    ("/", 200),
                    ("/admin/users", 403),
                    ("/suppliers", 403),
                    ("/audits", 403),
                    ("/corrective-actions", 200),
                ],
            ),
        ];
        for (role, pages) in cases {
            let mut client = app.signed_in(role).await;
            for (path, expected) in *pages {
                let reply = client.get(path).await;
                assert_eq!(reply.status, *expected, "{role} GET {path}");
                if *expected == 403 {
                    assert!(
                        reply.body.contains("You do not have access"),
                        "{role} {path}: 403 page"
                    );
                    assert!(
                        reply.body.contains("class=\"topbar\""),
                        "403 page is inside the layout"
                    );
                }
            }
        }
    }
}

#[actix_web::test]
async fn api_takes_bearer_tokens_and_answers_errors_as_json() {
    for app in TestApp::each_backend().await {
        let user = app.add_user("robot@example.com", "viewer");
        let token = api_token::create(&mut app.conn(), user.id).unwrap();
        assert!(token.starts_with("sesg_"));

        let mut client = app
            .client()
            .with_header("authorization", &format!("Bearer {token}"));
        let me = client.get("/api/v1/me").await;
        assert_eq!(me.status, 200);
        assert_eq!(me.json()["email"], "robot@example.com");
        assert_eq!(me.json()["role"], "viewer");

        let missing = client.get("/api/v1/nothing-here").await;
        assert_eq!(missing.status, 404);
        assert_eq!(missing.json()["error"]["code"], "not_found");

        let mut anonymous = app.client();
        let denied = anonymous.get("/api/v1/me").await;
        assert_eq!(denied.status, 401);
        assert_eq!(denied.json()["error"]["code"], "unauthorized");
        let mut wrong = app
            .client()
            .with_header("authorization", "Bearer sesg_wrong");
        assert_eq!(wrong.get("/api/v1/me").await.status, 401);
    }
}
