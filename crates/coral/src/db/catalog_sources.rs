//! The master catalog's link tables: sources, their grants, and the links from a
//! subscriber's copies to source products. Each function runs in one tenant's scope (a
//! step of a [`CrossTenantTx`](crate::db::CrossTenantTx), as `coral_app`) and says whose:
//! the policies of migration 0014 let the source's tenant manage its source and grants
//! and read the links to its products, the grantee read its grants, and the subscriber
//! manage its links and item maps. `$1` is always the tenant in scope, and every
//! statement filters by the column that names it (`tenant_id`, `source_tenant_id` or
//! `subscriber_tenant_id`), which is what routes it under Citus.

use chrono::{DateTime, Utc};

use crate::core::ids::new_id;
use crate::core::Result;
use crate::db::values::{tenant_rows, MAX_ROWS};
use crate::db::TenantTx;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SourceRow {
    pub id: String,
    pub tenant_id: String,
    pub created_at: DateTime<Utc>,
}

/// A source granted to the tenant in scope: which source, and whose.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GrantRow {
    pub source_id: String,
    pub source_tenant_id: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LinkRow {
    pub subscriber_tenant_id: String,
    pub copy_product_id: String,
    pub source_id: String,
    pub source_tenant_id: String,
    pub source_product_id: String,
    pub created_at: DateTime<Utc>,
}

const LINK_COLUMNS: &str =
    "subscriber_tenant_id, copy_product_id, source_id, source_tenant_id, source_product_id, created_at";

// ---------------------------------------------------------------- the source's scope

/// The source the tenant in scope publishes, if it is one.
pub async fn source_of(tx: &mut TenantTx) -> Result<Option<SourceRow>> {
    Ok(tx
        .query_as("SELECT id, tenant_id, created_at FROM catalog_sources WHERE tenant_id = $1")
        .fetch_optional(tx.conn())
        .await?)
}

/// Makes the tenant in scope a source (idempotent) and returns it.
pub async fn create_source(tx: &mut TenantTx) -> Result<SourceRow> {
    tx.query("INSERT INTO catalog_sources (tenant_id, id) VALUES ($1, $2) ON CONFLICT (tenant_id) DO NOTHING")
        .bind(new_id("csrc"))
        .execute(tx.conn())
        .await?;
    Ok(tx
        .query_as("SELECT id, tenant_id, created_at FROM catalog_sources WHERE tenant_id = $1")
        .fetch_one(tx.conn())
        .await?)
}

