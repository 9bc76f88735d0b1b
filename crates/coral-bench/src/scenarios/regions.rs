//! `regions`: `GET /store/regions` in a loop with the first key. The cheapest tenant-scoped
//! route every Medusa v2 compatible server has, so it smoke-tests the tool (keep-alive,
//! histograms, /proc sampling, report) and the server's request plumbing on its own.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::client::{Conn, Target};
use crate::report::RunResult;
use crate::runner;
use crate::scenarios::{finish, Ctx, Scenario};
use crate::setup::{self, Needs};
use crate::stats::{Outcome, Recorder, Window};

const KIND: &str = "regions";
const PATH: &str = "/store/regions";

pub struct Prepared {
    key: Arc<str>,
}

/// Discovers the region like the other scenarios do, so a bad key or target fails here
/// with a clear message instead of as a table full of errors.
pub async fn prepare(ctx: &Ctx) -> Result<Prepared> {
    let key = &ctx.keys[0];
    let tenant = setup::load_tenant(&ctx.target, key, ctx.region.as_deref(), Needs::default()).await?;
    eprintln!("regions: key {} → region {}", setup::short_key(key), tenant.region_id);
    Ok(Prepared {
        key: key.as_str().into(),
    })
}

pub async fn measure(ctx: &Ctx, prepared: &Prepared, concurrency: usize) -> Result<RunResult> {
    let measured = runner::run(concurrency, ctx.plan, ctx.probe.as_ref(), |_, window| {
        worker(ctx.target.clone(), ctx.timeout, prepared.key.clone(), window)
    })
    .await?;
    Ok(finish(ctx, Scenario::Regions, concurrency, measured, None))
}

async fn worker(target: Arc<Target>, timeout: Duration, key: Arc<str>, window: Window) -> Recorder {
    let mut conn = Conn::new(target, timeout);
    let mut recorder = Recorder::with_kinds(window, &[KIND]);
    while !window.is_over() {
        let started = Instant::now();
        let result = conn.get(PATH, &key).await;
        recorder.record(KIND, started, started.elapsed(), Outcome::of(&result));
    }
    recorder.reconnects = conn.reconnects;
    recorder
}
