//! The store's own settings (`/admin/stores`): name, default locale, offered currencies
//! and locales, branding, and which feature flags its storefront sees — within what its
//! plan allows. Plan, limits, domains and status stay the platform's.
//!
//! The tenant row is control-plane data; the change is recorded in the tenant's own audit
//! log. In the shared placement that is one transaction; a tenant in a dedicated
//! placement gets its record right after the control-plane commit (two databases cannot
//! share a transaction), carrying the captured changes across.

use serde::Deserialize;

use crate::app::Services;
use crate::core::names::{parse_locale, parse_store_name};
use crate::core::plans::check_feature_names;
use crate::core::settings::TenantSettings;
use crate::core::{Error, Result};
use crate::db::OwnRecordChange;

use crate::tenancy::TenantCtx;

/// The store's settings as the store use cases answer them.
pub use crate::db::tenants::TenantRow;

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateStore {
    pub name: Option<String>,
    pub default_locale: Option<String>,
    /// Replaces the settings (branding, locales, currencies, public feature flags).
    pub settings: Option<TenantSettings>,
}

pub async fn get(app: &Services, ctx: &TenantCtx) -> Result<TenantRow> {
    app.control.own_record(&ctx.tenant.id).await
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

pub async fn update(app: &Services, ctx: &TenantCtx, input: UpdateStore) -> Result<TenantRow> {
    let name = input.name.as_deref().map(parse_store_name).transpose()?;
    let locale = input.default_locale.as_deref().map(parse_locale).transpose()?;
    let settings = input.settings.map(TenantSettings::validate).transpose()?;
    if let Some(s) = &settings {
        check_features(ctx, s)?;
        for c in &s.currencies {
            app.control.check_codes(c, None).await?;
        }
    }
    let change = OwnRecordChange {
        name,
        default_locale: locale,
        settings: settings
            .map(|v| serde_json::to_value(v).map_err(anyhow::Error::from))
            .transpose()?,
    };
    app.control.update_own_record(&ctx.db, &ctx.tenant.id, change).await?;
    let id = ctx.tenant.id.as_str();
    app.directory.reload(id).await?;
    get(app, ctx).await
}
