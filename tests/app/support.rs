//! Shared fixtures: a fresh database per test on each backend, the real
//! application in process, and a small cookie-keeping client.

use actix_http::Request;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test;
use diesel::{Connection, PgConnection, RunQueryDsl};
use futures_util::future::LocalBoxFuture;
use std::collections::HashMap;
use std::rc::Rc;

use supplier_esg::config::Config;
use supplier_esg::db::{self, DatabaseLocation, DbConn, DbPool};
use supplier_esg::domain::supplier_status::SupplierStatus;
use supplier_esg::domain::uscc;
use supplier_esg::models::api_token;
use supplier_esg::models::audit::{self, Audit, AuditInput};
use supplier_esg::models::audit_log::Actor;
use supplier_esg::models::supplier::{self, Supplier, SupplierInput};
use supplier_esg::models::user::{create_user, User, UserInput};
use supplier_esg::web::{build_app, AppState};

pub const PASSWORD: &str = "correct horse battery";
pub const ORIGIN: &str = "http://localhost:8080";

/// One database made for one test, removed when the test ends.
pub struct TestDb {
    pub location: DatabaseLocation,
    pub label: &'static str,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    PgDatabase { admin_url: String, name: String },
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::PgDatabase { admin_url, name } => {
                if let Ok(mut conn) = PgConnection::establish(admin_url) {
                    let _ =
                        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut conn);
                }
            }
        }
    }
}

/// A valid supplier: a unique code and a USCC whose check digit is computed.
pub fn supplier_input(code: &str) -> SupplierInput {
    let digits: String = supplier_esg::auth::tokens::hash_token(code)
        .chars()
        .filter(char::is_ascii_digit)
        .chain(std::iter::repeat('7'))
        .take(9)
        .collect();
    SupplierInput {
        code: code.into(),
        name: format!("{code} Precision Electronics Co., Ltd."),
        name_local: format!("{code}精密电子有限公司"),
        uscc: uscc::complete(&format!("91440300{digits}")).unwrap(),
        country: "CN".into(),
        business_unit: "phones".into(),
        category: "display".into(),
        contact_email: "contact@example.cn".into(),
        buyer_email: "buyer@example.com".into(),
        ..SupplierInput::default()
    }
}

pub fn unique_name() -> String {
    supplier_esg::auth::tokens::random_token()[..16].to_owned()
}

impl TestDb {
    pub fn sqlite() -> TestDb {
        let dir = std::env::temp_dir().join("supplier-esg-tests");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{}.db", unique_name()));
        TestDb {
            location: DatabaseLocation::Sqlite(path.clone()),
            label: "sqlite",
            cleanup: Cleanup::File(path),
        }
    }

    pub fn postgres(admin_url: &str) -> TestDb {
        let name = format!("sesg_test_{}", unique_name());
        let mut conn = PgConnection::establish(admin_url)
            .unwrap_or_else(|e| panic!("cannot reach TEST_DATABASE_URL {admin_url}: {e}"));
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .unwrap();
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url, |(base, _)| base);
        TestDb {
            location: DatabaseLocation::Postgres(format!("{base}/{name}")),
            label: "postgres",
            cleanup: Cleanup::PgDatabase {
                admin_url: admin_url.to_owned(),
                name,
            },
        }
    }

    /// SQLite always; PostgreSQL when `TEST_DATABASE_URL` is set.
    pub fn each_backend() -> Vec<TestDb> {
        let mut dbs = vec![TestDb::sqlite()];
        dbs.extend(TestDb::postgres_from_env());
        dbs
    }

    /// PostgreSQL when `TEST_DATABASE_URL` is set, else SQLite.
    pub fn postgres_or_sqlite() -> TestDb {
        TestDb::postgres_from_env().unwrap_or_else(TestDb::sqlite)
    }

    /// A PostgreSQL database when `TEST_DATABASE_URL` is set. Under CI a
    /// missing PostgreSQL is a failure, never a silent skip.
    fn postgres_from_env() -> Option<TestDb> {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(url) if !url.is_empty() => Some(TestDb::postgres(&url)),
            _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
                panic!("CI=true but TEST_DATABASE_URL is not set: the PostgreSQL tests cannot run")
            }
            _ => None,
        }
    }

    pub fn url(&self) -> String {
        match &self.location {
            DatabaseLocation::Sqlite(path) => path.display().to_string(),
            DatabaseLocation::Postgres(url) => url.clone(),
        }
    }
}

