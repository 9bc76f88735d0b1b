//! Control-plane repository: the `tenants` and `tenant_domains` tables (platform access).

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::types::Json;
use sqlx::{PgConnection, PgPool};

use crate::core::Result;
use crate::db::TenantTx;

/// The channel on which tenant changes are announced; the payload is the tenant id.
pub const DIRECTORY_CHANNEL: &str = "coral_directory";
/// Announces catalog writes of a tenant (payload: tenant id) so snapshots are dropped.
pub const CATALOG_CHANNEL: &str = "coral_catalog";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TenantRow {
    pub id: String,
    pub handle: String,
    pub name: String,
    pub status: String,
    pub placement_id: String,
    pub default_currency_code: String,
    pub default_locale: String,
    pub default_country_code: Option<String>,
    pub allow_tenant_header: bool,
    pub settings: Json<Value>,
    pub metadata: Option<Json<Value>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deactivated_at: Option<DateTime<Utc>>,
    pub plan_id: String,
    /// `core::plans::Overrides` as stored.
    pub overrides: Json<Value>,
    pub detailed_metrics: bool,
    /// Custom domains, aggregated from `tenant_domains`.
    pub domains: Vec<String>,
}

const SELECT: &str = "SELECT t.*, COALESCE((SELECT array_agg(d.domain ORDER BY d.domain) \
     FROM tenant_domains d WHERE d.tenant_id = t.id AND d.verified), '{}') AS domains FROM tenants t";

