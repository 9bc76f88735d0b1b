//! `GET /store/regions`, `GET /store/regions/{id}` in Medusa's shape.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::app::regions::{self, RegionRow};
use crate::core::Result;
use crate::http::error::ErrorBody;
use crate::http::extract::{Path, QueryPairs, Store};
use crate::http::fields::Selected;

/// Medusa's `StoreRegionCountry`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreRegionCountry {
    pub iso_2: String,
    pub iso_3: String,
    pub num_code: String,
    pub name: String,
    pub display_name: String,
    pub region_id: String,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    /// The country's tax rate in percent (`20`, `7.7`): admin answers only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<f64>)]
    pub tax_rate: Option<Value>,
}

/// Medusa's `StoreRegion`, with its countries.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreRegion {
    pub id: String,
    pub name: String,
    pub currency_code: String,
    pub automatic_taxes: bool,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub countries: Vec<StoreRegionCountry>,
}

pub fn region_json(r: &RegionRow) -> StoreRegion {
    StoreRegion {
        id: r.id.clone(),
        name: r.name.clone(),
        currency_code: r.currency_code.clone(),
        automatic_taxes: r.automatic_taxes,
        metadata: r.metadata.as_ref().map(|m| m.0.clone()),
        created_at: r.created_at,
        updated_at: r.updated_at,
        deleted_at: r.deleted_at,
        countries: r
            .countries
            .iter()
            .map(|c| StoreRegionCountry {
                iso_2: c.iso_2.clone(),
                iso_3: c.iso_3.clone(),
                num_code: c.num_code.clone(),
                name: c.name.clone(),
                display_name: c.display_name.clone(),
                region_id: r.id.clone(),
                metadata: None,
                created_at: c.created_at,
                updated_at: c.created_at,
                deleted_at: None,
                tax_rate: None,
            })
            .collect(),
    }
}

/// Medusa's `StoreRegionListResponse`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreRegionListResponse {
    pub regions: Vec<StoreRegion>,
    pub count: i64,
    pub offset: i64,
    pub limit: i64,
}

/// Medusa's `StoreRegionResponse`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreRegionResponse {
    pub region: StoreRegion,
}

/// The store's regions with their countries.
#[utoipa::path(get, path = "/store/regions", tag = "store",
    params(("limit" = Option<i64>, Query, description = "page size, default 50"),
           ("offset" = Option<i64>, Query, description = "items to skip"),
           ("fields" = Option<String>, Query, description = "Medusa's field selection")),
    responses((status = 200, description = "A page of regions", body = StoreRegionListResponse),
              (status = 400, description = "bad limit or offset", body = ErrorBody)))]
pub async fn list(Store(ctx): Store, q: QueryPairs) -> Result<Selected<StoreRegionListResponse>> {
    let (limit, offset) = q.page(50)?;
    let (rows, count) = regions::list(&ctx, limit, offset).await?;
    let body = StoreRegionListResponse {
        regions: rows.iter().map(region_json).collect(),
        count,
        offset,
        limit,
    };
    Ok(Selected::new(&body, "regions", q.get("fields")))
}

/// One region of the store.
#[utoipa::path(get, path = "/store/regions/{id}", tag = "store",
    params(("id" = String, Path, description = "region id"),
           ("fields" = Option<String>, Query, description = "Medusa's field selection")),
    responses((status = 200, description = "The region", body = StoreRegionResponse),
              (status = 404, description = "no such region in this store", body = ErrorBody)))]
pub async fn get(Store(ctx): Store, Path(id): Path<String>, q: QueryPairs) -> Result<Selected<StoreRegionResponse>> {
    let region = region_json(&regions::get(&ctx, &id).await?);
    Ok(Selected::new(
        &StoreRegionResponse { region },
        "region",
        q.get("fields"),
    ))
}
