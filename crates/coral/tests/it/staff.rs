//! Staff login and the admin token: tenant from the user's record, never from headers.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::harness::{send, TestApp, ADMIN_PASSWORD};

#[tokio::test]
async fn login_returns_a_token_for_admin_users_me() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let token = app.admin_token(&t).await;
    assert_eq!(token.split('.').count(), 3, "a JWT");
    let (s, v) = send(app.get("/admin/users/me").bearer_auth(&token)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["user"]["email"], t.admin_email);
    assert_eq!(v["user"]["role"], "tenant_admin");
    assert!(v["user"].get("password_hash").is_none());
}

#[tokio::test]
async fn bad_credentials_and_tokens_get_401() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    for body in [
        json!({"email": t.admin_email, "password": "wrong-password"}),
        json!({"email": "nobody@acme.test", "password": ADMIN_PASSWORD}),
        json!({"email": "not-an-email", "password": ADMIN_PASSWORD}),
    ] {
        let (s, v) = send(app.post("/auth/user/emailpass").json(&body)).await;
        assert_eq!(
            (s, v["type"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("unauthorized")),
            "{body}"
        );
        assert_eq!(v["message"], "Invalid email or password");
    }
    let (s, _) = send(app.post("/auth/user/emailpass").json(&json!({"email": t.admin_email}))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    for auth in [None, Some("garbage"), Some("a.b.c")] {
        let mut req = app.get("/admin/users/me");
        if let Some(a) = auth {
            req = req.bearer_auth(a);
        }
        let (s, v) = send(req).await;
        assert_eq!(
            (s, v["type"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("unauthorized"))
        );
    }
}

#[tokio::test]
async fn a_token_is_bound_to_its_tenant_whatever_the_headers_say() {
    let app = TestApp::spawn().await;
    let a = app.tenant("alpha").await;
    let b = app.tenant_with("beta", json!({"allow_tenant_header": true})).await;
    let token_a = app.admin_token(&a).await;
    let (_, me_b) = send(app.get("/admin/users/me").bearer_auth(app.admin_token(&b).await)).await;
    let req = app
        .get("/admin/users/me")
        .bearer_auth(&token_a)
        .header("x-publishable-api-key", &b.key)
        .header("x-tenant-id", "beta")
        .header("host", "beta.shops.test");
    let (s, v) = send(req).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["user"]["email"], a.admin_email);
    assert_ne!(v["user"]["id"], me_b["user"]["id"]);

    // A token signed by another deployment's secret is worthless here.
    let other = TestApp::spawn().await;
    let foreign = other.tenant("alpha").await;
    let (s, _) = send(
        app.get("/admin/users/me")
            .bearer_auth(other.admin_token(&foreign).await),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_same_email_in_two_stores_is_two_accounts() {
    let app = TestApp::spawn().await;
    let a = app.tenant("alpha").await;
    let b = app
        .tenant_with(
            "beta",
            json!({"admin": {"email": "admin@alpha.test", "password": "beta-password"}, "allow_tenant_header": true}),
        )
        .await;
    assert_eq!(a.admin_email, "admin@alpha.test");
    // Different passwords: the password picks the account.
    let (s, v) = send(
        app.post("/auth/user/emailpass")
            .json(&json!({"email": "admin@alpha.test", "password": "beta-password"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (_, me) = send(app.get("/admin/users/me").bearer_auth(v["token"].as_str().unwrap())).await;
    let claims_tenant = app.app.tokens.verify(v["token"].as_str().unwrap()).unwrap().tenant_id;
    assert_eq!(claims_tenant, b.id);
    assert_eq!(me["user"]["email"], "admin@alpha.test");

    // Same password in both: ambiguous without a store signal, chosen with one.
    let c = app
        .tenant_with(
            "gamma",
            json!({"admin": {"email": "admin@alpha.test", "password": ADMIN_PASSWORD}}),
        )
        .await;
    let body = json!({"email": "admin@alpha.test", "password": ADMIN_PASSWORD});
    let (s, v) = send(app.post("/auth/user/emailpass").json(&body)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, v) = send(
        app.post("/auth/user/emailpass")
            .header("x-publishable-api-key", &c.key)
            .json(&body),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        app.app.tokens.verify(v["token"].as_str().unwrap()).unwrap().tenant_id,
        c.id
    );
}

#[tokio::test]
async fn revoked_users_and_suspended_stores_lose_access_at_once() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let token = app.admin_token(&t).await;
    let mut conn = app.owner_conn().await;

    sqlx::query("UPDATE staff_users SET token_version = token_version + 1")
        .execute(&mut conn)
        .await
        .unwrap();
    let (s, _) = send(app.get("/admin/users/me").bearer_auth(&token)).await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "a bumped token version revokes older tokens"
    );

    let token = app.admin_token(&t).await;
    app.platform(Method::POST, "/platform/tenants/acme/suspend", None).await;
    let (s, v) = send(app.get("/admin/users/me").bearer_auth(&token)).await;
    assert_eq!((s, v["type"].as_str()), (StatusCode::FORBIDDEN, Some("not_allowed")));
    let (s, _) = send(
        app.post("/auth/user/emailpass")
            .json(&json!({"email": t.admin_email, "password": ADMIN_PASSWORD})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    app.platform(Method::POST, "/platform/tenants/acme/resume", None).await;

    sqlx::query("UPDATE staff_users SET is_active = false")
        .execute(&mut conn)
        .await
        .unwrap();
    let (s, _) = send(app.get("/admin/users/me").bearer_auth(&token)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = send(
        app.post("/auth/user/emailpass")
            .json(&json!({"email": t.admin_email, "password": ADMIN_PASSWORD})),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}
