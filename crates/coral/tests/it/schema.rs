//! The isolation core at the database level: every tenant table is keyed, linked and
//! guarded by tenant, and raw SQL under one tenant's setting cannot touch another's rows.

use std::path::Path;

use sqlx::{Connection, PgConnection, Row};

use crate::harness::{cluster, TestApp};

/// Global tables (control plane, reference data, and the master catalog's link tables,
/// which join two tenants and are under their own policies, checked in
/// `catalog_sources_policies.rs`); every other table is a tenant table.
const GLOBAL_TABLES: &[&str] = &[
    "_sqlx_migrations",
    "placements",
    "tenants",
    "tenant_domains",
    "countries",
    "currencies",
    "catalog_sources",
    "catalog_source_grants",
    "catalog_links",
    "catalog_link_items",
    "plans",
    "tenant_usage",
    "platform_audit_log",
];

/// Tenant tables keyed by a globally unique value instead (migration 0011): the global
/// lookups made before a store is known, written by the store under its tenant policy.
pub const LOOKUP_TABLES: &[&str] = &["publishable_keys", "staff_logins"];

/// Every rule a tenant table breaks, as `table: problem` lines.
async fn schema_problems(conn: &mut PgConnection) -> (Vec<String>, Vec<String>) {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let tenant_tables: Vec<String> = tables
        .into_iter()
        .filter(|t| !GLOBAL_TABLES.contains(&t.as_str()))
        .collect();
    let mut problems = Vec::new();
    for t in &tenant_tables {
        let pk_first: Option<String> = sqlx::query_scalar(
            "SELECT a.attname::text FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] \
             WHERE i.indrelid = $1::regclass AND i.indisprimary",
        )
        .bind(t)
        .fetch_optional(&mut *conn)
        .await
        .unwrap();
        if pk_first.as_deref() != Some("tenant_id") && !LOOKUP_TABLES.contains(&t.as_str()) {
            problems.push(format!("{t}: primary key does not lead with tenant_id ({pk_first:?})"));
        }
        // Citus: a distributed table's unique keys must include its distribution column.
        let unique_without_tenant: Vec<String> = sqlx::query_scalar(
            "SELECT c.relname::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
             WHERE i.indrelid = $1::regclass AND i.indisunique AND NOT EXISTS ( \
               SELECT 1 FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attname = 'tenant_id' \
                 AND a.attnum = ANY (i.indkey))",
        )
        .bind(t)
        .fetch_all(&mut *conn)
        .await
        .unwrap();
        if !LOOKUP_TABLES.contains(&t.as_str()) {
            for index in unique_without_tenant {
                problems.push(format!("{t}: unique index {index} does not include tenant_id"));
            }
        }
        let rls = sqlx::query("SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = $1::regclass")
            .bind(t)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        if !rls.get::<bool, _>(0) || !rls.get::<bool, _>(1) {
            problems.push(format!("{t}: row level security not enabled and forced"));
        }
        let policies: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_policy WHERE polrelid = $1::regclass \
             AND pg_get_expr(polqual, polrelid) LIKE '%coral.tenant_id%' \
             AND pg_get_expr(polwithcheck, polrelid) LIKE '%coral.tenant_id%'",
        )
        .bind(t)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        if policies == 0 {
            problems.push(format!("{t}: no policy on coral.tenant_id"));
        }
        // Foreign keys to other tenant tables must pair tenant_id with tenant_id.
        let fks = sqlx::query(
            "SELECT con.conname::text, ref.relname::text, \
               (SELECT array_agg(a.attname::text ORDER BY k.i) FROM unnest(con.conkey) WITH ORDINALITY k(n, i) \
                  JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n), \
               (SELECT array_agg(a.attname::text ORDER BY k.i) FROM unnest(con.confkey) WITH ORDINALITY k(n, i) \
                  JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n), \
               con.confdeltype IN ('n', 'd') \
             FROM pg_constraint con JOIN pg_class ref ON ref.oid = con.confrelid \
             WHERE con.contype = 'f' AND con.conrelid = $1::regclass",
        )
        .bind(t)
        .fetch_all(&mut *conn)
        .await
        .unwrap();
        for fk in fks {
            let (name, target): (String, String) = (fk.get(0), fk.get(1));
            let (cols, ref_cols): (Vec<String>, Vec<String>) = (fk.get(2), fk.get(3));
            // Citus refuses ON DELETE SET NULL / SET DEFAULT on a key that includes the
            // distribution column, even as `SET NULL (col)` (issue 22, docs/citus-findings.md).
            if fk.get::<bool, _>(4) {
                problems.push(format!("{t}: foreign key {name} sets null or default on delete"));
            }
            if !tenant_tables.contains(&target) {
                continue;
            }
            let paired = cols
                .iter()
                .zip(&ref_cols)
                .any(|(c, r)| c == "tenant_id" && r == "tenant_id");
            if !paired {
                problems.push(format!(
                    "{t}: foreign key {name} to {target} does not include tenant_id"
                ));
            }
        }
    }
    problems.extend(unreferenced_columns(conn, &tenant_tables).await);
    (tenant_tables, problems)
}

