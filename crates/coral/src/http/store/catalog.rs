//! Store taxonomy and reference data: collections, product categories, tags, types,
//! currencies — served from the tenant's catalog snapshot (currencies from reference data).

use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::catalog::lookup_handle;
use crate::app::catalog::model::{CategoryRow, Product};
use crate::app::catalog::snapshot::Catalog;
use crate::app::catalog::store::{self, Parent, TaxonomyFilter};
use crate::core::{Error, Result};
use crate::http::catalog_json::{self, StoreProductCategory, StoreProductSummary, StoreProductTag, StoreProductType};
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, Path, QueryPairs, Store};
use crate::http::fields::Selected;

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

/// The filters a taxonomy list route takes, from its query (`handle` normalized as the
/// product routes do: Unicode handles arrive NFC or not, percent-encoded once more or not).
fn filter(q: &QueryPairs) -> TaxonomyFilter {
    TaxonomyFilter {
        ids: q.list("id"),
        handles: q.list("handle").iter().map(|h| lookup_handle(h)).collect(),
        values: q.list("value"),
        q: q.get("q").filter(|s| !s.is_empty()).map(str::to_owned),
        parent: q.get("parent_category_id").map(Parent::parse),
    }
}

/// Products as a tag's or type's `products` relation shows them.
fn summaries<'a>(products: impl Iterator<Item = &'a Product>) -> Option<Vec<StoreProductSummary>> {
    Some(products.map(catalog_json::product_summary).collect())
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
    let (limit, offset) = q.page(50)?;
    let cat = app.catalogs.get(&ctx).await?;
    let (page, count) = store::collections(&cat, &filter(&q), limit as usize, offset as usize);
    let collections = page
        .into_iter()
        .map(|c| StoreCollectionListItem {
            id: c.id.clone(),
            title: c.title.clone(),
            handle: c.handle.clone(),
            external_id: c.external_id.clone(),
            created_at: c.created_at,
            updated_at: c.updated_at,
        })
        .collect();
    let body = StoreCollectionListResponse {
        collections,
        count,
        offset,
        limit,
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
    let body = StoreCollectionResponse {
        collection: catalog_json::collection(store::collection(&cat, &id)?),
    };
    Ok(Selected::new(&body, "collection", q.get("fields")))
}

/// A category with its descendants nested (`category_children`) and/or its ancestors
/// (`parent_category`), as `include_descendants_tree` / `include_ancestors_tree` ask.
fn category_tree(cat: &Catalog, c: &CategoryRow, descendants: bool, ancestors: bool) -> StoreProductCategory {
    let mut v = catalog_json::category(c, false);
    if descendants {
        v.category_children = store::category_children(cat, &c.id)
            .map(|x| category_tree(cat, x, true, false))
            .collect();
    }
    if ancestors {
        if let Some(parent) = store::category_parent(cat, c) {
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
    let (limit, offset) = q.page(50)?;
    let cat = app.catalogs.get(&ctx).await?;
    let (page, count) = store::categories(&cat, &filter(&q), limit as usize, offset as usize);
    let body = StoreProductCategoryListResponse {
        product_categories: page
            .into_iter()
            .map(|c| category_tree(&cat, c, descendants, ancestors))
            .collect(),
        count,
        offset,
        limit,
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
    let c = store::category(&cat, &id)?;
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
    let (limit, offset) = q.page(50)?;
    let cat = app.catalogs.get(&ctx).await?;
    let (page, count) = store::tags(&cat, &filter(&q), limit as usize, offset as usize);
    let body = StoreProductTagListResponse {
        product_tags: page
            .into_iter()
            .map(|t| StoreProductTag {
                products: summaries(store::products_tagged(&cat, &ctx.sales_channel_ids, &t.id)),
                ..catalog_json::value(t)
            })
            .collect(),
        count,
        offset,
        limit,
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
    let t = store::tag(&cat, &id)?;
    let body = StoreProductTagResponse {
        product_tag: StoreProductTag {
            products: summaries(store::products_tagged(&cat, &ctx.sales_channel_ids, &t.id)),
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
    let (limit, offset) = q.page(50)?;
    let cat = app.catalogs.get(&ctx).await?;
    let (page, count) = store::types(&cat, &filter(&q), limit as usize, offset as usize);
    let body = StoreProductTypeListResponse {
        product_types: page
            .into_iter()
            .map(|t| StoreProductType {
                products: summaries(store::products_of_type(&cat, &ctx.sales_channel_ids, &t.id)),
                ..catalog_json::product_type(t)
            })
            .collect(),
        count,
        offset,
        limit,
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
    let t = store::product_type(&cat, &id)?;
    let body = StoreProductTypeResponse {
        product_type: StoreProductType {
            products: summaries(store::products_of_type(&cat, &ctx.sales_channel_ids, &t.id)),
            ..catalog_json::product_type(t)
        },
    };
    Ok(Selected::new(&body, "product_type", q.get("fields")))
}
