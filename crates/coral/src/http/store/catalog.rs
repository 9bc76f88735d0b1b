//! Store taxonomy and reference data: collections, product categories, tags, types,
//! currencies — served from the tenant's catalog snapshot (currencies from reference data).

use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Value};

use crate::app::catalog::lookup_handle;
use crate::app::catalog::model::Product;
use crate::app::catalog::snapshot::Catalog;
use crate::core::{Error, Result};
use crate::db::catalog::rows::CategoryRow;
use crate::http::catalog_json;
use crate::http::extract::{AppState, QueryPairs, Store};
use crate::http::fields::selected;

pub(super) fn page(items: Vec<Value>, key: &str, q: &QueryPairs, default_limit: i64) -> Result<Json<Value>> {
    let (limit, offset) = q.page(default_limit)?;
    let count = items.len();
    let items: Vec<Value> = items
        .into_iter()
        .skip(offset as usize)
        .take(limit as usize)
        .map(|v| selected(v, q.get("fields")))
        .collect();
    Ok(Json(
        json!({ key: items, "count": count, "offset": offset, "limit": limit }),
    ))
}

/// Adds Medusa's default `*products` relation of a tag or type: the products this
/// storefront sees that `has` selects.
fn with_products(mut v: Value, cat: &Catalog, channels: &[String], has: impl Fn(&Product) -> bool) -> Value {
    v["products"] = cat
        .products
        .iter()
        .filter(|p| p.visible_in(channels) && has(p))
        .map(|p| catalog_json::product_summary(p))
        .collect();
    v
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
    params(("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query), ("id" = Option<Vec<String>>, Query),
           ("handle" = Option<Vec<String>>, Query), ("q" = Option<String>, Query)),
    responses((status = 200, description = "{ collections, count, offset, limit }")))]
pub async fn collections(State(app): State<AppState>, Store(ctx): Store, q: QueryPairs) -> Result<Json<Value>> {
    let cat = app.catalogs.get(&ctx).await?;
    let items = cat
        .collections
        .iter()
        .filter(|c| {
            wanted(&q, "id", &c.id) && wanted(&q, "handle", &c.handle) && text_match(&q, &[&c.title, &c.handle])
        })
        .map(|c| {
            json!({ "id": c.id, "title": c.title, "handle": c.handle, "external_id": c.external_id,
                          "created_at": c.created_at, "updated_at": c.updated_at })
        })
        .collect();
    page(items, "collections", &q, 50)
}

#[utoipa::path(get, path = "/store/collections/{id}", tag = "store", params(("id" = String, Path)),
    responses((status = 200, description = "{ collection }"), (status = 404, description = "unknown collection")))]
pub async fn collection(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path(id): Path<String>,
    q: QueryPairs,
) -> Result<Json<Value>> {
    let cat = app.catalogs.get(&ctx).await?;
    let c = cat
        .collection(&id)
        .ok_or_else(|| Error::not_found(format!("Collection with id: {id} was not found")))?;
    Ok(Json(
        json!({ "collection": selected(catalog_json::collection(c), q.get("fields")) }),
    ))
}

/// Categories a storefront may see: active and not internal.
fn public_categories(cat: &Catalog) -> impl Iterator<Item = &CategoryRow> {
    cat.categories.iter().filter(|c| c.is_active && !c.is_internal)
}

/// A category with its descendants nested (`category_children`) and/or its ancestors
/// (`parent_category`), as `include_descendants_tree` / `include_ancestors_tree` ask.
fn category_tree(cat: &Catalog, c: &CategoryRow, descendants: bool, ancestors: bool) -> Value {
    let mut v = catalog_json::category(c, false);
    if descendants {
        v["category_children"] = public_categories(cat)
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
            v["parent_category"] = category_tree(cat, parent, false, true);
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
    params(("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query), ("id" = Option<Vec<String>>, Query),
           ("handle" = Option<Vec<String>>, Query), ("q" = Option<String>, Query),
           ("parent_category_id" = Option<String>, Query, description = "'null' for top-level categories"),
           ("include_descendants_tree" = Option<bool>, Query), ("include_ancestors_tree" = Option<bool>, Query)),
    responses((status = 200, description = "{ product_categories, count, offset, limit }")))]
pub async fn categories(State(app): State<AppState>, Store(ctx): Store, q: QueryPairs) -> Result<Json<Value>> {
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
    page(items, "product_categories", &q, 50)
}

#[utoipa::path(get, path = "/store/product-categories/{id}", tag = "store",
    params(("id" = String, Path), ("include_descendants_tree" = Option<bool>, Query),
           ("include_ancestors_tree" = Option<bool>, Query)),
    responses((status = 200, description = "{ product_category }"), (status = 404, description = "unknown category")))]
