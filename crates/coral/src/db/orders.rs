//! Orders with their items, shipping methods and fulfillments (loaded in one query per
//! order or page), per-tenant display ids, and the event outbox.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value;
use sqlx::types::Json;

use crate::core::ids::new_id;
use crate::core::{Error, Result};
use crate::db::promotions::Adjustment;
use crate::db::refs::{OnConstraint, Ref};
use crate::db::TenantTx;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrderRow {
    pub id: String,
    pub display_id: i32,
    pub cart_id: String,
    pub region_id: String,
    pub sales_channel_id: String,
    pub customer_id: Option<String>,
    pub email: Option<String>,
    pub currency_code: String,
    pub decimal_digits: i32,
    pub locale: Option<String>,
    pub status: String,
    pub payment_status: String,
    pub fulfillment_status: String,
    pub payment_collection_id: String,
    pub shipping_address: Option<Json<Value>>,
    pub billing_address: Option<Json<Value>>,
    pub metadata: Option<Json<Value>>,
    pub canceled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub items: Json<Vec<OrderItemRow>>,
    pub shipping_methods: Json<Vec<OrderShippingRow>>,
    pub fulfillments: Json<Vec<FulfillmentRow>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct OrderItemRow {
    pub id: String,
    pub variant_id: String,
    pub product_id: String,
    pub quantity: i32,
    #[serde(with = "rust_decimal::serde::str")]
    pub unit_price: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub tax_rate: Decimal,
    pub product: Value,
    pub location_id: Option<String>,
    pub fulfilled_quantity: i32,
    pub metadata: Option<Value>,
    /// What promotions took off the line when the order was placed.
    #[serde(default)]
    pub adjustments: Vec<Adjustment>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct OrderShippingRow {
    pub id: String,
    pub shipping_option_id: String,
    pub name: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub tax_rate: Decimal,
    #[serde(default)]
    pub adjustments: Vec<Adjustment>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FulfillmentRow {
    pub id: String,
    pub location_id: Option<String>,
    pub items: Value,
    pub shipped_at: Option<DateTime<Utc>>,
    pub canceled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT o.id, o.display_id, o.cart_id, o.region_id, o.sales_channel_id, o.customer_id, o.email, \
    o.currency_code, cur.decimal_digits, o.locale, o.status, o.payment_status, o.fulfillment_status, \
    o.payment_collection_id, o.shipping_address, o.billing_address, o.metadata, o.canceled_at, o.created_at, \
    o.updated_at, \
    coalesce((SELECT json_agg(json_build_object('id', i.id, 'variant_id', i.variant_id, 'product_id', i.product_id, \
        'quantity', i.quantity, 'unit_price', i.unit_price::text, 'tax_rate', i.tax_rate::text, 'product', i.product, \
        'location_id', i.location_id, 'fulfilled_quantity', i.fulfilled_quantity, 'metadata', i.metadata, \
        'adjustments', i.adjustments, 'created_at', i.created_at) ORDER BY i.created_at, i.id) \
        FROM order_items i WHERE i.tenant_id = $1 AND i.order_id = o.id), '[]') AS items, \
    coalesce((SELECT json_agg(json_build_object('id', m.id, 'shipping_option_id', m.shipping_option_id, \
        'name', m.name, 'amount', m.amount::text, 'tax_rate', m.tax_rate::text, 'adjustments', m.adjustments, \
        'created_at', m.created_at) \
        ORDER BY m.created_at, m.id) \
        FROM order_shipping_methods m WHERE m.tenant_id = $1 AND m.order_id = o.id), '[]') AS shipping_methods, \
    coalesce((SELECT json_agg(json_build_object('id', f.id, 'location_id', f.location_id, 'items', f.items, \
        'shipped_at', f.shipped_at, 'canceled_at', f.canceled_at, 'created_at', f.created_at) \
        ORDER BY f.created_at, f.id) \
        FROM fulfillments f WHERE f.tenant_id = $1 AND f.order_id = o.id), '[]') AS fulfillments \
    FROM orders o JOIN currencies cur ON cur.code = o.currency_code WHERE o.tenant_id = $1";

pub async fn load(tx: &mut TenantTx, id: &str) -> Result<Option<OrderRow>> {
    Ok(tx
        .query_as(&format!("{SELECT} AND o.id = $2"))
        .bind(id)
        .fetch_optional(tx.conn())
        .await?)
}

/// Locks the order row for a state change (capture, refund, fulfil, cancel).
pub async fn lock(tx: &mut TenantTx, id: &str) -> Result<bool> {
    let found: Option<i32> = tx
        .query_scalar("SELECT 1 FROM orders WHERE tenant_id = $1 AND id = $2 FOR UPDATE")
        .bind(id)
        .fetch_optional(tx.conn())
        .await?;
    Ok(found.is_some())
}

#[derive(Debug, Default)]
pub struct OrderFilter {
    pub customer_id: Option<String>,
    pub status: Vec<String>,
    pub email: Option<String>,
    pub created_after: Option<DateTime<Utc>>,
    pub created_before: Option<DateTime<Utc>>,
}

/// One page of orders, newest first, and the number matching.
pub async fn list(tx: &mut TenantTx, f: &OrderFilter, limit: i64, offset: i64) -> Result<(Vec<OrderRow>, i64)> {
    const WHERE: &str = "AND ($2::text IS NULL OR o.customer_id = $2) \
        AND (cardinality($3::text[]) = 0 OR o.status = ANY($3)) AND ($4::text IS NULL OR o.email = $4) \
        AND ($5::timestamptz IS NULL OR o.created_at >= $5) AND ($6::timestamptz IS NULL OR o.created_at < $6)";
    let rows = tx
        .query_as(&format!(
            "{SELECT} {WHERE} ORDER BY o.created_at DESC, o.id DESC LIMIT $7 OFFSET $8"
        ))
        .bind(&f.customer_id)
        .bind(&f.status)
        .bind(&f.email)
        .bind(f.created_after)
        .bind(f.created_before)
        .bind(limit)
        .bind(offset)
        .fetch_all(tx.conn())
        .await?;
    let count = tx
        .query_scalar(&format!("SELECT count(*) FROM orders o WHERE o.tenant_id = $1 {WHERE}"))
        .bind(&f.customer_id)
        .bind(&f.status)
        .bind(&f.email)
        .bind(f.created_after)
        .bind(f.created_before)
        .fetch_one(tx.conn())
        .await?;
    Ok((rows, count))
}

/// The tenant's next order display id (1, 2, 3…), from its `order_display_id` row in
/// `tenant_counters` (migration 0013), created on first use.
///
/// Run it in a transaction of its own, committed before the order's: the increment
/// locks the counter row until its transaction ends, and held through a completion it
/// would make every checkout of the store wait for the one before it to commit. Taken
/// alone it behaves like a sequence: a number whose order is then not placed is skipped,
/// never reused. `orders_display_id_key` refuses a duplicate all the same.
pub async fn next_display_id(tx: &mut TenantTx) -> Result<i32> {
    // No volatile function in DO UPDATE: Citus refuses it (db/citus_shapes.rs).
    let value: i64 = tx
        .query_scalar(
            "INSERT INTO tenant_counters (tenant_id, name, value) VALUES ($1, 'order_display_id', 1) \
             ON CONFLICT (tenant_id, name) DO UPDATE SET value = tenant_counters.value + 1 RETURNING value",
        )
        .fetch_one(tx.conn())
        .await?;
    i32::try_from(value).map_err(|_| Error::Internal(anyhow::anyhow!("order display ids ran out at {value}")))
}

pub struct NewOrder<'a> {
    pub id: &'a str,
    pub display_id: i32,
    pub cart_id: &'a str,
    pub region_id: &'a str,
    pub sales_channel_id: &'a str,
    pub customer_id: Option<&'a str>,
    pub email: Option<&'a str>,
    pub currency_code: &'a str,
    pub locale: Option<&'a str>,
    pub payment_collection_id: &'a str,
    pub shipping_address: Option<&'a Value>,
    pub billing_address: Option<&'a Value>,
}

pub async fn insert(tx: &mut TenantTx, o: NewOrder<'_>) -> Result<()> {
    tx.query(
        "INSERT INTO orders (tenant_id, id, display_id, cart_id, region_id, sales_channel_id, customer_id, email, \
         currency_code, locale, payment_collection_id, shipping_address, billing_address) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(o.id)
    .bind(o.display_id)
    .bind(o.cart_id)
    .bind(o.region_id)
    .bind(o.sales_channel_id)
    .bind(o.customer_id)
    .bind(o.email)
    .bind(o.currency_code)
    .bind(o.locale)
    .bind(o.payment_collection_id)
    .bind(o.shipping_address.map(Json))
    .bind(o.billing_address.map(Json))
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub struct NewItem<'a> {
    pub variant_id: &'a str,
    pub product_id: &'a str,
    pub quantity: i32,
    pub unit_price: Decimal,
    pub tax_rate: Decimal,
    pub product: &'a Value,
    pub location_id: Option<&'a str>,
    pub metadata: Option<&'a Value>,
    pub adjustments: &'a [Adjustment],
}

/// `id` is the new line's id (its adjustments name it).
pub async fn insert_item(tx: &mut TenantTx, order_id: &str, id: &str, i: NewItem<'_>) -> Result<()> {
    tx.query(
        "INSERT INTO order_items (tenant_id, id, order_id, variant_id, product_id, quantity, unit_price, tax_rate, \
         product, location_id, metadata, adjustments) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(id)
    .bind(order_id)
    .bind(i.variant_id)
    .bind(i.product_id)
    .bind(i.quantity)
    .bind(i.unit_price)
    .bind(i.tax_rate)
    .bind(Json(i.product))
    .bind(i.location_id)
    .bind(i.metadata.map(Json))
    .bind(Json(i.adjustments))
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn insert_shipping_method(
    tx: &mut TenantTx,
    order_id: &str,
    option_id: &str,
    name: &str,
    amount: Decimal,
    tax_rate: Decimal,
    adjustments: &[Adjustment],
) -> Result<()> {
    tx.query(
        "INSERT INTO order_shipping_methods (tenant_id, id, order_id, shipping_option_id, name, amount, tax_rate, \
         adjustments) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id("ordsm"))
    .bind(order_id)
    .bind(option_id)
    .bind(name)
    .bind(amount)
    .bind(tax_rate)
    .bind(Json(adjustments))
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn set_status(tx: &mut TenantTx, id: &str, status: &str, payment: &str, fulfillment: &str) -> Result<()> {
    tx.query(
        "UPDATE orders SET status = $3, payment_status = $4, fulfillment_status = $5, updated_at = now(), \
         canceled_at = CASE WHEN $3 = 'canceled' THEN $6 ELSE canceled_at END WHERE tenant_id = $1 AND id = $2",
    )
    .bind(id)
    .bind(status)
    .bind(payment)
    .bind(fulfillment)
    // The time is bound: Citus refuses a non-immutable function (now()) inside CASE.
    .bind(chrono::Utc::now())
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Records a fulfillment of `items` (`(order item id, quantity)`) and counts them fulfilled.
pub async fn insert_fulfillment(
    tx: &mut TenantTx,
    order_id: &str,
    location_id: Option<&str>,
    items: &[(String, i32)],
) -> Result<String> {
    let id = new_id("ful");
    let doc: Vec<Value> = items
        .iter()
        .map(|(item, q)| serde_json::json!({ "line_item_id": item, "quantity": q }))
        .collect();
    tx.query("INSERT INTO fulfillments (tenant_id, id, order_id, location_id, items) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id)
        .bind(order_id)
        .bind(location_id)
        .bind(Json(doc))
        .execute(tx.conn())
        .await
        .on_constraint("fulfillments_location_fkey", || {
            Ref::StockLocation.unknown(&[location_id.unwrap_or_default().to_owned()])
        })?;
    for (item, q) in items {
        tx.query(
            "UPDATE order_items SET fulfilled_quantity = fulfilled_quantity + $4 \
             WHERE tenant_id = $1 AND order_id = $2 AND id = $3",
        )
        .bind(order_id)
        .bind(item)
        .bind(q)
        .execute(tx.conn())
        .await?;
    }
    Ok(id)
}

/// Appends an event to the tenant's outbox, in the caller's transaction, and announces
/// the tenant on `coral_jobs` (delivered at commit) so job workers pick it up at once —
/// one round trip for both.
pub async fn record_event(tx: &mut TenantTx, event: &str, resource_id: &str, payload: Value) -> Result<()> {
    tx.query(
        "WITH e AS (INSERT INTO outbox (tenant_id, id, event, resource_id, payload) VALUES ($1, $2, $3, $4, $5) \
         RETURNING tenant_id) SELECT pg_notify('coral_jobs', tenant_id) FROM e",
    )
    .bind(new_id("evt"))
    .bind(event)
    .bind(resource_id)
    .bind(Json(payload))
    .execute(tx.conn())
    .await?;
    Ok(())
}
