//! The audit trail: one record per successful change with its diff, none for a failed
//! one, append-only even for the server's own database role.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::catalog::shirt;
use std::time::Duration;

use crate::harness::{eventually, send, Admin, TestApp};

fn actions(log: &Value) -> Vec<&str> {
    log["audit_logs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect()
}

/// The change entries of `record` for `table`.
fn changes<'a>(record: &'a Value, table: &str) -> Vec<&'a Value> {
    record["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["table"] == table)
        .collect()
}

#[tokio::test]
async fn a_scripted_session_reads_back_exactly_its_actions_with_their_diffs() {
    let app = TestApp::spawn().await;
    let t = app.tenant("scribe").await;
    let admin = Admin::of(&app, &t).await;
    let (_, me) = admin.call(Method::GET, "/admin/users/me", None).await;
    let me = me["user"]["id"].as_str().unwrap().to_owned();

    // 1. create a product
    let p = admin.ok(Method::POST, "/admin/products", shirt("Scroll")).await;
    let product = p["product"]["id"].as_str().unwrap().to_owned();
    let variant = p["product"]["variants"][0]["id"].as_str().unwrap().to_owned();
    let old_amount = p["product"]["variants"][0]["prices"][0]["amount"].clone();
    // 2. update a price
    admin
        .ok(
            Method::POST,
            &format!("/admin/products/{product}/variants/{variant}"),
            json!({"prices": [{"currency_code": "eur", "amount": 99}]}),
        )
        .await;
    // 3. revoke the key
    let keys = admin.ok(Method::GET, "/admin/api-keys", json!(null)).await;
    let key = keys["api_keys"][0]["id"].as_str().unwrap().to_owned();
    admin
        .ok(Method::POST, &format!("/admin/api-keys/{key}/revoke"), json!({}))
        .await;
    let (s, _) = app.store_get(&t, "/store/regions").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "a revoked key stops resolving at once");

    // The store's own log, newest first: exactly the three staff actions.
    let log = admin.ok(Method::GET, "/admin/audit-log", json!(null)).await;
    assert_eq!(
        actions(&log),
        ["api_key.revoke", "variant.update", "product.create"],
        "{log:#}"
    );
    assert_eq!(log["count"], 3);
    let [revoke, price, create] = [0, 1, 2].map(|i| &log["audit_logs"][i]);
    for r in [revoke, price, create] {
        assert_eq!(r["actor"], json!({"type": "user", "id": me}));
        assert_eq!(r["tenant_id"], t.id);
        assert_eq!(r["client_address"], "127.0.0.1");
        assert_eq!(r["request_id"].as_str().unwrap().len(), 26, "a ULID request id");
    }
    assert_eq!(create["resource_type"], "product");
    assert_eq!(create["resource_id"], product, "a creation names the created row");
    let inserted = changes(create, "products");
    assert_eq!(inserted[0]["op"], "insert");
    assert_eq!(inserted[0]["after"]["title"], "Scroll");
    assert_eq!(changes(create, "product_variants").len(), 3);

    assert_eq!(price["resource_type"], "variant");
    assert_eq!(price["resource_id"], variant);
    let prices = changes(price, "prices");
    let amounts = |side: &str| -> Vec<f64> {
        prices
            .iter()
            .filter_map(|c| c[side].get("amount").and_then(Value::as_f64))
            .collect()
    };
    assert_eq!(
        (amounts("before"), amounts("after")),
        (vec![old_amount.as_f64().unwrap()], vec![99.0]),
        "the price's diff: {price:#}"
    );

    assert_eq!(revoke["resource_id"], key);
    let revoked = changes(revoke, "api_keys");
    assert_eq!(revoked.len(), 1, "{revoke:#}");
    assert_eq!(revoked[0]["op"], "update");
    assert_eq!(revoked[0]["before"], json!({"revoked_at": null}));
    assert!(revoked[0]["after"]["revoked_at"].is_string());

    // 4. suspend the tenant (platform)
    app.platform(Method::POST, "/platform/tenants/scribe/suspend", None)
        .await;
    let (_, all) = app
        .platform(Method::GET, &format!("/platform/audit-log?tenant_id={}", t.id), None)
        .await;
    assert_eq!(
        actions(&all),
        [
            "tenant.suspend",
            "api_key.revoke",
            "variant.update",
            "product.create",
            "tenant.create"
        ],
        "{all:#}"
    );
    let suspend = &all["audit_logs"][0];
    assert_eq!(suspend["actor"], json!({"type": "platform", "id": null}));
    assert_eq!(suspend["resource_id"], t.id, "the id, though the path named the handle");
    assert_eq!(suspend["tenant_id"], t.id);
    let status = changes(suspend, "tenants");
    assert_eq!(status[0]["before"]["status"], "active");
    assert_eq!(status[0]["after"]["status"], "suspended");
    // Provisioning's record masks the admin's password hash.
    let created = &all["audit_logs"][4];
    let staff = changes(created, "staff_users");
    assert_eq!(staff[0]["after"]["password_hash"], "****");
    // Suspending again changes nothing, and records nothing.
    app.platform(Method::POST, "/platform/tenants/scribe/suspend", None)
        .await;
    let (_, again) = app
        .platform(Method::GET, &format!("/platform/audit-log?tenant_id={}", t.id), None)
        .await;
    assert_eq!(again["count"], 5);
    // Filters.
    let (_, one) = app
        .platform(Method::GET, "/platform/audit-log?action=variant.update", None)
        .await;
    assert_eq!(actions(&one), ["variant.update"]);
    let (_, none) = app
        .platform(Method::GET, "/platform/audit-log?from=2999-01-01T00:00:00Z", None)
        .await;
    assert_eq!(none["count"], 0);
}

