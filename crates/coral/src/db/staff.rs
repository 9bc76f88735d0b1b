//! Staff users of a tenant (the Admin API's actors).

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::types::Json;

use crate::core::ids::new_id;
use crate::core::Result;
use crate::db::{PlatformRead, TenantTx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffRow {
    pub tenant_id: String,
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub role: String,
    pub token_version: i32,
    pub is_active: bool,
    pub metadata: Option<Json<Value>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub struct NewStaff<'a> {
    pub email: &'a str,
    pub password_hash: &'a str,
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
    pub role: &'a str,
}

pub async fn insert(tx: &mut TenantTx, s: &NewStaff<'_>) -> Result<String> {
    let id = new_id("user");
    tx.query(
        "INSERT INTO staff_users (tenant_id, id, email, password_hash, first_name, last_name, role) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(s.email)
    .bind(s.password_hash)
    .bind(s.first_name)
    .bind(s.last_name)
    .bind(s.role)
    .execute(tx.conn())
    .await?;
    // The global lookup sign-in finds accounts with (migration 0011); its tenant policy
    // makes this row name this store only. Emails never change and staff rows are never
    // deleted; if either ever does, the lookup changes in the same transaction.
    tx.query("INSERT INTO staff_logins (tenant_id, email, staff_id) VALUES ($1, $2, $3)")
        .bind(s.email)
        .bind(&id)
        .execute(tx.conn())
        .await?;
    Ok(id)
}

pub async fn get(tx: &mut TenantTx, id: &str) -> Result<Option<StaffRow>> {
    Ok(tx
        .query_as("SELECT * FROM staff_users WHERE tenant_id = $1 AND id = $2")
        .bind(id)
        .fetch_optional(tx.conn())
        .await?)
}

/// The accounts with this email in any tenant of a placement, as `(tenant id, staff id)`
/// pairs from the global lookup (platform read, for sign-in, which happens before the
/// store is known). Only who: the account itself is read in its store's scope.
pub async fn logins_by_email(read: &mut PlatformRead, email: &str) -> Result<Vec<(String, String)>> {
    Ok(
        sqlx::query_as("SELECT tenant_id, staff_id FROM staff_logins WHERE email = $1 ORDER BY tenant_id")
            .bind(email)
            .fetch_all(read.conn())
            .await?,
    )
}

/// A page of the tenant's staff, oldest first, and the count of all of them.
pub async fn list(tx: &mut TenantTx, limit: i64, offset: i64) -> Result<(Vec<StaffRow>, i64)> {
    let rows = tx
        .query_as("SELECT * FROM staff_users WHERE tenant_id = $1 ORDER BY created_at, id LIMIT $2 OFFSET $3")
        .bind(limit)
        .bind(offset)
        .fetch_all(tx.conn())
        .await?;
    let count = tx
        .query_scalar("SELECT count(*) FROM staff_users WHERE tenant_id = $1")
        .fetch_one(tx.conn())
        .await?;
    Ok((rows, count))
}

/// Like [`get`], locking the row until the transaction ends.
pub async fn get_for_update(tx: &mut TenantTx, id: &str) -> Result<Option<StaffRow>> {
    Ok(tx
        .query_as("SELECT * FROM staff_users WHERE tenant_id = $1 AND id = $2 FOR UPDATE")
        .bind(id)
        .fetch_optional(tx.conn())
        .await?)
}

/// Writes names, role and activity back; `revoke_tokens` bumps the token version so
/// every token issued before is refused from the next request on.
pub async fn update(tx: &mut TenantTx, u: &StaffRow, revoke_tokens: bool) -> Result<()> {
    tx.query(
        "UPDATE staff_users SET first_name = $3, last_name = $4, role = $5, is_active = $6, \
         token_version = token_version + $7, updated_at = now() WHERE tenant_id = $1 AND id = $2",
    )
    .bind(&u.id)
    .bind(&u.first_name)
    .bind(&u.last_name)
    .bind(&u.role)
    .bind(u.is_active)
    .bind(i32::from(revoke_tokens))
    .execute(tx.conn())
    .await?;
    Ok(())
}
