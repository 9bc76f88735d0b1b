//! Coral's distributed layout on a Citus coordinator (issue 22 item 4; docs/citus.md):
//! every store's tables are distributed by the store's id and colocated, so one store's
//! statements (which all name `tenant_id = $1`) run on one shard; global tables are
//! reference tables, copied to every node.
//!
//! Which table is which is decided from the catalog, by one rule with two lists of
//! exceptions, so a table added by a later migration is placed without a code change:
//! a table with a `tenant_id` column is distributed by it, unless it is a global lookup
//! or platform table ([`GLOBAL_WITH_TENANT`]); [`DISTRIBUTED_BY`] names the tables keyed
//! by another store column; every other table (no store column) is a reference table.

use sqlx::{Connection, Executor, PgConnection, PgPool, Row};

/// Tables that carry a `tenant_id` but are read across stores before a store is known
/// (by token, domain, email) or belong to the platform: reference tables.
const GLOBAL_WITH_TENANT: &[&str] = &[
    "tenant_domains",
    "publishable_keys",
    "staff_logins",
    "platform_audit_log",
    "catalog_sources",
    "tenant_usage",
];

/// Store tables whose store column has another name: the master catalog's links belong
/// to the subscribing store (they reference its product copies, colocated).
const DISTRIBUTED_BY: &[(&str, &str)] = &[
    ("catalog_links", "subscriber_tenant_id"),
    ("catalog_link_items", "subscriber_tenant_id"),
];

/// Tables that stay on the coordinator only: sqlx's migration ledger.
const LOCAL: &[&str] = &["_sqlx_migrations"];

/// What [`distribute`] did.
#[derive(Debug, Default)]
pub struct Layout {
    /// Tables made reference tables by this run.
    pub reference: Vec<String>,
    /// Tables distributed by this run, with their distribution column.
    pub distributed: Vec<(String, String)>,
    /// Tables that already were in the layout (a second run changes nothing).
    pub already: usize,
    /// Foreign keys dropped and re-added around the distribution.
    pub foreign_keys: usize,
    /// Colocation groups of Coral's distributed tables afterwards (1: all colocated).
    pub colocation_groups: i64,
}

/// Whether the database has the Citus extension (a coordinator).
pub async fn is_citus(pool: &PgPool) -> anyhow::Result<bool> {
    Ok(
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')")
            .fetch_one(pool)
            .await?,
    )
}

/// Whether Coral's tables are already distributed here (so a migration that adds a
/// table must place it too: `db::migrate`).
pub async fn is_distributed(pool: &PgPool) -> anyhow::Result<bool> {
    if !is_citus(pool).await? {
        return Ok(false);
    }
    Ok(
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'tenants'::regclass)")
            .fetch_one(pool)
            .await?,
    )
}

/// How one table is placed.
#[derive(Debug, PartialEq)]
enum Placement {
    Reference,
    Distributed(String),
}

/// The rule of this module's header, for `table` with its columns.
fn placement_of(table: &str, columns: &[String]) -> Option<Placement> {
    if LOCAL.contains(&table) {
        return None;
    }
    if let Some((_, column)) = DISTRIBUTED_BY.iter().find(|(t, _)| *t == table) {
        return Some(Placement::Distributed((*column).to_owned()));
    }
    if columns.iter().any(|c| c == "tenant_id") && !GLOBAL_WITH_TENANT.contains(&table) {
        return Some(Placement::Distributed("tenant_id".to_owned()));
    }
    Some(Placement::Reference)
}

