//! `reads`: storefront catalogue reads — product listing with prices, product by id and
//! product by handle — in weighted proportions, each reported separately. Also the read
//! worker that `mixed-tenants` and `noisy-neighbour` reuse.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use crate::client::{query_escape, Conn, Target};
use crate::report::RunResult;
use crate::runner;
use crate::scenarios::{finish, Ctx, Scenario};
use crate::setup::{self, Needs, Tenant};
use crate::stats::{Outcome, Recorder, Window};

/// One kind of catalogue read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadKind {
    /// A priced page of 20 products, as a storefront's category page asks.
    List,
    ById,
    ByHandle,
}

impl ReadKind {
    pub fn name(self) -> &'static str {
        match self {
            ReadKind::List => "list",
            ReadKind::ById => "by_id",
            ReadKind::ByHandle => "by_handle",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        [ReadKind::List, ReadKind::ById, ReadKind::ByHandle]
            .into_iter()
            .find(|k| k.name() == name)
    }

    /// The request path for `tenant`, with a random product where one is needed; `None`
    /// when the tenant has nothing to pick from.
    fn path(self, tenant: &Tenant, rng: &mut impl Rng) -> Option<String> {
        let region = query_escape(&tenant.region_id);
        Some(match self {
            ReadKind::List => format!("/store/products?limit=20&region_id={region}&fields=*variants.calculated_price"),
            ReadKind::ById => {
                let id = tenant.product_ids.choose(rng)?;
                format!("/store/products/{}?region_id={region}", query_escape(id))
            }
            ReadKind::ByHandle => {
                let handle = tenant.handles.choose(rng)?;
                format!("/store/products?handle={}&region_id={region}", query_escape(handle))
            }
        })
    }
}

/// Weighted request kinds, from `--reads-mix list=1,by_id=3` (a bare kind weighs 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadsMix {
    kinds: Vec<(ReadKind, u32)>,
    total: u32,
}

impl ReadsMix {
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut kinds: Vec<(ReadKind, u32)> = Vec::new();
        for item in s.split(',').map(str::trim) {
            let (name, weight) = item.split_once('=').unwrap_or((item, "1"));
            let kind = ReadKind::from_name(name.trim())
                .ok_or_else(|| format!("unknown read kind {name:?} (use list, by_id, by_handle)"))?;
            let weight: u32 = weight.trim().parse().map_err(|_| format!("bad weight in {item:?}"))?;
            if kinds.iter().any(|(k, _)| *k == kind) {
                return Err(format!("{name} is listed twice"));
            }
            if weight > 0 {
                kinds.push((kind, weight));
            }
        }
        let total = kinds.iter().map(|(_, w)| w).sum();
        if total == 0 {
            return Err("the reads mix needs at least one kind with a weight above 0".into());
        }
        Ok(Self { kinds, total })
    }

    /// A mix of one kind only.
    pub fn only(kind: ReadKind) -> Self {
        Self {
            kinds: vec![(kind, 1)],
            total: 1,
        }
    }

    pub fn contains(&self, kind: ReadKind) -> bool {
        self.kinds.iter().any(|(k, _)| *k == kind)
    }

    fn names(&self) -> Vec<&'static str> {
        self.kinds.iter().map(|(k, _)| k.name()).collect()
    }

    fn pick(&self, rng: &mut impl Rng) -> ReadKind {
        let mut ticket = rng.gen_range(0..self.total);
        for (kind, weight) in &self.kinds {
            if ticket < *weight {
                return *kind;
            }
            ticket -= weight;
        }
        // Unreachable while `total` is the sum of the weights; any kind is a safe answer.
        self.kinds[0].0
    }
}

/// What a group of read workers does: which tenants (one picked at random per request),
/// which mix, and optionally one label to record every request under.
pub struct ReadLoad {
    pub target: Arc<Target>,
    pub timeout: Duration,
    pub tenants: Vec<Tenant>,
    pub mix: ReadsMix,
    pub label: Option<&'static str>,
}

/// The read loop: random tenant, random kind, one request, record; until the window ends.
pub async fn worker(load: Arc<ReadLoad>, window: Window) -> Recorder {
    let mut rng = StdRng::from_entropy();
    let mut conn = Conn::new(load.target.clone(), load.timeout);
    let names = match load.label {
        Some(label) => vec![label],
        None => load.mix.names(),
    };
    let mut recorder = Recorder::with_kinds(window, &names);
    while !window.is_over() {
        let Some(tenant) = load.tenants.choose(&mut rng) else {
            break;
        };
        let kind = load.mix.pick(&mut rng);
        let label = load.label.unwrap_or(kind.name());
        let started = Instant::now();
        match kind.path(tenant, &mut rng) {
            Some(path) => {
                let result = conn.get(&path, &tenant.key).await;
                recorder.record(label, started, started.elapsed(), Outcome::of(&result));
            }
            // Setup rejects tenants without products, so this only guards against a mix
            // that asks for handles of a catalogue that has none.
            None => recorder.record(label, started, Duration::ZERO, Outcome::Failed("no_product")),
        }
    }
    recorder.reconnects = conn.reconnects;
    recorder
}

