//! Carts: create, read, update (email, addresses, region), line items, the customer,
//! the shipping method. Every write locks the cart row first, so writes to one cart and
//! its completion happen one at a time, and answers the cart as the write left it
//! (`write`: lock, change, load once).
//!
//! - `input`: what the routes take;
//! - `write`: the lock → change → answer machinery (`Draft`);
//! - `create`, `update` (fields, region, customer), `items`, `shipping_method`: the writes;
//! - `prices`: what a line costs now.

mod create;
mod input;
mod items;
mod prices;
mod shipping_method;
mod update;
mod write;

use rust_decimal::Decimal;

use crate::app::catalog::snapshot::Catalog;
use crate::app::checkout::revalidate;
use crate::app::promotions::cart::CartPromotions;
use crate::app::Services;
use crate::core::totals::{Line, LineTotals, Totals};
use crate::core::{Error, Result};
use crate::db::carts::{self, CartRow};
use crate::db::payments::CollectionRow;
use crate::db::regions::RegionRow;
use crate::db::TenantTx;
use crate::tenancy::TenantCtx;

pub use create::create;
pub use input::{CartIn, ItemIn, ItemUpdate, ShippingMethodIn};
pub use items::{add_line_item, delete_line_item, update_line_item};
pub(crate) use prices::{price_groups, price_of};
pub use shipping_method::add_shipping_method;
pub use update::{set_customer, update};
pub(crate) use write::write;
pub use write::Draft;

/// A cart's line item as the cart use cases answer it.
pub use crate::db::carts::LineItemRow;

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
    /// The currency's minor digits (2 for EUR, 0 for JPY).
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
    write::open(app, ctx, tx, row, true).await?.price(ctx, tx).await
}

/// `load`, locking the cart row until the transaction ends — without the payment
/// collection (`payment_collection: None`), which payment and completion read themselves.
pub async fn lock(app: &Services, ctx: &TenantCtx, tx: &mut TenantTx, id: &str) -> Result<Cart> {
    let row = carts::load_locked(tx, id).await?.ok_or_else(|| no_cart(id))?;
    write::open(app, ctx, tx, row, false).await?.price(ctx, tx).await
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
    if revalidate::check(&cart.row, &catalog, &groups).is_empty() {
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
    let changes = revalidate::check(&cart.row, catalog, &groups);
    if changes.is_empty() {
        return Ok((cart, changes));
    }
    revalidate::correct(tx, &cart.row, &changes).await?;
    let mut cart = load(app, ctx, tx, &cart.row.id).await?;
    write::sync_collection(tx, &mut cart).await?;
    Ok((cart, changes))
}

/// The amount a payment collection for this cart must cover.
pub fn amount_due(cart: &Cart) -> Decimal {
    cart.totals.total
}
