//! Prometheus metrics (`GET /metrics`): requests and latency by API family, route
//! template and status class; rate-limit rejections; database pools, catalog cache and
//! tenants at scrape time. A `tenant` label carries a tenant id only for tenants the
//! operator marked `detailed_metrics`; every other tenant's requests share the series
//! with `tenant=""` (Prometheus reads an empty label as no label), so the number of
//! series is bounded by the operator's selection, not by the number of tenants.

use std::time::Duration;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder,
};

use crate::tenancy::usage::status_class;
use crate::tenancy::ApiFamily;

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    rate_limited: IntCounterVec,
    pool_connections: IntGaugeVec,
    pool_max: IntGaugeVec,
    catalog_tenants: IntGauge,
    catalog_bytes: IntGauge,
    tenants: IntGaugeVec,
    database_up: IntGauge,
    usage_pending: IntGaugeVec,
    jobs: IntCounterVec,
    jobs_running: IntGauge,
}

const REQUEST_LABELS: &[&str] = &["family", "route", "status_class", "tenant"];
/// Seconds; Coral answers most reads well under a millisecond.
const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new_custom(Some("coral".into()), None).expect("valid prefix");
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests answered"),
            REQUEST_LABELS,
        )
        .expect("valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "Time to answer an HTTP request")
                .buckets(LATENCY_BUCKETS.to_vec()),
            REQUEST_LABELS,
        )
        .expect("valid metric");
        let rate_limited = IntCounterVec::new(
            Opts::new(
                "rate_limited_total",
                "Requests refused with 429 by a tenant's rate limit",
            ),
            &["family", "tenant"],
        )
        .expect("valid metric");
        let pool_connections = IntGaugeVec::new(
            Opts::new(
                "db_pool_connections",
                "Open database connections by placement and state",
            ),
            &["placement", "state"],
        )
        .expect("valid metric");
        let pool_max = IntGaugeVec::new(
            Opts::new("db_pool_max_connections", "Pool size limit by placement"),
            &["placement"],
        )
        .expect("valid metric");
        let catalog_tenants =
            IntGauge::new("catalog_cache_tenants", "Tenants with a catalog snapshot in memory").expect("valid metric");
        let catalog_bytes = IntGauge::new(
            "catalog_cache_bytes",
            "Estimated size of the catalog snapshots in memory",
        )
        .expect("valid metric");
        let tenants = IntGaugeVec::new(Opts::new("tenants", "Tenants by status"), &["status"]).expect("valid metric");
        let database_up = IntGauge::new(
            "database_up",
            "1 while the shared placement's database is reachable, 0 while writes answer 503",
        )
        .expect("valid metric");
        let usage_pending = IntGaugeVec::new(
            Opts::new(
                "usage_pending",
                "Usage counts held in memory, not persisted yet (requests, orders)",
            ),
            &["kind"],
        )
        .expect("valid metric");
        let jobs = IntCounterVec::new(
            Opts::new(
                "jobs_total",
                "Background job runs by kind and outcome (done, retry, dead)",
            ),
            &["kind", "outcome"],
        )
        .expect("valid metric");
        let jobs_running =
            IntGauge::new("jobs_running", "Background jobs running in this process").expect("valid metric");
        for c in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(rate_limited.clone()),
            Box::new(pool_connections.clone()),
            Box::new(pool_max.clone()),
            Box::new(catalog_tenants.clone()),
            Box::new(catalog_bytes.clone()),
            Box::new(tenants.clone()),
            Box::new(database_up.clone()),
            Box::new(usage_pending.clone()),
            Box::new(jobs.clone()),
            Box::new(jobs_running.clone()),
        ] {
            registry.register(c).expect("metric registered once");
        }
        Self {
            registry,
            requests,
            latency,
            rate_limited,
            pool_connections,
            pool_max,
            catalog_tenants,
            catalog_bytes,
            tenants,
            database_up,
            usage_pending,
            jobs,
            jobs_running,
        }
    }

    /// A job started running in this process.
    pub fn job_started(&self) {
        self.jobs_running.inc();
    }

    /// A job run ended with `outcome`.
    pub fn job_finished(&self, kind: &str, outcome: &str) {
        self.jobs_running.dec();
        self.jobs.with_label_values(&[kind, outcome]).inc();
    }

    /// One answered request. `tenant` is the id of a `detailed_metrics` tenant, else "".
    pub fn observe(&self, family: ApiFamily, route: &str, status: u16, elapsed: Duration, tenant: &str) {
        let labels = [family.as_str(), route, status_class(status), tenant];
        self.requests.with_label_values(&labels).inc();
        self.latency.with_label_values(&labels).observe(elapsed.as_secs_f64());
        if status == 429 {
            self.rate_limited.with_label_values(&[family.as_str(), tenant]).inc();
        }
    }

    /// Sets the scrape-time gauges from `g` and renders every metric in Prometheus'
    /// text format.
    pub fn render(&self, g: &Gauges) -> String {
        for (placement, size, idle, max) in &g.pools {
            self.pool_connections
                .with_label_values(&[placement.as_str(), "idle"])
                .set(i64::from(*idle));
            self.pool_connections
                .with_label_values(&[placement.as_str(), "in_use"])
                .set(i64::from(*size) - i64::from(*idle));
            self.pool_max
                .with_label_values(&[placement.as_str()])
                .set(i64::from(*max));
        }
        self.catalog_tenants.set(g.catalog_tenants as i64);
        self.catalog_bytes.set(g.catalog_bytes as i64);
        for (status, n) in &g.tenants_by_status {
            self.tenants.with_label_values(&[status.as_str()]).set(*n as i64);
        }
        self.database_up.set(i64::from(g.database_up));
        self.usage_pending
            .with_label_values(&["requests"])
            .set(g.usage_pending_requests as i64);
        self.usage_pending
            .with_label_values(&["orders"])
            .set(g.usage_pending_orders as i64);
        let mut out = Vec::new();
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::error!(error = %e, "encoding metrics");
        }
        String::from_utf8(out).unwrap_or_default()
    }
}

/// What the gauges show, read at scrape time by `app::metrics::render`.
#[derive(Debug, Default)]
pub struct Gauges {
    /// Per open pool: placement name, connections, idle connections, maximum.
    pub pools: Vec<(String, u32, u32, u32)>,
    pub catalog_tenants: usize,
    pub catalog_bytes: usize,
    pub tenants_by_status: Vec<(String, usize)>,
    pub database_up: bool,
    pub usage_pending_requests: u64,
    pub usage_pending_orders: u64,
}
