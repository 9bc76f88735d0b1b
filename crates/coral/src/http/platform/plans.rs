//! `/platform/plans`: the plans tenants are on (limits and feature flags).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use crate::app::plans::{self, CreatePlan, UpdatePlan};
use crate::core::Result;
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, Platform};

#[utoipa::path(get, path = "/platform/plans", tag = "platform",
    extensions(("x-coral-permission" = json!("platform"))),
    responses((status = 200, description = "{ plans, count }")),
    security(("bearer" = [])))]
pub async fn list(State(app): State<AppState>, _: Platform) -> Result<Json<Value>> {
    let plans = plans::list(&app).await?;
    Ok(Json(json!({ "count": plans.len(), "plans": plans })))
}

#[utoipa::path(post, path = "/platform/plans", tag = "platform",
    extensions(("x-coral-permission" = json!("platform")), ("x-coral-audit-action" = json!("plan.create"))),
    request_body = CreatePlan,
    responses((status = 201, description = "{ plan }"), (status = 400, description = "invalid input", body = ErrorBody),
              (status = 422, description = "the id is taken", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(app): State<AppState>,
    Platform(audit): Platform,
    JsonBody(body): JsonBody<CreatePlan>,
) -> Result<(StatusCode, Json<Value>)> {
    let plan = plans::create(&app, &audit, body).await?;
    Ok((StatusCode::CREATED, Json(json!({ "plan": plan }))))
}

#[utoipa::path(get, path = "/platform/plans/{id}", tag = "platform",
    extensions(("x-coral-permission" = json!("platform"))),
    params(("id" = String, Path, description = "plan id")),
    responses((status = 200, description = "{ plan }"), (status = 404, description = "unknown plan", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(State(app): State<AppState>, _: Platform, Path(id): Path<String>) -> Result<Json<Value>> {
    Ok(Json(json!({ "plan": plans::get(&app, &id)? })))
}

/// Changes a plan; every tenant on it gets the new limits and flags at once.
#[utoipa::path(patch, path = "/platform/plans/{id}", tag = "platform",
    extensions(("x-coral-permission" = json!("platform")), ("x-coral-audit-action" = json!("plan.update"))),
    request_body = UpdatePlan,
    params(("id" = String, Path, description = "plan id")),
    responses((status = 200, description = "{ plan }"), (status = 404, description = "unknown plan", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(app): State<AppState>,
    Platform(audit): Platform,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<UpdatePlan>,
) -> Result<Json<Value>> {
    Ok(Json(json!({ "plan": plans::update(&app, &audit, &id, body).await? })))
}
