//! `/store/orders*`: the signed-in customer's orders; `GET /store/orders/{id}` also
//! answers guests (the confirmation page).

use serde::Serialize;
use utoipa::ToSchema;

use crate::app::orders::{self, OrderFilter};
use crate::core::Result;
use crate::http::error::ErrorBody;
use crate::http::extract::{Path, QueryPairs, Shopper};
use crate::http::fields::Selected;
use crate::http::order_json::{self, StoreOrder};
use crate::http::store::customers::who;

/// Medusa's `StoreOrderListResponse`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreOrderListResponse {
    pub orders: Vec<StoreOrder>,
    pub count: i64,
    pub offset: i64,
    pub limit: i64,
}

/// Medusa's `StoreOrderResponse`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreOrderResponse {
    pub order: StoreOrder,
}

/// The signed-in customer's orders, newest first.
#[utoipa::path(get, path = "/store/orders", tag = "store",
    params(("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query),
           ("fields" = Option<String>, Query, description = "Medusa's field selection")),
    responses((status = 200, description = "A page of the customer's orders", body = StoreOrderListResponse),
              (status = 400, description = "bad limit or offset", body = ErrorBody),
              (status = 401, description = "not signed in", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn orders(s: Shopper, q: QueryPairs) -> Result<Selected<StoreOrderListResponse>> {
    let customer = who(&s)?.customer()?.to_owned();
    let (limit, offset) = q.page(50)?;
    let filter = OrderFilter {
        customer_id: Some(customer),
        ..OrderFilter::default()
    };
    let (list, count) = orders::list(&s.ctx, &filter, limit, offset).await?;
    let body = StoreOrderListResponse {
        orders: list.iter().map(order_json::order).collect(),
        count,
        offset,
        limit,
    };
    Ok(Selected::new(&body, "orders", q.get("fields")))
}

/// One order of this store (order ids are unguessable; guests use this after checkout).
#[utoipa::path(get, path = "/store/orders/{id}", tag = "store",
    params(("id" = String, Path), ("fields" = Option<String>, Query, description = "Medusa's field selection")),
    responses((status = 200, description = "The order", body = StoreOrderResponse),
              (status = 404, description = "no such order in this store", body = ErrorBody)),
    security((), ("bearer" = [])))]
pub async fn order(s: Shopper, Path(id): Path<String>, q: QueryPairs) -> Result<Selected<StoreOrderResponse>> {
    let order = order_json::order(&orders::get(&s.ctx, &id, None).await?);
    Ok(Selected::new(&StoreOrderResponse { order }, "order", q.get("fields")))
}
