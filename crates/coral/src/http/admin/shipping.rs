//! `/admin/shipping-options*` (flat-rate options per region) and `/admin/secrets*`
//! (write-only credentials).

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::checkout::shipping::{self, ShippingOptionIn};
use crate::app::secrets;
use crate::core::roles::Permission::{SettingsRead, SettingsWrite};
use crate::core::Result;
use crate::http::checkout_json;
use crate::http::envelope::{one, page, AdminDeleteResponse};
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, Path, QueryPairs, Staff};
use crate::http::shipping_json::StoreCartShippingOption;

fn answer(o: &crate::db::shipping::ShippingOptionRow) -> Json<AdminShippingOptionResponse> {
    Json(AdminShippingOptionResponse {
        shipping_option: checkout_json::shipping_option(o),
    })
}

one!(
    /// `{ shipping_option }`
    AdminShippingOptionResponse {
        shipping_option: StoreCartShippingOption,
    }
);

page!(
    /// `{ shipping_options, count, offset, limit }`
    AdminShippingOptionListResponse {
        shipping_options: StoreCartShippingOption,
    }
);

#[utoipa::path(get, path = "/admin/shipping-options", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsRead))),
    params(("region_id" = Option<String>, Query)),
    responses((status = 200, description = "every option, on one page", body = AdminShippingOptionListResponse)), security(("bearer" = [])))]
pub async fn list(Staff(actor): Staff, q: QueryPairs) -> Result<Json<AdminShippingOptionListResponse>> {
    let rows = shipping::list(&actor.ctx, q.get("region_id")).await?;
    let list: Vec<_> = rows.iter().map(checkout_json::shipping_option).collect();
    Ok(Json(AdminShippingOptionListResponse {
        shipping_options: list,
        count: rows.len() as i64,
        offset: 0,
        limit: rows.len() as i64,
    }))
}

#[utoipa::path(post, path = "/admin/shipping-options", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("shipping_option.create"))),
    request_body = ShippingOptionIn,
    responses((status = 200, description = "the shipping option", body = AdminShippingOptionResponse), (status = 400, description = "bad input", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    Staff(actor): Staff,
    JsonBody(body): JsonBody<ShippingOptionIn>,
) -> Result<Json<AdminShippingOptionResponse>> {
    Ok(answer(&shipping::create(&actor.ctx, body).await?))
}

#[utoipa::path(get, path = "/admin/shipping-options/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsRead))),
    params(("id" = String, Path)),
    responses((status = 200, description = "the shipping option", body = AdminShippingOptionResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<AdminShippingOptionResponse>> {
    Ok(answer(&shipping::get(&actor.ctx, &id).await?))
}

#[utoipa::path(post, path = "/admin/shipping-options/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("shipping_option.update"))),
    params(("id" = String, Path)),
    request_body = ShippingOptionIn,
    responses((status = 200, description = "the shipping option", body = AdminShippingOptionResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ShippingOptionIn>,
) -> Result<Json<AdminShippingOptionResponse>> {
    Ok(answer(&shipping::update(&actor.ctx, &id, body).await?))
}

#[utoipa::path(delete, path = "/admin/shipping-options/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("shipping_option.delete"))),
    params(("id" = String, Path)),
    responses((status = 200, description = "deleted", body = AdminDeleteResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<AdminDeleteResponse>> {
    shipping::delete(&actor.ctx, &id).await?;
    Ok(Json(AdminDeleteResponse::new(id, "shipping_option")))
}

/// A secret's name and whether it is set; its value is never shown.
#[derive(Serialize, ToSchema)]
pub struct AdminSecret {
    pub name: String,
    pub is_set: bool,
    /// When it was last set; null when unset.
    pub updated_at: Option<DateTime<Utc>>,
}

/// `{ secrets }`: every secret name Coral knows.
#[derive(Serialize, ToSchema)]
pub struct AdminSecretListResponse {
    pub secrets: Vec<AdminSecret>,
}

/// A secret just set.
#[derive(Serialize, ToSchema)]
pub struct AdminSecretSet {
    pub name: String,
    pub is_set: bool,
}

/// `{ secret }`
#[derive(Serialize, ToSchema)]
pub struct AdminSecretResponse {
    pub secret: AdminSecretSet,
}

/// Which secrets are set (never their values).
#[utoipa::path(get, path = "/admin/secrets", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsRead))),
    responses((status = 200, description = "every secret name and whether it is set", body = AdminSecretListResponse)), security(("bearer" = [])))]
pub async fn secrets(Staff(actor): Staff) -> Result<Json<AdminSecretListResponse>> {
    let secrets = secrets::list(&actor.ctx)
        .await?
        .into_iter()
        .map(|(name, at)| AdminSecret {
            name: name.to_string(),
            is_set: at.is_some(),
            updated_at: at,
        })
        .collect();
    Ok(Json(AdminSecretListResponse { secrets }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretIn {
    pub value: String,
}

/// Sets a secret (write-only: the answer says only that it is set).
#[utoipa::path(post, path = "/admin/secrets/{name}", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("secret.set"))),
    params(("name" = String, Path)),
    request_body = SecretIn,
    responses((status = 200, description = "set", body = AdminSecretResponse), (status = 404, description = "unknown name", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_secret(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(name): Path<String>,
    JsonBody(body): JsonBody<SecretIn>,
) -> Result<Json<AdminSecretResponse>> {
    secrets::set(&app.sealer, &actor.ctx, &name, &body.value).await?;
    Ok(Json(AdminSecretResponse {
        secret: AdminSecretSet { name, is_set: true },
    }))
}

#[utoipa::path(delete, path = "/admin/secrets/{name}", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("secret.delete"))),
    params(("name" = String, Path)),
    responses((status = 200, description = "deleted", body = AdminDeleteResponse), (status = 404, description = "unknown name", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_secret(Staff(actor): Staff, Path(name): Path<String>) -> Result<Json<AdminDeleteResponse>> {
    secrets::delete(&actor.ctx, &name).await?;
    Ok(Json(AdminDeleteResponse::new(name, "secret")))
}
