//! Store taxonomy and reference data: collections, product categories, tags, types,
//! currencies — served from the tenant's catalog snapshot (currencies from reference data).

use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::catalog::lookup_handle;
use crate::app::catalog::model::Product;
use crate::app::catalog::snapshot::Catalog;
use crate::core::{Error, Result};
use crate::db::catalog::rows::CategoryRow;
use crate::http::catalog_json::{self, StoreProductCategory, StoreProductSummary, StoreProductTag, StoreProductType};
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, Path, QueryPairs, Store};
use crate::http::fields::Selected;

/// One page of a list route: its items, how many matched, and the page asked for.
pub(super) struct Page<T> {
    pub items: Vec<T>,
    pub count: usize,
    pub offset: i64,
    pub limit: i64,
}

/// The `limit`/`offset` page of `items` (all that matched).
pub(super) fn page<T>(items: Vec<T>, q: &QueryPairs, default_limit: i64) -> Result<Page<T>> {
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

/// A collection as the collection list shows it (Medusa's list default fields).
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreCollectionListItem {
    pub id: String,
    pub title: String,
    pub handle: String,
    pub external_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Medusa's `StoreCollectionListResponse`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreCollectionListResponse {
    pub collections: Vec<StoreCollectionListItem>,
    pub count: usize,
    pub offset: i64,
    pub limit: i64,
}

/// Medusa's `StoreCollectionResponse`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreCollectionResponse {
    pub collection: catalog_json::StoreCollection,
}

/// Medusa's `StoreProductCategoryListResponse`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreProductCategoryListResponse {
    pub product_categories: Vec<StoreProductCategory>,
    pub count: usize,
    pub offset: i64,
    pub limit: i64,
}

/// Medusa's `StoreProductCategoryResponse`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreProductCategoryResponse {
    pub product_category: StoreProductCategory,
}

/// Medusa's `StoreProductTagListResponse`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreProductTagListResponse {
    pub product_tags: Vec<StoreProductTag>,
    pub count: usize,
    pub offset: i64,
    pub limit: i64,
}

/// Medusa's `StoreProductTagResponse`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreProductTagResponse {
    pub product_tag: StoreProductTag,
}

/// Medusa's `StoreProductTypeListResponse`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreProductTypeListResponse {
    pub product_types: Vec<StoreProductType>,
    pub count: usize,
    pub offset: i64,
    pub limit: i64,
}

/// Medusa's `StoreProductTypeResponse`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreProductTypeResponse {
    pub product_type: StoreProductType,
}

/// Medusa's default `*products` relation of a tag or type: the products this storefront
/// sees that `has` selects.
fn products_where(cat: &Catalog, channels: &[String], has: impl Fn(&Product) -> bool) -> Vec<StoreProductSummary> {
    cat.products
        .iter()
        .filter(|p| p.visible_in(channels) && has(p))
        .map(|p| catalog_json::product_summary(p))
        .collect()
}

pub(super) fn wanted(q: &QueryPairs, key: &str, value: &str) -> bool {
    let want = q.list(key);
    if key == "handle" {
        // Unicode handles arrive NFC or not, percent-encoded once more or not.
        return want.is_empty() || want.iter().any(|w| lookup_handle(w) == value);
    }
    want.is_empty() || want.iter().any(|w| w == value)
}

fn text_match(q: &QueryPairs, haystack: &[&str]) -> bool {
    q.get("q").filter(|s| !s.is_empty()).is_none_or(|needle| {
        let needle = needle.to_lowercase();
        haystack.iter().any(|h| h.to_lowercase().contains(&needle))
    })
}

#[utoipa::path(get, path = "/store/collections", tag = "store",
    params(("fields" = Option<String>, Query, description = "Medusa's field selection"), ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query), ("id" = Option<Vec<String>>, Query),
           ("handle" = Option<Vec<String>>, Query), ("q" = Option<String>, Query)),
    responses((status = 200, description = "A page of collections", body = StoreCollectionListResponse),
              (status = 400, description = "bad limit or offset", body = ErrorBody)))]
pub async fn collections(
    State(app): State<AppState>,
    Store(ctx): Store,
    q: QueryPairs,
) -> Result<Selected<StoreCollectionListResponse>> {
    let cat = app.catalogs.get(&ctx).await?;
    let items = cat
        .collections
        .iter()
        .filter(|c| {
            wanted(&q, "id", &c.id) && wanted(&q, "handle", &c.handle) && text_match(&q, &[&c.title, &c.handle])
        })
        .map(|c| StoreCollectionListItem {
            id: c.id.clone(),
            title: c.title.clone(),
            handle: c.handle.clone(),
            external_id: c.external_id.clone(),
            created_at: c.created_at,
            updated_at: c.updated_at,
        })
        .collect();
    let p = page(items, &q, 50)?;
    let body = StoreCollectionListResponse {
        collections: p.items,
        count: p.count,
        offset: p.offset,
        limit: p.limit,
    };
    Ok(Selected::new(&body, "collections", q.get("fields")))
}

