//! The master catalog's link tables: sources, their grants, and the links from a
//! subscriber's copies to source products. Platform tables: these functions take the
//! connection of a [`CrossTenantTx`](crate::db::CrossTenantTx) in its link scope, never a
//! tenant's.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::core::ids::new_id;
use crate::core::Result;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SourceRow {
    pub id: String,
    pub tenant_id: String,
    pub created_at: DateTime<Utc>,
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

/// The source a tenant publishes, if it is one.
pub async fn source_of(conn: &mut PgConnection, tenant_id: &str) -> Result<Option<SourceRow>> {
    Ok(
        sqlx::query_as("SELECT id, tenant_id, created_at FROM catalog_sources WHERE tenant_id = $1")
            .bind(tenant_id)
            .fetch_optional(conn)
            .await?,
    )
}

/// Makes the tenant a source (idempotent) and returns it.
pub async fn create_source(conn: &mut PgConnection, tenant_id: &str) -> Result<SourceRow> {
    sqlx::query("INSERT INTO catalog_sources (id, tenant_id) VALUES ($1, $2) ON CONFLICT (tenant_id) DO NOTHING")
        .bind(new_id("csrc"))
        .bind(tenant_id)
        .execute(&mut *conn)
        .await?;
    Ok(
        sqlx::query_as("SELECT id, tenant_id, created_at FROM catalog_sources WHERE tenant_id = $1")
            .bind(tenant_id)
            .fetch_one(conn)
            .await?,
    )
}

pub async fn delete_source(conn: &mut PgConnection, source_id: &str) -> Result<()> {
    sqlx::query("DELETE FROM catalog_sources WHERE id = $1")
        .bind(source_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The tenants a source grants, oldest grant first.
pub async fn grants(conn: &mut PgConnection, source_id: &str) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT subscriber_tenant_id FROM catalog_source_grants WHERE source_id = $1 ORDER BY created_at, subscriber_tenant_id",
    )
    .bind(source_id)
    .fetch_all(conn)
    .await?)
}

pub async fn grant(conn: &mut PgConnection, source_id: &str, subscriber: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO catalog_source_grants (source_id, subscriber_tenant_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(source_id)
    .bind(subscriber)
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes a grant (its links must be gone). Whether it existed.
pub async fn revoke(conn: &mut PgConnection, source_id: &str, subscriber: &str) -> Result<bool> {
    let done = sqlx::query("DELETE FROM catalog_source_grants WHERE source_id = $1 AND subscriber_tenant_id = $2")
        .bind(source_id)
        .bind(subscriber)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The sources that grant `subscriber`, oldest first.
pub async fn granted_to(conn: &mut PgConnection, subscriber: &str) -> Result<Vec<SourceRow>> {
    Ok(sqlx::query_as(
        "SELECT s.id, s.tenant_id, s.created_at FROM catalog_sources s \
         JOIN catalog_source_grants g ON g.source_id = s.id WHERE g.subscriber_tenant_id = $1 \
         ORDER BY s.created_at, s.id",
    )
    .bind(subscriber)
    .fetch_all(conn)
    .await?)
}

/// Links whose source product is one of `product_ids` of `source_tenant`.
pub async fn links_to_products(
    conn: &mut PgConnection,
    source_tenant: &str,
    product_ids: &[String],
) -> Result<Vec<LinkRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {LINK_COLUMNS} FROM catalog_links WHERE source_tenant_id = $1 AND source_product_id = ANY($2) \
         ORDER BY subscriber_tenant_id, created_at"
    ))
    .bind(source_tenant)
    .bind(product_ids)
    .fetch_all(conn)
    .await?)
}

/// Links of one source, all subscribers or only `subscriber`.
pub async fn links_of_source(
    conn: &mut PgConnection,
    source_id: &str,
    subscriber: Option<&str>,
) -> Result<Vec<LinkRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {LINK_COLUMNS} FROM catalog_links WHERE source_id = $1 AND ($2::text IS NULL OR subscriber_tenant_id = $2) \
         ORDER BY subscriber_tenant_id, created_at, copy_product_id"
    ))
    .bind(source_id)
    .bind(subscriber)
    .fetch_all(conn)
    .await?)
}

pub async fn insert_link(conn: &mut PgConnection, l: &LinkRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO catalog_links (subscriber_tenant_id, copy_product_id, source_id, source_tenant_id, source_product_id) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&l.subscriber_tenant_id)
    .bind(&l.copy_product_id)
    .bind(&l.source_id)
    .bind(&l.source_tenant_id)
    .bind(&l.source_product_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Drops a link and its item map.
pub async fn delete_link(conn: &mut PgConnection, subscriber: &str, copy_product_id: &str) -> Result<()> {
    sqlx::query("DELETE FROM catalog_links WHERE subscriber_tenant_id = $1 AND copy_product_id = $2")
        .bind(subscriber)
        .bind(copy_product_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// `(source item id, copy item id)` pairs of one copy: options, option values, variants.
pub async fn items(conn: &mut PgConnection, subscriber: &str, copy_product_id: &str) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT source_item_id, copy_item_id FROM catalog_link_items \
         WHERE subscriber_tenant_id = $1 AND copy_product_id = $2",
    )
    .bind(subscriber)
    .bind(copy_product_id)
    .fetch_all(conn)
    .await?)
}

/// Replaces the item map of one copy.
pub async fn replace_items(
    conn: &mut PgConnection,
    subscriber: &str,
    copy_product_id: &str,
    pairs: &[(String, String)],
) -> Result<()> {
    sqlx::query("DELETE FROM catalog_link_items WHERE subscriber_tenant_id = $1 AND copy_product_id = $2")
        .bind(subscriber)
        .bind(copy_product_id)
        .execute(&mut *conn)
        .await?;
    let (sources, copies): (Vec<&str>, Vec<&str>) = pairs.iter().map(|(s, c)| (s.as_str(), c.as_str())).unzip();
    sqlx::query(
        "INSERT INTO catalog_link_items (subscriber_tenant_id, copy_product_id, source_item_id, copy_item_id) \
         SELECT $1, $2, s, c FROM unnest($3::text[], $4::text[]) AS x(s, c)",
    )
    .bind(subscriber)
    .bind(copy_product_id)
    .bind(&sources)
    .bind(&copies)
    .execute(conn)
    .await?;
    Ok(())
}
