//! `/admin/promotions` use cases: Medusa's promotion body, checked and stored. Every
//! promotion route needs the store's `promotions` feature.

use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value;

use crate::app::promotions::cart::FEATURE;
use crate::app::promotions::rules;
use crate::core::ids::new_id;
use crate::core::{Error, Result};
use crate::db::campaigns::{self, CampaignRow};
use crate::db::promotions::{self, PromotionFields, PromotionRow, Rule};
use crate::db::TenantTx;
use crate::tenancy::TenantCtx;

/// Refuses a store whose plan lacks promotions (403-style `not_allowed`, before any work).
pub fn check_feature(ctx: &TenantCtx) -> Result<()> {
    if ctx.tenant.has_feature(FEATURE) {
        Ok(())
    } else {
        Err(Error::NotAllowed(
            "Promotions are not available for this store's plan".into(),
        ))
    }
}

/// A rule's values: Medusa accepts one string or a list.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Values {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleIn {
    pub attribute: String,
    pub operator: String,
    pub values: Values,
    pub description: Option<String>,
}

impl RuleIn {
    fn into_rule(self) -> Result<Rule> {
        let rule = Rule {
            id: new_id("prorul"),
            attribute: self.attribute,
            operator: self.operator,
            values: match self.values {
                Values::One(v) => vec![v],
                Values::Many(v) => v,
            },
            description: self.description,
        };
        rules::validate(&rule)?;
        Ok(rule)
    }
}

fn rules_of(input: Option<Vec<RuleIn>>) -> Result<Option<Vec<Rule>>> {
    input
        .map(|rs| rs.into_iter().map(RuleIn::into_rule).collect::<Result<Vec<_>>>())
        .transpose()
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MethodIn {
    pub r#type: Option<String>,
    pub target_type: Option<String>,
    pub allocation: Option<String>,
    #[schema(value_type = Option<f64>)]
    pub value: Option<Decimal>,
    pub currency_code: Option<String>,
    pub max_quantity: Option<i32>,
    pub apply_to_quantity: Option<i32>,
    pub buy_rules_min_quantity: Option<i32>,
    pub target_rules: Option<Vec<RuleIn>>,
    pub buy_rules: Option<Vec<RuleIn>>,
    pub description: Option<String>,
}

/// Medusa's promotion body (create: `code`, `type`, `application_method` required).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PromotionIn {
    pub code: Option<String>,
    pub r#type: Option<String>,
    pub status: Option<String>,
    pub is_automatic: Option<bool>,
    pub is_tax_inclusive: Option<bool>,
    pub limit: Option<i32>,
    pub campaign_id: Option<String>,
    pub application_method: Option<MethodIn>,
    pub rules: Option<Vec<RuleIn>>,
    #[serde(default, deserialize_with = "crate::core::metadata::object")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
}

fn one_of(field: &str, value: &str, allowed: &[&str]) -> Result<()> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "Invalid request: Invalid value for '{field}': '{value}' (expected one of {})",
            allowed.join(", ")
        )))
    }
}

fn positive(field: &str, v: Option<i32>) -> Result<()> {
    match v {
        Some(n) if n <= 0 => Err(Error::invalid(format!("Invalid request: '{field}' must be at least 1"))),
        _ => Ok(()),
    }
}

