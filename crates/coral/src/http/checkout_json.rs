//! Carts in Medusa's JSON shape (see shared/medusa-store-api/checkout-*.json), as typed
//! views. Shipping options, payment collections and customers have their own modules;
//! their renderers are re-exported here, where the routes have always found them.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::app::checkout::carts::{Cart, LineItemRow};
use crate::app::checkout::totals::LineTotals;
use crate::app::checkout::AddressDocument;
use crate::http::amounts::{opt, Amount, RawAmount};
use crate::http::promotion_json::{self, StoreCartAdjustment, StoreCartPromotion};
use crate::http::store::regions::{region_json, StoreRegion};
use crate::http::totals_json::{
    line_totals, sold_fields, tax_lines, totals, LineKind, StoreLineTotals, StoreSoldFields, StoreTaxLine, StoreTotals,
};

pub use crate::http::customer_json::{customer, customer_address};
pub use crate::http::payment_json::payment_collection;
pub use crate::http::shipping_json::shipping_option;

/// Medusa's `raw_*` amount: the exact decimal as a string.
pub fn raw(d: Decimal) -> RawAmount {
    RawAmount::new(d)
}

/// `{ id }` of a related record.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreIdRef {
    pub id: String,
}

/// What a cart line shows of its product (ids of its collection, type, categories, tags).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreCartLineItemProduct {
    pub id: String,
    pub collection_id: Option<String>,
    pub type_id: Option<String>,
    pub categories: Vec<StoreIdRef>,
    pub tags: Vec<StoreIdRef>,
}

/// Medusa's `StoreCartLineItem`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreCartLineItem {
    pub id: String,
    pub cart_id: String,
    pub variant_id: String,
    pub product_id: String,
    #[schema(value_type = Object)]
    pub metadata: Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub quantity: i32,
    pub unit_price: Amount,
    pub compare_at_unit_price: Option<Amount>,
    pub is_tax_inclusive: bool,
    pub tax_lines: Vec<StoreTaxLine>,
    pub adjustments: Vec<StoreCartAdjustment>,
    pub product: StoreCartLineItemProduct,
    #[serde(flatten)]
    pub sold: StoreSoldFields,
    #[serde(flatten)]
    pub totals: StoreLineTotals,
}

fn ids(p: &Value, key: &str) -> Vec<StoreIdRef> {
    p[key]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|id| StoreIdRef { id: id.to_owned() })
        .collect()
}

fn cart_item(
    item: &LineItemRow,
    t: &LineTotals,
    rate: Decimal,
    cart_id: &str,
    adjustments: Vec<StoreCartAdjustment>,
) -> StoreCartLineItem {
    let p = &item.product;
    StoreCartLineItem {
        id: item.id.clone(),
        cart_id: cart_id.to_owned(),
        variant_id: item.variant_id.clone(),
        product_id: item.product_id.clone(),
        metadata: item
            .metadata
            .clone()
            .unwrap_or_else(|| Value::Object(Default::default())),
        created_at: item.created_at,
        updated_at: item.updated_at,
        quantity: item.quantity,
        unit_price: Amount(item.unit_price),
        compare_at_unit_price: opt(item.compare_at_unit_price),
        is_tax_inclusive: false,
        tax_lines: tax_lines(&item.id, rate, LineKind::Item),
        adjustments,
        product: StoreCartLineItemProduct {
            id: item.product_id.clone(),
            collection_id: crate::http::totals_json::text(p, "collection_id"),
            type_id: crate::http::totals_json::text(p, "type_id"),
            categories: ids(p, "category_ids"),
            tags: ids(p, "tag_ids"),
        },
        sold: sold_fields(p),
        totals: line_totals(t),
    }
}

/// Medusa's `StoreCartShippingMethod`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreCartShippingMethod {
    pub id: String,
    pub cart_id: String,
    pub name: String,
    pub amount: Amount,
    pub is_tax_inclusive: bool,
    pub shipping_option_id: String,
    #[schema(value_type = Object)]
    pub data: Value,
    pub tax_lines: Vec<StoreTaxLine>,
    pub adjustments: Vec<StoreCartAdjustment>,
    pub created_at: DateTime<Utc>,
    #[serde(flatten)]
    pub totals: StoreLineTotals,
}

/// Medusa's `StoreCartAddress`: the stored document plus `region_code`, which carts
/// do not record (always null).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreCartAddress {
    #[serde(flatten)]
    pub address: AddressDocument,
    pub region_code: Option<String>,
}

