//! Publishable API keys and the sales channels they open.

use rand::RngCore;

use crate::core::ids::new_id;
use crate::core::Result;
use crate::db::values::insert_links;
use crate::db::{PlatformRead, TenantTx};

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
    insert_links(
        tx,
        "api_key_sales_channels (tenant_id, api_key_id, sales_channel_id)",
        &key.id,
        sales_channel_ids,
    )
    .await?;
    // The global lookup the directory resolves tokens with (migration 0011); its tenant
    // policy makes this row name this store only.
    tx.query("INSERT INTO publishable_keys (tenant_id, token, api_key_id, sales_channel_ids) VALUES ($1, $2, $3, $4)")
        .bind(&key.token)
        .bind(&key.id)
        .bind(sales_channel_ids)
        .execute(tx.conn())
        .await?;
    Ok(key)
}

/// Every active key of a placement, from the global lookup (platform read, for the
/// directory's start-up).
pub async fn all_active(read: &mut PlatformRead) -> Result<Vec<KeyEntry>> {
    Ok(
        sqlx::query_as("SELECT token, tenant_id, sales_channel_ids FROM publishable_keys WHERE revoked_at IS NULL")
            .fetch_all(read.conn())
            .await?,
    )
}

/// The tenant's active keys (in its own scope, for the directory's reload of one store).
pub async fn active_of_tenant(tx: &mut TenantTx) -> Result<Vec<KeyEntry>> {
    Ok(tx
        .query_as(
            "SELECT token, tenant_id, sales_channel_ids FROM publishable_keys \
             WHERE tenant_id = $1 AND revoked_at IS NULL",
        )
        .fetch_all(tx.conn())
        .await?)
}

/// The tenant's default sales channel id (in its own scope, for the directory).
pub async fn default_channel(tx: &mut TenantTx) -> Result<Option<String>> {
    Ok(tx
        .query_scalar(
            "SELECT id FROM sales_channels WHERE tenant_id = $1 AND is_default AND deleted_at IS NULL \
             ORDER BY created_at LIMIT 1",
        )
        .fetch_optional(tx.conn())
        .await?)
}

/// Every tenant's default sales channel in a placement (platform read, for the
/// directory's start-up; the `platform_read` policy shows only default, live channels).
pub async fn all_default_channels(read: &mut PlatformRead) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT DISTINCT ON (tenant_id) tenant_id, id FROM sales_channels \
         WHERE is_default AND deleted_at IS NULL ORDER BY tenant_id, created_at",
    )
    .fetch_all(read.conn())
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
     FROM api_keys k LEFT JOIN api_key_sales_channels s ON s.tenant_id = $1 AND s.api_key_id = k.id";

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
    // The lookup follows in the same transaction: a revoked token stops resolving.
    tx.query(
        "UPDATE publishable_keys SET revoked_at = now() WHERE tenant_id = $1 AND api_key_id = $2 AND revoked_at IS NULL",
    )
    .bind(id)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}
