//! `/admin/stock-locations`: where a store keeps stock (Medusa's Admin API shape).

use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Value};

use crate::app::inventory::{self, LocationIn};
use crate::core::roles::Permission::{InventoryRead, InventoryWrite};
use crate::core::Result;
use crate::db::inventory::LocationRow;
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, QueryPairs, Staff};

fn location_json(l: &LocationRow) -> Value {
    // The address is stored with its location, so it has no id of its own.
    json!({
        "id": l.id, "name": l.name, "address_id": null,
        "address": l.address.as_ref().map(|a| &a.0),
        "metadata": l.metadata.as_ref().map(|m| &m.0),
        "created_at": l.created_at, "updated_at": l.updated_at, "deleted_at": null,
    })
}

#[utoipa::path(get, path = "/admin/stock-locations", tag = "admin",
    extensions(("x-coral-permission" = json!(InventoryRead))),
    params(("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "{ stock_locations, count, offset, limit }")), security(("bearer" = [])))]
pub async fn list(Staff(actor): Staff, q: QueryPairs) -> Result<Json<Value>> {
    let (limit, offset) = q.page(20)?;
    let (rows, count) = inventory::locations(&actor.ctx, limit, offset).await?;
    let items: Vec<Value> = rows.iter().map(location_json).collect();
    Ok(Json(
        json!({ "stock_locations": items, "count": count, "offset": offset, "limit": limit }),
    ))
}

#[utoipa::path(post, path = "/admin/stock-locations", tag = "admin",
    extensions(("x-coral-permission" = json!(InventoryWrite)), ("x-coral-audit-action" = json!("stock_location.create"))),
    request_body = LocationIn,
    responses((status = 200, description = "{ stock_location }"), (status = 400, description = "invalid location", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(Staff(actor): Staff, JsonBody(body): JsonBody<LocationIn>) -> Result<Json<Value>> {
    let l = inventory::save_location(&actor.ctx, None, body).await?;
    Ok(Json(json!({ "stock_location": location_json(&l) })))
}

#[utoipa::path(get, path = "/admin/stock-locations/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(InventoryRead))),
    params(("id" = String, Path)),
    responses((status = 200, description = "{ stock_location }"), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<Value>> {
    let l = inventory::location(&actor.ctx, &id).await?;
    Ok(Json(json!({ "stock_location": location_json(&l) })))
}

#[utoipa::path(post, path = "/admin/stock-locations/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(InventoryWrite)), ("x-coral-audit-action" = json!("stock_location.update"))),
    params(("id" = String, Path)),
    request_body = LocationIn,
    responses((status = 200, description = "{ stock_location }"), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<LocationIn>,
) -> Result<Json<Value>> {
    let l = inventory::save_location(&actor.ctx, Some(&id), body).await?;
    Ok(Json(json!({ "stock_location": location_json(&l) })))
}

/// Deletes the location and the stock levels there (409 while units are reserved there).
#[utoipa::path(delete, path = "/admin/stock-locations/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(InventoryWrite)), ("x-coral-audit-action" = json!("stock_location.delete"))),
    params(("id" = String, Path)),
    responses((status = 200, description = "{ id, object, deleted }"), (status = 404, description = "not in this store", body = ErrorBody),
              (status = 409, description = "units are reserved there", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(State(app): State<AppState>, Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<Value>> {
    inventory::delete_location(&app, &actor.ctx, &id).await?;
    Ok(Json(json!({ "id": id, "object": "stock_location", "deleted": true })))
}
