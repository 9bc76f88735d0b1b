//! Never a stale order: re-checks everything a cart depends on that may have changed
//! since it was filled — the region and its currency, each line's product, variant,
//! sales channel and price, the shipping option and whether it still serves the
//! shipping address — against the current catalog and shipping options.
//!
//! This is the one place those checks live. Reading or writing a cart *corrects* it
//! (drops lines no longer sold, reprices, drops a shipping method that no longer
//! applies), so the cart shown is the current truth; completion runs the same check
//! under the cart's lock and, when anything changed, commits the corrections and
//! refuses with a 400 naming each change, rather than placing an order on stale data.
//! Promotion checks (expired, deactivated, out of budget) are meant to join `check`
//! as further `Change` kinds. Stock is not here: the conditional decrement at
//! completion is its authoritative check (a read cannot reserve it anyway).

use rust_decimal::Decimal;

use crate::app::catalog::snapshot::Catalog;
use crate::app::checkout::carts;
use crate::core::Result;
use crate::db::carts::{self as rows, CartRow};
use crate::db::TenantTx;

/// One thing that changed under a cart, with what the shopper needs to know.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// The region the cart is in was deleted: nothing can be sold in it.
    RegionGone { region_id: String },
    /// The region's currency changed: the cart moves to it (lines repriced).
    CurrencyChanged { from: String, to: String },
    /// The product was unpublished, deleted or taken out of the cart's sales channel,
    /// the variant was deleted, or it has no price in the region any more.
    ItemUnavailable { item_id: String, title: String },
    /// The line's unit price is no longer the catalog's (price lists included).
    PriceChanged {
        item_id: String,
        title: String,
        from: Decimal,
        to: Decimal,
        /// The original price shown struck through, when a sale list sets `to`.
        compare_at: Option<Decimal>,
    },
    /// The shipping option was deleted or disabled, or moved to another region.
    ShippingOptionGone { method_id: String, name: String },
    /// The shipping option's price or name changed.
    ShippingOptionChanged {
        method_id: String,
        option_id: String,
        name: String,
        from: Decimal,
        to: Decimal,
    },
    /// The region no longer ships to the shipping address's country.
    AddressOutsideRegion { method_id: String, country: String },
}

impl Change {
    /// What changed, in words for the shopper (and the 400 at completion).
    pub fn describe(&self) -> String {
        match self {
            Change::RegionGone { region_id } => format!("region {region_id} no longer exists"),
            Change::CurrencyChanged { from, to } => format!("the region's currency changed from {from} to {to}"),
            Change::ItemUnavailable { title, .. } => format!("{title} is no longer available"),
            Change::PriceChanged { title, from, to, .. } => {
                format!(
                    "the price of {title} changed from {} to {}",
                    from.normalize(),
                    to.normalize()
                )
            }
            Change::ShippingOptionGone { name, .. } => format!("shipping option {name} is no longer available"),
            Change::ShippingOptionChanged { name, from, to, .. } => format!(
                "shipping option {name} changed (price {} → {})",
                from.normalize(),
                to.normalize()
            ),
            Change::AddressOutsideRegion { country, .. } => {
                format!("the region no longer ships to the shipping address's country ({country})")
            }
        }
    }
}

/// The message completion refuses with.
pub fn refusal(changes: &[Change]) -> String {
    let what: Vec<String> = changes.iter().map(Change::describe).collect();
    format!(
        "The cart changed since it was filled: {}. The cart now shows the current prices and items; review it and complete again.",
        what.join("; ")
    )
}

fn item_title(product: &serde_json::Value) -> String {
    let title = product["title"].as_str().unwrap_or("An item");
    match product["variant_title"].as_str() {
        Some(v) if !v.is_empty() => format!("{title} ({v})"),
        _ => title.to_owned(),
    }
}

