//! Tenant resolution for `/store`: each signal, their order, conflicts, and the
//! directory cache staying current across processes.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::harness::{eventually, send, TestApp};

const MISSING_KEY: &str = "Publishable API key required in the request header: x-publishable-api-key. \
     You can manage your keys in settings in the dashboard.";
const INVALID_KEY: &str = "A valid publishable key is required to proceed with the request";

pub fn region_names(v: &Value) -> Vec<String> {
    v["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn each_key_sees_only_its_own_tenants_regions() {
    let app = TestApp::spawn().await;
    let acme = app.tenant("acme").await;
    let globex = app.tenant("globex").await;
    app.add_region(&globex, "globex Americas", "usd", &["us", "ca"]).await;

    let (s, v) = app.store_get(&acme, "/store/regions").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(region_names(&v), vec!["acme Europe"]);
    assert_eq!(v["count"], 1);
    let countries: Vec<&str> = v["regions"][0]["countries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["iso_2"].as_str().unwrap())
        .collect();
    assert_eq!(countries, vec!["de", "fr"]);

    let (_, v) = app.store_get(&globex, "/store/regions").await;
    assert_eq!(region_names(&v), vec!["globex Europe", "globex Americas"]);

    // A region id of another tenant answers exactly like a missing one.
    let globex_region = v["regions"][0]["id"].as_str().unwrap().to_owned();
    let (s, v) = app.store_get(&acme, &format!("/store/regions/{globex_region}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(v["message"], format!("Region with id: {globex_region} was not found"));
    let (s, v) = app.store_get(&globex, &format!("/store/regions/{globex_region}")).await;
    assert_eq!(
        (s, v["region"]["id"].as_str()),
        (StatusCode::OK, Some(globex_region.as_str()))
    );
}

#[tokio::test]
async fn missing_and_unknown_keys_get_medusas_errors() {
    let app = TestApp::spawn().await;
    app.tenant("acme").await;
    let (s, v) = send(app.get("/store/regions")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v, json!({"type": "not_allowed", "message": MISSING_KEY}));
    let (s, v) = send(app.get("/store/regions").header("x-publishable-api-key", "pk_nope")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v, json!({"type": "not_allowed", "message": INVALID_KEY}));
}

#[tokio::test]
async fn custom_domain_subdomain_and_tenant_header_resolve() {
    let app = TestApp::spawn().await;
    let acme = app.tenant_with("acme", json!({"domains": ["shop.acme.com"]})).await;
    let globex = app.tenant_with("globex", json!({"allow_tenant_header": true})).await;
    let handle_of = |v: &Value| v["tenant"]["handle"].as_str().unwrap_or_default().to_owned();

    let (s, v) = send(app.get("/store/tenant").header("host", "Shop.Acme.com:443")).await;
    assert_eq!((s, handle_of(&v)), (StatusCode::OK, "acme".into()));
    let (s, v) = send(app.get("/store/tenant").header("host", "globex.shops.test")).await;
    assert_eq!((s, handle_of(&v)), (StatusCode::OK, "globex".into()));
    let (s, v) = send(app.get("/store/tenant").header("host", "nobody.shops.test")).await;
    assert_eq!((s, v["message"].as_str()), (StatusCode::BAD_REQUEST, Some(INVALID_KEY)));
    for header in [globex.id.as_str(), "globex"] {
        let (s, v) = send(app.get("/store/tenant").header("x-tenant-id", header)).await;
        assert_eq!(
            (s, handle_of(&v)),
            (StatusCode::OK, "globex".into()),
            "x-tenant-id: {header}"
        );
    }
    // acme does not accept the header: it is treated as unknown, revealing nothing.
    let (s, v) = send(app.get("/store/tenant").header("x-tenant-id", &acme.id)).await;
    assert_eq!((s, v["message"].as_str()), (StatusCode::BAD_REQUEST, Some(INVALID_KEY)));
    // An unknown host is no signal at all.
    let (s, v) = send(app.get("/store/tenant").header("host", "elsewhere.example")).await;
    assert_eq!((s, v["message"].as_str()), (StatusCode::BAD_REQUEST, Some(MISSING_KEY)));
}

#[tokio::test]
async fn signals_naming_different_tenants_are_refused() {
    let app = TestApp::spawn().await;
    let acme = app.tenant_with("acme", json!({"domains": ["shop.acme.com"]})).await;
    let globex = app.tenant_with("globex", json!({"allow_tenant_header": true})).await;
    let (s, v) = send(
        app.get("/store/regions")
            .header("x-publishable-api-key", &acme.key)
            .header("host", "globex.shops.test"),
    )
    .await;
    assert_eq!(
        (s, v["type"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_data")),
        "{v}"
    );
    let (s, _) = send(
        app.get("/store/regions")
            .header("host", "shop.acme.com")
            .header("x-tenant-id", "globex"),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // Agreeing signals are fine.
    let (s, _) = send(
        app.get("/store/regions")
            .header("x-publishable-api-key", &acme.key)
            .header("host", "shop.acme.com"),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = send(
        app.get("/store/regions")
            .header("x-publishable-api-key", &globex.key)
            .header("x-tenant-id", "globex"),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn single_tenant_mode_needs_exactly_one_tenant() {
    let app = TestApp::spawn_with(|c| c.single_tenant = true).await;
    app.tenant("solo").await;
    let (s, v) = send(app.get("/store/tenant")).await;
    assert_eq!((s, v["tenant"]["handle"].as_str()), (StatusCode::OK, Some("solo")));
    app.tenant("second").await;
    let (s, v) = send(app.get("/store/tenant")).await;
    assert_eq!((s, v["message"].as_str()), (StatusCode::BAD_REQUEST, Some(MISSING_KEY)));
}

#[tokio::test]
async fn a_second_process_sees_changes_within_a_second() {
    let first = TestApp::spawn().await;
    let second = TestApp::spawn_on(&first.database, |_| {}).await;
    let t = first.tenant("acme").await;
    let window = Duration::from_secs(1);

    let seen = eventually(window, || async {
        second.store_get(&t, "/store/regions").await.0 == StatusCode::OK
    })
    .await;
    assert!(seen, "the second instance learns the new tenant's key");
    let (_, v) = second.store_get(&t, "/store/regions").await;
    assert_eq!(region_names(&v), vec!["acme Europe"]);

    first
        .platform(Method::POST, "/platform/tenants/acme/suspend", None)
        .await;
    let seen = eventually(window, || async {
        second.store_get(&t, "/store/regions").await.0 == StatusCode::FORBIDDEN
    })
    .await;
    assert!(seen, "the second instance learns of the suspension");

    first
        .platform(
            Method::PATCH,
            "/platform/tenants/acme",
            Some(json!({"domains": ["new.acme.com"]})),
        )
        .await;
    first
        .platform(Method::POST, "/platform/tenants/acme/resume", None)
        .await;
    let seen = eventually(window, || async {
        send(second.get("/store/tenant").header("host", "new.acme.com")).await.0 == StatusCode::OK
    })
    .await;
    assert!(seen, "the second instance learns the new domain");
}
