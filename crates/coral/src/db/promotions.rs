//! Promotions, the codes applied to carts, and what orders used. A promotion is read with
//! its campaign (one LEFT JOIN), since every use needs the campaign's dates and budget.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::types::Json;

use crate::core::ids::new_id;
use crate::core::Result;
use crate::db::TenantTx;

/// A promotion rule: `attribute operator values` (Medusa's shape, values as strings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub id: String,
    pub attribute: String,
    pub operator: String,
    pub values: Vec<String>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PromotionRow {
    pub id: String,
    pub code: String,
    pub r#type: String,
    pub status: String,
    pub is_automatic: bool,
    pub is_tax_inclusive: bool,
    pub usage_limit: Option<i32>,
    pub used: i32,
    pub campaign_id: Option<String>,
    pub method_type: String,
    pub target_type: String,
    pub allocation: Option<String>,
    pub value: Decimal,
    pub currency_code: Option<String>,
    pub max_quantity: Option<i32>,
    pub apply_to_quantity: Option<i32>,
    pub buy_rules_min_quantity: Option<i32>,
    pub rules: Json<Vec<Rule>>,
    pub target_rules: Json<Vec<Rule>>,
    pub buy_rules: Json<Vec<Rule>>,
    pub metadata: Option<Json<Value>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The promotion's campaign, when it has one that is not deleted.
    #[sqlx(flatten)]
    pub campaign: CampaignCols,
    /// For a cart's promotions: whether the shopper applied it (else it is automatic).
    #[sqlx(default)]
    pub applied: bool,
}

/// The campaign columns of a promotion read (all NULL without a campaign).
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct CampaignCols {
    #[sqlx(rename = "c_id")]
    pub id: Option<String>,
    #[sqlx(rename = "c_starts_at")]
    pub starts_at: Option<DateTime<Utc>>,
    #[sqlx(rename = "c_ends_at")]
    pub ends_at: Option<DateTime<Utc>>,
    #[sqlx(rename = "c_budget_type")]
    pub budget_type: Option<String>,
    #[sqlx(rename = "c_budget_currency_code")]
    pub budget_currency_code: Option<String>,
    #[sqlx(rename = "c_budget_limit")]
    pub budget_limit: Option<Decimal>,
    #[sqlx(rename = "c_budget_used")]
    pub budget_used: Option<Decimal>,
}

const SELECT: &str = "SELECT p.id, p.code, p.type, p.status, p.is_automatic, p.is_tax_inclusive, p.usage_limit, \
    p.used, p.campaign_id, p.method_type, p.target_type, p.allocation, p.value, p.currency_code, p.max_quantity, \
    p.apply_to_quantity, p.buy_rules_min_quantity, p.rules, p.target_rules, p.buy_rules, p.metadata, \
    p.created_at, p.updated_at, c.id AS c_id, c.starts_at AS c_starts_at, c.ends_at AS c_ends_at, \
    c.budget_type AS c_budget_type, c.budget_currency_code AS c_budget_currency_code, \
    c.budget_limit AS c_budget_limit, c.budget_used AS c_budget_used \
    FROM promotions p LEFT JOIN campaigns c ON c.tenant_id = $1 AND c.id = p.campaign_id \
    AND c.deleted_at IS NULL \
    WHERE p.tenant_id = $1 AND p.deleted_at IS NULL";

/// Everything a promotion write sets (the use case merges an update into the current row).
#[derive(Debug, Clone)]
pub struct PromotionFields {
    pub code: String,
    pub r#type: String,
    pub status: String,
    pub is_automatic: bool,
    pub is_tax_inclusive: bool,
    pub usage_limit: Option<i32>,
    pub campaign_id: Option<String>,
    pub method_type: String,
    pub target_type: String,
    pub allocation: Option<String>,
    pub value: Decimal,
    pub currency_code: Option<String>,
    pub max_quantity: Option<i32>,
    pub apply_to_quantity: Option<i32>,
    pub buy_rules_min_quantity: Option<i32>,
    pub rules: Vec<Rule>,
    pub target_rules: Vec<Rule>,
    pub buy_rules: Vec<Rule>,
    pub metadata: Option<Value>,
}

