//! Staff users of a tenant (the Admin API's actors).

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::types::Json;
use sqlx::PgPool;

use crate::core::ids::new_id;
use crate::core::Result;
use crate::db::TenantTx;

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
    sqlx::query(
        "INSERT INTO staff_users (tenant_id, id, email, password_hash, first_name, last_name, role) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tx.tenant_id().as_str().to_owned())
    .bind(&id)
    .bind(s.email)
    .bind(s.password_hash)
    .bind(s.first_name)
    .bind(s.last_name)
    .bind(s.role)
    .execute(tx.conn())
    .await?;
    Ok(id)
}

pub async fn get(tx: &mut TenantTx, id: &str) -> Result<Option<StaffRow>> {
    Ok(
        sqlx::query_as("SELECT * FROM staff_users WHERE tenant_id = $1 AND id = $2")
            .bind(tx.tenant_id().as_str().to_owned())
            .bind(id)
            .fetch_optional(tx.conn())
            .await?,
    )
}

/// Active staff with this email in any tenant of a placement (platform access, for login,
/// where the tenant comes from the user's record).
pub async fn find_by_email(pool: &PgPool, email: &str) -> Result<Vec<StaffRow>> {
    Ok(
        sqlx::query_as("SELECT * FROM staff_users WHERE email = $1 AND is_active")
            .bind(email)
            .fetch_all(pool)
            .await?,
    )
}
