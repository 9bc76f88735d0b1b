//! `/admin/stores`: the store's own settings (the token's tenant; there is one store).

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::app::stores::{self, UpdateStore};
use crate::core::roles::Permission::{SettingsRead, SettingsWrite};
use crate::core::Result;
use crate::db::tenants::TenantRow;
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, Staff};
use crate::tenancy::TenantCtx;

/// Medusa's store fields, plus Coral's settings and the flags in effect.
fn store_json(t: &TenantRow, ctx: &TenantCtx) -> Value {
    let settings: crate::core::settings::TenantSettings =
        serde_json::from_value(t.settings.0.clone()).unwrap_or_default();
    let mut currencies = vec![json!({ "currency_code": t.default_currency_code, "is_default": true })];
    currencies.extend(
        settings
            .currencies
            .iter()
            .filter(|c| **c != t.default_currency_code)
            .map(|c| json!({ "currency_code": c, "is_default": false })),
    );
    json!({
        "id": t.id, "handle": t.handle, "name": t.name, "status": t.status,
        "supported_currencies": currencies, "default_locale": t.default_locale,
        "default_sales_channel_id": ctx.tenant.default_sales_channel_id,
        "domains": t.domains, "plan_id": t.plan_id, "settings": t.settings.0,
        "features": ctx.tenant.features, "metadata": t.metadata.as_ref().map(|m| &m.0),
        "created_at": t.created_at, "updated_at": t.updated_at,
    })
}

#[utoipa::path(get, path = "/admin/stores", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsRead))),
    responses((status = 200, description = "{ stores, count, offset, limit }: the token's store")),
    security(("bearer" = [])))]
pub async fn list(State(app): State<AppState>, Staff(actor): Staff) -> Result<Json<Value>> {
    let t = stores::get(&app, &actor.ctx).await?;
    Ok(Json(
        json!({ "stores": [store_json(&t, &actor.ctx)], "count": 1, "offset": 0, "limit": 1 }),
    ))
}

/// Changes the store's name, default locale and settings (branding, locales, currencies,
/// public feature flags — only flags its plan gives it can be shown as on).
#[utoipa::path(post, path = "/admin/stores", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("store.update"))),
    request_body = UpdateStore,
    responses((status = 200, description = "{ store }"), (status = 400, description = "bad input or a flag outside the plan", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(app): State<AppState>,
    Staff(actor): Staff,
    JsonBody(body): JsonBody<UpdateStore>,
) -> Result<Json<Value>> {
    let t = stores::update(&app, &actor.ctx, body).await?;
    // The directory was reloaded: show the flags as they now are.
    let ctx = TenantCtx {
        tenant: app
            .directory
            .get(&actor.ctx.tenant.id)
            .unwrap_or(actor.ctx.tenant.clone()),
        ..actor.ctx
    };
    Ok(Json(json!({ "store": store_json(&t, &ctx) })))
}
