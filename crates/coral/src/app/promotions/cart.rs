//! Promotions on a cart: which apply and what they take off (computed on every read from
//! the cart's current lines), applying and removing codes, and what completion checks and
//! counts.

use chrono::Utc;
use rust_decimal::Decimal;

use crate::app::promotions::compute::{self, Adjustments, CartLines, Unusable};
use crate::app::promotions::rules::{self, CartFacts, ItemFacts, ShippingFacts};
use crate::core::{Error, Result};
use crate::db::carts::CartRow;
use crate::db::promotions::{self as rows, PromotionRow};
use crate::db::TenantTx;
use crate::tenancy::TenantCtx;

/// The feature flag that turns promotions on for a store (per plan).
pub const FEATURE: &str = "promotions";

/// A cart's promotions: those considered (applied codes still valid, and the store's
/// automatic ones), their adjustments, and applied codes that went stale.
#[derive(Debug, Clone, Default)]
pub struct CartPromotions {
    pub promotions: Vec<PromotionRow>,
    pub adjustments: Adjustments,
    /// Applied promotions that became unusable for good (deactivated, expired, not yet
    /// started) since they were applied: they no longer discount the cart, and
    /// completion refuses once, naming them, and lets them go.
    pub stale: Vec<(PromotionRow, Unusable)>,
}

impl CartPromotions {
    /// The promotions to list on the cart: applied codes, and automatic promotions that
    /// discount it.
    pub fn listed(&self) -> impl Iterator<Item = &PromotionRow> {
        self.promotions
            .iter()
            .enumerate()
            .filter(|(i, p)| p.applied || self.adjustments.of(*i) > Decimal::ZERO)
            .map(|(_, p)| p)
    }
}

fn item_facts(row: &CartRow) -> Vec<ItemFacts<'_>> {
    row.items
        .0
        .iter()
        .map(|i| ItemFacts {
            id: &i.id,
            variant_id: &i.variant_id,
            product_id: &i.product_id,
            product: &i.product,
            unit_price: i.unit_price,
            quantity: i.quantity.into(),
        })
        .collect()
}

fn shipping_facts(row: &CartRow) -> Vec<ShippingFacts<'_>> {
    row.shipping_methods
        .0
        .iter()
        .map(|m| ShippingFacts {
            id: &m.id,
            shipping_option_id: &m.shipping_option_id,
            amount: m.amount,
        })
        .collect()
}

/// A cart's promotions as read from the database, before their adjustments: read once
/// under a cart's lock, they are adjusted to the cart as it is after a write.
#[derive(Debug, Clone, Default)]
pub struct Read {
    promotions: Vec<PromotionRow>,
    stale: Vec<(PromotionRow, Unusable)>,
}

/// Reads the cart's promotions (applied codes and the store's automatic ones). Nothing
/// (and no query) for a store without the feature.
pub async fn read(ctx: &TenantCtx, tx: &mut TenantTx, cart_id: &str) -> Result<Read> {
    if !ctx.tenant.has_feature(FEATURE) {
        return Ok(Read::default());
    }
    let now = Utc::now();
    let mut read = Read::default();
    for p in rows::for_cart(tx, cart_id).await? {
        match compute::usable(&p, now) {
            // Spent counters keep showing, as Medusa's cart does; completion decides.
            Ok(()) | Err(Unusable::LimitReached | Unusable::BudgetUsed) => read.promotions.push(p),
            Err(why) if p.applied => read.stale.push((p, why)),
            Err(_) => {}
        }
    }
    Ok(read)
}

/// Computes what the `read` promotions take off the cart `row` (its lines as they are
/// now). Queries only the customer's groups, and only when a promotion's rules need them.
pub async fn adjust(ctx: &TenantCtx, tx: &mut TenantTx, read: Read, row: &CartRow) -> Result<CartPromotions> {
    if !ctx.tenant.has_feature(FEATURE) {
        return Ok(CartPromotions::default());
    }
    let Read { promotions, stale } = read;
    let groups = match &row.customer_id {
        Some(c) if promotions.iter().any(|p| rules::needs_groups(&p.rules.0)) => {
            crate::db::customer_groups::of_customer(tx, c).await?
        }
        _ => Vec::new(),
    };
    let cart = CartFacts {
        region_id: row.region_id.clone(),
        currency_code: row.currency_code.clone(),
        sales_channel_id: row.sales_channel_id.clone(),
        customer_id: row.customer_id.clone(),
        customer_group_ids: groups,
    };
    let (items, shipping) = (item_facts(row), shipping_facts(row));
    let lines = CartLines {
        cart: &cart,
        items: &items,
        shipping: &shipping,
        digits: row.decimal_digits.max(0) as u32,
    };
    let refs: Vec<&PromotionRow> = promotions.iter().collect();
    let adjustments = compute::compute(&lines, &refs);
    Ok(CartPromotions {
        promotions,
        adjustments,
        stale,
    })
}

/// Reads the cart's promotions and computes their adjustments.
pub async fn for_cart(ctx: &TenantCtx, tx: &mut TenantTx, row: &CartRow) -> Result<CartPromotions> {
    let read = read(ctx, tx, &row.id).await?;
    adjust(ctx, tx, read, row).await
}

/// How a list of codes changes the cart's set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `POST /store/carts/:id/promotions`: add to the set.
    Add,
    /// `promo_codes` on `POST /store/carts[/:id]`: the codes become the set.
    Replace,
}

