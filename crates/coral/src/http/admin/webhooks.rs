//! `/admin/webhooks`: the store's webhook endpoints, their delivery log, manual
//! redelivery, and the catalogue of event types they can subscribe to.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::webhooks::{self, CreateEndpoint, DeliveryRow, EndpointRow, UpdateEndpoint};
use crate::core::events::{EventType, CATALOGUE};
use crate::core::roles::Permission::{SettingsRead, SettingsWrite};
use crate::core::Result;
use crate::http::envelope::{one, page, AdminDeleteResponse};
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, Path, QueryPairs, Staff};

/// A webhook endpoint.
#[derive(Serialize, ToSchema)]
pub struct AdminWebhook {
    pub id: String,
    /// Always `webhook`.
    pub object: &'static str,
    pub url: String,
    pub description: Option<String>,
    pub event_types: Vec<String>,
    pub enabled: bool,
    /// Why Coral disabled it (after too many failures), if it did.
    pub disabled_reason: Option<String>,
    pub consecutive_failures: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The signing secret (`whsec_…`): only in the answer that created the endpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

impl From<&EndpointRow> for AdminWebhook {
    fn from(e: &EndpointRow) -> Self {
        Self {
            id: e.id.clone(),
            object: "webhook",
            url: e.url.clone(),
            description: e.description.clone(),
            event_types: e.event_types.clone(),
            enabled: e.enabled,
            disabled_reason: e.disabled_reason.clone(),
            consecutive_failures: e.consecutive_failures,
            created_at: e.created_at,
            updated_at: e.updated_at,
            secret: None,
        }
    }
}

/// One attempt to deliver an event to an endpoint.
#[derive(Serialize, ToSchema)]
pub struct AdminWebhookDelivery {
    pub id: String,
    pub webhook_id: String,
    pub job_id: String,
    pub event_id: String,
    pub event_type: String,
    pub attempt: i32,
    pub status: String,
    /// The receiver's HTTP status, when it answered.
    pub response_status: Option<i32>,
    pub latency_ms: i32,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<&DeliveryRow> for AdminWebhookDelivery {
    fn from(d: &DeliveryRow) -> Self {
        Self {
            id: d.id.clone(),
            webhook_id: d.endpoint_id.clone(),
            job_id: d.job_id.clone(),
            event_id: d.event_id.clone(),
            event_type: d.event_type.clone(),
            attempt: d.attempt,
            status: d.status.clone(),
            response_status: d.response_status,
            latency_ms: d.latency_ms,
            error: d.error.clone(),
            created_at: d.created_at,
        }
    }
}

one!(
    /// `{ webhook }`
    AdminWebhookResponse { webhook: AdminWebhook }
);
page!(
    /// `{ webhooks, count, offset, limit }`
    AdminWebhookListResponse { webhooks: AdminWebhook }
);
page!(
    /// `{ deliveries, count, offset, limit }`, newest first.
    AdminWebhookDeliveryListResponse { deliveries: AdminWebhookDelivery }
);
one!(
    /// `{ job_id }`: the job that sends the event again.
    AdminWebhookRedeliverResponse { job_id: String }
);
one!(
    /// `{ event_types }`: the event catalogue.
    AdminWebhookEventTypesResponse { event_types: &'static [EventType] }
);

fn answer(row: &EndpointRow) -> Json<AdminWebhookResponse> {
    Json(AdminWebhookResponse { webhook: row.into() })
}

#[utoipa::path(get, path = "/admin/webhooks", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsRead))),
    params(("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "a page of endpoints", body = AdminWebhookListResponse)), security(("bearer" = [])))]
pub async fn list(Staff(actor): Staff, q: QueryPairs) -> Result<Json<AdminWebhookListResponse>> {
    let (limit, offset) = q.page(50)?;
    let (rows, count) = webhooks::list(&actor.ctx, limit, offset).await?;
    Ok(Json(AdminWebhookListResponse {
        webhooks: rows.iter().map(AdminWebhook::from).collect(),
        count,
        offset,
        limit,
    }))
}

/// A new endpoint. The answer carries its signing `secret` (`whsec_…`) this once only.
#[utoipa::path(post, path = "/admin/webhooks", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("webhook.create"))),
    request_body = CreateEndpoint,
    responses((status = 200, description = "the endpoint, with its secret", body = AdminWebhookResponse),
              (status = 400, description = "bad URL, private address or unknown event type", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(app): State<AppState>,
    Staff(actor): Staff,
    JsonBody(body): JsonBody<CreateEndpoint>,
) -> Result<Json<AdminWebhookResponse>> {
    let (row, secret) = webhooks::create(&app, &actor.ctx, body).await?;
    let mut webhook = AdminWebhook::from(&row);
    webhook.secret = Some(secret);
    Ok(Json(AdminWebhookResponse { webhook }))
}

#[utoipa::path(get, path = "/admin/webhooks/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsRead))),
    params(("id" = String, Path)),
    responses((status = 200, description = "the endpoint", body = AdminWebhookResponse), (status = 404, description = "unknown webhook", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<AdminWebhookResponse>> {
    let row = webhooks::get(&actor.ctx, &id).await?;
    Ok(answer(&row))
}

/// Changes the URL, event types, description or `enabled` (re-enabling resets failures).
#[utoipa::path(post, path = "/admin/webhooks/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("webhook.update"))),
    params(("id" = String, Path)),
    request_body = UpdateEndpoint,
    responses((status = 200, description = "the endpoint", body = AdminWebhookResponse), (status = 404, description = "unknown webhook", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<UpdateEndpoint>,
) -> Result<Json<AdminWebhookResponse>> {
    let row = webhooks::update(&app, &actor.ctx, &id, body).await?;
    Ok(answer(&row))
}

#[utoipa::path(delete, path = "/admin/webhooks/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("webhook.delete"))),
    params(("id" = String, Path)),
    responses((status = 200, description = "deleted", body = AdminDeleteResponse), (status = 404, description = "unknown webhook", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<AdminDeleteResponse>> {
    webhooks::delete(&actor.ctx, &id).await?;
    Ok(Json(AdminDeleteResponse::new(id, "webhook")))
}

/// Every attempt to deliver to this endpoint, newest first: status, response code,
/// latency and attempt number.
#[utoipa::path(get, path = "/admin/webhooks/{id}/deliveries", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsRead))),
    params(("id" = String, Path), ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "a page of deliveries", body = AdminWebhookDeliveryListResponse),
              (status = 404, description = "unknown webhook", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn deliveries(
    Staff(actor): Staff,
    Path(id): Path<String>,
    q: QueryPairs,
) -> Result<Json<AdminWebhookDeliveryListResponse>> {
    let (limit, offset) = q.page(50)?;
    let (rows, count) = webhooks::deliveries(&actor.ctx, &id, limit, offset).await?;
    Ok(Json(AdminWebhookDeliveryListResponse {
        deliveries: rows.iter().map(AdminWebhookDelivery::from).collect(),
        count,
        offset,
        limit,
    }))
}

/// Sends the event of a logged delivery again (same `webhook-id`, so receivers that
/// already have it can tell).
#[utoipa::path(post, path = "/admin/webhooks/{id}/deliveries/{delivery_id}/redeliver", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("webhook.redeliver"))),
    params(("id" = String, Path), ("delivery_id" = String, Path)),
    responses((status = 200, description = "queued again", body = AdminWebhookRedeliverResponse), (status = 404, description = "unknown webhook or delivery", body = ErrorBody),
              (status = 400, description = "the webhook is disabled", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn redeliver(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path((id, delivery_id)): Path<(String, String)>,
) -> Result<Json<AdminWebhookRedeliverResponse>> {
    let job = webhooks::redeliver(&app, &actor.ctx, &id, &delivery_id).await?;
    Ok(Json(AdminWebhookRedeliverResponse { job_id: job }))
}

/// The event catalogue: names, payload versions and fields.
#[utoipa::path(get, path = "/admin/webhooks/event-types", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsRead))),
    responses((status = 200, description = "the event catalogue", body = AdminWebhookEventTypesResponse)),
    security(("bearer" = [])))]
pub async fn event_types(Staff(_actor): Staff) -> Json<AdminWebhookEventTypesResponse> {
    Json(AdminWebhookEventTypesResponse { event_types: CATALOGUE })
}
