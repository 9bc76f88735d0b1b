//! The store's own settings (`/admin/stores`): name, default locale, offered currencies
//! and locales, branding, and which feature flags its storefront sees — within what its
//! plan allows. Plan, limits, domains and status stay the platform's.
//!
//! The tenant row is control-plane data; the change is recorded in the tenant's own audit
//! log. In the shared placement that is one transaction; a tenant in a dedicated
//! placement gets its record right after the control-plane commit (two databases cannot
//! share a transaction), carrying the captured changes across.

use serde::Deserialize;
use sqlx::types::Json;

use crate::app::platform::{check_codes, check_name};
use crate::app::App;
use crate::core::names::parse_locale;
use crate::core::plans::check_feature_names;
use crate::core::settings::TenantSettings;
use crate::core::{Error, Result};
use crate::db::tenants::{self, TenantRow};
use crate::db::{audit, SHARED_PLACEMENT};
use crate::tenancy::TenantCtx;

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateStore {
    pub name: Option<String>,
    pub default_locale: Option<String>,
    /// Replaces the settings (branding, locales, currencies, public feature flags).
    pub settings: Option<TenantSettings>,
}

pub async fn get(app: &App, ctx: &TenantCtx) -> Result<TenantRow> {
    crate::app::platform::get_tenant(app, ctx.tenant.id.as_str()).await
}

/// A flag the store shows its storefront as on must be on for it (plan, overrides,
/// platform defaults): a store can hide a flag, never grant itself one.
fn check_features(ctx: &TenantCtx, s: &TenantSettings) -> Result<()> {
    check_feature_names(s.public_features.keys())?;
    for (name, on) in &s.public_features {
        if *on && !ctx.tenant.has_feature(name) {
            return Err(Error::invalid(format!(
                "Feature '{name}' is not part of this store's plan"
            )));
        }
    }
    Ok(())
}

pub async fn update(app: &App, ctx: &TenantCtx, input: UpdateStore) -> Result<TenantRow> {
    let name = input.name.as_deref().map(check_name).transpose()?;
    let locale = input.default_locale.as_deref().map(parse_locale).transpose()?;
    let settings = input.settings.map(TenantSettings::validate).transpose()?;
    if let Some(s) = &settings {
        check_features(ctx, s)?;
        for c in &s.currencies {
            check_codes(app, c, None).await?;
        }
    }
    let id = ctx.tenant.id.as_str();
    let mut tx = app.platform.control().begin().await?;
    audit::capture_on(&mut tx).await?;
    let mut row = tenants::find_for_update(&mut tx, id)
        .await?
        .ok_or_else(|| Error::not_found("Store not found"))?;
    if let Some(v) = name {
        row.name = v;
    }
    if let Some(v) = locale {
        row.default_locale = v;
    }
    if let Some(v) = settings {
        row.settings = Json(serde_json::to_value(v).map_err(anyhow::Error::from)?);
    }
    tenants::update(&mut tx, &row).await?;
    tenants::notify_changed(&mut tx, id).await?;
    if ctx.tenant.placement_id == SHARED_PLACEMENT {
        ctx.db.adopt(tx).await?.commit().await?;
    } else {
        let changes = audit::captured(&mut tx).await?;
        tx.commit().await?;
        let mut ttx = ctx.db.begin().await?;
        audit::carry(ttx.conn(), &changes).await?;
        ttx.commit().await?;
    }
    app.directory.reload(id).await?;
    get(app, ctx).await
}