/// Merges `input` into `f` (the current promotion, or a blank one) and checks the result.
fn merge(f: &mut PromotionFields, input: PromotionIn) -> Result<()> {
    if let Some(code) = input.code {
        let code = code.trim().to_owned();
        if code.is_empty() || code.len() > 100 {
            return Err(Error::invalid("Invalid request: 'code' must be 1 to 100 characters"));
        }
        f.code = code;
    }
    if let Some(t) = input.r#type {
        f.r#type = t;
    }
    if let Some(s) = input.status {
        f.status = s;
    }
    if let Some(a) = input.is_automatic {
        f.is_automatic = a;
    }
    if let Some(t) = input.is_tax_inclusive {
        f.is_tax_inclusive = t;
    }
    if let Some(l) = input.limit {
        if l < 0 {
            return Err(Error::invalid("Invalid request: 'limit' must not be negative"));
        }
        f.usage_limit = Some(l);
    }
    if let Some(c) = input.campaign_id {
        f.campaign_id = Some(c).filter(|c| !c.is_empty());
    }
    if let Some(r) = rules_of(input.rules)? {
        f.rules = r;
    }
    if let Some(m) = input.metadata {
        f.metadata = Some(m);
    }
    if let Some(m) = input.application_method {
        if let Some(t) = m.r#type {
            f.method_type = t;
        }
        if let Some(t) = m.target_type {
            f.target_type = t;
        }
        if let Some(a) = m.allocation {
            f.allocation = Some(a);
        }
        if let Some(v) = m.value {
            f.value = v;
        }
        if let Some(c) = m.currency_code {
            f.currency_code = Some(c.to_ascii_lowercase());
        }
        f.max_quantity = m.max_quantity.or(f.max_quantity);
        f.apply_to_quantity = m.apply_to_quantity.or(f.apply_to_quantity);
        f.buy_rules_min_quantity = m.buy_rules_min_quantity.or(f.buy_rules_min_quantity);
        if let Some(r) = rules_of(m.target_rules)? {
            f.target_rules = r;
        }
        if let Some(r) = rules_of(m.buy_rules)? {
            f.buy_rules = r;
        }
    }
    check(f)
}

fn check(f: &mut PromotionFields) -> Result<()> {
    if f.code.is_empty() {
        return Err(Error::invalid("Invalid request: Field 'code' is required"));
    }
    one_of("type", &f.r#type, &["standard", "buyget"])?;
    one_of("status", &f.status, &["draft", "active", "inactive"])?;
    if f.method_type.is_empty() {
        return Err(Error::invalid(
            "Invalid request: Field 'application_method' is required",
        ));
    }
    one_of("application_method.type", &f.method_type, &["percentage", "fixed"])?;
    one_of(
        "application_method.target_type",
        &f.target_type,
        &["items", "shipping_methods", "order"],
    )?;
    if f.target_type == "order" {
        f.allocation = Some("across".into());
    }
    let allocation = f.allocation.get_or_insert_with(|| "each".into());
    one_of("application_method.allocation", allocation, &["each", "across"])?;
    if f.value < Decimal::ZERO || (f.method_type == "percentage" && f.value > Decimal::ONE_HUNDRED) {
        return Err(Error::invalid(
            "Invalid request: 'application_method.value' must be 0 to 100 for a percentage, at least 0 for a fixed amount",
        ));
    }
    positive("application_method.max_quantity", f.max_quantity)?;
    positive("application_method.apply_to_quantity", f.apply_to_quantity)?;
    positive("application_method.buy_rules_min_quantity", f.buy_rules_min_quantity)?;
    if f.r#type == "buyget"
        && (f.buy_rules.is_empty()
            || f.target_rules.is_empty()
            || f.apply_to_quantity.is_none()
            || f.buy_rules_min_quantity.is_none())
    {
        return Err(Error::invalid(
            "Invalid request: a buyget promotion needs buy_rules, target_rules, apply_to_quantity and buy_rules_min_quantity",
        ));
    }
    if f.r#type == "buyget" && f.target_type != "items" {
        return Err(Error::invalid("Invalid request: a buyget promotion targets items"));
    }
    Ok(())
}

fn blank() -> PromotionFields {
    PromotionFields {
        code: String::new(),
        r#type: "standard".into(),
        status: "draft".into(),
        is_automatic: false,
        is_tax_inclusive: false,
        usage_limit: None,
        campaign_id: None,
        method_type: String::new(),
        target_type: "items".into(),
        allocation: None,
        value: Decimal::ZERO,
        currency_code: None,
        max_quantity: None,
        apply_to_quantity: None,
        buy_rules_min_quantity: None,
        rules: Vec::new(),
        target_rules: Vec::new(),
        buy_rules: Vec::new(),
        metadata: None,
    }
}

/// A promotion with its campaign, as the admin routes answer it.
pub struct Promotion {
    pub row: PromotionRow,
    pub campaign: Option<CampaignRow>,
}

fn not_found(id: &str) -> Error {
    Error::not_found(format!("Promotion with id: {id} was not found"))
}

