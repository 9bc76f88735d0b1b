//! Sealed tenant secrets. Only ciphertext is stored; `app::secrets` seals and opens.

use chrono::{DateTime, Utc};

use crate::core::Result;
use crate::db::TenantTx;

pub async fn put(tx: &mut TenantTx, name: &str, sealed: &[u8]) -> Result<()> {
    // `EXCLUDED.updated_at` is the column default (now()); Citus refuses a function in DO UPDATE SET.
    tx.query(
        "INSERT INTO tenant_secrets (tenant_id, name, sealed) VALUES ($1, $2, $3) \
         ON CONFLICT (tenant_id, name) DO UPDATE SET sealed = EXCLUDED.sealed, updated_at = EXCLUDED.updated_at",
    )
    .bind(name)
    .bind(sealed)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn delete(tx: &mut TenantTx, name: &str) -> Result<bool> {
    let done = tx
        .query("DELETE FROM tenant_secrets WHERE tenant_id = $1 AND name = $2")
        .bind(name)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn get(tx: &mut TenantTx, name: &str) -> Result<Option<Vec<u8>>> {
    Ok(tx
        .query_scalar("SELECT sealed FROM tenant_secrets WHERE tenant_id = $1 AND name = $2")
        .bind(name)
        .fetch_optional(tx.conn())
        .await?)
}

/// Names of the secrets that are set, with when.
pub async fn list(tx: &mut TenantTx) -> Result<Vec<(String, DateTime<Utc>)>> {
    Ok(tx
        .query_as("SELECT name, updated_at FROM tenant_secrets WHERE tenant_id = $1 ORDER BY name")
        .fetch_all(tx.conn())
        .await?)
}
