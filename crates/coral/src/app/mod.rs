//! Use cases: what Coral does, independent of HTTP. Handlers call one function here
//! with a `TenantCtx` (or the platform context) and map its result.

pub mod auth;
pub mod demo;
pub mod platform;
pub mod regions;
pub mod staff;

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
}

impl App {
    /// Loads the tenant directory and starts listening for changes to it.
    pub async fn build(config: Config, db: Arc<Database>) -> anyhow::Result<Arc<Self>> {
        let platform = PlatformDb::new(db);
        let directory = Directory::load(platform.clone()).await?;
        directory.spawn_listener();
        Ok(Arc::new(Self {
            resolution: ResolutionConfig {
                base_domain: config.base_domain.clone(),
                single_tenant: config.single_tenant,
            },
            tokens: auth::TokenKeys::new(&config.secrets.jwt_secret),
            config,
            platform,
            directory,
        }))
    }
}
