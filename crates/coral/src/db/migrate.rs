//! Embedded schema migrations, applied to every placement.

use sqlx::migrate::Migrator;
use sqlx::PgPool;

use crate::db::PlatformDb;

pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// Applies pending migrations to one database. On a Citus coordinator whose tables are
/// already distributed, the tables a migration added are placed too (`db::citus`).
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR.run(pool).await?;
    if crate::db::citus::is_distributed(pool).await? {
        let layout = crate::db::citus::distribute(pool, |_| {}).await?;
        if !layout.reference.is_empty() || !layout.distributed.is_empty() {
            tracing::info!(reference = ?layout.reference, distributed = ?layout.distributed,
                           "placed the tables of new migrations on the Citus cluster");
        }
    }
    Ok(())
}

/// Migrates the shared placement, then every registered one; returns how many.
pub async fn migrate_all(platform: &PlatformDb, mut progress: impl FnMut(&str)) -> anyhow::Result<usize> {
    migrate(platform.control()).await?;
    progress(crate::db::SHARED_PLACEMENT);
    let pools = platform.all_placements().await?;
    for (id, pool) in pools.iter().skip(1) {
        migrate(pool)
            .await
            .map_err(|e| e.context(format!("migrating placement {id}")))?;
        progress(id);
    }
    Ok(pools.len())
}
