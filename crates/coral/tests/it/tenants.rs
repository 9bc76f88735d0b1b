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

/// Provisions a store through the platform API and nothing else (no region): its id
/// and publishable key.
async fn provision(app: &TestApp, handle: &str) -> (String, String) {
    let body = json!({"handle": handle, "name": "S", "admin": {"email": format!("a@{handle}.test"), "password": "long-enough-pw"}});
    let (s, v) = app.platform(Method::POST, "/platform/tenants", Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["tenant"]["id"].as_str().unwrap().to_owned();
    (id, v["publishable_api_key"]["token"].as_str().unwrap().to_owned())
}

/// Rows of tenant `id` in every table that has a `tenant_id` column, as `table: n`
/// for the tables where n > 0 (read as the superuser, which sees every row).
async fn rows_of(app: &TestApp, id: &str) -> Vec<String> {
    let mut conn = app.owner_conn().await;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' \
         WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut found = Vec::new();
    for t in tables {
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {t} WHERE tenant_id = $1"))
            .bind(id)
            .fetch_one(&mut conn)
            .await
            .unwrap();
        if n > 0 {
            found.push(format!("{t}: {n}"));
        }
    }
    let own: i64 = sqlx::query_scalar("SELECT count(*) FROM tenants WHERE id = $1")
        .bind(id)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    if own > 0 {
        found.push(format!("tenants: {own}"));
    }
    found
}

/// Provisioning's first rows are exactly the tables that start-up removal clears
/// (`db::tenants::FIRST_ROW_TABLES`), besides the control rows: a new first-row table
/// must be added there, or an interrupted provisioning would leave it behind.
#[tokio::test]
async fn provisioning_writes_only_the_tables_its_removal_clears() {
    let app = TestApp::spawn().await;
    let (id, _) = provision(&app, "firsts").await;
    let control = ["tenants", "tenant_domains", "platform_audit_log", "tenant_usage"];
    for line in rows_of(&app, &id).await {
        let table = line.split(':').next().unwrap();
        assert!(
            coral::db::tenants::FIRST_ROW_TABLES.contains(&table) || control.contains(&table),
            "provisioning wrote {line}: add the table to FIRST_ROW_TABLES"
        );
    }
}

/// A crash between provisioning's transactions leaves a `provisioning` store: never
/// served, and removed with its first rows by the next start once it is old enough
/// (a younger one may still be in the making by another process, and stays).
#[tokio::test]
async fn an_interrupted_provisioning_is_removed_at_the_next_start() {
    let app = TestApp::spawn().await;
    let (old, _) = provision(&app, "halfway").await;
    let (young, young_key) = provision(&app, "inflight").await;
    let mut conn = app.owner_conn().await;
    for (id, age) in [(&old, "1 hour"), (&young, "1 second")] {
        sqlx::query(&format!(
            "UPDATE tenants SET status = 'provisioning', created_at = now() - interval '{age}' WHERE id = $1"
        ))
        .bind(id)
        .execute(&mut conn)
        .await
        .unwrap();
    }
    assert!(rows_of(&app, &old).await.iter().any(|l| l.starts_with("staff_users")));

    let restarted = TestApp::spawn_on(&app.database, |_| {}).await;
    // (The platform's audit trail is history and stays; a real crash before the last
    // step leaves no record to begin with: it is written by that step.)
    let left: Vec<String> = rows_of(&restarted, &old)
        .await
        .into_iter()
        .filter(|l| !l.starts_with("platform_audit_log"))
        .collect();
    assert_eq!(left, Vec::<String>::new(), "nothing of it is left");
    assert!(!rows_of(&restarted, &young).await.is_empty(), "a young one stays");
    // Not served meanwhile, and its handle is free again.
    let unknown = send(
        restarted
            .get("/store/tenant")
            .header("x-publishable-api-key", "pk_unknown"),
    )
    .await;
    let (s, v) = send(
        restarted
            .get("/store/tenant")
            .header("x-publishable-api-key", &young_key),
    )
    .await;
    assert_eq!((s, &v), (unknown.0, &unknown.1), "served like an unknown key");
    let (s, v) = restarted
        .platform(
            Method::POST,
            "/platform/tenants",
            Some(json!({"handle": "halfway", "name": "Again"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}