#[tokio::test]
async fn a_failed_change_leaves_no_record_and_secrets_are_masked() {
    let app = TestApp::spawn().await;
    let t = app.tenant("careful").await;
    let admin = Admin::of(&app, &t).await;
    // The second product's handle clashes after the first was inserted: all rolled back.
    let mut a = shirt("One");
    a["handle"] = json!("same");
    let mut b = shirt("Two");
    b["handle"] = json!("same");
    let (s, v) = admin
        .call(Method::POST, "/admin/products/batch", Some(json!({"create": [a, b]})))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, _) = admin
        .call(
            Method::POST,
            "/admin/regions",
            Some(json!({"name": "Bad", "currency_code": "zzz"})),
        )
        .await;
    assert!(s.is_client_error());
    let log = admin.ok(Method::GET, "/admin/audit-log", json!(null)).await;
    assert_eq!(log["count"], 0, "{log:#}");

    admin
        .ok(
            Method::POST,
            "/admin/secrets/nmi_security_key",
            json!({"value": "top-secret-value"}),
        )
        .await;
    let log = admin.ok(Method::GET, "/admin/audit-log", json!(null)).await;
    assert_eq!(actions(&log), ["secret.set"]);
    assert_eq!(log["audit_logs"][0]["resource_id"], "nmi_security_key");
    assert!(!log.to_string().contains("top-secret-value"));
    let set = changes(&log["audit_logs"][0], "tenant_secrets");
    assert_eq!(set[0]["after"]["sealed"], "****", "{log:#}");
    // Store settings: the control-plane change is the store's record.
    admin
        .ok(Method::POST, "/admin/stores", json!({"name": "Careful & Co"}))
        .await;
    let log = admin
        .ok(Method::GET, "/admin/audit-log?resource_type=store", json!(null))
        .await;
    assert_eq!(actions(&log), ["store.update"]);
    let tenant = changes(&log["audit_logs"][0], "tenants");
    assert_eq!(tenant[0]["before"]["name"], "Store careful");
    assert_eq!(tenant[0]["after"]["name"], "Careful & Co");
}

#[tokio::test]
async fn the_server_role_cannot_update_or_delete_audit_records() {
    let app = TestApp::spawn().await;
    let t = app.tenant("ledger").await;
    let admin = Admin::of(&app, &t).await;
    admin
        .ok(Method::POST, "/admin/collections", json!({"title": "Kept"}))
        .await;
    let mut conn = app.owner_conn().await;
    for stmt in [
        "UPDATE audit_log SET action = 'forged'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ] {
        let mut tx = sqlx::Connection::begin(&mut conn).await.unwrap();
        crate::harness::scope_to_tenant(&mut tx, &t.id).await;
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        assert_eq!(n, 1, "coral_app reads its tenant's record");
        let err = sqlx::query(stmt).execute(&mut *tx).await.unwrap_err();
        assert!(err.to_string().contains("permission denied"), "{stmt}: {err}");
    }
    // Not even the schema owner changes a record by mistake.
    let err = sqlx::query("DELETE FROM platform_audit_log")
        .execute(&mut conn)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    let log = admin.ok(Method::GET, "/admin/audit-log", json!(null)).await;
    assert_eq!(actions(&log), ["collection.create"]);
}

