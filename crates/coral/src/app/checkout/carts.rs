//! Carts: create, read, update (email, addresses, region), line items, the customer,
//! the shipping method. Every write locks the cart row first, so writes to one cart and
//! its completion happen one at a time, and answers the cart as it is after the write.

use std::sync::Arc;

use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::catalog::model::Variant;
use crate::app::catalog::pricing;
use crate::app::catalog::snapshot::Catalog;
use crate::app::checkout::totals::{self, Line, LineTotals, Totals};
use crate::app::checkout::{revalidate, sold};
use crate::app::promotions::cart::{self as promos, CartPromotions, Mode};
use crate::app::Services;
use crate::core::{names, Error, Result};
use crate::db::carts::{self, CartFields, CartRow, NewItem};
use crate::db::payments::{self, CollectionRow};
use crate::db::regions::{self, RegionRow};
use crate::db::{customer_groups, customers, inventory, shipping, TenantTx};
use crate::tenancy::TenantCtx;

/// A cart with its region and every total, ready to answer.
pub struct Cart {
    pub row: CartRow,
    pub region: RegionRow,
    pub item_totals: Vec<LineTotals>,
    pub shipping_totals: Vec<LineTotals>,
    pub totals: Totals,
    /// Promotions considered for the cart and their adjustments (recomputed on every read).
    pub promotions: CartPromotions,
    /// The cart's payment collection with its sessions, once one was created.
    pub payment_collection: Option<CollectionRow>,
}

impl Cart {
    pub fn digits(&self) -> u32 {
        self.row.decimal_digits.max(0) as u32
    }
}

/// The cart's item lines, each with what promotions take off it.
pub fn item_lines(row: &CartRow, p: &CartPromotions) -> Vec<Line> {
    row.items
        .0
        .iter()
        .enumerate()
        .map(|(n, i)| Line {
            unit_price: i.unit_price,
            quantity: i.quantity.into(),
            tax_rate: row.tax_rate,
            discount: p.adjustments.item_discount(n),
        })
        .collect()
}

/// The cart's shipping lines, each with what promotions take off it.
pub fn shipping_lines(row: &CartRow, p: &CartPromotions) -> Vec<Line> {
    row.shipping_methods
        .0
        .iter()
        .enumerate()
        .map(|(n, m)| Line {
            unit_price: m.amount,
            quantity: 1,
            tax_rate: row.tax_rate,
            discount: p.adjustments.shipping_discount(n),
        })
        .collect()
}

/// Medusa's 404 for a cart id that is not this store's.
pub fn no_cart(id: &str) -> Error {
    Error::not_found(format!("Cart with id '{id}' not found"))
}

/// Loads cart `id` and computes its totals; 404 in Medusa's words when there is none.
pub async fn load(app: &Services, ctx: &TenantCtx, tx: &mut TenantTx, id: &str) -> Result<Cart> {
    let row = carts::load(tx, id).await?.ok_or_else(|| no_cart(id))?;
    view(app, ctx, tx, row, true).await
}

/// `load`, locking the cart row until the transaction ends — without the payment
/// collection (`payment_collection: None`): a cart is locked to be changed, and the
/// answer after the change is a `load` (one round trip less per write).
pub async fn lock(app: &Services, ctx: &TenantCtx, tx: &mut TenantTx, id: &str) -> Result<Cart> {
    let row = carts::load_locked(tx, id).await?.ok_or_else(|| no_cart(id))?;
    view(app, ctx, tx, row, false).await
}

