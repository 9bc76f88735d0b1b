//! `GET /store/product-variants[/{id}]` and `GET /store/product-options[/{id}]`: the
//! variants and options of the products a storefront may see, in the shapes they have
//! inside a product (Medusa's default fields: variants with `options`, `images` and
//! `product.{id, type_id}`; options with their `values`), from the catalog snapshot;
//! `fields=` as on every store route.

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::catalog::model::Product;
use crate::app::catalog::snapshot::Catalog;
use crate::app::catalog::store;
use crate::app::regions::RegionRow;
use crate::core::{Error, Result};
use crate::http::catalog_json::{self, StoreProductOption, StoreProductVariant, StoreVariantProduct};
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, Path, QueryPairs, Store};
use crate::http::fields::Selected;

/// Medusa's `StoreProductVariantListResponse`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreProductVariantListResponse {
    pub variants: Vec<StoreProductVariant>,
    pub count: usize,
    pub offset: i64,
    pub limit: i64,
}

/// Medusa's `StoreProductVariantResponse`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreProductVariantResponse {
    pub variant: StoreProductVariant,
}

/// Medusa's `StoreProductOptionListResponse`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreProductOptionListResponse {
    pub product_options: Vec<StoreProductOption>,
    pub count: usize,
    pub offset: i64,
    pub limit: i64,
}

/// Medusa's `StoreProductOptionResponse`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreProductOptionResponse {
    pub product_option: StoreProductOption,
}

/// One page of a list route: its items, how many matched, and the page asked for.
struct Page<T> {
    items: Vec<T>,
    count: usize,
    offset: i64,
    limit: i64,
}

/// The `limit`/`offset` page of `items` (all that matched).
fn page<T>(items: Vec<T>, q: &QueryPairs, default_limit: i64) -> Result<Page<T>> {
    let (limit, offset) = q.page(default_limit)?;
    let count = items.len();
    let items = items.into_iter().skip(offset as usize).take(limit as usize).collect();
    Ok(Page {
        items,
        count,
        offset,
        limit,
    })
}

/// Whether `value` is among the query's `key` values (or `key` is absent).
fn wanted(q: &QueryPairs, key: &str, value: &str) -> bool {
    let want = q.list(key);
    want.is_empty() || want.iter().any(|w| w == value)
}

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
fn variants_of(p: &Product, cat: &Catalog, region: Option<&RegionRow>) -> Vec<StoreProductVariant> {
    catalog_json::variants(p, cat, region, false)
        .into_iter()
        .map(|v| StoreProductVariant {
            product: Some(StoreVariantProduct {
                id: p.row.id.clone(),
                type_id: p.row.type_id.clone(),
                title: p.row.title.clone(),
                handle: p.row.handle.clone(),
                thumbnail: p.row.thumbnail.clone(),
            }),
            ..v
        })
        .collect()
}

#[utoipa::path(get, path = "/store/product-variants", tag = "store",
    params(("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query), ("id" = Option<Vec<String>>, Query),
           ("sku" = Option<Vec<String>>, Query), ("product_id" = Option<Vec<String>>, Query),
           ("region_id" = Option<String>, Query), ("country_code" = Option<String>, Query),
           ("fields" = Option<String>, Query)),
    responses((status = 200, description = "A page of variants", body = StoreProductVariantListResponse),
              (status = 400, description = "bad limit or offset", body = ErrorBody),
              (status = 404, description = "unknown region or country", body = ErrorBody)))]
pub async fn list(
    State(app): State<AppState>,
    Store(ctx): Store,
    q: QueryPairs,
) -> Result<Selected<StoreProductVariantListResponse>> {
    let cat = app.catalogs.get(&ctx).await?;
    let region = store::pricing_region(&cat, q.get("region_id"), q.get("country_code"))?;
    let items: Vec<StoreProductVariant> = visible(&cat, &ctx.sales_channel_ids, &q)
        .flat_map(|p| variants_of(p, &cat, region))
        .filter(|v| wanted(&q, "id", &v.id))
        .filter(|v| wanted(&q, "sku", v.sku.as_deref().unwrap_or("")))
        .collect();
    let p = page(items, &q, 50)?;
    let body = StoreProductVariantListResponse {
        variants: p.items,
        count: p.count,
        offset: p.offset,
        limit: p.limit,
    };
    Ok(Selected::new(&body, "variants", q.get("fields")))
}

#[utoipa::path(get, path = "/store/product-variants/{id}", tag = "store",
    params(("id" = String, Path), ("region_id" = Option<String>, Query), ("country_code" = Option<String>, Query),
           ("fields" = Option<String>, Query)),
    responses((status = 200, description = "The variant", body = StoreProductVariantResponse),
              (status = 404, description = "no such visible variant, or unknown region", body = ErrorBody)))]
pub async fn get(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path(id): Path<String>,
    q: QueryPairs,
) -> Result<Selected<StoreProductVariantResponse>> {
    let cat = app.catalogs.get(&ctx).await?;
    let region = store::pricing_region(&cat, q.get("region_id"), q.get("country_code"))?;
    let variant = cat
        .variant(&id)
        .filter(|(p, _)| p.visible_in(&ctx.sales_channel_ids))
        .and_then(|(p, _)| variants_of(p, &cat, region).into_iter().find(|v| v.id == id))
        .ok_or_else(|| Error::not_found(format!("Product variant with id: {id} was not found")))?;
    Ok(Selected::new(
        &StoreProductVariantResponse { variant },
        "variant",
        q.get("fields"),
    ))
}

#[utoipa::path(get, path = "/store/product-options", tag = "store",
    params(("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query), ("id" = Option<Vec<String>>, Query),
           ("product_id" = Option<Vec<String>>, Query), ("fields" = Option<String>, Query)),
    responses((status = 200, description = "A page of options", body = StoreProductOptionListResponse),
              (status = 400, description = "bad limit or offset", body = ErrorBody)))]
pub async fn options(
    State(app): State<AppState>,
    Store(ctx): Store,
    q: QueryPairs,
) -> Result<Selected<StoreProductOptionListResponse>> {
    let cat = app.catalogs.get(&ctx).await?;
    let items: Vec<StoreProductOption> = visible(&cat, &ctx.sales_channel_ids, &q)
        .flat_map(catalog_json::options)
        .filter(|o| wanted(&q, "id", &o.option.id))
        .collect();
    let p = page(items, &q, 50)?;
    let body = StoreProductOptionListResponse {
        product_options: p.items,
        count: p.count,
        offset: p.offset,
        limit: p.limit,
    };
    Ok(Selected::new(&body, "product_options", q.get("fields")))
}

#[utoipa::path(get, path = "/store/product-options/{id}", tag = "store",
    params(("id" = String, Path), ("fields" = Option<String>, Query)),
    responses((status = 200, description = "The option", body = StoreProductOptionResponse),
              (status = 404, description = "no such visible option", body = ErrorBody)))]
pub async fn option(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path(id): Path<String>,
    q: QueryPairs,
) -> Result<Selected<StoreProductOptionResponse>> {
    let cat = app.catalogs.get(&ctx).await?;
    let product_option = visible(&cat, &ctx.sales_channel_ids, &QueryPairs(Vec::new()))
        .filter(|p| p.options.iter().any(|o| o.row.id == id))
        .flat_map(catalog_json::options)
        .find(|o| o.option.id == id)
        .ok_or_else(|| Error::not_found(format!("Product option with id: {id} was not found")))?;
    Ok(Selected::new(
        &StoreProductOptionResponse { product_option },
        "product_option",
        q.get("fields"),
    ))
}
