//! Tenancy: the in-memory tenant directory, request → tenant resolution, the context
//! (`TenantCtx`) through which every tenant-scoped use case reaches its data, and what a
//! plan imposes on a tenant: rate limits, quotas, feature flags, usage counters.

pub mod directory;
pub mod limits;
pub mod login_limits;
pub mod quota;
pub mod resolve;
pub mod usage;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::core::ids::TenantId;
use crate::core::plans::Limits;
use crate::core::settings::TenantSettings;
use crate::db::TenantDb;

pub use directory::Directory;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantStatus {
    Active,
    Suspended,
    Deactivated,
}

impl TenantStatus {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(Self::Active),
            "suspended" => Some(Self::Suspended),
            "deactivated" => Some(Self::Deactivated),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Suspended => "suspended",
            Self::Deactivated => "deactivated",
        }
    }
}

/// The API families, by path prefix: each has its own rate limit and usage counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiFamily {
    Store = 0,
    Admin,
    Auth,
    Platform,
    Ops,
}

impl ApiFamily {
    pub const ALL: [ApiFamily; 5] = [Self::Store, Self::Admin, Self::Auth, Self::Platform, Self::Ops];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Store => "store",
            Self::Admin => "admin",
            Self::Auth => "auth",
            Self::Platform => "platform",
            Self::Ops => "ops",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// `/store/…` → `Store`; anything outside the four API prefixes is `Ops`.
    pub fn of_path(path: &str) -> Self {
        let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
        match Self::parse(first) {
            Some(Self::Ops) | None => Self::Ops,
            Some(f) => f,
        }
    }
}

/// A tenant as the directory holds it: what resolution and the request path need.
#[derive(Debug)]
pub struct Tenant {
    pub id: TenantId,
    pub handle: String,
    pub name: String,
    pub status: TenantStatus,
    pub placement_id: String,
    pub default_currency_code: String,
    pub default_locale: String,
    pub default_country_code: Option<String>,
    pub allow_tenant_header: bool,
    pub settings: TenantSettings,
    pub domains: Vec<String>,
    pub default_sales_channel_id: Option<String>,
    /// Active publishable tokens, kept so a reload can drop the old ones.
    pub(crate) keys: Vec<String>,
    pub plan_id: String,
    /// The plan's limits with the tenant's overrides applied.
    pub limits: Limits,
    /// Platform defaults < plan < tenant overrides; see [`Tenant::has_feature`].
    pub features: BTreeMap<String, bool>,
    /// The operator wants this tenant's own series in `/metrics`.
    pub detailed_metrics: bool,
    /// Kept across directory reloads while the rates stay the same.
    pub rate_limits: Arc<limits::RateLimits>,
    /// Kept across directory reloads.
    pub usage: Arc<usage::TenantUsage>,
}

impl Tenant {
    /// Whether feature `name` is on for this tenant (off when no layer names it).
    pub fn has_feature(&self, name: &str) -> bool {
        self.features.get(name).copied().unwrap_or(false)
    }

    /// The flags a storefront sees (`GET /store/tenant`): those the store lists in its
    /// `public_features` setting, each on only if the store wants it on and no layer
    /// (platform, plan, override) turns that flag off.
    pub fn public_features(&self) -> BTreeMap<String, bool> {
        self.settings
            .public_features
            .iter()
            .map(|(name, wanted)| {
                (
                    name.clone(),
                    *wanted && self.features.get(name).copied().unwrap_or(true),
                )
            })
            .collect()
    }
}

/// Everything a tenant-scoped use case needs: who the tenant is and its data.
#[derive(Clone)]
pub struct TenantCtx {
    pub tenant: Arc<Tenant>,
    pub db: TenantDb,
    /// Sales channels the request may see: the publishable key's, else the default one.
    pub sales_channel_ids: Arc<[String]>,
}
