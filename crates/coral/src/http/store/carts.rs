//! `/store/carts/*`: Medusa's cart routes. Every answer is `{ cart }` as it is after the
//! request; completion answers `{ type: "order", order }` or `{ type: "cart", cart, error }`.

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::checkout::carts::{self, CartIn, ItemIn, ItemUpdate, ShippingMethodIn};
use crate::app::checkout::complete::{self, Completion};
use crate::app::orders;
use crate::core::{Error, Result};
use crate::http::checkout_json::{self, StoreCart};
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, Path, QueryPairs, Shopper, Store};
use crate::http::fields::Selected;
use crate::http::order_json::{self, StoreOrder};

/// Medusa's `StoreCartResponse`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreCartResponse {
    pub cart: StoreCart,
}

/// Medusa's `StoreLineItemDeleteResponse`: the removed line's id, and the cart after.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreLineItemDeleteResponse {
    pub id: String,
    /// Always `line-item`.
    pub object: String,
    pub deleted: bool,
    pub parent: StoreCart,
}

/// Why a cart could not be completed (Medusa's `{ message, name, type }`).
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreCompleteCartError {
    pub message: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
}

/// Medusa's `StoreCompleteCartResponse`: the placed order, or the cart and why payment failed.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum StoreCompleteCartResponse {
    Order {
        order: Box<StoreOrder>,
    },
    Cart {
        cart: Box<StoreCart>,
        error: StoreCompleteCartError,
    },
}

/// `{ cart }` with the request's `fields=` applied (every cart route takes it, as in Medusa).
pub fn answer(cart: &carts::Cart, q: &QueryPairs) -> Selected<StoreCartResponse> {
    let body = StoreCartResponse {
        cart: checkout_json::cart(cart),
    };
    Selected::new(&body, "cart", q.get("fields"))
}

/// A new cart in the given region (default: the store's first), with the key's sales channel.
#[utoipa::path(post, path = "/store/carts", tag = "store", request_body = CartIn,
    params(("fields" = Option<String>, Query, description = "Medusa's field selection")),
    responses((status = 200, description = "The new cart", body = StoreCartResponse),
              (status = 400, description = "bad input", body = ErrorBody),
              (status = 404, description = "no such region", body = ErrorBody)),
    // The customer's bearer token is optional: with one, the cart is theirs.
    security((), ("bearer" = [])))]
pub async fn create(
    State(app): State<AppState>,
    shopper: Shopper,
    q: QueryPairs,
    JsonBody(body): JsonBody<CartIn>,
) -> Result<Selected<StoreCartResponse>> {
    let customer = shopper.customer.as_ref().map(|c| c.customer()).transpose()?;
    Ok(answer(&carts::create(&app, &shopper.ctx, customer, body).await?, &q))
}

#[utoipa::path(get, path = "/store/carts/{id}", tag = "store",
    params(("id" = String, Path), ("fields" = Option<String>, Query, description = "Medusa's field selection")),
    responses((status = 200, description = "The cart", body = StoreCartResponse),
              (status = 404, description = "no such cart in this store", body = ErrorBody)))]
pub async fn get(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path(id): Path<String>,
    q: QueryPairs,
) -> Result<Selected<StoreCartResponse>> {
    Ok(answer(&carts::get(&app, &ctx, &id).await?, &q))
}

/// Email (a guest customer), addresses, region (reprices the items), locale, metadata.
#[utoipa::path(post, path = "/store/carts/{id}", tag = "store", request_body = CartIn,
    params(("id" = String, Path), ("fields" = Option<String>, Query, description = "Medusa's field selection")),
    responses((status = 200, description = "The cart after the change", body = StoreCartResponse),
              (status = 400, description = "bad input or completed cart", body = ErrorBody),
              (status = 404, description = "no such cart or region", body = ErrorBody)))]
pub async fn update(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path(id): Path<String>,
    q: QueryPairs,
    JsonBody(body): JsonBody<CartIn>,
) -> Result<Selected<StoreCartResponse>> {
    Ok(answer(&carts::update(&app, &ctx, &id, body).await?, &q))
}

#[utoipa::path(post, path = "/store/carts/{id}/line-items", tag = "store", request_body = ItemIn,
    params(("id" = String, Path), ("fields" = Option<String>, Query, description = "Medusa's field selection")),
    responses((status = 200, description = "The cart with the item", body = StoreCartResponse),
              (status = 400, description = "unknown variant, bad quantity, no stock, completed cart", body = ErrorBody),
              (status = 404, description = "no such cart", body = ErrorBody)))]
pub async fn add_item(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path(id): Path<String>,
    q: QueryPairs,
    JsonBody(body): JsonBody<ItemIn>,
) -> Result<Selected<StoreCartResponse>> {
    Ok(answer(&carts::add_line_item(&app, &ctx, &id, body).await?, &q))
}

