//! `/platform/jobs`: the background job queue, for the operator.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::jobs::report::{self, Counts, JobRow};
use crate::core::{Error, Result};
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, Platform, QueryPairs};

/// A background job (today: a webhook delivery).
#[derive(Serialize, ToSchema)]
pub struct PlatformJob {
    pub id: String,
    pub kind: String,
    pub idempotency_key: String,
    pub event_id: String,
    pub webhook_id: Option<String>,
    /// `ready`, `running`, `done` or `dead`.
    pub state: String,
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_at: DateTime<Utc>,
    pub locked_until: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&JobRow> for PlatformJob {
    fn from(j: &JobRow) -> Self {
        Self {
            id: j.id.clone(),
            kind: j.kind.clone(),
            idempotency_key: j.idempotency_key.clone(),
            event_id: j.event_id.clone(),
            webhook_id: j.endpoint_id.clone(),
            state: j.state.clone(),
            attempts: j.attempts,
            max_attempts: j.max_attempts,
            run_at: j.run_at,
            locked_until: j.locked_until,
            last_error: j.last_error.clone(),
            created_at: j.created_at,
            updated_at: j.updated_at,
        }
    }
}

/// One store's job counts by state.
#[derive(Serialize, ToSchema)]
pub struct TenantJobCounts {
    pub tenant_id: String,
    pub handle: String,
    /// State → jobs, every state present.
    pub counts: Counts,
}

/// Without `tenant_id`: `{ tenants, counts }`; with it: `{ jobs, count, offset, limit,
/// counts }` (one store's page of jobs and its counts).
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum PlatformJobsResponse {
    All {
        tenants: Vec<TenantJobCounts>,
        /// Totals over every store, by state.
        counts: Counts,
    },
    Tenant {
        jobs: Vec<PlatformJob>,
        count: i64,
        offset: i64,
        limit: i64,
        counts: Counts,
    },
}

/// With `tenant_id`: that store's jobs (newest first, optionally in one `state`) and
/// its counts by state. Without: every store's counts by state, and the totals.
#[utoipa::path(get, path = "/platform/jobs", tag = "platform",
    extensions(("x-coral-permission" = json!("platform"))),
    params(("tenant_id" = Option<String>, Query, description = "a store's id or handle"),
           ("state" = Option<String>, Query, description = "ready, running, done or dead"),
           ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "every store's counts, or one store's jobs", body = PlatformJobsResponse),
              (status = 400, description = "bad state", body = ErrorBody), (status = 404, description = "unknown tenant", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(State(app): State<AppState>, _: Platform, q: QueryPairs) -> Result<Json<PlatformJobsResponse>> {
    let (limit, offset) = q.page(50)?;
    let state = report::check_state(q.get("state"))?;
    let Some(tenant) = q.get("tenant_id") else {
        let (per, total) = report::all_counts(&app).await?;
        let tenants = per
            .into_iter()
            .map(|(t, counts)| TenantJobCounts {
                tenant_id: t.id.as_str().to_owned(),
                handle: t.handle.clone(),
                counts,
            })
            .collect();
        return Ok(Json(PlatformJobsResponse::All { tenants, counts: total }));
    };
    let t = app
        .directory
        .by_id_or_handle(tenant)
        .ok_or_else(|| Error::not_found(format!("Tenant {tenant} not found")))?;
    let (rows, count, counts) = report::tenant_jobs(&app, &t, state, limit, offset).await?;
    Ok(Json(PlatformJobsResponse::Tenant {
        jobs: rows.iter().map(PlatformJob::from).collect(),
        count,
        offset,
        limit,
        counts,
    }))
}