/// Sets each row's `used` to the orders that used it.
async fn count_uses(tx: &mut TenantTx, rows: &mut [PromotionRow]) -> Result<()> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let uses = promotions::uses(tx, &ids).await?;
    for r in rows {
        let n = uses.iter().find(|(id, _)| *id == r.id).map_or(0, |(_, n)| *n);
        r.used = i32::try_from(n).unwrap_or(i32::MAX);
    }
    Ok(())
}

async fn load(tx: &mut TenantTx, id: &str) -> Result<Promotion> {
    let mut row = promotions::get(tx, id).await?.ok_or_else(|| not_found(id))?;
    count_uses(tx, std::slice::from_mut(&mut row)).await?;
    let campaign = match &row.campaign_id {
        Some(c) => campaigns::get(tx, c).await?,
        None => None,
    };
    Ok(Promotion { row, campaign })
}

async fn check_campaign(tx: &mut TenantTx, f: &PromotionFields) -> Result<()> {
    if let Some(c) = &f.campaign_id {
        if campaigns::get(tx, c).await?.is_none() {
            return Err(Error::invalid(format!("Campaign with id: {c} was not found")));
        }
    }
    Ok(())
}

async fn code_free(tx: &mut TenantTx, code: &str, id: Option<&str>) -> Result<()> {
    let taken = promotions::by_codes(tx, &[code.to_owned()]).await?;
    if taken.iter().any(|p| Some(p.id.as_str()) != id) {
        return Err(Error::Duplicate(format!("Promotion with code: {code} already exists")));
    }
    Ok(())
}

pub async fn create(ctx: &TenantCtx, input: PromotionIn) -> Result<Promotion> {
    check_feature(ctx)?;
    let mut f = blank();
    merge(&mut f, input)?;
    let mut tx = ctx.db.begin().await?;
    check_campaign(&mut tx, &f).await?;
    code_free(&mut tx, &f.code, None).await?;
    let id = promotions::insert(&mut tx, &f).await?;
    let p = load(&mut tx, &id).await?;
    tx.commit().await?;
    Ok(p)
}

pub async fn update(ctx: &TenantCtx, id: &str, input: PromotionIn) -> Result<Promotion> {
    check_feature(ctx)?;
    let mut tx = ctx.db.begin().await?;
    let current = load(&mut tx, id).await?;
    let mut f = current.row.fields();
    merge(&mut f, input)?;
    if f.usage_limit.is_some_and(|l| l < current.row.used) {
        return Err(Error::invalid(format!(
            "The limit cannot be below the {} uses so far",
            current.row.used
        )));
    }
    check_campaign(&mut tx, &f).await?;
    code_free(&mut tx, &f.code, Some(id)).await?;
    promotions::update(&mut tx, id, &f).await?;
    let p = load(&mut tx, id).await?;
    tx.commit().await?;
    Ok(p)
}

pub async fn get(ctx: &TenantCtx, id: &str) -> Result<Promotion> {
    check_feature(ctx)?;
    let mut tx = ctx.db.begin().await?;
    let p = load(&mut tx, id).await?;
    tx.commit().await?;
    Ok(p)
}

pub async fn list(ctx: &TenantCtx, limit: i64, offset: i64) -> Result<(Vec<Promotion>, i64)> {
    check_feature(ctx)?;
    let mut tx = ctx.db.begin().await?;
    let (mut rows, count) = promotions::list(&mut tx, limit, offset).await?;
    count_uses(&mut tx, &mut rows).await?;
    let ids: Vec<String> = rows.iter().filter_map(|r| r.campaign_id.clone()).collect();
    let all = campaigns::by_ids(&mut tx, &ids).await?;
    tx.commit().await?;
    let list = rows
        .into_iter()
        .map(|row| {
            let campaign = all.iter().find(|c| Some(&c.id) == row.campaign_id.as_ref()).cloned();
            Promotion { row, campaign }
        })
        .collect();
    Ok((list, count))
}

pub async fn delete(ctx: &TenantCtx, id: &str) -> Result<()> {
    check_feature(ctx)?;
    let mut tx = ctx.db.begin().await?;
    if !promotions::delete(&mut tx, id).await? {
        return Err(not_found(id));
    }
    tx.commit().await
}
