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
use crate::http::extract::{AppState, JsonBody, QueryPairs, Shopper, Store};
use crate::http::fields::Selection;
use crate::http::order_json;

/// `{ cart }` with the request's `fields=` applied (every cart route takes it, as in Medusa).
fn answer(cart: &carts::Cart, q: &QueryPairs) -> Json<Value> {
    Json(json!({ "cart": cart_json(cart, q) }))
}

fn cart_json(cart: &carts::Cart, q: &QueryPairs) -> Value {
    let mut v = checkout_json::cart(cart);
    Selection::select(&mut v, q.get("fields"));
    v
}

/// A new cart in the given region (default: the store's first), with the key's sales channel.
#[utoipa::path(post, path = "/store/carts", tag = "store", request_body = CartIn,
    responses((status = 200, description = "{ cart }"), (status = 400, description = "bad input"),
              (status = 404, description = "no such region")))]
pub async fn create(
    State(app): State<AppState>,
    shopper: Shopper,
    q: QueryPairs,
    JsonBody(body): JsonBody<CartIn>,
) -> Result<Json<Value>> {
    let customer = shopper.customer.as_ref().map(|c| c.customer()).transpose()?;
    Ok(answer(&carts::create(&app, &shopper.ctx, customer, body).await?, &q))
}

#[utoipa::path(get, path = "/store/carts/{id}", tag = "store", params(("id" = String, Path)),
    responses((status = 200, description = "{ cart }"), (status = 404, description = "no such cart in this store")))]
pub async fn get(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path(id): Path<String>,
    q: QueryPairs,
) -> Result<Json<Value>> {
    Ok(answer(&carts::get(&app, &ctx, &id).await?, &q))
}

/// Email (a guest customer), addresses, region (reprices the items), locale, metadata.
#[utoipa::path(post, path = "/store/carts/{id}", tag = "store", params(("id" = String, Path)), request_body = CartIn,
    responses((status = 200, description = "{ cart }"), (status = 400, description = "bad input or completed cart"),
              (status = 404, description = "no such cart")))]
pub async fn update(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path(id): Path<String>,
    q: QueryPairs,
    JsonBody(body): JsonBody<CartIn>,
) -> Result<Json<Value>> {
    Ok(answer(&carts::update(&app, &ctx, &id, body).await?, &q))
}

#[utoipa::path(post, path = "/store/carts/{id}/line-items", tag = "store", params(("id" = String, Path)),
    request_body = ItemIn,
    responses((status = 200, description = "{ cart }"), (status = 400, description = "unknown variant, bad quantity, no stock")))]
pub async fn add_item(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path(id): Path<String>,
    q: QueryPairs,
    JsonBody(body): JsonBody<ItemIn>,
) -> Result<Json<Value>> {
    Ok(answer(&carts::add_line_item(&app, &ctx, &id, body).await?, &q))
}

#[utoipa::path(post, path = "/store/carts/{id}/line-items/{line_id}", tag = "store",
    params(("id" = String, Path), ("line_id" = String, Path)), request_body = ItemUpdate,
    responses((status = 200, description = "{ cart }"), (status = 404, description = "no such line")))]
pub async fn update_item(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path((id, line_id)): Path<(String, String)>,
    q: QueryPairs,
    JsonBody(body): JsonBody<ItemUpdate>,
) -> Result<Json<Value>> {
    Ok(answer(
        &carts::update_line_item(&app, &ctx, &id, &line_id, body).await?,
        &q,
    ))
}

#[utoipa::path(delete, path = "/store/carts/{id}/line-items/{line_id}", tag = "store",
    params(("id" = String, Path), ("line_id" = String, Path)),
    responses((status = 200, description = "{ id, object, deleted, parent }"), (status = 404, description = "no such line")))]
pub async fn delete_item(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path((id, line_id)): Path<(String, String)>,
    q: QueryPairs,
) -> Result<Json<Value>> {
    let cart = carts::delete_line_item(&app, &ctx, &id, &line_id).await?;
    Ok(Json(
        json!({ "id": line_id, "object": "line-item", "deleted": true, "parent": cart_json(&cart, &q) }),
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
    q: QueryPairs,
) -> Result<Json<Value>> {
    let who = shopper.customer.as_ref().ok_or_else(Error::unauthorized)?;
    Ok(answer(
        &carts::set_customer(&app, &shopper.ctx, &id, who.customer()?).await?,
        &q,
    ))
}

#[utoipa::path(post, path = "/store/carts/{id}/shipping-methods", tag = "store", params(("id" = String, Path)),
    request_body = ShippingMethodIn,
    responses((status = 200, description = "{ cart }"), (status = 400, description = "option not valid for the cart")))]
pub async fn add_shipping_method(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path(id): Path<String>,
    q: QueryPairs,
    JsonBody(body): JsonBody<ShippingMethodIn>,
) -> Result<Json<Value>> {
    Ok(answer(&carts::add_shipping_method(&app, &ctx, &id, body).await?, &q))
}

/// Places the order: payment authorised, stock taken, cart completed, in one transaction.
/// Completing a completed cart answers the same order.
#[utoipa::path(post, path = "/store/carts/{id}/complete", tag = "store", params(("id" = String, Path)),
    responses((status = 200, description = "{ type: order, order } or { type: cart, cart, error }"),
              (status = 400, description = "empty cart, no shipping method or payment, out of stock")))]
pub async fn complete(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path(id): Path<String>,
    q: QueryPairs,
) -> Result<Json<Value>> {
    match complete::complete(app.services(), &ctx, &id).await? {
        Completion::Order(order_id) => {
            let order = orders::get(&ctx, &order_id, None).await?;
            Ok(Json(json!({ "type": "order", "order": order_json::order(&order) })))
        }
        Completion::PaymentFailed { cart, message } => Ok(Json(json!({
            "type": "cart",
            "cart": cart_json(&cart, &q),
            "error": { "message": message, "name": "Error", "type": "payment_authorization_error" },
        }))),
    }
}
