//! The scrape of `GET /metrics`: reads the pools, catalog cache, tenant directory and
//! pending usage into [`Gauges`], then renders the registry (`adapters::metrics`).

use crate::adapters::metrics::Gauges;
use crate::app::App;

/// Every metric in Prometheus' text format, gauges as of now.
pub async fn render(app: &App) -> String {
    let mut g = Gauges::default();
    for (placement, pool) in app.platform().database().open_pools().await {
        g.pools.push((
            placement,
            pool.size(),
            pool.num_idle() as u32,
            pool.options().get_max_connections(),
        ));
    }
    (g.catalog_tenants, g.catalog_bytes) = app.catalogs.stats();
    g.tenants_by_status = app
        .directory
        .count_by_status()
        .iter()
        .map(|(s, n)| (s.as_str().to_owned(), *n))
        .collect();
    g.database_up = !app.platform().health().is_down();
    (g.usage_pending_requests, g.usage_pending_orders) = crate::app::usage::pending_totals(app);
    app.metrics.render(&g)
}
