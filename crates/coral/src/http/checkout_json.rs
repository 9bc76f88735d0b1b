//! Carts, shipping options, payment collections and customers in Medusa's JSON shapes
//! (see shared/medusa-store-api/checkout-*.json).

use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use crate::app::checkout::carts::Cart;
use crate::app::checkout::totals::{LineTotals, Totals};
use crate::db::carts::LineItemRow;
use crate::db::customers::{AddressRow, CustomerRow};
use crate::db::payments::CollectionRow;
use crate::db::shipping::ShippingOptionRow;
use crate::http::catalog_json::number;
use crate::http::promotion_json;
use crate::http::store::regions::region_json;

/// Medusa's `raw_*` amount: the exact decimal as a string.
pub fn raw(d: Decimal) -> Value {
    json!({ "value": d.normalize().to_string(), "precision": 20 })
}

/// Every total key of a cart or order (Medusa's names), and each `raw_` twin when `with_raw`.
pub fn totals_json(t: &Totals, out: &mut Map<String, Value>, with_raw: bool) {
    let zero = Decimal::ZERO;
    let pairs = [
        ("total", t.total),
        ("subtotal", t.subtotal),
        ("tax_total", t.tax_total),
        ("discount_total", t.discount_total),
        ("discount_subtotal", t.discount_subtotal),
        ("discount_tax_total", t.discount_tax_total),
        ("original_total", t.original_total),
        ("original_subtotal", t.subtotal),
        ("original_tax_total", t.original_tax_total),
        ("item_total", t.item_total),
        ("item_subtotal", t.item_subtotal),
        ("item_tax_total", t.item_tax_total),
        ("item_discount_total", t.item_discount_total),
        ("original_item_total", t.original_item_total),
        ("original_item_subtotal", t.item_subtotal),
        ("original_item_tax_total", t.original_item_tax_total),
        ("shipping_total", t.shipping_total),
        ("shipping_subtotal", t.shipping_subtotal),
        ("shipping_tax_total", t.shipping_tax_total),
        ("shipping_discount_total", t.shipping_discount_total),
        ("original_shipping_total", t.original_shipping_total),
        ("original_shipping_subtotal", t.shipping_subtotal),
        ("original_shipping_tax_total", t.original_shipping_tax_total),
        ("credit_line_total", zero),
        ("credit_line_subtotal", zero),
        ("credit_line_tax_total", zero),
    ];
    for (k, v) in pairs {
        out.insert(k.into(), number(v));
        if with_raw {
            out.insert(format!("raw_{k}"), raw(v));
        }
    }
}

/// A line's totals (item or shipping method).
pub fn line_totals_json(t: &LineTotals, out: &mut Map<String, Value>, with_raw: bool) {
    let pairs = [
        ("subtotal", t.subtotal),
        ("total", t.total),
        ("original_subtotal", t.subtotal),
        ("original_total", t.original_total),
        ("tax_total", t.tax_total),
        ("original_tax_total", t.original_tax_total),
        ("discount_total", t.discount_total),
        ("discount_subtotal", t.discount_subtotal),
        ("discount_tax_total", t.discount_tax_total),
    ];
    for (k, v) in pairs {
        out.insert(k.into(), number(v));
        if with_raw {
            out.insert(format!("raw_{k}"), raw(v));
        }
    }
}

/// Tax lines of a line at `rate` percent (none at 0 %, as Medusa shows).
pub fn tax_lines(line_id: &str, rate: Decimal, key: &str) -> Value {
    if rate.is_zero() {
        return json!([]);
    }
    json!([{ "id": format!("{line_id}-tax"), "code": "default", "rate": number(rate), "name": "Tax",
             "provider_id": "system", "tax_rate_id": null, key: line_id, "description": "Tax",
             "data": null, "metadata": null }])
}

/// Line item fields shared by cart and order items (from what the item sold).
pub fn sold_fields(p: &Value, out: &mut Map<String, Value>) {
    let s = |k: &str| p.get(k).cloned().unwrap_or(Value::Null);
    for (k, v) in [
        ("title", s("title")),
        ("thumbnail", s("thumbnail")),
        ("is_giftcard", s("is_giftcard")),
        ("product_title", s("title")),
        ("product_description", s("description")),
        ("product_subtitle", s("subtitle")),
        ("product_type", s("type")),
        ("product_type_id", s("type_id")),
        ("product_collection", s("collection")),
        ("product_handle", s("handle")),
        ("variant_sku", s("sku")),
        ("variant_barcode", s("barcode")),
        ("variant_title", s("variant_title")),
        ("requires_shipping", s("requires_shipping")),
        ("is_discountable", s("discountable")),
        ("variant", s("variant")),
    ] {
        out.insert(k.into(), v);
    }
}

