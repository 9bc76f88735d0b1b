//! Totals, tax lines and what a line sold, shared by carts and orders in Medusa's
//! shapes (see shared/medusa-store-api/checkout-*.json).

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::app::checkout::totals::{LineTotals, Totals};
use crate::http::amounts::{Amount, RawAmount};

/// Every total of a cart or order (Medusa's names). `original_*subtotal` equal the
/// subtotals (Coral has no tax-inclusive prices); credit lines are always zero.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreTotals {
    pub total: Amount,
    pub subtotal: Amount,
    pub tax_total: Amount,
    pub discount_total: Amount,
    pub discount_subtotal: Amount,
    pub discount_tax_total: Amount,
    pub original_total: Amount,
    pub original_subtotal: Amount,
    pub original_tax_total: Amount,
    pub item_total: Amount,
    pub item_subtotal: Amount,
    pub item_tax_total: Amount,
    pub item_discount_total: Amount,
    pub original_item_total: Amount,
    pub original_item_subtotal: Amount,
    pub original_item_tax_total: Amount,
    pub shipping_total: Amount,
    pub shipping_subtotal: Amount,
    pub shipping_tax_total: Amount,
    pub shipping_discount_total: Amount,
    pub original_shipping_total: Amount,
    pub original_shipping_subtotal: Amount,
    pub original_shipping_tax_total: Amount,
    pub credit_line_total: Amount,
    pub credit_line_subtotal: Amount,
    pub credit_line_tax_total: Amount,
}

/// The totals of a cart or order.
pub fn totals(t: &Totals) -> StoreTotals {
    let a = Amount;
    let zero = Amount(Decimal::ZERO);
    StoreTotals {
        total: a(t.total),
        subtotal: a(t.subtotal),
        tax_total: a(t.tax_total),
        discount_total: a(t.discount_total),
        discount_subtotal: a(t.discount_subtotal),
        discount_tax_total: a(t.discount_tax_total),
        original_total: a(t.original_total),
        original_subtotal: a(t.subtotal),
        original_tax_total: a(t.original_tax_total),
        item_total: a(t.item_total),
        item_subtotal: a(t.item_subtotal),
        item_tax_total: a(t.item_tax_total),
        item_discount_total: a(t.item_discount_total),
        original_item_total: a(t.original_item_total),
        original_item_subtotal: a(t.item_subtotal),
        original_item_tax_total: a(t.original_item_tax_total),
        shipping_total: a(t.shipping_total),
        shipping_subtotal: a(t.shipping_subtotal),
        shipping_tax_total: a(t.shipping_tax_total),
        shipping_discount_total: a(t.shipping_discount_total),
        original_shipping_total: a(t.original_shipping_total),
        original_shipping_subtotal: a(t.shipping_subtotal),
        original_shipping_tax_total: a(t.original_shipping_tax_total),
        credit_line_total: zero,
        credit_line_subtotal: zero,
        credit_line_tax_total: zero,
    }
}

/// A line's totals (item or shipping method).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreLineTotals {
    pub subtotal: Amount,
    pub total: Amount,
    pub original_subtotal: Amount,
    pub original_total: Amount,
    pub tax_total: Amount,
    pub original_tax_total: Amount,
    pub discount_total: Amount,
    pub discount_subtotal: Amount,
    pub discount_tax_total: Amount,
}

pub fn line_totals(t: &LineTotals) -> StoreLineTotals {
    StoreLineTotals {
        subtotal: Amount(t.subtotal),
        total: Amount(t.total),
        original_subtotal: Amount(t.subtotal),
        original_total: Amount(t.original_total),
        tax_total: Amount(t.tax_total),
        original_tax_total: Amount(t.original_tax_total),
        discount_total: Amount(t.discount_total),
        discount_subtotal: Amount(t.discount_subtotal),
        discount_tax_total: Amount(t.discount_tax_total),
    }
}

/// The `raw_*` twins of a line's totals (order lines show them).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RawLineTotals {
    pub raw_subtotal: RawAmount,
    pub raw_total: RawAmount,
    pub raw_original_subtotal: RawAmount,
    pub raw_original_total: RawAmount,
    pub raw_tax_total: RawAmount,
    pub raw_original_tax_total: RawAmount,
    pub raw_discount_total: RawAmount,
    pub raw_discount_subtotal: RawAmount,
    pub raw_discount_tax_total: RawAmount,
}

