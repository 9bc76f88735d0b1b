//! `/admin/webhooks`: the store's webhook endpoints, their delivery log, manual
//! redelivery, and the catalogue of event types they can subscribe to.

use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Value};

use crate::app::webhooks::{self, CreateEndpoint, UpdateEndpoint};
use crate::core::events::{EventType, CATALOGUE};
use crate::core::roles::Permission::{SettingsRead, SettingsWrite};
use crate::core::Result;
use crate::db::webhooks::{DeliveryRow, EndpointRow};
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, QueryPairs, Staff};

fn endpoint_json(e: &EndpointRow) -> Value {
    json!({
        "id": e.id, "object": "webhook", "url": e.url, "description": e.description,
        "event_types": e.event_types, "enabled": e.enabled, "disabled_reason": e.disabled_reason,
        "consecutive_failures": e.consecutive_failures, "created_at": e.created_at, "updated_at": e.updated_at,
    })
}

fn delivery_json(d: &DeliveryRow) -> Value {
    json!({
        "id": d.id, "webhook_id": d.endpoint_id, "job_id": d.job_id, "event_id": d.event_id,
        "event_type": d.event_type, "attempt": d.attempt, "status": d.status,
        "response_status": d.response_status, "latency_ms": d.latency_ms, "error": d.error,
        "created_at": d.created_at,
    })
}

#[utoipa::path(get, path = "/admin/webhooks", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsRead))),
    params(("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "{ webhooks, count, offset, limit }")), security(("bearer" = [])))]
pub async fn list(Staff(actor): Staff, q: QueryPairs) -> Result<Json<Value>> {
    let (limit, offset) = q.page(50)?;
    let (rows, count) = webhooks::list(&actor.ctx, limit, offset).await?;
    let list: Vec<Value> = rows.iter().map(endpoint_json).collect();
    Ok(Json(
        json!({ "webhooks": list, "count": count, "offset": offset, "limit": limit }),
    ))
}

/// A new endpoint. The answer carries its signing `secret` (`whsec_…`) this once only.
#[utoipa::path(post, path = "/admin/webhooks", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("webhook.create"))),
    request_body = CreateEndpoint,
    responses((status = 200, description = "{ webhook } with its secret"),
              (status = 400, description = "bad URL, private address or unknown event type", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(app): State<AppState>,
    Staff(actor): Staff,
    JsonBody(body): JsonBody<CreateEndpoint>,
) -> Result<Json<Value>> {
    let (row, secret) = webhooks::create(&app, &actor.ctx, body).await?;
    let mut out = endpoint_json(&row);
    out["secret"] = json!(secret);
    Ok(Json(json!({ "webhook": out })))
}

#[utoipa::path(get, path = "/admin/webhooks/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsRead))),
    params(("id" = String, Path)),
    responses((status = 200, description = "{ webhook }"), (status = 404, description = "unknown webhook", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<Value>> {
    let row = webhooks::get(&actor.ctx, &id).await?;
    Ok(Json(json!({ "webhook": endpoint_json(&row) })))
}

/// Changes the URL, event types, description or `enabled` (re-enabling resets failures).
#[utoipa::path(post, path = "/admin/webhooks/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("webhook.update"))),
    params(("id" = String, Path)),
    request_body = UpdateEndpoint,
    responses((status = 200, description = "{ webhook }"), (status = 404, description = "unknown webhook", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<UpdateEndpoint>,
) -> Result<Json<Value>> {
    let row = webhooks::update(&app, &actor.ctx, &id, body).await?;
    Ok(Json(json!({ "webhook": endpoint_json(&row) })))
}

#[utoipa::path(delete, path = "/admin/webhooks/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("webhook.delete"))),
    params(("id" = String, Path)),
    responses((status = 200, description = "{ id, object, deleted }"), (status = 404, description = "unknown webhook", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<Value>> {
    webhooks::delete(&actor.ctx, &id).await?;
    Ok(Json(json!({ "id": id, "object": "webhook", "deleted": true })))
}

/// Every attempt to deliver to this endpoint, newest first: status, response code,
/// latency and attempt number.
#[utoipa::path(get, path = "/admin/webhooks/{id}/deliveries", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsRead))),
    params(("id" = String, Path), ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "{ deliveries, count, offset, limit }"),
              (status = 404, description = "unknown webhook", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn deliveries(Staff(actor): Staff, Path(id): Path<String>, q: QueryPairs) -> Result<Json<Value>> {
    let (limit, offset) = q.page(50)?;
    let (rows, count) = webhooks::deliveries(&actor.ctx, &id, limit, offset).await?;
    let list: Vec<Value> = rows.iter().map(delivery_json).collect();
    Ok(Json(
        json!({ "deliveries": list, "count": count, "offset": offset, "limit": limit }),
    ))
}

/// Sends the event of a logged delivery again (same `webhook-id`, so receivers that
/// already have it can tell).
#[utoipa::path(post, path = "/admin/webhooks/{id}/deliveries/{delivery_id}/redeliver", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("webhook.redeliver"))),
    params(("id" = String, Path), ("delivery_id" = String, Path)),
    responses((status = 200, description = "{ job_id }"), (status = 404, description = "unknown webhook or delivery", body = ErrorBody),
              (status = 400, description = "the webhook is disabled", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn redeliver(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path((id, delivery_id)): Path<(String, String)>,
) -> Result<Json<Value>> {
    let job = webhooks::redeliver(&app, &actor.ctx, &id, &delivery_id).await?;
    Ok(Json(json!({ "job_id": job })))
}

/// The event catalogue: names, payload versions and fields.
#[utoipa::path(get, path = "/admin/webhooks/event-types", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsRead))),
    responses((status = 200, description = "{ event_types }", body = inline(Vec<EventType>))),
    security(("bearer" = [])))]
pub async fn event_types(Staff(_actor): Staff) -> Json<Value> {
    Json(json!({ "event_types": CATALOGUE }))
}
