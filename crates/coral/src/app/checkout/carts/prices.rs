//! The one price rule of carts: what a customer pays for a variant in a region now, price
//! lists included. Adding a line, changing region and re-checking a cart use it alike.

use rust_decimal::Decimal;

use crate::app::catalog::model::Variant;
use crate::app::catalog::pricing;
use crate::app::catalog::snapshot::Catalog;
use crate::core::Result;
use crate::db::regions::RegionRow;
use crate::db::{customer_groups, TenantTx};

/// The customer groups whose price lists may apply to `customer_id`: queried only when
/// the store has lists limited to groups.
pub(crate) async fn price_groups(
    tx: &mut TenantTx,
    catalog: &Catalog,
    customer_id: Option<&str>,
) -> Result<Vec<String>> {
    match customer_id {
        Some(c) if catalog.price_lists.has_group_lists => customer_groups::of_customer(tx, c).await,
        _ => Ok(Vec::new()),
    }
}

/// What a customer in `groups` pays for `variant` in `region` now, price lists included:
/// the unit price, and the original price beside it when a sale list set it.
pub(crate) fn price_of(
    catalog: &Catalog,
    variant: &Variant,
    region: (&str, &str),
    groups: &[String],
) -> Option<(Decimal, Option<Decimal>)> {
    let (region_id, currency) = region;
    pricing::choose(
        variant,
        &catalog.price_lists,
        region_id,
        currency,
        groups,
        chrono::Utc::now(),
    )
    .map(|c| {
        let sale = c.list.is_some_and(|l| l.list_type == "sale");
        (c.amount, sale.then_some(c.original_amount))
    })
}

/// `price_of` for the cart's customer (`customer_id`), reading their groups when needed.
pub(super) async fn unit_price(
    tx: &mut TenantTx,
    catalog: &Catalog,
    variant: &Variant,
    region: &RegionRow,
    customer_id: Option<&str>,
) -> Result<Option<(Decimal, Option<Decimal>)>> {
    let groups = price_groups(tx, catalog, customer_id).await?;
    Ok(price_of(catalog, variant, (&region.id, &region.currency_code), &groups))
}