#[utoipa::path(get, path = "/store/collections/{id}", tag = "store", params(("fields" = Option<String>, Query, description = "Medusa's field selection"), ("id" = String, Path)),
    responses((status = 200, description = "The collection", body = StoreCollectionResponse),
              (status = 404, description = "unknown collection", body = ErrorBody)))]
pub async fn collection(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path(id): Path<String>,
    q: QueryPairs,
) -> Result<Selected<StoreCollectionResponse>> {
    let cat = app.catalogs.get(&ctx).await?;
    let c = cat
        .collection(&id)
        .ok_or_else(|| Error::not_found(format!("Collection with id: {id} was not found")))?;
    let body = StoreCollectionResponse {
        collection: catalog_json::collection(c),
    };
    Ok(Selected::new(&body, "collection", q.get("fields")))
}

/// Categories a storefront may see: active and not internal.
fn public_categories(cat: &Catalog) -> impl Iterator<Item = &CategoryRow> {
    cat.categories.iter().filter(|c| c.is_active && !c.is_internal)
}

/// A category with its descendants nested (`category_children`) and/or its ancestors
/// (`parent_category`), as `include_descendants_tree` / `include_ancestors_tree` ask.
fn category_tree(cat: &Catalog, c: &CategoryRow, descendants: bool, ancestors: bool) -> StoreProductCategory {
    let mut v = catalog_json::category(c, false);
    if descendants {
        v.category_children = public_categories(cat)
            .filter(|x| x.parent_category_id.as_deref() == Some(&c.id))
            .map(|x| category_tree(cat, x, true, false))
            .collect();
    }
    if ancestors {
        if let Some(parent) = c
            .parent_category_id
            .as_deref()
            .and_then(|p| public_categories(cat).find(|x| x.id == p))
        {
            v.parent_category = Some(Box::new(category_tree(cat, parent, false, true)));
        }
    }
    v
}

fn flag(q: &QueryPairs, key: &str) -> Result<bool> {
    match q.get(key) {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(Error::invalid(format!(
            "Invalid request: Expected type: 'boolean' for field '{key}', got: '{other}'"
        ))),
    }
}

#[utoipa::path(get, path = "/store/product-categories", tag = "store",
    params(("fields" = Option<String>, Query, description = "Medusa's field selection"), ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query), ("id" = Option<Vec<String>>, Query),
           ("handle" = Option<Vec<String>>, Query), ("q" = Option<String>, Query),
           ("parent_category_id" = Option<String>, Query, description = "'null' for top-level categories"),
           ("include_descendants_tree" = Option<bool>, Query), ("include_ancestors_tree" = Option<bool>, Query)),
    responses((status = 200, description = "A page of categories", body = StoreProductCategoryListResponse),
              (status = 400, description = "bad limit, offset or tree flag", body = ErrorBody)))]
pub async fn categories(
    State(app): State<AppState>,
    Store(ctx): Store,
    q: QueryPairs,
) -> Result<Selected<StoreProductCategoryListResponse>> {
    let (descendants, ancestors) = (
        flag(&q, "include_descendants_tree")?,
        flag(&q, "include_ancestors_tree")?,
    );
    let cat = app.catalogs.get(&ctx).await?;
    let parent = q.get("parent_category_id");
    let items = public_categories(&cat)
        .filter(|c| wanted(&q, "id", &c.id) && wanted(&q, "handle", &c.handle))
        .filter(|c| text_match(&q, &[&c.name, &c.handle, &c.description]))
        .filter(|c| match parent {
            None => true,
            Some("null") => c.parent_category_id.is_none(),
            Some(p) => c.parent_category_id.as_deref() == Some(p),
        })
        .map(|c| category_tree(&cat, c, descendants, ancestors))
        .collect();
    let p = page(items, &q, 50)?;
    let body = StoreProductCategoryListResponse {
        product_categories: p.items,
        count: p.count,
        offset: p.offset,
        limit: p.limit,
    };
    Ok(Selected::new(&body, "product_categories", q.get("fields")))
}

#[utoipa::path(get, path = "/store/product-categories/{id}", tag = "store",
    params(("fields" = Option<String>, Query, description = "Medusa's field selection"), ("id" = String, Path), ("include_descendants_tree" = Option<bool>, Query),
           ("include_ancestors_tree" = Option<bool>, Query)),
    responses((status = 200, description = "The category", body = StoreProductCategoryResponse),
              (status = 400, description = "bad tree flag", body = ErrorBody),
              (status = 404, description = "unknown category", body = ErrorBody)))]
pub async fn category(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path(id): Path<String>,
    q: QueryPairs,
) -> Result<Selected<StoreProductCategoryResponse>> {
    let (descendants, ancestors) = (
        flag(&q, "include_descendants_tree")?,
        flag(&q, "include_ancestors_tree")?,
    );
    let cat = app.catalogs.get(&ctx).await?;
    let c = public_categories(&cat)
        .find(|c| c.id == id)
        .ok_or_else(|| Error::not_found(format!("Product category with id: {id} was not found")))?;
    let body = StoreProductCategoryResponse {
        product_category: category_tree(&cat, c, descendants, ancestors),
    };
    Ok(Selected::new(&body, "product_category", q.get("fields")))
}

