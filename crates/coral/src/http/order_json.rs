//! Orders in Medusa's JSON shape (`StoreOrder`; see
//! shared/medusa-store-api/checkout-8_complete_cart.json), shared by the store and admin
//! order routes.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::app::checkout::totals::LineTotals;
use crate::app::checkout::AddressDocument;
use crate::app::orders::{Order, OrderItemRow, OrderRow};
use crate::http::amounts::{Amount, RawAmount};
use crate::http::payment_json::{payment_collection, StorePaymentCollection};
use crate::http::promotion_json::{self, StoreOrderAdjustment};
use crate::http::totals_json::{
    line_totals, raw_line_totals, sold_fields, tax_lines, text, totals, LineKind, RawLineTotals, StoreLineTotals,
    StoreSoldFields, StoreTaxLine, StoreTotals,
};

/// A quantity with its `raw_` twin.
fn qty(n: i32) -> RawAmount {
    RawAmount::new(n.into())
}

/// The quantities of an order item (Medusa's `OrderItem` detail).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreOrderItemDetail {
    pub id: String,
    pub version: i32,
    #[schema(value_type = Object)]
    pub metadata: Value,
    pub order_id: String,
    pub item_id: String,
    pub quantity: i32,
    pub raw_quantity: RawAmount,
    pub fulfilled_quantity: i32,
    pub raw_fulfilled_quantity: RawAmount,
    pub delivered_quantity: i32,
    pub raw_delivered_quantity: RawAmount,
    pub shipped_quantity: i32,
    pub raw_shipped_quantity: RawAmount,
    pub return_requested_quantity: i32,
    pub raw_return_requested_quantity: RawAmount,
    pub return_received_quantity: i32,
    pub raw_return_received_quantity: RawAmount,
    pub return_dismissed_quantity: i32,
    pub raw_return_dismissed_quantity: RawAmount,
    pub written_off_quantity: i32,
    pub raw_written_off_quantity: RawAmount,
    pub unit_price: Option<Amount>,
    pub raw_unit_price: Option<RawAmount>,
    pub compare_at_unit_price: Option<Amount>,
    pub raw_compare_at_unit_price: Option<RawAmount>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// What an order item's money comes to per state (with `raw_` twins).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreOrderItemTotals {
    pub refundable_total_per_unit: Amount,
    pub raw_refundable_total_per_unit: RawAmount,
    pub refundable_total: Amount,
    pub raw_refundable_total: RawAmount,
    pub fulfilled_total: Amount,
    pub raw_fulfilled_total: RawAmount,
    pub shipped_total: Amount,
    pub raw_shipped_total: RawAmount,
    pub return_requested_total: Amount,
    pub raw_return_requested_total: RawAmount,
    pub return_received_total: Amount,
    pub raw_return_received_total: RawAmount,
    pub return_dismissed_total: Amount,
    pub raw_return_dismissed_total: RawAmount,
    pub write_off_total: Amount,
    pub raw_write_off_total: RawAmount,
}

/// Medusa's `StoreOrderLineItem`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreOrderLineItem {
    pub id: String,
    /// The variant's title.
    pub subtitle: Option<String>,
    pub variant_id: String,
    pub product_id: String,
    #[schema(value_type = Option<Object>)]
    pub variant_option_values: Option<Value>,
    pub is_custom_price: bool,
    pub is_tax_inclusive: bool,
    #[schema(value_type = Object)]
    pub metadata: Value,
    #[schema(value_type = Object)]
    pub line_item_metadata: Value,
    pub raw_compare_at_unit_price: Option<RawAmount>,
    pub compare_at_unit_price: Option<Amount>,
    pub unit_price: Amount,
    pub raw_unit_price: RawAmount,
    pub quantity: i32,
    pub raw_quantity: RawAmount,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub tax_lines: Vec<StoreTaxLine>,
    pub adjustments: Vec<StoreOrderAdjustment>,
    pub detail: StoreOrderItemDetail,
    #[serde(flatten)]
    pub sold: StoreSoldFields,
    #[serde(flatten)]
    pub totals: StoreLineTotals,
    #[serde(flatten)]
    pub raw_totals: RawLineTotals,
    #[serde(flatten)]
    pub state_totals: StoreOrderItemTotals,
}

