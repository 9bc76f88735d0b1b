//! `/platform/placements`: databases that hold tenants.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use crate::app::platform::{self, CreatePlacement};
use crate::core::Result;
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, Platform};

/// Registers a Postgres database as a placement; it is migrated at once.
#[utoipa::path(post, path = "/platform/placements", tag = "platform",
    extensions(("x-coral-permission" = json!("platform")), ("x-coral-audit-action" = json!("placement.create"))),
    request_body = CreatePlacement,
    responses((status = 201, description = "{ placement } (the URL's password masked)"),
              (status = 400, description = "bad or unreachable URL", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(app): State<AppState>,
    Platform(audit): Platform,
    JsonBody(body): JsonBody<CreatePlacement>,
) -> Result<(StatusCode, Json<Value>)> {
    let p = platform::create_placement(&app, &audit, body).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "placement": {
            "id": p.id, "name": p.name, "url": platform::mask_url(&p.url), "created_at": p.created_at,
        }})),
    ))
}
