//! `/platform/placements`: databases that hold tenants.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::platform::{self, CreatePlacement};
use crate::core::Result;
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, Platform};

/// A database holding tenants.
#[derive(Serialize, ToSchema)]
pub struct PlatformPlacement {
    pub id: String,
    pub name: String,
    /// The Postgres URL, its password masked.
    pub url: String,
    pub created_at: DateTime<Utc>,
}

/// `{ placement }`
#[derive(Serialize, ToSchema)]
pub struct PlatformPlacementResponse {
    pub placement: PlatformPlacement,
}

/// Registers a Postgres database as a placement; it is migrated at once.
#[utoipa::path(post, path = "/platform/placements", tag = "platform",
    extensions(("x-coral-permission" = json!("platform")), ("x-coral-audit-action" = json!("placement.create"))),
    request_body = CreatePlacement,
    responses((status = 201, description = "the placement (the URL's password masked)", body = PlatformPlacementResponse),
              (status = 400, description = "bad or unreachable URL", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(app): State<AppState>,
    Platform(audit): Platform,
    JsonBody(body): JsonBody<CreatePlacement>,
) -> Result<(StatusCode, Json<PlatformPlacementResponse>)> {
    let p = platform::create_placement(&app, &audit, body).await?;
    Ok((
        StatusCode::CREATED,
        Json(PlatformPlacementResponse {
            placement: PlatformPlacement {
                url: platform::mask_url(&p.url),
                id: p.id,
                name: p.name,
                created_at: p.created_at,
            },
        }),
    ))
}
