//! Orders after checkout: reading them (storefront and Admin API) and the Admin API's
//! state changes — capture, refund, fulfil, cancel — each in one transaction with its
//! outbox event.

use std::sync::Arc;

use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::json;

use crate::app::checkout::providers::{self, Money};
use crate::app::Services;
use crate::core::totals::{self, Line, Totals};
use crate::core::{Error, Result};
use crate::db::orders;
use crate::db::payments::{self, CollectionRow};
use crate::db::refs::{self, Ref};
use crate::db::{inventory, TenantTx};
use crate::tenancy::TenantCtx;

/// Orders and their items as the order use cases answer them, and the list filter they take.
pub use crate::db::orders::{OrderFilter, OrderItemRow, OrderRow};

/// An order with its payment collection and totals, ready to answer.
pub struct Order {
    pub row: OrderRow,
    pub payment: CollectionRow,
    pub totals: Totals,
}

impl Order {
    pub fn digits(&self) -> u32 {
        self.row.decimal_digits.max(0) as u32
    }

    pub fn item_lines(&self) -> Vec<Line> {
        self.row
            .items
            .0
            .iter()
            .map(|i| Line {
                unit_price: i.unit_price,
                quantity: i.quantity.into(),
                tax_rate: i.tax_rate,
                discount: i.adjustments.iter().map(|a| a.amount).sum(),
            })
            .collect()
    }

    pub fn shipping_lines(&self) -> Vec<Line> {
        self.row
            .shipping_methods
            .0
            .iter()
            .map(|m| Line {
                unit_price: m.amount,
                quantity: 1,
                tax_rate: m.tax_rate,
                discount: m.adjustments.iter().map(|a| a.amount).sum(),
            })
            .collect()
    }
}

fn not_found(id: &str) -> Error {
    Error::not_found(format!("Order with id: {id} was not found"))
}

async fn assemble(tx: &mut TenantTx, row: OrderRow) -> Result<Order> {
    let payment = payments::get(tx, &row.payment_collection_id)
        .await?
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("order {} has no payment collection", row.id)))?;
    let mut order = Order {
        row,
        payment,
        totals: Totals::default(),
    };
    order.totals = totals::totals(&order.item_lines(), &order.shipping_lines(), order.digits());
    Ok(order)
}

async fn load(tx: &mut TenantTx, id: &str) -> Result<Order> {
    let row = orders::load(tx, id).await?.ok_or_else(|| not_found(id))?;
    assemble(tx, row).await
}

/// One order. `customer`: when set, the order must be that customer's.
pub async fn get(ctx: &TenantCtx, id: &str, customer: Option<&str>) -> Result<Order> {
    let mut tx = ctx.db.begin().await?;
    let order = load(&mut tx, id).await?;
    tx.commit().await?;
    if customer.is_some_and(|c| order.row.customer_id.as_deref() != Some(c)) {
        return Err(not_found(id));
    }
    Ok(order)
}

pub async fn list(ctx: &TenantCtx, filter: &OrderFilter, limit: i64, offset: i64) -> Result<(Vec<Order>, i64)> {
    let mut tx = ctx.db.begin().await?;
    let (rows, count) = orders::list(&mut tx, filter, limit, offset).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(assemble(&mut tx, row).await?);
    }
    tx.commit().await?;
    Ok((out, count))
}

/// Locks order `id` and loads it, for a state change.
async fn locked(tx: &mut TenantTx, id: &str) -> Result<Order> {
    if !orders::lock(tx, id).await? {
        return Err(not_found(id));
    }
    load(tx, id).await
}

fn payment_status(p: &CollectionRow) -> &'static str {
    let (auth, cap, refund) = (p.authorized_amount, p.captured_amount, p.refunded_amount);
    match () {
        _ if refund > Decimal::ZERO && refund >= cap => "refunded",
        _ if refund > Decimal::ZERO => "partially_refunded",
        _ if cap > Decimal::ZERO && cap >= p.amount => "captured",
        _ if cap > Decimal::ZERO => "partially_captured",
        _ if auth > Decimal::ZERO => "authorized",
        _ => "canceled",
    }
}

fn fulfillment_status(o: &OrderRow) -> &'static str {
    let (done, all) = o
        .items
        .0
        .iter()
        .fold((0, 0), |(d, a), i| (d + i.fulfilled_quantity, a + i.quantity));
    match done {
        0 => "not_fulfilled",
        d if d >= all => "fulfilled",
        _ => "partially_fulfilled",
    }
}

/// Re-reads the order after a change and stores its derived statuses.
async fn settle(tx: &mut TenantTx, id: &str, canceled: bool) -> Result<Order> {
    let order = load(tx, id).await?;
    let payment = payment_status(&order.payment);
    let fulfillment = fulfillment_status(&order.row);
    let status = if canceled {
        "canceled"
    } else if fulfillment == "fulfilled" && matches!(payment, "captured" | "refunded" | "partially_refunded") {
        "completed"
    } else {
        "pending"
    };
    orders::set_status(tx, id, status, payment, fulfillment).await?;
    load(tx, id).await
}

fn check_open(o: &Order) -> Result<()> {
    if o.row.status == "canceled" {
        return Err(Error::invalid(format!("Order {} is canceled", o.row.id)));
    }
    Ok(())
}

fn money(o: &Order, amount: Decimal) -> Money<'_> {
    Money {
        amount,
        currency: &o.row.currency_code,
        digits: o.digits(),
    }
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AmountIn {
    #[schema(schema_with = crate::app::schema::optional_decimal)]
    pub amount: Option<Decimal>,
    pub note: Option<String>,
}

