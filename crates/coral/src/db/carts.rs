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
    /// Brings the row up to date with an `update` of `f` that answered `saved`.
    pub fn apply(&mut self, f: CartFields, saved: Saved) {
        self.region_id = f.region_id;
        self.currency_code = f.currency_code;
        self.sales_channel_id = f.sales_channel_id;
        self.email = f.email;
        self.customer_id = f.customer_id;
        self.locale = f.locale;
        self.shipping_address = f.shipping_address.map(Json);
        self.billing_address = f.billing_address.map(Json);
        self.metadata = f.metadata.map(Json);
        self.updated_at = saved.updated_at;
        self.customer_email = saved.customer_email;
        self.decimal_digits = saved.decimal_digits;
        self.tax_rate = saved.tax_rate;
    }

    /// Puts a written line in place (replacing the line with its id), in the load's order.
    pub fn put_item(&mut self, item: LineItemRow) {
        let items = &mut self.items.0;
        items.retain(|i| i.id != item.id);
        items.push(item);
        // The load's `ORDER BY created_at, id` (ids compare bytewise: the cluster's collation is C).
        items.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    }

    /// Drops the line `item_id` (a line deleted in the database).
    pub fn remove_item(&mut self, item_id: &str) {
        self.items.0.retain(|i| i.id != item_id);
    }

    /// The cart's shipping methods after `set_shipping_method` answered `method`.
    pub fn set_method(&mut self, method: Option<ShippingMethodRow>) {
        self.shipping_methods.0 = method.into_iter().collect();
    }

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

/// A line item as the JSON object `LineItemRow` reads, from a `cart_line_items` row `i`:
/// the load aggregates these, and item writes return one, so a write answers without a reload.
const ITEM_JSON: &str = "json_build_object('id', i.id, 'variant_id', i.variant_id, 'product_id', i.product_id, \
    'quantity', i.quantity, 'unit_price', i.unit_price::text, 'compare_at_unit_price', i.compare_at_unit_price::text, \
    'product', i.product, 'metadata', i.metadata, 'created_at', i.created_at, 'updated_at', i.updated_at)";

/// A shipping method as the JSON object `ShippingMethodRow` reads, from a
/// `cart_shipping_methods` row `m`, with its option as it is now.
const METHOD_JSON: &str = "json_build_object('id', m.id, 'shipping_option_id', m.shipping_option_id, \
    'name', m.name, 'amount', m.amount::text, 'created_at', m.created_at, \
    'option', (SELECT json_build_object('name', so.name, 'amount', so.amount::text, 'region_id', so.region_id, \
        'enabled_in_store', so.enabled_in_store) FROM shipping_options so \
        WHERE so.tenant_id = $1 AND so.id = m.shipping_option_id AND so.deleted_at IS NULL))";

/// What a cart row `c` derives from other tables: its customer's email, its currency's
/// digits and the tax rate of its shipping address's country in its region. The load
/// reads them, and `update` returns them.
const DERIVED: &str = "(SELECT cu.email FROM customers cu WHERE cu.tenant_id = $1 AND cu.id = c.customer_id) \
        AS customer_email, \
    (SELECT cur.decimal_digits FROM currencies cur WHERE cur.code = c.currency_code) AS decimal_digits, \
    coalesce((SELECT rc.tax_rate FROM regions r JOIN region_countries rc ON rc.tenant_id = $1 \
        AND rc.region_id = r.id AND rc.country_code = lower(c.shipping_address->>'country_code') \
        WHERE r.tenant_id = $1 AND r.id = c.region_id AND r.automatic_taxes), 0) AS tax_rate";

