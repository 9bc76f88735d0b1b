//! `/platform/audit-log`: every audit record, the platform's and every store's.

use axum::extract::State;
use axum::Json;

use crate::app::audit;
use crate::core::Result;
use crate::http::audit_json::{filter, page, AuditLogListResponse};
use crate::http::extract::{AppState, Platform, QueryPairs};

/// Newest first: platform actions (tenants, plans, placements; `tenant_id` null for
/// the platform-wide ones) and every store's staff actions. `offset + limit` ≤ 10000.
#[utoipa::path(get, path = "/platform/audit-log", tag = "platform",
    extensions(("x-coral-permission" = json!("platform"))),
    params(("tenant_id" = Option<String>, Query, description = "one store's records (id or handle)"),
           ("actor_id" = Option<String>, Query), ("action" = Option<String>, Query),
           ("resource_type" = Option<String>, Query), ("resource_id" = Option<String>, Query),
           ("from" = Option<String>, Query), ("to" = Option<String>, Query),
           ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "a page of records", body = AuditLogListResponse)), security(("bearer" = [])))]
pub async fn list(State(app): State<AppState>, _: Platform, q: QueryPairs) -> Result<Json<AuditLogListResponse>> {
    let (limit, offset) = q.page(50)?;
    let mut f = filter(&q, true)?;
    if let Some(t) = f.tenant_id.as_deref().and_then(|t| app.directory.by_id_or_handle(t)) {
        f.tenant_id = Some(t.id.as_str().to_owned());
    }
    let (rows, count) = audit::list_all(&app, &f, limit, offset).await?;
    Ok(Json(page(&rows, count, offset, limit)))
}