fn item(o: &OrderRow, i: &OrderItemRow, t: &LineTotals) -> StoreOrderLineItem {
    let per_unit = if i.quantity > 0 {
        t.total / Decimal::from(i.quantity)
    } else {
        Decimal::ZERO
    };
    let fulfilled = Decimal::from(i.fulfilled_quantity) * per_unit;
    let zero = Decimal::ZERO;
    let metadata = i.metadata.clone().unwrap_or_else(|| Value::Object(Default::default()));
    StoreOrderLineItem {
        id: i.id.clone(),
        subtitle: text(&i.product, "variant_title"),
        variant_id: i.variant_id.clone(),
        product_id: i.product_id.clone(),
        variant_option_values: None,
        is_custom_price: false,
        is_tax_inclusive: false,
        metadata: metadata.clone(),
        line_item_metadata: metadata,
        raw_compare_at_unit_price: None,
        compare_at_unit_price: None,
        unit_price: Amount(i.unit_price),
        raw_unit_price: RawAmount::new(i.unit_price),
        quantity: i.quantity,
        raw_quantity: qty(i.quantity),
        created_at: i.created_at,
        updated_at: i.created_at,
        deleted_at: None,
        tax_lines: tax_lines(&i.id, i.tax_rate, LineKind::Item),
        adjustments: promotion_json::order_adjustments(&i.adjustments, &i.id, LineKind::Item, o.created_at),
        detail: StoreOrderItemDetail {
            id: format!("{}-detail", i.id),
            version: 1,
            metadata: Value::Object(Default::default()),
            order_id: o.id.clone(),
            item_id: i.id.clone(),
            quantity: i.quantity,
            raw_quantity: qty(i.quantity),
            fulfilled_quantity: i.fulfilled_quantity,
            raw_fulfilled_quantity: qty(i.fulfilled_quantity),
            delivered_quantity: 0,
            raw_delivered_quantity: qty(0),
            shipped_quantity: i.fulfilled_quantity,
            raw_shipped_quantity: qty(i.fulfilled_quantity),
            return_requested_quantity: 0,
            raw_return_requested_quantity: qty(0),
            return_received_quantity: 0,
            raw_return_received_quantity: qty(0),
            return_dismissed_quantity: 0,
            raw_return_dismissed_quantity: qty(0),
            written_off_quantity: 0,
            raw_written_off_quantity: qty(0),
            unit_price: None,
            raw_unit_price: None,
            compare_at_unit_price: None,
            raw_compare_at_unit_price: None,
            created_at: i.created_at,
            updated_at: i.created_at,
            deleted_at: None,
        },
        sold: sold_fields(&i.product),
        totals: line_totals(t),
        raw_totals: raw_line_totals(t),
        state_totals: StoreOrderItemTotals {
            refundable_total_per_unit: Amount(per_unit),
            raw_refundable_total_per_unit: RawAmount::new(per_unit),
            refundable_total: Amount(t.total),
            raw_refundable_total: RawAmount::new(t.total),
            fulfilled_total: Amount(fulfilled),
            raw_fulfilled_total: RawAmount::new(fulfilled),
            shipped_total: Amount(fulfilled),
            raw_shipped_total: RawAmount::new(fulfilled),
            return_requested_total: Amount(zero),
            raw_return_requested_total: RawAmount::new(zero),
            return_received_total: Amount(zero),
            raw_return_received_total: RawAmount::new(zero),
            return_dismissed_total: Amount(zero),
            raw_return_dismissed_total: RawAmount::new(zero),
            write_off_total: Amount(zero),
            raw_write_off_total: RawAmount::new(zero),
        },
    }
}

/// An order address: the cart's address document with the order's customer and dates.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreOrderAddress {
    #[serde(flatten)]
    pub address: AddressDocument,
    pub customer_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

