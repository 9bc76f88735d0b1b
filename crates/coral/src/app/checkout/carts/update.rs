//! `POST /store/carts/:id` (email, addresses, region, sales channel, locale, metadata,
//! codes) and `POST /store/carts/:id/customer`.

use crate::app::catalog::snapshot::Catalog;
use crate::app::promotions::cart::{self as promos, Mode};
use crate::app::Services;
use crate::core::{Error, Result};
use crate::db::carts;
use crate::db::regions::RegionRow;
use crate::db::{customers, TenantTx};
use crate::tenancy::TenantCtx;

use super::create::{region_of, sales_channel, set_email};
use super::input::{address_document, CartIn};
use super::prices::unit_price;
use super::write::{write, Draft};
use super::Cart;

/// Changes the cart's fields; `items` and `currency_code` are refused (Medusa takes them
/// on create only).
pub async fn update(app: &Services, ctx: &TenantCtx, id: &str, input: CartIn) -> Result<Cart> {
    if input.items.is_some() || input.currency_code.is_some() {
        return Err(Error::invalid(
            "Invalid request: Unrecognized fields: 'items'/'currency_code' (use the line-items routes or region_id)",
        ));
    }
    write(app, ctx, id, async move |tx, mut d, catalog| {
        let mut f = d.row.fields();
        if let Some(rid) = &input.region_id {
            if *rid != d.row.region_id {
                let region = region_of(&catalog, Some(rid))?.clone();
                change_region(tx, &mut d, &region, &catalog).await?;
                f.region_id = region.id.clone();
                f.currency_code = region.currency_code.clone();
                // An address outside the new region no longer applies.
                for addr in [&mut f.shipping_address, &mut f.billing_address] {
                    let cc = addr
                        .as_ref()
                        .and_then(|a| a["country_code"].as_str().map(str::to_owned));
                    if cc.is_some_and(|cc| !region.countries.iter().any(|c| c.iso_2 == cc)) {
                        *addr = None;
                    }
                }
                d.region = region;
            }
        }
        if let Some(sc) = input.sales_channel_id {
            f.sales_channel_id = sales_channel(ctx, Some(sc))?;
        }
        if let Some(email) = &input.email {
            let registered = match &d.row.customer_id {
                Some(cid) => customers::get(tx, cid).await?.is_some_and(|c| c.has_account),
                None => false,
            };
            set_email(tx, &mut f, email, registered).await?;
        }
        if let Some(a) = input.shipping_address {
            f.shipping_address = Some(address_document(a, &d.region)?);
        }
        if let Some(a) = input.billing_address {
            f.billing_address = Some(address_document(a, &d.region)?);
        }
        if let Some(l) = input.locale {
            f.locale = Some(l).filter(|l| !l.is_empty());
        }
        if let Some(m) = input.metadata {
            f.metadata = Some(m);
        }
        if let Some(codes) = &input.promo_codes {
            promos::apply(ctx, tx, &d.row.id, codes, Mode::Replace).await?;
            d.codes_changed();
        }
        let saved = carts::update(tx, &d.row.id, &f).await?;
        d.row.apply(f, saved);
        Ok(d)
    })
    .await
}

/// Reprices every item for `region` and drops the shipping method (options are per
/// region). An item without a price there refuses the change.
async fn change_region(tx: &mut TenantTx, d: &mut Draft, region: &RegionRow, catalog: &Catalog) -> Result<()> {
    let lines: Vec<(String, String)> = d
        .row
        .items
        .0
        .iter()
        .map(|i| (i.id.clone(), i.variant_id.clone()))
        .collect();
    for (item_id, variant_id) in lines {
        let price = match catalog.variant(&variant_id) {
            Some((_, v)) => unit_price(tx, catalog, v, region, d.row.customer_id.as_deref()).await?,
            None => None,
        };
        let price = price.ok_or_else(|| {
            Error::invalid(format!(
                "Variants with IDs {variant_id} do not have a price in region {}",
                region.name
            ))
        })?;
        if let Some(line) = carts::update_item(tx, &d.row.id, &item_id, None, Some(price)).await? {
            d.row.put_item(line);
        }
    }
    carts::set_shipping_method(tx, &d.row.id, None).await?;
    d.row.set_method(None);
    Ok(())
}

/// Gives the cart to the signed-in customer (`POST /store/carts/:id/customer`).
pub async fn set_customer(app: &Services, ctx: &TenantCtx, id: &str, customer_id: &str) -> Result<Cart> {
    write(app, ctx, id, async move |tx, mut d, _| {
        let c = customers::get(tx, customer_id).await?.ok_or_else(Error::unauthorized)?;
        let mut f = d.row.fields();
        f.customer_id = Some(c.id);
        f.email = Some(c.email);
        let saved = carts::update(tx, &d.row.id, &f).await?;
        d.row.apply(f, saved);
        Ok(d)
    })
    .await
}