async fn view(app: &Services, ctx: &TenantCtx, tx: &mut TenantTx, row: CartRow, collection: bool) -> Result<Cart> {
    let catalog = app.catalogs.get(ctx).await?;
    let region = match catalog.region(&row.region_id) {
        Some(r) => r.clone(),
        // A deleted region still answers (the cart shows it; completion refuses).
        None => regions::get_even_deleted(tx, &row.region_id)
            .await?
            .ok_or_else(|| Error::Internal(anyhow::anyhow!("cart {} has no region", row.id)))?,
    };
    let payment_collection = match collection {
        true => payments::for_cart(tx, &row.id).await?,
        false => None,
    };
    let digits = row.decimal_digits.max(0) as u32;
    let promotions = promos::for_cart(ctx, tx, &row).await?;
    let items = item_lines(&row, &promotions);
    let ship = shipping_lines(&row, &promotions);
    Ok(Cart {
        item_totals: items.iter().map(|l| l.totals(digits)).collect(),
        shipping_totals: ship.iter().map(|l| l.totals(digits)).collect(),
        totals: totals::totals(&items, &ship, digits),
        row,
        region,
        promotions,
        payment_collection,
    })
}

/// The cart as the current catalog says it is: a cart whose items, prices or shipping
/// changed underneath is corrected (under its lock) before it is answered.
pub async fn get(app: &Services, ctx: &TenantCtx, id: &str) -> Result<Cart> {
    let mut tx = ctx.db.begin().await?;
    let cart = load(app, ctx, &mut tx, id).await?;
    if cart.row.completed_at.is_some() {
        tx.commit().await?;
        return Ok(cart);
    }
    let catalog = app.catalogs.get(ctx).await?;
    let groups = price_groups(&mut tx, &catalog, cart.row.customer_id.as_deref()).await?;
    if revalidate::check(&cart, &catalog, &groups).is_empty() {
        tx.commit().await?;
        return Ok(cart);
    }
    drop(tx);
    let mut tx = ctx.db.begin_relaxed().await?;
    let cart = lock(app, ctx, &mut tx, id).await?;
    let (cart, changes) = current(app, ctx, &mut tx, cart, &catalog).await?;
    // Corrected, the cart was re-loaded whole; otherwise (another request corrected it
    // first) it still lacks the collection the lock leaves out.
    let cart = match changes.is_empty() {
        true => load(app, ctx, &mut tx, id).await?,
        false => cart,
    };
    tx.commit().await?;
    Ok(cart)
}

/// Keeps the payment collection's amount the cart's total after a change, as Medusa
/// does, so a storefront showing the collection shows what will be charged.
async fn sync_collection(tx: &mut TenantTx, cart: &mut Cart) -> Result<()> {
    let due = amount_due(cart);
    if let Some(c) = cart.payment_collection.as_mut().filter(|c| c.amount != due) {
        payments::set_amount(tx, &c.id, &cart.row.currency_code, due).await?;
        c.amount = due;
    }
    Ok(())
}

/// Re-checks the locked `cart` and corrects what changed (see `revalidate`); answers
/// the cart as it now is and the changes found.
pub async fn current(
    app: &Services,
    ctx: &TenantCtx,
    tx: &mut TenantTx,
    cart: Cart,
    catalog: &Catalog,
) -> Result<(Cart, Vec<revalidate::Change>)> {
    if cart.row.completed_at.is_some() {
        return Ok((cart, Vec::new()));
    }
    let groups = price_groups(tx, catalog, cart.row.customer_id.as_deref()).await?;
    let changes = revalidate::check(&cart, catalog, &groups);
    if changes.is_empty() {
        return Ok((cart, changes));
    }
    revalidate::correct(tx, &cart, &changes).await?;
    let mut cart = load(app, ctx, tx, &cart.row.id).await?;
    sync_collection(tx, &mut cart).await?;
    Ok((cart, changes))
}

/// Runs `change` on the locked, not yet completed cart, then answers the cart as it is.
pub(crate) async fn write<F>(app: &Services, ctx: &TenantCtx, id: &str, change: F) -> Result<Cart>
where
    F: for<'t> AsyncFnOnce(&'t mut TenantTx, Cart, Arc<Catalog>) -> Result<()>,
{
    let mut tx = ctx.db.begin_relaxed().await?;
    let cart = lock(app, ctx, &mut tx, id).await?;
    if cart.row.completed_at.is_some() {
        return Err(Error::invalid(format!("Cart {id} is already completed.")));
    }
    let catalog = app.catalogs.get(ctx).await?;
    change(&mut tx, cart, Arc::clone(&catalog)).await?;
    let cart = load(app, ctx, &mut tx, id).await?;
    let mut cart = current(app, ctx, &mut tx, cart, &catalog).await?.0;
    sync_collection(&mut tx, &mut cart).await?;
    tx.commit().await?;
    Ok(cart)
}

