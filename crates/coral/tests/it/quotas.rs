//! Quotas: creating beyond a plan's limit is refused with 403 `not_allowed` naming the
//! limit, and nothing partial is left behind.

use futures::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::harness::{send, TestApp, TestTenant};

fn product(title: &str) -> Value {
    json!({"title": title, "status": "published"})
}

async fn admin(app: &TestApp, t: &TestTenant, method: Method, path: &str, body: Value) -> (StatusCode, Value) {
    let token = app.admin_token(t).await;
    send(app.request(method, path).bearer_auth(token).json(&body)).await
}

async fn product_count(app: &TestApp, t: &TestTenant) -> u64 {
    let (s, v) = admin(app, t, Method::GET, "/admin/products", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["count"].as_u64().unwrap()
}

#[tokio::test]
async fn a_batch_crossing_the_product_limit_creates_nothing() {
    let app = TestApp::spawn().await;
    let over = json!({"plan_id": "free", "overrides": {"limits": {"max_products": 3}}});
    let t = app.tenant_with("small", over).await;

    let four = json!({"create": [product("A"), product("B"), product("C"), product("D")]});
    let (s, v) = admin(&app, &t, Method::POST, "/admin/products/batch", four).await;
    assert_eq!(
        (s, v["type"].as_str()),
        (StatusCode::FORBIDDEN, Some("not_allowed")),
        "{v}"
    );
    let msg = v["message"].as_str().unwrap();
    assert!(
        msg.contains("max_products") && msg.contains("at most 3 products"),
        "{msg}"
    );
    assert_eq!(product_count(&app, &t).await, 0, "nothing partial");

    let two = json!({"create": [product("A"), product("B")]});
    assert_eq!(
        admin(&app, &t, Method::POST, "/admin/products/batch", two).await.0,
        StatusCode::OK
    );
    let (s, _) = admin(&app, &t, Method::POST, "/admin/products", product("C")).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = admin(&app, &t, Method::POST, "/admin/products", product("D")).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(product_count(&app, &t).await, 3);

    // Deleting one frees a place.
    let token = app.admin_token(&t).await;
    let (_, list) = send(app.get("/admin/products").bearer_auth(&token)).await;
    let id = list["products"][0]["id"].as_str().unwrap();
    let (s, _) = send(
        app.request(Method::DELETE, &format!("/admin/products/{id}"))
            .bearer_auth(&token),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        admin(&app, &t, Method::POST, "/admin/products", product("E")).await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn concurrent_creates_cannot_both_take_the_last_place() {
    let app = TestApp::spawn().await;
    let t = app
        .tenant_with("racy", json!({"overrides": {"limits": {"max_products": 2}}}))
        .await;
    let token = app.admin_token(&t).await;
    let creates = (0..6).map(|i| {
        send(
            app.post("/admin/products")
                .bearer_auth(&token)
                .json(&product(&format!("P{i}"))),
        )
    });
    let statuses: Vec<StatusCode> = join_all(creates).await.into_iter().map(|r| r.0).collect();
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let refused = statuses.iter().filter(|s| **s == StatusCode::FORBIDDEN).count();
    assert_eq!((ok, refused), (2, 4), "{statuses:?}");
    assert_eq!(product_count(&app, &t).await, 2);
}

#[tokio::test]
async fn provisioning_respects_the_staff_and_key_quotas() {
    let app = TestApp::spawn().await;
    for (limit, noun) in [
        ("max_staff", "staff users"),
        ("max_publishable_keys", "publishable API keys"),
    ] {
        let body = json!({
            "handle": format!("q-{}", limit.replace('_', "-")), "name": "Q",
            "admin": {"email": "a@q.test", "password": "s3cret-password"},
            "overrides": {"limits": {limit: 0}},
        });
        let (s, v) = app.platform(Method::POST, "/platform/tenants", Some(body)).await;
        assert_eq!(
            (s, v["type"].as_str()),
            (StatusCode::FORBIDDEN, Some("not_allowed")),
            "{v}"
        );
        assert!(v["message"].as_str().unwrap().contains(noun), "{v}");
    }
    let (_, v) = app.platform(Method::GET, "/platform/tenants", None).await;
    assert_eq!(v["count"], 0, "no tenant is left half-provisioned");
}

#[tokio::test]
async fn master_catalog_copies_count_against_the_subscribers_quota() {
    use crate::catalog::shirt;
    use crate::harness::Admin;
    let app = TestApp::spawn().await;
    let hq_t = app.tenant("hq").await;
    let fr_t = app
        .tenant_with("franchise", json!({"overrides": {"limits": {"max_products": 1}}}))
        .await;
    let (hq, fr) = (Admin::of(&app, &hq_t).await, Admin::of(&app, &fr_t).await);
    let v = hq
        .ok(
            Method::POST,
            "/admin/catalog-sources",
            json!({"subscribers": ["franchise"]}),
        )
        .await;
    let source = v["catalog_source"]["id"].as_str().unwrap().to_owned();
    for title in ["Tee", "Polo"] {
        hq.ok(Method::POST, "/admin/products", shirt(title)).await;
    }
    let (s, v) = fr
        .call(
            Method::POST,
            &format!("/admin/catalog-sources/{source}/subscriptions"),
            Some(json!({"all": true})),
        )
        .await;
    assert_eq!(
        (s, v["type"].as_str()),
        (StatusCode::FORBIDDEN, Some("not_allowed")),
        "{v}"
    );
    assert_eq!(product_count(&app, &fr_t).await, 0, "no copy is taken");
}
