//! `GET /store/regions`, `GET /store/regions/{id}` in Medusa's shape.

use axum::extract::Path;
use axum::Json;
use serde_json::{json, Value};

use crate::app::regions;
use crate::core::Result;
use crate::db::regions::RegionRow;
use crate::http::extract::{QueryPairs, Store};
use crate::http::fields::selected;

pub fn region_json(r: &RegionRow) -> Value {
    let countries: Vec<Value> = r
        .countries
        .iter()
        .map(|c| {
            json!({
                "iso_2": c.iso_2, "iso_3": c.iso_3, "num_code": c.num_code, "name": c.name,
                "display_name": c.display_name, "region_id": r.id, "metadata": null,
                "created_at": c.created_at, "updated_at": c.created_at, "deleted_at": null,
            })
        })
        .collect();
    json!({
        "id": r.id, "name": r.name, "currency_code": r.currency_code,
        "automatic_taxes": r.automatic_taxes, "metadata": r.metadata.as_ref().map(|m| &m.0),
        "created_at": r.created_at, "updated_at": r.updated_at, "deleted_at": r.deleted_at,
        "countries": countries,
    })
}

/// The store's regions with their countries.
#[utoipa::path(get, path = "/store/regions", tag = "store",
    params(("limit" = Option<i64>, Query, description = "page size, default 50"),
           ("offset" = Option<i64>, Query, description = "items to skip")),
    responses((status = 200, description = "{ regions, count, offset, limit }"),
              (status = 400, description = "missing or invalid publishable key, bad query")))]
pub async fn list(Store(ctx): Store, q: QueryPairs) -> Result<Json<Value>> {
    let (limit, offset) = q.page(50)?;
    let (rows, count) = regions::list(&ctx, limit, offset).await?;
    let regions: Vec<Value> = rows.iter().map(|r| selected(region_json(r), q.get("fields"))).collect();
    Ok(Json(
        json!({ "regions": regions, "count": count, "offset": offset, "limit": limit }),
    ))
}

/// One region of the store.
#[utoipa::path(get, path = "/store/regions/{id}", tag = "store",
    params(("id" = String, Path, description = "region id")),
    responses((status = 200, description = "{ region }"), (status = 404, description = "no such region in this store")))]
pub async fn get(Store(ctx): Store, Path(id): Path<String>, q: QueryPairs) -> Result<Json<Value>> {
    let region = regions::get(&ctx, &id).await?;
    Ok(Json(
        json!({ "region": selected(region_json(&region), q.get("fields")) }),
    ))
}
