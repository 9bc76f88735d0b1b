//! Stock: what can be sold, and taking and returning units when orders are placed and
//! canceled. Taking is one conditional UPDATE, so two checkouts of the last unit cannot
//! both succeed: the second waits for the first's row lock, re-checks and finds none.

use std::collections::HashMap;

use crate::core::Result;
use crate::db::TenantTx;

/// Inventory flags of the variants that still exist, by id.
pub async fn variant_flags(tx: &mut TenantTx, variant_ids: &[String]) -> Result<HashMap<String, (bool, bool)>> {
    let rows: Vec<(String, bool, bool)> = sqlx::query_as(
        "SELECT id, manage_inventory, allow_backorder FROM product_variants WHERE tenant_id = $1 AND id = ANY($2)",
    )
    .bind(tx.tenant_id().as_str().to_owned())
    .bind(variant_ids)
    .fetch_all(tx.conn())
    .await?;
    Ok(rows.into_iter().map(|(id, m, b)| (id, (m, b))).collect())
}

/// Sellable units (stocked − reserved over all locations) per variant; absent = none.
pub async fn available(tx: &mut TenantTx, variant_ids: &[String]) -> Result<HashMap<String, i64>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT variant_id, sum(stocked_quantity - reserved_quantity)::int8 FROM inventory_levels \
         WHERE tenant_id = $1 AND variant_id = ANY($2) GROUP BY variant_id",
    )
    .bind(tx.tenant_id().as_str().to_owned())
    .bind(variant_ids)
    .fetch_all(tx.conn())
    .await?;
    Ok(rows.into_iter().collect())
}

/// Takes `quantity` units of a variant from the location that has the most; the
/// location, or `None` when no single location has enough.
pub async fn take(tx: &mut TenantTx, variant_id: &str, quantity: i32) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "UPDATE inventory_levels SET stocked_quantity = stocked_quantity - $3, updated_at = now() \
         WHERE tenant_id = $1 AND variant_id = $2 AND stocked_quantity - reserved_quantity >= $3 \
           AND location_id = (SELECT location_id FROM inventory_levels \
                              WHERE tenant_id = $1 AND variant_id = $2 AND stocked_quantity - reserved_quantity >= $3 \
                              ORDER BY stocked_quantity - reserved_quantity DESC, location_id LIMIT 1 FOR UPDATE) \
         RETURNING location_id",
    )
    .bind(tx.tenant_id().as_str().to_owned())
    .bind(variant_id)
    .bind(quantity)
    .fetch_optional(tx.conn())
    .await?)
}

/// Puts units back where they were taken from (a canceled order).
pub async fn put_back(tx: &mut TenantTx, variant_id: &str, location_id: &str, quantity: i32) -> Result<()> {
    sqlx::query(
        "UPDATE inventory_levels SET stocked_quantity = stocked_quantity + $4, updated_at = now() \
         WHERE tenant_id = $1 AND variant_id = $2 AND location_id = $3",
    )
    .bind(tx.tenant_id().as_str().to_owned())
    .bind(variant_id)
    .bind(location_id)
    .bind(quantity)
    .execute(tx.conn())
    .await?;
    Ok(())
}