#[utoipa::path(get, path = "/store/product-tags", tag = "store",
    params(("fields" = Option<String>, Query, description = "Medusa's field selection"), ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query), ("id" = Option<Vec<String>>, Query),
           ("value" = Option<Vec<String>>, Query)),
    responses((status = 200, description = "A page of tags", body = StoreProductTagListResponse),
              (status = 400, description = "bad limit or offset", body = ErrorBody)))]
pub async fn tags(
    State(app): State<AppState>,
    Store(ctx): Store,
    q: QueryPairs,
) -> Result<Selected<StoreProductTagListResponse>> {
    let cat = app.catalogs.get(&ctx).await?;
    let items = cat
        .tags
        .iter()
        .filter(|t| wanted(&q, "id", &t.id) && wanted(&q, "value", &t.value))
        .map(|t| StoreProductTag {
            products: Some(products_where(&cat, &ctx.sales_channel_ids, |p| {
                p.tag_ids.contains(&t.id)
            })),
            ..catalog_json::value(t)
        })
        .collect();
    let p = page(items, &q, 50)?;
    let body = StoreProductTagListResponse {
        product_tags: p.items,
        count: p.count,
        offset: p.offset,
        limit: p.limit,
    };
    Ok(Selected::new(&body, "product_tags", q.get("fields")))
}

#[utoipa::path(get, path = "/store/product-tags/{id}", tag = "store", params(("fields" = Option<String>, Query, description = "Medusa's field selection"), ("id" = String, Path)),
    responses((status = 200, description = "The tag", body = StoreProductTagResponse),
              (status = 404, description = "unknown tag", body = ErrorBody)))]
pub async fn tag(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path(id): Path<String>,
    q: QueryPairs,
) -> Result<Selected<StoreProductTagResponse>> {
    let cat = app.catalogs.get(&ctx).await?;
    let t = cat
        .tag(&id)
        .ok_or_else(|| Error::not_found(format!("Product tag with id: {id} was not found")))?;
    let body = StoreProductTagResponse {
        product_tag: StoreProductTag {
            products: Some(products_where(&cat, &ctx.sales_channel_ids, |p| {
                p.tag_ids.contains(&t.id)
            })),
            ..catalog_json::value(t)
        },
    };
    Ok(Selected::new(&body, "product_tag", q.get("fields")))
}

#[utoipa::path(get, path = "/store/product-types", tag = "store",
    params(("fields" = Option<String>, Query, description = "Medusa's field selection"), ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query), ("id" = Option<Vec<String>>, Query),
           ("value" = Option<Vec<String>>, Query)),
    responses((status = 200, description = "A page of product types", body = StoreProductTypeListResponse),
              (status = 400, description = "bad limit or offset", body = ErrorBody)))]
pub async fn types(
    State(app): State<AppState>,
    Store(ctx): Store,
    q: QueryPairs,
) -> Result<Selected<StoreProductTypeListResponse>> {
    let cat = app.catalogs.get(&ctx).await?;
    let items = cat
        .types
        .iter()
        .filter(|t| wanted(&q, "id", &t.id) && wanted(&q, "value", &t.value))
        .map(|t| StoreProductType {
            products: Some(products_where(&cat, &ctx.sales_channel_ids, |p| {
                p.row.type_id.as_deref() == Some(t.id.as_str())
            })),
            ..catalog_json::product_type(t)
        })
        .collect();
    let p = page(items, &q, 50)?;
    let body = StoreProductTypeListResponse {
        product_types: p.items,
        count: p.count,
        offset: p.offset,
        limit: p.limit,
    };
    Ok(Selected::new(&body, "product_types", q.get("fields")))
}

#[utoipa::path(get, path = "/store/product-types/{id}", tag = "store", params(("fields" = Option<String>, Query, description = "Medusa's field selection"), ("id" = String, Path)),
    responses((status = 200, description = "The product type", body = StoreProductTypeResponse),
              (status = 404, description = "unknown type", body = ErrorBody)))]
pub async fn product_type(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path(id): Path<String>,
    q: QueryPairs,
) -> Result<Selected<StoreProductTypeResponse>> {
    let cat = app.catalogs.get(&ctx).await?;
    let t = cat
        .product_type(&id)
        .ok_or_else(|| Error::not_found(format!("Product type with id: {id} was not found")))?;
    let body = StoreProductTypeResponse {
        product_type: StoreProductType {
            products: Some(products_where(&cat, &ctx.sales_channel_ids, |p| {
                p.row.type_id.as_deref() == Some(t.id.as_str())
            })),
            ..catalog_json::product_type(t)
        },
    };
    Ok(Selected::new(&body, "product_type", q.get("fields")))
}
