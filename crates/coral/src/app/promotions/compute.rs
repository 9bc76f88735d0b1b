//! What promotions take off a cart: adjustments per line, computed from the cart's lines
//! and the promotions that may apply. Pure: the cart use cases call it on every read, so
//! adjustments always follow the cart's current lines, prices and promotions.
//!
//! Medusa's rules, as Coral applies them:
//! - `standard`, target `items`: the lines meeting `target_rules`; `each` takes the value
//!   (percent of the unit price, or a fixed amount per unit) off up to `max_quantity` units
//!   of each line; `across` takes it (percent of, or a fixed amount spread over) the
//!   targeted lines' total, shared in proportion to each line's amount.
//! - target `order`: every item, always `across`; shipping is not discounted.
//! - target `shipping_methods`: the methods meeting `target_rules`, as for items.
//! - `buyget`: when the cart holds `buy_rules_min_quantity` units meeting `buy_rules`,
//!   `apply_to_quantity` units meeting `target_rules` are discounted, cheapest first; units
//!   counted to reach the buy quantity (the most expensive first) are not also given.
//! - Several promotions apply one after the other, each on what the previous left, so a
//!   line never goes below zero. Amounts are rounded to the currency's minor unit (half away
//!   from zero) and an `across` share's rounding remainder goes to its last line, so the
//!   shares add up to the promotion's amount exactly.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::app::promotions::rules::{self, CartFacts, ItemFacts, ShippingFacts};
use crate::core::totals::round;
use crate::db::promotions::PromotionRow;

/// Why a promotion cannot be used now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unusable {
    /// Draft or inactive.
    NotActive,
    /// Its campaign has not started.
    NotStarted,
    /// Its campaign has ended.
    Ended,
    /// The promotion's own `limit` of uses is reached.
    LimitReached,
    /// Its campaign's budget is used up.
    BudgetUsed,
}

impl Unusable {
    /// Shown to a shopper whose completion it stops (Medusa's words where it has them).
    pub fn message(self, code: &str) -> String {
        match self {
            Self::NotActive => format!("The promotion code {code} is no longer active; it was removed from the cart"),
            Self::NotStarted => format!("The promotion code {code} is not valid yet; it was removed from the cart"),
            Self::Ended => format!("The promotion code {code} has expired; it was removed from the cart"),
            Self::LimitReached => "Promotion usage exceeds the limit.".into(),
            Self::BudgetUsed => "Promotion usage exceeds the budget limit.".into(),
        }
    }

    /// Whether the promotion's state changed for good (a cart should let it go), rather
    /// than only its usage counters being spent.
    pub fn is_stale(self) -> bool {
        matches!(self, Self::NotActive | Self::NotStarted | Self::Ended)
    }
}

/// Whether `p` can be used at `now`, counters included.
pub fn usable(p: &PromotionRow, now: DateTime<Utc>) -> Result<(), Unusable> {
    if p.status != "active" {
        return Err(Unusable::NotActive);
    }
    let c = &p.campaign;
    if c.starts_at.is_some_and(|s| now < s) {
        return Err(Unusable::NotStarted);
    }
    if c.ends_at.is_some_and(|e| now >= e) {
        return Err(Unusable::Ended);
    }
    if p.usage_limit.is_some_and(|l| p.used >= l) {
        return Err(Unusable::LimitReached);
    }
    if let (Some(limit), Some(used)) = (c.budget_limit, c.budget_used) {
        let needs = if c.budget_type.as_deref() == Some("usage") {
            Decimal::ONE
        } else {
            Decimal::new(1, 28) // any discount at all
        };
        if used + needs > limit {
            return Err(Unusable::BudgetUsed);
        }
    }
    Ok(())
}

/// One promotion's amount on one line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Applied {
    /// Index into the promotions given to [`compute`].
    pub promotion: usize,
    pub amount: Decimal,
}

/// Adjustments per item and per shipping method, in the order of the cart's lines.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Adjustments {
    pub items: Vec<Vec<Applied>>,
    pub shipping: Vec<Vec<Applied>>,
}

impl Adjustments {
    /// Total discount a promotion gave.
    pub fn of(&self, promotion: usize) -> Decimal {
        self.items
            .iter()
            .chain(&self.shipping)
            .flatten()
            .filter(|a| a.promotion == promotion)
            .map(|a| a.amount)
            .sum()
    }

    pub fn item_discount(&self, i: usize) -> Decimal {
        self.items
            .get(i)
            .map_or(Decimal::ZERO, |a| a.iter().map(|x| x.amount).sum())
    }