fn address(o: &OrderRow, a: Option<&sqlx::types::Json<Value>>) -> Option<StoreOrderAddress> {
    Some(StoreOrderAddress {
        address: AddressDocument::read(a)?,
        customer_id: o.customer_id.clone(),
        created_at: o.created_at,
        updated_at: o.created_at,
        deleted_at: None,
    })
}

/// The shipping method's link to its order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreOrderShippingMethodDetail {
    pub id: String,
    pub version: i32,
    pub order_id: String,
    pub return_id: Option<String>,
    pub exchange_id: Option<String>,
    pub claim_id: Option<String>,
    pub shipping_method_id: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// Medusa's `StoreOrderShippingMethod`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreOrderShippingMethod {
    pub id: String,
    pub order_id: String,
    pub name: String,
    pub description: Option<String>,
    pub is_tax_inclusive: bool,
    pub is_custom_amount: bool,
    pub shipping_option_id: String,
    #[schema(value_type = Object)]
    pub data: Value,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    pub amount: Amount,
    pub raw_amount: RawAmount,
    pub tax_lines: Vec<StoreTaxLine>,
    pub adjustments: Vec<StoreOrderAdjustment>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub detail: StoreOrderShippingMethodDetail,
    #[serde(flatten)]
    pub totals: StoreLineTotals,
    #[serde(flatten)]
    pub raw_totals: RawLineTotals,
}

/// Medusa's order `summary`: what was paid, refunded and is pending (with `raw_` twins).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreOrderSummary {
    pub paid_total: Amount,
    pub raw_paid_total: RawAmount,
    pub refunded_total: Amount,
    pub raw_refunded_total: RawAmount,
    pub accounting_total: Amount,
    pub raw_accounting_total: RawAmount,
    pub credit_line_total: Amount,
    pub raw_credit_line_total: RawAmount,
    pub transaction_total: Amount,
    pub raw_transaction_total: RawAmount,
    pub pending_difference: Amount,
    pub raw_pending_difference: RawAmount,
    pub current_order_total: Amount,
    pub raw_current_order_total: RawAmount,
    pub original_order_total: Amount,
    pub raw_original_order_total: RawAmount,
}

/// A fulfillment of an order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreOrderFulfillment {
    pub id: String,
    pub location_id: Option<String>,
    /// The fulfilled items (`[{ item_id, quantity }]`).
    #[schema(value_type = Vec<Object>)]
    pub items: Value,
    pub shipped_at: Option<DateTime<Utc>>,
    pub canceled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// Medusa's `StoreOrder`, with every default field (`fields=` prunes it).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreOrder {
    pub id: String,
    pub status: String,
    pub payment_status: String,
    pub fulfillment_status: String,
    pub summary: StoreOrderSummary,
    pub currency_code: String,
    pub display_id: i32,
    pub custom_display_id: Option<String>,
    pub region_id: String,
    pub sales_channel_id: String,
    pub customer_id: Option<String>,
    pub email: Option<String>,
    pub locale: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    pub canceled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Always empty (Coral has no credit lines).
    #[schema(value_type = Vec<Object>)]
    pub credit_lines: Vec<Value>,
    pub items: Vec<StoreOrderLineItem>,
    pub shipping_address: Option<StoreOrderAddress>,
    pub billing_address: Option<StoreOrderAddress>,
    pub shipping_methods: Vec<StoreOrderShippingMethod>,
    pub payment_collections: Vec<StorePaymentCollection>,
    pub fulfillments: Vec<StoreOrderFulfillment>,
    #[serde(flatten)]
    pub totals: StoreTotals,
}

