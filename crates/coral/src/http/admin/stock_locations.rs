//! `/admin/stock-locations`: where a store keeps stock (Medusa's Admin API shape).

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::app::inventory::{self, LocationIn, LocationRow};
use crate::core::roles::Permission::{InventoryRead, InventoryWrite};
use crate::core::Result;
use crate::http::envelope::{one, page, AdminDeleteResponse};
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, Path, QueryPairs, Staff};

/// A stock location, Medusa's `AdminStockLocation`.
#[derive(Serialize, ToSchema)]
pub struct AdminStockLocation {
    pub id: String,
    pub name: String,
    /// Always null: the address is stored with its location, so it has no id of its own.
    pub address_id: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub address: Option<Value>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Always null: a deleted location is gone.
    pub deleted_at: Option<DateTime<Utc>>,
}

impl From<&LocationRow> for AdminStockLocation {
    fn from(l: &LocationRow) -> Self {
        Self {
            id: l.id.clone(),
            name: l.name.clone(),
            address_id: None,
            address: l.address.as_ref().map(|a| a.0.clone()),
            metadata: l.metadata.as_ref().map(|m| m.0.clone()),
            created_at: l.created_at,
            updated_at: l.updated_at,
            deleted_at: None,
        }
    }
}

one!(
    /// `{ stock_location }`
    AdminStockLocationResponse { stock_location: AdminStockLocation }
);
page!(
    /// `{ stock_locations, count, offset, limit }`
    AdminStockLocationListResponse { stock_locations: AdminStockLocation }
);

#[utoipa::path(get, path = "/admin/stock-locations", tag = "admin",
    extensions(("x-coral-permission" = json!(InventoryRead))),
    params(("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "a page of locations", body = AdminStockLocationListResponse)), security(("bearer" = [])))]
pub async fn list(Staff(actor): Staff, q: QueryPairs) -> Result<Json<AdminStockLocationListResponse>> {
    let (limit, offset) = q.page(20)?;
    let (rows, count) = inventory::locations(&actor.ctx, limit, offset).await?;
    Ok(Json(AdminStockLocationListResponse {
        stock_locations: rows.iter().map(AdminStockLocation::from).collect(),
        count,
        offset,
        limit,
    }))
}

#[utoipa::path(post, path = "/admin/stock-locations", tag = "admin",
    extensions(("x-coral-permission" = json!(InventoryWrite)), ("x-coral-audit-action" = json!("stock_location.create"))),
    request_body = LocationIn,
    responses((status = 200, description = "the location", body = AdminStockLocationResponse), (status = 400, description = "invalid location", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    Staff(actor): Staff,
    JsonBody(body): JsonBody<LocationIn>,
) -> Result<Json<AdminStockLocationResponse>> {
    let l = inventory::save_location(&actor.ctx, None, body).await?;
    Ok(Json(AdminStockLocationResponse {
        stock_location: (&l).into(),
    }))
}

#[utoipa::path(get, path = "/admin/stock-locations/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(InventoryRead))),
    params(("id" = String, Path)),
    responses((status = 200, description = "the location", body = AdminStockLocationResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<AdminStockLocationResponse>> {
    let l = inventory::location(&actor.ctx, &id).await?;
    Ok(Json(AdminStockLocationResponse {
        stock_location: (&l).into(),
    }))
}

#[utoipa::path(post, path = "/admin/stock-locations/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(InventoryWrite)), ("x-coral-audit-action" = json!("stock_location.update"))),
    params(("id" = String, Path)),
    request_body = LocationIn,
    responses((status = 200, description = "the location", body = AdminStockLocationResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<LocationIn>,
) -> Result<Json<AdminStockLocationResponse>> {
    let l = inventory::save_location(&actor.ctx, Some(&id), body).await?;
    Ok(Json(AdminStockLocationResponse {
        stock_location: (&l).into(),
    }))
}

/// Deletes the location and the stock levels there (409 while units are reserved there).
#[utoipa::path(delete, path = "/admin/stock-locations/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(InventoryWrite)), ("x-coral-audit-action" = json!("stock_location.delete"))),
    params(("id" = String, Path)),
    responses((status = 200, description = "deleted", body = AdminDeleteResponse), (status = 404, description = "not in this store", body = ErrorBody),
              (status = 409, description = "units are reserved there", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Json<AdminDeleteResponse>> {
    inventory::delete_location(&app, &actor.ctx, &id).await?;
    Ok(Json(AdminDeleteResponse::new(id, "stock_location")))
}
