//! Plans, per-tenant rate limits and feature flags: a flooding tenant gets 429s with the
//! rate-limit headers while its neighbour, at the same time, gets only 2xx.

use std::collections::BTreeMap;

use futures::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::harness::{send, TestApp, TestTenant};

fn header(resp: &reqwest::Response, name: &str) -> Option<u64> {
    resp.headers().get(name)?.to_str().ok()?.parse().ok()
}

/// `n` concurrent `GET /store/regions` as tenant `t`: (status, headers' figures, body).
async fn flood(app: &TestApp, t: &TestTenant, n: usize) -> Vec<(StatusCode, [Option<u64>; 4], Value)> {
    let reqs = (0..n).map(|_| async {
        let resp = app
            .get("/store/regions")
            .header("x-publishable-api-key", &t.key)
            .send()
            .await
            .unwrap();
        let h = [
            "retry-after",
            "ratelimit-limit",
            "ratelimit-remaining",
            "ratelimit-reset",
        ]
        .map(|n| header(&resp, n));
        (resp.status(), h, resp.json::<Value>().await.unwrap_or(Value::Null))
    });
    join_all(reqs).await
}

#[tokio::test]
async fn a_flooding_tenant_gets_429s_while_its_neighbour_gets_only_2xx() {
    let app = TestApp::spawn().await;
    let limits = json!({"limits": {"store_rps": 5, "store_burst": 10}});
    let a = app
        .tenant_with("flooder", json!({"plan_id": "standard", "overrides": limits}))
        .await;
    let b = app.tenant_with("neighbour", json!({"plan_id": "standard"})).await;

    // Both at once, over separate connections: A far past its burst, B well within its own.
    let (a_results, b_results) = tokio::join!(flood(&app, &a, 120), flood(&app, &b, 60));

    let b_statuses: Vec<StatusCode> = b_results.iter().map(|r| r.0).collect();
    assert!(b_statuses.iter().all(|s| s.is_success()), "{b_statuses:?}");
    for (_, [retry, limit, remaining, _], _) in &b_results {
        assert_eq!((*retry, *limit), (None, Some(400)), "B's own (standard) bucket");
        assert!(remaining.is_some());
    }

    let refused: Vec<_> = a_results
        .iter()
        .filter(|r| r.0 == StatusCode::TOO_MANY_REQUESTS)
        .collect();
    let allowed: Vec<_> = a_results.iter().filter(|r| r.0 == StatusCode::OK).collect();
    assert_eq!(refused.len() + allowed.len(), 120, "only 200s and 429s");
    assert!(allowed.len() >= 10, "the burst is served: {}", allowed.len());
    assert!(refused.len() >= 60, "most of the flood is refused: {}", refused.len());
    for (_, [retry, limit, remaining, reset], body) in &refused {
        assert_eq!(body["type"], "too_many_requests", "{body}");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("5 store requests per second"),
            "{body}"
        );
        assert!(retry.is_some_and(|r| (1..=2).contains(&r)), "Retry-After {retry:?}");
        assert_eq!((*limit, *remaining), (Some(10), Some(0)));
        assert!(reset.is_some_and(|r| r >= 1), "RateLimit-Reset {reset:?}");
    }
    for (_, [retry, limit, remaining, _], _) in &allowed {
        assert_eq!((*retry, *limit), (None, Some(10)));
        assert!(remaining.is_some_and(|r| r < 10));
    }

    // The bucket refills: after Retry-After, A is served again.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(app.store_get(&a, "/store/regions").await.0, StatusCode::OK);
}

