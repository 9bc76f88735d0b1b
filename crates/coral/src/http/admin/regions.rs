//! `/admin/regions`: Medusa's Admin API regions, plus a tax rate per country (each
//! country carries `tax_rate`, in percent; set through `tax_rates`).

use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Value};

use crate::app::regions::{self, RegionIn};
use crate::core::roles::Permission::{CatalogRead, CatalogWrite};
use crate::core::Result;
use crate::db::regions::RegionRow;
use crate::http::catalog_json::number;
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, QueryPairs, Staff};
use crate::http::store::regions::region_json;

fn admin_region(r: &RegionRow) -> Value {
    let mut v = region_json(r);
    if let Some(countries) = v["countries"].as_array_mut() {
        for (c, row) in countries.iter_mut().zip(&r.countries) {
            c["tax_rate"] = number(row.tax_rate);
        }
    }
    v["payment_providers"] = r
        .payment_providers
        .iter()
        .map(|p| json!({ "id": p, "is_enabled": true }))
        .collect();
    v
}

#[utoipa::path(get, path = "/admin/regions", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogRead))),
    params(("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "{ regions, count, offset, limit }")), security(("bearer" = [])))]
pub async fn list(Staff(actor): Staff, q: QueryPairs) -> Result<Json<Value>> {
    let (limit, offset) = q.page(50)?;
    let (rows, count) = regions::list(&actor.ctx, limit, offset).await?;
    let items: Vec<Value> = rows.iter().map(admin_region).collect();
    Ok(Json(
        json!({ "regions": items, "count": count, "offset": offset, "limit": limit }),
    ))
}

#[utoipa::path(post, path = "/admin/regions", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("region.create"))),
    request_body = RegionIn,
    responses((status = 200, description = "{ region }"), (status = 400, description = "invalid region", body = ErrorBody),
              (status = 422, description = "a country already belongs to another region", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(app): State<AppState>,
    Staff(actor): Staff,
    JsonBody(body): JsonBody<RegionIn>,
) -> Result<Json<Value>> {
    let r = regions::create(&app, &actor.ctx, body).await?;
    Ok(Json(json!({ "region": admin_region(&r) })))
}

#[utoipa::path(get, path = "/admin/regions/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogRead))),
    params(("id" = String, Path)),
    responses((status = 200, description = "{ region }"), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<Value>> {
    let r = regions::get(&actor.ctx, &id).await?;
    Ok(Json(json!({ "region": admin_region(&r) })))
}

#[utoipa::path(post, path = "/admin/regions/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("region.update"))),
    params(("id" = String, Path)), request_body = RegionIn,
    responses((status = 200, description = "{ region }"), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<RegionIn>,
) -> Result<Json<Value>> {
    let r = regions::update(&app, &actor.ctx, &id, body).await?;
    Ok(Json(json!({ "region": admin_region(&r) })))
}

/// Soft-deletes the region (as Medusa); its countries become free for other regions.
#[utoipa::path(delete, path = "/admin/regions/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("region.delete"))),
    params(("id" = String, Path)),
    responses((status = 200, description = "{ id, object, deleted }"), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(State(app): State<AppState>, Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<Value>> {
    regions::delete(&app, &actor.ctx, &id).await?;
    Ok(Json(json!({ "id": id, "object": "region", "deleted": true })))
}
