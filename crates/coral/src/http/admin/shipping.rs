//! `/admin/shipping-options*` (flat-rate options per region) and `/admin/secrets*`
//! (write-only credentials).

use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::checkout::shipping::{self, ShippingOptionIn};
use crate::app::secrets;
use crate::core::roles::Permission::{SettingsRead, SettingsWrite};
use crate::core::Result;
use crate::http::checkout_json;
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, QueryPairs, Staff};

fn answer(o: &crate::db::shipping::ShippingOptionRow) -> Json<Value> {
    Json(json!({ "shipping_option": checkout_json::shipping_option(o) }))
}

#[utoipa::path(get, path = "/admin/shipping-options", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsRead))),
    params(("region_id" = Option<String>, Query)),
    responses((status = 200, description = "{ shipping_options, count }")), security(("bearer" = [])))]
pub async fn list(Staff(actor): Staff, q: QueryPairs) -> Result<Json<Value>> {
    let rows = shipping::list(&actor.ctx, q.get("region_id")).await?;
    let list: Vec<Value> = rows.iter().map(checkout_json::shipping_option).collect();
    Ok(Json(
        json!({ "shipping_options": list, "count": rows.len(), "offset": 0, "limit": rows.len() }),
    ))
}

#[utoipa::path(post, path = "/admin/shipping-options", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("shipping_option.create"))),
    request_body = ShippingOptionIn,
    responses((status = 200, description = "{ shipping_option }"), (status = 400, description = "bad input", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(Staff(actor): Staff, JsonBody(body): JsonBody<ShippingOptionIn>) -> Result<Json<Value>> {
    Ok(answer(&shipping::create(&actor.ctx, body).await?))
}

#[utoipa::path(get, path = "/admin/shipping-options/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsRead))),
    params(("id" = String, Path)),
    responses((status = 200, description = "{ shipping_option }"), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<Value>> {
    Ok(answer(&shipping::get(&actor.ctx, &id).await?))
}

#[utoipa::path(post, path = "/admin/shipping-options/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("shipping_option.update"))),
    params(("id" = String, Path)),
    request_body = ShippingOptionIn,
    responses((status = 200, description = "{ shipping_option }"), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ShippingOptionIn>,
) -> Result<Json<Value>> {
    Ok(answer(&shipping::update(&actor.ctx, &id, body).await?))
}

#[utoipa::path(delete, path = "/admin/shipping-options/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("shipping_option.delete"))),
    params(("id" = String, Path)),
    responses((status = 200, description = "{ id, object, deleted }"), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<Value>> {
    shipping::delete(&actor.ctx, &id).await?;
    Ok(Json(json!({ "id": id, "object": "shipping_option", "deleted": true })))
}

/// Which secrets are set (never their values).
#[utoipa::path(get, path = "/admin/secrets", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsRead))),
    responses((status = 200, description = "{ secrets: [{ name, is_set, updated_at }] }")), security(("bearer" = [])))]
pub async fn secrets(Staff(actor): Staff) -> Result<Json<Value>> {
    let list: Vec<Value> = secrets::list(&actor.ctx)
        .await?
        .into_iter()
        .map(|(name, at)| json!({ "name": name, "is_set": at.is_some(), "updated_at": at }))
        .collect();
    Ok(Json(json!({ "secrets": list })))
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
    responses((status = 200, description = "{ secret: { name, is_set } }"), (status = 404, description = "unknown name", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_secret(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(name): Path<String>,
    JsonBody(body): JsonBody<SecretIn>,
) -> Result<Json<Value>> {
    secrets::set(&app.sealer, &actor.ctx, &name, &body.value).await?;
    Ok(Json(json!({ "secret": { "name": name, "is_set": true } })))
}

#[utoipa::path(delete, path = "/admin/secrets/{name}", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("secret.delete"))),
    params(("name" = String, Path)),
    responses((status = 200, description = "{ id, object, deleted }"), (status = 404, description = "unknown name", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_secret(Staff(actor): Staff, Path(name): Path<String>) -> Result<Json<Value>> {
    secrets::delete(&actor.ctx, &name).await?;
    Ok(Json(json!({ "id": name, "object": "secret", "deleted": true })))
}
