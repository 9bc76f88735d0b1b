//! `/admin/api-keys`: the store's publishable keys (Medusa's paths).

use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Value};

use crate::app::api_keys::{self, CreateKey};
use crate::core::roles::Permission::{SettingsRead, SettingsWrite};
use crate::core::Result;
use crate::db::api_keys::KeyRow;
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, QueryPairs, Staff};

fn key_json(k: &KeyRow) -> Value {
    let redacted = format!(
        "{}***{}",
        &k.token[..6.min(k.token.len())],
        &k.token[k.token.len().saturating_sub(3)..]
    );
    json!({
        "id": k.id, "token": k.token, "redacted": redacted, "title": k.title, "type": k.kind,
        "sales_channel_ids": k.sales_channel_ids, "created_at": k.created_at, "revoked_at": k.revoked_at,
        "last_used_at": null, "created_by": null, "revoked_by": null,
    })
}

fn answer(k: &KeyRow) -> Json<Value> {
    Json(json!({ "api_key": key_json(k) }))
}

#[utoipa::path(get, path = "/admin/api-keys", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsRead))),
    params(("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "{ api_keys, count, offset, limit }")), security(("bearer" = [])))]
pub async fn list(Staff(actor): Staff, q: QueryPairs) -> Result<Json<Value>> {
    let (limit, offset) = q.page(50)?;
    let (rows, count) = api_keys::list(&actor.ctx, limit, offset).await?;
    let list: Vec<Value> = rows.iter().map(key_json).collect();
    Ok(Json(
        json!({ "api_keys": list, "count": count, "offset": offset, "limit": limit }),
    ))
}

/// A new publishable key for the default sales channel (the plan's `max_publishable_keys`).
#[utoipa::path(post, path = "/admin/api-keys", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("api_key.create"))),
    request_body = CreateKey,
    responses((status = 200, description = "{ api_key }"), (status = 403, description = "plan limit reached", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(app): State<AppState>,
    Staff(actor): Staff,
    JsonBody(body): JsonBody<CreateKey>,
) -> Result<Json<Value>> {
    Ok(answer(&api_keys::create(&app, &actor.ctx, body).await?))
}

#[utoipa::path(get, path = "/admin/api-keys/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsRead))),
    params(("id" = String, Path)),
    responses((status = 200, description = "{ api_key }"), (status = 404, description = "unknown key", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<Value>> {
    Ok(answer(&api_keys::get(&actor.ctx, &id).await?))
}

/// Revokes the key: storefronts using it are refused from now on (other processes within
/// a notification's delay).
#[utoipa::path(post, path = "/admin/api-keys/{id}/revoke", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("api_key.revoke"))),
    params(("id" = String, Path)),
    responses((status = 200, description = "{ api_key }"), (status = 404, description = "unknown key", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn revoke(State(app): State<AppState>, Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<Value>> {
    Ok(answer(&api_keys::revoke(&app, &actor.ctx, &id).await?))
}
