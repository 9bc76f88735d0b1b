//! The tenant's durable job queue and the dispatcher that feeds it from the outbox.
//! Every function runs in a tenant transaction (RLS), so a worker acting for store A
//! cannot claim, read or finish a job of store B.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::core::ids::new_id;
use crate::core::Result;
use crate::db::TenantTx;

/// Where a committed outbox event announces its tenant, so workers look at it at once.
pub const JOBS_CHANNEL: &str = "coral_jobs";

/// A job claimed by a worker: it holds the lease until `locked_until`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClaimedJob {
    pub id: String,
    pub kind: String,
    pub event_id: String,
    pub endpoint_id: Option<String>,
    /// Including this one.
    pub attempts: i32,
    pub max_attempts: i32,
}

/// A job as `/platform/jobs` lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct JobRow {
    pub id: String,
    pub kind: String,
    pub idempotency_key: String,
    pub event_id: String,
    pub endpoint_id: Option<String>,
    pub state: String,
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_at: DateTime<Utc>,
    pub locked_until: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An outbox event, for the job that delivers it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub id: String,
    pub event: String,
    pub payload: sqlx::types::Json<Value>,
    pub created_at: DateTime<Utc>,
}

/// Serialises the claims of one tenant (across processes) until the transaction ends,
/// so the per-tenant concurrency cap is counted and taken atomically.
pub async fn lock_tenant_queue(tx: &mut TenantTx) -> Result<()> {
    tx.lock("coral-jobs").await
}

/// Turns up to `limit` undispatched outbox events into one webhook job per matching
/// enabled endpoint, and marks the events dispatched (`delivered_at`). Events are taken
/// with `SKIP LOCKED`, and the idempotency key (event, endpoint) makes a job at most once.
/// With `email` (SMTP is configured), an `order.placed` event also makes one `email`
/// job (the order confirmation), keyed `{event_id}:email`.
/// Returns how many events were dispatched.
pub async fn dispatch(tx: &mut TenantTx, limit: i64, max_attempts: i32, email: bool) -> Result<usize> {
    let events: Vec<(String, String)> = tx
        .query_as(
            "SELECT id, event FROM outbox WHERE tenant_id = $1 AND delivered_at IS NULL \
         ORDER BY created_at, id LIMIT $2 FOR UPDATE SKIP LOCKED",
        )
        .bind(limit)
        .fetch_all(tx.conn())
        .await?;
    if events.is_empty() {
        return Ok(0);
    }
    let endpoints: Vec<(String, Vec<String>)> = tx
        .query_as("SELECT id, event_types FROM webhook_endpoints WHERE tenant_id = $1 AND enabled")
        .fetch_all(tx.conn())
        .await?;
    let (mut ids, mut kinds, mut keys, mut event_ids, mut endpoint_ids) = (vec![], vec![], vec![], vec![], vec![]);
    for (event_id, event) in &events {
        for (endpoint_id, types) in &endpoints {
            if types.iter().any(|t| t == event || t == "*") {
                ids.push(new_id("job"));
                kinds.push("webhook.deliver");
                keys.push(format!("{event_id}:{endpoint_id}"));
                event_ids.push(event_id.clone());
                endpoint_ids.push(Some(endpoint_id.clone()));
            }
        }
        if email && event == "order.placed" {
            ids.push(new_id("job"));
            kinds.push("email");
            keys.push(format!("{event_id}:email"));
            event_ids.push(event_id.clone());
            endpoint_ids.push(None);
        }
    }
    if !ids.is_empty() {
        tx.query(
            "INSERT INTO jobs (tenant_id, id, kind, idempotency_key, event_id, endpoint_id, max_attempts) \
             SELECT $1, id, kind, k, e, w, $6 \
             FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $7::text[]) AS t(id, k, e, w, kind) \
             ON CONFLICT (tenant_id, idempotency_key) DO NOTHING",
        )
        .bind(&ids)
        .bind(&keys)
        .bind(&event_ids)
        .bind(&endpoint_ids)
        .bind(max_attempts)
        .bind(&kinds)
        .execute(tx.conn())
        .await?;
    }
    let dispatched: Vec<String> = events.into_iter().map(|(id, _)| id).collect();
    tx.query("UPDATE outbox SET delivered_at = now() WHERE tenant_id = $1 AND id = ANY($2)")
        .bind(&dispatched)
        .execute(tx.conn())
        .await?;
    Ok(dispatched.len())
}

/// Jobs of the tenant whose lease has not expired (running now, in any process).
pub async fn running(tx: &mut TenantTx) -> Result<i64> {
    Ok(tx
        .query_scalar("SELECT count(*) FROM jobs WHERE tenant_id = $1 AND state = 'running' AND locked_until >= now()")
        .fetch_one(tx.conn())
        .await?)
}

