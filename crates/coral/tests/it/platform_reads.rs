//! The platform's narrow reads (issue 22 item 1, docs/plain-owner.md): the global lookup
//! tables are written by each store under its tenant policy, and the `coral_platform`
//! role reads exactly the pinned tables, never writes, and never sees other tenant data.

use reqwest::Method;
use serde_json::json;
use sqlx::{Connection, Row};

use crate::harness::{self, Admin, TestApp, ADMIN_PASSWORD};

/// The tables `coral_platform` may read, each through one `platform_read` policy.
const PLATFORM_READS: &[&str] = &["audit_log", "publishable_keys", "sales_channels", "staff_logins"];

#[tokio::test]
async fn a_store_cannot_write_a_lookup_row_naming_another_store() {
    let app = TestApp::spawn().await;
    let a = app.tenant("alpha").await;
    let b = app.tenant("beta").await;
    let mut conn = app.owner_conn().await;
    let mut tx = conn.begin().await.unwrap();
    crate::harness::scope_to_tenant(&mut tx, &a.id).await;
    // B's lookup rows are invisible under A.
    let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM publishable_keys WHERE token = $1")
        .bind(&b.key)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(seen, 0, "B's token is invisible under A");
    let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM staff_logins WHERE tenant_id = $1")
        .bind(&b.id)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(seen, 0, "B's logins are invisible under A");
    for (sql, what) in [
        (
            "INSERT INTO publishable_keys (tenant_id, token, api_key_id) VALUES ($1, 'pk_forged', 'apk_x')",
            "a token resolving to B",
        ),
        (
            "INSERT INTO staff_logins (tenant_id, email, staff_id) VALUES ($1, 'forged@beta.test', 'user_x')",
            "a login into B",
        ),
    ] {
        sqlx::query("SAVEPOINT s").execute(&mut *tx).await.unwrap();
        let err = sqlx::query(sql).bind(&b.id).execute(&mut *tx).await.unwrap_err();
        assert!(err.to_string().contains("row-level security"), "{what}: {err}");
        sqlx::query("ROLLBACK TO SAVEPOINT s").execute(&mut *tx).await.unwrap();
    }
    // Nor can A repoint or revoke B's key.
    let moved = sqlx::query("UPDATE publishable_keys SET tenant_id = $1 WHERE token = $2")
        .bind(&a.id)
        .bind(&b.key)
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(moved.rows_affected(), 0);
    // A's own lookup row is writable (the policy is the tenant's, not a blanket refusal).
    sqlx::query("INSERT INTO staff_logins (tenant_id, email, staff_id) VALUES ($1, 'new@alpha.test', 'user_y')")
        .bind(&a.id)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.rollback().await.unwrap();

    // B's key still resolves to B.
    let (status, v) = app.store_get(&b, "/store/regions").await;
    assert_eq!(status, reqwest::StatusCode::OK, "{v}");
}

#[tokio::test]
async fn the_platform_role_reads_only_its_pinned_tables_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let a = app.tenant("alpha").await;
    let b = app.tenant("beta").await;
    let platform = app.app.platform();

    // The policies other than the tenant ones and the master catalog's (pinned in
    // catalog_sources_policies.rs): exactly one SELECT policy for coral_platform per
    // pinned table.
    let mut conn = app.owner_conn().await;
    let rows = sqlx::query(
        "SELECT tablename::text, policyname::text, cmd, roles::text[] FROM pg_policies \
         WHERE schemaname = 'public' AND policyname <> 'tenant_isolation' \
         AND tablename NOT IN ('catalog_sources', 'catalog_source_grants', 'catalog_links', 'catalog_link_items') \
         ORDER BY 1",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let found: Vec<(String, String, String, Vec<String>)> =
        rows.iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))).collect();
    let expected: Vec<(String, String, String, Vec<String>)> = PLATFORM_READS
        .iter()
        .map(|t| {
            let role = vec!["coral_platform".to_owned()];
            (t.to_string(), "platform_read".into(), "SELECT".into(), role)
        })
        .collect();
    assert_eq!(found, expected);
    // Its privileges: SELECT on those tables, nothing else anywhere.
    let grants: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_name::text, privilege_type::text FROM information_schema.role_table_grants \
         WHERE grantee = 'coral_platform' ORDER BY 1, 2",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let expected: Vec<(String, String)> = PLATFORM_READS
        .iter()
        .map(|t| (t.to_string(), "SELECT".to_owned()))
        .collect();
    assert_eq!(grants, expected);

    // Through Coral's own handle: the role, both stores' lookups, default channels only.
    let mut read = platform.read(platform.control()).await.unwrap();
    let (user, super_, bypass): (String, bool, bool) =
        sqlx::query_as("SELECT current_user::text, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
            .fetch_one(read.conn())
            .await
            .unwrap();
    assert_eq!((user.as_str(), super_, bypass), ("coral_platform", false, false));
    let tokens: Vec<(String, String)> =
        sqlx::query_as("SELECT tenant_id, token FROM publishable_keys ORDER BY tenant_id")
            .fetch_all(read.conn())
            .await
            .unwrap();
    let mut want = vec![(a.id.clone(), a.key.clone()), (b.id.clone(), b.key.clone())];
    want.sort();
    assert_eq!(tokens, want);
    let logins: i64 = sqlx::query_scalar("SELECT count(DISTINCT tenant_id) FROM staff_logins")
        .fetch_one(read.conn())
        .await
        .unwrap();
    assert_eq!(logins, 2);
    let channels: Vec<bool> = sqlx::query_scalar("SELECT is_default FROM sales_channels")
        .fetch_all(read.conn())
        .await
        .unwrap();
    assert_eq!(channels, [true, true]);
    // Not the catalog, not the accounts' password hashes.
    for table in ["products", "staff_users", "api_keys", "customers"] {
        let err = sqlx::query(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(read.conn())
            .await
            .unwrap_err();
        assert!(err.to_string().contains("permission denied"), "{table}: {err}");
        drop(read);
        read = platform.read(platform.control()).await.unwrap();
    }
    // And no write, even to a table it reads.
    let err = sqlx::query("INSERT INTO staff_logins (tenant_id, email, staff_id) VALUES ($1, 'x@y.test', 'user_x')")
        .bind(&a.id)
        .execute(read.conn())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("read-only transaction"), "{err}");
    drop(read);
    let mut tx = conn.begin().await.unwrap();
    sqlx::query("SET LOCAL ROLE coral_platform")
        .execute(&mut *tx)
        .await
        .unwrap();
    let err = sqlx::query("INSERT INTO staff_logins (tenant_id, email, staff_id) VALUES ($1, 'x@y.test', 'user_x')")
        .bind(&a.id)
        .execute(&mut *tx)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("permission denied"), "{err}");
    tx.rollback().await.unwrap();

    // Coral's own role, without switching, sees no tenant rows at all (on a plain
    // owner; a superuser owner bypasses RLS, which is why Coral never relies on it).
    if harness::plain_owner() {
        let n: i64 = sqlx::query_scalar(
            "SELECT (SELECT count(*) FROM publishable_keys) + (SELECT count(*) FROM sales_channels)",
        )
        .fetch_one(platform.control())
        .await
        .unwrap();
        assert_eq!(n, 0, "the owner itself reads no lookup or tenant rows");
    }
}

