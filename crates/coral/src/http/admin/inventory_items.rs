//! `/admin/inventory-items`: Medusa's inventory paths over Coral's model, where a variant
//! that manages inventory is its own inventory item (same id) with a level per location.

use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Value};

use crate::app::inventory::{self, Item, LevelIn, NewLevelIn};
use crate::core::roles::Permission::{InventoryRead, InventoryWrite};
use crate::core::{Error, Result};
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, QueryPairs, Staff};

fn item_json(i: &Item) -> Value {
    let r = &i.row;
    let levels: Vec<Value> = i
        .levels
        .iter()
        .map(|l| {
            json!({
                "inventory_item_id": r.id, "location_id": l.location_id,
                "stocked_quantity": l.stocked_quantity, "reserved_quantity": l.reserved_quantity,
                "incoming_quantity": 0,
                "available_quantity": l.stocked_quantity - l.reserved_quantity,
                "created_at": l.created_at, "updated_at": l.updated_at,
            })
        })
        .collect();
    let stocked: i64 = i.levels.iter().map(|l| i64::from(l.stocked_quantity)).sum();
    let reserved: i64 = i.levels.iter().map(|l| i64::from(l.reserved_quantity)).sum();
    json!({
        "id": r.id, "sku": r.sku, "title": r.title, "variant_id": r.id, "product_id": r.product_id,
        "requires_shipping": true, "stocked_quantity": stocked, "reserved_quantity": reserved,
        "location_levels": levels, "created_at": r.created_at, "updated_at": r.updated_at,
    })
}

fn one(i: &Item) -> Json<Value> {
    Json(json!({ "inventory_item": item_json(i) }))
}

#[utoipa::path(get, path = "/admin/inventory-items", tag = "admin",
    extensions(("x-coral-permission" = json!(InventoryRead))),
    params(("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query),
           ("q" = Option<String>, Query, description = "text in the SKU or variant title")),
    responses((status = 200, description = "{ inventory_items, count, offset, limit }: variants that manage inventory")),
    security(("bearer" = [])))]
pub async fn list(Staff(actor): Staff, q: QueryPairs) -> Result<Json<Value>> {
    let (limit, offset) = q.page(20)?;
    let (items, count) = inventory::items(&actor.ctx, q.get("q").filter(|s| !s.is_empty()), limit, offset).await?;
    let items: Vec<Value> = items.iter().map(item_json).collect();
    Ok(Json(
        json!({ "inventory_items": items, "count": count, "offset": offset, "limit": limit }),
    ))
}

#[utoipa::path(get, path = "/admin/inventory-items/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(InventoryRead))),
    params(("id" = String, Path, description = "the variant id")),
    responses((status = 200, description = "{ inventory_item }"), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<Value>> {
    Ok(one(&inventory::item(&actor.ctx, &id).await?))
}

#[utoipa::path(get, path = "/admin/inventory-items/{id}/location-levels", tag = "admin",
    extensions(("x-coral-permission" = json!(InventoryRead))),
    params(("id" = String, Path, description = "the variant id")),
    responses((status = 200, description = "{ inventory_levels, count, offset, limit }"), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn levels(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<Value>> {
    let item = item_json(&inventory::item(&actor.ctx, &id).await?);
    let levels = item["location_levels"].clone();
    let n = levels.as_array().map_or(0, Vec::len);
    Ok(Json(
        json!({ "inventory_levels": levels, "count": n, "offset": 0, "limit": n }),
    ))
}

/// Stocks the item at a location (creating the level, or setting it if it exists).
#[utoipa::path(post, path = "/admin/inventory-items/{id}/location-levels", tag = "admin",
    extensions(("x-coral-permission" = json!(InventoryWrite)), ("x-coral-audit-action" = json!("inventory_level.create"))),
    params(("id" = String, Path, description = "the variant id")), request_body = NewLevelIn,
    responses((status = 200, description = "{ inventory_item }"), (status = 400, description = "unknown location, bad quantity", body = ErrorBody),
              (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_level(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<NewLevelIn>,
) -> Result<Json<Value>> {
    let stocked = quantity(body.stocked_quantity.unwrap_or(0))?;
    Ok(one(&inventory::set_level(
        &app,
        &actor.ctx,
        &id,
        &body.location_id,
        stocked,
        false,
    )
    .await?))
}

fn quantity(q: i32) -> Result<i32> {
    if q < 0 {
        return Err(Error::invalid(
            "Invalid request: Value for field 'stocked_quantity' too small, expected at least: '0'",
        ));
    }
    Ok(q)
}

#[utoipa::path(post, path = "/admin/inventory-items/{id}/location-levels/{location_id}", tag = "admin",
    extensions(("x-coral-permission" = json!(InventoryWrite)), ("x-coral-audit-action" = json!("inventory_level.update"))),
    params(("id" = String, Path, description = "the variant id"), ("location_id" = String, Path)), request_body = LevelIn,
    responses((status = 200, description = "{ inventory_item }"), (status = 404, description = "no such item or level in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_level(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path((id, location_id)): Path<(String, String)>,
    JsonBody(body): JsonBody<LevelIn>,
) -> Result<Json<Value>> {
    let stocked = quantity(body.stocked_quantity)?;
    Ok(one(&inventory::set_level(
        &app,
        &actor.ctx,
        &id,
        &location_id,
        stocked,
        true,
    )
    .await?))
}

#[utoipa::path(delete, path = "/admin/inventory-items/{id}/location-levels/{location_id}", tag = "admin",
    extensions(("x-coral-permission" = json!(InventoryWrite)), ("x-coral-audit-action" = json!("inventory_level.delete"))),
    params(("id" = String, Path, description = "the variant id"), ("location_id" = String, Path)),
    responses((status = 200, description = "{ id, object, deleted, parent }"), (status = 404, description = "no such item or level in this store", body = ErrorBody),
              (status = 409, description = "units are reserved there", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_level(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path((id, location_id)): Path<(String, String)>,
) -> Result<Json<Value>> {
    let item = inventory::delete_level(&app, &actor.ctx, &id, &location_id).await?;
    Ok(Json(json!({
        "id": format!("{id}:{location_id}"), "object": "inventory-level", "deleted": true,
        "parent": item_json(&item),
    })))
}