/// Reference columns (`*_id` of a tenant table, `tenant_id` aside) that may lack a
/// composite foreign key, each with the reason. Everything else must have one.
const NOT_REFERENCES: &[(&str, &str, &str)] = &[
    (
        "audit_log",
        "actor_id",
        "names a staff user, the platform or the CLI; history outlives users",
    ),
    (
        "audit_log",
        "resource_id",
        "names a row of any kind (or one deleted since); history",
    ),
    ("audit_log", "request_id", "a request's id, not a row"),
    (
        "audit_changes",
        "audit_id",
        "the id its audit_log row gets at commit, written after it (and then deleted)",
    ),
    (
        "outbox",
        "resource_id",
        "names a row of any kind; an event outlives its row",
    ),
    ("orders", "display_id", "a per-tenant number, not a reference"),
    (
        "publishable_keys",
        "api_key_id",
        "a global lookup, written with its api_keys row; not colocated under Citus",
    ),
    (
        "staff_logins",
        "staff_id",
        "a global lookup, written with its staff_users row; not colocated under Citus",
    ),
    (
        "products",
        "external_id",
        "an id in the merchant's own system, not a Coral row",
    ),
    (
        "product_collections",
        "external_id",
        "an id in the merchant's own system, not a Coral row",
    ),
    (
        "product_categories",
        "external_id",
        "an id in the merchant's own system, not a Coral row",
    ),
    (
        "shipping_options",
        "provider_id",
        "a fulfilment provider built into Coral (code, not a row)",
    ),
    (
        "region_payment_providers",
        "provider_id",
        "a payment provider built into Coral (code, not a row)",
    ),
    (
        "payment_sessions",
        "provider_id",
        "a payment provider built into Coral (code, not a row)",
    ),
    (
        "payments",
        "provider_id",
        "a payment provider built into Coral (code, not a row)",
    ),
    (
        "cart_line_items",
        "variant_id",
        "a copy of what is sold: kept when the product is deleted (checked on add)",
    ),
    (
        "cart_line_items",
        "product_id",
        "a copy of what is sold: kept when the product is deleted (checked on add)",
    ),
    (
        "order_items",
        "variant_id",
        "a copy of what was sold: the order outlives the product",
    ),
    (
        "order_items",
        "product_id",
        "a copy of what was sold: the order outlives the product",
    ),
];

