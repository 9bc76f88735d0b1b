//! `/admin/users`: the tenant's staff (Medusa's paths; deleting deactivates).

use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::app::users::{self, CreateUser, StaffRow, UpdateUser};
use crate::core::roles::Permission::{Authenticated, StaffRead, StaffWrite};
use crate::core::Result;
use crate::http::envelope::{one, page, AdminDeleteResponse};
use crate::http::error::ErrorBody;
use crate::http::extract::{JsonBody, Path, QueryPairs, Staff};

/// A staff user, Medusa's `AdminUser` plus Coral's `role` and `is_active`.
#[derive(Serialize, ToSchema)]
pub struct AdminUser {
    pub id: String,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// Always null: Coral keeps no avatars.
    pub avatar_url: Option<String>,
    /// `tenant_admin`, `catalog_manager`, `order_ops`, `viewer` or `platform_admin`.
    pub role: String,
    pub is_active: bool,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Always null: a removed user is deactivated, not deleted.
    pub deleted_at: Option<DateTime<Utc>>,
}

impl From<&StaffRow> for AdminUser {
    fn from(u: &StaffRow) -> Self {
        Self {
            id: u.id.clone(),
            email: u.email.clone(),
            first_name: u.first_name.clone(),
            last_name: u.last_name.clone(),
            avatar_url: None,
            role: u.role.clone(),
            is_active: u.is_active,
            metadata: u.metadata.as_ref().map(|m| m.0.clone()),
            created_at: u.created_at,
            updated_at: u.updated_at,
            deleted_at: None,
        }
    }
}

one!(
    /// `{ user }`
    AdminUserResponse { user: AdminUser }
);
page!(
    /// `{ users, count, offset, limit }`
    AdminUserListResponse { users: AdminUser }
);

fn answer(u: &StaffRow) -> Json<AdminUserResponse> {
    Json(AdminUserResponse { user: u.into() })
}

/// The authenticated staff user.
#[utoipa::path(get, path = "/admin/users/me", tag = "admin",
    extensions(("x-coral-permission" = json!(Authenticated))),
    responses((status = 200, description = "the user", body = AdminUserResponse), (status = 401, description = "missing, invalid or revoked token", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn me(Staff(actor): Staff) -> Result<Json<AdminUserResponse>> {
    Ok(answer(&actor.user))
}

#[utoipa::path(get, path = "/admin/users", tag = "admin",
    extensions(("x-coral-permission" = json!(StaffRead))),
    params(("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "a page of staff users", body = AdminUserListResponse)), security(("bearer" = [])))]
pub async fn list(Staff(actor): Staff, q: QueryPairs) -> Result<Json<AdminUserListResponse>> {
    let (limit, offset) = q.page(50)?;
    let (rows, count) = users::list(&actor.ctx, limit, offset).await?;
    Ok(Json(AdminUserListResponse {
        users: rows.iter().map(AdminUser::from).collect(),
        count,
        offset,
        limit,
    }))
}

/// Creates a staff user with a role and a first password (the plan's `max_staff` applies).
#[utoipa::path(post, path = "/admin/users", tag = "admin",
    extensions(("x-coral-permission" = json!(StaffWrite)), ("x-coral-audit-action" = json!("user.create"))),
    request_body = CreateUser,
    responses((status = 200, description = "the user", body = AdminUserResponse), (status = 400, description = "bad input", body = ErrorBody),
              (status = 403, description = "plan limit reached", body = ErrorBody), (status = 422, description = "email taken", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(Staff(actor): Staff, JsonBody(body): JsonBody<CreateUser>) -> Result<Json<AdminUserResponse>> {
    Ok(answer(&users::create(&actor.ctx, body).await?))
}

#[utoipa::path(get, path = "/admin/users/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(StaffRead))),
    params(("id" = String, Path)),
    responses((status = 200, description = "the user", body = AdminUserResponse), (status = 404, description = "unknown user", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<AdminUserResponse>> {
    Ok(answer(&users::get(&actor.ctx, &id).await?))
}

/// Changes names or role; a new role revokes the user's existing tokens.
#[utoipa::path(post, path = "/admin/users/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(StaffWrite)), ("x-coral-audit-action" = json!("user.update"))),
    request_body = UpdateUser, params(("id" = String, Path)),
    responses((status = 200, description = "the user", body = AdminUserResponse), (status = 404, description = "unknown user", body = ErrorBody),
              (status = 409, description = "own role", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<UpdateUser>,
) -> Result<Json<AdminUserResponse>> {
    Ok(answer(&users::update(&actor, &id, body).await?))
}

/// Deactivates the user (kept for the audit trail); their tokens stop working at once.
#[utoipa::path(delete, path = "/admin/users/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(StaffWrite)), ("x-coral-audit-action" = json!("user.deactivate"))),
    params(("id" = String, Path)),
    responses((status = 200, description = "deactivated", body = AdminDeleteResponse), (status = 404, description = "unknown user", body = ErrorBody),
              (status = 409, description = "yourself", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn deactivate(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<AdminDeleteResponse>> {
    let u = users::deactivate(&actor, &id).await?;
    Ok(Json(AdminDeleteResponse::new(u.id, "user")))
}
