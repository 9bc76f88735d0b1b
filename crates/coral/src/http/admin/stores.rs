//! `/admin/stores`: the store's own settings (the token's tenant; there is one store).

use axum::extract::State;
use axum::Json;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::app::stores::{self, TenantRow, UpdateStore};
use crate::core::roles::Permission::{SettingsRead, SettingsWrite};
use crate::core::Result;
use crate::http::envelope::{one, page};
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, Staff};
use crate::tenancy::TenantCtx;

/// A currency the store sells in.
#[derive(Serialize, ToSchema)]
pub struct AdminStoreCurrency {
    pub currency_code: String,
    pub is_default: bool,
}

/// Medusa's store fields, plus Coral's settings and the flags in effect.
#[derive(Serialize, ToSchema)]
pub struct AdminStore {
    pub id: String,
    pub handle: String,
    pub name: String,
    pub status: String,
    /// The default currency first.
    pub supported_currencies: Vec<AdminStoreCurrency>,
    pub default_locale: String,
    pub default_sales_channel_id: Option<String>,
    pub domains: Vec<String>,
    pub plan_id: String,
    #[schema(value_type = Object)]
    pub settings: Value,
    /// Feature flags in effect (plan, overrides and settings).
    pub features: BTreeMap<String, bool>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn store_json(t: &TenantRow, ctx: &TenantCtx) -> AdminStore {
    let settings: crate::core::settings::TenantSettings =
        serde_json::from_value(t.settings.0.clone()).unwrap_or_default();
    let mut currencies = vec![AdminStoreCurrency {
        currency_code: t.default_currency_code.clone(),
        is_default: true,
    }];
    currencies.extend(
        settings
            .currencies
            .iter()
            .filter(|c| **c != t.default_currency_code)
            .map(|c| AdminStoreCurrency {
                currency_code: c.clone(),
                is_default: false,
            }),
    );
    AdminStore {
        id: t.id.clone(),
        handle: t.handle.clone(),
        name: t.name.clone(),
        status: t.status.clone(),
        supported_currencies: currencies,
        default_locale: t.default_locale.clone(),
        default_sales_channel_id: ctx.tenant.default_sales_channel_id.clone(),
        domains: t.domains.clone(),
        plan_id: t.plan_id.clone(),
        settings: t.settings.0.clone(),
        features: ctx.tenant.features.clone(),
        metadata: t.metadata.as_ref().map(|m| m.0.clone()),
        created_at: t.created_at,
        updated_at: t.updated_at,
    }
}

one!(
    /// `{ store }`
    AdminStoreResponse { store: AdminStore }
);
page!(
    /// `{ stores, count, offset, limit }`: the token's store only.
    AdminStoreListResponse { stores: AdminStore }
);

#[utoipa::path(get, path = "/admin/stores", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsRead))),
    responses((status = 200, description = "the token's store", body = AdminStoreListResponse)),
    security(("bearer" = [])))]
pub async fn list(State(app): State<AppState>, Staff(actor): Staff) -> Result<Json<AdminStoreListResponse>> {
    let t = stores::get(&app, &actor.ctx).await?;
    Ok(Json(AdminStoreListResponse {
        stores: vec![store_json(&t, &actor.ctx)],
        count: 1,
        offset: 0,
        limit: 1,
    }))
}

/// Changes the store's name, default locale and settings (branding, locales, currencies,
/// public feature flags — only flags its plan gives it can be shown as on).
#[utoipa::path(post, path = "/admin/stores", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("store.update"))),
    request_body = UpdateStore,
    responses((status = 200, description = "the store", body = AdminStoreResponse), (status = 400, description = "bad input or a flag outside the plan", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(app): State<AppState>,
    Staff(actor): Staff,
    JsonBody(body): JsonBody<UpdateStore>,
) -> Result<Json<AdminStoreResponse>> {
    let t = stores::update(&app, &actor.ctx, body).await?;
    // The directory was reloaded: show the flags as they now are.
    let ctx = TenantCtx {
        tenant: app
            .directory
            .get(&actor.ctx.tenant.id)
            .unwrap_or(actor.ctx.tenant.clone()),
        ..actor.ctx
    };
    Ok(Json(AdminStoreResponse {
        store: store_json(&t, &ctx),
    }))
}
