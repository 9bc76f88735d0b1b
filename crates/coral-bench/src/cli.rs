//! Command-line options and the parsers for their value syntaxes (durations such as `10s`,
//! comma lists of concurrency levels). Everything here is pure so it can be unit tested.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::Parser;

use crate::scenarios::reads::ReadsMix;
use crate::scenarios::Scenario;

/// Drive a Medusa v2 compatible Store API (Coral, or Medusa itself) and report throughput,
/// latency percentiles and, optionally, the server's CPU and memory per request.
#[derive(Debug, Parser)]
#[command(name = "coral-bench", version)]
pub struct Args {
    /// Base URL of the Store API (plain http; a path prefix is kept).
    #[arg(long, default_value = "http://127.0.0.1:9000")]
    pub target: String,

    /// Publishable API key(s), comma separated; sent as `x-publishable-api-key`.
    #[arg(long = "publishable-key", value_delimiter = ',')]
    pub publishable_keys: Vec<String>,

    /// File with one publishable key per line (one per tenant); blank lines and `#` comments skipped.
    #[arg(long)]
    pub keys_file: Option<PathBuf>,

    /// Region id to use for every key; discovered per key via `GET /store/regions` when omitted.
    #[arg(long)]
    pub region: Option<String>,

    /// Scenario(s) to run, comma separated, each at every concurrency level.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "reads")]
    pub scenario: Vec<Scenario>,

    /// Concurrency levels (workers, one keep-alive connection each), run in turn.
    #[arg(long, default_value = "1,32,64", value_parser = parse_concurrency)]
    pub concurrency: ConcurrencyList,

    /// Measured time per run, e.g. `10s`, `500ms`, `2m`.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub duration: Duration,

    /// Unmeasured load before each run, so connections and server caches are warm.
    #[arg(long, default_value = "2s", value_parser = parse_duration)]
    pub warmup: Duration,

    /// Request mix for `reads`/`mixed-tenants`: `kind[=weight],...` over list, by_id, by_handle.
    #[arg(long, default_value = "list=1,by_id=1,by_handle=1", value_parser = ReadsMix::parse)]
    pub reads_mix: ReadsMix,

    /// `checkout` also runs every level with this promotion code on the cart (sent as
    /// `promo_codes` with the address, as the Next.js starter does), reported as
    /// `checkout+promo` beside the plain run, so the two are measured in the same run.
    #[arg(long)]
    pub promo_code: Option<String>,

    /// Workers of the measured (second) tenant in `noisy-neighbour`.
    #[arg(long, default_value_t = 8)]
    pub victim_concurrency: usize,

    /// Server process id(s), comma separated: CPU time and peak RSS are read from /proc.
    #[arg(long = "server-pid", value_delimiter = ',')]
    pub server_pids: Vec<u32>,

    /// Write the figures as JSON to this file too.
    #[arg(long)]
    pub json: Option<PathBuf>,

    /// Give up on a request after this long (counted as a `timeout` error).
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    pub request_timeout: Duration,

    /// Tokio worker threads for the load generator (default: one per core).
    #[arg(long)]
    pub threads: Option<usize>,
}

/// Concurrency levels in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConcurrencyList(pub Vec<usize>);

/// Parses `1,32,64` into levels; zero and empty items are rejected rather than skipped
/// because a typo there would silently measure something else.
pub fn parse_concurrency(s: &str) -> Result<ConcurrencyList, String> {
    let mut levels = Vec::new();
    for item in s.split(',') {
        let item = item.trim();
        let n: usize = item
            .parse()
            .map_err(|_| format!("{item:?} is not a concurrency level"))?;
        if n == 0 {
            return Err("concurrency levels must be at least 1".into());
        }
        levels.push(n);
    }
    Ok(ConcurrencyList(levels))
}

/// Parses `500ms`, `10s`, `2m`, `1h`, or a bare number of seconds; fractions allowed (`1.5s`).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{s:?} is not a duration (try 10s, 500ms, 2m)"))?;
    let seconds = match unit.trim() {
        "ms" => value / 1000.0,
        "" | "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        other => return Err(format!("unknown duration unit {other:?} in {s:?} (use ms, s, m or h)")),
    };
    Duration::try_from_secs_f64(seconds).map_err(|_| format!("{s:?} is out of range"))
}

/// Reads a keys file: one key per line, surrounding blanks trimmed, empty and `#` lines skipped.
pub fn parse_keys(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

impl Args {
    /// All keys, command-line ones first, then the file's, in order: scenarios give the
    /// first keys special roles (the noisy-neighbour flooder is the first one).
    pub fn keys(&self) -> Result<Vec<String>> {
        let mut keys: Vec<String> = self
            .publishable_keys
            .iter()
            .filter(|k| !k.is_empty())
            .cloned()
            .collect();
        if let Some(path) = &self.keys_file {
            let text =
                std::fs::read_to_string(path).with_context(|| format!("cannot read keys file {}", path.display()))?;
            keys.extend(parse_keys(&text));
        }
        if keys.is_empty() {
            bail!("no publishable key: pass --publishable-key KEY or --keys-file FILE");
        }
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert_eq!(parse_duration("0s"), Ok(Duration::ZERO));
        assert!(parse_duration("10x").is_err());
        assert!(parse_duration("s").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("-1s").is_err());
    }

    #[test]
    fn concurrency_lists() {
        assert_eq!(parse_concurrency("1,32,64"), Ok(ConcurrencyList(vec![1, 32, 64])));
        assert_eq!(parse_concurrency(" 8 "), Ok(ConcurrencyList(vec![8])));
        assert_eq!(parse_concurrency("4, 2"), Ok(ConcurrencyList(vec![4, 2])));
        assert!(parse_concurrency("1,,2").is_err());
        assert!(parse_concurrency("0").is_err());
        assert!(parse_concurrency("x").is_err());
    }

    #[test]
    fn keys_file_lines() {
        let keys = parse_keys("pk_a\n\n  pk_b  \n# comment\npk_c\r\n");
        assert_eq!(keys, vec!["pk_a", "pk_b", "pk_c"]);
    }

    #[test]
    fn args_parse() {
        let args = Args::try_parse_from([
            "coral-bench",
            "--publishable-key",
            "pk_1,pk_2",
            "--scenario",
            "reads,noisy-neighbour",
            "--concurrency",
            "2,4",
            "--duration",
            "500ms",
        ])
        .expect("valid arguments");
        assert_eq!(args.scenario, vec![Scenario::Reads, Scenario::NoisyNeighbour]);
        assert_eq!(args.concurrency, ConcurrencyList(vec![2, 4]));
        assert_eq!(args.duration, Duration::from_millis(500));
        assert_eq!(args.keys().expect("keys"), vec!["pk_1", "pk_2"]);
    }
}
