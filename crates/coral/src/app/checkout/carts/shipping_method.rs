//! `POST /store/carts/:id/shipping-methods`: ship the cart with one of its region's options.

use crate::app::Services;
use crate::core::{Error, Result};
use crate::db::{carts, shipping};
use crate::tenancy::TenantCtx;

use super::input::ShippingMethodIn;
use super::write::{write, Draft};
use super::Cart;

/// Sets the cart's shipping method (replacing any); 400 for an option that is not the
/// cart's region's, not enabled in the store, or whose zone does not cover the address.
pub async fn add_shipping_method(app: &Services, ctx: &TenantCtx, id: &str, input: ShippingMethodIn) -> Result<Cart> {
    write(app, ctx, id, async move |tx, mut d, _| {
        let option = shipping::get(tx, &input.option_id)
            .await?
            .filter(|o| o.region_id == d.row.region_id && o.enabled_in_store)
            .filter(|_| ships_to_address(&d))
            .ok_or_else(|| Error::invalid("Shipping Options are invalid for cart."))?;
        let method = carts::set_shipping_method(tx, &d.row.id, Some((&option.id, &option.name, option.amount))).await?;
        d.row.set_method(method);
        Ok(d)
    })
    .await
}

/// Whether the cart's region (the options' service zone) covers its shipping address
/// (true without an address). A region may drop a country after the address was set.
fn ships_to_address(d: &Draft) -> bool {
    let country = d
        .row
        .shipping_address
        .as_ref()
        .and_then(|a| a.0["country_code"].as_str());
    country.is_none_or(|cc| d.region.countries.iter().any(|c| c.iso_2 == cc))
}
