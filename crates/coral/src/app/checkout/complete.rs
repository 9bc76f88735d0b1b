//! `POST /store/carts/:id/complete`: the cart becomes an order in one transaction.
//!
//! First, in a short transaction of its own, the order's display id is taken from the
//! tenant's counter and committed (`take_display_id`; a cart completed already takes
//! none). Like a sequence, a number whose completion then fails is skipped, not reused:
//! gaps are the price of not holding the counter row's lock until the order commits,
//! which would queue every checkout of the store behind the one before it
//! (db/orders.rs::next_display_id). It is
//! taken before the completion's transaction begins, so a request never holds two
//! pooled connections at once (with the pool full, all would wait for a second one).
//!
//! Then, holding the cart's row lock throughout:
//! 1. a completed cart answers its order (completing twice is idempotent; a concurrent
//!    second complete waits for the lock, then finds the order);
//! 2. everything the cart depends on is re-checked (`revalidate`): when the catalog,
//!    shipping or region changed underneath, the corrections are committed and the
//!    completion refused with a 400 naming each change; a promotion code that went
//!    stale since it was applied (deactivated, expired) stops the completion once with
//!    a 400 naming it, and leaves the cart;
//! 3. stock is taken with conditional decrements — the loser of a race for the last
//!    unit gets 400 and its transaction changes nothing; each promotion used is counted
//!    against its limit and its campaign's budget the same way (Medusa's 400
//!    `not_allowed` when spent);
//! 4. the payment is authorised; a decline rolls everything back and answers the cart
//!    with the error, so it can be completed again;
//! 5. the order (with the display id taken first), its items and methods, the payment
//!    and the outbox event are written, and the transaction commits.

use std::collections::HashMap;

use std::sync::Arc;

use serde_json::{json, Value};

use crate::app::checkout::carts::{self, Cart};
use crate::app::checkout::providers::{self, Money};
use crate::app::checkout::revalidate;
use crate::app::promotions::cart as promos;
use crate::app::{usage, Services};
use crate::core::ids::new_id;
use crate::core::{Error, Result};
use crate::db::payments::{self, NewPayment, SessionRow};
use crate::db::{carts as cart_rows, inventory, orders, promotions as promotion_rows, TenantTx};
use crate::tenancy::TenantCtx;

pub enum Completion {
    Order(String),
    /// The payment was refused: the cart is unchanged and may be completed again.
    PaymentFailed {
        cart: Box<Cart>,
        message: String,
    },
}

pub async fn complete(app: &Arc<Services>, ctx: &TenantCtx, cart_id: &str) -> Result<Completion> {
    let display_id = take_display_id(ctx, cart_id).await?;
    let mut tx = ctx.db.begin().await?;
    let cart = carts::lock(app, ctx, &mut tx, cart_id).await?;
    if let Some(order_id) = &cart.row.order_id {
        return Ok(Completion::Order(order_id.clone()));
    }
    // None only when the cart was completed already, and that cart has its order.
    let display_id = display_id.ok_or_else(|| Error::invalid(format!("Cart {cart_id} is already completed")))?;
    // 2. Never a stale order.
    let catalog = app.catalogs.get(ctx).await?;
    let (cart, changes) = carts::current(app, ctx, &mut tx, cart, &catalog).await?;
    if !changes.is_empty() {
        tx.commit().await?;
        return Err(Error::invalid(revalidate::refusal(&changes)));
    }
    let row = &cart.row;
    if row.items.0.is_empty() {
        return Err(Error::invalid("Cannot complete a cart with no items"));
    }
    if row.shipping_methods.0.is_empty() {
        return Err(Error::invalid(
            "No shipping method selected but the cart contains items that require shipping.",
        ));
    }
    if !cart.promotions.stale.is_empty() {
        drop(tx);
        return Err(promos::let_stale_go(ctx, &cart).await);
    }
    let collection = payments::for_cart(&mut tx, cart_id)
        .await?
        .ok_or_else(|| Error::invalid(format!("Payment collection has not been initiated for cart {cart_id}")))?;
    let session = collection
        .sessions
        .0
        .iter()
        .rev()
        .find(|s| s.status == "pending")
        .ok_or_else(|| Error::invalid(format!("Payment sessions have not been initiated for cart {cart_id}")))?;

    // 3. Stock.
    let variant_ids: Vec<String> = row.items.0.iter().map(|i| i.variant_id.clone()).collect();
    let flags = inventory::variant_flags(&mut tx, &variant_ids).await?;
    let mut locations: HashMap<String, String> = HashMap::new();
    for item in &row.items.0 {
        let Some(&(manage, backorder)) = flags.get(&item.variant_id) else {
            return Err(Error::invalid(format!(
                "Variant {} is no longer available",
                item.variant_id
            )));
        };
        if manage && !backorder {
            let taken = inventory::take(&mut tx, &item.variant_id, item.quantity).await?;
            let location = taken.ok_or_else(|| {
                Error::invalid(format!(
                    "Variant {} does not have the required inventory",
                    item.variant_id
                ))
            })?;
            locations.insert(item.id.clone(), location);
        }
    }

    let used = promos::consume(&mut tx, &cart.promotions).await?;

    // 4. Payment.
    let order_id = new_id("order");
    let amount = carts::amount_due(&cart);
    let money = Money {
        amount,
        currency: &row.currency_code,
        digits: cart.digits(),
    };
    let authorized = providers::authorize(app, ctx, &session.provider_id, money, &session.data, &order_id).await?;
    let reference = match authorized {
        Ok(reference) => reference,
        Err(message) => {
            drop(tx); // rolls back the stock taken above
            let mut tx = ctx.db.begin().await?;
            payments::set_session_status(&mut tx, &session.id, "error").await?;
            tx.commit().await?;
            let cart = carts::get(app, ctx, cart_id).await?;
            return Ok(Completion::PaymentFailed {
                cart: Box::new(cart),
                message,
            });
        }
    };
    let taken = Taken {
        display_id,
        locations: &locations,
        promotions: &used,
    };
    let recorded = record(tx, &cart, &collection.id, session, &order_id, &reference, taken).await;
    if let Err(e) = recorded {
        void_later(app, ctx, &session.provider_id, &reference);
        return Err(e);
    }
    app.catalogs.stock_changed(ctx, &variant_ids).await;
    usage::record_order(&ctx.tenant, &row.currency_code, amount);
    Ok(Completion::Order(order_id))
}

