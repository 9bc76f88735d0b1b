//! The master catalog's link tables under row level security (migration 0014): each store
//! reaches exactly its part of them as `coral_app` — a source its source, grants and the
//! links to its products; a grantee its grants, links and item maps; any other store
//! nothing — and the links that the cross-tenant foreign key used to drop are dropped by
//! the application (deleting a source product, revoking, unpublishing).

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::{PgConnection, Row};

use crate::catalog::shirt;
use crate::harness::{Admin, TestApp, TestTenant};

const TABLES: [&str; 4] = [
    "catalog_sources",
    "catalog_source_grants",
    "catalog_links",
    "catalog_link_items",
];

fn s(v: &Value) -> String {
    v.as_str().unwrap().to_owned()
}

/// A transaction of `t`'s, exactly as Coral opens one (as `coral_app`, in its scope).
async fn tenant_tx(app: &TestApp, t: &TestTenant) -> coral::db::TenantTx {
    let tenant = app.app.directory.by_id_or_handle(&t.id).unwrap();
    let db = app.app.directory.tenant_db(&tenant).await.unwrap();
    let mut tx = db.begin().await.unwrap();
    // This file's probes read and delete unpinned (RLS alone scopes them; Coral never
    // does), across every shard of the link tables and then the reference tables; on
    // Citus (`CORAL_TEST_CITUS`) that needs one connection per node. Inert elsewhere.
    sqlx::query("SET LOCAL citus.multi_shard_modify_mode TO 'sequential'")
        .execute(tx.conn())
        .await
        .unwrap();
    tx
}

/// Rows of each link table `conn` sees, in [`TABLES`] order.
async fn counts(conn: &mut PgConnection) -> Vec<i64> {
    let mut out = Vec::new();
    for t in TABLES {
        out.push(
            sqlx::query_scalar(&format!("SELECT count(*) FROM {t}"))
                .fetch_one(&mut *conn)
                .await
                .unwrap(),
        );
    }
    out
}

/// Runs `sql` (binding `binds` as text) inside a savepoint and returns its error.
async fn refused(conn: &mut PgConnection, sql: &str, binds: &[&str]) -> String {
    sqlx::query("SAVEPOINT probe").execute(&mut *conn).await.unwrap();
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(*b);
    }
    let err = q.execute(&mut *conn).await.expect_err(sql).to_string();
    sqlx::query("ROLLBACK TO SAVEPOINT probe")
        .execute(&mut *conn)
        .await
        .unwrap();
    err
}

/// Rows `DELETE FROM` each link table removes in `conn`'s scope, in [`TABLES`] order.
async fn deletable(conn: &mut PgConnection) -> Vec<u64> {
    let mut out = Vec::new();
    for t in TABLES {
        let done = sqlx::query(&format!("DELETE FROM {t}"))
            .execute(&mut *conn)
            .await
            .unwrap();
        out.push(done.rows_affected());
    }
    out
}

