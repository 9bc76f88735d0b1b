//! Regions as the storefront reads them.

use crate::core::{Error, Result};
use crate::db::regions::{self, RegionRow};
use crate::tenancy::TenantCtx;

pub async fn list(ctx: &TenantCtx, limit: i64, offset: i64) -> Result<(Vec<RegionRow>, i64)> {
    let mut tx = ctx.db.begin().await?;
    let page = regions::list(&mut tx, limit, offset).await?;
    tx.commit().await?;
    Ok(page)
}

pub async fn get(ctx: &TenantCtx, id: &str) -> Result<RegionRow> {
    let mut tx = ctx.db.begin().await?;
    let region = regions::get(&mut tx, id).await?;
    tx.commit().await?;
    region.ok_or_else(|| Error::not_found(format!("Region with id: {id} was not found")))
}
