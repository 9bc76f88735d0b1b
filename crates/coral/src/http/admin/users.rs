//! `/admin/users`.

use axum::Json;
use serde_json::{json, Value};

use crate::core::Result;
use crate::db::staff::StaffRow;
use crate::http::extract::Staff;

pub fn user_json(u: &StaffRow) -> Value {
    json!({
        "id": u.id, "email": u.email, "first_name": u.first_name, "last_name": u.last_name,
        "avatar_url": null, "role": u.role, "metadata": u.metadata.as_ref().map(|m| &m.0),
        "created_at": u.created_at, "updated_at": u.updated_at, "deleted_at": null,
    })
}

/// The authenticated staff user.
#[utoipa::path(get, path = "/admin/users/me", tag = "admin",
    responses((status = 200, description = "{ user }"), (status = 401, description = "missing, invalid or revoked token")),
    security(("bearer" = [])))]
pub async fn me(Staff(actor): Staff) -> Result<Json<Value>> {
    Ok(Json(json!({ "user": user_json(&actor.user) })))
}
