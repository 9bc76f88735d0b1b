//! `/platform/tenants`: provisioning, validation, lifecycle.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::harness::{send, TestApp, PLATFORM_TOKEN};

async fn count(app: &TestApp, table: &str) -> i64 {
    let mut conn = app.owner_conn().await;
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(&mut conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_platform_api_requires_the_platform_token() {
    let app = TestApp::spawn().await;
    let (s, v) = send(app.get("/platform/tenants")).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(v["type"], "unauthorized");
    let (s, _) = send(app.get("/platform/tenants").bearer_auth("wrong")).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = send(
        app.post("/platform/tenants")
            .bearer_auth(format!("{PLATFORM_TOKEN}x"))
            .json(&json!({"handle": "x1", "name": "X"})),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(count(&app, "tenants").await, 0);
    let (s, _) = send(app.get("/platform/tenants").bearer_auth(PLATFORM_TOKEN)).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn one_call_provisions_tenant_channel_key_and_admin() {
    let app = TestApp::spawn().await;
    let (s, v) = app
        .platform(
            Method::POST,
            "/platform/tenants",
            Some(json!({
                "handle": "acme", "name": "Acme", "default_currency_code": "EUR", "default_locale": "fr-FR",
                "default_country_code": "fr", "domains": ["Shop.Acme.com"], "metadata": {"plan": "gold"},
                "settings": {"branding": {"primary_color": "#ff0000"}, "public_features": {"wishlist": true}},
                "admin": {"email": "Boss@Acme.com", "password": "long-enough-pw"}
            })),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let t = &v["tenant"];
    assert!(t["id"].as_str().unwrap().starts_with("ten_"));
    assert_eq!(t["handle"], "acme");
    assert_eq!(t["status"], "active");
    assert_eq!(t["default_currency_code"], "eur");
    assert_eq!(t["domains"], json!(["shop.acme.com"]));
    assert_eq!(t["metadata"]["plan"], "gold");
    assert!(v["sales_channel"]["id"].as_str().unwrap().starts_with("sc_"));
    let key = v["publishable_api_key"]["token"].as_str().unwrap();
    assert!(key.starts_with("pk_") && key.len() == 67);
    assert_eq!(v["user"]["email"], "boss@acme.com");

    // Everything is usable at once: the key resolves, the admin logs in.
    let (s, store) = send(app.get("/store/tenant").header("x-publishable-api-key", key)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(store["tenant"]["name"], "Acme");
    assert_eq!(store["tenant"]["branding"]["primary_color"], "#ff0000");
    assert_eq!(store["tenant"]["features"]["wishlist"], true);
    let (s, _) = send(
        app.post("/auth/user/emailpass")
            .json(&json!({"email": "boss@acme.com", "password": "long-enough-pw"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    for table in [
        "tenants",
        "sales_channels",
        "api_keys",
        "api_key_sales_channels",
        "staff_users",
        "tenant_domains",
    ] {
        assert_eq!(count(&app, table).await, 1, "{table}");
    }
}

#[tokio::test]
async fn bad_input_gets_a_clear_400_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let cases = [
        (json!({"handle": "Acme", "name": "A"}), "handle"),
        (json!({"handle": "a", "name": "A"}), "handle"),
        (json!({"handle": "-acme", "name": "A"}), "handle"),
        (json!({"handle": "has space", "name": "A"}), "handle"),
        (json!({"handle": "www", "name": "A"}), "reserved"),
        (json!({"handle": "acme", "name": ""}), "name"),
        (
            json!({"handle": "acme", "name": "A", "default_currency_code": "xyz"}),
            "currency",
        ),
        (
            json!({"handle": "acme", "name": "A", "default_country_code": "zz"}),
            "country",
        ),
        (
            json!({"handle": "acme", "name": "A", "domains": ["not a domain"]}),
            "domain",
        ),
        (
            json!({"handle": "acme", "name": "A", "settings": {"branding": {"primary_color": "red"}}}),
            "colour",
        ),
        (
            json!({"handle": "acme", "name": "A", "settings": {"nope": 1}}),
            "Unrecognized fields: 'nope'",
        ),
        (
            json!({"handle": "acme", "name": "A", "admin": {"email": "x@y.com", "password": "short"}}),
            "Password",
        ),
        (
            json!({"handle": "acme", "name": "A", "placement_id": "plc_nope"}),
            "placement",
        ),
        (
            json!({"handle": "acme", "name": "A", "colour": "blue"}),
            "Unrecognized fields: 'colour'",
        ),
        (
            json!({"handle": 5, "name": "A"}),
            "Expected type: 'string' for field 'handle'",
        ),
        (json!({"name": "A"}), "Field 'handle' is required"),
    ];
    for (body, needle) in cases {
        let (s, v) = app
            .platform(Method::POST, "/platform/tenants", Some(body.clone()))
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body} → {v}");
        assert_eq!(v["type"], "invalid_data", "{body}");
        assert!(v["message"].as_str().unwrap().contains(needle), "{body} → {v}");
    }
    for table in ["tenants", "sales_channels", "api_keys", "staff_users"] {
        assert_eq!(count(&app, table).await, 0, "{table}");
    }
}

#[tokio::test]
async fn taken_handles_and_domains_are_refused_with_nothing_partial() {
    let app = TestApp::spawn().await;
    app.tenant_with("acme", json!({"domains": ["shop.acme.com"]})).await;
    let (s, v) = app
        .platform(
            Method::POST,
            "/platform/tenants",
            Some(json!({"handle": "acme", "name": "Again"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["type"], "duplicate_error");
    // The tenant row is written before the domain fails: the whole call must roll back.
    let (s, v) = app
        .platform(
            Method::POST,
            "/platform/tenants",
            Some(json!({"handle": "copycat", "name": "C", "domains": ["shop.acme.com"]})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["message"].as_str().unwrap().contains("domain"));
    for table in ["tenants", "sales_channels", "api_keys", "staff_users"] {
        assert_eq!(count(&app, table).await, 1, "{table}");
    }
    let (s, _) = app.platform(Method::GET, "/platform/tenants/copycat", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn list_paginates_and_filters_by_status() {
    let app = TestApp::spawn().await;
    for h in ["one", "two", "three"] {
        app.tenant(h).await;
    }
    let (s, _) = app.platform(Method::POST, "/platform/tenants/two/suspend", None).await;
    assert_eq!(s, StatusCode::OK);
    let (_, v) = app.platform(Method::GET, "/platform/tenants?limit=2", None).await;
    assert_eq!(v["count"], 3);
    assert_eq!(v["limit"], 2);
    assert_eq!(v["tenants"].as_array().unwrap().len(), 2);
    let (_, v) = app
        .platform(Method::GET, "/platform/tenants?limit=2&offset=2", None)
        .await;
    assert_eq!(v["tenants"][0]["handle"], "three");
    let (_, v) = app
        .platform(Method::GET, "/platform/tenants?status=suspended", None)
        .await;
    assert_eq!(v["count"], 1);
    assert_eq!(v["tenants"][0]["handle"], "two");
    let (s, v) = app.platform(Method::GET, "/platform/tenants?status=bogus", None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, v) = app.platform(Method::GET, "/platform/tenants?limit=abc", None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        v["message"],
        "Invalid request: Expected type: 'number' for field 'limit', got: 'abc'"
    );
}

#[tokio::test]
async fn get_and_patch_by_id_or_handle() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let (s, v) = app
        .platform(Method::GET, &format!("/platform/tenants/{}", t.id), None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["tenant"]["handle"], "acme");
    let (s, v) = app
        .platform(Method::GET, "/platform/tenants/ten_01M80000000000000000000000", None)
        .await;
    assert_eq!((s, v["type"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));

    let (s, v) = app
        .platform(
            Method::PATCH,
            "/platform/tenants/acme",
            Some(json!({"name": "Acme Two", "domains": ["acme.example.org"], "settings": {"locales": ["de-DE"]}})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["tenant"]["name"], "Acme Two");
    let (_, store) = app.store_get(&t, "/store/tenant").await;
    assert_eq!(
        store["tenant"]["name"], "Acme Two",
        "the directory sees the change at once"
    );
    assert_eq!(store["tenant"]["locales"], json!(["en-US", "de-DE"]));
    let (s, _) = send(app.get("/store/tenant").header("host", "acme.example.org")).await;
    assert_eq!(s, StatusCode::OK);

    let (s, v) = app
        .platform(
            Method::PATCH,
            "/platform/tenants/acme",
            Some(json!({"handle": "renamed"})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, _) = app
        .platform(
            Method::PATCH,
            "/platform/tenants/acme",
            Some(json!({"default_currency_code": "zzz"})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (_, v) = app.platform(Method::GET, "/platform/tenants/acme", None).await;
    assert_eq!(
        v["tenant"]["default_currency_code"], "eur",
        "a refused patch changes nothing"
    );
}

#[tokio::test]
async fn suspend_resume_and_deactivate_drive_the_storefront() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let other = app.tenant("globex").await;

    let (s, v) = app.platform(Method::POST, "/platform/tenants/acme/suspend", None).await;
    assert_eq!((s, v["tenant"]["status"].as_str()), (StatusCode::OK, Some("suspended")));
    let (s, v) = app.store_get(&t, "/store/regions").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(v["type"], "not_allowed");
    assert!(v["message"].as_str().unwrap().contains("suspended"));
    let (s, _) = app.store_get(&other, "/store/regions").await;
    assert_eq!(s, StatusCode::OK, "other tenants are unaffected");

    let (s, _) = app.platform(Method::POST, "/platform/tenants/acme/resume", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(app.store_get(&t, "/store/regions").await.0, StatusCode::OK);

    let (s, v) = app.platform(Method::DELETE, "/platform/tenants/acme", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v, json!({"id": t.id, "object": "tenant", "deleted": true}));
    let (s, v) = app.store_get(&t, "/store/regions").await;
    assert_eq!((s, v["type"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    let (s, v) = app.platform(Method::POST, "/platform/tenants/acme/suspend", None).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let (_, v) = app
        .platform(Method::GET, "/platform/tenants?status=deactivated", None)
        .await;
    assert_eq!(v["count"], 1);
    assert!(v["tenants"][0]["deactivated_at"].is_string());

    let (s, _) = app.platform(Method::POST, "/platform/tenants/acme/resume", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(app.store_get(&t, "/store/regions").await.0, StatusCode::OK);
    let (s, _) = app
        .platform(Method::POST, "/platform/tenants/nobody/suspend", None)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
