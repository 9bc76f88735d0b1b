//! `/store/carts/*`: Medusa's cart routes. Every answer is `{ cart }` as it is after the
//! request; completion answers `{ type: "order", order }` or `{ type: "cart", cart, error }`.

use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Value};

use crate::app::checkout::carts::{self, CartIn, ItemIn, ItemUpdate, ShippingMethodIn};
use crate::app::checkout::complete::{self, Completion};
use crate::app::orders;
use crate::core::{Error, Result};
use crate::http::checkout_json;
use crate::http::extract::{AppState, JsonBody, Shopper, Store};
use crate::http::order_json;

fn answer(cart: &carts::Cart) -> Json<Value> {
    Json(json!({ "cart": checkout_json::cart(cart) }))
}

/// A new cart in the given region (default: the store's first), with the key's sales channel.
#[utoipa::path(post, path = "/store/carts", tag = "store", request_body = CartIn,
    responses((status = 200, description = "{ cart }"), (status = 400, description = "bad input"),
              (status = 404, description = "no such region")))]
pub async fn create(
    State(app): State<AppState>,
    shopper: Shopper,
    JsonBody(body): JsonBody<CartIn>,
) -> Result<Json<Value>> {
    let customer = shopper.customer.as_ref().map(|c| c.customer()).transpose()?;
    Ok(answer(&carts::create(&app, &shopper.ctx, customer, body).await?))
}

#[utoipa::path(get, path = "/store/carts/{id}", tag = "store", params(("id" = String, Path)),
    responses((status = 200, description = "{ cart }"), (status = 404, description = "no such cart in this store")))]
pub async fn get(State(app): State<AppState>, Store(ctx): Store, Path(id): Path<String>) -> Result<Json<Value>> {
    Ok(answer(&carts::get(&app, &ctx, &id).await?))
}

/// Email (a guest customer), addresses, region (reprices the items), locale, metadata.
#[utoipa::path(post, path = "/store/carts/{id}", tag = "store", params(("id" = String, Path)), request_body = CartIn,
    responses((status = 200, description = "{ cart }"), (status = 400, description = "bad input or completed cart"),
              (status = 404, description = "no such cart")))]
pub async fn update(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<CartIn>,
) -> Result<Json<Value>> {
    Ok(answer(&carts::update(&app, &ctx, &id, body).await?))
}

#[utoipa::path(post, path = "/store/carts/{id}/line-items", tag = "store", params(("id" = String, Path)),
    request_body = ItemIn,
    responses((status = 200, description = "{ cart }"), (status = 400, description = "unknown variant, bad quantity, no stock")))]
pub async fn add_item(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ItemIn>,
) -> Result<Json<Value>> {
    Ok(answer(&carts::add_line_item(&app, &ctx, &id, body).await?))
}

#[utoipa::path(post, path = "/store/carts/{id}/line-items/{line_id}", tag = "store",
    params(("id" = String, Path), ("line_id" = String, Path)), request_body = ItemUpdate,
    responses((status = 200, description = "{ cart }"), (status = 404, description = "no such line")))]
pub async fn update_item(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path((id, line_id)): Path<(String, String)>,
    JsonBody(body): JsonBody<ItemUpdate>,
) -> Result<Json<Value>> {
    Ok(answer(&carts::update_line_item(&app, &ctx, &id, &line_id, body).await?))
}

#[utoipa::path(delete, path = "/store/carts/{id}/line-items/{line_id}", tag = "store",
    params(("id" = String, Path), ("line_id" = String, Path)),
    responses((status = 200, description = "{ id, object, deleted, parent }"), (status = 404, description = "no such line")))]
pub async fn delete_item(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path((id, line_id)): Path<(String, String)>,
) -> Result<Json<Value>> {
    let cart = carts::delete_line_item(&app, &ctx, &id, &line_id).await?;
    Ok(Json(
        json!({ "id": line_id, "object": "line-item", "deleted": true, "parent": checkout_json::cart(&cart) }),
    ))
}

/// Gives the cart to the signed-in customer.
#[utoipa::path(post, path = "/store/carts/{id}/customer", tag = "store", params(("id" = String, Path)),
    responses((status = 200, description = "{ cart }"), (status = 401, description = "no customer token")),
    security(("bearer" = [])))]
pub async fn set_customer(
    State(app): State<AppState>,
    shopper: Shopper,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    let who = shopper.customer.as_ref().ok_or_else(Error::unauthorized)?;
    Ok(answer(
        &carts::set_customer(&app, &shopper.ctx, &id, who.customer()?).await?,
    ))
}

#[utoipa::path(post, path = "/store/carts/{id}/shipping-methods", tag = "store", params(("id" = String, Path)),
    request_body = ShippingMethodIn,
    responses((status = 200, description = "{ cart }"), (status = 400, description = "option not valid for the cart")))]
pub async fn add_shipping_method(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ShippingMethodIn>,
) -> Result<Json<Value>> {
    Ok(answer(&carts::add_shipping_method(&app, &ctx, &id, body).await?))
}

/// Places the order: payment authorised, stock taken, cart completed, in one transaction.
/// Completing a completed cart answers the same order.
#[utoipa::path(post, path = "/store/carts/{id}/complete", tag = "store", params(("id" = String, Path)),
    responses((status = 200, description = "{ type: order, order } or { type: cart, cart, error }"),
              (status = 400, description = "empty cart, no shipping method or payment, out of stock")))]
pub async fn complete(State(app): State<AppState>, Store(ctx): Store, Path(id): Path<String>) -> Result<Json<Value>> {
    match complete::complete(&app, &ctx, &id).await? {
        Completion::Order(order_id) => {
            let order = orders::get(&ctx, &order_id, None).await?;
            Ok(Json(json!({ "type": "order", "order": order_json::order(&order) })))
        }
        Completion::PaymentFailed { cart, message } => Ok(Json(json!({
            "type": "cart",
            "cart": checkout_json::cart(&cart),
            "error": { "message": message, "name": "Error", "type": "payment_authorization_error" },
        }))),
    }
}