/// A postal address as carts take it (Medusa's fields).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressIn {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    pub address_1: Option<String>,
    pub address_2: Option<String>,
    pub city: Option<String>,
    pub country_code: Option<String>,
    pub province: Option<String>,
    pub postal_code: Option<String>,
    pub phone: Option<String>,
    pub metadata: Option<Value>,
}

impl AddressIn {
    /// The stored document, with an id (`prefix_…`) and a lowercase country.
    fn document(self, region: &RegionRow) -> Result<Value> {
        let country = match self.country_code {
            Some(cc) => {
                let cc = cc.to_ascii_lowercase();
                if !region.countries.iter().any(|c| c.iso_2 == cc) {
                    return Err(Error::invalid(format!(
                        "Country with code {cc} is not within region {}",
                        region.name
                    )));
                }
                Some(cc)
            }
            None => None,
        };
        Ok(json!({
            "id": crate::core::ids::new_id("caaddr"),
            "first_name": self.first_name, "last_name": self.last_name, "company": self.company,
            "address_1": self.address_1, "address_2": self.address_2, "city": self.city,
            "country_code": country, "province": self.province, "postal_code": self.postal_code,
            "phone": self.phone, "metadata": self.metadata,
        }))
    }
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemIn {
    pub variant_id: String,
    pub quantity: i64,
    pub metadata: Option<Value>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CartIn {
    pub region_id: Option<String>,
    pub email: Option<String>,
    pub currency_code: Option<String>,
    pub sales_channel_id: Option<String>,
    pub locale: Option<String>,
    pub shipping_address: Option<AddressIn>,
    pub billing_address: Option<AddressIn>,
    pub metadata: Option<Value>,
    pub items: Option<Vec<ItemIn>>,
    pub promo_codes: Option<Vec<String>>,
}

fn region_of<'c>(catalog: &'c Catalog, id: Option<&str>) -> Result<&'c RegionRow> {
    match id {
        Some(id) => catalog.region(id),
        None => catalog.regions.first(),
    }
    .ok_or_else(|| Error::not_found("No regions found"))
}

fn sales_channel(ctx: &TenantCtx, requested: Option<String>) -> Result<String> {
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
async fn set_email(tx: &mut TenantTx, f: &mut CartFields, email: &str, registered: bool) -> Result<()> {
    let email = names::parse_email(email)?;
    if !registered {
        f.customer_id = Some(customers::guest(tx, &email).await?);
    }
    f.email = Some(email);
    Ok(())
}

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
        shipping_address: input.shipping_address.map(|a| a.document(region)).transpose()?,
        billing_address: input.billing_address.map(|a| a.document(region)).transpose()?,
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
    let codes = input.promo_codes;
    for item in input.items.unwrap_or_default() {
        let cart = load(app, ctx, &mut tx, &id).await?;
        add_item(&mut tx, &cart, &catalog, ctx, item).await?;
    }
    if let Some(codes) = &codes {
        promos::apply(ctx, &mut tx, &id, codes, Mode::Replace).await?;
    }
    let cart = load(app, ctx, &mut tx, &id).await?;
    tx.commit().await?;
    Ok(cart)
}

