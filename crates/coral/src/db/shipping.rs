//! Flat-rate shipping options of a tenant's regions.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde_json::Value;
use sqlx::types::Json;

use crate::core::ids::new_id;
use crate::core::Result;
use crate::db::TenantTx;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ShippingOptionRow {
    pub id: String,
    pub region_id: String,
    /// The region's currency: the option's price is in it.
    pub currency_code: String,
    pub name: String,
    pub type_code: String,
    pub type_label: String,
    pub type_description: String,
    pub provider_id: String,
    pub amount: Decimal,
    pub enabled_in_store: bool,
    pub metadata: Option<Json<Value>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The tenant's first stock location: where Medusa's option says it ships from.
    pub location_id: Option<String>,
    pub location_address: Option<Json<Value>>,
}

#[derive(Debug, Clone)]
pub struct ShippingOptionFields {
    pub region_id: String,
    pub name: String,
    pub type_code: String,
    pub type_label: String,
    pub type_description: String,
    pub amount: Decimal,
    pub enabled_in_store: bool,
    pub metadata: Option<Value>,
}

impl ShippingOptionRow {
    pub fn fields(&self) -> ShippingOptionFields {
        ShippingOptionFields {
            region_id: self.region_id.clone(),
            name: self.name.clone(),
            type_code: self.type_code.clone(),
            type_label: self.type_label.clone(),
            type_description: self.type_description.clone(),
            amount: self.amount,
            enabled_in_store: self.enabled_in_store,
            metadata: self.metadata.as_ref().map(|m| m.0.clone()),
        }
    }
}

/// The store's first stock location (the options' origin) comes from scalar subqueries, not a
/// lateral outer join (`… ON true`): Citus on PostgreSQL 15/16 refuses that outer join under row
/// level security ("outer joins and pseudoconstant quals"; docs/citus-findings.md).
const SELECT: &str = "SELECT s.id, s.region_id, r.currency_code, s.name, s.type_code, s.type_label, \
    s.type_description, s.provider_id, s.amount, s.enabled_in_store, s.metadata, s.created_at, s.updated_at, \
    (SELECT l.id FROM stock_locations l WHERE l.tenant_id = $1 ORDER BY l.created_at, l.id LIMIT 1) AS location_id, \
    (SELECT l.address FROM stock_locations l WHERE l.tenant_id = $1 ORDER BY l.created_at, l.id LIMIT 1) \
        AS location_address \
    FROM shipping_options s JOIN regions r ON r.tenant_id = $1 AND r.id = s.region_id \
    WHERE s.tenant_id = $1 AND s.deleted_at IS NULL";

/// Live options, oldest first; of one region when `region_id` is given, and only those
/// enabled in the store when `store_only`.
pub async fn list(tx: &mut TenantTx, region_id: Option<&str>, store_only: bool) -> Result<Vec<ShippingOptionRow>> {
    Ok(tx
        .query_as(&format!(
            "{SELECT} AND ($2::text IS NULL OR s.region_id = $2) AND (NOT $3 OR s.enabled_in_store) \
         ORDER BY s.created_at, s.id"
        ))
        .bind(region_id)
        .bind(store_only)
        .fetch_all(tx.conn())
        .await?)
}

pub async fn get(tx: &mut TenantTx, id: &str) -> Result<Option<ShippingOptionRow>> {
    Ok(tx
        .query_as(&format!("{SELECT} AND s.id = $2"))
        .bind(id)
        .fetch_optional(tx.conn())
        .await?)
}

pub async fn insert(tx: &mut TenantTx, f: &ShippingOptionFields) -> Result<String> {
    let id = new_id("so");
    save(tx, &id, f, true).await?;
    Ok(id)
}

pub async fn update(tx: &mut TenantTx, id: &str, f: &ShippingOptionFields) -> Result<()> {
    save(tx, id, f, false).await
}

async fn save(tx: &mut TenantTx, id: &str, f: &ShippingOptionFields, insert: bool) -> Result<()> {
    let sql = if insert {
        "INSERT INTO shipping_options (tenant_id, id, region_id, name, type_code, type_label, type_description, \
         amount, enabled_in_store, metadata) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    } else {
        "UPDATE shipping_options SET region_id = $3, name = $4, type_code = $5, type_label = $6, \
         type_description = $7, amount = $8, enabled_in_store = $9, metadata = $10, updated_at = now() \
         WHERE tenant_id = $1 AND id = $2"
    };
    tx.query(sql)
        .bind(id)
        .bind(&f.region_id)
        .bind(&f.name)
        .bind(&f.type_code)
        .bind(&f.type_label)
        .bind(&f.type_description)
        .bind(f.amount)
        .bind(f.enabled_in_store)
        .bind(f.metadata.as_ref().map(Json))
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Soft delete: carts and orders keep pointing at it.
pub async fn delete(tx: &mut TenantTx, id: &str) -> Result<bool> {
    let done = tx
        .query("UPDATE shipping_options SET deleted_at = now() WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL")
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}
