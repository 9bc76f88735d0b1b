//! Reading the audit trail. Records are written by the database layer as audited
//! transactions commit (`db::audit`); no API changes or deletes one.

use chrono::{DateTime, Utc};

use crate::app::App;
use crate::core::{Error, Result};
use crate::db::audit;
use crate::tenancy::TenantCtx;

/// Audit records and the filter reading them takes; the record a request's audited
/// transactions write (`Audit`, `Scope`).
pub use crate::db::audit::{Audit, AuditRow, Filter, Scope};

/// Deepest page the platform view merges (it reads every placement's newest rows).
const MAX_WINDOW: i64 = 10_000;

pub fn parse_time(field: &str, v: Option<&str>) -> Result<Option<DateTime<Utc>>> {
    v.map(|s| {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| Error::invalid(format!("{field} must be an RFC 3339 time, e.g. 2026-01-31T12:00:00Z")))
    })
    .transpose()
}

/// The tenant's own records, newest first.
pub async fn list(ctx: &TenantCtx, f: &Filter, limit: i64, offset: i64) -> Result<(Vec<AuditRow>, i64)> {
    let mut tx = ctx.db.begin().await?;
    let page = audit::list(&mut tx, f, limit, offset).await?;
    tx.commit().await?;
    Ok(page)
}

/// Every record: the platform's own and every tenant's (all placements, or the filtered
/// tenant's), merged newest first.
pub async fn list_all(app: &App, f: &Filter, limit: i64, offset: i64) -> Result<(Vec<AuditRow>, i64)> {
    let window = offset + limit;
    if window > MAX_WINDOW {
        return Err(Error::invalid(format!(
            "offset + limit may be at most {MAX_WINDOW}; narrow the time range instead"
        )));
    }
    let (mut rows, mut count) = audit::list_platform(app.platform().control(), f, window, 0).await?;
    let pools = match &f.tenant_id {
        Some(t) => match app.directory.by_id_or_handle(t) {
            Some(tenant) => vec![app.platform().placement(&tenant.placement_id).await?],
            None => vec![],
        },
        None => app
            .platform()
            .all_placements()
            .await?
            .into_iter()
            .map(|(_, p)| p)
            .collect(),
    };
    for pool in pools {
        let mut read = app.platform().read(&pool).await?;
        let (more, n) = audit::list_placement(&mut read, f, window, 0).await?;
        read.finish().await?;
        rows.extend(more);
        count += n;
    }
    rows.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
    let page = rows.into_iter().skip(offset as usize).take(limit as usize).collect();
    Ok((page, count))
}