pub async fn category(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path(id): Path<String>,
    q: QueryPairs,
) -> Result<Json<Value>> {
    let (descendants, ancestors) = (
        flag(&q, "include_descendants_tree")?,
        flag(&q, "include_ancestors_tree")?,
    );
    let cat = app.catalogs.get(&ctx).await?;
    let c = public_categories(&cat)
        .find(|c| c.id == id)
        .ok_or_else(|| Error::not_found(format!("Product category with id: {id} was not found")))?;
    Ok(Json(
        json!({ "product_category": selected(category_tree(&cat, c, descendants, ancestors), q.get("fields")) }),
    ))
}

#[utoipa::path(get, path = "/store/product-tags", tag = "store",
    params(("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query), ("id" = Option<Vec<String>>, Query),
           ("value" = Option<Vec<String>>, Query)),
    responses((status = 200, description = "{ product_tags, count, offset, limit }")))]
pub async fn tags(State(app): State<AppState>, Store(ctx): Store, q: QueryPairs) -> Result<Json<Value>> {
    let cat = app.catalogs.get(&ctx).await?;
    let items = cat
        .tags
        .iter()
        .filter(|t| wanted(&q, "id", &t.id) && wanted(&q, "value", &t.value))
        .map(|t| {
            with_products(catalog_json::value(t), &cat, &ctx.sales_channel_ids, |p| {
                p.tag_ids.contains(&t.id)
            })
        })
        .collect();
    page(items, "product_tags", &q, 50)
}

#[utoipa::path(get, path = "/store/product-tags/{id}", tag = "store", params(("id" = String, Path)),
    responses((status = 200, description = "{ product_tag }"), (status = 404, description = "unknown tag")))]
pub async fn tag(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path(id): Path<String>,
    q: QueryPairs,
) -> Result<Json<Value>> {
    let cat = app.catalogs.get(&ctx).await?;
    let t = cat
        .tag(&id)
        .ok_or_else(|| Error::not_found(format!("Product tag with id: {id} was not found")))?;
    let tag = with_products(catalog_json::value(t), &cat, &ctx.sales_channel_ids, |p| {
        p.tag_ids.contains(&t.id)
    });
    Ok(Json(json!({ "product_tag": selected(tag, q.get("fields")) })))
}

#[utoipa::path(get, path = "/store/product-types", tag = "store",
    params(("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query), ("id" = Option<Vec<String>>, Query),
           ("value" = Option<Vec<String>>, Query)),
    responses((status = 200, description = "{ product_types, count, offset, limit }")))]
pub async fn types(State(app): State<AppState>, Store(ctx): Store, q: QueryPairs) -> Result<Json<Value>> {
    let cat = app.catalogs.get(&ctx).await?;
    let items = cat
        .types
        .iter()
        .filter(|t| wanted(&q, "id", &t.id) && wanted(&q, "value", &t.value))
        .map(|t| {
            with_products(catalog_json::value(t), &cat, &ctx.sales_channel_ids, |p| {
                p.row.type_id.as_deref() == Some(t.id.as_str())
            })
        })
        .collect();
    page(items, "product_types", &q, 50)
}

#[utoipa::path(get, path = "/store/product-types/{id}", tag = "store", params(("id" = String, Path)),
    responses((status = 200, description = "{ product_type }"), (status = 404, description = "unknown type")))]
pub async fn product_type(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path(id): Path<String>,
    q: QueryPairs,
) -> Result<Json<Value>> {
    let cat = app.catalogs.get(&ctx).await?;
    let t = cat
        .product_type(&id)
        .ok_or_else(|| Error::not_found(format!("Product type with id: {id} was not found")))?;
    let typ = with_products(catalog_json::value(t), &cat, &ctx.sales_channel_ids, |p| {
        p.row.type_id.as_deref() == Some(t.id.as_str())
    });
    Ok(Json(json!({ "product_type": selected(typ, q.get("fields")) })))
}