pub fn raw_line_totals(t: &LineTotals) -> RawLineTotals {
    RawLineTotals {
        raw_subtotal: RawAmount::new(t.subtotal),
        raw_total: RawAmount::new(t.total),
        raw_original_subtotal: RawAmount::new(t.subtotal),
        raw_original_total: RawAmount::new(t.original_total),
        raw_tax_total: RawAmount::new(t.tax_total),
        raw_original_tax_total: RawAmount::new(t.original_tax_total),
        raw_discount_total: RawAmount::new(t.discount_total),
        raw_discount_subtotal: RawAmount::new(t.discount_subtotal),
        raw_discount_tax_total: RawAmount::new(t.discount_tax_total),
    }
}

/// A tax line of an item (`item_id`) or a shipping method (`shipping_method_id`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreTaxLine {
    pub id: String,
    pub code: String,
    /// Percent.
    pub rate: Amount,
    pub name: String,
    pub provider_id: String,
    pub tax_rate_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_method_id: Option<String>,
    pub description: String,
    #[schema(value_type = Option<Object>)]
    pub data: Option<Value>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
}

/// Which kind of line a tax line or adjustment belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Item,
    ShippingMethod,
}

impl LineKind {
    /// `(item_id, shipping_method_id)` for a line of this kind.
    pub fn ids(self, line_id: &str) -> (Option<String>, Option<String>) {
        match self {
            LineKind::Item => (Some(line_id.to_owned()), None),
            LineKind::ShippingMethod => (None, Some(line_id.to_owned())),
        }
    }
}

/// Tax lines of a line at `rate` percent (none at 0 %, as Medusa shows).
pub fn tax_lines(line_id: &str, rate: Decimal, kind: LineKind) -> Vec<StoreTaxLine> {
    if rate.is_zero() {
        return Vec::new();
    }
    let (item_id, shipping_method_id) = kind.ids(line_id);
    vec![StoreTaxLine {
        id: format!("{line_id}-tax"),
        code: "default".into(),
        rate: Amount(rate),
        name: "Tax".into(),
        provider_id: "system".into(),
        tax_rate_id: None,
        item_id,
        shipping_method_id,
        description: "Tax".into(),
        data: None,
        metadata: None,
    }]
}

/// Line item fields shared by cart and order items, from the copy of what the item sold
/// (`app::checkout::sold`); a key an older copy lacks shows as null.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreSoldFields {
    pub title: Option<String>,
    pub thumbnail: Option<String>,
    pub is_giftcard: Option<bool>,
    pub product_title: Option<String>,
    pub product_description: Option<String>,
    pub product_subtitle: Option<String>,
    /// The product type's value.
    pub product_type: Option<String>,
    pub product_type_id: Option<String>,
    /// The collection's title.
    pub product_collection: Option<String>,
    pub product_handle: Option<String>,
    pub variant_sku: Option<String>,
    pub variant_barcode: Option<String>,
    pub variant_title: Option<String>,
    pub requires_shipping: Option<bool>,
    pub is_discountable: Option<bool>,
    /// The variant as sold, with its product.
    #[schema(value_type = Option<Object>)]
    pub variant: Option<Value>,
}

/// A string member of a stored document.
pub fn text(doc: &Value, key: &str) -> Option<String> {
    doc.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn flag(doc: &Value, key: &str) -> Option<bool> {
    doc.get(key).and_then(Value::as_bool)
}

/// The sold fields of a line from its stored product copy.
pub fn sold_fields(p: &Value) -> StoreSoldFields {
    StoreSoldFields {
        title: text(p, "title"),
        thumbnail: text(p, "thumbnail"),
        is_giftcard: flag(p, "is_giftcard"),
        product_title: text(p, "title"),
        product_description: text(p, "description"),
        product_subtitle: text(p, "subtitle"),
        product_type: text(p, "type"),
        product_type_id: text(p, "type_id"),
        product_collection: text(p, "collection"),
        product_handle: text(p, "handle"),
        variant_sku: text(p, "sku"),
        variant_barcode: text(p, "barcode"),
        variant_title: text(p, "variant_title"),
        requires_shipping: flag(p, "requires_shipping"),
        is_discountable: flag(p, "discountable"),
        variant: p.get("variant").filter(|v| !v.is_null()).cloned(),
    }
}