    pub fn shipping_discount(&self, i: usize) -> Decimal {
        self.shipping
            .get(i)
            .map_or(Decimal::ZERO, |a| a.iter().map(|x| x.amount).sum())
    }
}

/// The cart as promotions see it.
pub struct CartLines<'a> {
    pub cart: &'a CartFacts,
    pub items: &'a [ItemFacts<'a>],
    pub shipping: &'a [ShippingFacts<'a>],
    pub digits: u32,
}

/// Adjustments of `promotions` (already known to be usable) on the cart. A promotion
/// whose rules the cart does not meet, or whose fixed amount is in another currency,
/// gives nothing.
pub fn compute(cart: &CartLines, promotions: &[&PromotionRow]) -> Adjustments {
    let mut left_items: Vec<Decimal> = cart
        .items
        .iter()
        .map(|i| i.unit_price * Decimal::from(i.quantity))
        .collect();
    let mut left_ship: Vec<Decimal> = cart.shipping.iter().map(|m| m.amount).collect();
    let mut out = Adjustments {
        items: vec![Vec::new(); cart.items.len()],
        shipping: vec![Vec::new(); cart.shipping.len()],
    };
    for (pi, p) in promotions.iter().enumerate() {
        if !rules::cart_matches(&p.rules.0, cart.cart, cart.items, cart.shipping) {
            continue;
        }
        if p.method_type == "fixed" && p.currency_code.as_ref().is_some_and(|c| *c != cart.cart.currency_code) {
            continue;
        }
        if p.campaign.budget_type.as_deref() == Some("spend")
            && p.campaign
                .budget_currency_code
                .as_ref()
                .is_some_and(|c| *c != cart.cart.currency_code)
        {
            continue;
        }
        let amounts = if p.r#type == "buyget" {
            buyget(cart, p, &left_items)
        } else if p.target_type == "shipping_methods" {
            let targets: Vec<usize> = (0..cart.shipping.len())
                .filter(|&i| rules::shipping_matches(&p.target_rules.0, &cart.shipping[i]))
                .collect();
            let units: Vec<(Decimal, i64)> = cart.shipping.iter().map(|m| (m.amount, 1)).collect();
            let a = standard(p, &targets, &units, &left_ship, cart.digits);
            apply(&mut out.shipping, &mut left_ship, pi, a);
            continue;
        } else {
            let order = p.target_type == "order";
            let targets: Vec<usize> = (0..cart.items.len())
                .filter(|&i| order || rules::item_matches(&p.target_rules.0, &cart.items[i]))
                .collect();
            let units: Vec<(Decimal, i64)> = cart.items.iter().map(|i| (i.unit_price, i.quantity)).collect();
            standard(p, &targets, &units, &left_items, cart.digits)
        };
        apply(&mut out.items, &mut left_items, pi, amounts);
    }
    out
}

fn apply(out: &mut [Vec<Applied>], left: &mut [Decimal], promotion: usize, amounts: Vec<(usize, Decimal)>) {
    for (line, amount) in amounts {
        let amount = amount.min(left[line]);
        if amount > Decimal::ZERO {
            left[line] -= amount;
            out[line].push(Applied { promotion, amount });
        }
    }
}

fn percent(amount: Decimal, p: &PromotionRow) -> Decimal {
    amount * p.value.min(Decimal::ONE_HUNDRED) / Decimal::ONE_HUNDRED
}

/// `standard` promotions on `targets` (indexes into `units`: unit price and quantity).
fn standard(
    p: &PromotionRow,
    targets: &[usize],
    units: &[(Decimal, i64)],
    left: &[Decimal],
    digits: u32,
) -> Vec<(usize, Decimal)> {
    let across = p.target_type == "order" || p.allocation.as_deref() == Some("across");
    if !across {
        return targets
            .iter()
            .map(|&t| {
                let (unit, qty) = units[t];
                let n = Decimal::from(p.max_quantity.map_or(qty, |m| qty.min(m.into())));
                let amount = if p.method_type == "percentage" {
                    percent(unit * n, p)
                } else {
                    p.value * n
                };
                (t, round(amount.min(left[t]), digits))
            })
            .collect();
    }
    let base: Decimal = targets.iter().map(|&t| left[t]).sum();
    if base <= Decimal::ZERO {
        return Vec::new();
    }
    let total = round(
        if p.method_type == "percentage" {
            percent(base, p)
        } else {
            p.value.min(base)
        },
        digits,
    );
    share(total, base, targets, left, digits)
}

