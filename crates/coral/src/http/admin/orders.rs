//! `/admin/orders*`: list, retrieve, capture, refund, fulfil, cancel.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};

use crate::app::orders::{self, AmountIn, FulfillIn, Order, OrderFilter};
use crate::core::roles::Permission::{OrdersRead, OrdersWrite};
use crate::core::{names, Error, Result};
use crate::http::envelope::{one, page};
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, Path, QueryPairs, Staff};
use crate::http::order_json;
use crate::http::order_json::StoreOrder;

fn answer(o: &Order) -> Json<AdminOrderResponse> {
    Json(AdminOrderResponse {
        order: order_json::order(o),
    })
}

fn time(q: &QueryPairs, key: &str) -> Result<Option<DateTime<Utc>>> {
    q.get(key)
        .map(|v| {
            v.parse::<DateTime<Utc>>().map_err(|_| {
                Error::invalid(format!(
                    "Invalid request: Expected an ISO 8601 time for field '{key}', got: '{v}'"
                ))
            })
        })
        .transpose()
}

one!(
    /// `{ order }`
    AdminOrderResponse {
        order: StoreOrder,
    }
);

page!(
    /// `{ orders, count, offset, limit }`
    AdminOrderListResponse {
        orders: StoreOrder,
    }
);

/// Orders of the store, newest first; filters `status[]`, `customer_id`, `email`,
/// `created_at[gte]`, `created_at[lt]`.
#[utoipa::path(get, path = "/admin/orders", tag = "admin",
    extensions(("x-coral-permission" = json!(OrdersRead))),
    params(("status" = Option<Vec<String>>, Query), ("customer_id" = Option<String>, Query),
           ("email" = Option<String>, Query), ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "a page of orders", body = AdminOrderListResponse)), security(("bearer" = [])))]
pub async fn list(Staff(actor): Staff, q: QueryPairs) -> Result<Json<AdminOrderListResponse>> {
    let (limit, offset) = q.page(50)?;
    let filter = OrderFilter {
        customer_id: q.get("customer_id").map(str::to_owned),
        status: q.list("status"),
        email: q.get("email").map(names::parse_email).transpose()?,
        created_after: time(&q, "created_at[gte]")?,
        created_before: time(&q, "created_at[lt]")?,
    };
    let (list, count) = orders::list(&actor.ctx, &filter, limit, offset).await?;
    let list: Vec<_> = list.iter().map(order_json::order).collect();
    Ok(Json(AdminOrderListResponse {
        orders: list,
        count,
        offset,
        limit,
    }))
}

#[utoipa::path(get, path = "/admin/orders/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(OrdersRead))),
    params(("id" = String, Path)),
    responses((status = 200, description = "the order", body = AdminOrderResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<AdminOrderResponse>> {
    Ok(answer(&orders::get(&actor.ctx, &id, None).await?))
}

/// Captures the authorised payment in full.
#[utoipa::path(post, path = "/admin/orders/{id}/capture", tag = "admin",
    extensions(("x-coral-permission" = json!(OrdersWrite)), ("x-coral-audit-action" = json!("order.capture"))),
    params(("id" = String, Path)),
    responses((status = 200, description = "the order", body = AdminOrderResponse), (status = 400, description = "canceled, or the gateway refused", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn capture(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Json<AdminOrderResponse>> {
    Ok(answer(&orders::capture(app.services(), &actor.ctx, &id).await?))
}

/// Refunds `amount` of the captured payment (default: all of it).
#[utoipa::path(post, path = "/admin/orders/{id}/refund", tag = "admin",
    extensions(("x-coral-permission" = json!(OrdersWrite)), ("x-coral-audit-action" = json!("order.refund"))),
    params(("id" = String, Path)),
    request_body = AmountIn,
    responses((status = 200, description = "the order", body = AdminOrderResponse), (status = 400, description = "more than captured", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn refund(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<AmountIn>,
) -> Result<Json<AdminOrderResponse>> {
    Ok(answer(&orders::refund(app.services(), &actor.ctx, &id, body).await?))
}

#[utoipa::path(post, path = "/admin/orders/{id}/fulfillments", tag = "admin",
    extensions(("x-coral-permission" = json!(OrdersWrite)), ("x-coral-audit-action" = json!("order.fulfill"))),
    params(("id" = String, Path)),
    request_body = FulfillIn,
    responses((status = 200, description = "the order", body = AdminOrderResponse), (status = 400, description = "more than left to fulfil", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn fulfill(
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<FulfillIn>,
) -> Result<Json<AdminOrderResponse>> {
    Ok(answer(&orders::fulfill(&actor.ctx, &id, body).await?))
}

/// Cancels: voids uncaptured payments and restocks.
#[utoipa::path(post, path = "/admin/orders/{id}/cancel", tag = "admin",
    extensions(("x-coral-permission" = json!(OrdersWrite)), ("x-coral-audit-action" = json!("order.cancel"))),
    params(("id" = String, Path)),
    responses((status = 200, description = "the order", body = AdminOrderResponse), (status = 400, description = "fulfilled or captured", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn cancel(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Json<AdminOrderResponse>> {
    Ok(answer(&orders::cancel(app.services(), &actor.ctx, &id).await?))
}
