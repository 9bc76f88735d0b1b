//! The figures as people and programs read them: a markdown table for stdout and the same
//! data as JSON for `--json`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::procfs::ServerUsage;
use crate::stats::Row;

/// One scenario at one concurrency level.
#[derive(Debug, Clone, Serialize)]
pub struct RunResult {
    pub scenario: String,
    pub concurrency: usize,
    pub duration_s: f64,
    /// Connections re-dialled after the server closed one (0 when keep-alive held).
    pub reconnects: u64,
    pub server: Option<ServerUsage>,
    pub rows: Vec<Row>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The whole `--json` document.
#[derive(Debug, Serialize)]
pub struct Report<'a> {
    pub target: &'a str,
    pub warmup_s: f64,
    pub duration_s: f64,
    pub runs: &'a [RunResult],
    /// Scenarios that could not run, with why.
    pub failures: &'a BTreeMap<String, String>,
}

const HEADER: [&str; 12] = [
    "scenario",
    "kind/step",
    "concurrency",
    "requests",
    "ok/s",
    "p50 ms",
    "p99 ms",
    "max ms",
    "errors",
    "error kinds",
    "server CPU ms/op",
    "server peak RSS MB",
];

/// The markdown table of all runs, followed by notes that explain it.
pub fn markdown(runs: &[RunResult]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "| {} |", HEADER.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(HEADER.len()));
    for run in runs {
        out.push_str(&rows(run));
    }
    out.push_str(&notes(runs));
    out
}

/// The table lines of one run, without header: also printed as progress while running.
pub fn rows(run: &RunResult) -> String {
    let mut out = String::new();
    for row in &run.rows {
        let cells = [
            run.scenario.clone(),
            row.kind.clone(),
            run.concurrency.to_string(),
            row.requests.to_string(),
            format!("{:.1}", row.ok_per_s),
            ms(row.p50_ms),
            ms(row.p99_ms),
            ms(row.max_ms),
            row.errors.to_string(),
            error_kinds(&row.error_kinds),
            row.server_cpu_ms_per_op.map_or_else(dash, |v| format!("{v:.3}")),
            row.server_peak_rss_mb.map_or_else(dash, |v| format!("{v:.1}")),
        ];
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out
}

fn notes(runs: &[RunResult]) -> String {
    let mut out = String::from(
        "\nok/s: successful requests per second of measured time (completed flows for checkout's `flow` row). \
         Latencies are of successful requests only. Server CPU (user+system, from /proc) is divided by \
         the requests (or flows) of the run's aggregate row.\n",
    );
    if runs.iter().any(|r| r.server.is_some_and(|s| !s.peak_is_per_run)) {
        out.push_str("Peak RSS is since the server started (its high-water mark could not be reset).\n");
    }
    for run in runs {
        if let Some(note) = &run.note {
            let _ = writeln!(out, "{} @ {}: {note}.", run.scenario, run.concurrency);
        }
        if run.reconnects > 0 {
            let _ = writeln!(
                out,
                "{} @ {}: {} connections were re-dialled (server closed keep-alive connections).",
                run.scenario, run.concurrency, run.reconnects
            );
        }
    }
    out
}

fn dash() -> String {
    "–".to_owned()
}

fn ms(value: Option<f64>) -> String {
    value.map_or_else(dash, |v| format!("{v:.2}"))
}

/// `429×120 io×2`, most frequent first: the labels say what went wrong.
fn error_kinds(errors: &BTreeMap<String, u64>) -> String {
    if errors.is_empty() {
        return dash();
    }
    let mut sorted: Vec<_> = errors.iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    sorted
        .iter()
        .map(|(label, n)| format!("{label}×{n}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::{KindStats, Outcome};
    use std::time::Duration;

    fn run() -> RunResult {
        let mut stats = KindStats::default();
        for ms in [2, 4, 4, 8] {
            stats.record(Duration::from_millis(ms), Outcome::Ok);
        }
        stats.record(Duration::from_millis(1), Outcome::Status(429));
        stats.record(Duration::from_millis(1), Outcome::Status(429));
        stats.record(Duration::from_millis(1), Outcome::Failed("io"));
        let mut row = stats.row("by_id", 2.0);
        row.server_cpu_ms_per_op = Some(0.5);
        row.server_peak_rss_mb = Some(42.25);
        RunResult {
            scenario: "reads".into(),
            concurrency: 32,
            duration_s: 2.0,
            reconnects: 0,
            server: None,
            rows: vec![row, KindStats::default().row("list", 2.0)],
            note: None,
        }
    }

    #[test]
    fn table_rows() {
        let table = markdown(&[run()]);
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[0].starts_with("| scenario | kind/step | concurrency |"));
        assert_eq!(lines[1], "|---|---|---|---|---|---|---|---|---|---|---|---|");
        assert_eq!(
            lines[2],
            "| reads | by_id | 32 | 7 | 2.0 | 4.00 | 8.00 | 8.00 | 3 | 429×2 io×1 | 0.500 | 42.2 |"
        );
        assert_eq!(lines[3], "| reads | list | 32 | 0 | 0.0 | – | – | – | 0 | – | – | – |");
    }

    #[test]
    fn json_shape() {
        let runs = [run()];
        let failures = BTreeMap::from([("checkout".to_owned(), "no products".to_owned())]);
        let report = Report {
            target: "http://x",
            warmup_s: 1.0,
            duration_s: 2.0,
            runs: &runs,
            failures: &failures,
        };
        let value = serde_json::to_value(&report).expect("serialisable");
        let row = &value["runs"][0]["rows"][0];
        assert_eq!(row["kind"], "by_id");
        // HDR reports the highest value equivalent to the sample at 3 digits: 4 ms → 4.001.
        let p50 = row["p50_ms"].as_f64().expect("a number");
        assert!((4.0..=4.004).contains(&p50), "{p50}");
        assert_eq!(row["error_kinds"]["429"], 2);
        assert_eq!(value["runs"][0]["rows"][1]["p99_ms"], serde_json::Value::Null);
        assert_eq!(value["failures"]["checkout"], "no products");
        assert!(value["runs"][0].get("note").is_none());
    }
}