/// Applies `codes` to the locked cart. A code that names no promotion of the store (codes
/// match exactly, as Medusa matches them), or a draft or inactive one, is refused with
/// Medusa's 400 and nothing changes; a valid code whose campaign is not running or whose
/// limit or budget is spent is accepted but not applied (Medusa's answer: 200, not listed).
pub async fn apply(ctx: &TenantCtx, tx: &mut TenantTx, cart_id: &str, codes: &[String], mode: Mode) -> Result<()> {
    if !codes.is_empty() && !ctx.tenant.has_feature(FEATURE) {
        return Err(Error::NotAllowed(
            "Promotions are not available for this store's plan".into(),
        ));
    }
    let found = if codes.is_empty() {
        Vec::new()
    } else {
        rows::by_codes(tx, codes).await?
    };
    for code in codes {
        if !found.iter().any(|p| p.code == *code && p.status == "active") {
            return Err(Error::invalid(format!("The promotion code {code} is invalid")));
        }
    }
    let now = Utc::now();
    let ids: Vec<String> = found
        .into_iter()
        .filter(|p| compute::usable(p, now).is_ok())
        .map(|p| p.id)
        .collect();
    rows::set_cart(tx, cart_id, &ids, mode == Mode::Replace).await
}

/// Removes `codes` from the cart (codes it does not hold are ignored).
pub async fn remove(tx: &mut TenantTx, cart_id: &str, codes: &[String]) -> Result<()> {
    let ids: Vec<String> = rows::by_codes(tx, codes).await?.into_iter().map(|p| p.id).collect();
    rows::remove_from_cart(tx, cart_id, &ids).await
}

/// At completion: counts each promotion that discounts the order against its limit and
/// its campaign's budget (a usage budget counts one per order, a spend budget the
/// discount), with conditional updates inside the order's transaction. Promotions first,
/// then campaigns, each in id order, so concurrent completions lock rows in one order.
/// A refusal is Medusa's 400 `not_allowed`, and the transaction (stock included) rolls back.
pub async fn consume(tx: &mut TenantTx, promos: &CartPromotions) -> Result<Vec<(usize, Decimal)>> {
    let mut used: Vec<(usize, Decimal)> = (0..promos.promotions.len())
        .map(|i| (i, promos.adjustments.of(i)))
        .filter(|(_, amount)| *amount > Decimal::ZERO)
        .collect();
    used.sort_by(|a, b| promos.promotions[a.0].id.cmp(&promos.promotions[b.0].id));
    // Only a promotion with a limit takes its row lock: an unlimited one (the popular
    // storewide code) would otherwise serialise every completion that uses it; its uses
    // are counted from `order_promotions`.
    for &(i, _) in used.iter().filter(|(i, _)| promos.promotions[*i].usage_limit.is_some()) {
        if !rows::consume(tx, &promos.promotions[i].id).await? {
            return Err(Error::NotAllowed(Unusable::LimitReached.message("")));
        }
    }
    let mut budgets: Vec<(&str, Decimal)> = Vec::new();
    for &(i, amount) in &used {
        let p = &promos.promotions[i];
        let (Some(id), Some(kind)) = (&p.campaign.id, &p.campaign.budget_type) else {
            continue;
        };
        let take = if kind == "usage" { Decimal::ONE } else { amount };
        match budgets.iter_mut().find(|(c, _)| c == id) {
            Some((_, t)) => *t += take,
            None => budgets.push((id, take)),
        }
    }
    budgets.sort();
    for (campaign, take) in budgets {
        if !rows::consume_budget(tx, campaign, take).await? {
            return Err(Error::NotAllowed(Unusable::BudgetUsed.message("")));
        }
    }
    Ok(used)
}

/// `POST /store/carts/:id/promotions` (`Mode::Add`) and `DELETE` (`remove`): the cart as
/// it is afterwards, adjustments recomputed.
pub async fn change(
    app: &crate::app::Services,
    ctx: &TenantCtx,
    cart_id: &str,
    codes: Vec<String>,
    add: bool,
) -> Result<crate::app::checkout::carts::Cart> {
    crate::app::checkout::carts::write(app, ctx, cart_id, async move |tx, mut cart, _| {
        if add {
            apply(ctx, tx, &cart.row.id, &codes, Mode::Add).await?;
        } else {
            remove(tx, &cart.row.id, &codes).await?;
        }
        cart.codes_changed();
        Ok(cart)
    })
    .await
}

/// The adjustments an order line keeps, from the cart line's.
pub fn order_adjustments(p: &CartPromotions, line: Option<&Vec<compute::Applied>>) -> Vec<rows::Adjustment> {
    line.map(|a| {
        a.iter()
            .map(|x| {
                let promo = &p.promotions[x.promotion];
                rows::Adjustment {
                    id: crate::core::ids::new_id("ordliadj"),
                    promotion_id: promo.id.clone(),
                    code: promo.code.clone(),
                    amount: x.amount,
                }
            })
            .collect()
    })
    .unwrap_or_default()
}

/// Completion found applied codes that went stale: lets them go (in a transaction of
/// its own, since the completion's rolls back) and answers the 400 naming the first.
pub async fn let_stale_go(ctx: &TenantCtx, cart: &crate::app::checkout::carts::Cart) -> Error {
    let ids: Vec<String> = cart.promotions.stale.iter().map(|(p, _)| p.id.clone()).collect();
    let result = async {
        let mut tx = ctx.db.begin().await?;
        rows::remove_from_cart(&mut tx, &cart.row.id, &ids).await?;
        tx.commit().await
    }
    .await;
    match (result, cart.promotions.stale.first()) {
        (Err(e), _) => e,
        (Ok(()), Some((p, why))) => Error::invalid(why.message(&p.code)),
        (Ok(()), None) => Error::invalid("The cart's promotions changed"),
    }
}
