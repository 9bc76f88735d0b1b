//! Per-worker recording of request outcomes into HDR histograms (microseconds), the
//! measurement window that decides what counts, and the summary row each kind becomes.
//!
//! Each worker owns its own `Recorder` (no locks on the hot path); they are merged after
//! the run.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use serde::Serialize;

use crate::client::{Failure, Reply};

/// Longest latency the histograms resolve; slower requests are clamped to it. One minute
/// covers the default 30 s request timeout, and keeps each histogram around 140 KB.
const MAX_MICROS: u64 = 60_000_000;
const SIGNIFICANT_DIGITS: u8 = 3;

/// The measured part of a run: only requests (or flows) *started* inside it are counted,
/// so warmup traffic and the tail after the deadline stay out of the figures.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub start: Instant,
    pub end: Instant,
}

impl Window {
    pub fn contains(&self, t: Instant) -> bool {
        t >= self.start && t < self.end
    }

    pub fn is_over(&self) -> bool {
        Instant::now() >= self.end
    }
}

/// What became of one request or flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome<'a> {
    /// A 2xx response (or a flow that completed).
    Ok,
    /// An HTTP response outside 2xx.
    Status(u16),
    /// No usable response; the label says why (`io`, `timeout`, `bad_body`, ...).
    Failed(&'a str),
}

impl<'a> Outcome<'a> {
    pub fn of(result: &'a Result<Reply, Failure>) -> Self {
        match result {
            Ok(reply) if reply.is_success() => Outcome::Ok,
            Ok(reply) => Outcome::Status(reply.status),
            Err(failure) => Outcome::Failed(failure.kind),
        }
    }
}

fn new_histogram() -> Histogram<u64> {
    // Bounds are constants that hdrhistogram accepts; a failure here is a programming error.
    Histogram::new_with_bounds(1, MAX_MICROS, SIGNIFICANT_DIGITS).expect("valid histogram bounds")
}

/// Counts and latencies of one kind of request. Latencies are those of successful
/// requests only: a fast 429 or 500 would otherwise make an overloaded server look quick.
#[derive(Debug, Clone)]
pub struct KindStats {
    pub hist: Histogram<u64>,
    pub ok: u64,
    /// Failures by status code (`"429"`) or failure label (`"io"`).
    pub errors: BTreeMap<String, u64>,
}

impl Default for KindStats {
    fn default() -> Self {
        Self {
            hist: new_histogram(),
            ok: 0,
            errors: BTreeMap::new(),
        }
    }
}

impl KindStats {
    pub fn record(&mut self, latency: Duration, outcome: Outcome<'_>) {
        match outcome {
            Outcome::Ok => {
                self.ok += 1;
                let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX).max(1);
                self.hist.saturating_record(micros);
            }
            Outcome::Status(code) => *self.errors.entry(code.to_string()).or_default() += 1,
            Outcome::Failed(label) => *self.errors.entry(label.to_owned()).or_default() += 1,
        }
    }

    pub fn merge(&mut self, other: &KindStats) {
        // Same bounds on both sides, so adding cannot fail; ignore the impossible error
        // rather than abort a finished run over it.
        let _ = self.hist.add(&other.hist);
        self.ok += other.ok;
        for (label, n) in &other.errors {
            *self.errors.entry(label.clone()).or_default() += n;
        }
    }

    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }

    /// Summary over `seconds` of measured time.
    pub fn row(&self, kind: &str, seconds: f64) -> Row {
        let ms = |micros: u64| micros as f64 / 1000.0;
        let has_samples = !self.hist.is_empty();
        let quantile = |q: f64| has_samples.then(|| ms(self.hist.value_at_quantile(q)));
        let errors = self.error_count();
        Row {
            kind: kind.to_owned(),
            requests: self.ok + errors,
            ok: self.ok,
            errors,
            ok_per_s: if seconds > 0.0 { self.ok as f64 / seconds } else { 0.0 },
            p50_ms: quantile(0.50),
            p90_ms: quantile(0.90),
            p99_ms: quantile(0.99),
            max_ms: has_samples.then(|| ms(self.hist.max())),
            mean_ms: has_samples.then(|| self.hist.mean() / 1000.0),
            error_kinds: self.errors.clone(),
            server_cpu_ms_per_op: None,
            server_peak_rss_mb: None,
        }
    }
}

/// One line of the report: a request kind, checkout step, or aggregate.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub kind: String,
    /// Attempts started in the window: `ok + errors`.
    pub requests: u64,
    pub ok: u64,
    pub errors: u64,
    /// Successful requests (or flows) per second of measured time.
    pub ok_per_s: f64,
    pub p50_ms: Option<f64>,
    pub p90_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub max_ms: Option<f64>,
    pub mean_ms: Option<f64>,
    pub error_kinds: BTreeMap<String, u64>,
    /// Filled on the run's aggregate row only: the server's CPU is not attributable per kind.
    pub server_cpu_ms_per_op: Option<f64>,
    pub server_peak_rss_mb: Option<f64>,
}

