//! Write-only tenant secrets (payment and carrier credentials). Each is sealed
//! (`adapters::sealer`) with ChaCha20-Poly1305 under a key derived (HKDF-SHA256) from the master key and the tenant
//! id, with the tenant id and secret name as associated data: a sealed value copied to
//! another tenant or name does not open. Values are never returned by any API.

use chrono::{DateTime, Utc};

use crate::adapters::sealer::Sealer;
use crate::core::{Error, Result};
use crate::db::secrets;
use crate::tenancy::TenantCtx;

/// Names a tenant may set. A fixed list, so a typo is an error rather than a dead secret.
pub const NAMES: &[&str] = &["nmi_security_key"];

fn check_name(name: &str) -> Result<()> {
    if NAMES.contains(&name) {
        Ok(())
    } else {
        Err(Error::not_found(format!(
            "Unknown secret '{name}'; known: {}",
            NAMES.join(", ")
        )))
    }
}

/// Whether each known secret is set, and when it last changed.
pub async fn list(ctx: &TenantCtx) -> Result<Vec<(&'static str, Option<DateTime<Utc>>)>> {
    let mut tx = ctx.db.begin().await?;
    let set = secrets::list(&mut tx).await?;
    Ok(NAMES
        .iter()
        .map(|n| (*n, set.iter().find(|(s, _)| s == n).map(|(_, at)| *at)))
        .collect())
}

pub async fn set(sealer: &Sealer, ctx: &TenantCtx, name: &str, value: &str) -> Result<()> {
    check_name(name)?;
    if value.is_empty() || value.len() > 4096 {
        return Err(Error::invalid("A secret value must be 1 to 4096 bytes"));
    }
    let sealed = sealer.seal(&ctx.tenant.id, name, value);
    let mut tx = ctx.db.begin().await?;
    secrets::put(&mut tx, name, &sealed).await?;
    tx.commit().await
}

pub async fn delete(ctx: &TenantCtx, name: &str) -> Result<()> {
    check_name(name)?;
    let mut tx = ctx.db.begin().await?;
    secrets::delete(&mut tx, name).await?;
    tx.commit().await
}

/// The clear value, for a provider about to call its gateway. Never log or return it.
pub async fn reveal(sealer: &Sealer, ctx: &TenantCtx, name: &str) -> Result<Option<String>> {
    let mut tx = ctx.db.begin().await?;
    let sealed = secrets::get(&mut tx, name).await?;
    tx.commit().await?;
    sealed.map(|s| sealer.open(&ctx.tenant.id, name, &s)).transpose()
}
