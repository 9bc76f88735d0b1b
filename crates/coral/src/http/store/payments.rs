//! `/store/shipping-options`, `/store/payment-collections`, `/store/payment-providers`.

use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Value};

use crate::app::checkout::payments::{self, PaymentCollectionIn, SessionIn};
use crate::app::checkout::shipping;
use crate::core::{Error, Result};
use crate::http::checkout_json;
use crate::http::extract::{AppState, JsonBody, QueryPairs, Store};
use crate::http::fields::selected;

/// The options a cart can ship with (its region's). 200 with a list, also before the
/// cart has an address.
#[utoipa::path(get, path = "/store/shipping-options", tag = "store",
    params(("cart_id" = String, Query, description = "the cart")),
    responses((status = 200, description = "{ shipping_options }"), (status = 400, description = "cart_id missing"),
              (status = 404, description = "no such cart")))]
pub async fn shipping_options(Store(ctx): Store, q: QueryPairs) -> Result<Json<Value>> {
    let cart_id = q
        .get("cart_id")
        .ok_or_else(|| Error::invalid("Invalid request: Field 'cart_id' is required"))?;
    let options = shipping::for_cart(&ctx, cart_id).await?;
    let list: Vec<Value> = options
        .iter()
        .map(|o| selected(checkout_json::shipping_option(o), q.get("fields")))
        .collect();
    Ok(Json(json!({ "shipping_options": list })))
}

#[utoipa::path(post, path = "/store/payment-collections", tag = "store", request_body = PaymentCollectionIn,
    responses((status = 200, description = "{ payment_collection }"), (status = 404, description = "no such cart")))]
pub async fn create_collection(
    State(app): State<AppState>,
    Store(ctx): Store,
    JsonBody(body): JsonBody<PaymentCollectionIn>,
) -> Result<Json<Value>> {
    let c = payments::create_collection(&app, &ctx, body).await?;
    Ok(Json(
        json!({ "payment_collection": checkout_json::payment_collection(&c) }),
    ))
}

#[utoipa::path(post, path = "/store/payment-collections/{id}/payment-sessions", tag = "store",
    params(("id" = String, Path)), request_body = SessionIn,
    responses((status = 200, description = "{ payment_collection }"), (status = 400, description = "provider not enabled"),
              (status = 404, description = "no such collection or provider")))]
pub async fn create_session(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<SessionIn>,
) -> Result<Json<Value>> {
    let c = payments::create_session(&app, &ctx, &id, body).await?;
    Ok(Json(
        json!({ "payment_collection": checkout_json::payment_collection(&c) }),
    ))
}

#[utoipa::path(get, path = "/store/payment-providers", tag = "store",
    params(("region_id" = String, Query, description = "the region")),
    responses((status = 200, description = "{ payment_providers, count, offset, limit }"),
              (status = 400, description = "region_id missing")))]
pub async fn providers(State(app): State<AppState>, Store(ctx): Store, q: QueryPairs) -> Result<Json<Value>> {
    let region = q
        .get("region_id")
        .ok_or_else(|| Error::invalid("Invalid request: Field 'region_id' is required"))?;
    let (limit, offset) = q.page(20)?;
    let all = payments::for_region(&app, &ctx, region).await?;
    let page: Vec<Value> = all
        .iter()
        .skip(offset as usize)
        .take(limit as usize)
        .map(|id| selected(json!({ "id": id, "is_enabled": true }), q.get("fields")))
        .collect();
    Ok(Json(
        json!({ "payment_providers": page, "count": all.len(), "offset": offset, "limit": limit }),
    ))
}