fn load_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        format!(
            "SELECT c.id, c.region_id, c.currency_code, c.sales_channel_id, c.email, c.customer_id, c.locale, \
             c.shipping_address, c.billing_address, c.metadata, c.completed_at, c.created_at, c.updated_at, {DERIVED}, \
             coalesce((SELECT json_agg({ITEM_JSON} ORDER BY i.created_at, i.id) \
                 FROM cart_line_items i WHERE i.tenant_id = $1 AND i.cart_id = c.id), '[]') AS items, \
             coalesce((SELECT json_agg({METHOD_JSON} ORDER BY m.created_at, m.id) \
                 FROM cart_shipping_methods m WHERE m.tenant_id = $1 AND m.cart_id = c.id), '[]') \
                 AS shipping_methods, \
             (SELECT o.id FROM orders o WHERE o.tenant_id = $1 AND o.cart_id = c.id) AS order_id \
             FROM carts c WHERE c.tenant_id = $1 AND c.id = $2 \
             AND EXISTS (SELECT 1 FROM currencies cur WHERE cur.code = c.currency_code)"
        )
    })
}

pub async fn load(tx: &mut TenantTx, id: &str) -> Result<Option<CartRow>> {
    Ok(tx.query_as(load_sql()).bind(id).fetch_optional(tx.conn()).await?)
}

/// Locks the cart row until the transaction ends, so writes to one cart (and its
/// completion) happen one at a time, then loads it. Two statements on purpose: a
/// `FOR UPDATE` that waited for another transaction sees that transaction's row but not,
/// in its subqueries, the rows it added (e.g. the order of a concurrent completion).
pub async fn load_locked(tx: &mut TenantTx, id: &str) -> Result<Option<CartRow>> {
    let found: Option<i32> = tx
        .query_scalar("SELECT 1 FROM carts WHERE tenant_id = $1 AND id = $2 FOR UPDATE")
        .bind(id)
        .fetch_optional(tx.conn())
        .await?;
    match found {
        Some(_) => load(tx, id).await,
        None => Ok(None),
    }
}

/// What a cart update changed besides the fields it was given: the new `updated_at`
/// and the values derived from the fields (see `DERIVED`).
#[derive(Debug, Clone)]
pub struct Saved {
    pub updated_at: DateTime<Utc>,
    pub customer_email: Option<String>,
    pub decimal_digits: i32,
    pub tax_rate: Decimal,
}

