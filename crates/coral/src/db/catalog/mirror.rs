//! Writes that keep a subscriber's copy of a source product in step with it (master
//! catalog). Tenant-scoped like every catalog write: they run in the copy's tenant.

use crate::core::Result;
use crate::db::catalog::rows::ProductContent;
use crate::db::catalog::write::bind_content;
use crate::db::TenantTx;

/// Locks the products' rows (`FOR UPDATE` for a source write, `FOR SHARE` for a copy
/// being taken), so a subscription and a propagation never interleave.
pub async fn lock_products(tx: &mut TenantTx, ids: &[String], exclusive: bool) -> Result<()> {
    let mode = if exclusive { "UPDATE" } else { "SHARE" };
    tx.query(&format!(
        "SELECT id FROM products WHERE tenant_id = $1 AND id = ANY($2) ORDER BY id FOR {mode}"
    ))
    .bind(ids)
    .fetch_all(tx.conn())
    .await?;
    Ok(())
}

/// Overwrites the content fields of a product, leaving the tenant's own fields alone.
pub async fn set_content(tx: &mut TenantTx, product_id: &str, c: &ProductContent) -> Result<()> {
    let query = tx.query(
        "UPDATE products SET title = $3, subtitle = $4, description = $5, thumbnail = $6, weight = $7, length = $8, \
         height = $9, width = $10, hs_code = $11, origin_country = $12, mid_code = $13, material = $14, \
         updated_at = now() WHERE tenant_id = $1 AND id = $2",
    )
    .bind(product_id);
    bind_content(query, c).execute(tx.conn()).await?;
    Ok(())
}

pub async fn set_status(tx: &mut TenantTx, product_id: &str, status: &str) -> Result<()> {
    tx.query("UPDATE products SET status = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2")
        .bind(product_id)
        .bind(status)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Whether the tenant has a product with this handle.
pub async fn handle_taken(tx: &mut TenantTx, handle: &str) -> Result<bool> {
    Ok(tx
        .query_scalar("SELECT EXISTS (SELECT 1 FROM products WHERE tenant_id = $1 AND handle = $2)")
        .bind(handle)
        .fetch_one(tx.conn())
        .await?)
}

/// Of `skus`, those the tenant uses on variants of products other than `product_id`.
pub async fn skus_used_elsewhere(tx: &mut TenantTx, product_id: &str, skus: &[String]) -> Result<Vec<String>> {
    Ok(tx
        .query_scalar("SELECT sku FROM product_variants WHERE tenant_id = $1 AND product_id <> $2 AND sku = ANY($3)")
        .bind(product_id)
        .bind(skus)
        .fetch_all(tx.conn())
        .await?)
}

/// Clears the SKUs of a product's variants, so they can be reassigned in any order.
pub async fn clear_skus(tx: &mut TenantTx, product_id: &str) -> Result<()> {
    tx.query("UPDATE product_variants SET sku = NULL WHERE tenant_id = $1 AND product_id = $2")
        .bind(product_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn update_option(tx: &mut TenantTx, id: &str, title: &str, rank: i32) -> Result<()> {
    tx.query("UPDATE product_options SET title = $3, rank = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2")
        .bind(id)
        .bind(title)
        .bind(rank)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn update_option_value(tx: &mut TenantTx, id: &str, value: &str, rank: i32) -> Result<()> {
    tx.query(
        "UPDATE product_option_values SET value = $3, rank = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2",
    )
    .bind(id)
    .bind(value)
    .bind(rank)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// The parts of a product, so the statements below name tables from a closed list.
#[derive(Debug, Clone, Copy)]
pub enum Part {
    Options,
    OptionValues,
    Variants,
}

/// Deletes rows of one part by id (their dependants cascade).
pub async fn delete_parts(tx: &mut TenantTx, part: Part, ids: &[String]) -> Result<()> {
    let table = match part {
        Part::Options => "product_options",
        Part::OptionValues => "product_option_values",
        Part::Variants => "product_variants",
    };
    tx.query(&format!("DELETE FROM {table} WHERE tenant_id = $1 AND id = ANY($2)"))
        .bind(ids)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Replaces the option values a variant is made of.
pub async fn replace_variant_options(tx: &mut TenantTx, variant_id: &str, value_ids: &[String]) -> Result<()> {
    tx.query("DELETE FROM variant_option_values WHERE tenant_id = $1 AND variant_id = $2")
        .bind(variant_id)
        .execute(tx.conn())
        .await?;
    crate::db::catalog::write::link_variant_options(tx, variant_id, value_ids).await
}

/// The tenant's published product ids, oldest first.
pub async fn published_ids(tx: &mut TenantTx) -> Result<Vec<String>> {
    Ok(tx
        .query_scalar("SELECT id FROM products WHERE tenant_id = $1 AND status = 'published' ORDER BY created_at, id")
        .fetch_all(tx.conn())
        .await?)
}