/// What the read scenarios need of each tenant for `mix`.
pub fn needs() -> Needs {
    Needs {
        products: true,
        ..Needs::default()
    }
}

/// Loads `keys` as tenants, checking each has what `mix` will ask for.
pub async fn load_tenants(ctx: &Ctx, keys: &[String], mix: &ReadsMix) -> Result<Vec<Tenant>> {
    let mut tenants = Vec::with_capacity(keys.len());
    for key in keys {
        let tenant = setup::load_tenant(&ctx.target, key, ctx.region.as_deref(), needs()).await?;
        if mix.contains(ReadKind::ByHandle) && tenant.handles.is_empty() {
            anyhow::bail!(
                "key {}: products have no handles for by_handle reads",
                setup::short_key(key)
            );
        }
        eprintln!(
            "setup: key {} → region {}, {} products",
            setup::short_key(key),
            tenant.region_id,
            tenant.product_ids.len()
        );
        tenants.push(tenant);
    }
    Ok(tenants)
}

/// `reads` uses the first key only.
pub async fn prepare(ctx: &Ctx) -> Result<Arc<ReadLoad>> {
    load_for(ctx, &ctx.keys[..1]).await
}

/// The read load over the catalogs of `keys` (one tenant each), with the run's mix.
pub async fn load_for(ctx: &Ctx, keys: &[String]) -> Result<Arc<ReadLoad>> {
    let tenants = load_tenants(ctx, keys, &ctx.reads_mix).await?;
    Ok(Arc::new(ReadLoad {
        target: ctx.target.clone(),
        timeout: ctx.timeout,
        tenants,
        mix: ctx.reads_mix.clone(),
        label: None,
    }))
}

pub async fn measure(ctx: &Ctx, scenario: Scenario, load: &Arc<ReadLoad>, concurrency: usize) -> Result<RunResult> {
    let measured = runner::run(concurrency, ctx.plan, ctx.probe.as_ref(), |_, window| {
        worker(load.clone(), window)
    })
    .await?;
    Ok(finish(ctx, scenario, concurrency, measured, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixes() {
        let mix = ReadsMix::parse("by_id").expect("valid");
        assert_eq!(mix, ReadsMix::only(ReadKind::ById));
        let mix = ReadsMix::parse("list=1, by_id=3,by_handle=0").expect("valid");
        assert_eq!(mix.names(), vec!["list", "by_id"]);
        assert_eq!(mix.total, 4);
        assert!(ReadsMix::parse("by_sku").is_err());
        assert!(ReadsMix::parse("list=x").is_err());
        assert!(ReadsMix::parse("list=0").is_err());
        assert!(ReadsMix::parse("list,list").is_err());
    }

    #[test]
    fn pick_follows_weights() {
        let mix = ReadsMix::parse("list=1,by_id=3").expect("valid");
        let mut rng = StdRng::seed_from_u64(7);
        let by_id = (0..4000).filter(|_| mix.pick(&mut rng) == ReadKind::ById).count();
        assert!((2800..3200).contains(&by_id), "{by_id}");
    }

    #[test]
    fn paths() {
        let tenant = Tenant {
            key: "pk".into(),
            region_id: "reg_1".into(),
            product_ids: vec!["prod_1".into()],
            handles: vec!["blue shirt".into()],
            ..Tenant::default()
        };
        let mut rng = StdRng::seed_from_u64(1);
        let path = |kind: ReadKind, rng: &mut StdRng| kind.path(&tenant, rng).expect("has products");
        assert_eq!(
            path(ReadKind::List, &mut rng),
            "/store/products?limit=20&region_id=reg_1&fields=*variants.calculated_price"
        );
        assert_eq!(path(ReadKind::ById, &mut rng), "/store/products/prod_1?region_id=reg_1");
        assert_eq!(
            path(ReadKind::ByHandle, &mut rng),
            "/store/products?handle=blue%20shirt&region_id=reg_1"
        );
        let empty = Tenant::default();
        assert_eq!(ReadKind::ById.path(&empty, &mut rng), None);
    }
}
