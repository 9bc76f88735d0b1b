//! `/admin/audit-log`: the store's own audit trail, read-only.

use axum::Json;

use crate::app::audit;
use crate::core::roles::Permission::AuditRead;
use crate::core::Result;
use crate::http::audit_json::{filter, page, AuditLogListResponse};
use crate::http::extract::{QueryPairs, Staff};

/// Newest first. Every successful change made through `/admin` has exactly one record:
/// actor, action, resource, changed fields before/after (secrets masked), request id and
/// client address.
#[utoipa::path(get, path = "/admin/audit-log", tag = "admin",
    extensions(("x-coral-permission" = json!(AuditRead))),
    params(("actor_id" = Option<String>, Query), ("action" = Option<String>, Query, description = "e.g. product.update"),
           ("resource_type" = Option<String>, Query), ("resource_id" = Option<String>, Query),
           ("from" = Option<String>, Query, description = "RFC 3339, inclusive"), ("to" = Option<String>, Query, description = "RFC 3339, exclusive"),
           ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "a page of records", body = AuditLogListResponse)), security(("bearer" = [])))]
pub async fn list(Staff(actor): Staff, q: QueryPairs) -> Result<Json<AuditLogListResponse>> {
    let (limit, offset) = q.page(50)?;
    let (rows, count) = audit::list(&actor.ctx, &filter(&q, false)?, limit, offset).await?;
    Ok(Json(page(&rows, count, offset, limit)))
}
