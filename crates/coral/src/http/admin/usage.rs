//! `GET /admin/usage`: the caller's own store's usage and limits (never another's: the
//! tenant is the token's).

use axum::extract::State;
use axum::Json;

use crate::app::usage::{self, UsageReport};
use crate::core::roles::Permission::SettingsRead;
use crate::core::Result;
use crate::http::envelope::one;
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, Staff};

one!(
    /// `{ usage }`
    UsageResponse { usage: UsageReport }
);

#[utoipa::path(get, path = "/admin/usage", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsRead))),
    responses((status = 200, description = "{ usage }: requests, rate-limited requests, orders, revenue, products, staff, keys, storage, limits", body = UsageResponse),
              (status = 401, description = "missing, invalid or revoked token", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(State(app): State<AppState>, Staff(actor): Staff) -> Result<Json<UsageResponse>> {
    Ok(Json(UsageResponse {
        usage: usage::report(&app, &actor.ctx).await?,
    }))
}
