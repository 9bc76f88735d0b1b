//! Bulk reads of products and their parts, for a set of products or all of a tenant's.

use crate::core::Result;
use crate::db::catalog::rows::*;
use crate::db::TenantTx;

/// Every row belonging to the selected products.
#[derive(Debug, Default)]
pub struct ProductRows {
    pub products: Vec<ProductRow>,
    pub options: Vec<OptionRow>,
    pub option_values: Vec<OptionValueRow>,
    pub variants: Vec<VariantRow>,
    pub variant_options: Vec<VariantOptionLink>,
    pub prices: Vec<PriceRow>,
    pub images: Vec<ImageRow>,
    pub tag_links: Vec<Link>,
    pub category_links: Vec<Link>,
    pub channel_links: Vec<Link>,
    pub stock: Vec<StockRow>,
}

/// Loads `ids` (in that order), or every product of the tenant (oldest first) when `None`.
pub async fn products(tx: &mut TenantTx, ids: Option<&[String]>) -> Result<ProductRows> {
    let ids: Option<Vec<String>> = ids.map(<[String]>::to_vec);
    // `$2 IS NULL` selects all; the same filter on product_id serves every child table.
    macro_rules! load {
        ($sql:expr) => {
            tx.query_as($sql).bind(&ids).fetch_all(tx.conn()).await?
        };
    }
    let mut products: Vec<ProductRow> = load!(
        "SELECT id, title, subtitle, description, handle, status, is_giftcard, discountable, thumbnail, \
         collection_id, type_id, weight, length, height, width, hs_code, origin_country, mid_code, material, \
         external_id, metadata, created_at, updated_at FROM products \
         WHERE tenant_id = $1 AND ($2::text[] IS NULL OR id = ANY($2)) ORDER BY created_at, id"
    );
    if let Some(ids) = &ids {
        products.sort_by_key(|p| ids.iter().position(|i| *i == p.id));
    }
    Ok(ProductRows {
        products,
        options: load!(
            "SELECT id, product_id, title, rank, metadata, created_at, updated_at FROM product_options \
             WHERE tenant_id = $1 AND ($2::text[] IS NULL OR product_id = ANY($2)) ORDER BY rank, created_at, id"
        ),
        option_values: load!(
            "SELECT v.id, v.option_id, v.value, v.rank, v.metadata, v.created_at, v.updated_at \
             FROM product_option_values v JOIN product_options o ON o.tenant_id = $1 AND o.id = v.option_id \
             WHERE v.tenant_id = $1 AND ($2::text[] IS NULL OR o.product_id = ANY($2)) ORDER BY v.rank, v.created_at, v.id"
        ),
        variants: load!(
            "SELECT id, product_id, title, sku, barcode, ean, upc, allow_backorder, manage_inventory, hs_code, \
             origin_country, mid_code, material, weight, length, height, width, variant_rank, thumbnail, metadata, \
             created_at, updated_at FROM product_variants \
             WHERE tenant_id = $1 AND ($2::text[] IS NULL OR product_id = ANY($2)) ORDER BY variant_rank, created_at, id"
        ),
        variant_options: load!(
            "SELECT l.variant_id, l.option_value_id FROM variant_option_values l \
             JOIN product_variants v ON v.tenant_id = $1 AND v.id = l.variant_id \
             WHERE l.tenant_id = $1 AND ($2::text[] IS NULL OR v.product_id = ANY($2))"
        ),
        prices: load!(
            "SELECT p.id, p.variant_id, p.currency_code, p.region_id, p.amount FROM prices p \
             JOIN product_variants v ON v.tenant_id = $1 AND v.id = p.variant_id \
             WHERE p.tenant_id = $1 AND ($2::text[] IS NULL OR v.product_id = ANY($2)) ORDER BY p.created_at, p.id"
        ),
        images: load!(
            "SELECT id, product_id, url, rank, metadata, created_at, updated_at FROM product_images \
             WHERE tenant_id = $1 AND ($2::text[] IS NULL OR product_id = ANY($2)) ORDER BY rank, created_at, id"
        ),
        tag_links: load!(
            "SELECT product_id, tag_id AS other_id FROM product_tag_links \
             WHERE tenant_id = $1 AND ($2::text[] IS NULL OR product_id = ANY($2))"
        ),
        category_links: load!(
            "SELECT product_id, category_id AS other_id FROM product_category_links \
             WHERE tenant_id = $1 AND ($2::text[] IS NULL OR product_id = ANY($2))"
        ),
        channel_links: load!(
            "SELECT product_id, sales_channel_id AS other_id FROM product_sales_channels \
             WHERE tenant_id = $1 AND ($2::text[] IS NULL OR product_id = ANY($2))"
        ),
        stock: load!(
            "SELECT l.variant_id, sum(l.stocked_quantity - l.reserved_quantity)::bigint AS available \
             FROM inventory_levels l JOIN product_variants v ON v.tenant_id = $1 AND v.id = l.variant_id \
             WHERE l.tenant_id = $1 AND ($2::text[] IS NULL OR v.product_id = ANY($2)) GROUP BY l.variant_id"
        ),
    })
}

/// One page of product ids for the Admin API, newest first, with the total.
pub async fn page_ids(tx: &mut TenantTx, q: Option<&str>, limit: i64, offset: i64) -> Result<(Vec<String>, i64)> {
    let pattern = q.map(|q| format!("%{}%", q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
    let ids = tx
        .query_scalar(
            "SELECT id FROM products WHERE tenant_id = $1 AND ($2::text IS NULL OR title ILIKE $2 OR handle ILIKE $2) \
         ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4",
        )
        .bind(&pattern)
        .bind(limit)
        .bind(offset)
        .fetch_all(tx.conn())
        .await?;
    let count = tx.query_scalar(
        "SELECT count(*) FROM products WHERE tenant_id = $1 AND ($2::text IS NULL OR title ILIKE $2 OR handle ILIKE $2)",
    )
    .bind(&pattern)
    .fetch_one(tx.conn())
    .await?;
    Ok((ids, count))
}