#[tokio::test]
async fn store_settings_and_keys_are_self_service_within_the_plan() {
    let app = TestApp::spawn().await;
    let t = app
        .tenant_with(
            "selfserve",
            json!({"overrides": {"limits": {"max_publishable_keys": 2}}}),
        )
        .await;
    let admin = Admin::of(&app, &t).await;
    let stores = admin.ok(Method::GET, "/admin/stores", json!(null)).await;
    assert_eq!(stores["stores"][0]["id"], t.id);
    let v = admin
        .ok(
            Method::POST,
            "/admin/stores",
            json!({"settings": {"branding": {"primary_color": "#112233"}, "currencies": ["usd"]}}),
        )
        .await;
    assert_eq!(v["store"]["settings"]["branding"]["primary_color"], "#112233");
    let (_, public) = app.store_get(&t, "/store/tenant").await;
    assert!(public.to_string().contains("#112233"), "{public}");
    let (s, v) = admin
        .call(
            Method::POST,
            "/admin/stores",
            Some(json!({"settings": {"public_features": {"not-in-plan": true}}})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, _) = admin
        .call(Method::POST, "/admin/stores", Some(json!({"plan_id": "enterprise"})))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "the plan is the platform's");

    let k = admin
        .ok(Method::POST, "/admin/api-keys", json!({"title": "Kiosk"}))
        .await;
    let token = k["api_key"]["token"].as_str().unwrap().to_owned();
    let (s, _) = send(app.get("/store/regions").header("x-publishable-api-key", &token)).await;
    assert_eq!(s, StatusCode::OK, "a new key resolves at once");
    // A second process on the same database learns of the change by notification.
    let other = TestApp::spawn_on(&app.database, |_| {}).await;
    let status = |a: &TestApp| send(a.get("/store/regions").header("x-publishable-api-key", &token));
    assert_eq!(status(&other).await.0, StatusCode::OK);
    let (s, v) = admin
        .call(Method::POST, "/admin/api-keys", Some(json!({"title": "Third"})))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let id = k["api_key"]["id"].as_str().unwrap();
    let v = admin
        .ok(Method::POST, &format!("/admin/api-keys/{id}/revoke"), json!({}))
        .await;
    assert!(v["api_key"]["revoked_at"].is_string());
    assert_eq!(status(&app).await.0, StatusCode::BAD_REQUEST, "refused at once here");
    let gone = eventually(Duration::from_secs(1), || async {
        status(&other).await.0 == StatusCode::BAD_REQUEST
    })
    .await;
    assert!(gone, "and within a second in the other process");
}

/// Every staged change row, all tenants (the superuser sees past row level security).
async fn staged_rows(conn: &mut sqlx::PgConnection) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM audit_changes")
        .fetch_one(conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn staged_changes_stay_in_their_tenant_and_never_outlive_the_transaction() {
    let app = TestApp::spawn().await;
    let a = app.tenant("stagea").await;
    let b = app.tenant("stageb").await;
    let mut owner = app.owner_conn().await;
    assert_eq!(
        staged_rows(&mut owner).await,
        0,
        "provisioning's record took its staged rows"
    );

    // Committed and rolled-back requests leave nothing staged.
    let admin = Admin::of(&app, &a).await;
    admin
        .ok(Method::POST, "/admin/collections", json!({"title": "Kept"}))
        .await;
    let mut x = shirt("One");
    x["handle"] = json!("same");
    let mut y = shirt("Two");
    y["handle"] = json!("same");
    let (s, v) = admin
        .call(Method::POST, "/admin/products/batch", Some(json!({"create": [x, y]})))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(staged_rows(&mut owner).await, 0);
    let log = admin.ok(Method::GET, "/admin/audit-log", json!(null)).await;
    assert_eq!(actions(&log), ["collection.create"]);

    // Inside an audited transaction of tenant A (raw SQL, the scope of db/handles.rs),
    // its staged rows are its own: tenant B's scope sees none and cannot stage for A.
    let mut tx = sqlx::Connection::begin(&mut owner).await.unwrap();
    let scope = |tenant: &str| {
        format!("SET LOCAL ROLE coral_app; SET LOCAL coral.tenant_id = '{tenant}'; SET LOCAL coral.audit = 'alog_STAGETEST';")
    };
    sqlx::raw_sql(&scope(&a.id)).execute(&mut *tx).await.unwrap();
    let changed = sqlx::query("UPDATE sales_channels SET name = 'Renamed' WHERE tenant_id = $1")
        .bind(&a.id)
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(changed.rows_affected(), 1);
    let mine: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_changes")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(mine, 1, "A's change is staged, visible to A");
    sqlx::raw_sql(&scope(&b.id)).execute(&mut *tx).await.unwrap();
    let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_changes")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(seen, 0, "B sees none of A's staged rows");
    let err = sqlx::query("INSERT INTO audit_changes (tenant_id, audit_id, seq, line) VALUES ($1, 'alog_X', 1, '{}')")
        .bind(&a.id)
        .execute(&mut *tx)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("row-level security"), "{err}");
    tx.rollback().await.unwrap();
    assert_eq!(
        staged_rows(&mut owner).await,
        0,
        "a rollback takes the staged rows with it"
    );
}
