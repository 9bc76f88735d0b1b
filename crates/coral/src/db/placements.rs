//! Placements: the Postgres databases tenants live in. `shared` is the one Coral was
//! started with (it also holds the control plane); others are registered through
//! `POST /platform/placements`. One bounded pool per placement, opened lazily, its
//! connections closed when idle.

use std::collections::HashMap;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;
use tokio::sync::RwLock;

use crate::core::ids::new_id;
use crate::core::{Error, Result};
use crate::db::health::Health;

pub const SHARED_PLACEMENT: &str = "shared";

pub struct Database {
    primary: PgPool,
    others: RwLock<HashMap<String, PgPool>>,
    placement_pool_size: u32,
    /// The shared placement's server: down means fail fast instead of queueing.
    health: Health,
}

/// Pool settings shared by every placement: bounded, lazily connected, idle connections closed.
pub fn pool_options(max: u32) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(max)
        .min_connections(0)
        .acquire_timeout(Duration::from_secs(5))
        .idle_timeout(Some(Duration::from_secs(60)))
}

impl Database {
    pub fn new(primary: PgConnectOptions, primary_pool_size: u32, placement_pool_size: u32, health: Health) -> Self {
        Self {
            primary: pool_options(primary_pool_size).connect_lazy_with(primary),
            others: RwLock::new(HashMap::new()),
            placement_pool_size,
            health,
        }
    }

    /// Whether the shared placement's server is reachable (see `db::health`).
    pub fn health(&self) -> &Health {
        &self.health
    }

    pub fn primary(&self) -> &PgPool {
        &self.primary
    }

    pub async fn pool(&self, placement_id: &str) -> Result<PgPool> {
        if placement_id == SHARED_PLACEMENT {
            return Ok(self.primary.clone());
        }
        if let Some(pool) = self.others.read().await.get(placement_id) {
            return Ok(pool.clone());
        }
        let url: Option<String> = sqlx::query_scalar("SELECT url FROM placements WHERE id = $1")
            .bind(placement_id)
            .fetch_optional(&self.primary)
            .await?;
        let url = url.ok_or_else(|| Error::not_found(format!("Placement {placement_id} not found")))?;
        let opts: PgConnectOptions = url
            .parse()
            .map_err(|e| Error::Internal(anyhow::anyhow!("placement {placement_id} has a bad url: {e}")))?;
        let mut others = self.others.write().await;
        let pool = others
            .entry(placement_id.to_owned())
            .or_insert_with(|| pool_options(self.placement_pool_size).connect_lazy_with(opts));
        Ok(pool.clone())
    }

    pub async fn all_pools(&self) -> Result<Vec<(String, PgPool)>> {
        let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM placements ORDER BY created_at")
            .fetch_all(&self.primary)
            .await?;
        let mut pools = vec![(SHARED_PLACEMENT.to_owned(), self.primary.clone())];
        for id in ids {
            let pool = self.pool(&id).await?;
            pools.push((id, pool));
        }
        Ok(pools)
    }

    /// The pools opened so far (no query), for metrics.
    pub async fn open_pools(&self) -> Vec<(String, PgPool)> {
        let mut pools = vec![(SHARED_PLACEMENT.to_owned(), self.primary.clone())];
        let others = self.others.read().await;
        pools.extend(others.iter().map(|(id, p)| (id.clone(), p.clone())));
        pools
    }

    pub async fn close(&self) {
        for pool in self.others.read().await.values() {
            pool.close().await;
        }
        self.primary.close().await;
    }
}

/// A registered placement (its URL may hold a password: mask it before showing it).
pub struct Placement {
    pub id: String,
    pub name: String,
    pub url: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

pub async fn insert(control: &mut sqlx::PgConnection, name: &str, url: &str) -> Result<Placement> {
    let id = new_id("plc");
    let created_at =
        sqlx::query_scalar("INSERT INTO placements (id, name, url) VALUES ($1, $2, $3) RETURNING created_at")
            .bind(&id)
            .bind(name)
            .bind(url)
            .fetch_one(control)
            .await?;
    Ok(Placement {
        id,
        name: name.to_owned(),
        url: url.to_owned(),
        created_at,
    })
}
