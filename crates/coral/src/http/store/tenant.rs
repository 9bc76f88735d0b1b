//! `GET /store/tenant`: the store's public settings, so a storefront can theme itself
//! by hostname. Coral's own route (Medusa has none).

use axum::Json;
use serde_json::{json, Value};

use crate::core::Result;
use crate::http::extract::Store;

#[utoipa::path(get, path = "/store/tenant", tag = "store",
    responses((status = 200, description = "{ tenant: { id, handle, name, default_currency_code, locales, currencies, branding, features } }"),
              (status = 400, description = "no store could be resolved"),
              (status = 403, description = "the store is suspended")))]
pub async fn get(Store(ctx): Store) -> Result<Json<Value>> {
    let t = &ctx.tenant;
    let with_default = |default: &str, more: &[String]| {
        let mut all = vec![default.to_owned()];
        all.extend(more.iter().filter(|m| m.as_str() != default).cloned());
        all
    };
    Ok(Json(json!({ "tenant": {
        "id": t.id,
        "handle": t.handle,
        "name": t.name,
        "default_currency_code": t.default_currency_code,
        "default_locale": t.default_locale,
        "default_country_code": t.default_country_code,
        "locales": with_default(&t.default_locale, &t.settings.locales),
        "currencies": with_default(&t.default_currency_code, &t.settings.currencies),
        "branding": t.settings.branding,
        "features": t.public_features(),
    }})))
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
    responses((status = 200, description = "{ locales: [{ code, name }] }"),
              (status = 400, description = "no store could be resolved")))]
pub async fn locales(Store(ctx): Store) -> Result<Json<Value>> {
    let t = &ctx.tenant;
    let mut codes = vec![t.default_locale.as_str()];
    codes.extend(
        t.settings
            .locales
            .iter()
            .map(String::as_str)
            .filter(|l| *l != t.default_locale),
    );
    let list: Vec<Value> = codes
        .into_iter()
        .map(|c| json!({ "code": c, "name": locale_name(c) }))
        .collect();
    Ok(Json(json!({ "locales": list })))
}
