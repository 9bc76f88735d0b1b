//! `GET /store/tenant`: the store's public settings, so a storefront can theme itself
//! by hostname. Coral's own route (Medusa has none).

use std::collections::BTreeMap;

use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::core::settings::Branding;
use crate::core::Result;
use crate::http::error::ErrorBody;
use crate::http::extract::Store;

/// The store's public settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreTenant {
    pub id: String,
    pub handle: String,
    pub name: String,
    pub default_currency_code: String,
    pub default_locale: String,
    pub default_country_code: Option<String>,
    /// The default locale first, then the others.
    pub locales: Vec<String>,
    /// The default currency first, then the others.
    pub currencies: Vec<String>,
    pub branding: Branding,
    /// The features a storefront may know about, on or off.
    pub features: BTreeMap<String, bool>,
}

/// `{ tenant }`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreTenantResponse {
    pub tenant: StoreTenant,
}

/// A locale of the store.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreLocale {
    /// BCP 47 (`en-US`).
    pub code: String,
    pub name: String,
}

/// Medusa's `StoreLocaleListResponse`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreLocaleListResponse {
    pub locales: Vec<StoreLocale>,
}

#[utoipa::path(get, path = "/store/tenant", tag = "store",
    responses((status = 200, description = "The store's public settings", body = StoreTenantResponse),
              (status = 400, description = "no store could be resolved", body = ErrorBody),
              (status = 403, description = "the store is suspended", body = ErrorBody)))]
pub async fn get(Store(ctx): Store) -> Result<Json<StoreTenantResponse>> {
    let t = &ctx.tenant;
    let with_default = |default: &str, more: &[String]| {
        let mut all = vec![default.to_owned()];
        all.extend(more.iter().filter(|m| m.as_str() != default).cloned());
        all
    };
    Ok(Json(StoreTenantResponse {
        tenant: StoreTenant {
            id: t.id.to_string(),
            handle: t.handle.clone(),
            name: t.name.clone(),
            default_currency_code: t.default_currency_code.clone(),
            default_locale: t.default_locale.clone(),
            default_country_code: t.default_country_code.clone(),
            locales: with_default(&t.default_locale, &t.settings.locales),
            currencies: with_default(&t.default_currency_code, &t.settings.currencies),
            branding: t.settings.branding.clone(),
            features: t.public_features(),
        },
    }))
}

/// A locale's display name for the few Coral knows; the code itself otherwise.
fn locale_name(code: &str) -> &str {
    match code {
        "en-US" => "English (United States)",
        "en-GB" => "English (United Kingdom)",
        "fr-FR" => "French (France)",
        "de-DE" => "German (Germany)",
        "es-ES" => "Spanish (Spain)",
        "it-IT" => "Italian (Italy)",
        "nl-NL" => "Dutch (Netherlands)",
        other => other,
    }
}

/// `GET /store/locales`: the store's locales, as Medusa answers (`{ locales: [{code, name}] }`).
/// The Next.js starter calls it on every page.
#[utoipa::path(get, path = "/store/locales", tag = "store",
    responses((status = 200, description = "The store's locales", body = StoreLocaleListResponse),
              (status = 400, description = "no store could be resolved", body = ErrorBody)))]
pub async fn locales(Store(ctx): Store) -> Result<Json<StoreLocaleListResponse>> {
    let t = &ctx.tenant;
    let mut codes = vec![t.default_locale.as_str()];
    codes.extend(
        t.settings
            .locales
            .iter()
            .map(String::as_str)
            .filter(|l| *l != t.default_locale),
    );
    let locales = codes
        .into_iter()
        .map(|c| StoreLocale {
            code: c.to_owned(),
            name: locale_name(c).to_owned(),
        })
        .collect();
    Ok(Json(StoreLocaleListResponse { locales }))
}