/// The tenant's next order display id, taken and committed in a short transaction of
/// its own (see the module docs); `None`, taking no number, when the cart is missing or
/// completed already (the locked read then answers 404 or its order).
async fn take_display_id(ctx: &TenantCtx, cart_id: &str) -> Result<Option<i32>> {
    // Relaxed: the order's durable commit, which follows, flushes this commit too.
    let mut tx = ctx.db.begin_relaxed().await?;
    if !cart_rows::is_open(&mut tx, cart_id).await? {
        return Ok(None);
    }
    let display_id = orders::next_display_id(&mut tx).await?;
    tx.commit().await?;
    Ok(Some(display_id))
}

/// What the completion took for the order: its display id, each item's stock location
/// (step 3), and each promotion used (index into the cart's promotions) with its discount.
struct Taken<'a> {
    display_id: i32,
    locations: &'a HashMap<String, String>,
    promotions: &'a [(usize, rust_decimal::Decimal)],
}

/// Step 5: writes the payment, the order and its event, and commits.
async fn record(
    mut tx: TenantTx,
    cart: &Cart,
    collection_id: &str,
    session: &SessionRow,
    order_id: &str,
    reference: &Value,
    taken: Taken<'_>,
) -> Result<()> {
    let Taken {
        display_id,
        locations,
        promotions: used,
    } = taken;
    let row = &cart.row;
    let amount = carts::amount_due(cart);
    let order = orders::NewOrder {
        id: order_id,
        display_id,
        cart_id: &row.id,
        region_id: &row.region_id,
        sales_channel_id: &row.sales_channel_id,
        customer_id: row.customer_id.as_deref(),
        email: row.email.as_deref(),
        currency_code: &row.currency_code,
        locale: row.locale.as_deref(),
        payment_collection_id: collection_id,
        shipping_address: row.shipping_address.as_ref().map(|a| &a.0),
        billing_address: row.billing_address.as_ref().map(|a| &a.0),
    };
    orders::insert(&mut tx, order).await?;
    payments::insert_payment(
        &mut tx,
        NewPayment {
            collection_id,
            session_id: &session.id,
            provider_id: &session.provider_id,
            currency: &row.currency_code,
            amount,
            data: reference.clone(),
        },
    )
    .await?;
    payments::set_session_status(&mut tx, &session.id, "authorized").await?;
    payments::authorize_collection(&mut tx, collection_id, &row.currency_code, amount).await?;
    let promotions = &cart.promotions;
    for (n, item) in row.items.0.iter().enumerate() {
        let line_id = new_id("ordli");
        let adjustments = promos::order_adjustments(promotions, promotions.adjustments.items.get(n));
        let new = orders::NewItem {
            variant_id: &item.variant_id,
            product_id: &item.product_id,
            quantity: item.quantity,
            unit_price: item.unit_price,
            tax_rate: row.tax_rate,
            product: &item.product,
            location_id: locations.get(&item.id).map(String::as_str),
            metadata: item.metadata.as_ref(),
            adjustments: &adjustments,
        };
        orders::insert_item(&mut tx, order_id, &line_id, new).await?;
    }
    for (n, m) in row.shipping_methods.0.iter().enumerate() {
        let adjustments = promos::order_adjustments(promotions, promotions.adjustments.shipping.get(n));
        orders::insert_shipping_method(
            &mut tx,
            order_id,
            &m.shipping_option_id,
            &m.name,
            m.amount,
            row.tax_rate,
            &adjustments,
        )
        .await?;
    }
    for &(i, amount) in used {
        promotion_rows::record_order(&mut tx, order_id, &promotions.promotions[i], amount).await?;
    }
    cart_rows::mark_completed(&mut tx, &row.id).await?;
    let event =
        json!({ "id": order_id, "cart_id": row.id, "total": amount.to_string(), "currency_code": row.currency_code });
    orders::record_event(&mut tx, "order.placed", order_id, event).await?;
    tx.commit().await
}

/// After an authorisation, a failure to record the order voids it (in the background:
/// the client gets the original error at once).
fn void_later(app: &Arc<Services>, ctx: &TenantCtx, provider: &str, reference: &Value) {
    if provider != providers::SYSTEM {
        let (app, ctx) = (Arc::clone(app), ctx.clone());
        let (provider, reference) = (provider.to_owned(), reference.clone());
        tokio::spawn(async move {
            if let Err(err) = providers::follow_up(&app, &ctx, &provider, "void", &reference, None).await {
                tracing::error!(%err, "voiding an orphaned authorisation failed");
            }
        });
    }
}
