use diesel::prelude::*;
use supplier_esg::db::schema::{audit_log, users};

use crate::support::{TestApp, PASSWORD};

fn user_count(app: &TestApp) -> i64 {
    users::table.count().get_result(&mut *app.conn()).unwrap()
}

#[actix_web::test]
async fn admin_adds_a_user_and_bad_input_writes_nothing() {
    for app in TestApp::each_backend().await {
        let mut admin = app.signed_in("admin").await;
        let before = user_count(&app);

        let bad = admin
            .submit(
                "/admin/users/new",
                "/admin/users",
                &[
                    ("email", "not-an-email"),
                    ("name", " "),
                    ("role", "root"),
                    ("language", "en"),
                    ("password", "short"),
                ],
            )
            .await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("Enter a valid e-mail address."));
        assert!(bad.body.contains("This field is required."));
        assert!(bad.body.contains("Choose one of the listed roles."));
        assert!(bad.body.contains("at least 12 characters"));
        assert!(
            bad.body.contains("value=\"not-an-email\""),
            "the form keeps what was typed"
        );
        assert_eq!(user_count(&app), before);

        let created = admin
            .submit(
                "/admin/users/new",
                "/admin/users",
                &[
                    ("email", "Auditor@SGS.example"),
                    ("name", "Zhou Qing 周青"),
                    ("role", "auditor"),
                    ("language", "zh-CN"),
                    ("password", ""),
                ],
            )
            .await;
        assert_eq!(created.status, 200);
        assert!(created.body.contains("Initial password (shown once)"));
        let password = created
            .body
            .split("<code class=\"one-time-password\">")
            .nth(1)
            .and_then(|s| s.split('<').next())
            .unwrap()
            .to_owned();
        assert_eq!(password.len(), 16);
        assert_eq!(user_count(&app), before + 1);

        let duplicate = admin
            .submit(
                "/admin/users/new",
                "/admin/users",
                &[
                    ("email", "auditor@sgs.example"),
                    ("name", "Again"),
                    ("role", "viewer"),
                    ("language", "en"),
                    ("password", ""),
                ],
            )
            .await;
        assert_eq!(duplicate.status, 422);
        assert!(duplicate.body.contains("already exists"));
        assert_eq!(user_count(&app), before + 1);

        // The new user signs in with the generated password, in Chinese.
        let mut auditor = app.client();
        assert_eq!(
            auditor
                .sign_in("auditor@sgs.example", &password)
                .await
                .status,
            303
        );
        assert!(auditor.get("/").await.body.contains("审核员"));

        let list = admin.get("/admin/users?q=zhou").await;
        assert!(list.body.contains("Zhou Qing 周青"));
        assert!(
            !list.body.contains("@example.com"),
            "search filters the list"
        );

        let logged: i64 = audit_log::table
            .filter(audit_log::entity.eq("user"))
            .filter(audit_log::action.eq("create"))
            .count()
            .get_result(&mut *app.conn())
            .unwrap();
        assert_eq!(
            logged,
            before + 1,
            "every account creation is in the audit log"
        );
    }
}

#[actix_web::test]
async fn deactivation_ends_sessions_and_stale_saves_conflict() {
    for app in TestApp::each_backend().await {
        let mut admin = app.signed_in("admin").await;
        let target = app.add_user("leaver@example.com", "procurement");
        let mut leaver = app.client();
        assert_eq!(
            leaver.sign_in("leaver@example.com", PASSWORD).await.status,
            303
        );
        assert_eq!(leaver.get("/").await.status, 200);

        let page = format!("/admin/users/{}", target.id);
        let action = format!("/admin/users/{}/active", target.id);
        let done = admin
            .submit(&page, &action, &[("active", "false"), ("version", "1")])
            .await;
        assert_eq!(done.status, 303);
        assert_eq!(
            leaver.get("/").await.status,
            303,
            "the open session is gone"
        );
        assert_eq!(
            leaver.sign_in("leaver@example.com", PASSWORD).await.status,
            401
        );

        // A second admin working from the old page (version 1) gets a 409 naming who changed it.
        let stale = admin
            .submit(&page, &action, &[("active", "true"), ("version", "1")])
            .await;
        assert_eq!(stale.status, 409);
        assert!(stale.body.contains("changed this record"));
        assert!(
            stale.body.contains("admin-"),
            "names the admin who changed it: {}",
            stale.body
        );

        let history = admin.get(&page).await;
        assert!(history.body.contains("deactivate"));
    }
}

#[actix_web::test]
async fn password_reset_replaces_the_old_password() {
    for app in TestApp::each_backend().await {
        let mut admin = app.signed_in("admin").await;
        let target = app.add_user("forgetful@example.com", "viewer");
        let page = format!("/admin/users/{}", target.id);
        let reset = admin
            .submit(&page, &format!("/admin/users/{}/password", target.id), &[])
            .await;
        assert_eq!(reset.status, 200);
        let new_password = reset
            .body
            .split("<code class=\"one-time-password\">")
            .nth(1)
            .and_then(|s| s.split('<').next())
            .unwrap()
            .to_owned();
        let mut user = app.client();
        assert_eq!(
            user.sign_in("forgetful@example.com", PASSWORD).await.status,
            401
        );
        assert_eq!(
            user.sign_in("forgetful@example.com", &new_password)
                .await
                .status,
            303
        );
        assert_eq!(admin.get("/admin/users/999999").await.status, 404);
    }
}

#[actix_web::test]
async fn settings_reject_out_of_range_values() {
    for app in TestApp::each_backend().await {
        let mut admin = app.signed_in("admin").await;
        let reply = admin
            .submit(
                "/admin/settings",
                "/admin/settings",
                &[("upload_limit_mb", "0")],
            )
            .await;
        assert_eq!(reply.status, 422);
        assert!(reply.body.contains("out of the allowed range"));
        let reply = admin
            .submit(
                "/admin/settings",
                "/admin/settings",
                &[("upload_limit_mb", "ten")],
            )
            .await;
        assert_eq!(reply.status, 422);
        assert!(reply.body.contains("whole number"));
        assert!(admin
            .get("/admin/settings")
            .await
            .body
            .contains("value=\"20\""));
    }
}
