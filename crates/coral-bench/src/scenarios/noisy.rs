//! `noisy-neighbour`: tenant isolation under abuse. The first key floods priced product
//! listings with `--concurrency` workers as fast as it can, while the second key's
//! product-by-id reads are measured at a fixed, modest `--victim-concurrency`. A fair
//! server keeps the victim's latency flat and answers the flooder with 429s.

use std::sync::Arc;

use anyhow::{bail, Result};

use crate::report::RunResult;
use crate::runner;
use crate::scenarios::reads::{self, ReadKind, ReadLoad, ReadsMix};
use crate::scenarios::{finish, Ctx, Scenario};
use crate::setup::{self, Needs};

const FLOODER: &str = "flooder list";
const VICTIM: &str = "victim by_id";

pub struct Prepared {
    flooder: Arc<ReadLoad>,
    victim: Arc<ReadLoad>,
}

pub async fn prepare(ctx: &Ctx) -> Result<Prepared> {
    let [flooder_key, victim_key, ..] = ctx.keys.as_slice() else {
        bail!("noisy-neighbour needs two keys: --publishable-key FLOODER,VICTIM or a --keys-file of two lines");
    };
    if ctx.victim_concurrency == 0 {
        bail!("--victim-concurrency must be at least 1");
    }
    // The flooder only lists, which needs a region but no product ids.
    let flooder = setup::load_tenant(&ctx.target, flooder_key, ctx.region.as_deref(), Needs::default()).await?;
    let victim_mix = ReadsMix::only(ReadKind::ById);
    let victim = reads::load_tenants(ctx, std::slice::from_ref(victim_key), &victim_mix).await?;
    eprintln!(
        "noisy-neighbour: flooder {} (region {}), victim {} at {} workers",
        setup::short_key(flooder_key),
        flooder.region_id,
        setup::short_key(victim_key),
        ctx.victim_concurrency
    );
    let load = |tenants, mix, label| {
        Arc::new(ReadLoad {
            target: ctx.target.clone(),
            timeout: ctx.timeout,
            tenants,
            mix,
            label: Some(label),
        })
    };
    Ok(Prepared {
        flooder: load(vec![flooder], ReadsMix::only(ReadKind::List), FLOODER),
        victim: load(victim, victim_mix, VICTIM),
    })
}

/// `concurrency` is the flooder's; the victim's workers come on top.
pub async fn measure(ctx: &Ctx, prepared: &Prepared, concurrency: usize) -> Result<RunResult> {
    let workers = concurrency + ctx.victim_concurrency;
    let measured = runner::run(workers, ctx.plan, ctx.probe.as_ref(), |i, window| {
        let load = if i < concurrency {
            &prepared.flooder
        } else {
            &prepared.victim
        };
        reads::worker(load.clone(), window)
    })
    .await?;
    let mut result = finish(ctx, Scenario::NoisyNeighbour, concurrency, measured, None);
    // The victim is what this scenario is about: its row first (a stable sort keeps the rest).
    result.rows.sort_by_key(|row| row.kind != VICTIM);
    result.note = Some(format!(
        "concurrency = flooder workers; the victim ran {} workers alongside",
        ctx.victim_concurrency
    ));
    Ok(result)
}