/// Captures (all of) the order's authorised payment.
pub async fn capture(app: &Arc<Services>, ctx: &TenantCtx, order_id: &str) -> Result<Order> {
    let mut tx = ctx.db.begin().await?;
    let order = locked(&mut tx, order_id).await?;
    check_open(&order)?;
    for p in order.payment.payments.0.iter().filter(|p| p.canceled_at.is_none()) {
        let due = p.amount - p.captured_amount;
        if due <= Decimal::ZERO {
            continue;
        }
        providers::follow_up(app, ctx, &p.provider_id, "capture", &p.data, Some(money(&order, due))).await?;
        payments::record(&mut tx, &p.id, due, Decimal::ZERO, false).await?;
    }
    let order = settle(&mut tx, order_id, false).await?;
    orders::record_event(&mut tx, "order.payment_captured", order_id, json!({ "id": order_id })).await?;
    tx.commit().await?;
    Ok(order)
}

/// Refunds `amount` (default: everything captured and not yet refunded).
pub async fn refund(app: &Arc<Services>, ctx: &TenantCtx, order_id: &str, input: AmountIn) -> Result<Order> {
    let mut tx = ctx.db.begin().await?;
    let order = locked(&mut tx, order_id).await?;
    let refundable = order.payment.captured_amount - order.payment.refunded_amount;
    let amount = input.amount.unwrap_or(refundable);
    if amount <= Decimal::ZERO || amount > refundable {
        return Err(Error::invalid(format!(
            "Refund amount must be more than 0 and at most the captured, unrefunded {refundable}"
        )));
    }
    let mut left = amount;
    for p in &order.payment.payments.0 {
        let part = left.min(p.captured_amount - p.refunded_amount);
        if part <= Decimal::ZERO {
            continue;
        }
        providers::follow_up(app, ctx, &p.provider_id, "refund", &p.data, Some(money(&order, part))).await?;
        payments::record(&mut tx, &p.id, Decimal::ZERO, part, false).await?;
        left -= part;
    }
    let canceled = order.row.status == "canceled";
    let order = settle(&mut tx, order_id, canceled).await?;
    let event = json!({ "id": order_id, "amount": amount.to_string(), "note": input.note });
    orders::record_event(&mut tx, "order.refunded", order_id, event).await?;
    tx.commit().await?;
    Ok(order)
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FulfillIn {
    pub items: Vec<FulfillItem>,
    pub location_id: Option<String>,
    pub no_notification: Option<bool>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FulfillItem {
    pub id: String,
    pub quantity: i32,
}

pub async fn fulfill(ctx: &TenantCtx, order_id: &str, input: FulfillIn) -> Result<Order> {
    let mut tx = ctx.db.begin().await?;
    let order = locked(&mut tx, order_id).await?;
    check_open(&order)?;
    if input.items.is_empty() {
        return Err(Error::invalid("A fulfillment needs at least one item"));
    }
    let mut items = Vec::with_capacity(input.items.len());
    for f in &input.items {
        let item = order
            .row
            .items
            .0
            .iter()
            .find(|i| i.id == f.id)
            .ok_or_else(|| Error::invalid(format!("Item {} is not in order {order_id}", f.id)))?;
        if f.quantity < 1 || f.quantity > item.quantity - item.fulfilled_quantity {
            return Err(Error::invalid(format!(
                "Cannot fulfill {} of item {}: {} left to fulfill",
                f.quantity,
                f.id,
                item.quantity - item.fulfilled_quantity
            )));
        }
        items.push((f.id.clone(), f.quantity));
    }
    refs::require_one(&mut tx, Ref::StockLocation, input.location_id.as_deref()).await?;
    let id = orders::insert_fulfillment(&mut tx, order_id, input.location_id.as_deref(), &items).await?;
    let order = settle(&mut tx, order_id, false).await?;
    let event = json!({ "id": order_id, "fulfillment_id": id });
    orders::record_event(&mut tx, "order.fulfillment_created", order_id, event).await?;
    tx.commit().await?;
    Ok(order)
}

/// Cancels an order: voids its uncaptured payments and puts its stock back. An order
/// with captured money must be refunded first; a fulfilled one cannot be canceled.
pub async fn cancel(app: &Arc<Services>, ctx: &TenantCtx, order_id: &str) -> Result<Order> {
    let mut tx = ctx.db.begin().await?;
    let order = locked(&mut tx, order_id).await?;
    if order.row.status == "canceled" {
        return Ok(order);
    }
    if order.row.items.0.iter().any(|i| i.fulfilled_quantity > 0) {
        return Err(Error::invalid("An order with fulfilled items cannot be canceled"));
    }
    if order.payment.captured_amount > order.payment.refunded_amount {
        return Err(Error::invalid("Refund the captured payment before canceling the order"));
    }
    for p in order.payment.payments.0.iter().filter(|p| p.canceled_at.is_none()) {
        if p.captured_amount.is_zero() {
            providers::follow_up(app, ctx, &p.provider_id, "void", &p.data, None).await?;
        }
        payments::record(&mut tx, &p.id, Decimal::ZERO, Decimal::ZERO, true).await?;
    }
    let mut variants = Vec::new();
    for item in &order.row.items.0 {
        if let Some(location) = &item.location_id {
            inventory::put_back(&mut tx, &item.variant_id, location, item.quantity).await?;
            variants.push(item.variant_id.clone());
        }
    }
    let order = settle(&mut tx, order_id, true).await?;
    orders::record_event(&mut tx, "order.canceled", order_id, json!({ "id": order_id })).await?;
    tx.commit().await?;
    app.catalogs.stock_changed(ctx, &variants).await;
    Ok(order)
}
