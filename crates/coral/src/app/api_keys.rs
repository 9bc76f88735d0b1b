//! Publishable API keys (`/admin/api-keys`): create, list, revoke. Keys are resolved from
//! the tenant directory's memory, so every change announces the tenant on
//! `coral_directory` in its transaction (other processes reload it) and reloads it here
//! after commit: a revoked key stops resolving at once in this process, within a
//! notification's delay in the others.

use serde::Deserialize;

use crate::app::Services;
use crate::core::{Error, Result};
use crate::db::api_keys;
use crate::db::tenants;
use crate::tenancy::quota::{self, Quota};
use crate::tenancy::TenantCtx;

/// A publishable key as the key use cases answer it.
pub use crate::db::api_keys::KeyRow;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateKey {
    pub title: String,
    /// Only `publishable` (Medusa's secret keys are staff tokens here).
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

fn not_found(id: &str) -> Error {
    Error::not_found(format!("API key with id: {id} was not found"))
}

/// A new publishable key for the store's default sales channel (`max_publishable_keys`).
pub async fn create(app: &Services, ctx: &TenantCtx, input: CreateKey) -> Result<KeyRow> {
    let title = input.title.trim();
    if title.is_empty() || title.len() > 200 {
        return Err(Error::invalid("title must be 1 to 200 characters"));
    }
    if input.kind.as_deref().is_some_and(|k| k != "publishable") {
        return Err(Error::invalid("Only publishable keys can be created"));
    }
    let channels: Vec<String> = ctx.tenant.default_sales_channel_id.iter().cloned().collect();
    let mut tx = ctx.db.begin().await?;
    quota::check(&mut tx, &ctx.tenant.limits, Quota::PublishableKeys, 1).await?;
    let key = api_keys::insert_publishable(&mut tx, title, &channels).await?;
    tenants::notify_changed(tx.conn(), ctx.tenant.id.as_str()).await?;
    let row = api_keys::get(&mut tx, &key.id)
        .await?
        .ok_or_else(|| not_found(&key.id))?;
    tx.commit().await?;
    app.directory.reload(ctx.tenant.id.as_str()).await?;
    Ok(row)
}

pub async fn list(ctx: &TenantCtx, limit: i64, offset: i64) -> Result<(Vec<KeyRow>, i64)> {
    let mut tx = ctx.db.begin().await?;
    let page = api_keys::list(&mut tx, limit, offset).await?;
    tx.commit().await?;
    Ok(page)
}

pub async fn get(ctx: &TenantCtx, id: &str) -> Result<KeyRow> {
    let mut tx = ctx.db.begin().await?;
    let row = api_keys::get(&mut tx, id).await?.ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    Ok(row)
}

/// Revokes the key; revoking a revoked key changes nothing.
pub async fn revoke(app: &Services, ctx: &TenantCtx, id: &str) -> Result<KeyRow> {
    let mut tx = ctx.db.begin().await?;
    api_keys::get(&mut tx, id).await?.ok_or_else(|| not_found(id))?;
    if api_keys::revoke(&mut tx, id).await? {
        tenants::notify_changed(tx.conn(), ctx.tenant.id.as_str()).await?;
    }
    let row = api_keys::get(&mut tx, id).await?.ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    app.directory.reload(ctx.tenant.id.as_str()).await?;
    Ok(row)
}
