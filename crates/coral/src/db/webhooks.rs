//! A store's webhook endpoints and their delivery log. The signing secret is stored
//! sealed only (`adapters::sealer::Sealer`); rows here never carry it in the clear.

use chrono::{DateTime, Utc};

use crate::core::ids::new_id;
use crate::core::Result;
use crate::db::TenantTx;

/// An endpoint as the admin API shows it (no secret).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EndpointRow {
    pub id: String,
    pub url: String,
    pub description: Option<String>,
    pub event_types: Vec<String>,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub consecutive_failures: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str =
    "id, url, description, event_types, enabled, disabled_reason, consecutive_failures, created_at, updated_at";

/// What a create or update writes.
pub struct EndpointFields<'a> {
    pub url: &'a str,
    pub description: Option<&'a str>,
    pub event_types: &'a [String],
    pub enabled: bool,
}

pub async fn insert(tx: &mut TenantTx, id: &str, f: &EndpointFields<'_>, sealed: &[u8]) -> Result<()> {
    tx.query(
        "INSERT INTO webhook_endpoints (tenant_id, id, url, description, event_types, sealed, enabled) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(f.url)
    .bind(f.description)
    .bind(f.event_types)
    .bind(sealed)
    .bind(f.enabled)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Replaces the editable fields. Enabling clears the failure count and the reason.
pub async fn update(tx: &mut TenantTx, id: &str, f: &EndpointFields<'_>) -> Result<bool> {
    let done = tx
        .query(
            "UPDATE webhook_endpoints SET url = $3, description = $4, event_types = $5, enabled = $6, \
             disabled_reason = CASE WHEN $6 THEN NULL ELSE disabled_reason END, \
             consecutive_failures = CASE WHEN $6 AND NOT enabled THEN 0 ELSE consecutive_failures END, \
             updated_at = now() \
         WHERE tenant_id = $1 AND id = $2",
        )
        .bind(id)
        .bind(f.url)
        .bind(f.description)
        .bind(f.event_types)
        .bind(f.enabled)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete(tx: &mut TenantTx, id: &str) -> Result<bool> {
    let done = tx
        .query("DELETE FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2")
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn get(tx: &mut TenantTx, id: &str) -> Result<Option<EndpointRow>> {
    Ok(tx
        .query_as(&format!(
            "SELECT {COLUMNS} FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(id)
        .fetch_optional(tx.conn())
        .await?)
}

pub async fn list(tx: &mut TenantTx, limit: i64, offset: i64) -> Result<(Vec<EndpointRow>, i64)> {
    let rows = tx
        .query_as(&format!(
            "SELECT {COLUMNS} FROM webhook_endpoints WHERE tenant_id = $1 ORDER BY created_at, id LIMIT $2 OFFSET $3"
        ))
        .bind(limit)
        .bind(offset)
        .fetch_all(tx.conn())
        .await?;
    let count = tx
        .query_scalar("SELECT count(*) FROM webhook_endpoints WHERE tenant_id = $1")
        .fetch_one(tx.conn())
        .await?;
    Ok((rows, count))
}

/// An endpoint with its sealed signing secret, for a delivery.
#[derive(sqlx::FromRow)]
pub struct WithSecret {
    #[sqlx(flatten)]
    pub endpoint: EndpointRow,
    pub sealed: Vec<u8>,
}

pub async fn for_delivery(tx: &mut TenantTx, id: &str) -> Result<Option<WithSecret>> {
    Ok(tx
        .query_as(&format!(
            "SELECT {COLUMNS}, sealed FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(id)
        .fetch_optional(tx.conn())
        .await?)
}

/// Counts a failed attempt; at `disable_after` consecutive failures the endpoint is
/// disabled with a reason. Returns whether this call disabled it.
pub async fn record_failure(tx: &mut TenantTx, id: &str, disable_after: i32) -> Result<bool> {
    let disabled: Option<bool> = tx
        .query_scalar(
            "UPDATE webhook_endpoints SET consecutive_failures = consecutive_failures + 1, \
             enabled = enabled AND consecutive_failures + 1 < $3, \
             disabled_reason = CASE WHEN enabled AND consecutive_failures + 1 >= $3 \
                 THEN 'disabled after ' || (consecutive_failures + 1) || ' consecutive failed deliveries' \
                 ELSE disabled_reason END, \
             updated_at = now() \
         WHERE tenant_id = $1 AND id = $2 \
         RETURNING NOT enabled AND consecutive_failures = $3",
        )
        .bind(id)
        .bind(disable_after)
        .fetch_optional(tx.conn())
        .await?;
    Ok(disabled.unwrap_or(false))
}

/// A success resets the failure count.
pub async fn record_success(tx: &mut TenantTx, id: &str) -> Result<()> {
    tx.query(
        "UPDATE webhook_endpoints SET consecutive_failures = 0 \
         WHERE tenant_id = $1 AND id = $2 AND consecutive_failures <> 0",
    )
    .bind(id)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// One attempt of a delivery, as the log shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeliveryRow {
    pub id: String,
    pub endpoint_id: String,
    pub job_id: String,
    pub event_id: String,
    pub event_type: String,
    pub attempt: i32,
    pub status: String,
    pub response_status: Option<i32>,
    pub latency_ms: i32,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// What one attempt did.
pub struct Attempt<'a> {
    pub endpoint_id: &'a str,
    pub job_id: &'a str,
    pub event_id: &'a str,
    pub event_type: &'a str,
    pub attempt: i32,
    pub succeeded: bool,
    pub response_status: Option<i32>,
    pub latency_ms: i32,
    pub error: Option<&'a str>,
}

pub async fn insert_delivery(tx: &mut TenantTx, a: &Attempt<'_>) -> Result<()> {
    tx.query(
        "INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, job_id, event_id, event_type, attempt, \
             status, response_status, latency_ms, error) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(new_id("whd"))
    .bind(a.endpoint_id)
    .bind(a.job_id)
    .bind(a.event_id)
    .bind(a.event_type)
    .bind(a.attempt)
    .bind(if a.succeeded { "succeeded" } else { "failed" })
    .bind(a.response_status)
    .bind(a.latency_ms)
    .bind(a.error)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// The endpoint's attempts, newest first.
pub async fn deliveries(
    tx: &mut TenantTx,
    endpoint_id: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<DeliveryRow>, i64)> {
    let rows = tx
        .query_as(
            "SELECT id, endpoint_id, job_id, event_id, event_type, attempt, status, response_status, latency_ms, \
             error, created_at \
         FROM webhook_deliveries WHERE tenant_id = $1 AND endpoint_id = $2 \
         ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4",
        )
        .bind(endpoint_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(tx.conn())
        .await?;
    let count = tx
        .query_scalar("SELECT count(*) FROM webhook_deliveries WHERE tenant_id = $1 AND endpoint_id = $2")
        .bind(endpoint_id)
        .fetch_one(tx.conn())
        .await?;
    Ok((rows, count))
}

/// The event and endpoint of one logged attempt (manual redelivery starts from it).
pub async fn delivery_event(tx: &mut TenantTx, endpoint_id: &str, delivery_id: &str) -> Result<Option<String>> {
    Ok(tx
        .query_scalar("SELECT event_id FROM webhook_deliveries WHERE tenant_id = $1 AND endpoint_id = $2 AND id = $3")
        .bind(endpoint_id)
        .bind(delivery_id)
        .fetch_optional(tx.conn())
        .await?)
}
