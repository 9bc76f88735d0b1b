//! `/admin/price-lists` use cases: Medusa's price list body (`sale` or `override`, dates,
//! customer-group rules, prices per variant and currency, optionally per region). Every
//! write drops the catalog snapshot, which prices with the lists in force.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::app::catalog::changed;
use crate::app::Services;
use crate::core::{Error, Result};
use crate::db::price_lists::{self, NewListPrice, PriceListFields};
use crate::db::{customer_groups, TenantTx};
use crate::tenancy::TenantCtx;

/// What the price list use cases answer.
pub use crate::db::price_lists::PriceListRow;

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListPriceIn {
    pub variant_id: String,
    pub currency_code: String,
    #[schema(value_type = f64)]
    pub amount: Decimal,
    pub min_quantity: Option<i64>,
    pub max_quantity: Option<i64>,
    /// `{ "region_id": "reg_…" }` limits the price to a region.
    pub rules: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceListIn {
    pub title: Option<String>,
    pub description: Option<String>,
    pub r#type: Option<String>,
    pub status: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    /// `{ "customer.groups.id": ["cusgroup_…"] }` limits the list to those groups.
    pub rules: Option<BTreeMap<String, Vec<String>>>,
    pub prices: Option<Vec<ListPriceIn>>,
}

fn not_found(id: &str) -> Error {
    Error::not_found(format!("Price list with id: {id} was not found"))
}

fn merge(f: &mut PriceListFields, input: &PriceListIn) -> Result<()> {
    if let Some(t) = &input.title {
        f.title = t.trim().to_owned();
    }
    if let Some(d) = &input.description {
        f.description = d.clone();
    }
    if let Some(t) = &input.r#type {
        f.r#type = t.clone();
    }
    if let Some(s) = &input.status {
        f.status = s.clone();
    }
    if input.starts_at.is_some() {
        f.starts_at = input.starts_at;
    }
    if input.ends_at.is_some() {
        f.ends_at = input.ends_at;
    }
    if f.title.is_empty() {
        return Err(Error::invalid("Invalid request: Field 'title' is required"));
    }
    if !matches!(f.r#type.as_str(), "sale" | "override") {
        return Err(Error::invalid(format!(
            "Invalid request: Invalid value for 'type': '{}' (expected one of sale, override)",
            f.r#type
        )));
    }
    if !matches!(f.status.as_str(), "draft" | "active") {
        return Err(Error::invalid(format!(
            "Invalid request: Invalid value for 'status': '{}' (expected one of draft, active)",
            f.status
        )));
    }
    if let (Some(s), Some(e)) = (f.starts_at, f.ends_at) {
        if e <= s {
            return Err(Error::invalid("A price list must end after it starts"));
        }
    }
    Ok(())
}

fn groups_of(input: &PriceListIn) -> Result<Option<Vec<String>>> {
    let Some(rules) = &input.rules else {
        return Ok(None);
    };
    let mut groups = Vec::new();
    for (k, v) in rules {
        if k != "customer.groups.id" && k != "customer_group_id" {
            return Err(Error::invalid(format!(
                "Invalid price list rule '{k}': use customer.groups.id"
            )));
        }
        groups.extend(v.iter().cloned());
    }
    Ok(Some(groups))
}

fn prices_of(input: &mut PriceListIn) -> Result<Option<Vec<NewListPrice>>> {
    let Some(prices) = input.prices.take() else {
        return Ok(None);
    };
    prices
        .into_iter()
        .map(|p| {
            if p.amount < Decimal::ZERO {
                return Err(Error::invalid(
                    "Invalid request: a price's 'amount' must not be negative",
                ));
            }
            let mut region_id = None;
            for (k, v) in p.rules.unwrap_or_default() {
                if k != "region_id" {
                    return Err(Error::invalid(format!("Invalid price rule '{k}': use region_id")));
                }
                region_id = Some(v);
            }
            Ok(NewListPrice {
                variant_id: p.variant_id,
                currency_code: p.currency_code.to_ascii_lowercase(),
                region_id,
                amount: p.amount,
            })
        })
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

async fn load(tx: &mut TenantTx, id: &str) -> Result<PriceListRow> {
    price_lists::get(tx, id).await?.ok_or_else(|| not_found(id))
}

/// Creates (`id` None) or updates a list; prices and groups are replaced when given.
pub async fn save(app: &Services, ctx: &TenantCtx, id: Option<&str>, mut input: PriceListIn) -> Result<PriceListRow> {
    let groups = groups_of(&input)?;
    let prices = prices_of(&mut input)?;
    let mut tx = ctx.db.begin().await?;
    let mut f = match id {
        Some(id) => {
            let cur = load(&mut tx, id).await?;
            PriceListFields {
                title: cur.title,
                description: cur.description,
                r#type: cur.r#type,
                status: cur.status,
                starts_at: cur.starts_at,
                ends_at: cur.ends_at,
            }
        }
        None => PriceListFields {
            title: String::new(),
            description: String::new(),
            r#type: "sale".into(),
            status: "draft".into(),
            starts_at: None,
            ends_at: None,
        },
    };
    merge(&mut f, &input)?;
    let (id, _) = price_lists::save(&mut tx, id, &f).await?;
    if let Some(groups) = groups {
        if customer_groups::count(&mut tx, &groups).await? != groups.len() as i64 {
            return Err(Error::invalid("A customer group of the rules does not exist"));
        }
        price_lists::set_groups(&mut tx, &id, &groups).await?;
    }
    if let Some(prices) = prices {
        price_lists::set_prices(&mut tx, &id, &prices).await?;
    }
    let row = load(&mut tx, &id).await?;
    tx.commit().await?;
    changed(app, ctx).await?;
    Ok(row)
}

pub async fn get(ctx: &TenantCtx, id: &str) -> Result<PriceListRow> {
    let mut tx = ctx.db.begin().await?;
    let row = load(&mut tx, id).await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn list(ctx: &TenantCtx, limit: i64, offset: i64) -> Result<(Vec<PriceListRow>, i64)> {
    let mut tx = ctx.db.begin().await?;
    let out = price_lists::list(&mut tx, limit, offset).await?;
    tx.commit().await?;
    Ok(out)
}

pub async fn delete(app: &Services, ctx: &TenantCtx, id: &str) -> Result<()> {
    let mut tx = ctx.db.begin().await?;
    if !price_lists::delete(&mut tx, id).await? {
        return Err(not_found(id));
    }
    tx.commit().await?;
    changed(app, ctx).await
}
