//! Carts, their line items and shipping methods. A cart is loaded whole in one round
//! trip (items and methods aggregated as JSON), since every cart route answers the cart.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value;
use sqlx::types::Json;

use crate::core::ids::new_id;
use crate::core::Result;
use crate::db::TenantTx;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CartRow {
    pub id: String,
    pub region_id: String,
    pub currency_code: String,
    pub decimal_digits: i32,
    pub sales_channel_id: String,
    pub email: Option<String>,
    pub customer_id: Option<String>,
    pub customer_email: Option<String>,
    pub locale: Option<String>,
    pub shipping_address: Option<Json<Value>>,
    pub billing_address: Option<Json<Value>>,
    pub metadata: Option<Json<Value>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The tax rate (percent) for the shipping address's country in the cart's region.
    pub tax_rate: Decimal,
    pub items: Json<Vec<LineItemRow>>,
    pub shipping_methods: Json<Vec<ShippingMethodRow>>,
    /// The order this cart became, once completed.
    pub order_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LineItemRow {
    pub id: String,
    pub variant_id: String,
    pub product_id: String,
    pub quantity: i32,
    #[serde(with = "rust_decimal::serde::str")]
    pub unit_price: Decimal,
    /// The price before a price list's, when a list set `unit_price`.
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub compare_at_unit_price: Option<Decimal>,
    /// What was sold, copied from the catalog when the item was added.
    pub product: Value,
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ShippingMethodRow {
    pub id: String,
    pub shipping_option_id: String,
    pub name: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    pub created_at: DateTime<Utc>,
    /// The option as it is now (`None` once deleted), read in the same query so the
    /// cart's re-check (`app::checkout::revalidate`) costs no round trip.
    pub option: Option<LiveOption>,
}

/// What a shipping method's option says today.
#[derive(Debug, Clone, Deserialize)]
pub struct LiveOption {
    pub name: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    pub region_id: String,
    pub enabled_in_store: bool,
}

/// The writable fields of a cart; the use case merges a request into the current ones.
#[derive(Debug, Clone)]
pub struct CartFields {
    pub region_id: String,
    pub currency_code: String,
    pub sales_channel_id: String,
    pub email: Option<String>,
    pub customer_id: Option<String>,
    pub locale: Option<String>,
    pub shipping_address: Option<Value>,
    pub billing_address: Option<Value>,
    pub metadata: Option<Value>,
}

impl CartRow {
    pub fn fields(&self) -> CartFields {
        CartFields {
            region_id: self.region_id.clone(),
            currency_code: self.currency_code.clone(),
            sales_channel_id: self.sales_channel_id.clone(),
            email: self.email.clone(),
            customer_id: self.customer_id.clone(),
            locale: self.locale.clone(),
            shipping_address: self.shipping_address.as_ref().map(|j| j.0.clone()),
            billing_address: self.billing_address.as_ref().map(|j| j.0.clone()),
            metadata: self.metadata.as_ref().map(|j| j.0.clone()),
        }
    }
}

const LOAD: &str = "SELECT c.id, c.region_id, c.currency_code, cur.decimal_digits, c.sales_channel_id, c.email, \
    c.customer_id, cu.email AS customer_email, c.locale, c.shipping_address, c.billing_address, c.metadata, \
    c.completed_at, c.created_at, c.updated_at, \
    coalesce((SELECT rc.tax_rate FROM regions r JOIN region_countries rc ON rc.tenant_id = r.tenant_id \
        AND rc.region_id = r.id AND rc.country_code = lower(c.shipping_address->>'country_code') \
        WHERE r.tenant_id = c.tenant_id AND r.id = c.region_id AND r.automatic_taxes), 0) AS tax_rate, \
    coalesce((SELECT json_agg(json_build_object('id', i.id, 'variant_id', i.variant_id, 'product_id', i.product_id, \
        'quantity', i.quantity, 'unit_price', i.unit_price::text, 'compare_at_unit_price', i.compare_at_unit_price::text, \
        'product', i.product, 'metadata', i.metadata, \
        'created_at', i.created_at, 'updated_at', i.updated_at) ORDER BY i.created_at, i.id) \
        FROM cart_line_items i WHERE i.tenant_id = c.tenant_id AND i.cart_id = c.id), '[]') AS items, \
    coalesce((SELECT json_agg(json_build_object('id', m.id, 'shipping_option_id', m.shipping_option_id, \
        'name', m.name, 'amount', m.amount::text, 'created_at', m.created_at, \
        'option', (SELECT json_build_object('name', so.name, 'amount', so.amount::text, 'region_id', so.region_id, \
            'enabled_in_store', so.enabled_in_store) FROM shipping_options so \
            WHERE so.tenant_id = m.tenant_id AND so.id = m.shipping_option_id AND so.deleted_at IS NULL)) \
        ORDER BY m.created_at, m.id) \
        FROM cart_shipping_methods m WHERE m.tenant_id = c.tenant_id AND m.cart_id = c.id), '[]') AS shipping_methods, \
    (SELECT o.id FROM orders o WHERE o.tenant_id = c.tenant_id AND o.cart_id = c.id) AS order_id \
    FROM carts c JOIN currencies cur ON cur.code = c.currency_code \
    LEFT JOIN customers cu ON cu.tenant_id = c.tenant_id AND cu.id = c.customer_id \
    WHERE c.tenant_id = $1 AND c.id = $2";

pub async fn load(tx: &mut TenantTx, id: &str) -> Result<Option<CartRow>> {
    Ok(sqlx::query_as(LOAD)
        .bind(tx.tenant_id().as_str().to_owned())
        .bind(id)
        .fetch_optional(tx.conn())
        .await?)
}

/// Locks the cart row until the transaction ends, so writes to one cart (and its
/// completion) happen one at a time, then loads it. Two statements on purpose: a
/// `FOR UPDATE` that waited for another transaction sees that transaction's row but not,
/// in its subqueries, the rows it added (e.g. the order of a concurrent completion).
pub async fn load_locked(tx: &mut TenantTx, id: &str) -> Result<Option<CartRow>> {
    let found: Option<i32> = sqlx::query_scalar("SELECT 1 FROM carts WHERE tenant_id = $1 AND id = $2 FOR UPDATE")
        .bind(tx.tenant_id().as_str().to_owned())
        .bind(id)
        .fetch_optional(tx.conn())
        .await?;
    match found {
        Some(_) => load(tx, id).await,
        None => Ok(None),
    }
}

pub async fn insert(tx: &mut TenantTx, f: &CartFields) -> Result<String> {
    let id = new_id("cart");
    save(tx, &id, f, true).await?;
    Ok(id)
}

pub async fn update(tx: &mut TenantTx, id: &str, f: &CartFields) -> Result<()> {
    save(tx, id, f, false).await
}

async fn save(tx: &mut TenantTx, id: &str, f: &CartFields, insert: bool) -> Result<()> {
    let sql = if insert {
        "INSERT INTO carts (tenant_id, id, region_id, currency_code, sales_channel_id, email, customer_id, locale, \
         shipping_address, billing_address, metadata) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    } else {
        "UPDATE carts SET region_id = $3, currency_code = $4, sales_channel_id = $5, email = $6, customer_id = $7, \
         locale = $8, shipping_address = $9, billing_address = $10, metadata = $11, updated_at = now() \
         WHERE tenant_id = $1 AND id = $2"
    };
    sqlx::query(sql)
        .bind(tx.tenant_id().as_str().to_owned())
        .bind(id)
        .bind(&f.region_id)
        .bind(&f.currency_code)
        .bind(&f.sales_channel_id)
        .bind(&f.email)
        .bind(&f.customer_id)
        .bind(&f.locale)
        .bind(f.shipping_address.as_ref().map(Json))
        .bind(f.billing_address.as_ref().map(Json))
        .bind(f.metadata.as_ref().map(Json))
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn mark_completed(tx: &mut TenantTx, id: &str) -> Result<()> {
    sqlx::query("UPDATE carts SET completed_at = now(), updated_at = now() WHERE tenant_id = $1 AND id = $2")
        .bind(tx.tenant_id().as_str().to_owned())
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub struct NewItem<'a> {
    pub variant_id: &'a str,
    pub product_id: &'a str,
    pub quantity: i32,
    pub unit_price: Decimal,
    pub compare_at_unit_price: Option<Decimal>,
    pub product: Value,
    pub metadata: Option<Value>,
}

pub async fn insert_item(tx: &mut TenantTx, cart_id: &str, item: NewItem<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO cart_line_items (tenant_id, id, cart_id, variant_id, product_id, quantity, unit_price, product, \
         metadata, compare_at_unit_price) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(tx.tenant_id().as_str().to_owned())
    .bind(new_id("cali"))
    .bind(cart_id)
    .bind(item.variant_id)
    .bind(item.product_id)
    .bind(item.quantity)
    .bind(item.unit_price)
    .bind(Json(item.product))
    .bind(item.metadata.map(Json))
    .bind(item.compare_at_unit_price)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// A line's new quantity and/or unit price (`None` keeps the current one); a new unit
/// price comes with its compare-at price (`None`: not from a price list).
pub async fn update_item(
    tx: &mut TenantTx,
    cart_id: &str,
    item_id: &str,
    quantity: Option<i32>,
    unit_price: Option<(Decimal, Option<Decimal>)>,
) -> Result<()> {
    sqlx::query(
        "UPDATE cart_line_items SET quantity = coalesce($4, quantity), unit_price = coalesce($5, unit_price), \
         compare_at_unit_price = CASE WHEN $5 IS NULL THEN compare_at_unit_price ELSE $6 END, \
         updated_at = now() WHERE tenant_id = $1 AND cart_id = $2 AND id = $3",
    )
    .bind(tx.tenant_id().as_str().to_owned())
    .bind(cart_id)
    .bind(item_id)
    .bind(quantity)
    .bind(unit_price.map(|p| p.0))
    .bind(unit_price.and_then(|p| p.1))
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn delete_item(tx: &mut TenantTx, cart_id: &str, item_id: &str) -> Result<()> {
    sqlx::query("DELETE FROM cart_line_items WHERE tenant_id = $1 AND cart_id = $2 AND id = $3")
        .bind(tx.tenant_id().as_str().to_owned())
        .bind(cart_id)
        .bind(item_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// A cart has at most one shipping method (Medusa replaces it); `None` just removes it.
pub async fn set_shipping_method(
    tx: &mut TenantTx,
    cart_id: &str,
    method: Option<(&str, &str, Decimal)>,
) -> Result<()> {
    let tenant = tx.tenant_id().as_str().to_owned();
    sqlx::query("DELETE FROM cart_shipping_methods WHERE tenant_id = $1 AND cart_id = $2")
        .bind(&tenant)
        .bind(cart_id)
        .execute(tx.conn())
        .await?;
    if let Some((option_id, name, amount)) = method {
        sqlx::query(
            "INSERT INTO cart_shipping_methods (tenant_id, id, cart_id, shipping_option_id, name, amount) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&tenant)
        .bind(new_id("casm"))
        .bind(cart_id)
        .bind(option_id)
        .bind(name)
        .bind(amount)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}