/// Claims up to `n` runnable jobs, oldest first: ready ones whose time has come, and
/// running ones whose lease expired (their worker died). Each gets a lease of `lease`
/// and one more attempt.
pub async fn claim(tx: &mut TenantTx, n: i64, lease: Duration) -> Result<Vec<ClaimedJob>> {
    Ok(tx
        .query_as(
            "UPDATE jobs j SET state = 'running', attempts = j.attempts + 1, \
             locked_until = now() + make_interval(secs => $3), updated_at = now() \
         FROM (SELECT id FROM jobs \
               WHERE tenant_id = $1 AND state IN ('ready', 'running') AND run_at <= now() \
                 AND (state = 'ready' OR locked_until < now()) \
               ORDER BY run_at, id LIMIT $2 FOR UPDATE SKIP LOCKED) c \
         WHERE j.tenant_id = $1 AND j.id = c.id \
         RETURNING j.id, j.kind, j.event_id, j.endpoint_id, j.attempts, j.max_attempts",
        )
        .bind(n)
        .bind(lease.as_secs_f64())
        .fetch_all(tx.conn())
        .await?)
}

/// When the tenant's next job becomes runnable (`None`: nothing waiting).
pub async fn next_run_at(tx: &mut TenantTx) -> Result<Option<DateTime<Utc>>> {
    Ok(tx
        .query_scalar(
            "SELECT run_at FROM jobs WHERE tenant_id = $1 AND state = 'ready' \
         ORDER BY run_at LIMIT 1",
        )
        .fetch_optional(tx.conn())
        .await?)
}

/// The job's outcome. Only the holder of the lease (state `running`) can finish it.
pub enum Outcome<'a> {
    Done,
    Retry { at: DateTime<Utc>, error: &'a str },
    Dead { error: &'a str },
}

pub async fn finish(tx: &mut TenantTx, id: &str, outcome: Outcome<'_>) -> Result<()> {
    let (state, run_at, error) = match outcome {
        Outcome::Done => ("done", None, None),
        Outcome::Retry { at, error } => ("ready", Some(at), Some(error)),
        Outcome::Dead { error } => ("dead", None, Some(error)),
    };
    tx.query(
        "UPDATE jobs SET state = $3, run_at = coalesce($4, run_at), last_error = coalesce($5, last_error), \
             locked_until = NULL, updated_at = now() \
         WHERE tenant_id = $1 AND id = $2 AND state = 'running'",
    )
    .bind(id)
    .bind(state)
    .bind(run_at)
    .bind(error)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn event(tx: &mut TenantTx, id: &str) -> Result<Option<EventRow>> {
    Ok(tx
        .query_as("SELECT id, event, payload, created_at FROM outbox WHERE tenant_id = $1 AND id = $2")
        .bind(id)
        .fetch_optional(tx.conn())
        .await?)
}

/// A new delivery job of `event_id` to `endpoint_id` (manual redelivery), under a fresh
/// idempotency key: the receiver still sees the same `webhook-id` and can deduplicate.
pub async fn enqueue_redelivery(
    tx: &mut TenantTx,
    event_id: &str,
    endpoint_id: &str,
    max_attempts: i32,
) -> Result<String> {
    let id = new_id("job");
    tx.query(
        "INSERT INTO jobs (tenant_id, id, kind, idempotency_key, event_id, endpoint_id, max_attempts) \
         VALUES ($1, $2, 'webhook.deliver', $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(format!("{event_id}:{endpoint_id}:manual:{id}"))
    .bind(event_id)
    .bind(endpoint_id)
    .bind(max_attempts)
    .execute(tx.conn())
    .await?;
    Ok(id)
}

const JOB_COLUMNS: &str = "id, kind, idempotency_key, event_id, endpoint_id, state, attempts, max_attempts, \
     run_at, locked_until, last_error, created_at, updated_at";

/// The tenant's jobs, newest first, optionally in one state.
pub async fn list(tx: &mut TenantTx, state: Option<&str>, limit: i64, offset: i64) -> Result<(Vec<JobRow>, i64)> {
    let rows = tx
        .query_as(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE tenant_id = $1 AND ($2::text IS NULL OR state = $2) \
         ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4"
        ))
        .bind(state)
        .bind(limit)
        .bind(offset)
        .fetch_all(tx.conn())
        .await?;
    let count = tx
        .query_scalar("SELECT count(*) FROM jobs WHERE tenant_id = $1 AND ($2::text IS NULL OR state = $2)")
        .bind(state)
        .fetch_one(tx.conn())
        .await?;
    Ok((rows, count))
}

/// How many of the tenant's jobs are in each state.
pub async fn counts(tx: &mut TenantTx) -> Result<Vec<(String, i64)>> {
    Ok(tx
        .query_as("SELECT state, count(*) FROM jobs WHERE tenant_id = $1 GROUP BY state ORDER BY state")
        .fetch_all(tx.conn())
        .await?)
}
