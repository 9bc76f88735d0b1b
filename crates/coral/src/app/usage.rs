//! Usage: each tenant's in-memory counters (`tenancy::usage`) are added to the
//! `tenant_usage` table every [`FLUSH_EVERY`], when the database comes back after an
//! outage, and at shutdown, so a crash loses at most that much; reports combine the
//! persisted totals, the counts not persisted yet, and live counts of products, staff,
//! keys and storage from the tenant's placement.
//!
//! While the database is away the counts stay in memory (a fixed set of counters per
//! tenant, so bounded whatever the outage's length). If it is still away at shutdown,
//! they are written to [`SPOOL_FILE`] in the data dir, and the next `coral serve` takes
//! them back before it serves.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::app::App;
use crate::core::plans::Limits;
use crate::core::Result;
use crate::db::usage::{self as repo, Counted};
use crate::tenancy::usage::Counts;
use crate::tenancy::{Tenant, TenantCtx};

/// How often counters are persisted (the issue allows losing at most a minute).
pub const FLUSH_EVERY: Duration = Duration::from_secs(30);

/// Counts that could not be persisted at shutdown: `{tenant id: {count name: value}}`.
pub const SPOOL_FILE: &str = "usage-pending.json";

/// Counts a placed order and its total (major units); checkout completion calls it.
pub fn record_order(tenant: &Tenant, currency: &str, amount: Decimal) {
    tenant.usage.record_order(currency, amount);
}

/// Persists every tenant's pending counts; a tenant whose write fails keeps its counts
/// for the next round.
pub async fn flush(app: &App) {
    if app.platform().health().is_down() {
        return; // each write would wait out the pool's timeout, and fail
    }
    let pool = app.platform().control();
    for t in app.directory.tenants() {
        let _persisting = t.usage.persisting.lock().await;
        let counts = t.usage.take();
        if counts.is_empty() {
            continue;
        }
        let rows: Vec<(String, Decimal)> = counts.iter().map(|(k, v)| (k.clone(), *v)).collect();
        if let Err(e) = repo::add(pool, t.id.as_str(), &rows).await {
            tracing::warn!(tenant_id = %t.id, error = %e, "persisting usage failed; will retry");
            t.usage.restore(&counts);
        }
    }
}

/// Flushes every [`FLUSH_EVERY`] until the process ends (the server flushes once more
/// at shutdown).
pub fn spawn_flusher(app: &Arc<App>) -> tokio::task::JoinHandle<()> {
    let app = Arc::downgrade(app);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(FLUSH_EVERY);
        tick.tick().await;
        let health = match app.upgrade() {
            Some(app) => app.platform().health().clone(),
            None => return,
        };
        loop {
            // Counts held back during an outage go as soon as the database is back.
            tokio::select! {
                _ = tick.tick() => {}
                _ = health.back() => {}
            }
            let Some(app) = app.upgrade() else { return };
            if app.platform().control().is_closed() {
                return;
            }
            flush(&app).await;
        }
    })
}

/// Writes the counts still pending (after a last [`flush`] failed) to [`SPOOL_FILE`], so
/// a shutdown while the database is away loses none; removes a spent file otherwise.
pub fn spool(app: &App) {
    let pending: BTreeMap<String, Counts> = app
        .directory
        .tenants()
        .iter()
        .map(|t| (t.id.as_str().to_owned(), t.usage.pending()))
        .filter(|(_, c)| !c.is_empty())
        .collect();
    let path = app.config.data_dir.join(SPOOL_FILE);
    if pending.is_empty() {
        let _ = std::fs::remove_file(&path);
        return;
    }
    let written = serde_json::to_vec(&pending)
        .map_err(std::io::Error::other)
        .and_then(|json| std::fs::write(&path, json));
    match written {
        Ok(()) => tracing::warn!(tenants = pending.len(), file = %path.display(),
                                 "usage counts not persisted yet were saved; the next start persists them"),
        Err(e) => tracing::error!(error = %e, file = %path.display(), "saving unpersisted usage counts failed"),
    }
}

