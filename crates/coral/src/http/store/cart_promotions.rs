//! `/store/carts/{id}/promotions`: add codes to a cart, or take them off. Both answer
//! `{ cart }` with its adjustments recomputed (Medusa answers the cart for DELETE too).

use axum::extract::State;
use axum::Json;
use serde::Deserialize;

use crate::app::promotions::cart;
use crate::core::Result;
use crate::http::checkout_json;
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, Path, Store};
use crate::http::store::carts::StoreCartResponse;

/// Medusa's body for both routes.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PromoCodesIn {
    pub promo_codes: Vec<String>,
}

/// Adds codes (codes match exactly; an unknown or inactive one is a 400 and changes nothing).
#[utoipa::path(post, path = "/store/carts/{id}/promotions", tag = "store", params(("id" = String, Path)),
    request_body = PromoCodesIn,
    responses((status = 200, description = "The cart with the codes", body = StoreCartResponse),
              (status = 400, description = "invalid code", body = ErrorBody),
              (status = 404, description = "no such cart", body = ErrorBody)))]
pub async fn add(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<PromoCodesIn>,
) -> Result<Json<StoreCartResponse>> {
    let c = cart::change(&app, &ctx, &id, body.promo_codes, true).await?;
    Ok(Json(StoreCartResponse {
        cart: checkout_json::cart(&c),
    }))
}

/// Takes codes off the cart (codes it does not hold are ignored).
#[utoipa::path(delete, path = "/store/carts/{id}/promotions", tag = "store", params(("id" = String, Path)),
    request_body = PromoCodesIn,
    responses((status = 200, description = "The cart without the codes", body = StoreCartResponse),
              (status = 400, description = "no promo_codes", body = ErrorBody),
              (status = 404, description = "no such cart", body = ErrorBody)))]
pub async fn remove(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<PromoCodesIn>,
) -> Result<Json<StoreCartResponse>> {
    let c = cart::change(&app, &ctx, &id, body.promo_codes, false).await?;
    Ok(Json(StoreCartResponse {
        cart: checkout_json::cart(&c),
    }))
}
