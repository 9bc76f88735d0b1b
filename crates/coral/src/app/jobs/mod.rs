//! Durable per-tenant background jobs: the outbox feeds a tenant-scoped `jobs` table
//! (`db::jobs::dispatch`), and a pool of workers (`worker`) claims them fairly across
//! tenants and runs each under its tenant's `TenantTx` (`run`). Two kinds of job: one
//! is a webhook delivery (`sender` is its guarded HTTP client); the other an `email`
//! (`email` composes and sends it through `mailer`). docs/architecture.md,
//! "Jobs and webhooks (decisions)", explains the choices.

pub mod email;
pub mod report;
pub mod run;
pub mod worker;

use std::collections::HashSet;
use std::sync::Mutex;

use crate::config::JobsConfig;
use crate::core::ids::TenantId;

pub use worker::{spawn, WorkerHandle};

/// What the job machinery shares with the rest of the app.
pub struct Jobs {
    wakeups: Mutex<HashSet<TenantId>>,
    notify: tokio::sync::Notify,
    pub sender: crate::adapters::webhook_client::Sender,
    /// The SMTP client when `CORAL_SMTP_URL` is set (the CLI refuses a bad one at start).
    pub mailer: Option<crate::adapters::smtp::Mailer>,
}

impl Jobs {
    pub fn new(cfg: &JobsConfig) -> Self {
        Self {
            wakeups: Mutex::new(HashSet::new()),
            notify: tokio::sync::Notify::new(),
            sender: crate::adapters::webhook_client::Sender::new(cfg.webhook_timeout, cfg.allow_private),
            mailer: cfg.smtp_url.as_deref().and_then(|url| {
                crate::adapters::smtp::Mailer::new(url, &cfg.email_from, cfg.webhook_timeout)
                    .map_err(|e| tracing::error!("email disabled: {e}"))
                    .ok()
            }),
        }
    }

    /// Tells this process's workers that `tenant` has new work (an event was committed,
    /// a redelivery was asked for): it is looked at now rather than at its next poll.
    pub fn wake(&self, tenant: &TenantId) {
        self.wakeups.lock().expect("wakeups lock").insert(tenant.clone());
        self.notify.notify_one();
    }

    fn take_wakeups(&self) -> HashSet<TenantId> {
        std::mem::take(&mut *self.wakeups.lock().expect("wakeups lock"))
    }
}
