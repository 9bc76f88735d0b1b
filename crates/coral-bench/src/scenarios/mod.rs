//! The scenarios: what `--scenario` accepts, the context they share, and the dispatch that
//! sets a scenario up once and then measures it at each concurrency level.

pub mod checkout;
pub mod mixed;
pub mod noisy;
pub mod reads;
pub mod regions;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use clap::ValueEnum;

use crate::client::Target;
use crate::procfs::ServerProbe;
use crate::report::RunResult;
use crate::runner::{Measured, Plan};
use crate::scenarios::reads::ReadsMix;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scenario {
    /// `GET /store/regions` in a loop: a smoke test of the tool and the server's plumbing.
    Regions,
    /// Product listing, product by id and product by handle, in `--reads-mix` proportions.
    Reads,
    /// The 8-request guest checkout, as flows/s plus per-step latency.
    Checkout,
    /// `reads`, each request for a random tenant of the keys given.
    MixedTenants,
    /// The first key floods listings while the second key's by-id reads are measured.
    NoisyNeighbour,
}

impl Scenario {
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Regions => "regions",
            Scenario::Reads => "reads",
            Scenario::Checkout => "checkout",
            Scenario::MixedTenants => "mixed-tenants",
            Scenario::NoisyNeighbour => "noisy-neighbour",
        }
    }
}

/// Everything a scenario needs from the command line.
pub struct Ctx {
    pub target: Arc<Target>,
    pub keys: Vec<String>,
    pub region: Option<String>,
    pub plan: Plan,
    pub probe: Option<ServerProbe>,
    pub timeout: Duration,
    pub reads_mix: ReadsMix,
    pub victim_concurrency: usize,
    /// `checkout` runs each level a second time with this code on the cart.
    pub promo_code: Option<String>,
}

/// Sets `scenario` up, then runs it at each level in turn, handing each result to `done`
/// as soon as it exists (so a later failure does not lose earlier figures).
pub async fn run(ctx: &Ctx, scenario: Scenario, levels: &[usize], mut done: impl FnMut(RunResult)) -> Result<()> {
    match scenario {
        Scenario::Regions => {
            let prepared = regions::prepare(ctx).await?;
            for &level in levels {
                announce(ctx, scenario, level);
                done(regions::measure(ctx, &prepared, level).await?);
            }
        }
        Scenario::Reads | Scenario::MixedTenants => {
            let prepared = match scenario {
                Scenario::Reads => reads::prepare(ctx).await?,
                _ => mixed::prepare(ctx).await?,
            };
            for &level in levels {
                announce(ctx, scenario, level);
                done(reads::measure(ctx, scenario, &prepared, level).await?);
            }
        }
        Scenario::Checkout => {
            let prepared = checkout::prepare(ctx).await?;
            for &level in levels {
                announce(ctx, scenario, level);
                done(checkout::measure(ctx, &prepared, level, None).await?);
                if let Some(code) = ctx.promo_code.as_deref() {
                    eprintln!("  … and again with promotion code {code}");
                    done(checkout::measure(ctx, &prepared, level, Some(code)).await?);
                }
            }
        }
        Scenario::NoisyNeighbour => {
            let prepared = noisy::prepare(ctx).await?;
            for &level in levels {
                announce(ctx, scenario, level);
                done(noisy::measure(ctx, &prepared, level).await?);
            }
        }
    }
    Ok(())
}

fn announce(ctx: &Ctx, scenario: Scenario, level: usize) {
    eprintln!(
        "{} @ {level}: {:?} warmup + {:?} measured…",
        scenario.name(),
        ctx.plan.warmup,
        ctx.plan.duration
    );
}

/// Turns a measurement into report rows. `primary` names the kind the server's CPU is
/// divided by (checkout's `flow`); without it, a run of one kind uses that kind, and a run
/// of several gets an `all` row that merges them.
pub fn finish(
    ctx: &Ctx,
    scenario: Scenario,
    concurrency: usize,
    measured: Measured,
    primary: Option<&str>,
) -> RunResult {
    let seconds = ctx.plan.duration.as_secs_f64();
    let recorder = &measured.recorder;
    let mut rows: Vec<_> = recorder
        .kinds()
        .iter()
        .map(|(kind, stats)| stats.row(kind, seconds))
        .collect();
    let primary_index = match primary.and_then(|p| rows.iter().position(|r| r.kind == p)) {
        Some(index) => index,
        None if rows.len() == 1 => 0,
        None => {
            rows.push(recorder.total().row("all", seconds));
            rows.len() - 1
        }
    };
    if let (Some(server), Some(row)) = (measured.server, rows.get_mut(primary_index)) {
        row.server_cpu_ms_per_op = (row.requests > 0).then(|| server.cpu_ms / row.requests as f64);
        row.server_peak_rss_mb = Some(server.peak_rss_mb);
    }
    RunResult {
        scenario: scenario.name().to_owned(),
        concurrency,
        duration_s: seconds,
        reconnects: recorder.reconnects,
        server: measured.server,
        rows,
        note: None,
    }
}
