//! Embedded schema migrations, applied to every placement.

use sqlx::migrate::Migrator;
use sqlx::PgPool;

use crate::db::PlatformDb;

pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// Applies pending migrations to one database.
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR.run(pool).await?;
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