pub async fn insert(conn: &mut PgConnection, t: &TenantRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO tenants (id, handle, name, status, placement_id, default_currency_code, default_locale, \
         default_country_code, allow_tenant_header, settings, metadata, plan_id, overrides, detailed_metrics) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(&t.id)
    .bind(&t.handle)
    .bind(&t.name)
    .bind(&t.status)
    .bind(&t.placement_id)
    .bind(&t.default_currency_code)
    .bind(&t.default_locale)
    .bind(&t.default_country_code)
    .bind(t.allow_tenant_header)
    .bind(&t.settings)
    .bind(&t.metadata)
    .bind(&t.plan_id)
    .bind(&t.overrides)
    .bind(t.detailed_metrics)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// In a dedicated placement, the tenant's own rows reference a copy of its tenant row
/// (their foreign-key anchor). The control-plane row stays the authoritative one.
pub async fn insert_anchor(conn: &mut PgConnection, t: &TenantRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO tenants (id, handle, name, placement_id, default_currency_code, default_locale) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
    )
    .bind(&t.id)
    .bind(&t.handle)
    .bind(&t.name)
    .bind(&t.placement_id)
    .bind(&t.default_currency_code)
    .bind(&t.default_locale)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn replace_domains(conn: &mut PgConnection, tenant_id: &str, domains: &[String]) -> Result<()> {
    sqlx::query("DELETE FROM tenant_domains WHERE tenant_id = $1")
        .bind(tenant_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO tenant_domains (domain, tenant_id) SELECT unnest($1::text[]), $2")
        .bind(domains)
        .bind(tenant_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// By id (`ten_…`) or handle.
pub async fn find(conn: &mut PgConnection, id_or_handle: &str) -> Result<Option<TenantRow>> {
    let row = sqlx::query_as(&format!("{SELECT} WHERE t.id = $1 OR t.handle = $1"))
        .bind(id_or_handle)
        .fetch_optional(conn)
        .await?;
    Ok(row)
}

/// Like [`find`], locking the tenant row until the transaction ends (no lost updates).
pub async fn find_for_update(conn: &mut PgConnection, id_or_handle: &str) -> Result<Option<TenantRow>> {
    let row = sqlx::query_as(&format!("{SELECT} WHERE t.id = $1 OR t.handle = $1 FOR UPDATE OF t"))
        .bind(id_or_handle)
        .fetch_optional(conn)
        .await?;
    Ok(row)
}

pub async fn list(pool: &PgPool, status: Option<&str>, limit: i64, offset: i64) -> Result<(Vec<TenantRow>, i64)> {
    let rows = sqlx::query_as(&format!(
        "{SELECT} WHERE ($1::text IS NULL OR t.status = $1) ORDER BY t.created_at, t.id LIMIT $2 OFFSET $3"
    ))
    .bind(status)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?;
    let count = sqlx::query_scalar("SELECT count(*) FROM tenants WHERE ($1::text IS NULL OR status = $1)")
        .bind(status)
        .fetch_one(pool)
        .await?;
    Ok((rows, count))
}

/// Every tenant, for loading the directory; not those still being provisioned.
pub async fn all(pool: &PgPool) -> Result<Vec<TenantRow>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE t.status <> '{PROVISIONING}'"))
        .fetch_all(pool)
        .await?)
}

/// The status of a tenant whose control rows are committed but whose own first rows are
/// not yet (provisioning runs as two roles, so in two transactions: `app::platform`).
/// Such a tenant is never served; one left behind by a crash is removed at start-up.
pub const PROVISIONING: &str = "provisioning";

/// Ends provisioning: the tenant becomes `active`. False if it was not provisioning.
pub async fn activate(conn: &mut PgConnection, id: &str) -> Result<bool> {
    let done = sqlx::query("UPDATE tenants SET status = 'active', updated_at = now() WHERE id = $1 AND status = $2")
        .bind(id)
        .bind(PROVISIONING)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Tenants left in `provisioning` for longer than `older_than` (a crash between
/// provisioning's transactions), as `(id, placement id)`.
pub async fn unfinished(pool: &PgPool, older_than: std::time::Duration) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT id, placement_id FROM tenants WHERE status = $1 \
         AND created_at < now() - make_interval(secs => $2) ORDER BY created_at",
    )
    .bind(PROVISIONING)
    .bind(older_than.as_secs_f64())
    .fetch_all(pool)
    .await?)
}

/// Removes a tenant that never finished provisioning: its domains and its row (or, in a
/// dedicated placement, its anchor row). Its own first rows must be gone already
/// ([`remove_first_rows`]). Refuses (does nothing) for a tenant in any other status.
pub async fn remove_unfinished(conn: &mut PgConnection, id: &str) -> Result<()> {
    sqlx::query("DELETE FROM tenant_domains d USING tenants t WHERE d.tenant_id = $1 AND t.id = $1 AND t.status = $2")
        .bind(id)
        .bind(PROVISIONING)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM tenants WHERE id = $1 AND status = $2")
        .bind(id)
        .bind(PROVISIONING)
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes a dedicated placement's anchor row of a tenant that never finished provisioning.
pub async fn remove_anchor(conn: &mut PgConnection, id: &str) -> Result<()> {
    sqlx::query("DELETE FROM tenants WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The tables provisioning writes in the tenant's own scope, in an order that deletes
/// cleanly (referencing tables first). `tests/it/tenants.rs` checks that a freshly
/// provisioned tenant has rows in no other tenant table.
pub const FIRST_ROW_TABLES: &[&str] = &[
    "staff_logins",
    "staff_users",
    "publishable_keys",
    "api_key_sales_channels",
    "api_keys",
    "sales_channels",
];

/// Deletes what provisioning wrote in the tenant's scope ([`FIRST_ROW_TABLES`]), for a
/// tenant that never finished provisioning.
pub async fn remove_first_rows(tx: &mut TenantTx) -> Result<()> {
    for table in FIRST_ROW_TABLES {
        let sql = format!("DELETE FROM {table} WHERE tenant_id = $1");
        tx.query(&sql).execute(tx.conn()).await?;
    }
    Ok(())
}

/// Writes the mutable fields of `t` back.
pub async fn update(conn: &mut PgConnection, t: &TenantRow) -> Result<()> {
    sqlx::query(
        "UPDATE tenants SET name = $2, status = $3, default_currency_code = $4, default_locale = $5, \
         default_country_code = $6, allow_tenant_header = $7, settings = $8, metadata = $9, \
         deactivated_at = $10, plan_id = $11, overrides = $12, detailed_metrics = $13, updated_at = now() \
         WHERE id = $1",
    )
    .bind(&t.id)
    .bind(&t.name)
    .bind(&t.status)
    .bind(&t.default_currency_code)
    .bind(&t.default_locale)
    .bind(&t.default_country_code)
    .bind(t.allow_tenant_header)
    .bind(&t.settings)
    .bind(&t.metadata)
    .bind(t.deactivated_at)
    .bind(&t.plan_id)
    .bind(&t.overrides)
    .bind(t.detailed_metrics)
    .execute(conn)
    .await?;
    Ok(())
}

/// The payload on [`DIRECTORY_CHANNEL`] that makes every process reload all tenants
/// (a plan changed, so every tenant on it has new effective limits).
pub const RELOAD_ALL: &str = "*";

/// Announces a change of `tenant_id` to every Coral process (delivered on commit).
pub async fn notify_changed(conn: &mut PgConnection, tenant_id: &str) -> Result<()> {
    notify(conn, DIRECTORY_CHANNEL, tenant_id).await
}

/// Sends `payload` on `channel` to every listening Coral process.
pub async fn notify(conn: &mut PgConnection, channel: &str, payload: &str) -> Result<()> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(channel)
        .bind(payload)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn currency_exists(conn: &mut PgConnection, code: &str) -> Result<bool> {
    Ok(
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM currencies WHERE code = $1)")
            .bind(code)
            .fetch_one(conn)
            .await?,
    )
}

pub async fn country_exists(conn: &mut PgConnection, code: &str) -> Result<bool> {
    Ok(
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM countries WHERE iso_2 = $1)")
            .bind(code)
            .fetch_one(conn)
            .await?,
    )
}
