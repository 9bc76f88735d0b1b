//! Per-tenant rate limits: one GCRA bucket (governor) per tenant and API family, held in
//! the tenant's directory entry. Memory is one small bucket per limited family of each
//! tenant the directory already holds, so it stays bounded however many tenants there
//! are; a directory reload keeps a tenant's buckets unless its rates changed.
//!
//! Limits are per process: with N Coral processes behind a balancer a tenant gets up to
//! N times its plan's rate (docs/architecture.md, "Rate limits").

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};

use crate::core::plans::Limits;
use crate::core::{Error, RateLimited, Result};
use crate::tenancy::ApiFamily;

type Limiter = RateLimiter<NotKeyed, InMemoryState, DefaultClock, StateInformationMiddleware>;

struct Bucket {
    limiter: Limiter,
    rps: u32,
    burst: u32,
}

impl Bucket {
    fn new(rps: Option<u32>, burst: Option<u32>) -> Option<Self> {
        let rps = NonZeroU32::new(rps?)?;
        let burst = burst.and_then(NonZeroU32::new).unwrap_or(rps);
        let quota = Quota::per_second(rps).allow_burst(burst);
        let limiter = RateLimiter::direct(quota).with_middleware::<StateInformationMiddleware>();
        Some(Self {
            limiter,
            rps: rps.get(),
            burst: burst.get(),
        })
    }

    fn period(&self) -> Duration {
        Duration::from_secs(1) / self.rps
    }
}

/// What the headers of an allowed request say about the tenant's bucket.
#[derive(Debug, Clone, Copy)]
pub struct RateInfo {
    pub limit: u32,
    pub remaining: u32,
    pub reset_secs: u64,
}

/// A tenant's buckets; `None` for an unlimited family.
pub struct RateLimits {
    store: Option<Bucket>,
    admin: Option<Bucket>,
}

impl std::fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RateLimits { .. }")
    }
}

fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

impl RateLimits {
    pub fn new(l: &Limits) -> Self {
        Self {
            store: Bucket::new(l.store_rps, l.store_burst),
            admin: Bucket::new(l.admin_rps, l.admin_burst),
        }
    }

    /// Whether these buckets were built for `l`'s rates (then a reload keeps them).
    pub fn matches(&self, l: &Limits) -> bool {
        let same = |b: &Option<Bucket>, rps: Option<u32>, burst: Option<u32>| match b {
            None => rps.is_none_or(|r| r == 0),
            Some(b) => rps == Some(b.rps) && burst.unwrap_or(b.rps) == b.burst,
        };
        same(&self.store, l.store_rps, l.store_burst) && same(&self.admin, l.admin_rps, l.admin_burst)
    }

    /// Takes one request from the family's bucket: its state, `None` when unlimited, or
    /// a 429 saying when to come back.
    pub fn check(&self, family: ApiFamily) -> Result<Option<RateInfo>> {
        let bucket = match family {
            ApiFamily::Store => &self.store,
            ApiFamily::Admin => &self.admin,
            _ => &None,
        };
        let Some(b) = bucket else { return Ok(None) };
        match b.limiter.check() {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity().min(b.burst);
                Ok(Some(RateInfo {
                    limit: b.burst,
                    remaining,
                    reset_secs: ceil_secs(b.period() * (b.burst - remaining)),
                }))
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(b.limiter.clock().now());
                let retry_after_secs = ceil_secs(wait).max(1);
                Err(Error::TooManyRequests(RateLimited {
                    message: format!(
                        "Too many requests: this store's plan allows {} {} requests per second (bursts of {}); retry in {retry_after_secs} s",
                        b.rps,
                        family.as_str(),
                        b.burst
                    ),
                    limit: b.burst,
                    retry_after_secs,
                    reset_secs: ceil_secs(wait + b.period() * (b.burst - 1)).max(1),
                }))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_allowed_then_refused_with_a_retry_time() {
        let l = Limits {
            store_rps: Some(2),
            store_burst: Some(3),
            ..Default::default()
        };
        let r = RateLimits::new(&l);
        assert!(r.matches(&l));
        let first = r.check(ApiFamily::Store).unwrap().unwrap();
        assert_eq!((first.limit, first.remaining), (3, 2));
        r.check(ApiFamily::Store).unwrap();
        let last = r.check(ApiFamily::Store).unwrap().unwrap();
        assert_eq!(last.remaining, 0);
        assert!(last.reset_secs >= 1);
        match r.check(ApiFamily::Store) {
            Err(Error::TooManyRequests(rl)) => {
                assert_eq!(rl.limit, 3);
                assert_eq!(rl.retry_after_secs, 1);
            }
            other => panic!("expected 429, got {other:?}"),
        }
        assert!(r.check(ApiFamily::Admin).unwrap().is_none(), "admin is unlimited");
        assert!(!r.matches(&Limits::default()));
    }
}
