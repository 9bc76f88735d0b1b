//! `TenantDb` (one tenant's data, under RLS) and `PlatformDb` (cross-tenant, for
//! `/platform` and maintenance code only).

use std::sync::Arc;

use sqlx::{PgConnection, PgPool, Postgres, Transaction};

use crate::core::ids::TenantId;
use crate::core::Result;
use crate::db::Database;

/// Access to one tenant's rows in its placement. Only the tenancy layer builds one,
/// from a tenant it resolved; there is no other way to run a tenant query.
#[derive(Clone)]
pub struct TenantDb {
    pool: PgPool,
    tenant_id: TenantId,
}

impl TenantDb {
    pub(crate) fn new(pool: PgPool, tenant_id: TenantId) -> Self {
        Self { pool, tenant_id }
    }

    pub fn tenant_id(&self) -> &TenantId {
        &self.tenant_id
    }

    /// Starts a transaction as `coral_app` scoped to this tenant. Both settings are
    /// transaction-local, so a pooled connection carries nothing over to the next user.
    pub async fn begin(&self) -> Result<TenantTx> {
        let tx = self.pool.begin().await?;
        TenantTx::enter(tx, self.tenant_id.clone()).await
    }

    /// Like `begin`, but the commit does not wait for the WAL flush
    /// (`synchronous_commit = off` for this transaction): a crash may lose the last
    /// fraction of a second of such writes, never corrupt them. For cart edits, whose
    /// commits were most of checkout's WAL waits (BENCHMARKS.md); never for orders or
    /// payments. A later durable commit (placing the order) flushes them too.
    pub async fn begin_relaxed(&self) -> Result<TenantTx> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "SELECT set_config('role', 'coral_app', true), set_config('coral.tenant_id', $1, true), \
             set_config('synchronous_commit', 'off', true)",
        )
        .bind(self.tenant_id.as_str())
        .execute(&mut *tx)
        .await?;
        Ok(TenantTx {
            tx,
            tenant_id: self.tenant_id.clone(),
        })
    }
}

/// An open tenant-scoped transaction. Dropped without `commit`, it rolls back.
pub struct TenantTx {
    tx: Transaction<'static, Postgres>,
    tenant_id: TenantId,
}

impl TenantTx {
    /// Switches an open transaction into one tenant's scope for the rest of its life.
    /// Provisioning uses this to write the tenant row (control plane) and the tenant's
    /// first rows (under RLS) in one transaction.
    pub(crate) async fn enter(mut tx: Transaction<'static, Postgres>, tenant_id: TenantId) -> Result<Self> {
        sqlx::query("SELECT set_config('role', 'coral_app', true), set_config('coral.tenant_id', $1, true)")
            .bind(tenant_id.as_str())
            .execute(&mut *tx)
            .await?;
        Ok(Self { tx, tenant_id })
    }

    pub fn tenant_id(&self) -> &TenantId {
        &self.tenant_id
    }

    /// The connection, for repository functions. Everything run on it is under RLS.
    pub fn conn(&mut self) -> &mut PgConnection {
        &mut self.tx
    }

    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }
}

/// The master catalog's cross-tenant transaction, and the only one: one database
/// transaction that acts as one tenant at a time — every tenant statement still runs as
/// `coral_app` under that tenant's row level security — and, between tenant steps, as
/// the schema owner on the master-catalog link tables (which tenant code cannot read).
/// Only code holding a [`PlatformDb`] can build one, and every switch is logged on the
/// `audit` target with its purpose, so the crossings are few, named and traceable.
pub struct CrossTenantTx {
    inner: TenantTx,
    /// The tenant whose request opened it; steps into any other tenant are audited.
    origin: TenantId,
    purpose: &'static str,
    /// Whether the current scope is the link tables (owner role) rather than a tenant.
    in_platform: bool,
}

impl CrossTenantTx {
    /// The transaction as tenant `id` (switching scope if needed).
    pub async fn tenant(&mut self, id: &TenantId) -> Result<&mut TenantTx> {
        if self.in_platform || &self.inner.tenant_id != id {
            if id != &self.origin {
                tracing::info!(target: "audit", purpose = self.purpose, origin = %self.origin, tenant = %id,
                               "cross-tenant transaction acts as another tenant");
            }
            sqlx::query("SELECT set_config('role', 'coral_app', true), set_config('coral.tenant_id', $1, true)")
                .bind(id.as_str())
                .execute(&mut *self.inner.tx)
                .await?;
            self.inner.tenant_id = id.clone();
            self.in_platform = false;
        }
        Ok(&mut self.inner)
    }

    /// The transaction as the schema owner, for the master-catalog link tables only.
    /// No tenant is in scope meanwhile (the setting is cleared).
    pub async fn links(&mut self) -> Result<&mut PgConnection> {
        if !self.in_platform {
            sqlx::query("SELECT set_config('role', 'none', true), set_config('coral.tenant_id', '', true)")
                .execute(&mut *self.inner.tx)
                .await?;
            self.in_platform = true;
        }
        Ok(&mut self.inner.tx)
    }

    pub async fn commit(self) -> Result<()> {
        self.inner.commit().await
    }
}

/// Cross-tenant access as the schema owner. Handed only to `/platform` handlers,
/// the tenant directory and maintenance commands.
#[derive(Clone)]
pub struct PlatformDb {
    db: Arc<Database>,
}

impl PlatformDb {
    pub(crate) fn new(db: Arc<Database>) -> Self {
        Self { db }
    }

    /// The shared placement, which also holds the control plane (tenants, placements).
    pub fn control(&self) -> &PgPool {
        self.db.primary()
    }

    /// The pool of a placement, opened lazily.
    pub async fn placement(&self, placement_id: &str) -> Result<PgPool> {
        self.db.pool(placement_id).await
    }

    /// Every placement's pool, the shared one first.
    pub async fn all_placements(&self) -> Result<Vec<(String, PgPool)>> {
        self.db.all_pools().await
    }

    pub fn database(&self) -> &Arc<Database> {
        &self.db
    }

    /// Widens an open tenant transaction into the master catalog's cross-tenant one
    /// (see [`CrossTenantTx`]); `purpose` names the use case in the audit log.
    pub fn cross_tenant(&self, tx: TenantTx, purpose: &'static str) -> CrossTenantTx {
        tracing::debug!(target: "audit", purpose, tenant = %tx.tenant_id, "cross-tenant transaction opened");
        CrossTenantTx {
            origin: tx.tenant_id.clone(),
            inner: tx,
            purpose,
            in_platform: false,
        }
    }
}
