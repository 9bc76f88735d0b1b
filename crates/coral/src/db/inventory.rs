//! Stock: stock locations, inventory levels (stocked and reserved quantity of a variant at
//! a location; a variant is its own inventory item, Coral has no separate item table), what
//! can be sold, and taking and returning units when orders are placed and canceled. Taking
//! is one conditional UPDATE, so two checkouts of the last unit cannot both succeed: the
//! second waits for the first's row lock, re-checks and finds none.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::types::Json;

use crate::core::Result;
use crate::db::TenantTx;

/// Inventory flags of the variants that still exist, by id.
pub async fn variant_flags(tx: &mut TenantTx, variant_ids: &[String]) -> Result<HashMap<String, (bool, bool)>> {
    let rows: Vec<(String, bool, bool)> = tx
        .query_as(
            "SELECT id, manage_inventory, allow_backorder FROM product_variants WHERE tenant_id = $1 AND id = ANY($2)",
        )
        .bind(variant_ids)
        .fetch_all(tx.conn())
        .await?;
    Ok(rows.into_iter().map(|(id, m, b)| (id, (m, b))).collect())
}

/// Sellable units (stocked − reserved over all locations) per variant; absent = none.
pub async fn available(tx: &mut TenantTx, variant_ids: &[String]) -> Result<HashMap<String, i64>> {
    let rows: Vec<(String, i64)> = tx
        .query_as(
            "SELECT variant_id, sum(stocked_quantity - reserved_quantity)::int8 FROM inventory_levels \
         WHERE tenant_id = $1 AND variant_id = ANY($2) GROUP BY variant_id",
        )
        .bind(variant_ids)
        .fetch_all(tx.conn())
        .await?;
    Ok(rows.into_iter().collect())
}

/// Takes `quantity` units of a variant from the location that has the most; the
/// location, or `None` when no single location has enough.
pub async fn take(tx: &mut TenantTx, variant_id: &str, quantity: i32) -> Result<Option<String>> {
    Ok(tx
        .query_scalar(
            "UPDATE inventory_levels SET stocked_quantity = stocked_quantity - $3, updated_at = now() \
         WHERE tenant_id = $1 AND variant_id = $2 AND stocked_quantity - reserved_quantity >= $3 \
           AND location_id = (SELECT location_id FROM inventory_levels \
                              WHERE tenant_id = $1 AND variant_id = $2 AND stocked_quantity - reserved_quantity >= $3 \
                              ORDER BY stocked_quantity - reserved_quantity DESC, location_id LIMIT 1 FOR UPDATE) \
         RETURNING location_id",
        )
        .bind(variant_id)
        .bind(quantity)
        .fetch_optional(tx.conn())
        .await?)
}

