//! `/store/customers*` and `/store/orders*`: the signed-in customer, their addresses and
//! orders. `GET /store/orders/{id}` also answers guests (the confirmation page).

use axum::extract::Path;
use axum::Json;
use serde_json::{json, Value};

use crate::app::customers::{self, CustomerAuth, ProfileIn};
use crate::app::orders;
use crate::core::{Error, Result};
use crate::db::customers::AddressFields;
use crate::db::orders::OrderFilter;
use crate::http::checkout_json;
use crate::http::extract::{JsonBody, QueryPairs, Shopper};
use crate::http::fields::selected;
use crate::http::fields::Selection;
use crate::http::order_json;

fn who(s: &Shopper) -> Result<&CustomerAuth> {
    s.customer.as_ref().ok_or_else(Error::unauthorized)
}

fn answer(c: &crate::db::customers::CustomerRow) -> Json<Value> {
    Json(json!({ "customer": checkout_json::customer(c) }))
}

/// Creates the customer of a registration token (from `/auth/customer/emailpass/register`).
#[utoipa::path(post, path = "/store/customers", tag = "store", request_body = ProfileIn,
    responses((status = 200, description = "{ customer }"), (status = 401, description = "no registration token")),
    security(("bearer" = [])))]
pub async fn create(s: Shopper, JsonBody(body): JsonBody<ProfileIn>) -> Result<Json<Value>> {
    Ok(answer(&customers::create(&s.ctx, who(&s)?, body).await?))
}

#[utoipa::path(get, path = "/store/customers/me", tag = "store",
    responses((status = 200, description = "{ customer }"), (status = 401, description = "not signed in")),
    security(("bearer" = [])))]
pub async fn me(s: Shopper, q: QueryPairs) -> Result<Json<Value>> {
    let mut c = checkout_json::customer(&customers::me(&s.ctx, who(&s)?).await?);
    Selection::select(&mut c, q.get("fields"));
    Ok(Json(json!({ "customer": c })))
}

#[utoipa::path(post, path = "/store/customers/me", tag = "store", request_body = ProfileIn,
    responses((status = 200, description = "{ customer }"), (status = 401, description = "not signed in")),
    security(("bearer" = [])))]
pub async fn update_me(s: Shopper, JsonBody(body): JsonBody<ProfileIn>) -> Result<Json<Value>> {
    Ok(answer(&customers::update_me(&s.ctx, who(&s)?, body).await?))
}

#[utoipa::path(get, path = "/store/customers/me/addresses", tag = "store",
    responses((status = 200, description = "{ addresses, count, offset, limit }"), (status = 401, description = "not signed in")),
    security(("bearer" = [])))]
pub async fn addresses(s: Shopper, q: QueryPairs) -> Result<Json<Value>> {
    let c = customers::me(&s.ctx, who(&s)?).await?;
    let list: Vec<Value> = c
        .addresses
        .0
        .iter()
        .map(|a| selected(checkout_json::customer_address(a), q.get("fields")))
        .collect();
    let n = list.len();
    Ok(Json(json!({ "addresses": list, "count": n, "offset": 0, "limit": n })))
}

#[utoipa::path(post, path = "/store/customers/me/addresses", tag = "store", request_body = AddressFields,
    responses((status = 200, description = "{ customer }"), (status = 401, description = "not signed in")),
    security(("bearer" = [])))]
pub async fn create_address(s: Shopper, JsonBody(body): JsonBody<AddressFields>) -> Result<Json<Value>> {
    Ok(answer(&customers::save_address(&s.ctx, who(&s)?, None, body).await?))
}

#[utoipa::path(get, path = "/store/customers/me/addresses/{address_id}", tag = "store",
    params(("address_id" = String, Path)),
    responses((status = 200, description = "{ address }"), (status = 404, description = "not this customer's")),
    security(("bearer" = [])))]
pub async fn address(s: Shopper, Path(id): Path<String>, q: QueryPairs) -> Result<Json<Value>> {
    let c = customers::me(&s.ctx, who(&s)?).await?;
    let found = c.addresses.0.iter().find(|a| a.id == id);
    let found = found.ok_or_else(|| Error::not_found(format!("Address with id: {id} was not found")))?;
    Ok(Json(
        json!({ "address": selected(checkout_json::customer_address(found), q.get("fields")) }),
    ))
}

#[utoipa::path(post, path = "/store/customers/me/addresses/{address_id}", tag = "store",
    params(("address_id" = String, Path)), request_body = AddressFields,
    responses((status = 200, description = "{ customer }"), (status = 404, description = "not this customer's")),
    security(("bearer" = [])))]
pub async fn update_address(
    s: Shopper,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<AddressFields>,
) -> Result<Json<Value>> {
    Ok(answer(
        &customers::save_address(&s.ctx, who(&s)?, Some(&id), body).await?,
    ))
}

#[utoipa::path(delete, path = "/store/customers/me/addresses/{address_id}", tag = "store",
    params(("address_id" = String, Path)),
    responses((status = 200, description = "{ id, object, deleted, parent }"), (status = 404, description = "not this customer's")),
    security(("bearer" = [])))]
pub async fn delete_address(s: Shopper, Path(id): Path<String>) -> Result<Json<Value>> {
    let c = customers::delete_address(&s.ctx, who(&s)?, &id).await?;
    Ok(Json(
        json!({ "id": id, "object": "customer_address", "deleted": true, "parent": checkout_json::customer(&c) }),
    ))
}

/// The signed-in customer's orders, newest first.
#[utoipa::path(get, path = "/store/orders", tag = "store",
    params(("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "{ orders, count, offset, limit }"), (status = 401, description = "not signed in")),
    security(("bearer" = [])))]
pub async fn orders(s: Shopper, q: QueryPairs) -> Result<Json<Value>> {
    let customer = who(&s)?.customer()?.to_owned();
    let (limit, offset) = q.page(50)?;
    let filter = OrderFilter {
        customer_id: Some(customer),
        ..OrderFilter::default()
    };
    let (list, count) = orders::list(&s.ctx, &filter, limit, offset).await?;
    let list: Vec<Value> = list
        .iter()
        .map(|o| {
            let mut v = order_json::order(o);
            Selection::select(&mut v, q.get("fields"));
            v
        })
        .collect();
    Ok(Json(
        json!({ "orders": list, "count": count, "offset": offset, "limit": limit }),
    ))
}

/// One order of this store (order ids are unguessable; guests use this after checkout).
#[utoipa::path(get, path = "/store/orders/{id}", tag = "store", params(("id" = String, Path)),
    responses((status = 200, description = "{ order }"), (status = 404, description = "no such order in this store")))]
pub async fn order(s: Shopper, Path(id): Path<String>, q: QueryPairs) -> Result<Json<Value>> {
    let o = orders::get(&s.ctx, &id, None).await?;
    let mut v = order_json::order(&o);
    Selection::select(&mut v, q.get("fields"));
    Ok(Json(json!({ "order": v })))
}
