//! The per-tenant catalog snapshot that storefront reads are served from: published
//! products, taxonomy and regions, built on first use, dropped after any catalog write
//! (locally at once, in other processes through NOTIFY) and rebuilt on the next read.
//! Idle snapshots are evicted when the estimated total passes the memory budget.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use crate::app::catalog::model::{assemble, Product, Variant};
use crate::app::catalog::pricing::PriceLists;
use crate::core::ids::TenantId;
use crate::core::Result;
use crate::db::catalog::rows::{CategoryRow, CollectionRow, ValueRow};
use crate::db::catalog::{read, taxonomy};
use crate::db::price_lists;
use crate::db::regions::{self, RegionRow};
use crate::tenancy::TenantCtx;

/// One tenant's storefront catalog, immutable once built.
pub struct Catalog {
    /// Published products, oldest first.
    pub products: Vec<Arc<Product>>,
    pub by_id: HashMap<String, usize>,
    pub by_handle: HashMap<String, usize>,
    /// Variant id → (product index, variant index), for carts.
    pub by_variant: HashMap<String, (usize, usize)>,
    pub collections: Vec<CollectionRow>,
    pub categories: Vec<CategoryRow>,
    pub tags: Vec<ValueRow>,
    pub types: Vec<ValueRow>,
    pub regions: Vec<RegionRow>,
    /// Active price lists' prices; a list starting or ending makes the snapshot stale.
    pub price_lists: PriceLists,
    /// Rough heap size, for the memory budget.
    pub approx_bytes: usize,
    /// Unique per build: rendered JSON is cached under it (`rendered`).
    pub id: u64,
    last_used: AtomicU64,
}

impl Catalog {
    pub fn product(&self, id: &str) -> Option<&Arc<Product>> {
        self.by_id.get(id).map(|&i| &self.products[i])
    }

    /// A published variant and its product.
    pub fn variant(&self, id: &str) -> Option<(&Arc<Product>, &Variant)> {
        let &(p, v) = self.by_variant.get(id)?;
        let product = &self.products[p];
        Some((product, &product.variants[v]))
    }

    pub fn region(&self, id: &str) -> Option<&RegionRow> {
        self.regions.iter().find(|r| r.id == id)
    }

    pub fn region_of_country(&self, iso_2: &str) -> Option<&RegionRow> {
        self.regions
            .iter()
            .find(|r| r.countries.iter().any(|c| c.iso_2 == iso_2))
    }

    pub fn collection(&self, id: &str) -> Option<&CollectionRow> {
        self.collections.iter().find(|c| c.id == id)
    }

    pub fn tag(&self, id: &str) -> Option<&ValueRow> {
        self.tags.iter().find(|t| t.id == id)
    }

    pub fn product_type(&self, id: &str) -> Option<&ValueRow> {
        self.types.iter().find(|t| t.id == id)
    }
}

async fn build(ctx: &TenantCtx) -> Result<Catalog> {
    let mut tx = ctx.db.begin().await?;
    let rows = read::products(&mut tx, None).await?;
    let approx_bytes = 400 * rows.products.len()
        + 350 * (rows.variants.len() + rows.option_values.len())
        + 120 * (rows.prices.len() + rows.images.len() + rows.tag_links.len() + rows.category_links.len());
    let products: Vec<Arc<Product>> = assemble(rows)
        .into_iter()
        .filter(|p| p.is_published())
        .map(Arc::new)
        .collect();
    let catalog = Catalog {
        by_id: products
            .iter()
            .enumerate()
            .map(|(i, p)| (p.row.id.clone(), i))
            .collect(),
        by_handle: products
            .iter()
            .enumerate()
            .map(|(i, p)| (p.row.handle.clone(), i))
            .collect(),
        by_variant: products
            .iter()
            .enumerate()
            .flat_map(|(i, p)| {
                p.variants
                    .iter()
                    .enumerate()
                    .map(move |(j, v)| (v.row.id.clone(), (i, j)))
            })
            .collect(),
        products,
        collections: taxonomy::collections(&mut tx).await?,
        categories: taxonomy::categories(&mut tx).await?,
        tags: taxonomy::values(&mut tx, taxonomy::Table::Tags).await?,
        types: taxonomy::values(&mut tx, taxonomy::Table::Types).await?,
        regions: regions::list(&mut tx, i64::MAX, 0).await?.0,
        price_lists: PriceLists::new(price_lists::active(&mut tx).await?, chrono::Utc::now()),
        approx_bytes,
        id: super::rendered::next_catalog_id(),
        last_used: AtomicU64::new(0),
    };
    tx.commit().await?;
    Ok(catalog)
}