fn cart_item(item: &LineItemRow, t: &LineTotals, rate: Decimal, cart_id: &str, adjustments: Value) -> Value {
    let mut m = Map::new();
    sold_fields(&item.product, &mut m);
    let p = &item.product;
    let ids = |k: &str| -> Vec<Value> {
        p[k].as_array()
            .map(|a| a.iter().map(|id| json!({ "id": id })).collect())
            .unwrap_or_default()
    };
    for (k, v) in [
        ("id", json!(item.id)),
        ("cart_id", json!(cart_id)),
        ("variant_id", json!(item.variant_id)),
        ("product_id", json!(item.product_id)),
        ("metadata", item.metadata.clone().unwrap_or_else(|| json!({}))),
        ("created_at", json!(item.created_at)),
        ("updated_at", json!(item.updated_at)),
        ("quantity", json!(item.quantity)),
        ("unit_price", number(item.unit_price)),
        (
            "compare_at_unit_price",
            item.compare_at_unit_price.map_or(Value::Null, number),
        ),
        ("is_tax_inclusive", json!(false)),
        ("tax_lines", tax_lines(&item.id, rate, "item_id")),
        ("adjustments", adjustments),
        (
            "product",
            json!({ "id": item.product_id, "collection_id": p["collection_id"], "type_id": p["type_id"],
                    "categories": ids("category_ids"), "tags": ids("tag_ids") }),
        ),
    ] {
        m.insert(k.into(), v);
    }
    line_totals_json(t, &mut m, false);
    Value::Object(m)
}

/// The keys of a cart address (Medusa's default fields); a stored document lacking one
/// (older carts) shows it as null.
const ADDRESS_KEYS: &[&str] = &[
    "id",
    "first_name",
    "last_name",
    "company",
    "address_1",
    "address_2",
    "city",
    "postal_code",
    "country_code",
    "region_code",
    "province",
    "phone",
    "metadata",
];

/// An address document as stored on a cart (or order), or null.
fn address(a: Option<&sqlx::types::Json<Value>>) -> Value {
    let Some(a) = a else { return Value::Null };
    let mut v = a.0.clone();
    if let Value::Object(m) = &mut v {
        for k in ADDRESS_KEYS {
            m.entry(*k).or_insert(Value::Null);
        }
    }
    v
}

pub fn cart(c: &Cart) -> Value {
    let r = &c.row;
    let items: Vec<Value> = r
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
                "item_id",
            );
            cart_item(i, t, r.tax_rate, &r.id, adjustments)
        })
        .collect();
    let methods: Vec<Value> = r
        .shipping_methods
        .0
        .iter()
        .zip(&c.shipping_totals)
        .enumerate()
        .map(|(n, (m, t))| {
            let adjustments = promotion_json::cart_adjustments(
                &c.promotions,
                c.promotions.adjustments.shipping.get(n),
                &m.id,
                "shipping_method_id",
            );
            let mut o = Map::new();
            for (k, v) in [
                ("id", json!(m.id)),
                ("cart_id", json!(r.id)),
                ("name", json!(m.name)),
                ("amount", number(m.amount)),
                ("is_tax_inclusive", json!(false)),
                ("shipping_option_id", json!(m.shipping_option_id)),
                ("data", json!({})),
                ("tax_lines", tax_lines(&m.id, r.tax_rate, "shipping_method_id")),
                ("adjustments", adjustments),
                ("created_at", json!(m.created_at)),
            ] {
                o.insert(k.into(), v);
            }
            line_totals_json(t, &mut o, false);
            Value::Object(o)
        })
        .collect();
    let addr_id = |a: Option<&sqlx::types::Json<Value>>| a.map(|a| a.0["id"].clone()).unwrap_or(Value::Null);
    let mut m = Map::new();
    for (k, v) in [
        ("id", json!(r.id)),
        ("currency_code", json!(r.currency_code)),
        ("email", json!(r.email)),
        ("locale", json!(r.locale)),
        ("region_id", json!(r.region_id)),
        ("created_at", json!(r.created_at)),
        ("updated_at", json!(r.updated_at)),
        ("completed_at", json!(r.completed_at)),
        ("metadata", json!(r.metadata.as_ref().map(|m| &m.0))),
        ("sales_channel_id", json!(r.sales_channel_id)),
        ("customer_id", json!(r.customer_id)),
        (
            "customer",
            match (&r.customer_id, &r.customer_email) {
                (Some(id), Some(email)) => json!({ "id": id, "email": email, "groups": [] }),
                _ => Value::Null,
            },
        ),
        ("shipping_address_id", addr_id(r.shipping_address.as_ref())),
        ("billing_address_id", addr_id(r.billing_address.as_ref())),
        ("shipping_address", address(r.shipping_address.as_ref())),
        ("billing_address", address(r.billing_address.as_ref())),
        ("items", Value::Array(items)),
        ("shipping_methods", Value::Array(methods)),
        ("credit_lines", json!([])),
        ("promotions", promotion_json::cart_promotions(&c.promotions)),
        ("region", region_json(&c.region)),
        (
            "payment_collection",
            c.payment_collection.as_ref().map_or(Value::Null, payment_collection),
        ),
    ] {
        m.insert(k.into(), v);
    }
    totals_json(&c.totals, &mut m, false);
    Value::Object(m)
}

