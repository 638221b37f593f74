use crate::support::{TestApp, TestDb};

#[actix_web::test]
async fn language_follows_the_browser_then_the_remembered_choice() {
    for app in TestApp::each_backend().await {
        let mut browser = app
            .client()
            .with_header("accept-language", "zh-CN,zh;q=0.9,en;q=0.5");
        let login = browser.get("/login").await;
        assert!(login.body.contains("<html lang=\"zh-CN\">"));
        assert!(login.body.contains("登录"));

        let mut client = app.signed_in("procurement").await;
        assert!(client.get("/").await.body.contains("Corrective actions"));
        let switched = client
            .submit("/", "/lang", &[("lang", "zh-CN"), ("next", "/admin/users")])
            .await;
        assert_eq!(switched.status, 303);
        assert_eq!(switched.location(), "/admin/users");
        assert_eq!(
            client.cookies.get("sesg_lang").map(String::as_str),
            Some("zh-CN")
        );
        let home = client.get("/").await;
        assert!(home.body.contains("整改行动"), "navigation in Chinese");
        assert!(home.body.contains("退出登录"));

        // The choice is kept on the account too: a new browser gets it after sign-in.
        client.cookies.remove("sesg_lang");
        assert!(client.get("/").await.body.contains("整改行动"));

        // Error pages follow the language.
        let missing = client.get("/no/such/page").await;
        assert_eq!(missing.status, 404);
        assert!(missing.body.contains("页面不存在"));

        let bad = client.submit("/", "/lang", &[("lang", "klingon")]).await;
        assert_eq!(bad.status, 400);
    }
}

#[actix_web::test]
async fn a_foreign_next_is_not_followed_after_switching_language() {
    let app = TestApp::start(TestDb::sqlite()).await;
    let mut client = app.client();
    let reply = client
        .submit(
            "/login",
            "/lang",
            &[("lang", "en"), ("next", "//evil.example/")],
        )
        .await;
    assert_eq!(reply.status, 303);
    assert_eq!(reply.location(), "/");
}