pub fn order(o: &Order) -> StoreOrder {
    let r = &o.row;
    let digits = o.digits();
    let items = r
        .items
        .0
        .iter()
        .zip(o.item_lines())
        .map(|(i, l)| item(r, i, &l.totals(digits)))
        .collect();
    let shipping_methods = r
        .shipping_methods
        .0
        .iter()
        .zip(o.shipping_lines())
        .map(|(s, l)| {
            let t = l.totals(digits);
            StoreOrderShippingMethod {
                id: s.id.clone(),
                order_id: r.id.clone(),
                name: s.name.clone(),
                description: None,
                is_tax_inclusive: false,
                is_custom_amount: false,
                shipping_option_id: s.shipping_option_id.clone(),
                data: Value::Object(Default::default()),
                metadata: None,
                amount: Amount(s.amount),
                raw_amount: RawAmount::new(s.amount),
                tax_lines: tax_lines(&s.id, s.tax_rate, LineKind::ShippingMethod),
                adjustments: promotion_json::order_adjustments(
                    &s.adjustments,
                    &s.id,
                    LineKind::ShippingMethod,
                    r.created_at,
                ),
                created_at: s.created_at,
                updated_at: s.created_at,
                deleted_at: None,
                detail: StoreOrderShippingMethodDetail {
                    id: format!("{}-detail", s.id),
                    version: 1,
                    order_id: r.id.clone(),
                    return_id: None,
                    exchange_id: None,
                    claim_id: None,
                    shipping_method_id: s.id.clone(),
                    created_at: s.created_at,
                    updated_at: s.created_at,
                    deleted_at: None,
                },
                totals: line_totals(&t),
                raw_totals: raw_line_totals(&t),
            }
        })
        .collect();
    let t = &o.totals;
    let paid = o.payment.captured_amount;
    let refunded = o.payment.refunded_amount;
    let pending = t.total - paid + refunded;
    let pair = |d: Decimal| (Amount(d), RawAmount::new(d));
    let (paid_total, raw_paid_total) = pair(paid);
    let (refunded_total, raw_refunded_total) = pair(refunded);
    let (accounting_total, raw_accounting_total) = pair(t.total);
    let (credit_line_total, raw_credit_line_total) = pair(Decimal::ZERO);
    let (transaction_total, raw_transaction_total) = pair(paid - refunded);
    let (pending_difference, raw_pending_difference) = pair(pending);
    let (current_order_total, raw_current_order_total) = pair(t.total);
    let (original_order_total, raw_original_order_total) = pair(t.total);
    StoreOrder {
        id: r.id.clone(),
        status: r.status.clone(),
        payment_status: r.payment_status.clone(),
        fulfillment_status: r.fulfillment_status.clone(),
        summary: StoreOrderSummary {
            paid_total,
            raw_paid_total,
            refunded_total,
            raw_refunded_total,
            accounting_total,
            raw_accounting_total,
            credit_line_total,
            raw_credit_line_total,
            transaction_total,
            raw_transaction_total,
            pending_difference,
            raw_pending_difference,
            current_order_total,
            raw_current_order_total,
            original_order_total,
            raw_original_order_total,
        },
        currency_code: r.currency_code.clone(),
        display_id: r.display_id,
        custom_display_id: None,
        region_id: r.region_id.clone(),
        sales_channel_id: r.sales_channel_id.clone(),
        customer_id: r.customer_id.clone(),
        email: r.email.clone(),
        locale: r.locale.clone(),
        metadata: r.metadata.as_ref().map(|m| m.0.clone()),
        canceled_at: r.canceled_at,
        created_at: r.created_at,
        updated_at: r.updated_at,
        credit_lines: Vec::new(),
        items,
        shipping_address: address(r, r.shipping_address.as_ref()),
        billing_address: address(r, r.billing_address.as_ref()),
        shipping_methods,
        payment_collections: vec![payment_collection(&o.payment)],
        fulfillments: r
            .fulfillments
            .0
            .iter()
            .map(|f| StoreOrderFulfillment {
                id: f.id.clone(),
                location_id: f.location_id.clone(),
                items: f.items.clone(),
                shipped_at: f.shipped_at,
                canceled_at: f.canceled_at,
                created_at: f.created_at,
            })
            .collect(),
        totals: totals(t),
    }
}
