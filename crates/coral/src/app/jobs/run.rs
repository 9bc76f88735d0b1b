//! Running one claimed job under its tenant's scope. A webhook delivery reads what it
//! needs in one short transaction, sends outside any transaction (a slow endpoint holds
//! no connection), and records the attempt and the job's outcome in a second one. A
//! crash between the send and that commit leaves the job running until its lease
//! expires, and it is sent again: delivery is at least once, and receivers deduplicate
//! on `webhook-id` (the event id).

use std::time::Instant;

use chrono::Utc;
use serde_json::json;

use crate::app::Services;
use crate::config::JobsConfig;
use crate::core::webhooks::{backoff, secret_key, sign};
use crate::core::{events, Result};
use crate::db::jobs::{self, ClaimedJob, Outcome};
use crate::db::webhooks::{self, Attempt};
use crate::db::{TenantDb, TenantTx};
use crate::tenancy::Tenant;

/// The sealed-secret name of an endpoint's signing secret.
pub fn secret_name(endpoint_id: &str) -> String {
    format!("webhook:{endpoint_id}")
}

/// How a job ended, for metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    Done,
    Retry,
    Dead,
}

impl Ended {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Done => "done",
            Self::Retry => "retry",
            Self::Dead => "dead",
        }
    }
}

/// Runs `job` of `tenant`. An error leaves the job to its lease (it is retried after).
pub async fn run(app: &Services, tenant: &Tenant, job: ClaimedJob) -> Result<Ended> {
    let db = app.directory.tenant_db(tenant).await?;
    if job.attempts > job.max_attempts {
        // Claimed again after its last attempt's worker died.
        return dead(&db, &job.id, "out of attempts").await;
    }
    match job.kind.as_str() {
        "webhook.deliver" => deliver(app, &db, job).await,
        "email" => super::email::send(app, tenant, &db, job).await,
        other => dead(&db, &job.id, &format!("unknown job kind {other}")).await,
    }
}

/// Ends job `id` as dead with `error`, in its own transaction.
pub async fn dead(db: &TenantDb, id: &str, error: &str) -> Result<Ended> {
    finish(db, id, Outcome::Dead { error }).await?;
    Ok(Ended::Dead)
}

/// Ends `job` with `outcome` in its own transaction.
pub async fn finish(db: &TenantDb, id: &str, outcome: Outcome<'_>) -> Result<()> {
    let mut tx = db.begin().await?;
    jobs::finish(&mut tx, id, outcome).await?;
    tx.commit().await
}

async fn deliver(app: &Services, db: &TenantDb, job: ClaimedJob) -> Result<Ended> {
    let cfg = &app.config.jobs;
    let endpoint_id = job.endpoint_id.clone().unwrap_or_default();
    let mut tx = db.begin().await?;
    let endpoint = webhooks::for_delivery(&mut tx, &endpoint_id).await?;
    let event = jobs::event(&mut tx, &job.event_id).await?;
    tx.commit().await?;
    let (Some(webhooks::WithSecret { endpoint, sealed }), Some(event)) = (endpoint, event) else {
        return dead(db, &job.id, "endpoint or event no longer exists").await;
    };
    if !endpoint.enabled {
        return dead(db, &job.id, "endpoint is disabled").await;
    }
    let secret = app.sealer.open(db.tenant_id(), &secret_name(&endpoint.id), &sealed)?;
    let key = secret_key(&secret).unwrap_or_default();
    let body = serde_json::to_vec(&json!({
        "id": event.id,
        "type": event.event,
        "version": events::version_of(&event.event),
        "timestamp": event.created_at,
        "data": event.payload.0,
    }))
    .map_err(|e| crate::core::Error::Internal(e.into()))?;
    let timestamp = Utc::now().timestamp();
    let headers = [
        ("webhook-id", event.id.clone()),
        ("webhook-timestamp", timestamp.to_string()),
        ("webhook-signature", sign(&key, &event.id, timestamp, &body)),
    ];
    let started = Instant::now();
    let sent = app.jobs.sender.post(&endpoint.url, &headers, body).await;
    let latency_ms = started.elapsed().as_millis().min(i32::MAX as u128) as i32;
    let (succeeded, status, error) = match &sent {
        Ok(code) if (200..300).contains(code) => (true, Some(i32::from(*code)), None),
        Ok(code) => (
            false,
            Some(i32::from(*code)),
            Some(format!("endpoint answered HTTP {code}")),
        ),
        Err(e) => (false, None, Some(e.clone())),
    };
    let mut tx = db.begin().await?;
    webhooks::insert_delivery(
        &mut tx,
        &Attempt {
            endpoint_id: &endpoint.id,
            job_id: &job.id,
            event_id: &event.id,
            event_type: &event.event,
            attempt: job.attempts,
            succeeded,
            response_status: status,
            latency_ms,
            error: error.as_deref(),
        },
    )
    .await?;
    let ended = if succeeded {
        webhooks::record_success(&mut tx, &endpoint.id).await?;
        jobs::finish(&mut tx, &job.id, Outcome::Done).await?;
        Ended::Done
    } else {
        let error = error.unwrap_or_default();
        let disabled = webhooks::record_failure(&mut tx, &endpoint.id, cfg.disable_after).await?;
        if disabled {
            tracing::warn!(tenant_id = %db.tenant_id(), endpoint_id = %endpoint.id, "webhook endpoint disabled after repeated failures");
        }
        if disabled {
            jobs::finish(&mut tx, &job.id, Outcome::Dead { error: &error }).await?;
            Ended::Dead
        } else {
            retry_or_dead(&mut tx, cfg, &job, &error).await?
        }
    };
    tx.commit().await?;
    Ok(ended)
}

/// After a failed attempt: retried after the back-off (`core::webhooks::backoff`), or
/// dead when it was the last attempt.
pub async fn retry_or_dead(tx: &mut TenantTx, cfg: &JobsConfig, job: &ClaimedJob, error: &str) -> Result<Ended> {
    if job.attempts >= job.max_attempts {
        jobs::finish(tx, &job.id, Outcome::Dead { error }).await?;
        return Ok(Ended::Dead);
    }
    let wait = backoff(
        job.attempts as u32,
        cfg.retry_base,
        cfg.retry_max,
        rand::random::<f64>(),
    );
    let at = Utc::now() + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(6));
    jobs::finish(tx, &job.id, Outcome::Retry { at, error }).await?;
    Ok(Ended::Retry)
}