/// Medusa's calculated price object of a flat amount.
fn calculated(option: &ShippingOptionRow) -> Value {
    let price_id = format!("{}-price", option.id);
    let price = json!({ "id": price_id, "price_list_id": null, "price_list_type": null,
                        "min_quantity": null, "max_quantity": null });
    json!({
        "id": format!("{}-pset", option.id), "is_calculated_price_price_list": false,
        "is_calculated_price_tax_inclusive": false, "calculated_amount": number(option.amount),
        "raw_calculated_amount": raw(option.amount), "is_original_price_price_list": false,
        "is_original_price_tax_inclusive": false, "original_amount": number(option.amount),
        "raw_original_amount": raw(option.amount), "currency_code": option.currency_code,
        "calculated_price": price, "original_price": price,
    })
}

/// Where an option ships from: the location's address document with Medusa's keys.
fn location(o: &ShippingOptionRow) -> Value {
    let Some(id) = &o.location_id else {
        return Value::Null;
    };
    let a = o.location_address.as_ref().map(|a| a.0.clone()).unwrap_or_default();
    let f = |k: &str| a.get(k).cloned().unwrap_or(Value::Null);
    json!({ "id": id, "address": {
        "id": format!("{id}-address"), "address_1": a.get("address_1").cloned().unwrap_or(json!("")),
        "address_2": f("address_2"), "company": f("company"), "city": f("city"),
        "country_code": f("country_code"), "phone": f("phone"), "province": f("province"),
        "postal_code": f("postal_code"), "metadata": null, "created_at": o.created_at,
        "updated_at": o.updated_at, "deleted_at": null,
    } })
}

pub fn shipping_option(o: &ShippingOptionRow) -> Value {
    let zone = format!("serzo_{}", o.region_id.trim_start_matches("reg_"));
    let set = format!("fuset_{}", o.region_id.trim_start_matches("reg_"));
    json!({
        "id": o.id, "name": o.name, "price_type": "flat", "service_zone_id": zone,
        "shipping_option_type_id": format!("sotype_{}", o.type_code),
        "shipping_profile_id": "sp_default", "provider_id": o.provider_id, "data": null,
        "region_id": o.region_id,
        "service_zone": {
            "id": zone, "fulfillment_set_id": set,
            "fulfillment_set": { "id": set, "type": "shipping", "location": location(o) },
        },
        "type": { "id": format!("sotype_{}", o.type_code), "label": o.type_label,
                  "description": o.type_description, "code": o.type_code },
        "provider": { "id": o.provider_id, "is_enabled": true },
        "rules": [
            { "attribute": "enabled_in_store", "value": o.enabled_in_store.to_string(), "operator": "eq" },
            { "attribute": "is_return", "value": "false", "operator": "eq" },
        ],
        "calculated_price": calculated(o),
        "prices": [{
            "id": format!("{}-price", o.id), "title": null, "currency_code": o.currency_code,
            "rules_count": 1, "price_set_id": format!("{}-pset", o.id), "price_list_id": null,
            "price_list": null, "raw_amount": raw(o.amount), "raw_min_quantity": null,
            "raw_max_quantity": null, "created_at": o.created_at, "updated_at": o.updated_at,
            "deleted_at": null, "amount": number(o.amount), "min_quantity": null, "max_quantity": null,
            "price_rules": [{ "id": format!("{}-rule", o.id), "attribute": "region_id", "value": o.region_id,
                              "operator": "eq", "priority": 0, "price_id": format!("{}-price", o.id),
                              "created_at": o.created_at, "updated_at": o.updated_at, "deleted_at": null }],
        }],
        "amount": number(o.amount), "is_tax_inclusive": false, "insufficient_inventory": false,
        "enabled_in_store": o.enabled_in_store, "metadata": o.metadata.as_ref().map(|m| &m.0),
        "created_at": o.created_at, "updated_at": o.updated_at,
    })
}

