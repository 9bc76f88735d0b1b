//! `GET /store/product-variants[/{id}]` and `GET /store/product-options[/{id}]`: the
//! variants and options of the products a storefront may see, in the shapes they have
//! inside a product (Medusa's default fields: variants with `options`, `images` and
//! `product.{id, type_id}`; options with their `values`), from the catalog snapshot;
//! `fields=` as on every store route.

use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Value};

use crate::app::catalog::model::Product;
use crate::app::catalog::snapshot::Catalog;
use crate::app::catalog::store;
use crate::core::{Error, Result};
use crate::db::regions::RegionRow;
use crate::http::catalog_json;
use crate::http::extract::{AppState, QueryPairs, Store};
use crate::http::fields::selected;
use crate::http::store::catalog::{page, wanted};

/// The products a storefront with `channels` sees, of `product_id` when given.
fn visible<'c>(cat: &'c Catalog, channels: &'c [String], q: &QueryPairs) -> impl Iterator<Item = &'c Product> + 'c {
    let products = q.list("product_id");
    cat.products
        .iter()
        .filter(move |p| p.visible_in(channels))
        .filter(move |p| products.is_empty() || products.contains(&p.row.id))
        .map(|p| p.as_ref())
}

/// A product's variants as the variant routes answer them.
fn variants_of(p: &Product, cat: &Catalog, region: Option<&RegionRow>) -> Vec<Value> {
    let rendered = catalog_json::product(p, cat, region, false);
    let Value::Array(variants) = rendered["variants"].clone() else {
        return Vec::new();
    };
    variants
        .into_iter()
        .map(|mut v| {
            v["product"] = json!({ "id": p.row.id, "type_id": p.row.type_id, "title": p.row.title,
                                   "handle": p.row.handle, "thumbnail": p.row.thumbnail });
            v
        })
        .collect()
}

#[utoipa::path(get, path = "/store/product-variants", tag = "store",
    params(("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query), ("id" = Option<Vec<String>>, Query),
           ("sku" = Option<Vec<String>>, Query), ("product_id" = Option<Vec<String>>, Query),
           ("region_id" = Option<String>, Query), ("country_code" = Option<String>, Query),
           ("fields" = Option<String>, Query)),
    responses((status = 200, description = "{ variants, count, offset, limit }")))]
pub async fn list(State(app): State<AppState>, Store(ctx): Store, q: QueryPairs) -> Result<Json<Value>> {
    let cat = app.catalogs.get(&ctx).await?;
    let region = store::pricing_region(&cat, q.get("region_id"), q.get("country_code"))?;
    let items: Vec<Value> = visible(&cat, &ctx.sales_channel_ids, &q)
        .flat_map(|p| variants_of(p, &cat, region))
        .filter(|v| wanted(&q, "id", v["id"].as_str().unwrap_or("")))
        .filter(|v| wanted(&q, "sku", v["sku"].as_str().unwrap_or("")))
        .collect();
    page(items, "variants", &q, 50)
}

#[utoipa::path(get, path = "/store/product-variants/{id}", tag = "store",
    params(("id" = String, Path), ("region_id" = Option<String>, Query), ("country_code" = Option<String>, Query),
           ("fields" = Option<String>, Query)),
    responses((status = 200, description = "{ variant }"), (status = 404, description = "no such visible variant")))]
pub async fn get(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path(id): Path<String>,
    q: QueryPairs,
) -> Result<Json<Value>> {
    let cat = app.catalogs.get(&ctx).await?;
    let region = store::pricing_region(&cat, q.get("region_id"), q.get("country_code"))?;
    let variant = cat
        .variant(&id)
        .filter(|(p, _)| p.visible_in(&ctx.sales_channel_ids))
        .and_then(|(p, _)| {
            variants_of(p, &cat, region)
                .into_iter()
                .find(|v| v["id"] == id.as_str())
        })
        .ok_or_else(|| Error::not_found(format!("Product variant with id: {id} was not found")))?;
    Ok(Json(json!({ "variant": selected(variant, q.get("fields")) })))
}

/// A product's options as the option routes answer them.
fn options_of(p: &Product, cat: &Catalog) -> Vec<Value> {
    match catalog_json::product(p, cat, None, false)["options"].clone() {
        Value::Array(options) => options,
        _ => Vec::new(),
    }
}

#[utoipa::path(get, path = "/store/product-options", tag = "store",
    params(("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query), ("id" = Option<Vec<String>>, Query),
           ("product_id" = Option<Vec<String>>, Query), ("fields" = Option<String>, Query)),
    responses((status = 200, description = "{ product_options, count, offset, limit }")))]
pub async fn options(State(app): State<AppState>, Store(ctx): Store, q: QueryPairs) -> Result<Json<Value>> {
    let cat = app.catalogs.get(&ctx).await?;
    let items: Vec<Value> = visible(&cat, &ctx.sales_channel_ids, &q)
        .flat_map(|p| options_of(p, &cat))
        .filter(|o| wanted(&q, "id", o["id"].as_str().unwrap_or("")))
        .collect();
    page(items, "product_options", &q, 50)
}

#[utoipa::path(get, path = "/store/product-options/{id}", tag = "store",
    params(("id" = String, Path), ("fields" = Option<String>, Query)),
    responses((status = 200, description = "{ product_option }"), (status = 404, description = "no such visible option")))]
pub async fn option(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path(id): Path<String>,
    q: QueryPairs,
) -> Result<Json<Value>> {
    let cat = app.catalogs.get(&ctx).await?;
    let option = visible(&cat, &ctx.sales_channel_ids, &QueryPairs(Vec::new()))
        .filter(|p| p.options.iter().any(|o| o.row.id == id))
        .flat_map(|p| options_of(p, &cat))
        .find(|o| o["id"] == id.as_str())
        .ok_or_else(|| Error::not_found(format!("Product option with id: {id} was not found")))?;
    Ok(Json(json!({ "product_option": selected(option, q.get("fields")) })))
}