/// Snapshots of every tenant that has been read recently.
pub struct Catalogs {
    snapshots: RwLock<HashMap<TenantId, Arc<Catalog>>>,
    /// Bumped by every invalidation; a build started before one is not installed.
    generations: Mutex<HashMap<TenantId, u64>>,
    /// One builder per tenant at a time, so a burst of misses builds once.
    build_locks: Mutex<HashMap<TenantId, Arc<tokio::sync::Mutex<()>>>>,
    budget_bytes: usize,
    epoch: Instant,
}

impl Catalogs {
    pub fn new(budget_bytes: usize) -> Self {
        Self {
            snapshots: RwLock::default(),
            generations: Mutex::default(),
            build_locks: Mutex::default(),
            budget_bytes,
            epoch: Instant::now(),
        }
    }

    /// The tenant's snapshot, unless a price list started or ended since it was built
    /// (then it is treated as missing, and the next build prices with the lists in force).
    fn cached(&self, id: &TenantId) -> Option<Arc<Catalog>> {
        let c = self.snapshots.read().expect("catalog lock").get(id).cloned()?;
        if c.price_lists.expired(chrono::Utc::now()) {
            return None;
        }
        c.last_used.store(self.epoch.elapsed().as_secs(), Ordering::Relaxed);
        Some(c)
    }

    fn generation(&self, id: &TenantId) -> u64 {
        *self.generations.lock().expect("generation lock").get(id).unwrap_or(&0)
    }

    /// After orders took or returned stock: refreshes those variants' availability in
    /// this process's snapshot (if loaded) without rebuilding it. Other processes see
    /// it at their next rebuild (see docs/architecture.md).
    pub async fn stock_changed(&self, ctx: &TenantCtx, variant_ids: &[String]) {
        let Some(catalog) = self.cached(&ctx.tenant.id) else {
            return;
        };
        let fresh = async {
            let mut tx = ctx.db.begin().await?;
            let levels = crate::db::inventory::available(&mut tx, variant_ids).await?;
            tx.commit().await?;
            Ok::<_, crate::core::Error>(levels)
        };
        match fresh.await {
            Ok(levels) => {
                for id in variant_ids {
                    if let Some((p, v)) = catalog.variant(id) {
                        v.set_available(levels.get(id).copied());
                        p.stock_version.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "refreshing stock in the catalog snapshot failed"),
        }
    }

    /// The tenant's snapshot, built if missing.
    pub async fn get(&self, ctx: &TenantCtx) -> Result<Arc<Catalog>> {
        let id = &ctx.tenant.id;
        if let Some(c) = self.cached(id) {
            return Ok(c);
        }
        let lock = self
            .build_locks
            .lock()
            .expect("build lock")
            .entry(id.clone())
            .or_default()
            .clone();
        let _building = lock.lock().await;
        if let Some(c) = self.cached(id) {
            return Ok(c);
        }
        let generation = self.generation(id);
        let catalog = Arc::new(build(ctx).await?);
        catalog
            .last_used
            .store(self.epoch.elapsed().as_secs(), Ordering::Relaxed);
        if self.generation(id) == generation {
            let mut snapshots = self.snapshots.write().expect("catalog lock");
            snapshots.insert(id.clone(), catalog.clone());
            self.evict_over_budget(&mut snapshots, id);
        }
        Ok(catalog)
    }

    /// Drops the tenant's snapshot (`None`: every tenant's).
    pub fn invalidate(&self, id: Option<&TenantId>) {
        let mut generations = self.generations.lock().expect("generation lock");
        let mut snapshots = self.snapshots.write().expect("catalog lock");
        match id {
            Some(id) => {
                *generations.entry(id.clone()).or_default() += 1;
                snapshots.remove(id);
            }
            None => {
                for (id, _) in snapshots.drain() {
                    *generations.entry(id).or_default() += 1;
                }
            }
        }
    }

    /// Evicts the least recently used snapshots (never `keep`) until under budget.
    fn evict_over_budget(&self, snapshots: &mut HashMap<TenantId, Arc<Catalog>>, keep: &TenantId) {
        let mut total: usize = snapshots.values().map(|c| c.approx_bytes).sum();
        while total > self.budget_bytes {
            let victim = snapshots
                .iter()
                .filter(|(id, _)| *id != keep)
                .min_by_key(|(_, c)| c.last_used.load(Ordering::Relaxed))
                .map(|(id, _)| id.clone());
            let Some(victim) = victim else { break };
            if let Some(c) = snapshots.remove(&victim) {
                total -= c.approx_bytes;
                tracing::debug!(tenant_id = %victim, "catalog snapshot evicted");
            }
        }
    }

    /// Tenants with a snapshot in memory, and their estimated total size.
    pub fn stats(&self) -> (usize, usize) {
        let s = self.snapshots.read().expect("catalog lock");
        (s.len(), s.values().map(|c| c.approx_bytes).sum())
    }
}
