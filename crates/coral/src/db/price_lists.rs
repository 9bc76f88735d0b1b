//! Price lists (`sale`, `override`), their prices and customer-group conditions.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Deserialize;
use sqlx::types::Json;

use crate::core::ids::new_id;
use crate::core::Result;
use crate::db::values::{insert_links, tenant_rows, MAX_ROWS};
use crate::db::TenantTx;

#[derive(Debug, Clone, Deserialize)]
pub struct ListPriceRow {
    pub id: String,
    pub variant_id: String,
    pub currency_code: String,
    pub region_id: Option<String>,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PriceListRow {
    pub id: String,
    pub title: String,
    pub description: String,
    pub r#type: String,
    pub status: String,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub customer_group_ids: Vec<String>,
    pub prices: Json<Vec<ListPriceRow>>,
}

/// Everything a price list write sets (prices and groups are replaced when given).
#[derive(Debug, Clone)]
pub struct PriceListFields {
    pub title: String,
    pub description: String,
    pub r#type: String,
    pub status: String,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
}

/// A price to store: variant, currency, optional region, amount.
#[derive(Debug, Clone)]
pub struct NewListPrice {
    pub variant_id: String,
    pub currency_code: String,
    pub region_id: Option<String>,
    pub amount: Decimal,
}

const SELECT: &str = "SELECT l.id, l.title, l.description, l.type, l.status, l.starts_at, l.ends_at, l.created_at, \
    l.updated_at, \
    coalesce((SELECT array_agg(g.customer_group_id ORDER BY g.customer_group_id) FROM price_list_customer_groups g \
        WHERE g.tenant_id = $1 AND g.price_list_id = l.id), '{}') AS customer_group_ids, \
    coalesce((SELECT json_agg(json_build_object('id', p.id, 'variant_id', p.variant_id, 'currency_code', \
        p.currency_code, 'region_id', p.region_id, 'amount', p.amount::text) ORDER BY p.created_at, p.id) \
        FROM price_list_prices p WHERE p.tenant_id = $1 AND p.price_list_id = l.id), '[]') AS prices \
    FROM price_lists l WHERE l.tenant_id = $1";

pub async fn list(tx: &mut TenantTx, limit: i64, offset: i64) -> Result<(Vec<PriceListRow>, i64)> {
    let rows = tx
        .query_as(&format!("{SELECT} ORDER BY l.created_at DESC, l.id LIMIT $2 OFFSET $3"))
        .bind(limit)
        .bind(offset)
        .fetch_all(tx.conn())
        .await?;
    let count = tx
        .query_scalar("SELECT count(*) FROM price_lists WHERE tenant_id = $1")
        .fetch_one(tx.conn())
        .await?;
    Ok((rows, count))
}

/// The active lists (whatever their dates), for the catalog snapshot.
pub async fn active(tx: &mut TenantTx) -> Result<Vec<PriceListRow>> {
    Ok(tx
        .query_as(&format!("{SELECT} AND l.status = 'active'"))
        .fetch_all(tx.conn())
        .await?)
}

pub async fn get(tx: &mut TenantTx, id: &str) -> Result<Option<PriceListRow>> {
    Ok(tx
        .query_as(&format!("{SELECT} AND l.id = $2"))
        .bind(id)
        .fetch_optional(tx.conn())
        .await?)
}

/// Inserts (`id` None) or updates a list; false when there is no list `id`.
pub async fn save(tx: &mut TenantTx, id: Option<&str>, f: &PriceListFields) -> Result<(String, bool)> {
    let (id, sql) = match id {
        None => (
            new_id("plist"),
            "INSERT INTO price_lists (tenant_id, id, title, description, type, status, starts_at, ends_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        ),
        Some(id) => (
            id.to_owned(),
            "UPDATE price_lists SET title = $3, description = $4, type = $5, status = $6, starts_at = $7, \
             ends_at = $8, updated_at = now() WHERE tenant_id = $1 AND id = $2",
        ),
    };
    let done = tx
        .query(sql)
        .bind(&id)
        .bind(&f.title)
        .bind(&f.description)
        .bind(&f.r#type)
        .bind(&f.status)
        .bind(f.starts_at)
        .bind(f.ends_at)
        .execute(tx.conn())
        .await?;
    Ok((id, done.rows_affected() == 1))
}

/// Replaces the list's prices.
pub async fn set_prices(tx: &mut TenantTx, list_id: &str, prices: &[NewListPrice]) -> Result<()> {
    tx.query("DELETE FROM price_list_prices WHERE tenant_id = $1 AND price_list_id = $2")
        .bind(list_id)
        .execute(tx.conn())
        .await?;
    for chunk in prices.chunks(MAX_ROWS) {
        let sql = format!(
            "INSERT INTO price_list_prices (tenant_id, id, price_list_id, variant_id, currency_code, region_id, amount) \
             VALUES {}",
            tenant_rows(chunk.len(), 6)
        );
        let mut q = tx.query(&sql);
        for p in chunk {
            q = q
                .bind(new_id("price"))
                .bind(list_id)
                .bind(&p.variant_id)
                .bind(&p.currency_code)
                .bind(p.region_id.as_deref())
                .bind(p.amount);
        }
        q.execute(tx.conn()).await?;
    }
    Ok(())
}

/// Replaces the customer groups the list is limited to (none: everyone).
pub async fn set_groups(tx: &mut TenantTx, list_id: &str, groups: &[String]) -> Result<()> {
    tx.query("DELETE FROM price_list_customer_groups WHERE tenant_id = $1 AND price_list_id = $2")
        .bind(list_id)
        .execute(tx.conn())
        .await?;
    insert_links(
        tx,
        "price_list_customer_groups (tenant_id, price_list_id, customer_group_id)",
        list_id,
        groups,
    )
    .await
}

pub async fn delete(tx: &mut TenantTx, id: &str) -> Result<bool> {
    let done = tx
        .query("DELETE FROM price_lists WHERE tenant_id = $1 AND id = $2")
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}