/// Spreads `total` over `targets` in proportion to what is left of each; the last takes
/// the rounding remainder.
fn share(total: Decimal, base: Decimal, targets: &[usize], left: &[Decimal], digits: u32) -> Vec<(usize, Decimal)> {
    let mut given = Decimal::ZERO;
    let mut out = Vec::with_capacity(targets.len());
    for (n, &t) in targets.iter().enumerate() {
        let amount = if n + 1 == targets.len() {
            total - given
        } else {
            round(total * left[t] / base, digits)
        };
        let amount = amount.clamp(Decimal::ZERO, left[t]);
        given += amount;
        out.push((t, amount));
    }
    out
}

/// Buy X get Y (see the module's notes).
fn buyget(cart: &CartLines, p: &PromotionRow, left: &[Decimal]) -> Vec<(usize, Decimal)> {
    let mut free: Vec<i64> = cart.items.iter().map(|i| i.quantity).collect();
    let mut buyers: Vec<usize> = (0..cart.items.len())
        .filter(|&i| rules::item_matches(&p.buy_rules.0, &cart.items[i]))
        .collect();
    buyers.sort_by(|&a, &b| cart.items[b].unit_price.cmp(&cart.items[a].unit_price));
    let mut needed = i64::from(p.buy_rules_min_quantity.unwrap_or(1));
    for &b in &buyers {
        let take = needed.min(free[b]);
        free[b] -= take;
        needed -= take;
    }
    if needed > 0 {
        return Vec::new();
    }
    let mut targets: Vec<usize> = (0..cart.items.len())
        .filter(|&i| rules::item_matches(&p.target_rules.0, &cart.items[i]))
        .collect();
    targets.sort_by(|&a, &b| cart.items[a].unit_price.cmp(&cart.items[b].unit_price));
    let mut to_give = i64::from(p.apply_to_quantity.unwrap_or(1));
    let mut out = Vec::new();
    for t in targets {
        let n = to_give.min(free[t]);
        if n <= 0 {
            continue;
        }
        to_give -= n;
        let unit = cart.items[t].unit_price;
        let per_unit = if p.method_type == "percentage" {
            percent(unit, p)
        } else {
            p.value.min(unit)
        };
        out.push((t, round((per_unit * Decimal::from(n)).min(left[t]), cart.digits)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::promotions::{CampaignCols, Rule};
    use serde_json::{json, Value};
    use sqlx::types::Json;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn promo(method: &str, target: &str, allocation: &str, value: &str) -> PromotionRow {
        PromotionRow {
            id: "promo_1".into(),
            code: "CODE".into(),
            r#type: "standard".into(),
            status: "active".into(),
            is_automatic: false,
            is_tax_inclusive: false,
            usage_limit: None,
            used: 0,
            campaign_id: None,
            method_type: method.into(),
            target_type: target.into(),
            allocation: Some(allocation.into()),
            value: d(value),
            currency_code: None,
            max_quantity: None,
            apply_to_quantity: None,
            buy_rules_min_quantity: None,
            rules: Json(vec![]),
            target_rules: Json(vec![]),
            buy_rules: Json(vec![]),
            metadata: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            campaign: CampaignCols::default(),
            applied: true,
        }
    }

    fn rule(attribute: &str, values: &[&str]) -> Rule {
        Rule {
            id: "r".into(),
            attribute: attribute.into(),
            operator: "in".into(),
            values: values.iter().map(|v| (*v).to_owned()).collect(),
            description: None,
        }
    }

    fn item<'a>(product: &'a Value, id: &'a str, pid: &'a str, price: &str, qty: i64) -> ItemFacts<'a> {
        ItemFacts {
            id,
            variant_id: id,
            product_id: pid,
            product,
            unit_price: d(price),
            quantity: qty,
        }
    }

    fn run(items: &[ItemFacts], shipping: &[ShippingFacts], promos: &[&PromotionRow]) -> Adjustments {
        let cart = CartFacts {
            currency_code: "eur".into(),
            ..Default::default()
        };
        compute(
            &CartLines {
                cart: &cart,
                items,
                shipping,
                digits: 2,
            },
            promos,
        )
    }

    #[test]
    fn ten_percent_across_the_order_spares_shipping_and_adds_up() {
        let p = json!({});
        let items = [item(&p, "a", "prod_a", "11.99", 2), item(&p, "b", "prod_b", "5", 1)];
        let ship = [ShippingFacts {
            id: "m",
            shipping_option_id: "so",
            amount: d("10"),
        }];
        let save10 = promo("percentage", "order", "across", "10");
        let a = run(&items, &ship, &[&save10]);
        assert_eq!(a.of(0), d("2.90"), "10 % of 28.98 = 2.898 → 2.90");
        assert_eq!(a.item_discount(0) + a.item_discount(1), d("2.90"));
        assert_eq!(a.shipping_discount(0), Decimal::ZERO);
    }

    #[test]
    fn fixed_each_with_max_quantity_touches_only_targeted_lines() {
        // The sample cart-item-promotion: 5 off one unit of the targeted product.
        let p = json!({});
        let items = [item(&p, "a", "prod_a", "20", 2), item(&p, "b", "prod_b", "12", 1)];
        let mut off5 = promo("fixed", "items", "each", "5");
        off5.max_quantity = Some(1);
        off5.target_rules = Json(vec![rule("items.product.id", &["prod_a"])]);
        let a = run(&items, &[], &[&off5]);
        assert_eq!(
            a.items[0],
            vec![Applied {
                promotion: 0,
                amount: d("5")
            }]
        );
        assert!(a.items[1].is_empty());
    }

    #[test]
    fn discounts_never_exceed_the_lines_and_stack_on_what_is_left() {
        let p = json!({});
        let items = [item(&p, "a", "prod_a", "3", 1)];
        let big = promo("fixed", "order", "across", "50");
        let half = promo("percentage", "items", "each", "50");
        let a = run(&items, &[], &[&big, &half]);
        assert_eq!(a.item_discount(0), d("3"));
        assert_eq!(a.items[0].len(), 1, "nothing left for the second promotion");
    }

    #[test]
    fn shipping_promotions_discount_methods() {
        let ship = [ShippingFacts {
            id: "m",
            shipping_option_id: "so_1",
            amount: d("10"),
        }];
        let free = promo("percentage", "shipping_methods", "each", "100");
        let a = run(&[], &ship, &[&free]);
        assert_eq!(a.shipping_discount(0), d("10"));
    }

    #[test]
    fn across_shares_add_up_to_the_amount() {
        let p = json!({});
        let items = [
            item(&p, "a", "pa", "1", 1),
            item(&p, "b", "pb", "1", 1),
            item(&p, "c", "pc", "1", 1),
        ];
        let one = promo("fixed", "items", "across", "1");
        let a = run(&items, &[], &[&one]);
        assert_eq!(a.of(0), d("1"));
        assert_eq!(a.item_discount(0), d("0.33"));
        assert_eq!(a.item_discount(2), d("0.34"));
    }

    #[test]
    fn buy_two_get_one_free_gives_the_cheapest_unit_beyond_those_bought() {
        let p = json!({});
        let mut b2g1 = promo("percentage", "items", "each", "100");
        b2g1.r#type = "buyget".into();
        b2g1.buy_rules = Json(vec![rule("items.product.id", &["pa", "pb"])]);
        b2g1.target_rules = Json(vec![rule("items.product.id", &["pa", "pb"])]);
        b2g1.buy_rules_min_quantity = Some(2);
        b2g1.apply_to_quantity = Some(1);
        let two = [item(&p, "a", "pa", "10", 2)];
        assert_eq!(
            run(&two, &[], &[&b2g1]).of(0),
            Decimal::ZERO,
            "two bought, none to give"
        );
        let three = [item(&p, "a", "pa", "10", 2), item(&p, "b", "pb", "4", 1)];
        assert_eq!(run(&three, &[], &[&b2g1]).item_discount(1), d("4"));
    }

    #[test]
    fn state_and_counters_decide_usability() {
        let now = Utc::now();
        let mut p = promo("fixed", "order", "across", "1");
        assert_eq!(usable(&p, now), Ok(()));
        p.usage_limit = Some(1);
        p.used = 1;
        assert_eq!(usable(&p, now), Err(Unusable::LimitReached));
        p.usage_limit = None;
        p.campaign.ends_at = Some(now);
        assert_eq!(usable(&p, now), Err(Unusable::Ended));
        p.campaign.ends_at = None;
        p.campaign.budget_type = Some("usage".into());
        p.campaign.budget_limit = Some(d("1"));
        p.campaign.budget_used = Some(d("1"));
        assert_eq!(usable(&p, now), Err(Unusable::BudgetUsed));
        p.status = "inactive".into();
        assert_eq!(usable(&p, now), Err(Unusable::NotActive));
    }
}
