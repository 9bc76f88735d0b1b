//! Catalog objects in Medusa's JSON shapes (see shared/medusa-store-api/*product*).

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::app::catalog::model::{Product, Variant};
use crate::app::catalog::pricing;
use crate::app::catalog::snapshot::Catalog;
use crate::db::catalog::rows::{CategoryRow, CollectionRow, Meta, ValueRow};
use crate::db::regions::RegionRow;

/// Product keys a store response has unless `fields=` says otherwise.
pub const PRODUCT_DEFAULTS: &[&str] = &[
    "id",
    "title",
    "subtitle",
    "description",
    "handle",
    "is_giftcard",
    "discountable",
    "thumbnail",
    "collection_id",
    "type_id",
    "weight",
    "length",
    "height",
    "width",
    "hs_code",
    "origin_country",
    "mid_code",
    "material",
    "created_at",
    "updated_at",
    "variants",
    "type",
    "collection",
    "options",
    "tags",
    "images",
];

/// Variant keys a store response has unless `fields=` says otherwise.
pub const VARIANT_DEFAULTS: &[&str] = &[
    "id",
    "title",
    "sku",
    "barcode",
    "ean",
    "upc",
    "allow_backorder",
    "manage_inventory",
    "hs_code",
    "origin_country",
    "mid_code",
    "material",
    "weight",
    "length",
    "height",
    "width",
    "metadata",
    "variant_rank",
    "thumbnail",
    "product_id",
    "created_at",
    "updated_at",
    "deleted_at",
    "options",
    "calculated_price",
];

/// Default keys of a relation, by name (`None`: all of its keys).
pub fn nested_defaults(relation: &str) -> Option<&'static [&'static str]> {
    (relation == "variants").then_some(VARIANT_DEFAULTS)
}

/// A decimal as a JSON number, integral when it has no fraction (Medusa shows `400`).
pub fn number(d: Decimal) -> Value {
    let d = d.normalize();
    if d.fract().is_zero() {
        if let Some(i) = d.to_i64() {
            return json!(i);
        }
    }
    d.to_f64().map(|f| json!(f)).unwrap_or(Value::Null)
}

fn opt_number(d: Option<Decimal>) -> Value {
    d.map(number).unwrap_or(Value::Null)
}

fn meta(m: &Meta) -> Value {
    m.as_ref().map(|j| j.0.clone()).unwrap_or(Value::Null)
}

/// Medusa's `calculated_price` for a variant in a region, `null` when it has no price there.
/// Price lists for everyone apply (those limited to customer groups apply in carts, where
/// the customer is known: see `app::catalog::pricing`).
fn calculated_price(v: &Variant, region: &RegionRow, cat: &Catalog) -> Value {
    let now = chrono::Utc::now();
    let Some(c) = pricing::choose(v, &cat.price_lists, &region.id, &region.currency_code, &[], now) else {
        return Value::Null;
    };
    let raw = |d: Decimal| json!({ "value": d.normalize().to_string(), "precision": 20 });
    let original_id = c
        .original
        .map_or_else(|| c.list.map(|l| l.id.clone()), |o| Some(o.id.clone()));
    let original_ref = json!({ "id": original_id, "price_list_id": null, "price_list_type": null,
                               "min_quantity": null, "max_quantity": null });
    let calculated_ref = match c.list {
        Some(l) => json!({ "id": l.id, "price_list_id": l.list_id, "price_list_type": l.list_type,
                           "min_quantity": null, "max_quantity": null }),
        None => original_ref.clone(),
    };
    json!({
        "id": original_id,
        "is_calculated_price_price_list": c.list.is_some(),
        "is_calculated_price_tax_inclusive": false,
        "calculated_amount": number(c.amount),
        "raw_calculated_amount": raw(c.amount),
        "is_original_price_price_list": false,
        "is_original_price_tax_inclusive": false,
        "original_amount": number(c.original_amount),
        "raw_original_amount": raw(c.original_amount),
        "currency_code": region.currency_code,
        "calculated_price": calculated_ref,
        "original_price": original_ref,
    })
}

pub fn collection(c: &CollectionRow) -> Value {
    json!({ "id": c.id, "title": c.title, "handle": c.handle, "external_id": c.external_id,
            "metadata": meta(&c.metadata), "created_at": c.created_at, "updated_at": c.updated_at,
            "deleted_at": null })
}

pub fn value(v: &ValueRow) -> Value {
    json!({ "id": v.id, "value": v.value, "external_id": null, "metadata": meta(&v.metadata),
            "created_at": v.created_at, "updated_at": v.updated_at, "deleted_at": null })
}

/// A product as a relation of a tag or type (Medusa's `*products`): its own columns,
/// without variants and the other relations.
pub fn product_summary(p: &Product) -> Value {
    let r = &p.row;
    json!({ "id": r.id, "title": r.title, "subtitle": r.subtitle, "description": r.description, "handle": r.handle,
            "is_giftcard": r.is_giftcard, "discountable": r.discountable, "thumbnail": r.thumbnail,
            "collection_id": r.collection_id, "type_id": r.type_id, "external_id": r.external_id,
            "metadata": meta(&r.metadata), "created_at": r.created_at, "updated_at": r.updated_at,
            "deleted_at": null })
}