/// Every `*_id` column of a tenant table that no composite foreign key covers (one with
/// `tenant_id` → `tenant_id` and the column, to a tenant table), unless listed in
/// [`NOT_REFERENCES`]; and every listed column that no longer needs its entry. Found
/// from the catalog, so tables added later are covered without touching this test.
async fn unreferenced_columns(conn: &mut PgConnection, tenant_tables: &[String]) -> Vec<String> {
    let rows = sqlx::query(
        "SELECT c.relname::text, a.attname::text, \
           EXISTS (SELECT 1 FROM pg_constraint con JOIN pg_class ref ON ref.oid = con.confrelid \
                   WHERE con.contype = 'f' AND con.conrelid = c.oid \
                     AND a.attnum = ANY (con.conkey) AND ref.relname::text = ANY ($1) \
                     AND EXISTS (SELECT 1 FROM unnest(con.conkey, con.confkey) k(mine, theirs) \
                                 JOIN pg_attribute m ON m.attrelid = con.conrelid AND m.attnum = k.mine \
                                 JOIN pg_attribute t ON t.attrelid = con.confrelid AND t.attnum = k.theirs \
                                 WHERE m.attname = 'tenant_id' AND t.attname = 'tenant_id')) \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname::text = ANY ($1) \
           AND a.attname LIKE '%\\_id' AND a.attname <> 'tenant_id' \
         ORDER BY 1, 2",
    )
    .bind(tenant_tables)
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let mut problems = Vec::new();
    let mut columns = Vec::new();
    for r in rows {
        let (table, column, covered): (String, String, bool) = (r.get(0), r.get(1), r.get(2));
        let listed = NOT_REFERENCES.iter().any(|(t, c, _)| *t == table && *c == column);
        match (covered, listed) {
            (false, false) => problems.push(format!(
                "{table}: column {column} references nothing; add a composite foreign key \
                 (tenant_id, {column}) or list it in NOT_REFERENCES with a reason"
            )),
            (true, true) => problems.push(format!(
                "{table}: column {column} has a foreign key now; drop its NOT_REFERENCES entry"
            )),
            _ => {}
        }
        columns.push((table, column));
    }
    // The discovery itself must see the schema's references (a query gone blind passes).
    assert!(columns.len() > 30, "only {} reference columns found", columns.len());
    eprintln!("{} reference columns in tenant tables", columns.len());
    for (t, c, _) in NOT_REFERENCES {
        if !columns.iter().any(|(tt, cc)| tt == t && cc == c) {
            problems.push(format!("{t}: column {c} is gone; drop its NOT_REFERENCES entry"));
        }
    }
    problems
}

#[tokio::test]
async fn every_tenant_table_has_tenant_keys_and_forced_rls() {
    // Also: every reference column of every tenant table has a composite foreign key.
    let app = TestApp::spawn().await;
    let mut conn = app.owner_conn().await;
    let (tables, problems) = schema_problems(&mut conn).await;
    for expected in [
        "sales_channels",
        "api_keys",
        "api_key_sales_channels",
        "staff_users",
        "regions",
        "region_countries",
        "region_payment_providers",
        "inventory_levels",
    ] {
        assert!(
            tables.iter().any(|t| t == expected),
            "{expected} should be checked as a tenant table"
        );
    }
    assert!(problems.is_empty(), "schema problems:\n{}", problems.join("\n"));
}

#[tokio::test]
async fn the_schema_check_catches_a_table_that_breaks_the_rules() {
    // Proves the check above can fail: a table without tenant keys, RLS or scoped FK.
    let app = TestApp::spawn().await;
    let mut conn = app.owner_conn().await;
    sqlx::query(
        "CREATE TABLE careless (id text PRIMARY KEY, tenant_id text, region_tenant text, region_id text, \
                 location_id text, \
                 FOREIGN KEY (region_tenant, region_id) REFERENCES regions (tenant_id, id) ON DELETE SET NULL)",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    let (_, problems) = schema_problems(&mut conn).await;
    let about: Vec<&String> = problems.iter().filter(|p| p.starts_with("careless:")).collect();
    assert!(about.iter().any(|p| p.contains("primary key")), "{problems:?}");
    assert!(about.iter().any(|p| p.contains("row level security")), "{problems:?}");
    assert!(about.iter().any(|p| p.contains("no policy")), "{problems:?}");
    assert!(
        about.iter().any(|p| p.contains("does not include tenant_id")),
        "{problems:?}"
    );
    assert!(about.iter().any(|p| p.contains("sets null or default")), "{problems:?}");
    assert!(
        about
            .iter()
            .any(|p| p.contains("unique index careless_pkey does not include tenant_id")),
        "{problems:?}"
    );
    // A reference column without a composite key, whether it has a careless key or none.
    for column in ["region_id", "location_id"] {
        let unchecked = format!("column {column} references nothing");
        assert!(about.iter().any(|p| p.contains(&unchecked)), "{problems:?}");
    }
}

#[tokio::test]
async fn tenant_transactions_run_as_a_role_that_cannot_bypass_rls() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let tenant = app.app.directory.by_id_or_handle(&t.id).unwrap();
    let db = app.app.directory.tenant_db(&tenant).await.unwrap();
    let mut tx = db.begin().await.unwrap();
    let row = sqlx::query(
        "SELECT current_user::text, r.rolsuper, r.rolbypassrls, current_setting('coral.tenant_id') \
         FROM pg_roles r WHERE r.rolname = current_user",
    )
    .fetch_one(tx.conn())
    .await
    .unwrap();
    assert_eq!(row.get::<String, _>(0), "coral_app");
    assert!(!row.get::<bool, _>(1), "must not be superuser");
    assert!(!row.get::<bool, _>(2), "must not bypass RLS");
    assert_eq!(row.get::<String, _>(3), t.id);
    // The control plane is out of reach of the app role altogether.
    let err = sqlx::query("SELECT count(*) FROM tenants")
        .fetch_one(tx.conn())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("permission denied"), "{err}");
}

