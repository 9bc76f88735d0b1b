//! Whether the shared placement's database server is reachable, as Coral last saw it.
//!
//! The flag is set down by the managed cluster's supervisor the moment its postmaster
//! exits, and by the [`spawn_monitor`] probe when a ping or a connect fails (the only
//! way to notice an external `CORAL_DATABASE_URL` server going away). It is set up again
//! only by the monitor, once a fresh connection answers a query — so a server that is
//! still replaying its WAL after a crash counts as down. While it is down, every tenant
//! transaction and every write request fails at once with `503 unavailable` instead of
//! waiting out the pool's acquire timeout.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};

use crate::core::error::DB_UNAVAILABLE;
use crate::core::{Error, Result};

/// How often the monitor pings a reachable server, and retries an unreachable one.
const PROBE_EVERY: Duration = Duration::from_millis(200);
/// How often a waiting transaction start looks at the flag again.
const RECHECK: Duration = Duration::from_millis(20);
/// A ping or connect slower than this counts as a failure.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// The database's reachability, shared by the pools' users, the supervisor and the
/// monitor. Cheap to clone.
#[derive(Clone)]
pub struct Health(Arc<Inner>);

struct Inner {
    down: AtomicBool,
    /// Start of the process; `down_at_ms` counts from it (0: not down).
    epoch: Instant,
    down_at_ms: AtomicU64,
    /// Woken each time the database comes back (the usage flusher persists then).
    back: tokio::sync::Notify,
}

impl Default for Health {
    fn default() -> Self {
        Self(Arc::new(Inner {
            down: AtomicBool::new(false),
            epoch: Instant::now(),
            down_at_ms: AtomicU64::new(0),
            back: tokio::sync::Notify::new(),
        }))
    }
}

impl Health {
    pub fn is_down(&self) -> bool {
        self.0.down.load(Ordering::Acquire)
    }

    /// `Err(503 unavailable)` while the database is known to be down.
    pub fn check(&self) -> Result<()> {
        if self.is_down() {
            return Err(Error::Unavailable(DB_UNAVAILABLE.into()));
        }
        Ok(())
    }

    /// Runs `fut` (a transaction's start, which may wait for a pool connection), giving
    /// up with 503 as soon as the database is known to be down: a request that was
    /// already waiting when it went away does not wait out the pool's timeout.
    pub async fn or_unavailable<T, E: Into<Error>>(
        &self,
        fut: impl std::future::Future<Output = std::result::Result<T, E>>,
    ) -> Result<T> {
        self.check()?;
        tokio::pin!(fut);
        loop {
            tokio::select! {
                biased;
                r = &mut fut => return r.map_err(Into::into),
                _ = tokio::time::sleep(RECHECK) => self.check()?,
            }
        }
    }

    /// Marks the database down; logs once per outage.
    pub fn mark_down(&self, why: &str) {
        if !self.0.down.swap(true, Ordering::AcqRel) {
            let at = self.0.epoch.elapsed().as_millis() as u64;
            self.0.down_at_ms.store(at.max(1), Ordering::Release);
            tracing::error!(
                reason = why,
                "the database is unavailable; writes answer 503 until it is back"
            );
        }
    }

    /// Marks the database reachable again; logs how long it was away.
    pub fn mark_up(&self) {
        if self.0.down.swap(false, Ordering::AcqRel) {
            let since = self.0.down_at_ms.swap(0, Ordering::AcqRel);
            let now = self.0.epoch.elapsed().as_millis() as u64;
            tracing::warn!(down_ms = now.saturating_sub(since), "the database is back");
            self.0.back.notify_waiters();
        }
    }

    /// Resolves the next time the database comes back.
    pub async fn back(&self) {
        self.0.back.notified().await;
    }
}

/// Probes the server behind `opts` on a connection of its own (never a pool's, so it
/// does not queue behind busy requests) until `keep_going` says stop.
pub fn spawn_monitor(
    health: Health,
    opts: PgConnectOptions,
    keep_going: impl Fn() -> bool + Send + 'static,
) -> tokio::task::JoinHandle<()> {
    let opts = opts.log_statements(tracing::log::LevelFilter::Trace);
    tokio::spawn(async move {
        let mut conn: Option<PgConnection> = None;
        while keep_going() {
            let ok = match conn.as_mut() {
                // Only a fresh connection proves the server is back: an old one's backend
                // can still answer for a moment after its postmaster died.
                Some(_) if health.is_down() => false,
                Some(c) => matches!(tokio::time::timeout(PROBE_TIMEOUT, c.ping()).await, Ok(Ok(()))),
                None => match tokio::time::timeout(PROBE_TIMEOUT, PgConnection::connect_with(&opts)).await {
                    Ok(Ok(c)) => {
                        conn = Some(c);
                        true
                    }
                    Ok(Err(e)) => {
                        health.mark_down(&e.to_string());
                        false
                    }
                    Err(_) => {
                        health.mark_down("connecting timed out");
                        false
                    }
                },
            };
            if ok {
                health.mark_up();
            } else if conn.take().is_some() {
                // A lost connection alone proves little (one dropped socket): reconnect at
                // once, and let that attempt decide.
                continue;
            }
            tokio::time::sleep(PROBE_EVERY).await;
        }
    })
}