type BoxedService = Rc<
    dyn Service<
        Request,
        Response = ServiceResponse<BoxBody>,
        Error = actix_web::Error,
        Future = LocalBoxFuture<'static, Result<ServiceResponse<BoxBody>, actix_web::Error>>,
    >,
>;

struct Boxed<S>(S);

impl<S, B> Service<Request> for Boxed<S>
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    S::Future: 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<BoxBody>;
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<ServiceResponse<BoxBody>, actix_web::Error>>;

    fn poll_ready(
        &self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&self, req: Request) -> Self::Future {
        let future = self.0.call(req);
        Box::pin(async move { future.await.map(ServiceResponse::map_into_boxed_body) })
    }
}

/// The application on one test database.
pub struct TestApp {
    pub db: TestDb,
    pub pool: DbPool,
    state: AppState,
    service: BoxedService,
}

impl TestApp {
    pub async fn start(db: TestDb) -> TestApp {
        eprintln!("-- backend: {}", db.label);
        let pool = db::connect(&db.location, 4).expect("database opens and migrates");
        let config = Config {
            database: db.location.clone(),
            data_dir: std::env::temp_dir().join("supplier-esg-tests"),
            public_url: None,
            smtp_url: None,
            mail_from: supplier_esg::config::DEFAULT_MAIL_FROM.into(),
        };
        let state = AppState::new(pool.clone(), config);
        let service = test::init_service(build_app(state.clone())).await;
        TestApp {
            db,
            pool,
            state,
            service: Rc::new(Boxed(service)),
        }
    }

    /// The same application served on a free local port, for a real
    /// browser; it stops when the returned server is dropped.
    pub fn serve(&self) -> RunningServer {
        let state = self.state.clone();
        let server = actix_web::HttpServer::new(move || build_app(state.clone()))
            .workers(1)
            .disable_signals()
            .bind(("127.0.0.1", 0))
            .expect("a free local port");
        let address = server.addrs()[0];
        let server = server.run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        RunningServer {
            url: format!("http://{address}"),
            handle,
        }
    }

    /// One app per backend, for tests that must hold on both.
    pub async fn each_backend() -> Vec<TestApp> {
        let mut apps = Vec::new();
        for db in TestDb::each_backend() {
            apps.push(TestApp::start(db).await);
        }
        apps
    }

    pub fn count(&self, table: &str) -> i64 {
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
            .get_result::<Count>(&mut *self.conn())
            .unwrap()
            .n
    }