impl PromotionRow {
    pub fn fields(&self) -> PromotionFields {
        PromotionFields {
            code: self.code.clone(),
            r#type: self.r#type.clone(),
            status: self.status.clone(),
            is_automatic: self.is_automatic,
            is_tax_inclusive: self.is_tax_inclusive,
            usage_limit: self.usage_limit,
            campaign_id: self.campaign_id.clone(),
            method_type: self.method_type.clone(),
            target_type: self.target_type.clone(),
            allocation: self.allocation.clone(),
            value: self.value,
            currency_code: self.currency_code.clone(),
            max_quantity: self.max_quantity,
            apply_to_quantity: self.apply_to_quantity,
            buy_rules_min_quantity: self.buy_rules_min_quantity,
            rules: self.rules.0.clone(),
            target_rules: self.target_rules.0.clone(),
            buy_rules: self.buy_rules.0.clone(),
            metadata: self.metadata.as_ref().map(|m| m.0.clone()),
        }
    }
}

pub async fn list(tx: &mut TenantTx, limit: i64, offset: i64) -> Result<(Vec<PromotionRow>, i64)> {
    let rows = tx
        .query_as(&format!("{SELECT} ORDER BY p.created_at DESC, p.id LIMIT $2 OFFSET $3"))
        .bind(limit)
        .bind(offset)
        .fetch_all(tx.conn())
        .await?;
    let count = tx
        .query_scalar("SELECT count(*) FROM promotions WHERE tenant_id = $1 AND deleted_at IS NULL")
        .fetch_one(tx.conn())
        .await?;
    Ok((rows, count))
}

pub async fn get(tx: &mut TenantTx, id: &str) -> Result<Option<PromotionRow>> {
    Ok(tx
        .query_as(&format!("{SELECT} AND p.id = $2"))
        .bind(id)
        .fetch_optional(tx.conn())
        .await?)
}

/// The promotions with exactly these codes (codes are case-sensitive).
pub async fn by_codes(tx: &mut TenantTx, codes: &[String]) -> Result<Vec<PromotionRow>> {
    Ok(tx
        .query_as(&format!("{SELECT} AND p.code = ANY($2)"))
        .bind(codes)
        .fetch_all(tx.conn())
        .await?)
}

/// What may discount a cart: the promotions applied to it (`applied`) and the store's
/// active automatic ones, in the order they were applied (automatic ones last).
pub async fn for_cart(tx: &mut TenantTx, cart_id: &str) -> Result<Vec<PromotionRow>> {
    Ok(tx.query_as(&format!(
        "SELECT q.* FROM (SELECT x.*, cp.created_at AS applied_at, cp.promotion_id IS NOT NULL AS applied FROM ({SELECT}) x \
         LEFT JOIN cart_promotions cp ON cp.tenant_id = $1 AND cp.cart_id = $2 AND cp.promotion_id = x.id) q \
         WHERE q.applied OR (q.is_automatic AND q.status = 'active') ORDER BY q.applied_at NULLS LAST, q.created_at, q.id"
    ))
    .bind(cart_id)
    .fetch_all(tx.conn())
    .await?)
}

pub async fn insert(tx: &mut TenantTx, f: &PromotionFields) -> Result<String> {
    let id = new_id("promo");
    save(tx, &id, f, true).await?;
    Ok(id)
}

/// False when there is no such promotion.
pub async fn update(tx: &mut TenantTx, id: &str, f: &PromotionFields) -> Result<bool> {
    save(tx, id, f, false).await
}

