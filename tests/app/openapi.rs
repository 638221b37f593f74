//! The OpenAPI document: every `/api/v1` route is in it, and real answers
//! have the shapes it promises.

use serde_json::{json, Value};
use supplier_esg::models::api_token;

use crate::support::{supplier_input, TestApp};

/// (method, path) of every route in the `/api/v1` scope of the route table,
/// read from the source so a new route cannot go undocumented.
fn api_routes() -> Vec<(String, String)> {
    let table = include_str!("../../src/web/routes.rs");
    let start = table.find("web::scope(\"/api/v1\")").expect("api scope");
    let scope = &table[start..];
    let scope = &scope[..scope.find(".default_service").expect("scope end")];
    let mut routes = Vec::new();
    let mut rest = scope;
    while let Some(at) = rest.find(".route(") {
        rest = &rest[at + ".route(".len()..];
        let path = rest.split('"').nth(1).expect("route path");
        let method = rest
            .split("web::")
            .nth(1)
            .and_then(|m| m.split("()").next())
            .expect("route method");
        routes.push((method.to_owned(), format!("/api/v1{path}")));
    }
    routes
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
        assert!(routes.len() >= 25, "{routes:?}");
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

        let user = app.add_user("openapi@example.com", "procurement");
        let token = api_token::create(&mut app.conn(), user.id).unwrap();
        let mut api = app
            .client()
            .with_header("authorization", &format!("Bearer {token}"));
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
