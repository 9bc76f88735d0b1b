//! A tenant's usage counters, kept in memory (atomics in its directory entry) and added
//! to the `tenant_usage` table by `app::usage` at least once a minute and at shutdown.
//! Each counter holds what has not been persisted yet.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use rust_decimal::Decimal;

use crate::tenancy::ApiFamily;

const CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

fn class_index(status: u16) -> usize {
    usize::from(status / 100).clamp(1, 5) - 1
}

/// The status class (`"2xx"`…) of an HTTP status code.
pub fn status_class(status: u16) -> &'static str {
    CLASSES[class_index(status)]
}

#[derive(Default)]
pub struct TenantUsage {
    /// Requests by family and status class.
    requests: [[AtomicU64; 5]; ApiFamily::ALL.len()],
    rate_limited: [AtomicU64; ApiFamily::ALL.len()],
    orders: AtomicU64,
    /// Revenue per currency, in major units.
    revenue: Mutex<BTreeMap<String, Decimal>>,
    /// Held while pending counts move to the database, and while a report reads both, so
    /// a report never sees a count in neither place or in both.
    pub persisting: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for TenantUsage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TenantUsage { .. }")
    }
}

/// Counts by name: `requests.store.2xx`, `rate_limited.store`, `orders`, `revenue.eur`.
pub type Counts = BTreeMap<String, Decimal>;

impl TenantUsage {
    pub fn record_request(&self, family: ApiFamily, status: u16) {
        self.requests[family as usize][class_index(status)].fetch_add(1, Ordering::Relaxed);
        if status == 429 {
            self.rate_limited[family as usize].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// A placed order and its total (major units) in `currency` (lowercase ISO 4217).
    pub fn record_order(&self, currency: &str, amount: Decimal) {
        self.orders.fetch_add(1, Ordering::Relaxed);
        let mut revenue = self.revenue.lock().expect("revenue lock");
        *revenue.entry(currency.to_ascii_lowercase()).or_default() += amount;
    }

    /// The counts not persisted yet, left in place (for reports).
    pub fn pending(&self) -> Counts {
        self.collect(|a| a.load(Ordering::Relaxed), |r| r.clone())
    }

    /// The counts not persisted yet, reset to zero; give them back with [`Self::restore`]
    /// if persisting fails.
    pub fn take(&self) -> Counts {
        self.collect(|a| a.swap(0, Ordering::Relaxed), std::mem::take)
    }

    pub fn restore(&self, counts: &Counts) {
        for (name, v) in counts {
            let n = u64::try_from(*v).unwrap_or(0);
            let mut parts = name.split('.');
            match (parts.next(), parts.next(), parts.next()) {
                (Some("requests"), Some(f), Some(c)) => {
                    if let (Some(f), Some(c)) = (ApiFamily::parse(f), CLASSES.iter().position(|x| *x == c)) {
                        self.requests[f as usize][c].fetch_add(n, Ordering::Relaxed);
                    }
                }
                (Some("rate_limited"), Some(f), None) => {
                    if let Some(f) = ApiFamily::parse(f) {
                        self.rate_limited[f as usize].fetch_add(n, Ordering::Relaxed);
                    }
                }
                (Some("orders"), None, None) => {
                    self.orders.fetch_add(n, Ordering::Relaxed);
                }
                (Some("revenue"), Some(cur), None) => {
                    *self
                        .revenue
                        .lock()
                        .expect("revenue lock")
                        .entry(cur.to_owned())
                        .or_default() += *v;
                }
                _ => {}
            }
        }
    }

    fn collect(
        &self,
        read: impl Fn(&AtomicU64) -> u64,
        revenue: impl FnOnce(&mut BTreeMap<String, Decimal>) -> BTreeMap<String, Decimal>,
    ) -> Counts {
        let mut out = Counts::new();
        let mut put = |name: String, n: u64| {
            if n > 0 {
                out.insert(name, Decimal::from(n));
            }
        };
        for f in ApiFamily::ALL {
            for (c, class) in CLASSES.iter().enumerate() {
                put(
                    format!("requests.{}.{class}", f.as_str()),
                    read(&self.requests[f as usize][c]),
                );
            }
            put(
                format!("rate_limited.{}", f.as_str()),
                read(&self.rate_limited[f as usize]),
            );
        }
        put("orders".into(), read(&self.orders));
        let revenue = revenue(&mut self.revenue.lock().expect("revenue lock"));
        out.extend(revenue.into_iter().map(|(cur, v)| (format!("revenue.{cur}"), v)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_taken_once_and_restored_on_failure() {
        let u = TenantUsage::default();
        u.record_request(ApiFamily::Store, 200);
        u.record_request(ApiFamily::Store, 429);
        u.record_order("EUR", Decimal::new(1050, 2));
        let taken = u.take();
        assert_eq!(taken["requests.store.2xx"], Decimal::ONE);
        assert_eq!(taken["requests.store.4xx"], Decimal::ONE);
        assert_eq!(taken["rate_limited.store"], Decimal::ONE);
        assert_eq!(taken["revenue.eur"], Decimal::new(1050, 2));
        assert!(u.take().is_empty());
        u.restore(&taken);
        assert_eq!(u.pending(), taken);
        assert_eq!(status_class(503), "5xx");
    }
}