#[tokio::test]
async fn admin_requests_have_their_own_bucket_checked_before_the_database() {
    let app = TestApp::spawn().await;
    let limits = json!({"limits": {"admin_rps": 1, "admin_burst": 2}});
    let a = app
        .tenant_with("busy", json!({"plan_id": "free", "overrides": limits}))
        .await;
    let token = app.admin_token(&a).await;
    let me = || send(app.get("/admin/users/me").bearer_auth(&token));
    assert_eq!(me().await.0, StatusCode::OK);
    assert_eq!(me().await.0, StatusCode::OK);
    let (s, v) = me().await;
    assert_eq!(
        (s, v["type"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("too_many_requests"))
    );
    // The storefront bucket is another one.
    assert_eq!(app.store_get(&a, "/store/regions").await.0, StatusCode::OK);
}

#[tokio::test]
async fn plans_are_listed_created_and_changed_for_every_tenant_on_them() {
    let app = TestApp::spawn().await;
    let (s, v) = app.platform(Method::GET, "/platform/plans", None).await;
    assert_eq!(s, StatusCode::OK);
    let ids: Vec<&str> = v["plans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["free", "standard", "enterprise"]);
    assert_eq!(v["plans"][0]["limits"]["max_products"], 100);

    let body = json!({"id": "growth", "name": "Growth", "limits": {"store_rps": 50, "max_products": 500}});
    let (s, v) = app.platform(Method::POST, "/platform/plans", Some(body.clone())).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(
        app.platform(Method::POST, "/platform/plans", Some(body)).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let bad = json!({"id": "Bad Plan", "name": "x"});
    assert_eq!(
        app.platform(Method::POST, "/platform/plans", Some(bad)).await.0,
        StatusCode::BAD_REQUEST
    );
    let zero = json!({"id": "zero", "name": "x", "limits": {"store_rps": 0}});
    assert_eq!(
        app.platform(Method::POST, "/platform/plans", Some(zero)).await.0,
        StatusCode::BAD_REQUEST
    );

    let t = app.tenant_with("grower", json!({"plan_id": "growth"})).await;
    let unknown = json!({"plan_id": "nope"});
    let (s, v) = app
        .platform(Method::PATCH, &format!("/platform/tenants/{}", t.id), Some(unknown))
        .await;
    assert_eq!(
        (s, v["message"].as_str()),
        (StatusCode::BAD_REQUEST, Some("Unknown plan 'nope'"))
    );

    let change = json!({"limits": {"store_rps": 7}});
    let (s, v) = app
        .platform(Method::PATCH, "/platform/plans/growth", Some(change))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["plan"]["limits"]["max_products"], Value::Null, "limits are replaced");
    let tenant = app.app.directory.by_id_or_handle(&t.id).unwrap();
    assert_eq!(
        tenant.limits.store_rps,
        Some(7),
        "tenants on the plan see the change at once"
    );
    assert_eq!(tenant.limits.max_products, None);
    assert_eq!(
        app.platform(Method::GET, "/platform/plans/nope", None).await.0,
        StatusCode::NOT_FOUND
    );

    // Overrides: a value wins over the plan's, null lifts a limit.
    let o = json!({"overrides": {"limits": {"store_rps": 9, "max_products": null}}, "plan_id": "free"});
    let (s, v) = app
        .platform(Method::PATCH, &format!("/platform/tenants/{}", t.id), Some(o))
        .await;
    assert_eq!(
        (s, v["tenant"]["plan_id"].as_str()),
        (StatusCode::OK, Some("free")),
        "{v}"
    );
    let tenant = app.app.directory.by_id_or_handle(&t.id).unwrap();
    assert_eq!((tenant.limits.store_rps, tenant.limits.max_products), (Some(9), None));
    assert_eq!(tenant.limits.max_staff, Some(2), "the rest is the free plan's");
}

#[tokio::test]
async fn feature_flags_layer_platform_plan_and_tenant() {
    let app = TestApp::spawn_with(|c| {
        c.default_features = [("a", true), ("b", true), ("c", true)]
            .map(|(k, v)| (k.to_owned(), v))
            .into();
    })
    .await;
    let plan = json!({"id": "gold", "name": "Gold", "features": {"b": false, "d": true}});
    assert_eq!(
        app.platform(Method::POST, "/platform/plans", Some(plan)).await.0,
        StatusCode::CREATED
    );
    let t = app
        .tenant_with(
            "flags",
            json!({"plan_id": "gold", "overrides": {"features": {"c": false}},
                   "settings": {"public_features": {"b": true, "d": true, "reviews": true}}}),
        )
        .await;
    let tenant = app.app.directory.by_id_or_handle(&t.id).unwrap();
    let got: BTreeMap<&str, bool> = ["a", "b", "c", "d", "e"].map(|f| (f, tenant.has_feature(f))).into();
    assert_eq!(
        got,
        [("a", true), ("b", false), ("c", false), ("d", true), ("e", false)].into(),
        "platform < plan < tenant; unknown flags are off"
    );
    // Public flags: the store's choice, but never one its layers turn off.
    let (s, v) = app.store_get(&t, "/store/tenant").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["tenant"]["features"], json!({"b": false, "d": true, "reviews": true}));
    let bad = json!({"overrides": {"features": {"Not A Flag": true}}});
    let (s, _) = app
        .platform(Method::PATCH, &format!("/platform/tenants/{}", t.id), Some(bad))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}