#[tokio::test]
async fn raw_sql_under_tenant_a_cannot_read_or_write_tenant_b() {
    let app = TestApp::spawn().await;
    let a = app.tenant("alpha").await;
    let b = app.tenant("beta").await;
    let b_region = app.add_region(&b, "Beta Americas", "usd", &["us"]).await;

    let mut conn = app.owner_conn().await;
    let mut tx = conn.begin().await.unwrap();
    crate::harness::scope_to_tenant(&mut tx, &a.id).await;

    let visible: Vec<String> = sqlx::query_scalar("SELECT DISTINCT tenant_id FROM regions")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    assert_eq!(visible, vec![a.id.clone()], "only tenant A's regions are visible");
    let b_rows: i64 = sqlx::query_scalar("SELECT count(*) FROM regions WHERE tenant_id = $1")
        .bind(&b.id)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(b_rows, 0);
    let keys: i64 = sqlx::query_scalar("SELECT count(*) FROM api_keys WHERE token = $1")
        .bind(&b.key)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(keys, 0, "B's key is invisible under A");

    let updated = sqlx::query("UPDATE regions SET name = 'pwned' WHERE tenant_id = $1")
        .bind(&b.id)
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(updated.rows_affected(), 0);
    let deleted = sqlx::query("DELETE FROM staff_users WHERE tenant_id = $1")
        .bind(&b.id)
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(deleted.rows_affected(), 0);

    sqlx::query("SAVEPOINT s").execute(&mut *tx).await.unwrap();
    let err = sqlx::query("INSERT INTO regions (tenant_id, id, name, currency_code) VALUES ($1, 'reg_x', 'x', 'eur')")
        .bind(&b.id)
        .execute(&mut *tx)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("row-level security"), "{err}");
    sqlx::query("ROLLBACK TO SAVEPOINT s").execute(&mut *tx).await.unwrap();

    // A row of A cannot point at a row of B: the composite foreign key has no such target.
    let err = sqlx::query("INSERT INTO region_countries (tenant_id, country_code, region_id) VALUES ($1, 'it', $2)")
        .bind(&a.id)
        .bind(&b_region)
        .execute(&mut *tx)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("foreign key"), "{err}");
    tx.rollback().await.unwrap();

    // Without a tenant setting, the app role sees nothing at all.
    let mut tx = conn.begin().await.unwrap();
    sqlx::query("SET LOCAL ROLE coral_app").execute(&mut *tx).await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM regions")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(n, 0);
    tx.rollback().await.unwrap();

    // And B's data is untouched.
    let name: String = sqlx::query_scalar("SELECT name FROM regions WHERE id = $1")
        .bind(&b_region)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(name, "Beta Americas");
}

