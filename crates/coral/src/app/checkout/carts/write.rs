//! How a cart write runs: lock the cart, change it, answer it — once each.
//!
//! `write` locks the cart row (so writes to one cart and its completion happen one at a
//! time), loads it once with its promotions and payment collection, and hands a `Draft`
//! to the change. Each change writes through a `db::carts` function that returns what it
//! wrote (the line, the method, the cart's derived values) and applies it to the draft's
//! row, so the answer is the cart as the transaction holds it: no second load, and
//! promotions and totals computed once, after the change. Only a correction by the
//! re-check (`revalidate`, rare: the catalog changed under the cart) loads the cart again.

use std::sync::Arc;

use crate::app::catalog::snapshot::Catalog;
use crate::app::checkout::revalidate;
use crate::app::promotions::cart as promos;
use crate::app::Services;
use crate::core::totals;
use crate::core::{Error, Result};
use crate::db::carts::{self, CartRow};
use crate::db::payments::{self, CollectionRow};
use crate::db::regions::{self, RegionRow};
use crate::db::TenantTx;
use crate::tenancy::TenantCtx;

use super::prices::price_groups;
use super::{item_lines, load, no_cart, shipping_lines, Cart};

/// A cart loaded under its lock and being changed: its row as the transaction holds it,
/// its region, its promotions as read (adjusted only once the change is done), and its
/// payment collection.
pub struct Draft {
    pub row: CartRow,
    pub region: RegionRow,
    /// `None` once a change touched the cart's codes: read again before adjusting.
    promotions: Option<promos::Read>,
    pub payment_collection: Option<CollectionRow>,
}

impl Draft {
    /// A cart just created in this transaction: no promotions read yet, no collection.
    pub(super) fn new(row: CartRow, region: RegionRow) -> Self {
        Draft {
            row,
            region,
            promotions: None,
            payment_collection: None,
        }
    }

    /// The change applied or removed promotion codes: the answer reads them again.
    pub fn codes_changed(&mut self) {
        self.promotions = None;
    }

    /// The cart with its promotions' adjustments and every total (one pass).
    pub(super) async fn price(self, ctx: &TenantCtx, tx: &mut TenantTx) -> Result<Cart> {
        let read = match self.promotions {
            Some(read) => read,
            None => promos::read(ctx, tx, &self.row.id).await?,
        };
        let promotions = promos::adjust(ctx, tx, read, &self.row).await?;
        let digits = self.row.decimal_digits.max(0) as u32;
        let items = item_lines(&self.row, &promotions);
        let ship = shipping_lines(&self.row, &promotions);
        Ok(Cart {
            item_totals: items.iter().map(|l| l.totals(digits)).collect(),
            shipping_totals: ship.iter().map(|l| l.totals(digits)).collect(),
            totals: totals::totals(&items, &ship, digits),
            row: self.row,
            region: self.region,
            promotions,
            payment_collection: self.payment_collection,
        })
    }
}

/// The draft of a loaded `row`: its region (from the catalog, or the database for a
/// deleted one: the cart still answers, completion refuses), its promotions, and its
/// payment collection when `collection`.
pub(super) async fn open(
    app: &Services,
    ctx: &TenantCtx,
    tx: &mut TenantTx,
    row: CartRow,
    collection: bool,
) -> Result<Draft> {
    let catalog = app.catalogs.get(ctx).await?;
    let region = match catalog.region(&row.region_id) {
        Some(r) => r.clone(),
        None => regions::get_even_deleted(tx, &row.region_id)
            .await?
            .ok_or_else(|| Error::Internal(anyhow::anyhow!("cart {} has no region", row.id)))?,
    };
    let payment_collection = match collection {
        true => payments::for_cart(tx, &row.id).await?,
        false => None,
    };
    let promotions = Some(promos::read(ctx, tx, &row.id).await?);
    Ok(Draft {
        row,
        region,
        promotions,
        payment_collection,
    })
}

/// Runs `change` on the locked, not yet completed cart, then answers the cart as the
/// change left it (re-checked against the catalog, its collection's amount kept the total).
pub(crate) async fn write<F>(app: &Services, ctx: &TenantCtx, id: &str, change: F) -> Result<Cart>
where
    F: for<'t> AsyncFnOnce(&'t mut TenantTx, Draft, Arc<Catalog>) -> Result<Draft>,
{
    let mut tx = ctx.db.begin_relaxed().await?;
    let row = carts::load_locked(&mut tx, id).await?.ok_or_else(|| no_cart(id))?;
    if row.completed_at.is_some() {
        return Err(Error::invalid(format!("Cart {id} is already completed.")));
    }
    let draft = open(app, ctx, &mut tx, row, true).await?;
    let catalog = app.catalogs.get(ctx).await?;
    let draft = change(&mut tx, draft, Arc::clone(&catalog)).await?;
    let mut cart = settle(app, ctx, &mut tx, draft, &catalog).await?;
    sync_collection(&mut tx, &mut cart).await?;
    tx.commit().await?;
    Ok(cart)
}

/// The changed cart, re-checked: priced as it is, or, when the catalog changed under it,
/// corrected and loaded again.
async fn settle(app: &Services, ctx: &TenantCtx, tx: &mut TenantTx, draft: Draft, catalog: &Catalog) -> Result<Cart> {
    let groups = price_groups(tx, catalog, draft.row.customer_id.as_deref()).await?;
    let changes = revalidate::check(&draft.row, catalog, &groups);
    if changes.is_empty() {
        return draft.price(ctx, tx).await;
    }
    revalidate::correct(tx, &draft.row, &changes).await?;
    load(app, ctx, tx, &draft.row.id).await
}

/// Keeps the payment collection's amount the cart's total after a change, as Medusa
/// does, so a storefront showing the collection shows what will be charged.
pub(super) async fn sync_collection(tx: &mut TenantTx, cart: &mut Cart) -> Result<()> {
    let due = super::amount_due(cart);
    if let Some(c) = cart.payment_collection.as_mut().filter(|c| c.amount != due) {
        payments::set_amount(tx, &c.id, &cart.row.currency_code, due).await?;
        c.amount = due;
    }
    Ok(())
}
