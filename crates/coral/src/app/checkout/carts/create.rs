//! `POST /store/carts`: a cart in a region, with the shopper's fields, items and codes,
//! written and answered in one transaction.

use crate::app::catalog::snapshot::Catalog;
use crate::app::promotions::cart::{self as promos, Mode};
use crate::app::Services;
use crate::core::{names, Error, Result};
use crate::db::carts::{self, CartFields};
use crate::db::regions::RegionRow;
use crate::db::{customers, TenantTx};
use crate::tenancy::TenantCtx;

use super::input::{address_document, CartIn};
use super::items::add_item;
use super::write::Draft;
use super::{no_cart, Cart};

/// The region `id` names, or the store's first; Medusa's 404 when there is none.
pub(super) fn region_of<'c>(catalog: &'c Catalog, id: Option<&str>) -> Result<&'c RegionRow> {
    match id {
        Some(id) => catalog.region(id),
        None => catalog.regions.first(),
    }
    .ok_or_else(|| Error::not_found("No regions found"))
}

/// The requested sales channel when the publishable key covers it, else the key's first.
pub(super) fn sales_channel(ctx: &TenantCtx, requested: Option<String>) -> Result<String> {
    match requested {
        Some(id) if ctx.sales_channel_ids.contains(&id) => Ok(id),
        Some(id) => Err(Error::invalid(format!(
            "Sales channel {id} is not associated with the publishable key"
        ))),
        None => ctx
            .sales_channel_ids
            .first()
            .cloned()
            .ok_or_else(|| Error::invalid("The store has no sales channel")),
    }
}

/// Applies a guest email: the cart's customer becomes the tenant's guest customer with
/// that email, unless a registered customer owns the cart.
pub(super) async fn set_email(tx: &mut TenantTx, f: &mut CartFields, email: &str, registered: bool) -> Result<()> {
    let email = names::parse_email(email)?;
    if !registered {
        f.customer_id = Some(customers::guest(tx, &email).await?);
    }
    f.email = Some(email);
    Ok(())
}

/// Creates a cart (for the signed-in `customer`, if any) and answers it.
pub async fn create(app: &Services, ctx: &TenantCtx, customer: Option<&str>, input: CartIn) -> Result<Cart> {
    let catalog = app.catalogs.get(ctx).await?;
    let region = region_of(&catalog, input.region_id.as_deref())?;
    if let Some(c) = &input.currency_code {
        if !c.eq_ignore_ascii_case(&region.currency_code) {
            return Err(Error::invalid(format!(
                "Currency {c} is not the currency of region {}",
                region.name
            )));
        }
    }
    let mut tx = ctx.db.begin_relaxed().await?;
    let mut f = CartFields {
        region_id: region.id.clone(),
        currency_code: region.currency_code.clone(),
        sales_channel_id: sales_channel(ctx, input.sales_channel_id)?,
        email: None,
        customer_id: None,
        locale: input.locale.filter(|l| !l.is_empty()),
        shipping_address: input
            .shipping_address
            .map(|a| address_document(a, region))
            .transpose()?,
        billing_address: input.billing_address.map(|a| address_document(a, region)).transpose()?,
        metadata: input.metadata,
    };
    if let Some(id) = customer {
        let c = customers::get(&mut tx, id).await?.ok_or_else(Error::unauthorized)?;
        f.customer_id = Some(c.id);
        f.email = Some(c.email);
    }
    if let Some(email) = &input.email {
        set_email(&mut tx, &mut f, email, customer.is_some()).await?;
    }
    let id = carts::insert(&mut tx, &f).await?;
    // Read once for what the row derives (tax rate, digits, the customer's email); the
    // items then land in the draft as they are written.
    let row = carts::load(&mut tx, &id).await?.ok_or_else(|| no_cart(&id))?;
    let mut draft = Draft::new(row, region.clone());
    for item in input.items.unwrap_or_default() {
        add_item(&mut tx, &mut draft, &catalog, ctx, item).await?;
    }
    if let Some(codes) = &input.promo_codes {
        promos::apply(ctx, &mut tx, &id, codes, Mode::Replace).await?;
    }
    let cart = draft.price(ctx, &mut tx).await?;
    tx.commit().await?;
    Ok(cart)
}