/// Turns a migrated database on a Citus coordinator into Coral's distributed layout, in
/// one transaction (all or nothing); tables already placed are left alone, so it is
/// idempotent and places the tables of later migrations. Citus accepts no order of
/// distribution while foreign keys join the tables (a key from a still-local table to
/// a distributed one is refused either way round), so the keys touching a table being
/// placed are dropped first and re-added after, under their own names and definitions.
/// Also sets, for the database, the two Citus settings Coral's statements need:
/// `citus.propagate_set_commands = 'local'` (the tenant scope is `SET LOCAL`, and RLS on
/// the workers must see it) and `citus.enable_unsafe_triggers = on` (the audit capture
/// trigger runs on the shards). `progress` is called with each step's description.
///
/// Errors: not a Citus coordinator; any refusal by Citus (the statement is named).
pub async fn distribute(pool: &PgPool, mut progress: impl FnMut(&str)) -> anyhow::Result<Layout> {
    if !is_citus(pool).await? {
        anyhow::bail!("this database has no citus extension: run `coral citus distribute` on a Citus coordinator");
    }
    let mut conn = pool.acquire().await?;
    // Database-level settings take effect for new sessions; set them for this one too.
    conn.execute(
        "DO $$ BEGIN \
           EXECUTE format('ALTER DATABASE %I SET citus.propagate_set_commands = %L', current_database(), 'local'); \
           EXECUTE format('ALTER DATABASE %I SET citus.enable_unsafe_triggers = %L', current_database(), 'on'); \
         END $$",
    )
    .await?;
    let mut tx = conn.begin().await?;
    tx.execute("SET LOCAL citus.enable_unsafe_triggers = on; SET LOCAL citus.multi_shard_modify_mode = 'sequential';")
        .await?;
    let tables = sqlx::query(
        "SELECT c.relname::text, array_agg(a.attname::text ORDER BY a.attnum), \
                (SELECT CASE WHEN p.partmethod = 'h' THEN 'distributed' WHEN p.repmodel = 't' THEN 'reference' END \
                   FROM pg_dist_partition p WHERE p.logicalrelid = c.oid) \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') GROUP BY c.oid, c.relname ORDER BY 1",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut layout = Layout::default();
    let mut pending = Vec::new();
    let mut anchor: Option<String> = None;
    for row in &tables {
        // `placed`: the table's current layout; a Citus local table (which Citus makes of a
        // new table with a key to a reference table) is neither, and is placed now.
        let (name, columns, placed): (String, Vec<String>, Option<String>) = (row.get(0), row.get(1), row.get(2));
        let Some(placement) = placement_of(&name, &columns) else {
            continue;
        };
        let want = match placement {
            Placement::Reference => "reference",
            Placement::Distributed(_) => "distributed",
        };
        if placed.as_deref() == Some(want) {
            layout.already += 1;
            if placement == Placement::Distributed("tenant_id".to_owned()) {
                anchor.get_or_insert(name);
            }
        } else {
            pending.push((name, placement));
        }
    }
    if pending.is_empty() {
        tx.commit().await?;
        layout.colocation_groups = colocation_groups(pool).await?;
        return Ok(layout);
    }
    let names: Vec<&str> = pending.iter().map(|(n, _)| n.as_str()).collect();
    let keys = sqlx::query(
        "SELECT con.conrelid::regclass::text, con.conname::text, pg_get_constraintdef(con.oid) \
         FROM pg_constraint con \
         WHERE con.contype = 'f' AND (con.conrelid::regclass::text = ANY($1) OR con.confrelid::regclass::text = ANY($1)) \
         ORDER BY 1, 2",
    )
    .bind(&names)
    .fetch_all(&mut *tx)
    .await?;
    let keys: Vec<(String, String, String)> = keys.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect();
    layout.foreign_keys = keys.len();
    progress(&format!("dropping {} foreign keys", keys.len()));
    for (table, name, _) in &keys {
        run(
            &mut tx,
            &format!("ALTER TABLE {} DROP CONSTRAINT {}", ident(table), ident(name)),
        )
        .await?;
    }
    for (name, placement) in &pending {
        match placement {
            Placement::Reference => {
                progress(&format!("reference table {name}"));
                sqlx::query("SELECT create_reference_table($1::regclass)")
                    .bind(name)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| anyhow::anyhow!("create_reference_table({name}): {e}"))?;
                layout.reference.push(name.clone());
            }
            Placement::Distributed(_) => {}
        }
    }
    for (name, placement) in &pending {
        let Placement::Distributed(column) = placement else {
            continue;
        };
        progress(&format!("distributed table {name} by {column}"));
        let colocate = anchor.clone().unwrap_or_else(|| "default".to_owned());
        sqlx::query("SELECT create_distributed_table($1::regclass, $2, colocate_with => $3)")
            .bind(name)
            .bind(column)
            .bind(&colocate)
            .execute(&mut *tx)
            .await
            .map_err(|e| anyhow::anyhow!("create_distributed_table({name}, {column}): {e}"))?;
        anchor.get_or_insert_with(|| name.clone());
        layout.distributed.push((name.clone(), column.clone()));
    }
    progress(&format!("re-adding {} foreign keys", keys.len()));
    for (table, name, definition) in &keys {
        run(
            &mut tx,
            &format!(
                "ALTER TABLE {} ADD CONSTRAINT {} {definition}",
                ident(table),
                ident(name)
            ),
        )
        .await?;
    }
    tx.commit().await?;
    layout.colocation_groups = colocation_groups(pool).await?;
    Ok(layout)
}

