//! Price lists in the catalog snapshot, and the price a shopper pays: Medusa's
//! calculated price. Pure functions over the snapshot.
//!
//! A list applies when it is active, between its dates, in the price's currency (and
//! region, when the price names one), and — if it names customer groups — to a customer in
//! one of them. An `override` list's price wins even when higher (the lowest of several
//! overrides); otherwise the lowest `sale` price wins when it is below the variant's own
//! price, which stays the `original` one (storefronts strike it through).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::app::catalog::model::Variant;
use crate::db::catalog::rows::PriceRow;
use crate::db::price_lists::PriceListRow;

/// One list price of a variant, with its list's conditions.
#[derive(Debug, Clone)]
pub struct ListPrice {
    pub id: String,
    pub list_id: String,
    pub list_type: String,
    pub currency_code: String,
    pub region_id: Option<String>,
    pub amount: Decimal,
    pub groups: Vec<String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
}

impl ListPrice {
    fn applies(&self, region_id: &str, currency: &str, groups: &[String], now: DateTime<Utc>) -> bool {
        self.currency_code == currency
            && self.region_id.as_deref().is_none_or(|r| r == region_id)
            && (self.groups.is_empty() || self.groups.iter().any(|g| groups.contains(g)))
            && self.starts_at.is_none_or(|s| s <= now)
            && self.ends_at.is_none_or(|e| now < e)
    }
}

/// The active lists' prices by variant, and when the snapshot must be rebuilt because a
/// list starts or ends.
#[derive(Debug, Clone, Default)]
pub struct PriceLists {
    by_variant: HashMap<String, Vec<ListPrice>>,
    /// The next start or end of an active list after the snapshot was built.
    pub valid_until: Option<DateTime<Utc>>,
    /// Whether some list is limited to customer groups (a cart then reads its customer's).
    pub has_group_lists: bool,
}

impl PriceLists {
    pub fn new(lists: Vec<PriceListRow>, now: DateTime<Utc>) -> Self {
        let mut out = PriceLists::default();
        for l in lists {
            for t in [l.starts_at, l.ends_at].into_iter().flatten() {
                if t > now && out.valid_until.is_none_or(|v| t < v) {
                    out.valid_until = Some(t);
                }
            }
            out.has_group_lists |= !l.customer_group_ids.is_empty();
            for p in l.prices.0 {
                out.by_variant.entry(p.variant_id.clone()).or_default().push(ListPrice {
                    id: p.id,
                    list_id: l.id.clone(),
                    list_type: l.r#type.clone(),
                    currency_code: p.currency_code,
                    region_id: p.region_id,
                    amount: p.amount,
                    groups: l.customer_group_ids.clone(),
                    starts_at: l.starts_at,
                    ends_at: l.ends_at,
                });
            }
        }
        out
    }

    /// Whether a list starts or ends at `now` or before: the snapshot is out of date.
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        self.valid_until.is_some_and(|t| t <= now)
    }
}

/// What a variant costs a shopper: `amount` (calculated) and the `original` price.
#[derive(Debug, Clone, Copy)]
pub struct Chosen<'a> {
    pub original: Option<&'a PriceRow>,
    pub list: Option<&'a ListPrice>,
    pub amount: Decimal,
    pub original_amount: Decimal,
}

/// The calculated price of `variant` in a region for a customer in `groups` at `now`.
pub fn choose<'a>(
    variant: &'a Variant,
    lists: &'a PriceLists,
    region_id: &str,
    currency: &str,
    groups: &[String],
    now: DateTime<Utc>,
) -> Option<Chosen<'a>> {
    let original = variant.price_for(region_id, currency);
    let candidates: Vec<&ListPrice> = lists
        .by_variant
        .get(&variant.row.id)
        .map(|ps| {
            ps.iter()
                .filter(|p| p.applies(region_id, currency, groups, now))
                .collect()
        })
        .unwrap_or_default();
    let lowest = |kind: &str| {
        candidates
            .iter()
            .copied()
            .filter(|p| p.list_type == kind)
            .min_by_key(|p| p.amount)
    };
    let list = lowest("override").or_else(|| lowest("sale").filter(|s| original.is_none_or(|o| s.amount < o.amount)));
    let original_amount = original.map(|o| o.amount).or(list.map(|l| l.amount))?;
    Some(Chosen {
        original,
        list,
        amount: list.map_or(original_amount, |l| l.amount),
        original_amount,
    })
}
