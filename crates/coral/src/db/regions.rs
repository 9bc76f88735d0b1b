//! Regions of a tenant and their countries.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::types::Json;

use crate::core::ids::new_id;
use crate::core::Result;
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
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CountryRow {
    pub region_id: String,
    pub iso_2: String,
    pub iso_3: String,
    pub num_code: String,
    pub name: String,
    pub display_name: String,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, name, currency_code, automatic_taxes, metadata, created_at, updated_at, deleted_at";

/// One page of live regions, oldest first, with their countries; and the total count.
pub async fn list(tx: &mut TenantTx, limit: i64, offset: i64) -> Result<(Vec<RegionRow>, i64)> {
    let tenant = tx.tenant_id().as_str().to_owned();
    let mut rows: Vec<RegionRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM regions WHERE tenant_id = $1 AND deleted_at IS NULL \
         ORDER BY created_at, id LIMIT $2 OFFSET $3"
    ))
    .bind(&tenant)
    .bind(limit)
    .bind(offset)
    .fetch_all(tx.conn())
    .await?;
    let count = sqlx::query_scalar("SELECT count(*) FROM regions WHERE tenant_id = $1 AND deleted_at IS NULL")
        .bind(&tenant)
        .fetch_one(tx.conn())
        .await?;
    attach_countries(tx, &mut rows).await?;
    Ok((rows, count))
}

pub async fn get(tx: &mut TenantTx, id: &str) -> Result<Option<RegionRow>> {
    let row: Option<RegionRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM regions WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL"
    ))
    .bind(tx.tenant_id().as_str().to_owned())
    .bind(id)
    .fetch_optional(tx.conn())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let mut rows = vec![row];
    attach_countries(tx, &mut rows).await?;
    Ok(rows.pop())
}

/// Loads the countries of all `rows` in one query (no N+1).
async fn attach_countries(tx: &mut TenantTx, rows: &mut [RegionRow]) -> Result<()> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let countries: Vec<CountryRow> = sqlx::query_as(
        "SELECT rc.region_id, c.iso_2, c.iso_3, c.num_code, c.name, c.display_name, rc.created_at \
         FROM region_countries rc JOIN countries c ON c.iso_2 = rc.country_code \
         WHERE rc.tenant_id = $1 AND rc.region_id = ANY($2) ORDER BY c.iso_2",
    )
    .bind(tx.tenant_id().as_str().to_owned())
    .bind(&ids)
    .fetch_all(tx.conn())
    .await?;
    let mut by_region: HashMap<String, Vec<CountryRow>> = HashMap::new();
    for c in countries {
        by_region.entry(c.region_id.clone()).or_default().push(c);
    }
    for r in rows {
        r.countries = by_region.remove(&r.id).unwrap_or_default();
    }
    Ok(())
}

pub async fn insert(tx: &mut TenantTx, name: &str, currency_code: &str, countries: &[String]) -> Result<String> {
    let id = new_id("reg");
    let tenant = tx.tenant_id().as_str().to_owned();
    sqlx::query("INSERT INTO regions (tenant_id, id, name, currency_code) VALUES ($1, $2, $3, $4)")
        .bind(&tenant)
        .bind(&id)
        .bind(name)
        .bind(currency_code)
        .execute(tx.conn())
        .await?;
    sqlx::query("INSERT INTO region_countries (tenant_id, country_code, region_id) SELECT $1, unnest($2::text[]), $3")
        .bind(&tenant)
        .bind(countries)
        .bind(&id)
        .execute(tx.conn())
        .await?;
    Ok(id)
}
