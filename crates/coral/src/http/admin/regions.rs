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
use crate::http::envelope::{one, page, AdminDeleteResponse};
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, QueryPairs, Staff};
use crate::http::store::regions::region_json;

/// The store's region JSON plus what staff see: tax rates and payment providers.
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
        // extends the store-rendered region (typed by store part)
        .map(|p| json!({ "id": p, "is_enabled": true }))
        .collect();
    v
}

one!(
    /// `{ region }`
    AdminRegionResponse {
        #[schema(value_type = Object)] // typed by store part
        region: Value,
    }
);

page!(
    /// `{ regions, count, offset, limit }`
    AdminRegionListResponse {
        #[schema(value_type = Vec<Object>)] // typed by store part
        regions: Value,
    }
);

#[utoipa::path(get, path = "/admin/regions", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogRead))),
    params(("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "a page of regions", body = AdminRegionListResponse)), security(("bearer" = [])))]
pub async fn list(Staff(actor): Staff, q: QueryPairs) -> Result<Json<AdminRegionListResponse>> {
    let (limit, offset) = q.page(50)?;
    let (rows, count) = regions::list(&actor.ctx, limit, offset).await?;
    let items: Vec<Value> = rows.iter().map(admin_region).collect();
    Ok(Json(AdminRegionListResponse {
        regions: items,
        count,
        offset,
        limit,
    }))
}

#[utoipa::path(post, path = "/admin/regions", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("region.create"))),
    request_body = RegionIn,
    responses((status = 200, description = "the region", body = AdminRegionResponse), (status = 400, description = "invalid region", body = ErrorBody),
              (status = 422, description = "a country already belongs to another region", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(app): State<AppState>,
    Staff(actor): Staff,
    JsonBody(body): JsonBody<RegionIn>,
) -> Result<Json<AdminRegionResponse>> {
    let r = regions::create(&app, &actor.ctx, body).await?;
    Ok(Json(AdminRegionResponse {
        region: admin_region(&r),
    }))
}

#[utoipa::path(get, path = "/admin/regions/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogRead))),
    params(("id" = String, Path)),
    responses((status = 200, description = "the region", body = AdminRegionResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<AdminRegionResponse>> {
    let r = regions::get(&actor.ctx, &id).await?;
    Ok(Json(AdminRegionResponse {
        region: admin_region(&r),
    }))
}

#[utoipa::path(post, path = "/admin/regions/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("region.update"))),
    params(("id" = String, Path)), request_body = RegionIn,
    responses((status = 200, description = "the region", body = AdminRegionResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<RegionIn>,
) -> Result<Json<AdminRegionResponse>> {
    let r = regions::update(&app, &actor.ctx, &id, body).await?;
    Ok(Json(AdminRegionResponse {
        region: admin_region(&r),
    }))
}

/// Soft-deletes the region (as Medusa); its countries become free for other regions.
#[utoipa::path(delete, path = "/admin/regions/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("region.delete"))),
    params(("id" = String, Path)),
    responses((status = 200, description = "deleted", body = AdminDeleteResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Json<AdminDeleteResponse>> {
    regions::delete(&app, &actor.ctx, &id).await?;
    Ok(Json(AdminDeleteResponse::new(id, "region")))
}
