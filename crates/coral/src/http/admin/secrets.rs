//! `/admin/secrets*`: write-only credentials (payment provider keys, SMTP password); an
//! answer says whether a secret is set, never its value.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::secrets;
use crate::core::roles::Permission::{SettingsRead, SettingsWrite};
use crate::core::Result;
use crate::http::envelope::AdminDeleteResponse;
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, Path, Staff};

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
