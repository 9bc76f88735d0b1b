//! `/platform/jobs`: the background job queue, for the operator.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::app::jobs::report;
use crate::core::{Error, Result};
use crate::db::jobs::JobRow;
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, Platform, QueryPairs};

fn job_json(j: &JobRow) -> Value {
    json!({
        "id": j.id, "kind": j.kind, "idempotency_key": j.idempotency_key, "event_id": j.event_id,
        "webhook_id": j.endpoint_id, "state": j.state, "attempts": j.attempts, "max_attempts": j.max_attempts,
        "run_at": j.run_at, "locked_until": j.locked_until, "last_error": j.last_error,
        "created_at": j.created_at, "updated_at": j.updated_at,
    })
}

/// With `tenant_id`: that store's jobs (newest first, optionally in one `state`) and
/// its counts by state. Without: every store's counts by state, and the totals.
#[utoipa::path(get, path = "/platform/jobs", tag = "platform",
    extensions(("x-coral-permission" = json!("platform"))),
    params(("tenant_id" = Option<String>, Query, description = "a store's id or handle"),
           ("state" = Option<String>, Query, description = "ready, running, done or dead"),
           ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "{ jobs, count, offset, limit, counts } or { tenants, counts }"),
              (status = 400, description = "bad state", body = ErrorBody), (status = 404, description = "unknown tenant", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(State(app): State<AppState>, _: Platform, q: QueryPairs) -> Result<Json<Value>> {
    let (limit, offset) = q.page(50)?;
    let state = report::check_state(q.get("state"))?;
    let Some(tenant) = q.get("tenant_id") else {
        let (per, total) = report::all_counts(&app).await?;
        let tenants: Vec<Value> = per
            .iter()
            .map(|(t, c)| json!({ "tenant_id": t.id.as_str(), "handle": t.handle, "counts": c }))
            .collect();
        return Ok(Json(json!({ "tenants": tenants, "counts": total })));
    };
    let t = app
        .directory
        .by_id_or_handle(tenant)
        .ok_or_else(|| Error::not_found(format!("Tenant {tenant} not found")))?;
    let (rows, count, counts) = report::tenant_jobs(&app, &t, state, limit, offset).await?;
    let list: Vec<Value> = rows.iter().map(job_json).collect();
    Ok(Json(
        json!({ "jobs": list, "count": count, "offset": offset, "limit": limit, "counts": counts }),
    ))
}
