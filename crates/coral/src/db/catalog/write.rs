//! Product writes. The use case validates and merges; these functions only store.

use rust_decimal::Decimal;
use serde_json::Value;
use sqlx::postgres::{PgArguments, Postgres};
use sqlx::query::Query;
use sqlx::types::Json;

use crate::core::ids::new_id;
use crate::core::Result;
use crate::db::catalog::rows::{ProductContent, ProductFields};
use crate::db::values::{insert_links, tenant_rows, MAX_ROWS};
use crate::db::TenantTx;

/// Writes `p` as product `id`: inserted when `insert`, else overwriting the row.
pub async fn save_product(tx: &mut TenantTx, id: &str, p: &ProductFields, insert: bool) -> Result<bool> {
    // $3..$14 are the content, in `bind_content`'s order.
    let sql = if insert {
        "INSERT INTO products (tenant_id, id, title, subtitle, description, thumbnail, weight, length, height, width, \
         hs_code, origin_country, mid_code, material, handle, status, is_giftcard, discountable, collection_id, \
         type_id, external_id, metadata) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
         $16, $17, $18, $19, $20, $21, $22)"
    } else {
        "UPDATE products SET title = $3, subtitle = $4, description = $5, thumbnail = $6, weight = $7, length = $8, \
         height = $9, width = $10, hs_code = $11, origin_country = $12, mid_code = $13, material = $14, \
         handle = $15, status = $16, is_giftcard = $17, discountable = $18, collection_id = $19, type_id = $20, \
         external_id = $21, metadata = $22, updated_at = now() WHERE tenant_id = $1 AND id = $2"
    };
    let query = tx.query(sql).bind(id);
    let done = bind_content(query, &p.content)
        .bind(&p.handle)
        .bind(&p.status)
        .bind(p.is_giftcard)
        .bind(p.discountable)
        .bind(&p.collection_id)
        .bind(&p.type_id)
        .bind(&p.external_id)
        .bind(&p.metadata)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Binds a product's content as the next twelve parameters: title, subtitle, description,
/// thumbnail, weight, length, height, width, hs_code, origin_country, mid_code, material.
pub(super) fn bind_content<'q>(
    query: Query<'q, Postgres, PgArguments>,
    c: &'q ProductContent,
) -> Query<'q, Postgres, PgArguments> {
    query
        .bind(&c.title)
        .bind(&c.subtitle)
        .bind(&c.description)
        .bind(&c.thumbnail)
        .bind(c.weight)
        .bind(c.length)
        .bind(c.height)
        .bind(c.width)
        .bind(&c.hs_code)
        .bind(&c.origin_country)
        .bind(&c.mid_code)
        .bind(&c.material)
}

