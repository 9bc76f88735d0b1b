//! Control-plane repository: the `tenants` and `tenant_domains` tables (platform access).

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::types::Json;
use sqlx::{PgConnection, PgPool};

use crate::core::Result;

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

/// Every tenant, for loading the directory.
pub async fn all(pool: &PgPool) -> Result<Vec<TenantRow>> {
    Ok(sqlx::query_as(SELECT).fetch_all(pool).await?)
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
