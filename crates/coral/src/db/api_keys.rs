//! Publishable API keys and the sales channels they open.

use rand::RngCore;
use sqlx::PgPool;

use crate::core::ids::new_id;
use crate::core::Result;
use crate::db::TenantTx;

pub struct NewKey {
    pub id: String,
    pub token: String,
}

/// A key as the tenant directory needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KeyEntry {
    pub token: String,
    pub tenant_id: String,
    pub sales_channel_ids: Vec<String>,
}

/// Medusa's token shape: `pk_` and 64 hex digits.
fn generate_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!("pk_{}", hex::encode(bytes))
}

pub async fn insert_sales_channel(tx: &mut TenantTx, name: &str, is_default: bool) -> Result<String> {
    let id = new_id("sc");
    tx.query("INSERT INTO sales_channels (tenant_id, id, name, is_default) VALUES ($1, $2, $3, $4)")
        .bind(&id)
        .bind(name)
        .bind(is_default)
        .execute(tx.conn())
        .await?;
    Ok(id)
}

pub async fn insert_publishable(tx: &mut TenantTx, title: &str, sales_channel_ids: &[String]) -> Result<NewKey> {
    let key = NewKey {
        id: new_id("apk"),
        token: generate_token(),
    };
    tx.query("INSERT INTO api_keys (tenant_id, id, token, title) VALUES ($1, $2, $3, $4)")
        .bind(&key.id)
        .bind(&key.token)
        .bind(title)
        .execute(tx.conn())
        .await?;
    tx.query(
        "INSERT INTO api_key_sales_channels (tenant_id, api_key_id, sales_channel_id) \
         SELECT $1, $2, unnest($3::text[])",
    )
    .bind(&key.id)
    .bind(sales_channel_ids)
    .execute(tx.conn())
    .await?;
    Ok(key)
}

const ENTRIES: &str = "SELECT k.token, k.tenant_id, \
     COALESCE(array_agg(s.sales_channel_id) FILTER (WHERE s.sales_channel_id IS NOT NULL), '{}') AS sales_channel_ids \
     FROM api_keys k LEFT JOIN api_key_sales_channels s ON s.tenant_id = k.tenant_id AND s.api_key_id = k.id \
     WHERE k.revoked_at IS NULL AND k.type = 'publishable'";

/// Every active key of a placement (platform access, for the directory).
pub async fn all_active(pool: &PgPool) -> Result<Vec<KeyEntry>> {
    Ok(sqlx::query_as(&format!("{ENTRIES} GROUP BY k.tenant_id, k.id"))
        .fetch_all(pool)
        .await?)
}

/// The active keys of one tenant (platform access, for the directory).
pub async fn active_of_tenant(pool: &PgPool, tenant_id: &str) -> Result<Vec<KeyEntry>> {
    Ok(
        sqlx::query_as(&format!("{ENTRIES} AND k.tenant_id = $1 GROUP BY k.tenant_id, k.id"))
            .bind(tenant_id)
            .fetch_all(pool)
            .await?,
    )
}

/// The tenant's default sales channel id (platform access, for the directory).
pub async fn default_channel(pool: &PgPool, tenant_id: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM sales_channels WHERE tenant_id = $1 AND is_default AND deleted_at IS NULL \
         ORDER BY created_at LIMIT 1",
    )
    .bind(tenant_id)
    .fetch_optional(pool)
    .await?)
}

/// Every tenant's default sales channel in a placement (platform access, for the directory).
pub async fn all_default_channels(pool: &PgPool) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT DISTINCT ON (tenant_id) tenant_id, id FROM sales_channels \
         WHERE is_default AND deleted_at IS NULL ORDER BY tenant_id, created_at",
    )
    .fetch_all(pool)
    .await?)
}

/// A key as the Admin API shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KeyRow {
    pub id: String,
    pub token: String,
    pub title: String,
    #[sqlx(rename = "type")]
    pub kind: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
    pub sales_channel_ids: Vec<String>,
}

const ROWS: &str = "SELECT k.id, k.token, k.title, k.type, k.created_at, k.revoked_at, \
     COALESCE(array_agg(s.sales_channel_id) FILTER (WHERE s.sales_channel_id IS NOT NULL), '{}') AS sales_channel_ids \
     FROM api_keys k LEFT JOIN api_key_sales_channels s ON s.tenant_id = k.tenant_id AND s.api_key_id = k.id";

/// The tenant's keys, newest first (revoked ones too).
pub async fn list(tx: &mut TenantTx, limit: i64, offset: i64) -> Result<(Vec<KeyRow>, i64)> {
    let rows = tx
        .query_as(&format!(
            "{ROWS} WHERE k.tenant_id = $1 GROUP BY k.tenant_id, k.id \
             ORDER BY k.created_at DESC, k.id DESC LIMIT $2 OFFSET $3"
        ))
        .bind(limit)
        .bind(offset)
        .fetch_all(tx.conn())
        .await?;
    let count = tx
        .query_scalar("SELECT count(*) FROM api_keys WHERE tenant_id = $1")
        .fetch_one(tx.conn())
        .await?;
    Ok((rows, count))
}

pub async fn get(tx: &mut TenantTx, id: &str) -> Result<Option<KeyRow>> {
    Ok(tx
        .query_as(&format!(
            "{ROWS} WHERE k.tenant_id = $1 AND k.id = $2 GROUP BY k.tenant_id, k.id"
        ))
        .bind(id)
        .fetch_optional(tx.conn())
        .await?)
}

/// Marks the key revoked (once: a revoked key keeps its first revocation time).
pub async fn revoke(tx: &mut TenantTx, id: &str) -> Result<bool> {
    let done = tx
        .query("UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL")
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}
