//! Promotions, campaigns and adjustments in Medusa's JSON shapes (samples
//! `admin-promotion-create-*.json`, `admin-campaign-create-budget1.json`,
//! `cart-promotion-applied.json`, `order-with-discount.json`).

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::app::promotions::admin::Promotion;
use crate::app::promotions::cart::CartPromotions;
use crate::app::promotions::compute::Applied;
use crate::app::promotions::{Adjustment, CampaignRow, PromotionRow, Rule};
use crate::http::amounts::{Amount, RawAmount};
use crate::http::totals_json::LineKind;

/// The ULID part of a prefixed id.
fn ulid(id: &str) -> &str {
    id.rsplit_once('_').map_or(id, |(_, u)| u)
}

/// An id derived from two others: a cart's adjustments are computed on every read, and a
/// derived id keeps them stable between reads (a line's adjustment by a promotion).
fn derived(prefix: &str, a: &str, b: &str) -> String {
    let (a, b) = (ulid(a), ulid(b));
    format!("{prefix}_{}{}", &a[..a.len().min(16)], &b[b.len().saturating_sub(10)..])
}

fn method_id(p: &PromotionRow) -> String {
    format!("proappmet_{}", ulid(&p.id))
}

/// One value of a promotion rule.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AdminPromotionRuleValue {
    pub value: String,
}

/// Medusa's `AdminPromotionRule`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AdminPromotionRule {
    pub id: String,
    pub description: Option<String>,
    pub attribute: String,
    pub operator: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub values: Vec<AdminPromotionRuleValue>,
}

fn rules(rs: &[Rule], p: &PromotionRow) -> Vec<AdminPromotionRule> {
    rs.iter()
        .map(|r| AdminPromotionRule {
            id: r.id.clone(),
            description: r.description.clone(),
            attribute: r.attribute.clone(),
            operator: r.operator.clone(),
            created_at: p.created_at,
            updated_at: p.updated_at,
            deleted_at: None,
            values: r
                .values
                .iter()
                .map(|v| AdminPromotionRuleValue { value: v.clone() })
                .collect(),
        })
        .collect()
}

/// Medusa's `AdminCampaignBudget`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AdminCampaignBudget {
    pub id: String,
    /// `spend` or `usage`.
    #[serde(rename = "type")]
    pub kind: String,
    pub currency_code: Option<String>,
    pub attribute: Option<String>,
    pub raw_limit: Option<RawAmount>,
    pub raw_used: RawAmount,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub campaign_id: String,
    pub limit: Option<Amount>,
    pub used: Amount,
}

fn budget(c: &CampaignRow) -> Option<AdminCampaignBudget> {
    let kind = c.budget_type.as_ref()?;
    Some(AdminCampaignBudget {
        id: format!("probudg_{}", ulid(&c.id)),
        kind: kind.clone(),
        currency_code: c.budget_currency_code.clone(),
        attribute: None,
        raw_limit: c.budget_limit.map(RawAmount::new),
        raw_used: RawAmount::new(c.budget_used),
        created_at: c.created_at,
        updated_at: c.updated_at,
        deleted_at: None,
        campaign_id: c.id.clone(),
        limit: c.budget_limit.map(Amount),
        used: Amount(c.budget_used),
    })
}

/// A promotion of a campaign (`{ id, code }`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CampaignPromotionRef {
    pub id: String,
    pub code: String,
}

/// Medusa's `AdminCampaign`; `promotions` when the route shows them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AdminCampaign {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub campaign_identifier: String,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub budget: Option<AdminCampaignBudget>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub promotions: Option<Vec<CampaignPromotionRef>>,
}

/// A campaign; with `promotions` when the route shows them.
pub fn campaign(c: &CampaignRow, promotions: Option<&[(String, String)]>) -> AdminCampaign {
    AdminCampaign {
        id: c.id.clone(),
        name: c.name.clone(),
        description: c.description.clone(),
        campaign_identifier: c.campaign_identifier.clone(),
        starts_at: c.starts_at,
        ends_at: c.ends_at,
        created_at: c.created_at,
        updated_at: c.updated_at,
        deleted_at: None,
        budget: budget(c),
        promotions: promotions.map(|ps| {
            ps.iter()
                .map(|(id, code)| CampaignPromotionRef {
                    id: id.clone(),
                    code: code.clone(),
                })
                .collect()
        }),
    }
}

/// Medusa's `AdminApplicationMethod`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AdminApplicationMethod {
    pub id: String,
    pub currency_code: Option<String>,
    pub max_quantity: Option<i32>,
    pub apply_to_quantity: Option<i32>,
    pub buy_rules_min_quantity: Option<i32>,
    /// `fixed` or `percentage`.
    #[serde(rename = "type")]
    pub kind: String,
    pub target_type: String,
    pub allocation: Option<String>,
    pub raw_value: RawAmount,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub promotion_id: String,
    pub target_rules: Vec<AdminPromotionRule>,
    pub buy_rules: Vec<AdminPromotionRule>,
    pub value: Amount,
}

/// Medusa's `AdminPromotion`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AdminPromotion {
    pub id: String,
    pub code: String,
    pub is_automatic: bool,
    pub is_tax_inclusive: bool,
    /// `standard` or `buyget`.
    #[serde(rename = "type")]
    pub kind: String,
    pub limit: Option<i32>,
    pub used: i32,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    pub campaign_id: Option<String>,
    pub application_method: AdminApplicationMethod,
    pub rules: Vec<AdminPromotionRule>,
    pub campaign: Option<AdminCampaign>,
}