#[tokio::test]
async fn link_tables_isolation_a_store_reaches_only_its_part() {
    let app = TestApp::spawn().await;
    let (hq_t, fr_t, out_t) = (
        app.tenant("hq").await,
        app.tenant("franchise").await,
        app.tenant("outsider").await,
    );
    let (hq, fr) = (Admin::of(&app, &hq_t).await, Admin::of(&app, &fr_t).await);
    let source = s(&hq
        .ok(
            Method::POST,
            "/admin/catalog-sources",
            json!({"subscribers": ["franchise"]}),
        )
        .await["catalog_source"]["id"]);
    let (_, tee, copies) = subscribed_to(&hq, &fr, &source, "Tee").await;
    let copy = &copies[0];

    let mut owner = app.owner_conn().await;
    let all = counts(&mut owner).await;
    assert_eq!(&all[..3], &[1, 1, 1], "one source, grant and link");
    assert!(all[3] >= 7, "an item map (options, values, variants): {all:?}");

    // The outsider, neither source nor grantee: sees nothing, changes nothing.
    let mut tx = tenant_tx(&app, &out_t).await;
    let c = tx.conn();
    assert_eq!(counts(c).await, [0, 0, 0, 0]);
    assert_eq!(deletable(c).await, [0, 0, 0, 0]);
    for (t, column) in TABLES
        .iter()
        .zip(["created_at", "created_at", "created_at", "copy_item_id"])
    {
        let err = refused(c, &format!("UPDATE {t} SET {column} = {column}"), &[]).await;
        assert!(err.contains("permission denied"), "{t}: {err}");
    }
    for (sql, binds) in [
        (
            "INSERT INTO catalog_sources (id, tenant_id) VALUES ('csrc_x', $1)",
            vec![hq_t.id.as_str()],
        ),
        (
            "INSERT INTO catalog_source_grants (source_id, source_tenant_id, subscriber_tenant_id) VALUES ($1, $2, $3)",
            vec![source.as_str(), hq_t.id.as_str(), out_t.id.as_str()],
        ),
        (
            "INSERT INTO catalog_links (subscriber_tenant_id, copy_product_id, source_id, source_tenant_id, source_product_id) \
             VALUES ($1, 'prod_x', $2, $3, $4)",
            vec![fr_t.id.as_str(), source.as_str(), hq_t.id.as_str(), tee.as_str()],
        ),
        (
            "INSERT INTO catalog_link_items (subscriber_tenant_id, copy_product_id, source_item_id, copy_item_id) \
             VALUES ($1, $2, 'opt_a', 'opt_b')",
            vec![fr_t.id.as_str(), copy.as_str()],
        ),
    ] {
        let err = refused(c, sql, &binds).await;
        assert!(err.contains("row-level security"), "{sql}: {err}");
    }
    // Granting itself in its own name names a source it does not own: no such source.
    let err = refused(
        c,
        "INSERT INTO catalog_source_grants (source_id, source_tenant_id, subscriber_tenant_id) VALUES ($1, $2, $2)",
        &[&source, &out_t.id],
    )
    .await;
    assert!(err.contains("foreign key"), "{err}");
    // Nor can it link a product of its own to the source: it holds no grant.
    let own = s(&Admin::of(&app, &out_t)
        .await
        .ok(Method::POST, "/admin/products", shirt("Own"))
        .await["product"]["id"]);
    let mut tx = tenant_tx(&app, &out_t).await;
    let c = tx.conn();
    let err = refused(
        c,
        "INSERT INTO catalog_links (subscriber_tenant_id, copy_product_id, source_id, source_tenant_id, source_product_id) \
         VALUES ($1, $2, $3, $4, $5)",
        &[&out_t.id, &own, &source, &hq_t.id, &tee],
    )
    .await;
    assert!(err.contains("foreign key"), "{err}");
    drop(tx);

    // The grantee: its grant, links and item maps; not the source's row; cannot revoke
    // or widen its grant.
    let mut tx = tenant_tx(&app, &fr_t).await;
    let c = tx.conn();
    assert_eq!(counts(c).await, [0, 1, 1, all[3]]);
    let gone = sqlx::query("DELETE FROM catalog_source_grants")
        .execute(&mut *c)
        .await
        .unwrap();
    assert_eq!(gone.rows_affected(), 0, "a grantee cannot drop its grant");
    let err = refused(
        c,
        "INSERT INTO catalog_source_grants (source_id, source_tenant_id, subscriber_tenant_id) VALUES ($1, $2, $3)",
        &[&source, &hq_t.id, &out_t.id],
    )
    .await;
    assert!(err.contains("row-level security"), "{err}");
    drop(tx);

    // The source: its source, grants and the links to its products; not the item maps,
    // and it cannot delete a link (withdrawing runs in the subscriber's scope).
    let mut tx = tenant_tx(&app, &hq_t).await;
    let c = tx.conn();
    assert_eq!(counts(c).await, [1, 1, 1, 0]);
    let gone = sqlx::query("DELETE FROM catalog_links").execute(&mut *c).await.unwrap();
    assert_eq!(gone.rows_affected(), 0, "a source cannot unlink a copy");
    drop(tx);

    assert_eq!(counts(&mut owner).await, all, "nothing changed");
}

/// Has `fr` subscribe to a new published product of `hq` on `source`; returns
/// `(source, product, [copy])`.
async fn subscribed_to(hq: &Admin<'_>, fr: &Admin<'_>, source: &str, title: &str) -> (String, String, Vec<String>) {
    let product = s(&hq.ok(Method::POST, "/admin/products", shirt(title)).await["product"]["id"]);
    let subs = fr
        .ok(
            Method::POST,
            &format!("/admin/catalog-sources/{source}/subscriptions"),
            json!({"product_ids": [product]}),
        )
        .await;
    (
        source.to_owned(),
        product,
        vec![s(&subs["subscriptions"][0]["product_id"])],
    )
}