pub fn category(c: &CategoryRow, admin: bool) -> Value {
    let mut v = json!({
        "id": c.id, "name": c.name, "description": c.description, "handle": c.handle, "rank": c.rank,
        "external_id": c.external_id, "parent_category_id": c.parent_category_id, "created_at": c.created_at,
        "updated_at": c.updated_at, "metadata": meta(&c.metadata), "parent_category": null, "category_children": [],
        "is_internal": c.is_internal,
    });
    if admin {
        v["is_active"] = json!(c.is_active);
    }
    v
}

/// A product with every field Coral can show; `fields=` then prunes it. `region` adds
/// `calculated_price`; `admin` adds status, sales channels, prices and stock.
pub fn product(p: &Product, cat: &Catalog, region: Option<&RegionRow>, admin: bool) -> Value {
    let r = &p.row;
    let options: Vec<Value> = p
        .options
        .iter()
        .map(|o| {
            let values: Vec<Value> = o
                .values
                .iter()
                .map(|v| {
                    json!({ "id": v.id, "value": v.value, "rank": v.rank, "metadata": meta(&v.metadata),
                                 "option_id": o.row.id, "created_at": v.created_at, "updated_at": v.updated_at,
                                 "deleted_at": null })
                })
                .collect();
            json!({ "id": o.row.id, "title": o.row.title, "is_exclusive": true, "metadata": meta(&o.row.metadata),
                    "created_at": o.row.created_at, "updated_at": o.row.updated_at, "deleted_at": null,
                    "product_id": r.id, "values": values })
        })
        .collect();
    let variants: Vec<Value> = p
        .variants
        .iter()
        .map(|v| {
            let vr = &v.row;
            let opts: Vec<Value> = v
                .option_values
                .iter()
                .map(|&(oi, vi)| {
                    let (o, val) = (&p.options[oi], &p.options[oi].values[vi]);
                    json!({ "id": val.id, "value": val.value, "rank": val.rank, "metadata": meta(&val.metadata),
                            "option_id": o.row.id,
                            "option": { "id": o.row.id, "title": o.row.title, "is_exclusive": true,
                                        "metadata": meta(&o.row.metadata), "created_at": o.row.created_at,
                                        "updated_at": o.row.updated_at, "deleted_at": null },
                            "created_at": val.created_at, "updated_at": val.updated_at, "deleted_at": null })
                })
                .collect();
            let mut out = json!({
                "id": vr.id, "title": vr.title, "sku": vr.sku, "barcode": vr.barcode, "ean": vr.ean, "upc": vr.upc,
                "allow_backorder": vr.allow_backorder, "manage_inventory": vr.manage_inventory,
                "hs_code": vr.hs_code, "origin_country": vr.origin_country, "mid_code": vr.mid_code,
                "material": vr.material, "weight": opt_number(vr.weight), "length": opt_number(vr.length),
                "height": opt_number(vr.height), "width": opt_number(vr.width), "metadata": meta(&vr.metadata),
                "variant_rank": vr.variant_rank, "thumbnail": vr.thumbnail, "product_id": vr.product_id,
                "created_at": vr.created_at, "updated_at": vr.updated_at, "deleted_at": null, "options": opts,
                "images": [], "inventory_quantity": v.available().unwrap_or(0),
            });
            if let Some(region) = region {
                out["calculated_price"] = calculated_price(v, region, cat);
            }
            if admin {
                out["prices"] = v
                    .prices
                    .iter()
                    .map(|pr| {
                        json!({ "id": pr.id, "currency_code": pr.currency_code, "amount": number(pr.amount),
                                      "region_id": pr.region_id, "variant_id": vr.id })
                    })
                    .collect();
            }
            out
        })
        .collect();
    let images: Vec<Value> = p
        .images
        .iter()
        .map(|i| {
            json!({ "id": i.id, "url": i.url, "metadata": meta(&i.metadata), "rank": i.rank, "product_id": r.id,
                         "created_at": i.created_at, "updated_at": i.updated_at, "deleted_at": null })
        })
        .collect();
    let tags: Vec<Value> = p.tag_ids.iter().filter_map(|t| cat.tag(t)).map(value).collect();
    let categories: Vec<Value> = p
        .category_ids
        .iter()
        .filter_map(|c| cat.categories.iter().find(|x| &x.id == c))
        .filter(|c| admin || (c.is_active && !c.is_internal))
        .map(|c| category(c, admin))
        .collect();
    let mut out = json!({
        "id": r.id, "title": r.title, "subtitle": r.subtitle, "description": r.description, "handle": r.handle,
        "is_giftcard": r.is_giftcard, "discountable": r.discountable, "thumbnail": r.thumbnail,
        "collection_id": r.collection_id, "type_id": r.type_id, "weight": opt_number(r.weight),
        "length": opt_number(r.length), "height": opt_number(r.height), "width": opt_number(r.width),
        "hs_code": r.hs_code, "origin_country": r.origin_country, "mid_code": r.mid_code, "material": r.material,
        "external_id": r.external_id, "metadata": meta(&r.metadata),
        "created_at": r.created_at, "updated_at": r.updated_at, "deleted_at": null,
        "variants": variants,
        "type": r.type_id.as_deref().and_then(|t| cat.product_type(t)).map(value),
        "collection": r.collection_id.as_deref().and_then(|c| cat.collection(c)).map(collection),
        "options": options, "tags": tags, "images": images, "categories": categories,
    });
    if admin {
        out["status"] = json!(r.status);
        out["sales_channels"] = p.sales_channel_ids.iter().map(|id| json!({ "id": id })).collect();
    }
    out
}
