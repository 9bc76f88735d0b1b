//! Quotas: how many products, staff users and publishable keys a tenant may have. The
//! one check every creating use case calls, inside the transaction that creates.

use crate::core::plans::Limits;
use crate::core::{Error, Result};
use crate::db::usage::{self as repo, Counted};
use crate::db::TenantTx;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quota {
    Products,
    Staff,
    PublishableKeys,
}

impl Quota {
    fn limit(self, l: &Limits) -> Option<u64> {
        match self {
            Self::Products => l.max_products,
            Self::Staff => l.max_staff,
            Self::PublishableKeys => l.max_publishable_keys,
        }
    }

    fn field(self) -> &'static str {
        match self {
            Self::Products => "max_products",
            Self::Staff => "max_staff",
            Self::PublishableKeys => "max_publishable_keys",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Self::Products => "products",
            Self::Staff => "staff users",
            Self::PublishableKeys => "publishable API keys",
        }
    }

    fn counted(self) -> Counted {
        match self {
            Self::Products => Counted::Products,
            Self::Staff => Counted::Staff,
            Self::PublishableKeys => Counted::PublishableKeys,
        }
    }
}

/// Refuses (403 `not_allowed`, naming the limit) when `adding` more would take the tenant
/// over `limits`. Takes a per-tenant, per-quota transaction lock before counting, so two
/// concurrent creations cannot both pass on the same count: the second waits for the
/// first to commit and then counts its rows too. Call it before inserting anything.
pub async fn check(tx: &mut TenantTx, limits: &Limits, quota: Quota, adding: u64) -> Result<()> {
    let Some(max) = quota.limit(limits) else { return Ok(()) };
    repo::lock_quota(tx, quota.field()).await?;
    let have = repo::count(tx, quota.counted()).await?;
    if have + adding > max {
        return Err(Error::Forbidden(format!(
            "Plan limit reached: this store may have at most {max} {} ({}); it has {have} and this request adds {adding}",
            quota.noun(),
            quota.field()
        )));
    }
    Ok(())
}
