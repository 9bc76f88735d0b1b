//! `/platform/plans`: the plans tenants are on (limits and feature flags).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::plans::{self, CreatePlan, UpdatePlan};
use crate::core::plans::Plan;
use crate::core::Result;
use crate::http::envelope::one;
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, Path, Platform};

one!(
    /// `{ plan }`
    PlatformPlanResponse { plan: Plan }
);

/// `{ count, plans }`: every plan (not paged).
#[derive(Serialize, ToSchema)]
pub struct PlatformPlanListResponse {
    pub count: usize,
    pub plans: Vec<Plan>,
}

#[utoipa::path(get, path = "/platform/plans", tag = "platform",
    extensions(("x-coral-permission" = json!("platform"))),
    responses((status = 200, description = "every plan", body = PlatformPlanListResponse)),
    security(("bearer" = [])))]
pub async fn list(State(app): State<AppState>, _: Platform) -> Result<Json<PlatformPlanListResponse>> {
    let plans = plans::list(&app).await?;
    Ok(Json(PlatformPlanListResponse {
        count: plans.len(),
        plans,
    }))
}

#[utoipa::path(post, path = "/platform/plans", tag = "platform",
    extensions(("x-coral-permission" = json!("platform")), ("x-coral-audit-action" = json!("plan.create"))),
    request_body = CreatePlan,
    responses((status = 201, description = "the plan", body = PlatformPlanResponse), (status = 400, description = "invalid input", body = ErrorBody),
              (status = 422, description = "the id is taken", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(app): State<AppState>,
    Platform(audit): Platform,
    JsonBody(body): JsonBody<CreatePlan>,
) -> Result<(StatusCode, Json<PlatformPlanResponse>)> {
    let plan = plans::create(&app, &audit, body).await?;
    Ok((StatusCode::CREATED, Json(PlatformPlanResponse { plan })))
}

#[utoipa::path(get, path = "/platform/plans/{id}", tag = "platform",
    extensions(("x-coral-permission" = json!("platform"))),
    params(("id" = String, Path, description = "plan id")),
    responses((status = 200, description = "the plan", body = PlatformPlanResponse), (status = 404, description = "unknown plan", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    State(app): State<AppState>,
    _: Platform,
    Path(id): Path<String>,
) -> Result<Json<PlatformPlanResponse>> {
    Ok(Json(PlatformPlanResponse {
        plan: plans::get(&app, &id)?,
    }))
}

/// Changes a plan; every tenant on it gets the new limits and flags at once.
#[utoipa::path(patch, path = "/platform/plans/{id}", tag = "platform",
    extensions(("x-coral-permission" = json!("platform")), ("x-coral-audit-action" = json!("plan.update"))),
    request_body = UpdatePlan,
    params(("id" = String, Path, description = "plan id")),
    responses((status = 200, description = "the plan", body = PlatformPlanResponse), (status = 404, description = "unknown plan", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(app): State<AppState>,
    Platform(audit): Platform,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<UpdatePlan>,
) -> Result<Json<PlatformPlanResponse>> {
    Ok(Json(PlatformPlanResponse {
        plan: plans::update(&app, &audit, &id, body).await?,
    }))
}