async fn save(tx: &mut TenantTx, id: &str, f: &PromotionFields, insert: bool) -> Result<bool> {
    let sql = if insert {
        "INSERT INTO promotions (tenant_id, id, code, type, status, is_automatic, is_tax_inclusive, usage_limit, \
         campaign_id, method_type, target_type, allocation, value, currency_code, max_quantity, apply_to_quantity, \
         buy_rules_min_quantity, rules, target_rules, buy_rules, metadata) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)"
    } else {
        "UPDATE promotions SET code = $3, type = $4, status = $5, is_automatic = $6, is_tax_inclusive = $7, \
         usage_limit = $8, campaign_id = $9, \
         used = CASE WHEN $8::int IS NOT NULL AND usage_limit IS NULL THEN (SELECT count(*) FROM order_promotions o \
             WHERE o.tenant_id = $1 AND o.promotion_id = $2) ELSE used END, method_type = $10, target_type = $11, allocation = $12, value = $13, \
         currency_code = $14, max_quantity = $15, apply_to_quantity = $16, buy_rules_min_quantity = $17, \
         rules = $18, target_rules = $19, buy_rules = $20, metadata = $21, updated_at = now() \
         WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL"
    };
    let done = tx
        .query(sql)
        .bind(id)
        .bind(&f.code)
        .bind(&f.r#type)
        .bind(&f.status)
        .bind(f.is_automatic)
        .bind(f.is_tax_inclusive)
        .bind(f.usage_limit)
        .bind(&f.campaign_id)
        .bind(&f.method_type)
        .bind(&f.target_type)
        .bind(&f.allocation)
        .bind(f.value)
        .bind(&f.currency_code)
        .bind(f.max_quantity)
        .bind(f.apply_to_quantity)
        .bind(f.buy_rules_min_quantity)
        .bind(Json(&f.rules))
        .bind(Json(&f.target_rules))
        .bind(Json(&f.buy_rules))
        .bind(f.metadata.as_ref().map(Json))
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Soft delete (orders keep naming the promotion); the code is free again, and carts
/// holding it let it go.
pub async fn delete(tx: &mut TenantTx, id: &str) -> Result<bool> {
    let done = tx
        .query(
            "UPDATE promotions SET deleted_at = now(), updated_at = now() \
         WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL",
        )
        .bind(id)
        .execute(tx.conn())
        .await?;
    tx.query("DELETE FROM cart_promotions WHERE tenant_id = $1 AND promotion_id = $2")
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Makes `ids` the cart's applied promotions (`replace`), or adds / removes them.
pub async fn set_cart(tx: &mut TenantTx, cart_id: &str, ids: &[String], replace: bool) -> Result<()> {
    if replace {
        tx.query("DELETE FROM cart_promotions WHERE tenant_id = $1 AND cart_id = $2")
            .bind(cart_id)
            .execute(tx.conn())
            .await?;
    }
    tx.query(
        "INSERT INTO cart_promotions (tenant_id, cart_id, promotion_id) SELECT $1, $2, unnest($3::text[]) \
         ON CONFLICT DO NOTHING",
    )
    .bind(cart_id)
    .bind(ids)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn remove_from_cart(tx: &mut TenantTx, cart_id: &str, ids: &[String]) -> Result<()> {
    tx.query("DELETE FROM cart_promotions WHERE tenant_id = $1 AND cart_id = $2 AND promotion_id = ANY($3)")
        .bind(cart_id)
        .bind(ids)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Counts one use of a promotion unless that would pass its limit: a conditional
/// `UPDATE`, so concurrent completions serialise on the row and the loser, re-checking
/// after the winner commits, finds no room. False when the limit is reached.
pub async fn consume(tx: &mut TenantTx, id: &str) -> Result<bool> {
    let done = tx
        .query(
            "UPDATE promotions SET used = used + 1 WHERE tenant_id = $1 AND id = $2 \
         AND (usage_limit IS NULL OR used < usage_limit)",
        )
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Takes `amount` (1 for a usage budget, the discount for a spend budget) from a
/// campaign's budget unless that would pass its limit; same conditional update as
/// [`consume`]. False when the budget cannot cover it.
pub async fn consume_budget(tx: &mut TenantTx, campaign_id: &str, amount: Decimal) -> Result<bool> {
    let done = tx
        .query(
            "UPDATE campaigns SET budget_used = budget_used + $3 WHERE tenant_id = $1 AND id = $2 \
         AND (budget_limit IS NULL OR budget_used + $3 <= budget_limit)",
        )
        .bind(campaign_id)
        .bind(amount)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// How many orders used each of these promotions (the `used` admins see: a promotion
/// without a limit is not counted on its row at completion).
pub async fn uses(tx: &mut TenantTx, ids: &[String]) -> Result<Vec<(String, i64)>> {
    Ok(tx
        .query_as(
            "SELECT promotion_id, count(*) FROM order_promotions WHERE tenant_id = $1 AND promotion_id = ANY($2) \
         GROUP BY promotion_id",
        )
        .bind(ids)
        .fetch_all(tx.conn())
        .await?)
}

/// Records that an order used a promotion (its code and the discount it gave).
pub async fn record_order(tx: &mut TenantTx, order_id: &str, p: &PromotionRow, amount: Decimal) -> Result<()> {
    tx.query(
        "INSERT INTO order_promotions (tenant_id, order_id, promotion_id, code, amount) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(order_id)
    .bind(&p.id)
    .bind(&p.code)
    .bind(amount)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// An adjustment an order line keeps (stored as a document on the line).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Adjustment {
    pub id: String,
    pub promotion_id: String,
    pub code: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
}