/// Deletes the source of the tenant in scope; its grants go with it (their links must
/// be gone: a link's key to its grant has no action).
pub async fn delete_source(tx: &mut TenantTx, source_id: &str) -> Result<()> {
    tx.query("DELETE FROM catalog_sources WHERE tenant_id = $1 AND id = $2")
        .bind(source_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// The tenants the source (of the tenant in scope) grants, oldest grant first.
pub async fn grants(tx: &mut TenantTx, source_id: &str) -> Result<Vec<String>> {
    Ok(tx
        .query_scalar(
            "SELECT subscriber_tenant_id FROM catalog_source_grants WHERE source_tenant_id = $1 AND source_id = $2 \
             ORDER BY created_at, subscriber_tenant_id",
        )
        .bind(source_id)
        .fetch_all(tx.conn())
        .await?)
}

/// Grants the source (of the tenant in scope) to `subscriber` (idempotent).
pub async fn grant(tx: &mut TenantTx, source_id: &str, subscriber: &str) -> Result<()> {
    tx.query(
        "INSERT INTO catalog_source_grants (source_tenant_id, source_id, subscriber_tenant_id) VALUES ($1, $2, $3) \
         ON CONFLICT DO NOTHING",
    )
    .bind(source_id)
    .bind(subscriber)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Removes a grant of the source (of the tenant in scope); its links must be gone.
pub async fn revoke(tx: &mut TenantTx, source_id: &str, subscriber: &str) -> Result<()> {
    tx.query(
        "DELETE FROM catalog_source_grants WHERE source_tenant_id = $1 AND source_id = $2 \
         AND subscriber_tenant_id = $3",
    )
    .bind(source_id)
    .bind(subscriber)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Links whose source product is one of `product_ids` of the tenant in scope.
pub async fn links_to_products(tx: &mut TenantTx, product_ids: &[String]) -> Result<Vec<LinkRow>> {
    Ok(tx
        .query_as(&format!(
            "SELECT {LINK_COLUMNS} FROM catalog_links WHERE source_tenant_id = $1 AND source_product_id = ANY($2) \
             ORDER BY subscriber_tenant_id, created_at"
        ))
        .bind(product_ids)
        .fetch_all(tx.conn())
        .await?)
}

// ---------------------------------------------------------------- the subscriber's scope

/// The sources granted to the tenant in scope, oldest grant first.
pub async fn granted_to(tx: &mut TenantTx) -> Result<Vec<GrantRow>> {
    Ok(tx
        .query_as(
            "SELECT source_id, source_tenant_id FROM catalog_source_grants WHERE subscriber_tenant_id = $1 \
             ORDER BY created_at, source_id",
        )
        .fetch_all(tx.conn())
        .await?)
}

/// The links of the tenant in scope (a subscriber) to one source.
pub async fn subscriptions(tx: &mut TenantTx, source_id: &str) -> Result<Vec<LinkRow>> {
    Ok(tx
        .query_as(&format!(
            "SELECT {LINK_COLUMNS} FROM catalog_links WHERE subscriber_tenant_id = $1 AND source_id = $2 \
             ORDER BY created_at, copy_product_id"
        ))
        .bind(source_id)
        .fetch_all(tx.conn())
        .await?)
}

/// Links the copy `l.copy_product_id` of the tenant in scope to its source product
/// (`l.subscriber_tenant_id` must be that tenant; the policy refuses any other).
pub async fn insert_link(tx: &mut TenantTx, l: &LinkRow) -> Result<()> {
    debug_assert_eq!(l.subscriber_tenant_id, tx.tenant_id().as_str());
    tx.query(
        "INSERT INTO catalog_links (subscriber_tenant_id, copy_product_id, source_id, source_tenant_id, source_product_id) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&l.copy_product_id)
    .bind(&l.source_id)
    .bind(&l.source_tenant_id)
    .bind(&l.source_product_id)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Drops a link of the tenant in scope (a subscriber) and its item map.
pub async fn delete_link(tx: &mut TenantTx, copy_product_id: &str) -> Result<()> {
    tx.query("DELETE FROM catalog_links WHERE subscriber_tenant_id = $1 AND copy_product_id = $2")
        .bind(copy_product_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// `(source item id, copy item id)` pairs of one copy of the tenant in scope: options,
/// option values, variants.
pub async fn items(tx: &mut TenantTx, copy_product_id: &str) -> Result<Vec<(String, String)>> {
    Ok(tx
        .query_as(
            "SELECT source_item_id, copy_item_id FROM catalog_link_items \
             WHERE subscriber_tenant_id = $1 AND copy_product_id = $2",
        )
        .bind(copy_product_id)
        .fetch_all(tx.conn())
        .await?)
}

/// Replaces the item map of one copy of the tenant in scope.
pub async fn replace_items(tx: &mut TenantTx, copy_product_id: &str, pairs: &[(String, String)]) -> Result<()> {
    tx.query("DELETE FROM catalog_link_items WHERE subscriber_tenant_id = $1 AND copy_product_id = $2")
        .bind(copy_product_id)
        .execute(tx.conn())
        .await?;
    for chunk in pairs.chunks(MAX_ROWS) {
        let sql = format!(
            "INSERT INTO catalog_link_items (subscriber_tenant_id, copy_product_id, source_item_id, copy_item_id) \
             VALUES {}",
            tenant_rows(chunk.len(), 3)
        );
        let mut q = tx.query(&sql);
        for (source, copy) in chunk {
            q = q.bind(copy_product_id).bind(source).bind(copy);
        }
        q.execute(tx.conn()).await?;
    }
    Ok(())
}