/// A worker's (or, once merged, a run's) statistics by kind, kept in first-seen order so
/// checkout steps print in flow order.
#[derive(Debug, Clone)]
pub struct Recorder {
    window: Window,
    kinds: Vec<(&'static str, KindStats)>,
    pub reconnects: u64,
}

impl Recorder {
    pub fn new(window: Window) -> Self {
        Self {
            window,
            kinds: Vec::new(),
            reconnects: 0,
        }
    }

    /// Makes `kinds` appear in this order even if some never get a sample.
    pub fn with_kinds(window: Window, kinds: &[&'static str]) -> Self {
        let mut recorder = Self::new(window);
        for kind in kinds {
            recorder.stats_mut(kind);
        }
        recorder
    }

    pub fn window(&self) -> Window {
        self.window
    }

    /// Records one request that started at `started`, if that was inside the window.
    pub fn record(&mut self, kind: &'static str, started: Instant, latency: Duration, outcome: Outcome<'_>) {
        if self.window.contains(started) {
            self.stats_mut(kind).record(latency, outcome);
        }
    }

    fn stats_mut(&mut self, kind: &'static str) -> &mut KindStats {
        // A handful of kinds per run: a linear scan beats hashing here.
        let index = match self.kinds.iter().position(|(k, _)| *k == kind) {
            Some(i) => i,
            None => {
                self.kinds.push((kind, KindStats::default()));
                self.kinds.len() - 1
            }
        };
        &mut self.kinds[index].1
    }

    pub fn merge(&mut self, other: &Recorder) {
        for (kind, stats) in &other.kinds {
            self.stats_mut(kind).merge(stats);
        }
        self.reconnects += other.reconnects;
    }

    pub fn kinds(&self) -> &[(&'static str, KindStats)] {
        &self.kinds
    }

    /// All kinds merged into one, for a run's aggregate line.
    pub fn total(&self) -> KindStats {
        let mut total = KindStats::default();
        for (_, stats) in &self.kinds {
            total.merge(stats);
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window() -> (Instant, Window) {
        let now = Instant::now();
        (
            now,
            Window {
                start: now,
                end: now + Duration::from_secs(10),
            },
        )
    }

    #[test]
    fn percentiles_in_milliseconds() {
        let mut stats = KindStats::default();
        for ms in 1..=100u64 {
            stats.record(Duration::from_millis(ms), Outcome::Ok);
        }
        stats.record(Duration::from_millis(5), Outcome::Status(429));
        stats.record(Duration::from_millis(5), Outcome::Failed("io"));
        let row = stats.row("by_id", 2.0);
        assert_eq!((row.requests, row.ok, row.errors), (102, 100, 2));
        assert_eq!(row.ok_per_s, 50.0);
        // Three significant digits: values are exact to within 0.1 %.
        let near = |got: Option<f64>, want: f64| (got.expect("sampled") - want).abs() <= want * 0.001;
        assert!(near(row.p50_ms, 50.0), "{:?}", row.p50_ms);
        assert!(near(row.p99_ms, 99.0), "{:?}", row.p99_ms);
        assert!(near(row.max_ms, 100.0), "{:?}", row.max_ms);
        assert_eq!(row.error_kinds.get("429"), Some(&1));
        assert_eq!(row.error_kinds.get("io"), Some(&1));
    }

    #[test]
    fn empty_kind_has_no_percentiles() {
        let row = KindStats::default().row("list", 1.0);
        assert_eq!((row.requests, row.p50_ms, row.max_ms), (0, None, None));
    }

    #[test]
    fn window_gates_recording_and_merge_keeps_order() {
        let (now, window) = window();
        let mut a = Recorder::with_kinds(window, &["create_cart", "complete"]);
        a.record("complete", now, Duration::from_millis(3), Outcome::Ok);
        a.record(
            "complete",
            now + Duration::from_secs(11),
            Duration::from_millis(3),
            Outcome::Ok,
        );
        let mut b = Recorder::new(window);
        b.record(
            "create_cart",
            now + Duration::from_secs(1),
            Duration::from_millis(2),
            Outcome::Ok,
        );
        b.record(
            "extra",
            now + Duration::from_secs(1),
            Duration::from_millis(2),
            Outcome::Status(500),
        );
        a.merge(&b);
        let names: Vec<&str> = a.kinds().iter().map(|(k, _)| *k).collect();
        assert_eq!(names, vec!["create_cart", "complete", "extra"]);
        assert_eq!(a.kinds()[1].1.ok, 1);
        let total = a.total();
        assert_eq!((total.ok, total.error_count()), (2, 1));
    }
}