pub async fn delete_product(tx: &mut TenantTx, id: &str) -> Result<bool> {
    let done = tx
        .query("DELETE FROM products WHERE tenant_id = $1 AND id = $2")
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The product link tables, so table names in SQL come from this closed list only.
#[derive(Debug, Clone, Copy)]
pub enum LinkTable {
    Tags,
    Categories,
    SalesChannels,
}

/// Replaces the product's links in `table` with `ids`.
pub async fn replace_links(tx: &mut TenantTx, table: LinkTable, product_id: &str, ids: &[String]) -> Result<()> {
    let (name, column) = match table {
        LinkTable::Tags => ("product_tag_links", "tag_id"),
        LinkTable::Categories => ("product_category_links", "category_id"),
        LinkTable::SalesChannels => ("product_sales_channels", "sales_channel_id"),
    };
    tx.query(&format!("DELETE FROM {name} WHERE tenant_id = $1 AND product_id = $2"))
        .bind(product_id)
        .execute(tx.conn())
        .await?;
    tx.query(&format!(
        "INSERT INTO {name} (tenant_id, product_id, {column}) SELECT $1, $2, unnest($3::text[]) ON CONFLICT DO NOTHING"
    ))
    .bind(product_id)
    .bind(ids)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn replace_images(tx: &mut TenantTx, product_id: &str, urls: &[String]) -> Result<()> {
    tx.query("DELETE FROM product_images WHERE tenant_id = $1 AND product_id = $2")
        .bind(product_id)
        .execute(tx.conn())
        .await?;
    for (n, chunk) in urls.chunks(MAX_ROWS).enumerate() {
        let sql = format!(
            "INSERT INTO product_images (tenant_id, id, product_id, url, rank) VALUES {}",
            tenant_rows(chunk.len(), 4)
        );
        let mut q = tx.query(&sql);
        for (i, url) in chunk.iter().enumerate() {
            let rank = (n * MAX_ROWS + i) as i32;
            q = q.bind(new_id("img")).bind(product_id).bind(url).bind(rank);
        }
        q.execute(tx.conn()).await?;
    }
    Ok(())
}

pub async fn insert_option(tx: &mut TenantTx, product_id: &str, title: &str, rank: i32) -> Result<String> {
    let id = new_id("opt");
    tx.query("INSERT INTO product_options (tenant_id, id, product_id, title, rank) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id)
        .bind(product_id)
        .bind(title)
        .bind(rank)
        .execute(tx.conn())
        .await?;
    Ok(id)
}

pub async fn insert_option_value(tx: &mut TenantTx, option_id: &str, value: &str, rank: i32) -> Result<String> {
    let id = new_id("optval");
    tx.query("INSERT INTO product_option_values (tenant_id, id, option_id, value, rank) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id)
        .bind(option_id)
        .bind(value)
        .bind(rank)
        .execute(tx.conn())
        .await?;
    Ok(id)
}

#[derive(Debug, Clone, Default)]
pub struct VariantFields {
    pub title: String,
    pub sku: Option<String>,
    pub barcode: Option<String>,
    pub ean: Option<String>,
    pub upc: Option<String>,
    pub allow_backorder: bool,
    pub manage_inventory: bool,
    pub weight: Option<Decimal>,
    pub material: Option<String>,
    pub variant_rank: i32,
    pub thumbnail: Option<String>,
    pub metadata: Option<Value>,
}

/// Writes `v` as variant `id` of `product_id`: inserted when `insert`, else overwritten.
pub async fn save_variant(
    tx: &mut TenantTx,
    product_id: &str,
    id: &str,
    v: &VariantFields,
    insert: bool,
) -> Result<bool> {
    let sql = if insert {
        "INSERT INTO product_variants (tenant_id, product_id, id, title, sku, barcode, ean, upc, allow_backorder, \
         manage_inventory, weight, material, variant_rank, thumbnail, metadata) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
    } else {
        "UPDATE product_variants SET title = $4, sku = $5, barcode = $6, ean = $7, upc = $8, allow_backorder = $9, \
         manage_inventory = $10, weight = $11, material = $12, variant_rank = $13, thumbnail = $14, metadata = $15, \
         updated_at = now() WHERE tenant_id = $1 AND product_id = $2 AND id = $3"
    };
    let done = tx
        .query(sql)
        .bind(product_id)
        .bind(id)
        .bind(&v.title)
        .bind(&v.sku)
        .bind(&v.barcode)
        .bind(&v.ean)
        .bind(&v.upc)
        .bind(v.allow_backorder)
        .bind(v.manage_inventory)
        .bind(v.weight)
        .bind(&v.material)
        .bind(v.variant_rank)
        .bind(&v.thumbnail)
        .bind(v.metadata.as_ref().map(Json))
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn link_variant_options(tx: &mut TenantTx, variant_id: &str, value_ids: &[String]) -> Result<()> {
    insert_links(
        tx,
        "variant_option_values (tenant_id, variant_id, option_value_id)",
        variant_id,
        value_ids,
    )
    .await
}

/// A price to store: currency, optional region, amount in major units.
#[derive(Debug, Clone)]
pub struct NewPrice {
    pub currency_code: String,
    pub region_id: Option<String>,
    pub amount: Decimal,
}

/// Replaces all prices of the variant.
pub async fn replace_prices(tx: &mut TenantTx, variant_id: &str, prices: &[NewPrice]) -> Result<()> {
    tx.query("DELETE FROM prices WHERE tenant_id = $1 AND variant_id = $2")
        .bind(variant_id)
        .execute(tx.conn())
        .await?;
    for chunk in prices.chunks(MAX_ROWS) {
        let sql = format!(
            "INSERT INTO prices (tenant_id, id, variant_id, currency_code, region_id, amount) VALUES {}",
            tenant_rows(chunk.len(), 5)
        );
        let mut q = tx.query(&sql);
        for p in chunk {
            q = q
                .bind(new_id("price"))
                .bind(variant_id)
                .bind(&p.currency_code)
                .bind(p.region_id.as_deref())
                .bind(p.amount);
        }
        q.execute(tx.conn()).await?;
    }
    Ok(())
}

/// The tenant's default stock location, created on first use.
pub async fn default_location(tx: &mut TenantTx) -> Result<String> {
    let found: Option<String> = tx
        .query_scalar("SELECT id FROM stock_locations WHERE tenant_id = $1 ORDER BY created_at, id LIMIT 1")
        .fetch_optional(tx.conn())
        .await?;
    if let Some(id) = found {
        return Ok(id);
    }
    let id = new_id("sloc");
    tx.query("INSERT INTO stock_locations (tenant_id, id, name) VALUES ($1, $2, 'Default Warehouse')")
        .bind(&id)
        .execute(tx.conn())
        .await?;
    Ok(id)
}

/// Sets the stocked quantity of a variant at a location.
pub async fn set_stock(tx: &mut TenantTx, variant_id: &str, location_id: &str, stocked: i32) -> Result<()> {
    // `EXCLUDED.updated_at` is the column default (now()); Citus refuses a function in DO UPDATE SET.
    tx.query(
        "INSERT INTO inventory_levels (tenant_id, variant_id, location_id, stocked_quantity) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (tenant_id, variant_id, location_id) DO UPDATE SET stocked_quantity = $4, updated_at = EXCLUDED.updated_at",
    )
    .bind(variant_id)
    .bind(location_id)
    .bind(stocked)
    .execute(tx.conn())
    .await?;
    Ok(())
}