pub async fn insert(tx: &mut TenantTx, f: &CartFields) -> Result<String> {
    let id = new_id("cart");
    tx.query(
        "INSERT INTO carts (tenant_id, id, region_id, currency_code, sales_channel_id, email, customer_id, locale, \
         shipping_address, billing_address, metadata) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&id)
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
    Ok(id)
}

/// Writes the cart's fields; answers what the row now derives from them (`CartRow::apply`
/// brings a loaded row up to date with both).
pub async fn update(tx: &mut TenantTx, id: &str, f: &CartFields) -> Result<Saved> {
    let updated_at: DateTime<Utc> = tx
        .query_scalar(
            "UPDATE carts SET region_id = $3, currency_code = $4, sales_channel_id = $5, email = $6, \
             customer_id = $7, locale = $8, shipping_address = $9, billing_address = $10, metadata = $11, \
             updated_at = now() WHERE tenant_id = $1 AND id = $2 RETURNING updated_at",
        )
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
        .fetch_one(tx.conn())
        .await?;
    // Read apart from the write: Citus allows only immutable expressions in RETURNING.
    let sql = format!("SELECT {DERIVED} FROM carts c WHERE c.tenant_id = $1 AND c.id = $2");
    let (customer_email, decimal_digits, tax_rate) = tx.query_as(&sql).bind(id).fetch_one(tx.conn()).await?;
    Ok(Saved {
        updated_at,
        customer_email,
        decimal_digits,
        tax_rate,
    })
}

/// Whether the cart exists and is not completed (no lock taken).
pub async fn is_open(tx: &mut TenantTx, id: &str) -> Result<bool> {
    let open: Option<bool> = tx
        .query_scalar("SELECT completed_at IS NULL FROM carts WHERE tenant_id = $1 AND id = $2")
        .bind(id)
        .fetch_optional(tx.conn())
        .await?;
    Ok(open == Some(true))
}

pub async fn mark_completed(tx: &mut TenantTx, id: &str) -> Result<()> {
    tx.query("UPDATE carts SET completed_at = now(), updated_at = now() WHERE tenant_id = $1 AND id = $2")
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

/// Adds a line; answers it as the load reads it.
pub async fn insert_item(tx: &mut TenantTx, cart_id: &str, item: NewItem<'_>) -> Result<LineItemRow> {
    let sql = format!(
        "WITH i AS (INSERT INTO cart_line_items (tenant_id, id, cart_id, variant_id, product_id, quantity, \
         unit_price, product, metadata, compare_at_unit_price) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         RETURNING *) SELECT {ITEM_JSON} FROM i"
    );
    let row: Json<LineItemRow> = tx
        .query_scalar(&sql)
        .bind(new_id("cali"))
        .bind(cart_id)
        .bind(item.variant_id)
        .bind(item.product_id)
        .bind(item.quantity)
        .bind(item.unit_price)
        .bind(Json(item.product))
        .bind(item.metadata.map(Json))
        .bind(item.compare_at_unit_price)
        .fetch_one(tx.conn())
        .await?;
    Ok(row.0)
}

/// A line's new quantity and/or unit price (`None` keeps the current one); a new unit
/// price comes with its compare-at price (`None`: not from a price list). Answers the line
/// as the load reads it (`None` when the cart has no such line).
pub async fn update_item(
    tx: &mut TenantTx,
    cart_id: &str,
    item_id: &str,
    quantity: Option<i32>,
    unit_price: Option<(Decimal, Option<Decimal>)>,
) -> Result<Option<LineItemRow>> {
    let sql = format!(
        "WITH i AS (UPDATE cart_line_items SET quantity = coalesce($4, quantity), \
         unit_price = coalesce($5, unit_price), \
         compare_at_unit_price = CASE WHEN $5 IS NULL THEN compare_at_unit_price ELSE $6 END, \
         updated_at = now() WHERE tenant_id = $1 AND cart_id = $2 AND id = $3 RETURNING *) SELECT {ITEM_JSON} FROM i"
    );
    let row: Option<Json<LineItemRow>> = tx
        .query_scalar(&sql)
        .bind(cart_id)
        .bind(item_id)
        .bind(quantity)
        .bind(unit_price.map(|p| p.0))
        .bind(unit_price.and_then(|p| p.1))
        .fetch_optional(tx.conn())
        .await?;
    Ok(row.map(|r| r.0))
}

pub async fn delete_item(tx: &mut TenantTx, cart_id: &str, item_id: &str) -> Result<()> {
    tx.query("DELETE FROM cart_line_items WHERE tenant_id = $1 AND cart_id = $2 AND id = $3")
        .bind(cart_id)
        .bind(item_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// A cart has at most one shipping method (Medusa replaces it); `None` just removes it.
/// Answers the new method as the load reads it. One statement either way: the method
/// table has no uniqueness on the cart, so the delete and the insert cannot collide.
pub async fn set_shipping_method(
    tx: &mut TenantTx,
    cart_id: &str,
    method: Option<(&str, &str, Decimal)>,
) -> Result<Option<ShippingMethodRow>> {
    let Some((option_id, name, amount)) = method else {
        tx.query("DELETE FROM cart_shipping_methods WHERE tenant_id = $1 AND cart_id = $2")
            .bind(cart_id)
            .execute(tx.conn())
            .await?;
        return Ok(None);
    };
    let id = new_id("casm");
    tx.query(
        "WITH gone AS (DELETE FROM cart_shipping_methods WHERE tenant_id = $1 AND cart_id = $2) \
         INSERT INTO cart_shipping_methods (tenant_id, id, cart_id, shipping_option_id, name, amount) \
         VALUES ($1, $3, $2, $4, $5, $6)",
    )
    .bind(cart_id)
    .bind(&id)
    .bind(option_id)
    .bind(name)
    .bind(amount)
    .execute(tx.conn())
    .await?;
    // Read back apart: Citus allows no subquery in RETURNING, nor one correlated to a CTE.
    let sql = format!("SELECT {METHOD_JSON} FROM cart_shipping_methods m WHERE m.tenant_id = $1 AND m.id = $2");
    let row: Json<ShippingMethodRow> = tx.query_scalar(&sql).bind(&id).fetch_one(tx.conn()).await?;
    Ok(Some(row.0))
}
