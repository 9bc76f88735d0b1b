//! Campaigns: dates and a budget shared by their promotions.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::core::ids::new_id;
use crate::core::Result;
use crate::db::TenantTx;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CampaignRow {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub campaign_identifier: String,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub budget_type: Option<String>,
    pub budget_currency_code: Option<String>,
    pub budget_limit: Option<Decimal>,
    pub budget_used: Decimal,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Everything a campaign write sets.
#[derive(Debug, Clone)]
pub struct CampaignFields {
    pub name: String,
    pub description: Option<String>,
    pub campaign_identifier: String,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub budget_type: Option<String>,
    pub budget_currency_code: Option<String>,
    pub budget_limit: Option<Decimal>,
}

impl CampaignRow {
    pub fn fields(&self) -> CampaignFields {
        CampaignFields {
            name: self.name.clone(),
            description: self.description.clone(),
            campaign_identifier: self.campaign_identifier.clone(),
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            budget_type: self.budget_type.clone(),
            budget_currency_code: self.budget_currency_code.clone(),
            budget_limit: self.budget_limit,
        }
    }
}

const SELECT: &str = "SELECT id, name, description, campaign_identifier, starts_at, ends_at, budget_type, \
    budget_currency_code, budget_limit, budget_used, created_at, updated_at FROM campaigns \
    WHERE tenant_id = $1 AND deleted_at IS NULL";

pub async fn list(tx: &mut TenantTx, limit: i64, offset: i64) -> Result<(Vec<CampaignRow>, i64)> {
    let rows = tx
        .query_as(&format!("{SELECT} ORDER BY created_at DESC, id LIMIT $2 OFFSET $3"))
        .bind(limit)
        .bind(offset)
        .fetch_all(tx.conn())
        .await?;
    let count = tx
        .query_scalar("SELECT count(*) FROM campaigns WHERE tenant_id = $1 AND deleted_at IS NULL")
        .fetch_one(tx.conn())
        .await?;
    Ok((rows, count))
}

pub async fn get(tx: &mut TenantTx, id: &str) -> Result<Option<CampaignRow>> {
    Ok(tx
        .query_as(&format!("{SELECT} AND id = $2"))
        .bind(id)
        .fetch_optional(tx.conn())
        .await?)
}

/// The live campaigns among `ids`.
pub async fn by_ids(tx: &mut TenantTx, ids: &[String]) -> Result<Vec<CampaignRow>> {
    Ok(tx
        .query_as(&format!("{SELECT} AND id = ANY($2)"))
        .bind(ids)
        .fetch_all(tx.conn())
        .await?)
}

pub async fn insert(tx: &mut TenantTx, f: &CampaignFields) -> Result<String> {
    let id = new_id("procamp");
    save(tx, &id, f, true).await?;
    Ok(id)
}

/// False when there is no such campaign.
pub async fn update(tx: &mut TenantTx, id: &str, f: &CampaignFields) -> Result<bool> {
    save(tx, id, f, false).await
}

async fn save(tx: &mut TenantTx, id: &str, f: &CampaignFields, insert: bool) -> Result<bool> {
    let sql = if insert {
        "INSERT INTO campaigns (tenant_id, id, name, description, campaign_identifier, starts_at, ends_at, \
         budget_type, budget_currency_code, budget_limit) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    } else {
        "UPDATE campaigns SET name = $3, description = $4, campaign_identifier = $5, starts_at = $6, ends_at = $7, \
         budget_type = $8, budget_currency_code = $9, budget_limit = $10, updated_at = now() \
         WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL"
    };
    let done = tx
        .query(sql)
        .bind(id)
        .bind(&f.name)
        .bind(&f.description)
        .bind(&f.campaign_identifier)
        .bind(f.starts_at)
        .bind(f.ends_at)
        .bind(&f.budget_type)
        .bind(&f.budget_currency_code)
        .bind(f.budget_limit)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Soft delete; its promotions lose the campaign (and with it its dates and budget).
pub async fn delete(tx: &mut TenantTx, id: &str) -> Result<bool> {
    tx.query("UPDATE promotions SET campaign_id = NULL, updated_at = now() WHERE tenant_id = $1 AND campaign_id = $2")
        .bind(id)
        .execute(tx.conn())
        .await?;
    let done = tx
        .query(
            "UPDATE campaigns SET deleted_at = now(), updated_at = now() WHERE tenant_id = $1 AND id = $2 \
         AND deleted_at IS NULL",
        )
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The promotions (campaign id, id, code) of these campaigns, in one query (Medusa shows
/// them with the campaign).
pub async fn promotions_of(tx: &mut TenantTx, ids: &[String]) -> Result<Vec<(String, String, String)>> {
    Ok(tx
        .query_as(
            "SELECT campaign_id, id, code FROM promotions WHERE tenant_id = $1 AND campaign_id = ANY($2) \
         AND deleted_at IS NULL ORDER BY created_at, id",
        )
        .bind(ids)
        .fetch_all(tx.conn())
        .await?)
}
