//! Promotions, campaigns and adjustments in Medusa's JSON shapes (samples
//! `admin-promotion-create-*.json`, `admin-campaign-create-budget1.json`,
//! `cart-promotion-applied.json`, `order-with-discount.json`).

use serde_json::{json, Value};

use crate::app::promotions::admin::Promotion;
use crate::app::promotions::cart::CartPromotions;
use crate::app::promotions::compute::Applied;
use crate::db::campaigns::CampaignRow;
use crate::db::promotions::{Adjustment, PromotionRow, Rule};
use crate::http::catalog_json::number;
use crate::http::checkout_json::raw;

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

fn rules(rs: &[Rule], p: &PromotionRow) -> Value {
    Value::Array(
        rs.iter()
            .map(|r| {
                json!({
                    "id": r.id, "description": r.description, "attribute": r.attribute, "operator": r.operator,
                    "created_at": p.created_at, "updated_at": p.updated_at, "deleted_at": null,
                    "values": r.values.iter().map(|v| json!({ "value": v })).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

fn budget(c: &CampaignRow) -> Value {
    let Some(kind) = &c.budget_type else {
        return Value::Null;
    };
    json!({
        "id": format!("probudg_{}", ulid(&c.id)), "type": kind, "currency_code": c.budget_currency_code,
        "attribute": null, "raw_limit": c.budget_limit.map(raw), "raw_used": raw(c.budget_used),
        "created_at": c.created_at, "updated_at": c.updated_at, "deleted_at": null, "campaign_id": c.id,
        "limit": c.budget_limit.map(number), "used": number(c.budget_used),
    })
}

/// A campaign; with `promotions` when the route shows them.
pub fn campaign(c: &CampaignRow, promotions: Option<&[(String, String)]>) -> Value {
    let mut v = json!({
        "id": c.id, "name": c.name, "description": c.description, "campaign_identifier": c.campaign_identifier,
        "starts_at": c.starts_at, "ends_at": c.ends_at, "created_at": c.created_at, "updated_at": c.updated_at,
        "deleted_at": null, "budget": budget(c),
    });
    if let Some(ps) = promotions {
        v["promotions"] = ps.iter().map(|(id, code)| json!({ "id": id, "code": code })).collect();
    }
    v
}

/// A promotion as the admin routes answer it.
pub fn promotion(p: &Promotion) -> Value {
    let r = &p.row;
    json!({
        "id": r.id, "code": r.code, "is_automatic": r.is_automatic, "is_tax_inclusive": r.is_tax_inclusive,
        "type": r.r#type, "limit": r.usage_limit, "used": r.used, "status": r.status,
        "created_at": r.created_at, "updated_at": r.updated_at, "deleted_at": null,
        "metadata": r.metadata.as_ref().map(|m| &m.0), "campaign_id": r.campaign_id,
        "application_method": {
            "id": method_id(r), "currency_code": r.currency_code, "max_quantity": r.max_quantity,
            "apply_to_quantity": r.apply_to_quantity, "buy_rules_min_quantity": r.buy_rules_min_quantity,
            "type": r.method_type, "target_type": r.target_type, "allocation": r.allocation,
            "raw_value": raw(r.value), "created_at": r.created_at, "updated_at": r.updated_at,
            "deleted_at": null, "promotion_id": r.id, "target_rules": rules(&r.target_rules.0, r),
            "buy_rules": rules(&r.buy_rules.0, r), "value": number(r.value),
        },
        "rules": rules(&r.rules.0, r),
        "campaign": p.campaign.as_ref().map(|c| campaign(c, None)),
    })
}

/// The cart's `promotions`: applied codes, and automatic promotions that discount it.
pub fn cart_promotions(cp: &CartPromotions) -> Value {
    cp.listed()
        .map(|p| {
            json!({
                "id": p.id, "code": p.code, "is_automatic": p.is_automatic, "is_tax_inclusive": p.is_tax_inclusive,
                "application_method": { "value": number(p.value), "type": p.method_type,
                                        "currency_code": p.currency_code, "id": method_id(p) },
            })
        })
        .collect()
}

/// A cart line's `adjustments` (`key` is `item_id` or `shipping_method_id`).
pub fn cart_adjustments(cp: &CartPromotions, line: Option<&Vec<Applied>>, line_id: &str, key: &str) -> Value {
    let Some(applied) = line else {
        return json!([]);
    };
    applied
        .iter()
        .map(|a| {
            let p = &cp.promotions[a.promotion];
            let prefix = if key == "item_id" { "caliadj" } else { "casmadj" };
            json!({ "id": derived(prefix, line_id, &p.id), "code": p.code, "promotion_id": p.id,
                    "amount": number(a.amount), "is_tax_inclusive": p.is_tax_inclusive, key: line_id })
        })
        .collect()
}

/// An order line's `adjustments`, as placed.
pub fn order_adjustments(adjustments: &[Adjustment], line_id: &str, key: &str, at: &Value) -> Value {
    adjustments
        .iter()
        .map(|a| {
            json!({
                "id": a.id, "version": 1, "description": null, "promotion_id": a.promotion_id, "code": a.code,
                "provider_id": null, "is_tax_inclusive": false, key: line_id, "raw_amount": raw(a.amount),
                "created_at": at, "updated_at": at, "deleted_at": null, "amount": number(a.amount),
                "subtotal": number(a.amount), "total": number(a.amount), "raw_subtotal": raw(a.amount),
                "raw_total": raw(a.amount),
            })
        })
        .collect()
}