    /// The application's shared state (pool, caches, export turns).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub fn conn(&self) -> DbConn {
        self.pool.get().unwrap()
    }

    pub fn add_user(&self, email: &str, role: &str) -> User {
        self.add_user_with(email, role, |_| {})
    }

    /// A user of `role` whose details `change` may adjust (language,
    /// supplier, name).
    pub fn add_user_with(
        &self,
        email: &str,
        role: &str,
        change: impl FnOnce(&mut UserInput),
    ) -> User {
        let mut input = UserInput {
            email: email.into(),
            name: format!("Test {role}"),
            role: role.into(),
            language: "en".into(),
            password: PASSWORD.into(),
            supplier_code: String::new(),
        };
        change(&mut input);
        // A supplier contact belongs to a supplier: give them one of their own.
        if role == "supplier" && input.supplier_code.is_empty() {
            let code = format!("SC{}", &unique_name()[..8]);
            self.add_supplier(&code, "CN");
            input.supplier_code = code;
        }
        create_user(&mut self.conn(), &Actor::system("test"), &input)
            .unwrap()
            .unwrap()
            .user
    }

    /// A supplier contact of an existing supplier.
    pub fn add_supplier_contact(&self, email: &str, supplier_code: &str) -> User {
        self.add_user_with(email, "supplier", |u| {
            u.supplier_code = supplier_code.into()
        })
    }

    /// A client calling the API with a new bearer token of `user`.
    pub fn api_client(&self, user: &User) -> Client {
        let token = api_token::create(&mut self.conn(), user.id).unwrap();
        self.client()
            .with_header("authorization", &format!("Bearer {token}"))
    }

    /// A supplier with valid, unique details; `country` CN gets a USCC.
    pub fn add_supplier(&self, code: &str, country: &str) -> Supplier {
        self.add_supplier_with(code, |input| input.country = country.into())
    }

    pub fn add_supplier_with(
        &self,
        code: &str,
        change: impl FnOnce(&mut SupplierInput),
    ) -> Supplier {
        let mut input = supplier_input(code);
        change(&mut input);
        if input.country != "CN" {
            input.uscc.clear();
        }
        let fields = input
            .check(chrono::NaiveDate::MAX, &SupplierStatus::ALL)
            .unwrap_or_else(|p| panic!("fixture supplier {code} invalid: {p:?}"));
        let mut conn = self.conn();
        let parent = fields
            .parent_code
            .as_ref()
            .map(|p| Supplier::by_code(&mut conn, p).unwrap().unwrap().id);
        supplier::insert(&mut conn, &Actor::system("test"), &fields, parent, "create").unwrap()
    }

    /// A planned annual audit of an existing supplier, assigned to an
    /// existing auditor.
    pub fn add_audit(&self, audit_ref: &str, supplier_code: &str, auditor_email: &str) -> Audit {
        let input = AuditInput {
            audit_ref: audit_ref.into(),
            supplier_code: supplier_code.into(),
            kind: "annual".into(),
            auditor_email: auditor_email.into(),
            ..AuditInput::default()
        };
        let mut conn = self.conn();
        let fields = input
            .check(&mut conn, chrono::NaiveDate::MAX)
            .unwrap()
            .unwrap_or_else(|p| panic!("fixture audit {audit_ref} invalid: {p:?}"));
        audit::insert(&mut conn, &Actor::system("test"), &fields, None, "create").unwrap()
    }

    pub fn client(&self) -> Client {
        Client {
            service: self.service.clone(),
            cookies: HashMap::new(),
            headers: Vec::new(),
        }
    }

    /// A client signed in as a new user of `role`.
    /// A client calling the API with a new user's bearer token.
    pub fn token_client(&self, role: &str) -> Client {
        let user = self.add_user(&format!("{role}-api-{}@example.com", unique_name()), role);
        self.api_client(&user)
    }

    pub async fn signed_in(&self, role: &str) -> Client {
        let email = format!("{role}-{}@example.com", unique_name());
        self.add_user(&email, role);
        self.signed_in_as(&email).await
    }

    /// A client signed in as an existing user (whose password is `PASSWORD`).
    pub async fn signed_in_as(&self, email: &str) -> Client {
        let mut client = self.client();
        let reply = client.sign_in(email, PASSWORD).await;
        assert_eq!(
            reply.status, 303,
            "sign-in as {email} failed: {}",
            reply.body
        );
        client
    }
}

/// The application listening on a real port (see `TestApp::serve`).
pub struct RunningServer {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub url: String,
    handle: actix_web::dev::ServerHandle,
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        // The stop command is sent on the call; awaiting would only wait for it.
        drop(self.handle.stop(false));
    }
}

