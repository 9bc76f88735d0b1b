//! `/store/shipping-options`, `/store/payment-collections`, `/store/payment-providers`.

use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::checkout::payments::{self, PaymentCollectionIn, SessionIn};
use crate::app::checkout::shipping;
use crate::core::{Error, Result};
use crate::http::checkout_json;
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, Path, QueryPairs, Store};
use crate::http::fields::Selected;
use crate::http::payment_json::StorePaymentCollection;
use crate::http::shipping_json::StoreCartShippingOption;

/// Medusa's `StoreShippingOptionListResponse`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreShippingOptionListResponse {
    pub shipping_options: Vec<StoreCartShippingOption>,
}

/// Medusa's `StorePaymentCollectionResponse`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StorePaymentCollectionResponse {
    pub payment_collection: StorePaymentCollection,
}

/// Medusa's `StorePaymentProvider`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StorePaymentProvider {
    pub id: String,
    pub is_enabled: bool,
}

/// Medusa's `StorePaymentProviderListResponse`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StorePaymentProviderListResponse {
    pub payment_providers: Vec<StorePaymentProvider>,
    pub count: usize,
    pub offset: i64,
    pub limit: i64,
}

/// The options a cart can ship with (its region's). 200 with a list, also before the
/// cart has an address.
#[utoipa::path(get, path = "/store/shipping-options", tag = "store",
    params(("cart_id" = String, Query, description = "the cart"),
           ("fields" = Option<String>, Query, description = "Medusa's field selection")),
    responses((status = 200, description = "The cart's shipping options", body = StoreShippingOptionListResponse),
              (status = 400, description = "cart_id missing", body = ErrorBody),
              (status = 404, description = "no such cart", body = ErrorBody)))]
pub async fn shipping_options(Store(ctx): Store, q: QueryPairs) -> Result<Selected<StoreShippingOptionListResponse>> {
    let cart_id = q
        .get("cart_id")
        .ok_or_else(|| Error::invalid("Invalid request: Field 'cart_id' is required"))?;
    let options = shipping::for_cart(&ctx, cart_id).await?;
    let body = StoreShippingOptionListResponse {
        shipping_options: options.iter().map(checkout_json::shipping_option).collect(),
    };
    Ok(Selected::new(&body, "shipping_options", q.get("fields")))
}

#[utoipa::path(post, path = "/store/payment-collections", tag = "store", request_body = PaymentCollectionIn,
    responses((status = 200, description = "The cart's payment collection", body = StorePaymentCollectionResponse),
              (status = 400, description = "bad input", body = ErrorBody),
              (status = 404, description = "no such cart", body = ErrorBody)))]
pub async fn create_collection(
    State(app): State<AppState>,
    Store(ctx): Store,
    JsonBody(body): JsonBody<PaymentCollectionIn>,
) -> Result<Json<StorePaymentCollectionResponse>> {
    let c = payments::create_collection(&app, &ctx, body).await?;
    Ok(Json(StorePaymentCollectionResponse {
        payment_collection: checkout_json::payment_collection(&c),
    }))
}

#[utoipa::path(post, path = "/store/payment-collections/{id}/payment-sessions", tag = "store",
    params(("id" = String, Path)), request_body = SessionIn,
    responses((status = 200, description = "The collection with its new session", body = StorePaymentCollectionResponse),
              (status = 400, description = "provider not enabled", body = ErrorBody),
              (status = 404, description = "no such collection or provider", body = ErrorBody)))]
pub async fn create_session(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<SessionIn>,
) -> Result<Json<StorePaymentCollectionResponse>> {
    let c = payments::create_session(&app, &ctx, &id, body).await?;
    Ok(Json(StorePaymentCollectionResponse {
        payment_collection: checkout_json::payment_collection(&c),
    }))
}

#[utoipa::path(get, path = "/store/payment-providers", tag = "store",
    params(("region_id" = String, Query, description = "the region"),
           ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query),
           ("fields" = Option<String>, Query, description = "Medusa's field selection")),
    responses((status = 200, description = "The region's payment providers", body = StorePaymentProviderListResponse),
              (status = 400, description = "region_id missing, bad limit or offset", body = ErrorBody),
              (status = 404, description = "no such region", body = ErrorBody)))]
pub async fn providers(
    State(app): State<AppState>,
    Store(ctx): Store,
    q: QueryPairs,
) -> Result<Selected<StorePaymentProviderListResponse>> {
    let region = q
        .get("region_id")
        .ok_or_else(|| Error::invalid("Invalid request: Field 'region_id' is required"))?;
    let (limit, offset) = q.page(20)?;
    let all = payments::for_region(&app, &ctx, region).await?;
    let body = StorePaymentProviderListResponse {
        payment_providers: all
            .iter()
            .skip(offset as usize)
            .take(limit as usize)
            .map(|id| StorePaymentProvider {
                id: (*id).to_owned(),
                is_enabled: true,
            })
            .collect(),
        count: all.len(),
        offset,
        limit,
    };
    Ok(Selected::new(&body, "payment_providers", q.get("fields")))
}