/// Lets `coral_app` and `coral_platform` (the roles Coral's transactions switch to) open
/// Citus's connections to the workers, which are made as the current role: LOGIN with
/// `password` (Citus propagates the role change) and a `pg_dist_authinfo` row for each,
/// on the coordinator and every worker. For clusters whose nodes authenticate by
/// password; with `trust` or certificates between nodes, configure those instead.
pub async fn allow_role_logins(pool: &PgPool, password: &str) -> anyhow::Result<()> {
    let mut conn = pool.acquire().await?;
    for role in ["coral_app", "coral_platform"] {
        // Statements built by the server (format %I/%L quote them); errors name the role,
        // never the statement, which holds the password.
        let alter: String = sqlx::query_scalar("SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', $1::text, $2::text)")
            .bind(role)
            .bind(password)
            .fetch_one(&mut *conn)
            .await?;
        conn.execute(alter.as_str())
            .await
            .map_err(|e| anyhow::anyhow!("ALTER ROLE {role} LOGIN: {e}"))?;
        let authinfo: String = sqlx::query_scalar(
            "SELECT format('INSERT INTO pg_dist_authinfo (nodeid, rolename, authinfo) VALUES (0, %L, %L) \
             ON CONFLICT (rolename, nodeid) DO UPDATE SET authinfo = EXCLUDED.authinfo', $1::text, 'password=' || $2)",
        )
        .bind(role)
        .bind(password)
        .fetch_one(&mut *conn)
        .await?;
        conn.execute(authinfo.as_str())
            .await
            .map_err(|e| anyhow::anyhow!("pg_dist_authinfo for {role}: {e}"))?;
        sqlx::query("SELECT run_command_on_workers($1)")
            .bind(&authinfo)
            .execute(&mut *conn)
            .await
            .map_err(|e| anyhow::anyhow!("pg_dist_authinfo for {role} on the workers: {e}"))?;
    }
    Ok(())
}

/// Colocation groups of the tables distributed by a store column.
async fn colocation_groups(pool: &PgPool) -> anyhow::Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT count(DISTINCT colocationid) FROM pg_dist_partition WHERE partmethod = 'h'")
            .fetch_one(pool)
            .await?,
    )
}

async fn run(conn: &mut PgConnection, sql: &str) -> anyhow::Result<()> {
    conn.execute(sql).await.map_err(|e| anyhow::anyhow!("{sql}: {e}"))?;
    Ok(())
}

/// A name from the catalog as an SQL identifier (regclass text is already quoted when
/// it must be; constraint names are plain).
fn ident(name: &str) -> String {
    if name.starts_with('"') {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

#[cfg(test)]
mod tests {
    use super::{placement_of, Placement};

    fn cols(c: &[&str]) -> Vec<String> {
        c.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn store_tables_are_distributed_and_global_ones_referenced() {
        let by_tenant = Some(Placement::Distributed("tenant_id".into()));
        assert_eq!(placement_of("products", &cols(&["tenant_id", "id"])), by_tenant);
        assert_eq!(
            placement_of("publishable_keys", &cols(&["token", "tenant_id"])),
            Some(Placement::Reference)
        );
        assert_eq!(
            placement_of("tenants", &cols(&["id", "handle"])),
            Some(Placement::Reference)
        );
        assert_eq!(
            placement_of("catalog_links", &cols(&["subscriber_tenant_id"])),
            Some(Placement::Distributed("subscriber_tenant_id".into()))
        );
        assert_eq!(placement_of("_sqlx_migrations", &cols(&["version"])), None);
    }
}