/// Takes back the counts a previous shutdown spooled (they are persisted with the next
/// flush). Tenants that no longer exist are skipped.
pub fn unspool(app: &App) {
    let path = app.config.data_dir.join(SPOOL_FILE);
    let Ok(bytes) = std::fs::read(&path) else { return };
    let spooled: BTreeMap<String, Counts> = match serde_json::from_slice(&bytes) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, file = %path.display(), "unreadable usage spool left in place");
            return;
        }
    };
    for (id, counts) in &spooled {
        match app.directory.by_id_or_handle(id) {
            Some(t) => t.usage.restore(counts),
            None => tracing::warn!(tenant_id = %id, "spooled usage of an unknown tenant dropped"),
        }
    }
    let _ = std::fs::remove_file(&path);
    tracing::info!(
        tenants = spooled.len(),
        "usage counts spooled at the last shutdown taken back"
    );
}

/// Counts held in memory, not persisted yet: (requests, orders), all tenants together.
pub fn pending_totals(app: &App) -> (u64, u64) {
    let (mut requests, mut orders) = (0, 0);
    for t in app.directory.tenants() {
        for (name, v) in t.usage.pending() {
            let n = u64::try_from(v).unwrap_or(0);
            if name.starts_with("requests.") {
                requests += n;
            } else if name == "orders" {
                orders += n;
            }
        }
    }
    (requests, orders)
}

/// A tenant's usage since it was created, and its effective limits.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UsageReport {
    pub tenant_id: String,
    pub plan_id: String,
    /// Family → status class → requests.
    #[schema(value_type = Object)]
    pub requests: BTreeMap<String, BTreeMap<String, u64>>,
    /// Family → requests refused by the rate limit (429).
    #[schema(value_type = Object)]
    pub rate_limited: BTreeMap<String, u64>,
    pub orders: u64,
    /// Currency → revenue in major units.
    #[schema(value_type = Object)]
    pub revenue: BTreeMap<String, Decimal>,
    pub products: u64,
    pub staff: u64,
    pub publishable_keys: u64,
    pub storage_bytes: u64,
    pub limits: Limits,
}

pub async fn report(app: &App, ctx: &TenantCtx) -> Result<UsageReport> {
    let t = &ctx.tenant;
    let persisting = t.usage.persisting.lock().await;
    let mut totals: BTreeMap<String, Decimal> = repo::totals(app.platform().control(), t.id.as_str())
        .await?
        .into_iter()
        .collect();
    for (k, v) in t.usage.pending() {
        *totals.entry(k).or_default() += v;
    }
    drop(persisting);
    let mut tx = ctx.db.begin().await?;
    let products = repo::count(&mut tx, Counted::Products).await?;
    let staff = repo::count(&mut tx, Counted::Staff).await?;
    let publishable_keys = repo::count(&mut tx, Counted::PublishableKeys).await?;
    let storage_bytes = repo::storage_bytes(&mut tx).await?;
    tx.commit().await?;

    let whole = |v: &Decimal| u64::try_from(*v).unwrap_or(0);
    let mut r = UsageReport {
        tenant_id: t.id.as_str().to_owned(),
        plan_id: t.plan_id.clone(),
        requests: BTreeMap::new(),
        rate_limited: BTreeMap::new(),
        orders: 0,
        revenue: BTreeMap::new(),
        products,
        staff,
        publishable_keys,
        storage_bytes,
        limits: t.limits.clone(),
    };
    for (name, v) in &totals {
        let parts: Vec<&str> = name.split('.').collect();
        match parts.as_slice() {
            ["requests", family, class] => {
                r.requests
                    .entry((*family).to_owned())
                    .or_default()
                    .insert((*class).to_owned(), whole(v));
            }
            ["rate_limited", family] => {
                r.rate_limited.insert((*family).to_owned(), whole(v));
            }
            ["orders"] => r.orders = whole(v),
            ["revenue", currency] => {
                r.revenue.insert((*currency).to_owned(), *v);
            }
            _ => {}
        }
    }
    Ok(r)
}
