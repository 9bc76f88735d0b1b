//! `/admin/users`: the tenant's staff (Medusa's paths; deleting deactivates).

use axum::extract::Path;
use axum::Json;
use serde_json::{json, Value};

use crate::app::users::{self, CreateUser, UpdateUser};
use crate::core::roles::Permission::{Authenticated, StaffRead, StaffWrite};
use crate::core::Result;
use crate::db::staff::StaffRow;
use crate::http::extract::{JsonBody, QueryPairs, Staff};

pub fn user_json(u: &StaffRow) -> Value {
    json!({
        "id": u.id, "email": u.email, "first_name": u.first_name, "last_name": u.last_name,
        "avatar_url": null, "role": u.role, "is_active": u.is_active,
        "metadata": u.metadata.as_ref().map(|m| &m.0),
        "created_at": u.created_at, "updated_at": u.updated_at, "deleted_at": null,
    })
}

fn answer(u: &StaffRow) -> Json<Value> {
    Json(json!({ "user": user_json(u) }))
}

/// The authenticated staff user.
#[utoipa::path(get, path = "/admin/users/me", tag = "admin",
    extensions(("x-coral-permission" = json!(Authenticated))),
    responses((status = 200, description = "{ user }"), (status = 401, description = "missing, invalid or revoked token")),
    security(("bearer" = [])))]
pub async fn me(Staff(actor): Staff) -> Result<Json<Value>> {
    Ok(answer(&actor.user))
}

#[utoipa::path(get, path = "/admin/users", tag = "admin",
    extensions(("x-coral-permission" = json!(StaffRead))),
    params(("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "{ users, count, offset, limit }")), security(("bearer" = [])))]
pub async fn list(Staff(actor): Staff, q: QueryPairs) -> Result<Json<Value>> {
    let (limit, offset) = q.page(50)?;
    let (rows, count) = users::list(&actor.ctx, limit, offset).await?;
    let list: Vec<Value> = rows.iter().map(user_json).collect();
    Ok(Json(
        json!({ "users": list, "count": count, "offset": offset, "limit": limit }),
    ))
}

/// Creates a staff user with a role and a first password (the plan's `max_staff` applies).
#[utoipa::path(post, path = "/admin/users", tag = "admin",
    extensions(("x-coral-permission" = json!(StaffWrite)), ("x-coral-audit-action" = json!("user.create"))),
    request_body = CreateUser,
    responses((status = 200, description = "{ user }"), (status = 400, description = "bad input"),
              (status = 403, description = "plan limit reached"), (status = 422, description = "email taken")),
    security(("bearer" = [])))]
pub async fn create(Staff(actor): Staff, JsonBody(body): JsonBody<CreateUser>) -> Result<Json<Value>> {
    Ok(answer(&users::create(&actor.ctx, body).await?))
}

#[utoipa::path(get, path = "/admin/users/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(StaffRead))),
    params(("id" = String, Path)),
    responses((status = 200, description = "{ user }"), (status = 404, description = "unknown user")),
    security(("bearer" = [])))]
pub async fn get(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<Value>> {
    Ok(answer(&users::get(&actor.ctx, &id).await?))
}

/// Changes names or role; a new role revokes the user's existing tokens.
#[utoipa::path(post, path = "/admin/users/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(StaffWrite)), ("x-coral-audit-action" = json!("user.update"))),
    request_body = UpdateUser, params(("id" = String, Path)),
    responses((status = 200, description = "{ user }"), (status = 404, description = "unknown user"),
              (status = 409, description = "own role")),
    security(("bearer" = [])))]
pub async fn update(
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<UpdateUser>,
) -> Result<Json<Value>> {
    Ok(answer(&users::update(&actor, &id, body).await?))
}

/// Deactivates the user (kept for the audit trail); their tokens stop working at once.
#[utoipa::path(delete, path = "/admin/users/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(StaffWrite)), ("x-coral-audit-action" = json!("user.deactivate"))),
    params(("id" = String, Path)),
    responses((status = 200, description = "{ id, object, deleted }"), (status = 404, description = "unknown user"),
              (status = 409, description = "yourself")),
    security(("bearer" = [])))]
pub async fn deactivate(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<Value>> {
    let u = users::deactivate(&actor, &id).await?;
    Ok(Json(json!({ "id": u.id, "object": "user", "deleted": true })))
}
