//! What `/platform/jobs` shows the operator: one store's jobs (filtered by state), or
//! every store's counts by state. Jobs live under each tenant's row level security, so
//! the cross-tenant view is built tenant by tenant, each in its own tenant transaction.

use std::collections::BTreeMap;

use crate::app::App;
use crate::core::{Error, Result};
use crate::db::jobs;
use crate::tenancy::Tenant;

/// A job as the job report answers it.
pub use crate::db::jobs::JobRow;

pub const STATES: &[&str] = &["ready", "running", "done", "dead"];

/// Counts by state, every state present.
pub type Counts = BTreeMap<String, i64>;

pub fn check_state(state: Option<&str>) -> Result<Option<&str>> {
    match state {
        Some(s) if !STATES.contains(&s) => Err(Error::invalid(format!("state must be one of {}", STATES.join(", ")))),
        s => Ok(s),
    }
}

async fn counts_of(app: &App, tenant: &Tenant) -> Result<Counts> {
    let db = app.directory.tenant_db(tenant).await?;
    let mut tx = db.begin().await?;
    let rows = jobs::counts(&mut tx).await?;
    tx.commit().await?;
    let mut out: Counts = STATES.iter().map(|s| (s.to_string(), 0)).collect();
    out.extend(rows);
    Ok(out)
}

/// One store's jobs, newest first, and its counts.
pub async fn tenant_jobs(
    app: &App,
    tenant: &Tenant,
    state: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<JobRow>, i64, Counts)> {
    let db = app.directory.tenant_db(tenant).await?;
    let mut tx = db.begin().await?;
    let (rows, count) = jobs::list(&mut tx, state, limit, offset).await?;
    tx.commit().await?;
    Ok((rows, count, counts_of(app, tenant).await?))
}

/// Every store's counts (stores with no jobs left out), and the totals.
pub async fn all_counts(app: &App) -> Result<(Vec<(std::sync::Arc<Tenant>, Counts)>, Counts)> {
    let mut tenants = app.directory.tenants();
    tenants.sort_by(|a, b| a.handle.cmp(&b.handle));
    let mut total: Counts = STATES.iter().map(|s| (s.to_string(), 0)).collect();
    let mut per = Vec::new();
    for t in tenants {
        let c = counts_of(app, &t).await?;
        if c.values().all(|n| *n == 0) {
            continue;
        }
        for (k, v) in &c {
            *total.entry(k.clone()).or_default() += v;
        }
        per.push((t, c));
    }
    Ok((per, total))
}
