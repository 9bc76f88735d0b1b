//! The audit-log APIs' shared parts: the record's JSON and the query filters.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::app::audit::{parse_time, AuditRow, Filter};
use crate::core::Result;
use crate::http::envelope::page;
use crate::http::extract::QueryPairs;

/// Who made a change.
#[derive(Serialize, ToSchema)]
pub struct AuditActor {
    /// `user` (a staff member), `platform` (the platform token) or `system`.
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Option<String>,
}

/// One audit record.
#[derive(Serialize, ToSchema)]
pub struct AuditRecord {
    pub id: String,
    pub created_at: DateTime<Utc>,
    /// Null for the platform-wide records (plans, placements).
    pub tenant_id: Option<String>,
    pub actor: AuditActor,
    /// e.g. `product.update`.
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    /// One entry per changed row, in the order written: `{ table, op` (`insert`,
    /// `update`, `delete`), `id, before, after }` (changed fields only on update; secrets
    /// masked as `****`).
    #[schema(value_type = Vec<Object>)]
    pub changes: Value,
    pub request_id: Option<String>,
    pub client_address: Option<String>,
}

impl From<&AuditRow> for AuditRecord {
    fn from(r: &AuditRow) -> Self {
        Self {
            id: r.id.clone(),
            created_at: r.created_at,
            tenant_id: r.tenant_id.clone(),
            actor: AuditActor {
                kind: r.actor_type.clone(),
                id: r.actor_id.clone(),
            },
            action: r.action.clone(),
            resource_type: r.resource_type.clone(),
            resource_id: r.resource_id.clone(),
            changes: r.changes.0.clone(),
            request_id: r.request_id.clone(),
            client_address: r.client_addr.clone(),
        }
    }
}

page!(
    /// `{ audit_logs, count, offset, limit }`, newest first.
    AuditLogListResponse { audit_logs: AuditRecord }
);

/// `actor_id`, `action`, `resource_type`, `resource_id`, `from`, `to` (RFC 3339; `to`
/// exclusive); `tenant_id` only where `with_tenant`.
pub fn filter(q: &QueryPairs, with_tenant: bool) -> Result<Filter> {
    let s = |k: &str| q.get(k).map(str::to_owned);
    Ok(Filter {
        tenant_id: if with_tenant { s("tenant_id") } else { None },
        actor_id: s("actor_id"),
        action: s("action"),
        resource_type: s("resource_type"),
        resource_id: s("resource_id"),
        from: parse_time("from", q.get("from"))?,
        to: parse_time("to", q.get("to"))?,
    })
}

pub fn page(rows: &[AuditRow], count: i64, offset: i64, limit: i64) -> AuditLogListResponse {
    AuditLogListResponse {
        audit_logs: rows.iter().map(AuditRecord::from).collect(),
        count,
        offset,
        limit,
    }
}