/// An address document as stored on a cart, if any.
fn address(a: Option<&sqlx::types::Json<Value>>) -> Option<StoreCartAddress> {
    Some(StoreCartAddress {
        address: AddressDocument::read(a)?,
        region_code: None,
    })
}

/// The customer of a cart.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreCartCustomer {
    pub id: String,
    pub email: String,
    /// Always empty on store routes.
    #[schema(value_type = Vec<Object>)]
    pub groups: Vec<Value>,
}

/// Medusa's `StoreCart`, with every default field (`fields=` prunes it).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreCart {
    pub id: String,
    pub currency_code: String,
    pub email: Option<String>,
    pub locale: Option<String>,
    pub region_id: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    pub sales_channel_id: String,
    pub customer_id: Option<String>,
    pub customer: Option<StoreCartCustomer>,
    pub shipping_address_id: Option<String>,
    pub billing_address_id: Option<String>,
    pub shipping_address: Option<StoreCartAddress>,
    pub billing_address: Option<StoreCartAddress>,
    pub items: Vec<StoreCartLineItem>,
    pub shipping_methods: Vec<StoreCartShippingMethod>,
    /// Always empty (Coral has no credit lines).
    #[schema(value_type = Vec<Object>)]
    pub credit_lines: Vec<Value>,
    pub promotions: Vec<StoreCartPromotion>,
    pub region: StoreRegion,
    pub payment_collection: Option<crate::http::payment_json::StorePaymentCollection>,
    #[serde(flatten)]
    pub totals: StoreTotals,
}

pub fn cart(c: &Cart) -> StoreCart {
    let r = &c.row;
    let items = r
        .items
        .0
        .iter()
        .zip(&c.item_totals)
        .enumerate()
        .map(|(n, (i, t))| {
            let adjustments = promotion_json::cart_adjustments(
                &c.promotions,
                c.promotions.adjustments.items.get(n),
                &i.id,
                LineKind::Item,
            );
            cart_item(i, t, r.tax_rate, &r.id, adjustments)
        })
        .collect();
    let shipping_methods = r
        .shipping_methods
        .0
        .iter()
        .zip(&c.shipping_totals)
        .enumerate()
        .map(|(n, (m, t))| StoreCartShippingMethod {
            id: m.id.clone(),
            cart_id: r.id.clone(),
            name: m.name.clone(),
            amount: Amount(m.amount),
            is_tax_inclusive: false,
            shipping_option_id: m.shipping_option_id.clone(),
            data: Value::Object(Default::default()),
            tax_lines: tax_lines(&m.id, r.tax_rate, LineKind::ShippingMethod),
            adjustments: promotion_json::cart_adjustments(
                &c.promotions,
                c.promotions.adjustments.shipping.get(n),
                &m.id,
                LineKind::ShippingMethod,
            ),
            created_at: m.created_at,
            totals: line_totals(t),
        })
        .collect();
    let addr_id = |a: Option<&sqlx::types::Json<Value>>| a.and_then(|a| crate::http::totals_json::text(&a.0, "id"));
    StoreCart {
        id: r.id.clone(),
        currency_code: r.currency_code.clone(),
        email: r.email.clone(),
        locale: r.locale.clone(),
        region_id: r.region_id.clone(),
        created_at: r.created_at,
        updated_at: r.updated_at,
        completed_at: r.completed_at,
        metadata: r.metadata.as_ref().map(|m| m.0.clone()),
        sales_channel_id: r.sales_channel_id.clone(),
        customer_id: r.customer_id.clone(),
        customer: match (&r.customer_id, &r.customer_email) {
            (Some(id), Some(email)) => Some(StoreCartCustomer {
                id: id.clone(),
                email: email.clone(),
                groups: Vec::new(),
            }),
            _ => None,
        },
        shipping_address_id: addr_id(r.shipping_address.as_ref()),
        billing_address_id: addr_id(r.billing_address.as_ref()),
        shipping_address: address(r.shipping_address.as_ref()),
        billing_address: address(r.billing_address.as_ref()),
        items,
        shipping_methods,
        credit_lines: Vec::new(),
        promotions: promotion_json::cart_promotions(&c.promotions),
        region: region_json(&c.region),
        payment_collection: c.payment_collection.as_ref().map(payment_collection),
        totals: totals(&c.totals),
    }
}
