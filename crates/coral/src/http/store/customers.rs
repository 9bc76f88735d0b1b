//! `/store/customers*`: the signed-in customer and their addresses.

use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::customers::AddressFields;
use crate::app::customers::{self, CustomerAuth, ProfileIn};
use crate::core::{Error, Result};
use crate::http::checkout_json;
use crate::http::customer_json::{StoreCustomer, StoreCustomerAddress};
use crate::http::error::ErrorBody;
use crate::http::extract::{JsonBody, Path, QueryPairs, Shopper};
use crate::http::fields::Selected;

/// Medusa's `StoreCustomerResponse`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreCustomerResponse {
    pub customer: StoreCustomer,
}

/// Medusa's `StoreCustomerAddressListResponse` (every address on one page).
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreCustomerAddressListResponse {
    pub addresses: Vec<StoreCustomerAddress>,
    pub count: usize,
    pub offset: i64,
    pub limit: usize,
}

/// Medusa's `StoreCustomerAddressResponse`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreCustomerAddressResponse {
    pub address: StoreCustomerAddress,
}

/// Medusa's `StoreCustomerAddressDeleteResponse`: the removed address's id, and the
/// customer after.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreCustomerAddressDeleteResponse {
    pub id: String,
    /// Always `customer_address`.
    pub object: String,
    pub deleted: bool,
    pub parent: StoreCustomer,
}

/// The signed-in customer, else 401.
pub(super) fn who(s: &Shopper) -> Result<&CustomerAuth> {
    s.customer.as_ref().ok_or_else(Error::unauthorized)
}

fn answer(c: &crate::app::customers::CustomerRow) -> Json<StoreCustomerResponse> {
    Json(StoreCustomerResponse {
        customer: checkout_json::customer(c),
    })
}

/// Creates the customer of a registration token (from `/auth/customer/emailpass/register`).
#[utoipa::path(post, path = "/store/customers", tag = "store", request_body = ProfileIn,
    responses((status = 200, description = "The new customer", body = StoreCustomerResponse),
              (status = 400, description = "bad input", body = ErrorBody),
              (status = 401, description = "no registration token", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(s: Shopper, JsonBody(body): JsonBody<ProfileIn>) -> Result<Json<StoreCustomerResponse>> {
    Ok(answer(&customers::create(&s.ctx, who(&s)?, body).await?))
}

#[utoipa::path(get, path = "/store/customers/me", tag = "store",
    params(("fields" = Option<String>, Query, description = "Medusa's field selection")),
    responses((status = 200, description = "The signed-in customer", body = StoreCustomerResponse),
              (status = 401, description = "not signed in", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn me(s: Shopper, q: QueryPairs) -> Result<Selected<StoreCustomerResponse>> {
    let customer = checkout_json::customer(&customers::me(&s.ctx, who(&s)?).await?);
    Ok(Selected::new(
        &StoreCustomerResponse { customer },
        "customer",
        q.get("fields"),
    ))
}

#[utoipa::path(post, path = "/store/customers/me", tag = "store", request_body = ProfileIn,
    responses((status = 200, description = "The customer after the change", body = StoreCustomerResponse),
              (status = 400, description = "bad input", body = ErrorBody),
              (status = 401, description = "not signed in", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_me(s: Shopper, JsonBody(body): JsonBody<ProfileIn>) -> Result<Json<StoreCustomerResponse>> {
    Ok(answer(&customers::update_me(&s.ctx, who(&s)?, body).await?))
}

#[utoipa::path(get, path = "/store/customers/me/addresses", tag = "store",
    params(("fields" = Option<String>, Query, description = "Medusa's field selection")),
    responses((status = 200, description = "The customer's addresses", body = StoreCustomerAddressListResponse),
              (status = 401, description = "not signed in", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn addresses(s: Shopper, q: QueryPairs) -> Result<Selected<StoreCustomerAddressListResponse>> {
    let c = customers::me(&s.ctx, who(&s)?).await?;
    let addresses: Vec<_> = c.addresses.0.iter().map(checkout_json::customer_address).collect();
    let n = addresses.len();
    let body = StoreCustomerAddressListResponse {
        addresses,
        count: n,
        offset: 0,
        limit: n,
    };
    Ok(Selected::new(&body, "addresses", q.get("fields")))
}

#[utoipa::path(post, path = "/store/customers/me/addresses", tag = "store", request_body = AddressFields,
    responses((status = 200, description = "The customer with the address", body = StoreCustomerResponse),
              (status = 400, description = "bad input", body = ErrorBody),
              (status = 401, description = "not signed in", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_address(
    s: Shopper,
    JsonBody(body): JsonBody<AddressFields>,
) -> Result<Json<StoreCustomerResponse>> {
    Ok(answer(&customers::save_address(&s.ctx, who(&s)?, None, body).await?))
}

#[utoipa::path(get, path = "/store/customers/me/addresses/{address_id}", tag = "store",
    params(("address_id" = String, Path), ("fields" = Option<String>, Query, description = "Medusa's field selection")),
    responses((status = 200, description = "The address", body = StoreCustomerAddressResponse),
              (status = 401, description = "not signed in", body = ErrorBody),
              (status = 404, description = "not this customer's", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn address(
    s: Shopper,
    Path(id): Path<String>,
    q: QueryPairs,
) -> Result<Selected<StoreCustomerAddressResponse>> {
    let c = customers::me(&s.ctx, who(&s)?).await?;
    let found = c.addresses.0.iter().find(|a| a.id == id);
    let found = found.ok_or_else(|| Error::not_found(format!("Address with id: {id} was not found")))?;
    let body = StoreCustomerAddressResponse {
        address: checkout_json::customer_address(found),
    };
    Ok(Selected::new(&body, "address", q.get("fields")))
}

#[utoipa::path(post, path = "/store/customers/me/addresses/{address_id}", tag = "store",
    params(("address_id" = String, Path)), request_body = AddressFields,
    responses((status = 200, description = "The customer after the change", body = StoreCustomerResponse),
              (status = 400, description = "bad input", body = ErrorBody),
              (status = 401, description = "not signed in", body = ErrorBody),
              (status = 404, description = "not this customer's", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_address(
    s: Shopper,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<AddressFields>,
) -> Result<Json<StoreCustomerResponse>> {
    Ok(answer(
        &customers::save_address(&s.ctx, who(&s)?, Some(&id), body).await?,
    ))
}

#[utoipa::path(delete, path = "/store/customers/me/addresses/{address_id}", tag = "store",
    params(("address_id" = String, Path)),
    responses((status = 200, description = "The address is gone", body = StoreCustomerAddressDeleteResponse),
              (status = 401, description = "not signed in", body = ErrorBody),
              (status = 404, description = "not this customer's", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_address(s: Shopper, Path(id): Path<String>) -> Result<Json<StoreCustomerAddressDeleteResponse>> {
    let c = customers::delete_address(&s.ctx, who(&s)?, &id).await?;
    Ok(Json(StoreCustomerAddressDeleteResponse {
        id,
        object: "customer_address".into(),
        deleted: true,
        parent: checkout_json::customer(&c),
    }))
}
