//! `/admin/inventory-items`: Medusa's inventory paths over Coral's model, where a variant
//! that manages inventory is its own inventory item (same id) with a level per location.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::inventory::{self, Item, LevelIn, NewLevelIn};
use crate::core::roles::Permission::{InventoryRead, InventoryWrite};
use crate::core::{Error, Result};
use crate::http::envelope::{one, page};
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, Path, QueryPairs, Staff};

/// A variant's stock at one location, Medusa's `AdminInventoryLevel`.
#[derive(Serialize, ToSchema)]
pub struct AdminInventoryLevel {
    pub inventory_item_id: String,
    pub location_id: String,
    pub stocked_quantity: i32,
    pub reserved_quantity: i32,
    /// Always 0: Coral has no incoming stock.
    pub incoming_quantity: i32,
    pub available_quantity: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A variant that manages inventory (same id), Medusa's `AdminInventoryItem`.
#[derive(Serialize, ToSchema)]
pub struct AdminInventoryItem {
    pub id: String,
    pub sku: Option<String>,
    pub title: String,
    pub variant_id: String,
    pub product_id: String,
    pub requires_shipping: bool,
    /// Over every location.
    pub stocked_quantity: i64,
    pub reserved_quantity: i64,
    pub location_levels: Vec<AdminInventoryLevel>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Item> for AdminInventoryItem {
    fn from(i: &Item) -> Self {
        let r = &i.row;
        let location_levels = i
            .levels
            .iter()
            .map(|l| AdminInventoryLevel {
                inventory_item_id: r.id.clone(),
                location_id: l.location_id.clone(),
                stocked_quantity: l.stocked_quantity,
                reserved_quantity: l.reserved_quantity,
                incoming_quantity: 0,
                available_quantity: l.stocked_quantity - l.reserved_quantity,
                created_at: l.created_at,
                updated_at: l.updated_at,
            })
            .collect();
        Self {
            id: r.id.clone(),
            sku: r.sku.clone(),
            title: r.title.clone(),
            variant_id: r.id.clone(),
            product_id: r.product_id.clone(),
            requires_shipping: true,
            stocked_quantity: i.levels.iter().map(|l| i64::from(l.stocked_quantity)).sum(),
            reserved_quantity: i.levels.iter().map(|l| i64::from(l.reserved_quantity)).sum(),
            location_levels,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

one!(
    /// `{ inventory_item }`
    AdminInventoryItemResponse { inventory_item: AdminInventoryItem }
);
page!(
    /// `{ inventory_items, count, offset, limit }`
    AdminInventoryItemListResponse { inventory_items: AdminInventoryItem }
);
page!(
    /// `{ inventory_levels, count, offset, limit }`: every level of one item.
    AdminInventoryLevelListResponse { inventory_levels: AdminInventoryLevel }
);

/// A deleted level and the item after.
#[derive(Serialize, ToSchema)]
pub struct AdminInventoryLevelDeleteResponse {
    /// `<item id>:<location id>`
    pub id: String,
    pub object: &'static str,
    pub deleted: bool,
    pub parent: AdminInventoryItem,
}

fn answer(i: &Item) -> Json<AdminInventoryItemResponse> {
    Json(AdminInventoryItemResponse {
        inventory_item: i.into(),
    })
}

#[utoipa::path(get, path = "/admin/inventory-items", tag = "admin",
    extensions(("x-coral-permission" = json!(InventoryRead))),
    params(("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query),
           ("q" = Option<String>, Query, description = "text in the SKU or variant title")),
    responses((status = 200, description = "a page of the variants that manage inventory", body = AdminInventoryItemListResponse)),
    security(("bearer" = [])))]
pub async fn list(Staff(actor): Staff, q: QueryPairs) -> Result<Json<AdminInventoryItemListResponse>> {
    let (limit, offset) = q.page(20)?;
    let (items, count) = inventory::items(&actor.ctx, q.get("q").filter(|s| !s.is_empty()), limit, offset).await?;
    Ok(Json(AdminInventoryItemListResponse {
        inventory_items: items.iter().map(AdminInventoryItem::from).collect(),
        count,
        offset,
        limit,
    }))
}

#[utoipa::path(get, path = "/admin/inventory-items/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(InventoryRead))),
    params(("id" = String, Path, description = "the variant id")),
    responses((status = 200, description = "the item", body = AdminInventoryItemResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<AdminInventoryItemResponse>> {
    Ok(answer(&inventory::item(&actor.ctx, &id).await?))
}

#[utoipa::path(get, path = "/admin/inventory-items/{id}/location-levels", tag = "admin",
    extensions(("x-coral-permission" = json!(InventoryRead))),
    params(("id" = String, Path, description = "the variant id")),
    responses((status = 200, description = "its levels", body = AdminInventoryLevelListResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn levels(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<AdminInventoryLevelListResponse>> {
    let item = AdminInventoryItem::from(&inventory::item(&actor.ctx, &id).await?);
    let n = item.location_levels.len() as i64;
    Ok(Json(AdminInventoryLevelListResponse {
        inventory_levels: item.location_levels,
        count: n,
        offset: 0,
        limit: n,
    }))
}

/// Stocks the item at a location (creating the level, or setting it if it exists).
#[utoipa::path(post, path = "/admin/inventory-items/{id}/location-levels", tag = "admin",
    extensions(("x-coral-permission" = json!(InventoryWrite)), ("x-coral-audit-action" = json!("inventory_level.create"))),
    params(("id" = String, Path, description = "the variant id")), request_body = NewLevelIn,
    responses((status = 200, description = "the item", body = AdminInventoryItemResponse), (status = 400, description = "unknown location, bad quantity", body = ErrorBody),
              (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_level(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<NewLevelIn>,
) -> Result<Json<AdminInventoryItemResponse>> {
    let stocked = quantity(body.stocked_quantity.unwrap_or(0))?;
    Ok(answer(
        &inventory::set_level(&app, &actor.ctx, &id, &body.location_id, stocked, false).await?,
    ))
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
    responses((status = 200, description = "the item", body = AdminInventoryItemResponse), (status = 404, description = "no such item or level in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_level(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path((id, location_id)): Path<(String, String)>,
    JsonBody(body): JsonBody<LevelIn>,
) -> Result<Json<AdminInventoryItemResponse>> {
    let stocked = quantity(body.stocked_quantity)?;
    Ok(answer(
        &inventory::set_level(&app, &actor.ctx, &id, &location_id, stocked, true).await?,
    ))
}

#[utoipa::path(delete, path = "/admin/inventory-items/{id}/location-levels/{location_id}", tag = "admin",
    extensions(("x-coral-permission" = json!(InventoryWrite)), ("x-coral-audit-action" = json!("inventory_level.delete"))),
    params(("id" = String, Path, description = "the variant id"), ("location_id" = String, Path)),
    responses((status = 200, description = "deleted, and the item after", body = AdminInventoryLevelDeleteResponse), (status = 404, description = "no such item or level in this store", body = ErrorBody),
              (status = 409, description = "units are reserved there", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_level(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path((id, location_id)): Path<(String, String)>,
) -> Result<Json<AdminInventoryLevelDeleteResponse>> {
    let item = inventory::delete_level(&app, &actor.ctx, &id, &location_id).await?;
    Ok(Json(AdminInventoryLevelDeleteResponse {
        id: format!("{id}:{location_id}"),
        object: "inventory-level",
        deleted: true,
        parent: (&item).into(),
    }))
}
