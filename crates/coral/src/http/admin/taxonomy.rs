//! `/admin/collections`, `/admin/product-categories`, `/admin/product-tags`, `/admin/product-types`.

use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Value};

use crate::app::catalog::taxonomy::{self, CategoryIn, CollectionIn, ValueIn};
use crate::core::roles::Permission::{CatalogRead, CatalogWrite};
use crate::core::Result;
use crate::db::catalog::taxonomy::Table;
use crate::http::catalog_json;
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, Staff};

fn deleted(id: &str, object: &str) -> Json<Value> {
    Json(json!({ "id": id, "object": object, "deleted": true }))
}

#[utoipa::path(get, path = "/admin/collections", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogRead))),
    responses((status = 200, description = "{ collections, count }")), security(("bearer" = [])))]
pub async fn collections(Staff(actor): Staff) -> Result<Json<Value>> {
    let rows = taxonomy::collections(&actor.ctx).await?;
    let items: Vec<Value> = rows.iter().map(catalog_json::collection).collect();
    Ok(Json(
        json!({ "collections": items, "count": rows.len(), "offset": 0, "limit": rows.len() }),
    ))
}

#[utoipa::path(post, path = "/admin/collections", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("collection.create"))),
    request_body = CollectionIn,
    responses((status = 200, description = "{ collection }"), (status = 422, description = "handle taken", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_collection(
    State(app): State<AppState>,
    Staff(actor): Staff,
    JsonBody(body): JsonBody<CollectionIn>,
) -> Result<Json<Value>> {
    let c = taxonomy::save_collection(&app, &actor.ctx, None, body).await?;
    Ok(Json(json!({ "collection": catalog_json::collection(&c) })))
}

#[utoipa::path(get, path = "/admin/collections/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogRead))),
    params(("id" = String, Path)),
    responses((status = 200, description = "{ collection }"), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn collection(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<Value>> {
    let c = taxonomy::collection(&actor.ctx, &id).await?;
    Ok(Json(json!({ "collection": catalog_json::collection(&c) })))
}

#[utoipa::path(post, path = "/admin/collections/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("collection.update"))),
    params(("id" = String, Path)), request_body = CollectionIn,
    responses((status = 200, description = "{ collection }"), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_collection(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<CollectionIn>,
) -> Result<Json<Value>> {
    let c = taxonomy::save_collection(&app, &actor.ctx, Some(&id), body).await?;
    Ok(Json(json!({ "collection": catalog_json::collection(&c) })))
}

#[utoipa::path(delete, path = "/admin/collections/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("collection.delete"))),
    params(("id" = String, Path)),
    responses((status = 200, description = "{ id, object, deleted }")), security(("bearer" = [])))]
pub async fn delete_collection(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    taxonomy::delete(&app, &actor.ctx, Table::Collections, &id, "Collection").await?;
    Ok(deleted(&id, "collection"))
}

#[utoipa::path(get, path = "/admin/product-categories", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogRead))),
    responses((status = 200, description = "{ product_categories, count }")), security(("bearer" = [])))]
pub async fn categories(Staff(actor): Staff) -> Result<Json<Value>> {
    let rows = taxonomy::categories(&actor.ctx).await?;
    let items: Vec<Value> = rows.iter().map(|c| catalog_json::category(c, true)).collect();
    Ok(Json(
        json!({ "product_categories": items, "count": rows.len(), "offset": 0, "limit": rows.len() }),
    ))
}

#[utoipa::path(post, path = "/admin/product-categories", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("category.create"))),
    request_body = CategoryIn,
    responses((status = 200, description = "{ product_category }"), (status = 400, description = "bad parent", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_category(
    State(app): State<AppState>,
    Staff(actor): Staff,
    JsonBody(body): JsonBody<CategoryIn>,
) -> Result<Json<Value>> {
    let c = taxonomy::save_category(&app, &actor.ctx, None, body).await?;
    Ok(Json(json!({ "product_category": catalog_json::category(&c, true) })))
}

#[utoipa::path(get, path = "/admin/product-categories/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogRead))),
    params(("id" = String, Path)),
    responses((status = 200, description = "{ product_category }"), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn category(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<Value>> {
    let c = taxonomy::category(&actor.ctx, &id).await?;
    Ok(Json(json!({ "product_category": catalog_json::category(&c, true) })))
}

#[utoipa::path(post, path = "/admin/product-categories/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("category.update"))),
    params(("id" = String, Path)), request_body = CategoryIn,
    responses((status = 200, description = "{ product_category }"), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_category(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<CategoryIn>,
) -> Result<Json<Value>> {
    let c = taxonomy::save_category(&app, &actor.ctx, Some(&id), body).await?;
    Ok(Json(json!({ "product_category": catalog_json::category(&c, true) })))
}

#[utoipa::path(delete, path = "/admin/product-categories/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("category.delete"))),
    params(("id" = String, Path)),
    responses((status = 200, description = "{ id, object, deleted }")), security(("bearer" = [])))]
pub async fn delete_category(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    taxonomy::delete(&app, &actor.ctx, Table::Categories, &id, "Product category").await?;
    Ok(deleted(&id, "product_category"))
}

async fn list_values(actor: &crate::app::staff::StaffActor, table: Table, key: &str) -> Result<Json<Value>> {
    let rows = taxonomy::values(&actor.ctx, table).await?;
    let items: Vec<Value> = rows.iter().map(catalog_json::value).collect();
    Ok(Json(
        json!({ key: items, "count": rows.len(), "offset": 0, "limit": rows.len() }),
    ))
}

#[utoipa::path(get, path = "/admin/product-tags", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogRead))),
    responses((status = 200, description = "{ product_tags, count }")), security(("bearer" = [])))]
pub async fn tags(Staff(actor): Staff) -> Result<Json<Value>> {
    list_values(&actor, Table::Tags, "product_tags").await
}

#[utoipa::path(post, path = "/admin/product-tags", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("tag.create"))),
    request_body = ValueIn,
    responses((status = 200, description = "{ product_tag }")), security(("bearer" = [])))]
pub async fn create_tag(
    State(app): State<AppState>,
    Staff(actor): Staff,
    JsonBody(body): JsonBody<ValueIn>,
) -> Result<Json<Value>> {
    let t = taxonomy::create_value(&app, &actor.ctx, Table::Tags, body).await?;
    Ok(Json(json!({ "product_tag": catalog_json::value(&t) })))
}

#[utoipa::path(get, path = "/admin/product-types", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogRead))),
    responses((status = 200, description = "{ product_types, count }")), security(("bearer" = [])))]
pub async fn types(Staff(actor): Staff) -> Result<Json<Value>> {
    list_values(&actor, Table::Types, "product_types").await
}

#[utoipa::path(post, path = "/admin/product-types", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("type.create"))),
    request_body = ValueIn,
    responses((status = 200, description = "{ product_type }")), security(("bearer" = [])))]
pub async fn create_type(
    State(app): State<AppState>,
    Staff(actor): Staff,
    JsonBody(body): JsonBody<ValueIn>,
) -> Result<Json<Value>> {
    let t = taxonomy::create_value(&app, &actor.ctx, Table::Types, body).await?;
    Ok(Json(json!({ "product_type": catalog_json::value(&t) })))
}
