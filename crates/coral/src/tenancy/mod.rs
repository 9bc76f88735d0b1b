//! Tenancy: the in-memory tenant directory, request → tenant resolution, and the
//! context (`TenantCtx`) through which every tenant-scoped use case reaches its data.

pub mod directory;
pub mod resolve;

use std::sync::Arc;

use crate::core::ids::TenantId;
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
}

/// Everything a tenant-scoped use case needs: who the tenant is and its data.
#[derive(Clone)]
pub struct TenantCtx {
    pub tenant: Arc<Tenant>,
    pub db: TenantDb,
    /// Sales channels the request may see: the publishable key's, else the default one.
    pub sales_channel_ids: Arc<[String]>,
}
