//! Customer groups and their members.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::types::Json;

use crate::core::ids::new_id;
use crate::core::Result;
use crate::db::TenantTx;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GroupRow {
    pub id: String,
    pub name: String,
    pub metadata: Option<Json<Value>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Members: (customer id, email).
    pub customers: Json<Vec<(String, String)>>,
}

const SELECT: &str = "SELECT g.id, g.name, g.metadata, g.created_at, g.updated_at, \
    coalesce((SELECT json_agg(json_build_array(c.id, c.email) ORDER BY c.email, c.id) \
        FROM customer_group_customers m JOIN customers c ON c.tenant_id = $1 AND c.id = m.customer_id \
        WHERE m.tenant_id = $1 AND m.customer_group_id = g.id), '[]') AS customers \
    FROM customer_groups g WHERE g.tenant_id = $1";

pub async fn list(tx: &mut TenantTx, limit: i64, offset: i64) -> Result<(Vec<GroupRow>, i64)> {
    let rows = tx
        .query_as(&format!("{SELECT} ORDER BY g.name, g.id LIMIT $2 OFFSET $3"))
        .bind(limit)
        .bind(offset)
        .fetch_all(tx.conn())
        .await?;
    let count = tx
        .query_scalar("SELECT count(*) FROM customer_groups WHERE tenant_id = $1")
        .fetch_one(tx.conn())
        .await?;
    Ok((rows, count))
}

pub async fn get(tx: &mut TenantTx, id: &str) -> Result<Option<GroupRow>> {
    Ok(tx
        .query_as(&format!("{SELECT} AND g.id = $2"))
        .bind(id)
        .fetch_optional(tx.conn())
        .await?)
}

/// Inserts (`id` None) or updates a group; false when there is no group `id`.
pub async fn save(tx: &mut TenantTx, id: Option<&str>, name: &str, metadata: Option<&Value>) -> Result<(String, bool)> {
    let (id, sql) = match id {
        None => (
            new_id("cusgroup"),
            "INSERT INTO customer_groups (tenant_id, id, name, metadata) VALUES ($1, $2, $3, $4)",
        ),
        Some(id) => (
            id.to_owned(),
            "UPDATE customer_groups SET name = $3, metadata = coalesce($4, metadata), updated_at = now() \
             WHERE tenant_id = $1 AND id = $2",
        ),
    };
    let done = tx
        .query(sql)
        .bind(&id)
        .bind(name)
        .bind(metadata.map(Json))
        .execute(tx.conn())
        .await?;
    Ok((id, done.rows_affected() == 1))
}

pub async fn delete(tx: &mut TenantTx, id: &str) -> Result<bool> {
    let done = tx
        .query("DELETE FROM customer_groups WHERE tenant_id = $1 AND id = $2")
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// How many of `ids` are customers of the tenant (to refuse unknown ones).
pub async fn count_customers(tx: &mut TenantTx, ids: &[String]) -> Result<i64> {
    Ok(tx
        .query_scalar("SELECT count(*) FROM customers WHERE tenant_id = $1 AND id = ANY($2)")
        .bind(ids)
        .fetch_one(tx.conn())
        .await?)
}

/// Adds and removes members.
pub async fn change_members(tx: &mut TenantTx, id: &str, add: &[String], remove: &[String]) -> Result<()> {
    tx.query(
        "INSERT INTO customer_group_customers (tenant_id, customer_group_id, customer_id) \
         SELECT $1, $2, unnest($3::text[]) ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(add)
    .execute(tx.conn())
    .await?;
    tx.query(
        "DELETE FROM customer_group_customers WHERE tenant_id = $1 AND customer_group_id = $2 \
         AND customer_id = ANY($3)",
    )
    .bind(id)
    .bind(remove)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// How many of `ids` are groups of the tenant.
pub async fn count(tx: &mut TenantTx, ids: &[String]) -> Result<i64> {
    Ok(tx
        .query_scalar("SELECT count(*) FROM customer_groups WHERE tenant_id = $1 AND id = ANY($2)")
        .bind(ids)
        .fetch_one(tx.conn())
        .await?)
}

/// The customer's group ids (for `customer.groups.id` rules and price lists).
pub async fn of_customer(tx: &mut TenantTx, customer_id: &str) -> Result<Vec<String>> {
    Ok(tx
        .query_scalar(
            "SELECT customer_group_id FROM customer_group_customers WHERE tenant_id = $1 AND customer_id = $2",
        )
        .bind(customer_id)
        .fetch_all(tx.conn())
        .await?)
}