/// Puts units back where they were taken from (a canceled order).
pub async fn put_back(tx: &mut TenantTx, variant_id: &str, location_id: &str, quantity: i32) -> Result<()> {
    tx.query(
        "UPDATE inventory_levels SET stocked_quantity = stocked_quantity + $4, updated_at = now() \
         WHERE tenant_id = $1 AND variant_id = $2 AND location_id = $3",
    )
    .bind(variant_id)
    .bind(location_id)
    .bind(quantity)
    .execute(tx.conn())
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LocationRow {
    pub id: String,
    pub name: String,
    pub address: Option<Json<Value>>,
    pub metadata: Option<Json<Value>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const LOCATION_COLUMNS: &str = "id, name, address, metadata, created_at, updated_at";

/// One page of locations, oldest first, and the total.
pub async fn locations(tx: &mut TenantTx, limit: i64, offset: i64) -> Result<(Vec<LocationRow>, i64)> {
    let rows = tx
        .query_as(&format!(
        "SELECT {LOCATION_COLUMNS} FROM stock_locations WHERE tenant_id = $1 ORDER BY created_at, id LIMIT $2 OFFSET $3"
    ))
        .bind(limit)
        .bind(offset)
        .fetch_all(tx.conn())
        .await?;
    let count = tx
        .query_scalar("SELECT count(*) FROM stock_locations WHERE tenant_id = $1")
        .fetch_one(tx.conn())
        .await?;
    Ok((rows, count))
}

pub async fn location(tx: &mut TenantTx, id: &str) -> Result<Option<LocationRow>> {
    Ok(tx
        .query_as(&format!(
            "SELECT {LOCATION_COLUMNS} FROM stock_locations WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(id)
        .fetch_optional(tx.conn())
        .await?)
}

/// Writes location `id`: inserted when `insert`, else overwritten. Whether a row was written.
pub async fn save_location(
    tx: &mut TenantTx,
    id: &str,
    name: &str,
    address: Option<&Value>,
    metadata: Option<&Value>,
    insert: bool,
) -> Result<bool> {
    let sql = if insert {
        "INSERT INTO stock_locations (tenant_id, id, name, address, metadata) VALUES ($1, $2, $3, $4, $5)"
    } else {
        "UPDATE stock_locations SET name = $3, address = $4, metadata = $5, updated_at = now() \
         WHERE tenant_id = $1 AND id = $2"
    };
    let done = tx
        .query(sql)
        .bind(id)
        .bind(name)
        .bind(address.map(Json))
        .bind(metadata.map(Json))
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes a location and its levels. Whether it existed. Order items and fulfillments that
/// name it lose that reference first: those foreign keys are NO ACTION because Citus refuses
/// `ON DELETE SET NULL` on keys that include `tenant_id` (migration 0012). The location is
/// locked first, so a fulfilment or order naming it concurrently either commits before the
/// clearing (and is cleared) or waits and then fails its key check, as with SET NULL.
pub async fn delete_location(tx: &mut TenantTx, id: &str) -> Result<bool> {
    for sql in [
        "SELECT 1 FROM stock_locations WHERE tenant_id = $1 AND id = $2 FOR UPDATE",
        "UPDATE order_items SET location_id = NULL WHERE tenant_id = $1 AND location_id = $2",
        "UPDATE fulfillments SET location_id = NULL WHERE tenant_id = $1 AND location_id = $2",
    ] {
        tx.query(sql).bind(id).execute(tx.conn()).await?;
    }
    let done = tx
        .query("DELETE FROM stock_locations WHERE tenant_id = $1 AND id = $2")
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Units reserved (by carts and orders) at a location, over all variants.
pub async fn reserved_at(tx: &mut TenantTx, location_id: &str) -> Result<i64> {
    Ok(tx.query_scalar(
        "SELECT COALESCE(sum(reserved_quantity), 0)::bigint FROM inventory_levels WHERE tenant_id = $1 AND location_id = $2",
    )
    .bind(location_id)
    .fetch_one(tx.conn())
    .await?)
}

/// A variant as an inventory item.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ItemRow {
    pub id: String,
    pub product_id: String,
    pub title: String,
    pub sku: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LevelRow {
    pub variant_id: String,
    pub location_id: String,
    pub stocked_quantity: i32,
    pub reserved_quantity: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One page of the variants that manage inventory (`ids`: only those), by product and
/// rank, optionally matching `q` in the SKU or title; and the total.
pub async fn items(
    tx: &mut TenantTx,
    ids: Option<&[String]>,
    q: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<ItemRow>, i64)> {
    let pattern = q.map(|q| format!("%{}%", q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
    const WHERE: &str = "WHERE tenant_id = $1 AND manage_inventory AND ($2::text[] IS NULL OR id = ANY($2)) \
                         AND ($3::text IS NULL OR sku ILIKE $3 OR title ILIKE $3)";
    let rows = tx
        .query_as(&format!(
            "SELECT id, product_id, title, sku, created_at, updated_at FROM product_variants {WHERE} \
         ORDER BY created_at, product_id, variant_rank, id LIMIT $4 OFFSET $5"
        ))
        .bind(ids)
        .bind(&pattern)
        .bind(limit)
        .bind(offset)
        .fetch_all(tx.conn())
        .await?;
    let count = tx
        .query_scalar(&format!("SELECT count(*) FROM product_variants {WHERE}"))
        .bind(ids)
        .bind(&pattern)
        .fetch_one(tx.conn())
        .await?;
    Ok((rows, count))
}

/// The levels of the given variants, in one query.
pub async fn levels(tx: &mut TenantTx, variant_ids: &[String]) -> Result<Vec<LevelRow>> {
    Ok(tx
        .query_as(
            "SELECT variant_id, location_id, stocked_quantity, reserved_quantity, created_at, updated_at \
         FROM inventory_levels WHERE tenant_id = $1 AND variant_id = ANY($2) ORDER BY created_at, location_id",
        )
        .bind(variant_ids)
        .fetch_all(tx.conn())
        .await?)
}

/// Deletes one level. Whether it existed.
pub async fn delete_level(tx: &mut TenantTx, variant_id: &str, location_id: &str) -> Result<bool> {
    let done = tx
        .query("DELETE FROM inventory_levels WHERE tenant_id = $1 AND variant_id = $2 AND location_id = $3")
        .bind(variant_id)
        .bind(location_id)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}
