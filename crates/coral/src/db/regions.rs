//! Regions of a tenant, their countries (with a tax rate each) and payment providers.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde_json::Value;
use sqlx::types::Json;

use crate::core::ids::new_id;
use crate::core::Result;
use crate::db::values::{insert_links, tenant_rows, MAX_ROWS};
use crate::db::TenantTx;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RegionRow {
    pub id: String,
    pub name: String,
    pub currency_code: String,
    pub automatic_taxes: bool,
    pub metadata: Option<Json<Value>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    #[sqlx(skip)]
    pub countries: Vec<CountryRow>,
    #[sqlx(skip)]
    pub payment_providers: Vec<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CountryRow {
    pub region_id: String,
    pub iso_2: String,
    pub iso_3: String,
    pub num_code: String,
    pub name: String,
    pub display_name: String,
    /// Percent, e.g. 20 for 20 %.
    pub tax_rate: Decimal,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, name, currency_code, automatic_taxes, metadata, created_at, updated_at, deleted_at";

/// One page of live regions, oldest first, with their countries; and the total count.
pub async fn list(tx: &mut TenantTx, limit: i64, offset: i64) -> Result<(Vec<RegionRow>, i64)> {
    let mut rows: Vec<RegionRow> = tx
        .query_as(&format!(
            "SELECT {COLUMNS} FROM regions WHERE tenant_id = $1 AND deleted_at IS NULL \
         ORDER BY created_at, id LIMIT $2 OFFSET $3"
        ))
        .bind(limit)
        .bind(offset)
        .fetch_all(tx.conn())
        .await?;
    let count = tx
        .query_scalar("SELECT count(*) FROM regions WHERE tenant_id = $1 AND deleted_at IS NULL")
        .fetch_one(tx.conn())
        .await?;
    attach_countries(tx, &mut rows).await?;
    Ok((rows, count))
}

pub async fn get(tx: &mut TenantTx, id: &str) -> Result<Option<RegionRow>> {
    get_where(tx, id, "AND deleted_at IS NULL").await
}

/// A region, also when soft-deleted (a cart or order still names it).
pub async fn get_even_deleted(tx: &mut TenantTx, id: &str) -> Result<Option<RegionRow>> {
    get_where(tx, id, "").await
}

async fn get_where(tx: &mut TenantTx, id: &str, live: &str) -> Result<Option<RegionRow>> {
    let row: Option<RegionRow> = tx
        .query_as(&format!(
            "SELECT {COLUMNS} FROM regions WHERE tenant_id = $1 AND id = $2 {live}"
        ))
        .bind(id)
        .fetch_optional(tx.conn())
        .await?;
    let Some(row) = row else { return Ok(None) };
    let mut rows = vec![row];
    attach_countries(tx, &mut rows).await?;
    Ok(rows.pop())
}

/// Loads the countries and payment providers of all `rows`, one query each (no N+1).
async fn attach_countries(tx: &mut TenantTx, rows: &mut [RegionRow]) -> Result<()> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let countries: Vec<CountryRow> = tx
        .query_as(
            "SELECT rc.region_id, c.iso_2, c.iso_3, c.num_code, c.name, c.display_name, rc.tax_rate, rc.created_at \
         FROM region_countries rc JOIN countries c ON c.iso_2 = rc.country_code \
         WHERE rc.tenant_id = $1 AND rc.region_id = ANY($2) ORDER BY c.iso_2",
        )
        .bind(&ids)
        .fetch_all(tx.conn())
        .await?;
    let providers: Vec<(String, String)> = tx
        .query_as(
            "SELECT region_id, provider_id FROM region_payment_providers \
         WHERE tenant_id = $1 AND region_id = ANY($2) ORDER BY provider_id",
        )
        .bind(&ids)
        .fetch_all(tx.conn())
        .await?;
    let mut by_region: HashMap<String, Vec<CountryRow>> = HashMap::new();
    for c in countries {
        by_region.entry(c.region_id.clone()).or_default().push(c);
    }
    let mut providers_by_region: HashMap<String, Vec<String>> = HashMap::new();
    for (region, provider) in providers {
        providers_by_region.entry(region).or_default().push(provider);
    }
    for r in rows {
        r.countries = by_region.remove(&r.id).unwrap_or_default();
        r.payment_providers = providers_by_region.remove(&r.id).unwrap_or_default();
    }
    Ok(())
}

/// The provider every region offers unless told otherwise (Medusa's default).
pub const DEFAULT_PAYMENT_PROVIDER: &str = "pp_system_default";

/// A region as written: its fields, countries with tax rates, payment providers.
#[derive(Debug, Clone)]
pub struct RegionFields {
    pub name: String,
    pub currency_code: String,
    pub automatic_taxes: bool,
    pub metadata: Option<Value>,
    /// `(iso_2, tax rate in percent)`.
    pub countries: Vec<(String, Decimal)>,
    pub payment_providers: Vec<String>,
}

/// A region with the default provider and no tax (fixtures, demo, provisioning).
pub async fn insert(tx: &mut TenantTx, name: &str, currency_code: &str, countries: &[String]) -> Result<String> {
    let fields = RegionFields {
        name: name.to_owned(),
        currency_code: currency_code.to_owned(),
        automatic_taxes: true,
        metadata: None,
        countries: countries.iter().map(|c| (c.clone(), Decimal::ZERO)).collect(),
        payment_providers: vec![DEFAULT_PAYMENT_PROVIDER.to_owned()],
    };
    let id = new_id("reg");
    save(tx, &id, &fields, true).await?;
    Ok(id)
}

/// Writes region `id`: inserted when `insert`, else overwritten (countries and providers
/// replaced). Returns whether a live region was written.
pub async fn save(tx: &mut TenantTx, id: &str, r: &RegionFields, insert: bool) -> Result<bool> {
    let sql = if insert {
        "INSERT INTO regions (tenant_id, id, name, currency_code, automatic_taxes, metadata) \
         VALUES ($1, $2, $3, $4, $5, $6)"
    } else {
        "UPDATE regions SET name = $3, currency_code = $4, automatic_taxes = $5, metadata = $6, updated_at = now() \
         WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL"
    };
    let done = tx
        .query(sql)
        .bind(id)
        .bind(&r.name)
        .bind(&r.currency_code)
        .bind(r.automatic_taxes)
        .bind(r.metadata.as_ref().map(Json))
        .execute(tx.conn())
        .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    for table in ["region_countries", "region_payment_providers"] {
        tx.query(&format!("DELETE FROM {table} WHERE tenant_id = $1 AND region_id = $2"))
            .bind(id)
            .execute(tx.conn())
            .await?;
    }
    for chunk in r.countries.chunks(MAX_ROWS) {
        let sql = format!(
            "INSERT INTO region_countries (tenant_id, country_code, region_id, tax_rate) VALUES {}",
            tenant_rows(chunk.len(), 3)
        );
        let mut q = tx.query(&sql);
        for (code, rate) in chunk {
            q = q.bind(code).bind(id).bind(*rate);
        }
        q.execute(tx.conn()).await?;
    }
    insert_links(
        tx,
        "region_payment_providers (tenant_id, region_id, provider_id)",
        id,
        &r.payment_providers,
    )
    .await?;
    Ok(true)
}

/// Soft-deletes a region as Medusa does (orders and carts may still name it); its
/// countries are freed for other regions and its region-specific prices dropped.
pub async fn delete(tx: &mut TenantTx, id: &str) -> Result<bool> {
    let done = tx
        .query(
            "UPDATE regions SET deleted_at = now(), updated_at = now() \
         WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL",
        )
        .bind(id)
        .execute(tx.conn())
        .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    for table in ["region_countries", "region_payment_providers", "prices"] {
        tx.query(&format!("DELETE FROM {table} WHERE tenant_id = $1 AND region_id = $2"))
            .bind(id)
            .execute(tx.conn())
            .await?;
    }
    Ok(true)
}

/// The payment provider ids a live region offers, sorted (empty for an unknown region).
/// Checkout reads them to offer payment sessions.
pub async fn payment_providers(tx: &mut TenantTx, region_id: &str) -> Result<Vec<String>> {
    Ok(tx
        .query_scalar(
            "SELECT p.provider_id FROM region_payment_providers p \
         JOIN regions r ON r.tenant_id = $1 AND r.id = p.region_id AND r.deleted_at IS NULL \
         WHERE p.tenant_id = $1 AND p.region_id = $2 ORDER BY p.provider_id",
        )
        .bind(region_id)
        .fetch_all(tx.conn())
        .await?)
}

/// Drops a region's own prices that are not in `currency` (after its currency changed).
pub async fn drop_prices_not_in(tx: &mut TenantTx, region_id: &str, currency: &str) -> Result<()> {
    tx.query("DELETE FROM prices WHERE tenant_id = $1 AND region_id = $2 AND currency_code <> $3")
        .bind(region_id)
        .bind(currency)
        .execute(tx.conn())
        .await?;
    Ok(())
}
