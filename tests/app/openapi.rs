//! The OpenAPI document: every `/api/v1` route is in it, and real answers
//! have the shapes it promises.

use serde_json::{json, Value};

use crate::support::{route_table, supplier_input, TestApp};

/// (method, path) of every route in the `/api/v1` scope of the route table.
fn api_routes() -> Vec<(String, String)> {
    route_table()
        .into_iter()
        .filter(|(_, path)| path.starts_with("/api/v1/"))
        .map(|(method, path)| (method.to_lowercase(), path))
        .collect()
}

/// Follows `$ref`s into `#/components/schemas`.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.trim_start_matches("#/components/schemas/");
            resolve(doc, &doc["components"]["schemas"][name])
        }
        None => schema,
    }
}

/// Checks `value` against the parts of JSON Schema the document uses
/// (type, required, properties, items, allOf, oneOf, $ref); returns what
/// does not match, with its location.
fn mismatches(doc: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
    let schema = resolve(doc, schema);
    let mut found = Vec::new();
    for part in schema["allOf"].as_array().into_iter().flatten() {
        found.extend(mismatches(doc, part, value, at));
    }
    if let Some(options) = schema["oneOf"].as_array() {
        if options
            .iter()
            .all(|o| !mismatches(doc, o, value, at).is_empty())
        {
            found.push(format!("{at}: matches no oneOf option: {value}"));
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let type_ok = |t: &str| match t {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "null" => value.is_null(),
        _ => true,
    };
    if !types.is_empty() && !types.iter().any(|t| type_ok(t)) {
        found.push(format!("{at}: {value} is not {types:?}"));
        return found;
    }
    if let Some(object) = value.as_object() {
        for name in schema["required"].as_array().into_iter().flatten() {
            let name = name.as_str().unwrap_or_default();
            if !object.contains_key(name) {
                found.push(format!("{at}: `{name}` is missing"));
            }
        }
        if let Some(properties) = schema["properties"].as_object() {
            for (name, property) in properties {
                if let Some(v) = object.get(name) {
                    found.extend(mismatches(doc, property, v, &format!("{at}.{name}")));
                }
            }
        }
    }
    if let Some(items) = value.as_array() {
        for (i, item) in items.iter().enumerate() {
            found.extend(mismatches(
                doc,
                &schema["items"],
                item,
                &format!("{at}[{i}]"),
            ));
        }
    }
    found
}

fn response_schema<'a>(doc: &'a Value, method: &str, path: &str, status: &str) -> &'a Value {
    &doc["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]
}

#[actix_web::test]
async fn openapi_document_covers_every_api_route_and_describes_real_answers() {
    for app in TestApp::each_backend().await {
        // Public: a client (or fuzzer) reads it before it has a token.
        let reply = app.client().get("/api/v1/openapi.json").await;
        assert_eq!(reply.status, 200);
        let doc = reply.json();
        assert_eq!(doc["openapi"], "3.1.0");
        assert_eq!(
            doc["components"]["securitySchemes"]["bearer"]["scheme"],
            "bearer"
        );

        let routes = api_routes();
        assert_eq!(routes.len(), 26, "{routes:?}");
        for (method, path) in &routes {
            if path.ends_with("/openapi.json") {
                continue;
            }
            let operation = &doc["paths"][path][method];
            assert!(operation.is_object(), "{method} {path} is not documented");
            let responses = operation["responses"].as_object().unwrap();
            assert!(responses.contains_key("4XX"), "{method} {path}");
            assert!(
                responses.keys().any(|s| s.starts_with('2')),
                "{method} {path} documents no success"
            );
        }

        let mut api = app.token_client("procurement");
        let created = api
            .send_json(
                "POST",
                "/api/v1/suppliers",
                serde_json::to_value(supplier_input("OAS1")).unwrap(),
            )
            .await;
        assert_eq!(created.status, 201, "{}", created.body);
        let answers = [
            ("post", "/api/v1/suppliers", "201", created.json()),
            (
                "get",
                "/api/v1/me",
                "200",
                api.get("/api/v1/me").await.json(),
            ),
            (
                "get",
                "/api/v1/suppliers",
                "200",
                api.get("/api/v1/suppliers").await.json(),
            ),
            (
                "get",
                "/api/v1/kpis",
                "200",
                api.get("/api/v1/kpis?year=2021").await.json(),
            ),
            (
                "get",
                "/api/v1/suppliers/{code}",
                "4XX",
                api.get("/api/v1/suppliers/NOPE").await.json(),
            ),
            (
                "post",
                "/api/v1/suppliers",
                "4XX",
                api.send_json("POST", "/api/v1/suppliers", json!({"code": ""}))
                    .await
                    .json(),
            ),
        ];
        for (method, path, status, body) in &answers {
            let schema = response_schema(&doc, method, path, status);
            assert!(!schema.is_null(), "{method} {path} {status}: no schema");
            let wrong = mismatches(&doc, schema, body, "$");
            assert!(wrong.is_empty(), "{method} {path} {status}: {wrong:?}");
        }

        // The checker itself notices a body that breaks the promise.
        let mut broken = answers[0].3.clone();
        broken["version"] = json!("one");
        broken.as_object_mut().unwrap().remove("region");
        let schema = response_schema(&doc, "post", "/api/v1/suppliers", "201");
        assert_eq!(mismatches(&doc, schema, &broken, "$").len(), 2);
    }
}

/// What a client (or a schema-driven fuzzer) expects of HTTP itself: a
/// known path asked with another method is 405 with `Allow`, an anonymous
/// write is 401, and a page far past the end is an empty page.
#[actix_web::test]
async fn api_answers_other_methods_anonymous_writes_and_far_pages_plainly() {
    use actix_web::test::TestRequest;
    for app in TestApp::each_backend().await {
        let mut anonymous = app.client();
        let other = anonymous
            .send(TestRequest::delete().uri("/api/v1/suppliers"))
            .await;
        assert_eq!(other.status, 405);
        assert_eq!(other.json()["error"]["code"], "method_not_allowed");
        let allow = other.header("allow").unwrap_or_default().to_owned();
        assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");

        let write = anonymous
            .send_json("POST", "/api/v1/suppliers", json!({"code": "X"}))
            .await;
        assert_eq!(write.status, 401);
        assert_eq!(write.json()["error"]["code"], "unauthorized");

        let mut api = app.signed_in("viewer").await;
        let far = api
            .get("/api/v1/suppliers?page=143180675305428928&per_page=500")
            .await;
        assert_eq!(far.status, 200, "{}", far.body);
        assert_eq!(far.json()["items"], json!([]));
        assert_eq!(far.json()["page"], 1_000_000);

        // NUL cannot be stored by PostgreSQL: refused up front on both
        // backends, in a query string, a JSON body and a form body, with
        // nothing written; a literal backslash-u text is not a NUL.
        let nul = api.get("/api/v1/findings?supplier=%00x").await;
        assert_eq!(nul.status, 400, "{}", nul.body);
        assert!(nul.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("NUL"));
        let mut staff = app.token_client("procurement");
        let mut input = serde_json::to_value(supplier_input("NUL1")).unwrap();
        input["name"] = json!("Acme\u{0}Ltd");
        let before = app.count("suppliers");
        let written = staff.send_json("POST", "/api/v1/suppliers", input).await;
        assert_eq!(written.status, 400, "{}", written.body);
        assert!(written.body.contains("NUL"), "{}", written.body);
        assert_eq!(app.count("suppliers"), before);
        let mut input = serde_json::to_value(supplier_input("NUL2")).unwrap();
        input["name"] = json!("Acme \\u0000 Ltd");
        let written = staff.send_json("POST", "/api/v1/suppliers", input).await;
        assert_eq!(written.status, 201, "{}", written.body);
        let mut browser = app.signed_in("procurement").await;
        let form = browser
            .submit(
                "/suppliers/new",
                "/suppliers",
                &[("code", "NUL3"), ("name", "Acme\u{0}Ltd")],
            )
            .await;
        assert_eq!(form.status, 400, "{}", form.body);
        assert_eq!(app.count("suppliers"), before + 1);
    }
}