pub async fn update(app: &Services, ctx: &TenantCtx, id: &str, input: CartIn) -> Result<Cart> {
    if input.items.is_some() || input.currency_code.is_some() {
        return Err(Error::invalid(
            "Invalid request: Unrecognized fields: 'items'/'currency_code' (use the line-items routes or region_id)",
        ));
    }
    write(app, ctx, id, async move |tx, cart, catalog| {
        let mut f = cart.row.fields();
        let mut region = &cart.region;
        if let Some(rid) = &input.region_id {
            if *rid != cart.row.region_id {
                region = region_of(&catalog, Some(rid))?;
                change_region(tx, &cart, region, &catalog).await?;
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
            }
        }
        if let Some(sc) = input.sales_channel_id {
            f.sales_channel_id = sales_channel(ctx, Some(sc))?;
        }
        if let Some(email) = &input.email {
            let registered = match &cart.row.customer_id {
                Some(cid) => customers::get(tx, cid).await?.is_some_and(|c| c.has_account),
                None => false,
            };
            set_email(tx, &mut f, email, registered).await?;
        }
        if let Some(a) = input.shipping_address {
            f.shipping_address = Some(a.document(region)?);
        }
        if let Some(a) = input.billing_address {
            f.billing_address = Some(a.document(region)?);
        }
        if let Some(l) = input.locale {
            f.locale = Some(l).filter(|l| !l.is_empty());
        }
        if let Some(m) = input.metadata {
            f.metadata = Some(m);
        }
        if let Some(codes) = &input.promo_codes {
            promos::apply(ctx, tx, &cart.row.id, codes, Mode::Replace).await?;
        }
        carts::update(tx, &cart.row.id, &f).await
    })
    .await
}

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
/// the unit price, and the original price beside it when a sale list set it. The one
/// price rule of carts: adding a line, changing region and re-checking use it alike.
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

async fn unit_price(
    tx: &mut TenantTx,
    catalog: &Catalog,
    variant: &Variant,
    region: &RegionRow,
    customer_id: Option<&str>,
) -> Result<Option<(Decimal, Option<Decimal>)>> {
    let groups = price_groups(tx, catalog, customer_id).await?;
    Ok(price_of(catalog, variant, (&region.id, &region.currency_code), &groups))
}

/// Reprices every item for `region` and drops the shipping method (options are per
/// region). An item without a price there refuses the change.
async fn change_region(tx: &mut TenantTx, cart: &Cart, region: &RegionRow, catalog: &Catalog) -> Result<()> {
    for item in &cart.row.items.0 {
        let price = match catalog.variant(&item.variant_id) {
            Some((_, v)) => unit_price(tx, catalog, v, region, cart.row.customer_id.as_deref()).await?,
            None => None,
        };
        let price = price.ok_or_else(|| {
            Error::invalid(format!(
                "Variants with IDs {} do not have a price in region {}",
                item.variant_id, region.name
            ))
        })?;
        carts::update_item(tx, &cart.row.id, &item.id, None, Some(price)).await?;
    }
    carts::set_shipping_method(tx, &cart.row.id, None).await
}

