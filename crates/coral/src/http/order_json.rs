//! Orders in Medusa's JSON shape (see shared/medusa-store-api/checkout-8_complete_cart.json).

use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use crate::app::checkout::adjustments::Adjustment;
use crate::app::checkout::totals::LineTotals;
use crate::app::orders::Order;
use crate::db::orders::{OrderItemRow, OrderRow};
use crate::http::catalog_json::number;
use crate::http::checkout_json::{
    adjustments, line_totals_json, payment_collection, raw, sold_fields, tax_lines, totals_json,
};

fn put(m: &mut Map<String, Value>, pairs: impl IntoIterator<Item = (&'static str, Value)>) {
    for (k, v) in pairs {
        m.insert(k.into(), v);
    }
}

fn put_amounts(m: &mut Map<String, Value>, pairs: &[(&str, Decimal)]) {
    for (k, v) in pairs {
        m.insert((*k).into(), number(*v));
        m.insert(format!("raw_{k}"), raw(*v));
    }
}

fn item(o: &OrderRow, i: &OrderItemRow, t: &LineTotals, adj: &[Adjustment]) -> Value {
    let mut m = Map::new();
    sold_fields(&i.product, &mut m);
    let per_unit = if i.quantity > 0 {
        t.total / Decimal::from(i.quantity)
    } else {
        Decimal::ZERO
    };
    let fulfilled = Decimal::from(i.fulfilled_quantity) * per_unit;
    put(
        &mut m,
        [
            ("id", json!(i.id)),
            ("subtitle", i.product["variant_title"].clone()),
            ("variant_id", json!(i.variant_id)),
            ("product_id", json!(i.product_id)),
            ("variant_option_values", Value::Null),
            ("is_custom_price", json!(false)),
            ("is_tax_inclusive", json!(false)),
            ("metadata", i.metadata.clone().unwrap_or_else(|| json!({}))),
            ("line_item_metadata", i.metadata.clone().unwrap_or_else(|| json!({}))),
            ("raw_compare_at_unit_price", Value::Null),
            ("compare_at_unit_price", Value::Null),
            ("unit_price", number(i.unit_price)),
            ("raw_unit_price", raw(i.unit_price)),
            ("quantity", json!(i.quantity)),
            ("raw_quantity", raw(i.quantity.into())),
            ("created_at", json!(i.created_at)),
            ("updated_at", json!(i.created_at)),
            ("deleted_at", Value::Null),
            ("tax_lines", tax_lines(&i.id, i.tax_rate, "item_id")),
            ("adjustments", adjustments(&i.id, adj, "item_id")),
            (
                "detail",
                json!({
                    "id": format!("{}-detail", i.id), "version": 1, "metadata": {}, "order_id": o.id,
                    "item_id": i.id, "quantity": i.quantity, "raw_quantity": raw(i.quantity.into()),
                    "fulfilled_quantity": i.fulfilled_quantity, "raw_fulfilled_quantity": raw(i.fulfilled_quantity.into()),
                    "delivered_quantity": 0, "raw_delivered_quantity": raw(Decimal::ZERO),
                    "shipped_quantity": i.fulfilled_quantity, "raw_shipped_quantity": raw(i.fulfilled_quantity.into()),
                    "return_requested_quantity": 0, "raw_return_requested_quantity": raw(Decimal::ZERO),
                    "return_received_quantity": 0, "raw_return_received_quantity": raw(Decimal::ZERO),
                    "return_dismissed_quantity": 0, "raw_return_dismissed_quantity": raw(Decimal::ZERO),
                    "written_off_quantity": 0, "raw_written_off_quantity": raw(Decimal::ZERO),
                    "unit_price": null, "raw_unit_price": null, "compare_at_unit_price": null,
                    "raw_compare_at_unit_price": null,
                    "created_at": i.created_at, "updated_at": i.created_at, "deleted_at": null,
                }),
            ),
        ],
    );
    line_totals_json(t, &mut m, true);
    put_amounts(
        &mut m,
        &[
            ("refundable_total_per_unit", per_unit),
            ("refundable_total", t.total),
            ("fulfilled_total", fulfilled),
            ("shipped_total", fulfilled),
            ("return_requested_total", Decimal::ZERO),
            ("return_received_total", Decimal::ZERO),
            ("return_dismissed_total", Decimal::ZERO),
            ("write_off_total", Decimal::ZERO),
        ],
    );
    Value::Object(m)
}

/// An address document with the keys Medusa's order addresses have.
fn address(o: &OrderRow, a: Option<&sqlx::types::Json<Value>>) -> Value {
    let Some(a) = a else { return Value::Null };
    let mut v = a.0.clone();
    if let Value::Object(m) = &mut v {
        put(
            m,
            [
                ("customer_id", json!(o.customer_id)),
                ("created_at", json!(o.created_at)),
                ("updated_at", json!(o.created_at)),
                ("deleted_at", Value::Null),
            ],
        );
    }
    v
}

pub fn order(o: &Order) -> Value {
    let r = &o.row;
    let digits = o.digits();
    let items: Vec<Value> = r
        .items
        .0
        .iter()
        .zip(o.item_lines())
        .enumerate()
        .map(|(n, (i, l))| item(r, i, &l.totals(digits), o.discounts.item(n)))
        .collect();
    let methods: Vec<Value> = r
        .shipping_methods
        .0
        .iter()
        .zip(o.shipping_lines())
        .enumerate()
        .map(|(n, (s, l))| {
            let mut m = Map::new();
            put(
                &mut m,
                [
                    ("id", json!(s.id)),
                    ("order_id", json!(r.id)),
                    ("name", json!(s.name)),
                    ("description", Value::Null),
                    ("is_tax_inclusive", json!(false)),
                    ("is_custom_amount", json!(false)),
                    ("shipping_option_id", json!(s.shipping_option_id)),
                    ("data", json!({})),
                    ("metadata", Value::Null),
                    ("amount", number(s.amount)),
                    ("raw_amount", raw(s.amount)),
                    ("tax_lines", tax_lines(&s.id, s.tax_rate, "shipping_method_id")),
                    (
                        "adjustments",
                        adjustments(&s.id, o.discounts.shipping_method(n), "shipping_method_id"),
                    ),
                    ("created_at", json!(s.created_at)),
                    ("updated_at", json!(s.created_at)),
                    ("deleted_at", Value::Null),
                    (
                        "detail",
                        json!({ "id": format!("{}-detail", s.id), "version": 1, "order_id": r.id,
                                "return_id": null, "exchange_id": null, "claim_id": null,
                                "shipping_method_id": s.id, "created_at": s.created_at,
                                "updated_at": s.created_at, "deleted_at": null }),
                    ),
                ],
            );
            line_totals_json(&l.totals(digits), &mut m, true);
            Value::Object(m)
        })
        .collect();
    let t = &o.totals;
    let paid = o.payment.captured_amount;
    let refunded = o.payment.refunded_amount;
    let pending = t.total - paid + refunded;
    let mut summary = Map::new();
    put_amounts(
        &mut summary,
        &[
            ("paid_total", paid),
            ("refunded_total", refunded),
            ("accounting_total", t.total),
            ("credit_line_total", Decimal::ZERO),
            ("transaction_total", paid - refunded),
            ("pending_difference", pending),
            ("current_order_total", t.total),
            ("original_order_total", t.total),
        ],
    );
    let fulfillments: Vec<Value> = r
        .fulfillments
        .0
        .iter()
        .map(|f| {
            json!({ "id": f.id, "location_id": f.location_id, "items": f.items, "shipped_at": f.shipped_at,
                    "canceled_at": f.canceled_at, "created_at": f.created_at })
        })
        .collect();
    let mut m = Map::new();
    put(
        &mut m,
        [
            ("id", json!(r.id)),
            ("status", json!(r.status)),
            ("payment_status", json!(r.payment_status)),
            ("fulfillment_status", json!(r.fulfillment_status)),
            ("summary", Value::Object(summary)),
            ("currency_code", json!(r.currency_code)),
            ("display_id", json!(r.display_id)),
            ("custom_display_id", Value::Null),
            ("region_id", json!(r.region_id)),
            ("sales_channel_id", json!(r.sales_channel_id)),
            ("customer_id", json!(r.customer_id)),
            ("email", json!(r.email)),
            ("locale", json!(r.locale)),
            ("metadata", json!(r.metadata.as_ref().map(|m| &m.0))),
            ("canceled_at", json!(r.canceled_at)),
            ("created_at", json!(r.created_at)),
            ("updated_at", json!(r.updated_at)),
            ("credit_lines", json!([])),
            ("items", Value::Array(items)),
            ("shipping_address", address(r, r.shipping_address.as_ref())),
            ("billing_address", address(r, r.billing_address.as_ref())),
            ("shipping_methods", Value::Array(methods)),
            ("payment_collections", json!([payment_collection(&o.payment)])),
            ("fulfillments", Value::Array(fulfillments)),
        ],
    );
    totals_json(t, &mut m, false);
    Value::Object(m)
}