#[tokio::test]
async fn the_lookups_follow_keys_and_staff_row_for_row() {
    let app = TestApp::spawn().await;
    let t = app.tenant("alpha").await;
    let admin = Admin::of(&app, &t).await;
    let made = admin
        .ok(
            Method::POST,
            "/admin/api-keys",
            json!({"title": "Second", "type": "publishable"}),
        )
        .await;
    let second = made["api_key"]["id"].as_str().unwrap().to_owned();
    let third = admin
        .ok(
            Method::POST,
            "/admin/api-keys",
            json!({"title": "Third", "type": "publishable"}),
        )
        .await;
    admin
        .ok(Method::POST, &format!("/admin/api-keys/{second}/revoke"), json!({}))
        .await;
    admin
        .ok(
            Method::POST,
            "/admin/users",
            json!({"email": "viewer@alpha.test", "password": ADMIN_PASSWORD, "role": "viewer"}),
        )
        .await;

    let mut conn = app.owner_conn().await;
    let keys: Vec<(String, String, String, Vec<String>, bool)> = sqlx::query_as(
        "SELECT k.tenant_id, k.id, k.token, \
           COALESCE(array_agg(s.sales_channel_id ORDER BY s.sales_channel_id) FILTER (WHERE s.sales_channel_id IS NOT NULL), '{}'), \
           k.revoked_at IS NOT NULL \
         FROM api_keys k LEFT JOIN api_key_sales_channels s ON s.tenant_id = k.tenant_id AND s.api_key_id = k.id \
         GROUP BY k.tenant_id, k.id ORDER BY k.token",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let lookups: Vec<(String, String, String, Vec<String>, bool)> = sqlx::query_as(
        "SELECT tenant_id, api_key_id, token, sales_channel_ids, revoked_at IS NOT NULL \
         FROM publishable_keys ORDER BY token",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert_eq!(keys.len(), 3);
    assert_eq!(keys.iter().filter(|k| k.4).count(), 1, "one key is revoked");
    assert_eq!(lookups, keys);
    let staff: Vec<(String, String, String)> =
        sqlx::query_as("SELECT email, tenant_id, id FROM staff_users ORDER BY email, tenant_id")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    let logins: Vec<(String, String, String)> =
        sqlx::query_as("SELECT email, tenant_id, staff_id FROM staff_logins ORDER BY email, tenant_id")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    assert_eq!(staff.len(), 2);
    assert_eq!(logins, staff);

    // The revoked key stops resolving, the new one resolves, and the new staff signs in.
    let second_token = &keys.iter().find(|k| k.1 == second).unwrap().2;
    let third_token = third["api_key"]["token"].as_str().unwrap();
    let status = |token: String| {
        let req = app.get("/store/regions").header("x-publishable-api-key", token);
        async move { harness::send(req).await.0 }
    };
    assert!(
        harness::eventually(std::time::Duration::from_secs(5), || async {
            status(second_token.clone()).await.is_client_error() && status(third_token.to_owned()).await.is_success()
        })
        .await
    );
    let (s, v) = harness::send(
        app.post("/auth/user/emailpass")
            .json(&json!({"email": "viewer@alpha.test", "password": ADMIN_PASSWORD})),
    )
    .await;
    assert_eq!(s, reqwest::StatusCode::OK, "{v}");
}
