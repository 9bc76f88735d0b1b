//! Line items: add (merging a variant already in the cart), change a quantity, remove.
//! Stock is checked here as a courtesy; the conditional decrement at completion decides.

use crate::app::catalog::model::Variant;
use crate::app::catalog::snapshot::Catalog;
use crate::app::checkout::sold;
use crate::app::Services;
use crate::core::{Error, Result};
use crate::db::carts::{self, NewItem};
use crate::db::{inventory, TenantTx};
use crate::tenancy::TenantCtx;

use super::input::{ItemIn, ItemUpdate};
use super::prices::unit_price;
use super::write::{write, Draft};
use super::Cart;

fn check_quantity(q: i64) -> Result<i32> {
    if q <= 0 {
        return Err(Error::invalid(
            "Invalid request: Value for field 'quantity' too small, expected at least: '0'",
        ));
    }
    i32::try_from(q).map_err(|_| Error::invalid("Invalid request: Value for field 'quantity' is too large"))
}

fn line_not_found(item_id: &str) -> Error {
    Error::not_found(format!("Line item with id: {item_id} was not found"))
}

/// Refuses a quantity the variant's stock cannot cover (unless it is not tracked or
/// may be backordered). The final word is the conditional decrement at completion.
async fn check_stock(tx: &mut TenantTx, variant: &Variant, wanted: i64) -> Result<()> {
    let v = &variant.row;
    if !v.manage_inventory || v.allow_backorder {
        return Ok(());
    }
    let available = inventory::available(tx, std::slice::from_ref(&v.id)).await?;
    if available.get(&v.id).copied().unwrap_or(0) < wanted {
        return Err(Error::invalid(format!(
            "Variant {} does not have the required inventory",
            v.id
        )));
    }
    Ok(())
}

/// Adds `item` to the locked cart `d` at today's price (the same variant again adds to
/// its line, as Medusa merges them), and puts the written line in `d`.
pub(super) async fn add_item(
    tx: &mut TenantTx,
    d: &mut Draft,
    catalog: &Catalog,
    ctx: &TenantCtx,
    item: ItemIn,
) -> Result<()> {
    let quantity = check_quantity(item.quantity)?;
    let (product, variant) = catalog
        .variant(&item.variant_id)
        .filter(|(p, _)| p.visible_in(std::slice::from_ref(&d.row.sales_channel_id)))
        .filter(|(p, _)| ctx.sales_channel_ids.iter().any(|c| p.sales_channel_ids.contains(c)))
        .ok_or_else(|| {
            Error::invalid(format!(
                "Variants {} do not exist or belong to a product that is not published",
                item.variant_id
            ))
        })?;
    let (price, compare_at) = unit_price(tx, catalog, variant, &d.region, d.row.customer_id.as_deref())
        .await?
        .ok_or_else(|| Error::invalid(format!("Variants with IDs {} do not have a price", item.variant_id)))?;
    let existing = d.row.items.0.iter().find(|i| i.variant_id == item.variant_id);
    let existing = existing.map(|i| (i.id.clone(), i64::from(i.quantity)));
    let total = i64::from(quantity) + existing.as_ref().map_or(0, |e| e.1);
    check_stock(tx, variant, total).await?;
    let line = match existing {
        Some((line_id, _)) => carts::update_item(tx, &d.row.id, &line_id, Some(check_quantity(total)?), None)
            .await?
            .ok_or_else(|| line_not_found(&line_id))?,
        None => {
            let new = NewItem {
                variant_id: &variant.row.id,
                product_id: &product.row.id,
                quantity,
                unit_price: price,
                compare_at_unit_price: compare_at,
                product: sold::sold(catalog, product, variant),
                metadata: item.metadata,
            };
            carts::insert_item(tx, &d.row.id, new).await?
        }
    };
    d.row.put_item(line);
    Ok(())
}

/// `POST /store/carts/:id/line-items`.
pub async fn add_line_item(app: &Services, ctx: &TenantCtx, id: &str, item: ItemIn) -> Result<Cart> {
    write(app, ctx, id, async move |tx, mut d, catalog| {
        add_item(tx, &mut d, &catalog, ctx, item).await?;
        Ok(d)
    })
    .await
}

/// Sets a line's quantity; 0 removes it, as in Medusa.
pub async fn update_line_item(
    app: &Services,
    ctx: &TenantCtx,
    id: &str,
    item_id: &str,
    input: ItemUpdate,
) -> Result<Cart> {
    if input.quantity < 0 {
        check_quantity(input.quantity)?;
    }
    write(app, ctx, id, async move |tx, mut d, catalog| {
        let line = d.row.items.0.iter().find(|i| i.id == item_id);
        let variant_id = line.ok_or_else(|| line_not_found(item_id))?.variant_id.clone();
        if input.quantity == 0 {
            carts::delete_item(tx, &d.row.id, item_id).await?;
            d.row.remove_item(item_id);
            return Ok(d);
        }
        let quantity = check_quantity(input.quantity)?;
        if let Some((_, variant)) = catalog.variant(&variant_id) {
            check_stock(tx, variant, input.quantity).await?;
        }
        let line = carts::update_item(tx, &d.row.id, item_id, Some(quantity), None)
            .await?
            .ok_or_else(|| line_not_found(item_id))?;
        d.row.put_item(line);
        Ok(d)
    })
    .await
}

/// `DELETE /store/carts/:id/line-items/:line_id`.
pub async fn delete_line_item(app: &Services, ctx: &TenantCtx, id: &str, item_id: &str) -> Result<Cart> {
    write(app, ctx, id, async move |tx, mut d, _| {
        if !d.row.items.0.iter().any(|i| i.id == item_id) {
            return Err(line_not_found(item_id));
        }
        carts::delete_item(tx, &d.row.id, item_id).await?;
        d.row.remove_item(item_id);
        Ok(d)
    })
    .await
}