#[utoipa::path(post, path = "/store/carts/{id}/line-items/{line_id}", tag = "store",
    params(("id" = String, Path), ("line_id" = String, Path),
           ("fields" = Option<String>, Query, description = "Medusa's field selection")),
    request_body = ItemUpdate,
    responses((status = 200, description = "The cart after the change", body = StoreCartResponse),
              (status = 400, description = "bad quantity, no stock, completed cart", body = ErrorBody),
              (status = 404, description = "no such cart or line", body = ErrorBody)))]
pub async fn update_item(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path((id, line_id)): Path<(String, String)>,
    q: QueryPairs,
    JsonBody(body): JsonBody<ItemUpdate>,
) -> Result<Selected<StoreCartResponse>> {
    Ok(answer(
        &carts::update_line_item(&app, &ctx, &id, &line_id, body).await?,
        &q,
    ))
}

#[utoipa::path(delete, path = "/store/carts/{id}/line-items/{line_id}", tag = "store",
    params(("id" = String, Path), ("line_id" = String, Path),
           ("fields" = Option<String>, Query, description = "Medusa's field selection (of `parent`)")),
    responses((status = 200, description = "The line is gone", body = StoreLineItemDeleteResponse),
              (status = 400, description = "completed cart", body = ErrorBody),
              (status = 404, description = "no such cart or line", body = ErrorBody)))]
pub async fn delete_item(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path((id, line_id)): Path<(String, String)>,
    q: QueryPairs,
) -> Result<Selected<StoreLineItemDeleteResponse>> {
    let cart = carts::delete_line_item(&app, &ctx, &id, &line_id).await?;
    let body = StoreLineItemDeleteResponse {
        id: line_id,
        object: "line-item".into(),
        deleted: true,
        parent: checkout_json::cart(&cart),
    };
    Ok(Selected::new(&body, "parent", q.get("fields")))
}

/// Gives the cart to the signed-in customer.
#[utoipa::path(post, path = "/store/carts/{id}/customer", tag = "store",
    params(("id" = String, Path), ("fields" = Option<String>, Query, description = "Medusa's field selection")),
    responses((status = 200, description = "The cart, now the customer's", body = StoreCartResponse),
              (status = 400, description = "completed cart", body = ErrorBody),
              (status = 401, description = "no customer token", body = ErrorBody),
              (status = 404, description = "no such cart", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_customer(
    State(app): State<AppState>,
    shopper: Shopper,
    Path(id): Path<String>,
    q: QueryPairs,
) -> Result<Selected<StoreCartResponse>> {
    let who = shopper.customer.as_ref().ok_or_else(Error::unauthorized)?;
    Ok(answer(
        &carts::set_customer(&app, &shopper.ctx, &id, who.customer()?).await?,
        &q,
    ))
}

#[utoipa::path(post, path = "/store/carts/{id}/shipping-methods", tag = "store", request_body = ShippingMethodIn,
    params(("id" = String, Path), ("fields" = Option<String>, Query, description = "Medusa's field selection")),
    responses((status = 200, description = "The cart with the method", body = StoreCartResponse),
              (status = 400, description = "option not valid for the cart", body = ErrorBody),
              (status = 404, description = "no such cart", body = ErrorBody)))]
pub async fn add_shipping_method(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path(id): Path<String>,
    q: QueryPairs,
    JsonBody(body): JsonBody<ShippingMethodIn>,
) -> Result<Selected<StoreCartResponse>> {
    Ok(answer(&carts::add_shipping_method(&app, &ctx, &id, body).await?, &q))
}

/// Places the order: payment authorised, stock taken, cart completed, in one transaction.
/// Completing a completed cart answers the same order.
#[utoipa::path(post, path = "/store/carts/{id}/complete", tag = "store",
    params(("id" = String, Path), ("fields" = Option<String>, Query, description = "Medusa's field selection (of `cart`)")),
    responses((status = 200, description = "The order, or the cart when payment failed", body = StoreCompleteCartResponse),
              (status = 400, description = "empty cart, no shipping method or payment, out of stock", body = ErrorBody),
              (status = 404, description = "no such cart", body = ErrorBody)))]
pub async fn complete(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path(id): Path<String>,
    q: QueryPairs,
) -> Result<Selected<StoreCompleteCartResponse>> {
    let body = match complete::complete(app.services(), &ctx, &id).await? {
        Completion::Order(order_id) => {
            let order = orders::get(&ctx, &order_id, None).await?;
            StoreCompleteCartResponse::Order {
                order: Box::new(order_json::order(&order)),
            }
        }
        Completion::PaymentFailed { cart, message } => StoreCompleteCartResponse::Cart {
            cart: Box::new(checkout_json::cart(&cart)),
            error: StoreCompleteCartError {
                message,
                name: "Error".into(),
                kind: "payment_authorization_error".into(),
            },
        },
    };
    // Only the cart answer is selected (the order answer never was).
    Ok(Selected::new(&body, "cart", q.get("fields")))
}