/// `(copy product id, source product id)` of every link, and the copies with an item map.
async fn stored_links(owner: &mut PgConnection) -> (Vec<(String, String)>, Vec<String>) {
    let links = sqlx::query(
        "SELECT copy_product_id, source_product_id FROM catalog_links ORDER BY source_product_id, copy_product_id",
    )
    .fetch_all(&mut *owner)
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect();
    let mapped = sqlx::query_scalar("SELECT DISTINCT copy_product_id FROM catalog_link_items ORDER BY 1")
        .fetch_all(&mut *owner)
        .await
        .unwrap();
    (links, mapped)
}

#[tokio::test]
async fn deleting_a_source_product_drops_its_subscribers_links() {
    let app = TestApp::spawn().await;
    let (hq_t, a_t, b_t) = (
        app.tenant("hq").await,
        app.tenant("franchise-a").await,
        app.tenant("franchise-b").await,
    );
    let (hq, a, b) = (
        Admin::of(&app, &hq_t).await,
        Admin::of(&app, &a_t).await,
        Admin::of(&app, &b_t).await,
    );
    let source = s(&hq
        .ok(
            Method::POST,
            "/admin/catalog-sources",
            json!({"subscribers": ["franchise-a", "franchise-b"]}),
        )
        .await["catalog_source"]["id"]);
    let (_, tee, tee_a) = subscribed_to(&hq, &a, &source, "Tee").await;
    let tee_b = s(&b
        .ok(
            Method::POST,
            &format!("/admin/catalog-sources/{source}/subscriptions"),
            json!({"product_ids": [tee]}),
        )
        .await["subscriptions"][0]["product_id"]);
    let (_, cap, cap_a) = subscribed_to(&hq, &a, &source, "Cap").await;
    let mut owner = app.owner_conn().await;
    let (links, _) = stored_links(&mut owner).await;
    assert_eq!(links.len(), 3, "{links:?}");

    // Deleting the source product drops both subscribers' links and item maps to it, and
    // leaves their copies as drafts of their own; the other product's link stays.
    let (st, v) = hq.call(Method::DELETE, &format!("/admin/products/{tee}"), None).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (links, mapped) = stored_links(&mut owner).await;
    assert_eq!(links, vec![(cap_a[0].clone(), cap.clone())]);
    assert_eq!(mapped, vec![cap_a[0].clone()]);
    for (admin, copy) in [(&a, &tee_a[0]), (&b, &tee_b)] {
        let p = admin
            .ok(Method::GET, &format!("/admin/products/{copy}"), json!(null))
            .await;
        assert_eq!(p["product"]["status"], "draft");
    }

    // Revoking a grant drops that subscriber's links; unpublishing drops the rest, and
    // the grants with the source.
    hq.ok(
        Method::DELETE,
        &format!("/admin/catalog-sources/{source}/grants/franchise-a"),
        json!(null),
    )
    .await;
    assert_eq!(stored_links(&mut owner).await, (vec![], vec![]));
    let grants: Vec<String> = sqlx::query_scalar("SELECT subscriber_tenant_id FROM catalog_source_grants")
        .fetch_all(&mut owner)
        .await
        .unwrap();
    assert_eq!(grants, vec![b_t.id.clone()]);
    // A store not (or no longer) granted, the source itself, or none: 404, nothing dropped.
    for store in ["franchise-a", "hq", "nobody"] {
        let (st, v) = hq
            .call(
                Method::DELETE,
                &format!("/admin/catalog-sources/{source}/grants/{store}"),
                None,
            )
            .await;
        assert_eq!(
            (st, v["type"].as_str()),
            (StatusCode::NOT_FOUND, Some("not_found")),
            "{store}: {v}"
        );
    }
    let (_, cap2, _) = subscribed_to(&hq, &b, &source, "Cap2").await;
    assert_eq!(stored_links(&mut owner).await.0.len(), 1, "{cap2}");
    let (st, v) = hq
        .call(Method::DELETE, &format!("/admin/catalog-sources/{source}"), None)
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(counts(&mut owner).await, [0, 0, 0, 0]);
}

