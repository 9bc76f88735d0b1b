//! The audit-log APIs' shared parts: the record's JSON and the query filters.

use serde_json::{json, Value};

use crate::app::audit::parse_time;
use crate::core::Result;
use crate::db::audit::{AuditRow, Filter};
use crate::http::extract::QueryPairs;

pub fn record_json(r: &AuditRow) -> Value {
    json!({
        "id": r.id, "created_at": r.created_at, "tenant_id": r.tenant_id,
        "actor": { "type": r.actor_type, "id": r.actor_id },
        "action": r.action, "resource_type": r.resource_type, "resource_id": r.resource_id,
        "changes": r.changes.0, "request_id": r.request_id, "client_address": r.client_addr,
    })
}

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

pub fn page_json(rows: &[AuditRow], count: i64, offset: i64, limit: i64) -> Value {
    let list: Vec<Value> = rows.iter().map(record_json).collect();
    json!({ "audit_logs": list, "count": count, "offset": offset, "limit": limit })
}