fn check_quantity(q: i64) -> Result<i32> {
    if q <= 0 {
        return Err(Error::invalid(
            "Invalid request: Value for field 'quantity' too small, expected at least: '0'",
        ));
    }
    i32::try_from(q).map_err(|_| Error::invalid("Invalid request: Value for field 'quantity' is too large"))
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

async fn add_item(tx: &mut TenantTx, cart: &Cart, catalog: &Catalog, ctx: &TenantCtx, item: ItemIn) -> Result<()> {
    let quantity = check_quantity(item.quantity)?;
    let (product, variant) = catalog
        .variant(&item.variant_id)
        .filter(|(p, _)| p.visible_in(std::slice::from_ref(&cart.row.sales_channel_id)))
        .filter(|(p, _)| ctx.sales_channel_ids.iter().any(|c| p.sales_channel_ids.contains(c)))
        .ok_or_else(|| {
            Error::invalid(format!(
                "Variants {} do not exist or belong to a product that is not published",
                item.variant_id
            ))
        })?;
    let (price, compare_at) = unit_price(tx, catalog, variant, &cart.region, cart.row.customer_id.as_deref())
        .await?
        .ok_or_else(|| Error::invalid(format!("Variants with IDs {} do not have a price", item.variant_id)))?;
    // The same variant again adds to its line (Medusa merges them).
    let existing = cart.row.items.0.iter().find(|i| i.variant_id == item.variant_id);
    let total = i64::from(quantity) + existing.map_or(0, |i| i64::from(i.quantity));
    check_stock(tx, variant, total).await?;
    match existing {
        Some(line) => carts::update_item(tx, &cart.row.id, &line.id, Some(check_quantity(total)?), None).await,
        None => {
            carts::insert_item(
                tx,
                &cart.row.id,
                NewItem {
                    variant_id: &variant.row.id,
                    product_id: &product.row.id,
                    quantity,
                    unit_price: price,
                    compare_at_unit_price: compare_at,
                    product: sold::sold(catalog, product, variant),
                    metadata: item.metadata,
                },
            )
            .await
        }
    }
}

pub async fn add_line_item(app: &Services, ctx: &TenantCtx, id: &str, item: ItemIn) -> Result<Cart> {
    write(app, ctx, id, async move |tx, cart, catalog| {
        add_item(tx, &cart, &catalog, ctx, item).await
    })
    .await
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemUpdate {
    pub quantity: i64,
    pub metadata: Option<Value>,
}

fn line_not_found(item_id: &str) -> Error {
    Error::not_found(format!("Line item with id: {item_id} was not found"))
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
    write(app, ctx, id, async move |tx, cart, catalog| {
        let line = cart
            .row
            .items
            .0
            .iter()
            .find(|i| i.id == item_id)
            .ok_or_else(|| line_not_found(item_id))?;
        if input.quantity == 0 {
            return carts::delete_item(tx, &cart.row.id, item_id).await;
        }
        let quantity = check_quantity(input.quantity)?;
        if let Some((_, variant)) = catalog.variant(&line.variant_id) {
            check_stock(tx, variant, input.quantity).await?;
        }
        carts::update_item(tx, &cart.row.id, item_id, Some(quantity), None).await
    })
    .await
}

pub async fn delete_line_item(app: &Services, ctx: &TenantCtx, id: &str, item_id: &str) -> Result<Cart> {
    write(app, ctx, id, async move |tx, cart, _| {
        if !cart.row.items.0.iter().any(|i| i.id == item_id) {
            return Err(line_not_found(item_id));
        }
        carts::delete_item(tx, &cart.row.id, item_id).await
    })
    .await
}

/// Gives the cart to the signed-in customer (`POST /store/carts/:id/customer`).
pub async fn set_customer(app: &Services, ctx: &TenantCtx, id: &str, customer_id: &str) -> Result<Cart> {
    write(app, ctx, id, async move |tx, cart, _| {
        let c = customers::get(tx, customer_id).await?.ok_or_else(Error::unauthorized)?;
        let mut f = cart.row.fields();
        f.customer_id = Some(c.id);
        f.email = Some(c.email);
        carts::update(tx, &cart.row.id, &f).await
    })
    .await
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShippingMethodIn {
    pub option_id: String,
    pub data: Option<Value>,
}

pub async fn add_shipping_method(app: &Services, ctx: &TenantCtx, id: &str, input: ShippingMethodIn) -> Result<Cart> {
    write(app, ctx, id, async move |tx, cart, _| {
        let option = shipping::get(tx, &input.option_id)
            .await?
            .filter(|o| o.region_id == cart.row.region_id && o.enabled_in_store)
            .filter(|_| ships_to_address(&cart))
            .ok_or_else(|| Error::invalid("Shipping Options are invalid for cart."))?;
        carts::set_shipping_method(tx, &cart.row.id, Some((&option.id, &option.name, option.amount))).await
    })
    .await
}

/// Whether the cart's region (the options' service zone) covers its shipping address
/// (true without an address). A region may drop a country after the address was set.
fn ships_to_address(cart: &Cart) -> bool {
    let country = cart
        .row
        .shipping_address
        .as_ref()
        .and_then(|a| a.0["country_code"].as_str());
    country.is_none_or(|cc| cart.region.countries.iter().any(|c| c.iso_2 == cc))
}

/// The amount a payment collection for this cart must cover.
pub fn amount_due(cart: &Cart) -> Decimal {
    cart.totals.total
}