/// `(table, policy, command, roles, USING, WITH CHECK)` as `pg_policies` shows them.
type Policy = (String, String, String, Vec<String>, Option<String>, Option<String>);

#[tokio::test]
async fn link_tables_have_exactly_their_policies_and_privileges() {
    let app = TestApp::spawn().await;
    let mut owner = app.owner_conn().await;
    for t in TABLES {
        let forced: (bool, bool) =
            sqlx::query_as("SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = $1::regclass")
                .bind(t)
                .fetch_one(&mut owner)
                .await
                .unwrap();
        assert_eq!(forced, (true, true), "{t}: row level security enabled and forced");
    }
    let policies: Vec<Policy> = sqlx::query_as(
        "SELECT tablename::text, policyname::text, cmd, roles::text[], qual, with_check FROM pg_policies \
         WHERE schemaname = 'public' AND tablename::text = ANY ($1) ORDER BY 1, 2",
    )
    .bind(&TABLES[..])
    .fetch_all(&mut owner)
    .await
    .unwrap();
    let scoped = |col: &str| Some(format!("({col} = current_setting('coral.tenant_id'::text, true))"));
    let app_role = vec!["coral_app".to_owned()];
    let all = |t: &str, p: &str, col: &str| {
        (
            t.into(),
            p.into(),
            "ALL".into(),
            app_role.clone(),
            scoped(col),
            scoped(col),
        )
    };
    let read = |t: &str, p: &str, col: &str| (t.into(), p.into(), "SELECT".into(), app_role.clone(), scoped(col), None);
    assert_eq!(
        policies,
        vec![
            all("catalog_link_items", "link_item_subscriber", "subscriber_tenant_id"),
            read("catalog_links", "link_source_read", "source_tenant_id"),
            all("catalog_links", "link_subscriber", "subscriber_tenant_id"),
            all("catalog_source_grants", "grant_source", "source_tenant_id"),
            read("catalog_source_grants", "grant_subscriber_read", "subscriber_tenant_id"),
            all("catalog_sources", "source_owner", "tenant_id"),
        ]
    );
    let privileges: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_name::text, privilege_type::text FROM information_schema.role_table_grants \
         WHERE grantee = 'coral_app' AND table_name::text = ANY ($1) ORDER BY 1, 2",
    )
    .bind(&TABLES[..])
    .fetch_all(&mut owner)
    .await
    .unwrap();
    let expected: Vec<(String, String)> = {
        let mut v: Vec<(String, String)> = TABLES
            .iter()
            .flat_map(|t| ["DELETE", "INSERT", "SELECT"].map(|p| (t.to_string(), p.to_owned())))
            .collect();
        v.sort();
        v
    };
    assert_eq!(privileges, expected, "no UPDATE: Coral never updates these rows");
    // No key from a link to the source's product (another tenant's row), nor from the
    // tables Citus keeps as reference tables to `tenants` (migration 0014).
    let keys: Vec<(String, String)> = sqlx::query_as(
        "SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint \
         WHERE contype = 'f' AND conrelid::regclass::text = ANY ($1) ORDER BY 1, 2",
    )
    .bind(&TABLES[..])
    .fetch_all(&mut owner)
    .await
    .unwrap();
    let key = |t: &str, d: &str| (t.to_owned(), d.to_owned());
    assert_eq!(
        keys,
        [
            key(
                "catalog_link_items",
                "FOREIGN KEY (subscriber_tenant_id, copy_product_id) REFERENCES catalog_links(subscriber_tenant_id, copy_product_id) ON DELETE CASCADE"
            ),
            key(
                "catalog_links",
                "FOREIGN KEY (source_id, subscriber_tenant_id, source_tenant_id) REFERENCES catalog_source_grants(source_id, subscriber_tenant_id, source_tenant_id)"
            ),
            key(
                "catalog_links",
                "FOREIGN KEY (subscriber_tenant_id, copy_product_id) REFERENCES products(tenant_id, id) ON DELETE CASCADE"
            ),
            key(
                "catalog_source_grants",
                "FOREIGN KEY (source_id, source_tenant_id) REFERENCES catalog_sources(id, tenant_id) ON DELETE CASCADE"
            ),
        ]
    );
}
