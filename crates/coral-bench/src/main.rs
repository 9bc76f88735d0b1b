//! `coral-bench`: a load generator for any Medusa v2 compatible Store API, so Coral and
//! Medusa can be measured with one tool. This file wires the command line to the
//! scenarios and prints the report; see `cli.rs` for the options.
//!
//! ```text
//! coral-bench --target http://127.0.0.1:9000 --publishable-key pk_... \
//!     --scenario reads,checkout --concurrency 1,32,64 --duration 10s --server-pid 1234 --json out.json
//! ```

mod cli;
mod client;
mod procfs;
mod report;
mod runner;
mod scenarios;
mod setup;
mod stats;

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::Parser;

use crate::cli::Args;
use crate::client::Target;
use crate::procfs::ServerProbe;
use crate::report::{Report, RunResult};
use crate::runner::Plan;
use crate::scenarios::Ctx;

fn main() -> ExitCode {
    let args = Args::parse();
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if let Some(threads) = args.threads {
        runtime.worker_threads(threads.max(1));
    }
    let outcome = runtime.enable_all().build().context("cannot start the async runtime");
    match outcome.and_then(|rt| rt.block_on(run(args))) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("coral-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs every scenario asked for; `Ok(false)` when some could not run (the others'
/// figures are still printed and written).
async fn run(args: Args) -> Result<bool> {
    anyhow::ensure!(!args.duration.is_zero(), "--duration must be above 0");
    let ctx = Ctx {
        target: Arc::new(Target::parse(&args.target)?),
        keys: args.keys()?,
        region: args.region.clone(),
        plan: Plan {
            warmup: args.warmup,
            duration: args.duration,
        },
        probe: if args.server_pids.is_empty() {
            None
        } else {
            Some(ServerProbe::new(args.server_pids.clone())?)
        },
        timeout: args.request_timeout,
        reads_mix: args.reads_mix.clone(),
        victim_concurrency: args.victim_concurrency,
        promo_code: args.promo_code.clone(),
    };

    let mut runs: Vec<RunResult> = Vec::new();
    let mut failures = BTreeMap::new();
    for &scenario in &args.scenario {
        let outcome = scenarios::run(&ctx, scenario, &args.concurrency.0, |result| {
            eprint!("{}", report::rows(&result));
            runs.push(result);
        })
        .await;
        if let Err(e) = outcome {
            eprintln!("coral-bench: {}: {e:#}", scenario.name());
            failures.insert(scenario.name().to_owned(), format!("{e:#}"));
        }
    }

    if !runs.is_empty() {
        println!("{}", report::markdown(&runs));
    }
    if let Some(path) = &args.json {
        let report = Report {
            target: &args.target,
            warmup_s: args.warmup.as_secs_f64(),
            duration_s: args.duration.as_secs_f64(),
            runs: &runs,
            failures: &failures,
        };
        let text = serde_json::to_string_pretty(&report)?;
        std::fs::write(path, text + "\n").with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(failures.is_empty())
}