/// Everything that no longer holds for the cart `row` (a not yet completed cart), from
/// the catalog snapshot, the customer's price-list `groups` and what the cart's load read
/// of its shipping options: no I/O.
pub fn check(row: &CartRow, catalog: &Catalog, groups: &[String]) -> Vec<Change> {
    let mut changes = Vec::new();
    let Some(region) = catalog.region(&row.region_id) else {
        changes.push(Change::RegionGone {
            region_id: row.region_id.clone(),
        });
        return changes;
    };
    if region.currency_code != row.currency_code {
        changes.push(Change::CurrencyChanged {
            from: row.currency_code.clone(),
            to: region.currency_code.clone(),
        });
    }
    let channel = std::slice::from_ref(&row.sales_channel_id);
    for item in &row.items.0 {
        let title = item_title(&item.product);
        let price = catalog
            .variant(&item.variant_id)
            .filter(|(p, _)| p.visible_in(channel))
            .and_then(|(_, v)| carts::price_of(catalog, v, (&region.id, &region.currency_code), groups));
        match price {
            None => changes.push(Change::ItemUnavailable {
                item_id: item.id.clone(),
                title,
            }),
            Some((amount, compare_at)) if amount != item.unit_price => changes.push(Change::PriceChanged {
                item_id: item.id.clone(),
                title,
                from: item.unit_price,
                to: amount,
                compare_at,
            }),
            Some(_) => {}
        }
    }
    let country = row
        .shipping_address
        .as_ref()
        .and_then(|a| a.0["country_code"].as_str().map(str::to_owned));
    for m in &row.shipping_methods.0 {
        if let Some(cc) = country
            .as_ref()
            .filter(|cc| !region.countries.iter().any(|c| &c.iso_2 == *cc))
        {
            changes.push(Change::AddressOutsideRegion {
                method_id: m.id.clone(),
                country: cc.clone(),
            });
            continue;
        }
        let option = m
            .option
            .as_ref()
            .filter(|o| o.region_id == row.region_id && o.enabled_in_store);
        match option {
            None => changes.push(Change::ShippingOptionGone {
                method_id: m.id.clone(),
                name: m.name.clone(),
            }),
            Some(o) if o.amount != m.amount || o.name != m.name => changes.push(Change::ShippingOptionChanged {
                method_id: m.id.clone(),
                option_id: m.shipping_option_id.clone(),
                name: o.name.clone(),
                from: m.amount,
                to: o.amount,
            }),
            Some(_) => {}
        }
    }
    changes
}

/// Makes the cart the current truth: moves it to the region's currency, drops lines no
/// longer sold, reprices the others, and drops or updates the shipping method.
/// The caller holds the cart's lock, and loads the cart again afterwards (corrections are
/// rare, so they are not applied to the row in memory).
pub async fn correct(tx: &mut TenantTx, row: &CartRow, changes: &[Change]) -> Result<()> {
    let id = &row.id;
    for change in changes {
        match change {
            Change::RegionGone { .. } => {}
            Change::CurrencyChanged { to, .. } => {
                let mut f = row.fields();
                f.currency_code = to.clone();
                rows::update(tx, id, &f).await?;
            }
            Change::ItemUnavailable { item_id, .. } => rows::delete_item(tx, id, item_id).await?,
            Change::PriceChanged {
                item_id,
                to,
                compare_at,
                ..
            } => {
                rows::update_item(tx, id, item_id, None, Some((*to, *compare_at))).await?;
            }
            Change::ShippingOptionGone { .. } | Change::AddressOutsideRegion { .. } => {
                rows::set_shipping_method(tx, id, None).await?;
            }
            Change::ShippingOptionChanged {
                option_id, name, to, ..
            } => {
                rows::set_shipping_method(tx, id, Some((option_id, name, *to))).await?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_refusal_names_every_change() {
        let changes = [
            Change::ItemUnavailable {
                item_id: "cali_1".into(),
                title: "Shirt (S)".into(),
            },
            Change::PriceChanged {
                item_id: "cali_2".into(),
                title: "Cap".into(),
                from: Decimal::new(1000, 2),
                to: Decimal::new(1150, 2),
                compare_at: None,
            },
            Change::ShippingOptionChanged {
                method_id: "casm_1".into(),
                option_id: "so_1".into(),
                name: "Express".into(),
                from: Decimal::from(10),
                to: Decimal::from(15),
            },
        ];
        let message = refusal(&changes);
        assert!(message.contains(
            "Shirt (S) is no longer available; the price of Cap changed from 10 to 11.5; \
             shipping option Express changed (price 10 → 15)"
        ));
    }

    #[test]
    fn titles_name_the_variant() {
        let p = serde_json::json!({"title": "Shirt", "variant_title": "M"});
        assert_eq!(item_title(&p), "Shirt (M)");
        assert_eq!(
            item_title(&serde_json::json!({"title": "Mug", "variant_title": ""})),
            "Mug"
        );
        assert_eq!(item_title(&serde_json::json!({})), "An item");
    }
}
