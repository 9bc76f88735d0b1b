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
        "features": t.settings.public_features,
    }})))
}