/// Migration 0013 on a database whose orders were numbered by 0003's per-tenant
/// sequences: each store's counter continues after its highest display id, and the
/// function and every sequence it made are gone.
#[tokio::test]
async fn migration_0013_moves_display_ids_from_sequences_to_counter_rows() {
    let c = cluster();
    let db = format!("m_{}", ulid::Ulid::new().to_string().to_lowercase());
    c.create_database(&db, None).await;
    // The schema as it was before 0013: the same files, up to 0012.
    let before = tempfile::tempdir().unwrap();
    let all = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    for entry in std::fs::read_dir(&all).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.as_str() < "0013" {
            std::fs::copy(all.join(&name), before.path().join(&name)).unwrap();
        }
    }
    let mut owner = PgConnection::connect_with(&c.coral_options(&db)).await.unwrap();
    let migrator = sqlx::migrate::Migrator::new(before.path()).await.unwrap();
    assert_eq!(migrator.iter().count(), 12);
    migrator.run(&mut owner).await.unwrap();

    // Orders of two stores as 0003 numbered them (as the superuser, foreign keys off:
    // only the numbers matter here), and each store's sequence, made by the function.
    let mut root = PgConnection::connect_with(&c.superuser_options(&db)).await.unwrap();
    sqlx::query("SET session_replication_role = replica")
        .execute(&mut root)
        .await
        .unwrap();
    for (tenant, numbers) in [("ten_A", &[1, 2, 5][..]), ("ten_B", &[1][..])] {
        sqlx::query(
            "INSERT INTO tenants (id, handle, name, default_currency_code, default_locale) \
             VALUES ($1, lower($1), $1, 'eur', 'en')",
        )
        .bind(tenant)
        .execute(&mut root)
        .await
        .unwrap();
        for n in numbers {
            sqlx::query(
                "INSERT INTO orders (tenant_id, id, display_id, cart_id, region_id, sales_channel_id, \
                 currency_code, payment_collection_id) VALUES ($1, $2, $3, $2, 'reg', 'sc', 'eur', 'pay')",
            )
            .bind(tenant)
            .bind(format!("order_{n}"))
            .bind(n)
            .execute(&mut root)
            .await
            .unwrap();
        }
        let mut tx = root.begin().await.unwrap();
        let taken: i32 = sqlx::query_scalar(
            "SELECT coral_next_display_id() FROM (SELECT set_config('coral.tenant_id', $1, true)) s",
        )
        .bind(tenant)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        assert_eq!(taken, 1);
        tx.commit().await.unwrap();
    }
    let sequences = "SELECT count(*) FROM pg_class WHERE relkind = 'S' AND relname LIKE 'order\\_display\\_%'";
    let made: i64 = sqlx::query_scalar(sequences).fetch_one(&mut root).await.unwrap();
    assert_eq!(made, 2, "the setup made one sequence per store");

    coral::db::migrate::MIGRATOR.run(&mut owner).await.unwrap();
    let counters: Vec<(String, i64)> = sqlx::query_as(
        "SELECT tenant_id, value FROM tenant_counters WHERE name = 'order_display_id' ORDER BY tenant_id",
    )
    .fetch_all(&mut root)
    .await
    .unwrap();
    assert_eq!(counters, vec![("ten_A".to_owned(), 5), ("ten_B".to_owned(), 1)]);
    let left: i64 = sqlx::query_scalar(sequences).fetch_one(&mut root).await.unwrap();
    assert_eq!(left, 0, "every order_display_ sequence is dropped");
    let function: Option<String> = sqlx::query_scalar("SELECT to_regproc('coral_next_display_id')::text")
        .fetch_one(&mut root)
        .await
        .unwrap();
    assert_eq!(function, None);
    let forced: bool = sqlx::query_scalar("SELECT relforcerowsecurity FROM pg_class WHERE oid = 'orders'::regclass")
        .fetch_one(&mut root)
        .await
        .unwrap();
    assert!(forced, "FORCE row level security is back on orders");
}

/// Tables whose name ends in `_<digits>`, like a Citus shard's.
async fn shard_like_tables(conn: &mut PgConnection) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname ~ '_\\d+$' ORDER BY 1",
    )
    .fetch_all(conn)
    .await
    .unwrap()
}

#[tokio::test]
async fn no_table_name_ends_in_digits() {
    // The capture trigger strips a Citus shard suffix (`products_102008` → `products`,
    // `_\d+$`) to name the logical table in audit records (migration 0015); a table whose
    // own name ended in `_<digits>` would be recorded under a wrong name.
    let app = TestApp::spawn().await;
    let mut conn = app.owner_conn().await;
    let bad = shard_like_tables(&mut conn).await;
    assert!(bad.is_empty(), "table names ending in _<digits>: {bad:?}");
    // The check can fail.
    sqlx::query("CREATE TABLE careless_2 (id text)")
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(shard_like_tables(&mut conn).await, ["careless_2"]);
}
