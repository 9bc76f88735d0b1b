//! [`StoreControl`]: the few things a tenant's use cases may ask of the control plane
//! (the platform's own tables and the other placements), each one narrow and scoped to
//! the asking store. Tenant code gets this, never a [`PlatformDb`]: no method here returns
//! a pool or an open control-plane transaction, so no tenant use case can run a query of
//! its own choosing across stores (issue 14; a source test in `app` keeps tenant modules
//! from naming the platform handle).

use sqlx::types::Json;

use crate::core::ids::TenantId;
use crate::core::{Error, Result};
use crate::db::audit;
use crate::db::handles::{CrossTenantTx, PlatformDb, TenantDb, TenantTx};
use crate::db::staff;
use crate::db::tenants::{self, TenantRow};

/// Built once from the platform handle at start-up; cheap to clone.
#[derive(Clone)]
pub struct StoreControl {
    platform: PlatformDb,
}

/// What a store may change of its own control-plane record (`tenants` row).
#[derive(Debug, Default)]
pub struct OwnRecordChange {
    pub name: Option<String>,
    pub default_locale: Option<String>,
    pub settings: Option<serde_json::Value>,
}

impl StoreControl {
    pub fn new(platform: PlatformDb) -> Self {
        Self { platform }
    }

    /// Tells every Coral process that `tenant`'s data on `channel` changed
    /// (`pg_notify`; the tenant directory listens).
    pub async fn announce(&self, channel: &str, tenant: &TenantId) -> Result<()> {
        let mut conn = self.platform.control().acquire().await?;
        tenants::notify(&mut conn, channel, tenant.as_str()).await
    }

    /// Whether `currency` (ISO 4217, lower case) and `country` (ISO 3166-1 alpha-2,
    /// lower case) are known to the platform; 400 naming the unknown code.
    pub async fn check_codes(&self, currency: &str, country: Option<&str>) -> Result<()> {
        let mut conn = self.platform.control().acquire().await?;
        if !tenants::currency_exists(&mut conn, currency).await? {
            return Err(Error::invalid(format!("Unknown currency '{currency}'")));
        }
        if let Some(c) = country {
            if !tenants::country_exists(&mut conn, c).await? {
                return Err(Error::invalid(format!("Unknown country '{c}'")));
            }
        }
        Ok(())
    }

    /// The asking store's own record; 404 if it is gone.
    pub async fn own_record(&self, tenant: &TenantId) -> Result<TenantRow> {
        let mut conn = self.platform.control().acquire().await?;
        tenants::find(&mut conn, tenant.as_str())
            .await?
            .ok_or_else(|| Error::not_found("Store not found"))
    }

    /// The staff accounts with this email in every placement, as `(tenant id, staff id)`,
    /// for sign-in (which happens before the store is known). Only the global lookup is
    /// read here; the account and its password hash are read in the store's own scope.
    pub async fn staff_by_email(&self, email: &str) -> Result<Vec<(String, String)>> {
        let mut found = Vec::new();
        for (_, pool) in self.platform.all_placements().await? {
            let mut read = self.platform.read(&pool).await?;
            found.extend(staff::logins_by_email(&mut read, email).await?);
            read.finish().await?;
        }
        Ok(found)
    }

    /// Changes the asking store's own record: locked, changed, announced, with the
    /// change's audit record written in the store's own log right after (a crash between
    /// the two loses the record, never the change).
    pub async fn update_own_record(&self, db: &TenantDb, tenant: &TenantId, change: OwnRecordChange) -> Result<()> {
        let mut tx = self.platform.control().begin().await?;
        audit::capture_on(&mut tx).await?;
        let mut row: TenantRow = tenants::find_for_update(&mut tx, tenant.as_str())
            .await?
            .ok_or_else(|| Error::not_found("Store not found"))?;
        if let Some(v) = change.name {
            row.name = v;
        }
        if let Some(v) = change.default_locale {
            row.default_locale = v;
        }
        if let Some(v) = change.settings {
            row.settings = Json(v);
        }
        tenants::update(&mut tx, &row).await?;
        tenants::notify_changed(&mut tx, tenant.as_str()).await?;
        // The change commits as the schema owner, its record as the store (coral_app):
        // one role per transaction (Citus refuses a transaction that switches), so the
        // captured change is carried into the store's own transaction right after.
        let changes = audit::captured(&mut tx).await?;
        tx.commit().await?;
        let mut ttx = db.begin().await?;
        ttx.carry(&changes).await?;
        ttx.commit().await?;
        Ok(())
    }

    /// The master catalog's audited cross-tenant transaction (see [`CrossTenantTx`]),
    /// widened from the asking store's open transaction; `purpose` names the use case.
    pub fn cross_tenant(&self, tx: TenantTx, purpose: &'static str) -> CrossTenantTx {
        self.platform.cross_tenant(tx, purpose)
    }
}
