//! Runs one measurement: starts the workers, lets them warm up, samples the server's
//! /proc counters exactly at the edges of the measured window, and merges what the
//! workers recorded.

use std::future::Future;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use tokio::time::sleep_until;

use crate::procfs::{ServerProbe, ServerUsage};
use crate::stats::{Recorder, Window};

/// How long each run warms up and then measures.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub warmup: Duration,
    pub duration: Duration,
}

impl Plan {
    /// The window of a run starting now.
    pub fn window(&self) -> Window {
        let start = Instant::now() + self.warmup;
        Window {
            start,
            end: start + self.duration,
        }
    }
}

/// What a run produced: the merged worker statistics and, with `--server-pid`, the server's.
pub struct Measured {
    pub recorder: Recorder,
    pub server: Option<ServerUsage>,
}

/// Spawns `workers` tasks made by `make_worker(index, window)` and waits for them. Workers
/// must stop by themselves once `window.is_over()`; the index lets a scenario give groups
/// of workers different roles (noisy-neighbour's flooder and victim).
pub async fn run<F, Fut>(workers: usize, plan: Plan, probe: Option<&ServerProbe>, make_worker: F) -> Result<Measured>
where
    F: Fn(usize, Window) -> Fut,
    Fut: Future<Output = Recorder> + Send + 'static,
{
    let peak_is_per_run = probe.is_some_and(ServerProbe::reset_peak);
    let window = plan.window();
    let handles: Vec<_> = (0..workers).map(|i| tokio::spawn(make_worker(i, window))).collect();

    let mut ticks = None;
    if let Some(probe) = probe {
        sleep_until(window.start.into()).await;
        let before = probe.cpu_ticks()?;
        sleep_until(window.end.into()).await;
        ticks = Some((before, probe.cpu_ticks()?));
    }

    let mut recorder = Recorder::new(window);
    for handle in handles {
        let worker = handle.await.context("a worker task panicked")?;
        recorder.merge(&worker);
    }

    let server = match (probe, ticks) {
        (Some(probe), Some((before, after))) => Some(ServerUsage::new(before, after, probe.memory()?, peak_is_per_run)),
        _ => None,
    };
    Ok(Measured { recorder, server })
}
