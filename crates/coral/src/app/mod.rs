//! Use cases: what Coral does, independent of HTTP. Handlers call one function here
//! with a `TenantCtx` (or the platform context) and map its result.

pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod bench_seed;
pub mod catalog;
pub mod checkout;
pub mod currencies;
pub mod customer_groups;
pub mod customers;
pub mod demo;
pub mod demo_images;
pub mod email;
pub mod inventory;
pub mod jobs;
pub mod metrics;
pub mod orders;
pub mod plans;
pub mod platform;
pub mod promotions;
pub mod regions;
pub mod schema;
pub mod secrets;
pub mod staff;
pub mod stores;
pub mod usage;
pub mod users;
pub mod webhooks;

use std::sync::Arc;

use crate::config::Config;
use crate::db::{Database, PlatformDb};
use crate::tenancy::resolve::ResolutionConfig;
use crate::tenancy::Directory;

/// Everything built once at start-up and shared by every request.
pub struct App {
    pub config: Config,
    pub platform: PlatformDb,
    pub directory: Arc<Directory>,
    pub resolution: ResolutionConfig,
    pub tokens: auth::TokenKeys,
    pub catalogs: Arc<catalog::snapshot::Catalogs>,
    pub rendered: catalog::rendered::RenderCache,
    pub sealer: secrets::Sealer,
    pub nmi: checkout::nmi::Nmi,
    pub metrics: metrics::Metrics,
    pub login_limits: crate::tenancy::login_limits::LoginLimits,
    /// Background jobs: wake-ups of the workers and the webhook HTTP client.
    pub jobs: Arc<jobs::Jobs>,
}

impl App {
    /// Loads the tenant directory, starts listening for changes to it and persisting usage.
    pub async fn build(config: Config, db: Arc<Database>) -> anyhow::Result<Arc<Self>> {
        let platform = PlatformDb::new(db);
        let directory = Directory::load(platform.clone(), config.default_features.clone()).await?;
        let catalogs = Arc::new(catalog::snapshot::Catalogs::new(config.catalog_cache_bytes));
        let hook = Arc::clone(&catalogs);
        directory.subscribe(
            crate::db::tenants::CATALOG_CHANNEL,
            Box::new(move |tenant| match tenant {
                Some(t) => {
                    if let Some(id) = crate::core::ids::TenantId::parse(t) {
                        hook.invalidate(Some(&id));
                    }
                }
                None => hook.invalidate(None),
            }),
        );
        let jobs = Arc::new(jobs::Jobs::new(&config.jobs));
        let waker = Arc::clone(&jobs);
        directory.subscribe(
            crate::db::jobs::JOBS_CHANNEL,
            Box::new(move |tenant| {
                if let Some(id) = tenant.and_then(crate::core::ids::TenantId::parse) {
                    waker.wake(&id);
                }
            }),
        );
        directory.spawn_listener();
        let app = Arc::new(Self {
            resolution: ResolutionConfig {
                base_domain: config.base_domain.clone(),
                single_tenant: config.single_tenant,
            },
            tokens: auth::TokenKeys::new(&config.secrets.jwt_secret),
            sealer: secrets::Sealer::new(&config.secrets.master_key),
            nmi: checkout::nmi::Nmi::new(&config.payments.nmi_url),
            rendered: catalog::rendered::RenderCache::new(config.render_cache_bytes),
            config,
            platform,
            directory,
            catalogs,
            metrics: metrics::Metrics::new(),
            login_limits: Default::default(),
            jobs,
        });
        usage::spawn_flusher(&app);
        Ok(app)
    }
}
