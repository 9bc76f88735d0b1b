//! Rendered product JSON, cached per (snapshot, product, stock version, view) under a
//! byte budget (`CORAL_RENDER_CACHE_MB`). Rendering a product (a `serde_json::Value` tree,
//! then `fields=` selection, then text) was most of a product list's cost; a hit is a
//! copy of bytes. Keys name the snapshot build, so a catalog write never serves stale
//! JSON (old entries just age out), and the product's stock version, so an order's stock
//! change is visible at once. `moka` evicts by size with TinyLFU (well kept, made for
//! exactly this).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// What a rendered product depends on besides the product: the route's defaults, the
/// pricing region and the `fields=` string.
#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub struct RenderKey {
    pub catalog: u64,
    pub product: u32,
    pub stock: u64,
    pub view: Arc<str>,
}

pub struct RenderCache {
    cache: moka::sync::Cache<RenderKey, Arc<str>>,
}

impl RenderCache {
    pub fn new(budget_bytes: usize) -> Self {
        Self {
            cache: moka::sync::Cache::builder()
                .weigher(|k: &RenderKey, v: &Arc<str>| (k.view.len() + v.len() + 64).try_into().unwrap_or(u32::MAX))
                .max_capacity(budget_bytes as u64)
                .build(),
        }
    }

    /// The cached text for `key`, or `render()`'s, which is then cached.
    pub fn get_or_render(&self, key: RenderKey, render: impl FnOnce() -> String) -> Arc<str> {
        if let Some(hit) = self.cache.get(&key) {
            return hit;
        }
        let text: Arc<str> = render().into();
        self.cache.insert(key, Arc::clone(&text));
        text
    }

    /// Approximate bytes held, for metrics.
    pub fn weighted_size(&self) -> u64 {
        self.cache.weighted_size()
    }
}

/// Distinct ids for snapshot builds (a rebuilt catalog never shares cache entries).
pub fn next_catalog_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