/// What came back from a request.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HashMap<String, String>,
    /// The body as text (lossy for binary downloads; see `bytes`).
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    pub fn location(&self) -> &str {
        self.header("location").unwrap_or("")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The number that first follows `prefix` in the body, e.g. the id in
    /// the first link `/attachments/12`.
    pub fn number_after(&self, prefix: &str) -> Option<i32> {
        self.body.match_indices(prefix).find_map(|(at, _)| {
            let digits: String = self.body[at + prefix.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
    }

    /// The value of `<input … name="NAME" value="…">` in the page.
    pub fn input_value(&self, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self.body.find(&marker)? + marker.len();
        let end = self.body[start..].find('"')? + start;
        Some(self.body[start..end].to_owned())
    }
}

/// A browser-like client: keeps cookies, sends our Origin on forms.
pub struct Client {
    service: BoxedService,
    pub cookies: HashMap<String, String>,
    headers: Vec<(String, String)>,
}

impl Client {
    pub fn with_header(mut self, name: &str, value: &str) -> Client {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub async fn send(&mut self, req: test::TestRequest) -> Reply {
        let mut req = req;
        for (name, value) in &self.headers {
            req = req.insert_header((name.as_str(), value.as_str()));
        }
        if !self.cookies.is_empty() {
            let cookie = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            req = req.insert_header(("cookie", cookie));
        }
        let res = self
            .service
            .call(req.to_request())
            .await
            .expect("the app answers");
        let status = res.status().as_u16();
        let mut headers = HashMap::new();
        for (name, value) in res.headers() {
            let value = value.to_str().unwrap_or("").to_owned();
            if name == "set-cookie" {
                let pair = value.split(';').next().unwrap_or("");
                if let Some((k, v)) = pair.split_once('=') {
                    if v.is_empty() || value.contains("Max-Age=0") {
                        self.cookies.remove(k);
                    } else {
                        self.cookies.insert(k.to_owned(), v.to_owned());
                    }
                }
            }
            headers.insert(name.as_str().to_owned(), value);
        }
        let body = test::read_body(res).await;
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
            bytes: body.to_vec(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        self.send(test::TestRequest::get().uri(path)).await
    }

    /// Posts a form as a browser would: from our origin, with the fields given
    /// (include `csrf` yourself, or use `submit`).
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        self.send(
            test::TestRequest::post()
                .uri(path)
                .insert_header(("origin", ORIGIN))
                .set_form(fields),
        )
        .await
    }

    /// The CSRF token of the forms on `page`.
    pub async fn csrf_token(&mut self, page: &str) -> String {
        self.get(page)
            .await
            .input_value("csrf")
            .unwrap_or_else(|| panic!("no csrf token on {page}"))
    }

    /// Loads `page` to learn its CSRF token, then posts the form with it.
    pub async fn submit(&mut self, page: &str, action: &str, fields: &[(&str, &str)]) -> Reply {
        let token = self.csrf_token(page).await;
        let mut all = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post(action, &all).await
    }

    /// Posts a multipart form (fields and files) from our origin, with the
    /// CSRF token learned from `page`.
    pub async fn submit_multipart(
        &mut self,
        page: &str,
        action: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Reply {
        let token = self.csrf_token(page).await;
        self.post_multipart(action, &token, fields, files).await
    }

    /// Posts a multipart form (fields and files) from our origin with the
    /// CSRF token given.
    pub async fn post_multipart(
        &mut self,
        action: &str,
        token: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Reply {
        let boundary = "----supplier-esg-test-boundary";
        let mut body = Vec::new();
        let mut all = vec![("csrf", token)];
        all.extend_from_slice(fields);
        for (name, value) in all {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
            );
        }
        for (name, file_name, bytes) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.send(
            test::TestRequest::post()
                .uri(action)
                .insert_header(("origin", ORIGIN))
                .insert_header((
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                ))
                .set_payload(body),
        )
        .await
    }

    pub async fn send_json(&mut self, method: &str, path: &str, body: serde_json::Value) -> Reply {
        let req = match method {
            "POST" => test::TestRequest::post(),
            "PUT" => test::TestRequest::put(),
            other => panic!("unsupported method {other}"),
        };
        self.send(req.uri(path).set_json(body)).await
    }

    /// The settings form as the page shows it, with `changes` applied.
    pub async fn settings_form(&mut self, changes: &[(&str, &str)]) -> Vec<(String, String)> {
        use supplier_esg::models::setting::{LIST_SETTINGS, NUMBER_SETTINGS};
        let page = self.get("/admin/settings").await;
        let keys = NUMBER_SETTINGS
            .iter()
            .map(|s| s.key)
            .chain(LIST_SETTINGS.iter().map(|(k, _)| *k));
        let mut fields: Vec<(String, String)> = keys
            .map(|k| (k.to_owned(), page.input_value(k).unwrap_or_default()))
            .collect();
        fields.push(("csrf".into(), page.input_value("csrf").unwrap_or_default()));
        for (key, value) in changes {
            if let Some(field) = fields.iter_mut().find(|(k, _)| k == key) {
                field.1 = (*value).to_owned();
            }
        }
        fields
    }

    /// Takes a step (`plan`, `progress`, `verify`, …) of a corrective action
    /// through the form on its page, with the version the page shows.
    pub async fn action_step(
        &mut self,
        id: impl std::fmt::Display,
        name: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Reply {
        let page = format!("/corrective-actions/{id}");
        let version = self
            .get(&page)
            .await
            .input_value("version")
            .unwrap_or_default();
        let mut all = vec![("version", version.as_str())];
        all.extend_from_slice(fields);
        self.submit_multipart(&page, &format!("{page}/{name}"), &all, files)
            .await
    }

    /// Imports a file from the upload page: the check, then the confirmation.
    pub async fn import_file(&mut self, kind: &str, file_name: &str, bytes: &[u8]) -> Reply {
        let page = format!("/import?kind={kind}");
        let checked = self
            .submit_multipart(
                &page,
                "/import",
                &[("kind", kind)],
                &[("file", file_name, bytes)],
            )
            .await;
        assert_eq!(checked.status, 200, "{kind} check: {}", checked.body);
        let upload = checked.input_value("upload").expect("a checked upload");
        self.submit(
            &page,
            "/import/confirm",
            &[("kind", kind), ("upload", &upload)],
        )
        .await
    }

    pub async fn sign_in(&mut self, email: &str, password: &str) -> Reply {
        self.submit(
            "/login",
            "/login",
            &[("email", email), ("password", password)],
        )
        .await
    }
}

/// Every (METHOD, path) of the route table, read from `src/web/routes.rs`,
/// so that tests can insist each route is covered (by the authorisation
/// matrix, by the OpenAPI document). The table is written as
/// `resource("/p").get(…).post(…)` inside `scope("/prefix")` calls; a
/// scope covers what follows it until the bracket it was opened in closes.
pub fn route_table() -> std::collections::BTreeSet<(String, String)> {
    let source = include_str!("../../src/web/routes.rs");
    // Bracket depth at each byte, to find where each scope ends.
    let mut depth = Vec::with_capacity(source.len());
    let mut level = 0i32;
    for byte in source.bytes() {
        level += match byte {
            b'(' | b'{' => 1,
            b')' | b'}' => -1,
            _ => 0,
        };
        depth.push(level);
    }
    let quoted = |at: usize, call: &str| {
        let rest = &source[at + call.len()..];
        rest[..rest.find('"').unwrap()].to_owned()
    };
    // (start, end, prefix) of each scope.
    let scopes: Vec<(usize, usize, String)> = source
        .match_indices("scope(\"")
        .map(|(at, call)| {
            let opened = depth[at];
            let end = (at..source.len())
                .find(|&i| depth[i] < opened)
                .unwrap_or(source.len());
            (at, end, quoted(at, call))
        })
        .collect();
    let prefix_at = |at: usize| -> String {
        scopes
            .iter()
            .filter(|(start, end, _)| *start < at && at < *end)
            .map(|(_, _, prefix)| prefix.as_str())
            .collect()
    };
    let mut routes = std::collections::BTreeSet::new();
    for (at, call) in source.match_indices("resource(\"") {
        let path = format!("{}{}", prefix_at(at), quoted(at, call));
        let rest = &source[at + call.len()..];
        let calls = &rest[..["resource(\"", "scope(\"", ".default_service"]
            .iter()
            .filter_map(|next| rest.find(next))
            .min()
            .unwrap_or(rest.len())];
        for method in ["get", "post", "put", "patch", "delete"] {
            if calls.contains(&format!(".{method}(")) {
                routes.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    routes
}
