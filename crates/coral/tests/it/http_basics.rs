//! HTTP basics: error shapes, limits, request ids, operations endpoints, OpenAPI coverage.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::harness::{send, TestApp, PLATFORM_TOKEN};

#[tokio::test]
async fn health_and_ready() {
    let app = TestApp::spawn().await;
    assert_eq!(
        send(app.get("/health")).await,
        (StatusCode::OK, json!({"status": "ok"}))
    );
    assert_eq!(
        send(app.get("/ready")).await,
        (StatusCode::OK, json!({"status": "ready"}))
    );
}

#[tokio::test]
async fn unknown_routes_and_methods_get_a_json_404() {
    let app = TestApp::spawn().await;
    let (s, v) = send(app.get("/store/does-not-exist")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(
        v,
        json!({"type": "not_found", "message": "Cannot GET /store/does-not-exist"})
    );
    let (s, v) = send(app.request(Method::DELETE, "/store/regions")).await;
    assert_eq!(
        (s, v["message"].as_str()),
        (StatusCode::NOT_FOUND, Some("Cannot DELETE /store/regions"))
    );
}

#[tokio::test]
async fn bodies_over_the_limit_get_413_and_malformed_json_400() {
    let app = TestApp::spawn().await;
    let big = json!({"handle": "acme", "name": "x".repeat(100 * 1024)});
    let (s, v) = send(app.post("/platform/tenants").bearer_auth(PLATFORM_TOKEN).json(&big)).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(v["type"], "payload_too_large");
    let req = app
        .post("/platform/tenants")
        .bearer_auth(PLATFORM_TOKEN)
        .header("content-type", "application/json")
        .body("{\"handle\": \n");
    let (s, v) = send(req).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        v,
        json!({"type": "invalid_data", "message": "Unexpected end of JSON input"})
    );
    let (_, v) = app.platform(Method::GET, "/platform/tenants", None).await;
    assert_eq!(v["count"], 0, "nothing was created");
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = TestApp::spawn().await;
    let resp = app.get("/health").send().await.unwrap();
    let id = resp.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id.len(), 26, "a ULID: {id}");
    let resp = app
        .get("/nope")
        .header("x-request-id", "client-chosen-1")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["x-request-id"], "client-chosen-1");
}

/// Every route in the document exists in the router, and (checked on the sources) the
/// router has no route outside the document: routes are only added through `routes!`.
#[tokio::test]
async fn openapi_documents_every_route() {
    let app = TestApp::spawn().await;
    let (s, spec) = send(app.get("/openapi.json")).await;
    assert_eq!(s, StatusCode::OK);
    let paths = spec["paths"].as_object().unwrap();
    let mut checked = 0;
    for (path, ops) in paths {
        for method in ops.as_object().unwrap().keys() {
            let concrete = path.replace("{id}", "x").replace("{file}", "x.png");
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let (s, v): (StatusCode, Value) = send(app.request(m, &concrete).json(&json!({}))).await;
            let fell_through = s == StatusCode::NOT_FOUND && v["message"].as_str().unwrap_or("").starts_with("Cannot ");
            assert!(!fell_through, "{method} {path} is documented but not routed");
            checked += 1;
        }
    }
    assert!(checked >= 13, "only {checked} operations documented");
    for p in [
        "/store/regions",
        "/store/tenant",
        "/platform/tenants",
        "/admin/users/me",
        "/auth/user/emailpass",
        "/health",
    ] {
        assert!(paths.contains_key(p), "{p} missing from the document");
    }
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src/http");
    let mut stack = vec![std::path::PathBuf::from(src)];
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        } else {
            let text = std::fs::read_to_string(&p).unwrap();
            assert!(
                !text.contains(".route("),
                "{} adds a route outside OpenApiRouter::routes",
                p.display()
            );
        }
    }
}

/// `POST /store/carts` takes a customer's bearer token if it has one: the document says the
/// token is optional and that a bad one answers 401, as the route does.
#[tokio::test]
async fn cart_creation_documents_its_optional_bearer() {
    let app = TestApp::spawn().await;
    let (_, spec) = send(app.get("/openapi.json")).await;
    let op = &spec["paths"]["/store/carts"]["post"];
    assert_eq!(op["security"], json!([{}, {"bearer": []}]), "{op}");
    assert!(op["responses"].get("401").is_some(), "{op}");
    let t = app.tenant("acme").await;
    let (s, v) = send(
        app.post("/store/carts")
            .header("x-publishable-api-key", &t.key)
            .bearer_auth("not-a-token")
            .json(&json!({})),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    let (s, _) = send(
        app.post("/store/carts")
            .header("x-publishable-api-key", &t.key)
            .json(&json!({})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "a guest needs no token");
}