/// A promotion as the admin routes answer it.
pub fn promotion(p: &Promotion) -> AdminPromotion {
    let r = &p.row;
    AdminPromotion {
        id: r.id.clone(),
        code: r.code.clone(),
        is_automatic: r.is_automatic,
        is_tax_inclusive: r.is_tax_inclusive,
        kind: r.r#type.clone(),
        limit: r.usage_limit,
        used: r.used,
        status: r.status.clone(),
        created_at: r.created_at,
        updated_at: r.updated_at,
        deleted_at: None,
        metadata: r.metadata.as_ref().map(|m| m.0.clone()),
        campaign_id: r.campaign_id.clone(),
        application_method: AdminApplicationMethod {
            id: method_id(r),
            currency_code: r.currency_code.clone(),
            max_quantity: r.max_quantity,
            apply_to_quantity: r.apply_to_quantity,
            buy_rules_min_quantity: r.buy_rules_min_quantity,
            kind: r.method_type.clone(),
            target_type: r.target_type.clone(),
            allocation: r.allocation.clone(),
            raw_value: RawAmount::new(r.value),
            created_at: r.created_at,
            updated_at: r.updated_at,
            deleted_at: None,
            promotion_id: r.id.clone(),
            target_rules: rules(&r.target_rules.0, r),
            buy_rules: rules(&r.buy_rules.0, r),
            value: Amount(r.value),
        },
        rules: rules(&r.rules.0, r),
        campaign: p.campaign.as_ref().map(|c| campaign(c, None)),
    }
}

/// The application method of a cart's promotion (what a storefront shows).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreCartApplicationMethod {
    pub value: Amount,
    /// `fixed` or `percentage`.
    #[serde(rename = "type")]
    pub kind: String,
    pub currency_code: Option<String>,
    pub id: String,
}

/// A promotion of a cart (Medusa's `StoreCartPromotion`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreCartPromotion {
    pub id: String,
    pub code: String,
    pub is_automatic: bool,
    pub is_tax_inclusive: bool,
    pub application_method: StoreCartApplicationMethod,
}

/// The cart's `promotions`: applied codes, and automatic promotions that discount it.
pub fn cart_promotions(cp: &CartPromotions) -> Vec<StoreCartPromotion> {
    cp.listed()
        .map(|p| StoreCartPromotion {
            id: p.id.clone(),
            code: p.code.clone(),
            is_automatic: p.is_automatic,
            is_tax_inclusive: p.is_tax_inclusive,
            application_method: StoreCartApplicationMethod {
                value: Amount(p.value),
                kind: p.method_type.clone(),
                currency_code: p.currency_code.clone(),
                id: method_id(p),
            },
        })
        .collect()
}

/// A cart line's adjustment by a promotion (`item_id` or `shipping_method_id` is set).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreCartAdjustment {
    pub id: String,
    pub code: String,
    pub promotion_id: String,
    pub amount: Amount,
    pub is_tax_inclusive: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_method_id: Option<String>,
}

/// A cart line's `adjustments`.
pub fn cart_adjustments(
    cp: &CartPromotions,
    line: Option<&Vec<Applied>>,
    line_id: &str,
    kind: LineKind,
) -> Vec<StoreCartAdjustment> {
    let prefix = match kind {
        LineKind::Item => "caliadj",
        LineKind::ShippingMethod => "casmadj",
    };
    line.into_iter()
        .flatten()
        .map(|a| {
            let p = &cp.promotions[a.promotion];
            let (item_id, shipping_method_id) = kind.ids(line_id);
            StoreCartAdjustment {
                id: derived(prefix, line_id, &p.id),
                code: p.code.clone(),
                promotion_id: p.id.clone(),
                amount: Amount(a.amount),
                is_tax_inclusive: p.is_tax_inclusive,
                item_id,
                shipping_method_id,
            }
        })
        .collect()
}

/// An order line's adjustment, as placed (Medusa's `StoreOrderLineItemAdjustment`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreOrderAdjustment {
    pub id: String,
    pub version: i32,
    pub description: Option<String>,
    pub promotion_id: String,
    pub code: String,
    pub provider_id: Option<String>,
    pub is_tax_inclusive: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_method_id: Option<String>,
    pub raw_amount: RawAmount,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub amount: Amount,
    pub subtotal: Amount,
    pub total: Amount,
    pub raw_subtotal: RawAmount,
    pub raw_total: RawAmount,
}

/// An order line's `adjustments`, as placed at `at`.
pub fn order_adjustments(
    adjustments: &[Adjustment],
    line_id: &str,
    kind: LineKind,
    at: DateTime<Utc>,
) -> Vec<StoreOrderAdjustment> {
    adjustments
        .iter()
        .map(|a| {
            let (item_id, shipping_method_id) = kind.ids(line_id);
            StoreOrderAdjustment {
                id: a.id.clone(),
                version: 1,
                description: None,
                promotion_id: a.promotion_id.clone(),
                code: a.code.clone(),
                provider_id: None,
                is_tax_inclusive: false,
                item_id,
                shipping_method_id,
                raw_amount: RawAmount::new(a.amount),
                created_at: at,
                updated_at: at,
                deleted_at: None,
                amount: Amount(a.amount),
                subtotal: Amount(a.amount),
                total: Amount(a.amount),
                raw_subtotal: RawAmount::new(a.amount),
                raw_total: RawAmount::new(a.amount),
            }
        })
        .collect()
}
