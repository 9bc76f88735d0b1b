//! The worker pool: one scheduling loop per process that hands out `workers` slots.
//!
//! Fairness: each round looks at the tenants whose queue is due (woken by an event, a
//! finished job, a retry coming due, or the periodic poll) and serves them in order of
//! when they were last served, least recent first — round robin over the tenants with
//! work. A tenant never holds more than its plan's `max_concurrent_jobs` (counted in
//! the database, so across processes), so one store's backlog of any size leaves slots
//! for the others and delays their jobs by at most about one job's run time.
//!
//! Durability: a claim is a committed lease in the database; if this process dies, the
//! lease expires and any worker claims the job again.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::app::jobs::run::{self, Ended};
use crate::app::App;
use crate::core::ids::TenantId;
use crate::core::Result;
use crate::db::jobs;
use crate::tenancy::{Tenant, TenantStatus};

/// Events dispatched into jobs per tenant per round.
const DISPATCH_BATCH: i64 = 500;

/// A running worker pool. `stop` lets running jobs finish; dropping the handle (or
/// `abort`) kills them as a crash would, leaving their leases to expire.
pub struct WorkerHandle {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl WorkerHandle {
    /// Stops claiming, waits for the running jobs, and returns.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }

    /// Stops at once, abandoning running jobs (what a crash does).
    pub fn abort(self) {
        self.task.abort();
    }
}

/// Starts the pool of `app.config.jobs.workers` slots (at least one).
pub fn spawn(app: Arc<App>) -> WorkerHandle {
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(run_loop(app, stopped));
    WorkerHandle { stop, task }
}

/// A tenant's queue as this process sees it.
struct Queue {
    /// When to look at it next.
    due: Instant,
    /// When it was last given slots (the fairness order).
    last_served: Instant,
    /// Its jobs running in this process.
    running: usize,
}

async fn run_loop(app: Arc<App>, mut stopped: watch::Receiver<bool>) {
    let cfg = app.config.jobs.clone();
    let slots = cfg.workers.max(1);
    let origin = Instant::now();
    let mut queues: HashMap<TenantId, Queue> = HashMap::new();
    let mut running: JoinSet<(TenantId, Ended)> = JoinSet::new();
    let mut owners: HashMap<tokio::task::Id, TenantId> = HashMap::new();
    loop {
        if *stopped.borrow() {
            break;
        }
        let now = Instant::now();
        for t in app.jobs.take_wakeups() {
            if let Some(q) = queues.get_mut(&t) {
                q.due = now;
            }
        }
        let tenants = app.directory.tenants();
        let mut due: Vec<(Instant, Arc<Tenant>)> = Vec::new();
        for t in tenants.into_iter().filter(|t| t.status == TenantStatus::Active) {
            let q = queues.entry(t.id.clone()).or_insert(Queue {
                due: now,
                last_served: origin,
                running: 0,
            });
            if q.due <= now && q.running < cap(&t, slots) {
                due.push((q.last_served, t));
            }
        }
        due.sort_by_key(|(served, _)| *served);
        for (_, tenant) in due {
            let free = slots - running.len();
            if free == 0 {
                break;
            }
            let q = queues.get_mut(&tenant.id).expect("queue made above");
            let want = (cap(&tenant, slots) - q.running).min(free);
            match claim(&app, &tenant, want).await {
                Ok((claimed, next)) => {
                    q.due = next;
                    if !claimed.is_empty() {
                        q.last_served = Instant::now();
                    }
                    for job in claimed {
                        q.running += 1;
                        let app = app.clone();
                        let owner = tenant.clone();
                        let handle = running.spawn(async move {
                            app.metrics.job_started();
                            let ended = match run::run(&app, &owner, job).await {
                                Ok(e) => e,
                                Err(e) => {
                                    tracing::warn!(tenant_id = %owner.id, error = %e, "job failed to run; retried after its lease");
                                    Ended::Retry
                                }
                            };
                            app.metrics.job_finished("webhook.deliver", ended.as_str());
                            (owner.id.clone(), ended)
                        });
                        owners.insert(handle.id(), tenant.id.clone());
                    }
                }
                Err(e) => {
                    tracing::warn!(tenant_id = %tenant.id, error = %e, "claiming jobs failed");
                    q.due = Instant::now() + cfg.poll;
                }
            }
        }
        let next_due = queues
            .values()
            .map(|q| q.due)
            .min()
            .unwrap_or(now + cfg.poll)
            .max(Instant::now() + Duration::from_millis(2));
        tokio::select! {
            Some(done) = running.join_next_with_id(), if !running.is_empty() => {
                let id = match &done { Ok((id, _)) => id, Err(e) => &e.id() };
                if let Some(tenant) = owners.remove(id) {
                    if let Some(q) = queues.get_mut(&tenant) {
                        q.running = q.running.saturating_sub(1);
                        // Its next job, if any, follows now (in turn with the others).
                        q.due = Instant::now();
                    }
                }
                if let Err(e) = done {
                    tracing::error!(error = %e, "job task panicked");
                    app.metrics.job_finished("webhook.deliver", "panic");
                }
            }
            _ = app.jobs.notify.notified() => {}
            _ = tokio::time::sleep_until(next_due) => {}
            _ = stopped.changed() => {}
        }
    }
    while running.join_next().await.is_some() {}
}

/// The tenant's cap on jobs at once: its plan's, within this process's slots.
fn cap(tenant: &Tenant, slots: usize) -> usize {
    tenant
        .limits
        .max_concurrent_jobs
        .map_or(slots, |c| (c as usize).min(slots))
        .max(1)
}

/// In one tenant transaction: dispatches new outbox events into jobs, then claims up
/// to `want` runnable jobs within the tenant's cap (counted across processes, under
/// the tenant's queue lock). Returns them and when to look at the tenant next.
async fn claim(app: &App, tenant: &Tenant, want: usize) -> Result<(Vec<jobs::ClaimedJob>, Instant)> {
    let cfg = &app.config.jobs;
    let db = app.directory.tenant_db(tenant).await?;
    let mut tx = db.begin().await?;
    jobs::lock_tenant_queue(&mut tx).await?;
    let dispatched = jobs::dispatch(&mut tx, DISPATCH_BATCH, cfg.max_attempts, app.jobs.mailer.is_some()).await?;
    let elsewhere = jobs::running(&mut tx).await?.max(0) as usize;
    let room = cap(tenant, usize::MAX).saturating_sub(elsewhere).min(want);
    // The lease outlives the request timeout, so a live worker never loses its job.
    let lease = cfg.lease.max(cfg.webhook_timeout * 2);
    let claimed = if room > 0 {
        jobs::claim(&mut tx, room as i64, lease).await?
    } else {
        Vec::new()
    };
    let now = Instant::now();
    let next = if claimed.len() == room && room > 0 || dispatched as i64 == DISPATCH_BATCH {
        now
    } else if room == 0 {
        // At its cap because of other processes: look again soon.
        now + cfg.poll.min(Duration::from_millis(250))
    } else {
        match jobs::next_run_at(&mut tx).await? {
            Some(at) => {
                let wait = (at - chrono::Utc::now()).to_std().unwrap_or_default();
                now + wait.min(cfg.poll)
            }
            None => now + cfg.poll,
        }
    };
    tx.commit().await?;
    Ok((claimed, next))
}