pub fn payment_collection(c: &CollectionRow) -> Value {
    let sessions: Vec<Value> = c
        .sessions
        .0
        .iter()
        .map(|s| {
            json!({
                "id": s.id, "currency_code": s.currency_code, "provider_id": s.provider_id,
                "data": s.data, "context": s.context, "status": s.status, "authorized_at": s.authorized_at,
                "payment_collection_id": c.id, "payment": null, "metadata": {}, "raw_amount": raw(s.amount),
                "created_at": s.created_at, "updated_at": s.updated_at, "deleted_at": null,
                "amount": number(s.amount),
            })
        })
        .collect();
    let payments: Vec<Value> = c
        .payments
        .0
        .iter()
        .map(|p| {
            json!({
                "id": p.id, "amount": number(p.amount), "raw_amount": raw(p.amount),
                "currency_code": p.currency_code, "provider_id": p.provider_id,
                "payment_collection_id": c.id, "payment_session_id": p.payment_session_id,
                "data": p.data, "captured_at": p.captured_at, "canceled_at": p.canceled_at,
                "captured_amount": number(p.captured_amount), "refunded_amount": number(p.refunded_amount),
                "created_at": p.created_at,
            })
        })
        .collect();
    json!({
        "id": c.id, "currency_code": c.currency_code, "amount": number(c.amount), "raw_amount": raw(c.amount),
        "status": c.status, "completed_at": c.completed_at, "metadata": null,
        "authorized_amount": number(c.authorized_amount), "raw_authorized_amount": raw(c.authorized_amount),
        "captured_amount": number(c.captured_amount), "raw_captured_amount": raw(c.captured_amount),
        "refunded_amount": number(c.refunded_amount), "raw_refunded_amount": raw(c.refunded_amount),
        "created_at": c.created_at, "updated_at": c.updated_at, "deleted_at": null,
        "payment_sessions": sessions, "payments": payments,
    })
}

pub fn customer_address(a: &AddressRow) -> Value {
    let mut v = serde_json::to_value(&a.fields).unwrap_or_default();
    if let Value::Object(m) = &mut v {
        m.insert("id".into(), json!(a.id));
        m.insert("customer_id".into(), json!(a.customer_id));
        m.insert("created_at".into(), json!(a.created_at));
        m.insert("updated_at".into(), json!(a.updated_at));
    }
    v
}

pub fn customer(c: &CustomerRow) -> Value {
    let addresses: Vec<Value> = c.addresses.0.iter().map(customer_address).collect();
    let default = |flag: fn(&crate::db::customers::AddressFields) -> bool| {
        c.addresses.0.iter().find(|a| flag(&a.fields)).map(|a| a.id.clone())
    };
    json!({
        "id": c.id, "email": c.email, "first_name": c.first_name, "last_name": c.last_name,
        "company_name": c.company_name, "phone": c.phone, "has_account": c.has_account,
        "metadata": c.metadata.as_ref().map(|m| &m.0), "created_at": c.created_at, "updated_at": c.updated_at,
        "deleted_at": null, "addresses": addresses,
        "default_shipping_address_id": default(|a| a.is_default_shipping),
        "default_billing_address_id": default(|a| a.is_default_billing),
    })
}
