//! `/admin/api-keys`: the store's publishable keys (Medusa's paths).

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::api_keys::{self, CreateKey, KeyRow};
use crate::core::roles::Permission::{SettingsRead, SettingsWrite};
use crate::core::Result;
use crate::http::envelope::{one, page};
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, Path, QueryPairs, Staff};

/// A publishable key, Medusa's `AdminApiKey`.
#[derive(Serialize, ToSchema)]
pub struct AdminApiKey {
    pub id: String,
    pub token: String,
    /// The token's first six and last three characters.
    pub redacted: String,
    pub title: String,
    /// Always `publishable`.
    #[serde(rename = "type")]
    pub kind: String,
    pub sales_channel_ids: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// Always null: Coral does not track these.
    pub last_used_at: Option<DateTime<Utc>>,
    pub created_by: Option<String>,
    pub revoked_by: Option<String>,
}

impl From<&KeyRow> for AdminApiKey {
    fn from(k: &KeyRow) -> Self {
        let redacted = format!(
            "{}***{}",
            &k.token[..6.min(k.token.len())],
            &k.token[k.token.len().saturating_sub(3)..]
        );
        Self {
            id: k.id.clone(),
            token: k.token.clone(),
            redacted,
            title: k.title.clone(),
            kind: k.kind.clone(),
            sales_channel_ids: k.sales_channel_ids.clone(),
            created_at: k.created_at,
            revoked_at: k.revoked_at,
            last_used_at: None,
            created_by: None,
            revoked_by: None,
        }
    }
}

one!(
    /// `{ api_key }`
    AdminApiKeyResponse { api_key: AdminApiKey }
);
page!(
    /// `{ api_keys, count, offset, limit }`
    AdminApiKeyListResponse { api_keys: AdminApiKey }
);

fn answer(k: &KeyRow) -> Json<AdminApiKeyResponse> {
    Json(AdminApiKeyResponse { api_key: k.into() })
}

#[utoipa::path(get, path = "/admin/api-keys", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsRead))),
    params(("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "a page of keys", body = AdminApiKeyListResponse)), security(("bearer" = [])))]
pub async fn list(Staff(actor): Staff, q: QueryPairs) -> Result<Json<AdminApiKeyListResponse>> {
    let (limit, offset) = q.page(50)?;
    let (rows, count) = api_keys::list(&actor.ctx, limit, offset).await?;
    Ok(Json(AdminApiKeyListResponse {
        api_keys: rows.iter().map(AdminApiKey::from).collect(),
        count,
        offset,
        limit,
    }))
}

/// A new publishable key for the default sales channel (the plan's `max_publishable_keys`).
#[utoipa::path(post, path = "/admin/api-keys", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("api_key.create"))),
    request_body = CreateKey,
    responses((status = 200, description = "the key", body = AdminApiKeyResponse), (status = 403, description = "plan limit reached", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(app): State<AppState>,
    Staff(actor): Staff,
    JsonBody(body): JsonBody<CreateKey>,
) -> Result<Json<AdminApiKeyResponse>> {
    Ok(answer(&api_keys::create(&app, &actor.ctx, body).await?))
}

#[utoipa::path(get, path = "/admin/api-keys/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsRead))),
    params(("id" = String, Path)),
    responses((status = 200, description = "the key", body = AdminApiKeyResponse), (status = 404, description = "unknown key", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<AdminApiKeyResponse>> {
    Ok(answer(&api_keys::get(&actor.ctx, &id).await?))
}

/// Revokes the key: storefronts using it are refused from now on (other processes within
/// a notification's delay).
#[utoipa::path(post, path = "/admin/api-keys/{id}/revoke", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("api_key.revoke"))),
    params(("id" = String, Path)),
    responses((status = 200, description = "the key", body = AdminApiKeyResponse), (status = 404, description = "unknown key", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn revoke(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Json<AdminApiKeyResponse>> {
    Ok(answer(&api_keys::revoke(&app, &actor.ctx, &id).await?))
}
