//! What a cart line keeps of what it sells: a copy of the product and variant taken when
//! the item is added, so later catalog edits never rewrite carts or orders (the
//! revalidation compares the cart with the catalog instead: `revalidate`).

use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::app::catalog::model::{Product, Variant};
use crate::app::catalog::snapshot::Catalog;

/// A dimension as a JSON number (Medusa shows `400`, not `"400"`).
fn dim(d: Option<Decimal>) -> Value {
    use rust_decimal::prelude::ToPrimitive;
    d.and_then(|d| d.normalize().to_f64()).map_or(Value::Null, |f| json!(f))
}

/// What a line item keeps of the product it sells.
pub fn sold(catalog: &Catalog, product: &Product, variant: &Variant) -> Value {
    let p = &product.row;
    let v = &variant.row;
    let options: Vec<Value> = variant
        .option_values
        .iter()
        .map(|&(o, val)| {
            let option = &product.options[o];
            json!({ "id": option.values[val].id, "value": option.values[val].value,
                    "option_id": option.row.id, "option": { "id": option.row.id, "title": option.row.title } })
        })
        .collect();
    // Built in three parts: one `json!` this deep would need a raised recursion limit.
    let sold_product = json!({
        "id": p.id, "title": p.title, "handle": p.handle, "subtitle": p.subtitle,
        "description": p.description, "is_giftcard": p.is_giftcard, "status": p.status,
        "thumbnail": p.thumbnail, "weight": dim(p.weight), "length": dim(p.length), "height": dim(p.height),
        "width": dim(p.width), "origin_country": p.origin_country, "hs_code": p.hs_code,
        "mid_code": p.mid_code, "material": p.material, "discountable": p.discountable,
        "external_id": p.external_id, "metadata": p.metadata.as_ref().map(|m| &m.0),
        "collection_id": p.collection_id, "type_id": p.type_id,
        "collection": p.collection_id.as_ref().map(|id| json!({ "id": id })),
        "type": p.type_id.as_ref().map(|id| json!({ "id": id })),
        "created_at": p.created_at, "updated_at": p.updated_at, "deleted_at": null,
    });
    let sold_variant = json!({
        "id": v.id, "title": v.title, "sku": v.sku, "barcode": v.barcode, "ean": v.ean, "upc": v.upc,
        "allow_backorder": v.allow_backorder, "manage_inventory": v.manage_inventory,
        "hs_code": v.hs_code, "origin_country": v.origin_country, "mid_code": v.mid_code,
        "material": v.material, "weight": dim(v.weight), "length": dim(v.length), "height": dim(v.height),
        "width": dim(v.width), "metadata": v.metadata.as_ref().map(|m| &m.0), "variant_rank": v.variant_rank,
        "thumbnail": v.thumbnail, "product_id": p.id, "options": options,
        "created_at": v.created_at, "updated_at": v.updated_at, "deleted_at": null,
        "product": sold_product,
    });
    json!({
        "title": p.title, "subtitle": p.subtitle, "description": p.description, "handle": p.handle,
        "thumbnail": p.thumbnail, "is_giftcard": p.is_giftcard, "discountable": p.discountable,
        "collection_id": p.collection_id,
        "collection": p.collection_id.as_deref().and_then(|c| catalog.collection(c)).map(|c| c.title.clone()),
        "type_id": p.type_id,
        "type": p.type_id.as_deref().and_then(|t| catalog.product_type(t)).map(|t| t.value.clone()),
        "category_ids": product.category_ids, "tag_ids": product.tag_ids,
        "variant_title": v.title, "sku": v.sku, "barcode": v.barcode, "requires_shipping": true,
        "variant": sold_variant,
    })
}
