//! Staff login attempts, limited per account (store + email) and per client address, so
//! passwords cannot be guessed at speed. Keyed GCRA buckets (governor) in memory; keys
//! whose buckets are full again are dropped when the maps grow, so memory follows the
//! number of recent attempters, not of all time. Per process, like every rate limit.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::core::{Error, RateLimited, Result};

/// Attempts per account: a burst of 10, then one every 6 s (10 a minute).
const ACCOUNT_BURST: u32 = 10;
const ACCOUNT_EVERY: Duration = Duration::from_secs(6);
/// Attempts per address (an office behind one NAT signs in too): 30, then one every 2 s.
const ADDRESS_BURST: u32 = 30;
const ADDRESS_EVERY: Duration = Duration::from_secs(2);
/// Beyond this many keys, stale ones are swept.
const SWEEP_ABOVE: usize = 10_000;

pub struct LoginLimits {
    account: DefaultKeyedRateLimiter<String>,
    address: DefaultKeyedRateLimiter<IpAddr>,
}

fn quota(burst: u32, every: Duration) -> Quota {
    Quota::with_period(every)
        .expect("a non-zero period")
        .allow_burst(NonZeroU32::new(burst).expect("a non-zero burst"))
}

fn refused(wait: Duration, burst: u32, what: &str) -> Error {
    let secs = (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1);
    Error::TooManyRequests(RateLimited {
        message: format!("Too many sign-in attempts for this {what}; retry in {secs} s"),
        limit: burst,
        retry_after_secs: secs,
        reset_secs: secs,
    })
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self {
            account: RateLimiter::keyed(quota(ACCOUNT_BURST, ACCOUNT_EVERY)),
            address: RateLimiter::keyed(quota(ADDRESS_BURST, ADDRESS_EVERY)),
        }
    }
}

impl LoginLimits {
    /// Takes one attempt from the address's and the account's buckets, or a 429.
    pub fn check(&self, store: Option<&str>, email: &str, address: Option<IpAddr>) -> Result<()> {
        if let Some(ip) = address {
            self.address
                .check_key(&ip)
                .map_err(|n| refused(n.wait_time_from(self.address.clock().now()), ADDRESS_BURST, "address"))?;
            if self.address.len() > SWEEP_ABOVE {
                self.address.retain_recent();
            }
        }
        let account = format!("{}:{}", store.unwrap_or("*"), email.trim().to_ascii_lowercase());
        self.account
            .check_key(&account)
            .map_err(|n| refused(n.wait_time_from(self.account.clock().now()), ACCOUNT_BURST, "account"))?;
        if self.account.len() > SWEEP_ABOVE {
            self.account.retain_recent();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_gets_its_burst_then_a_retry_time() {
        let l = LoginLimits::default();
        for _ in 0..ACCOUNT_BURST {
            l.check(None, "a@b.test", None).unwrap();
        }
        match l.check(None, "A@b.test ", None) {
            Err(Error::TooManyRequests(r)) => assert!(r.retry_after_secs >= 1),
            other => panic!("expected 429, got {other:?}"),
        }
        l.check(Some("ten_x"), "a@b.test", None).unwrap();
    }
}
