//! Staff management (`/admin/users`): invite, list, change role or names, deactivate.
//! A role change or a deactivation bumps the user's token version, so their existing
//! tokens are refused from the next request on.

use serde::Deserialize;

use crate::adapters::auth;
use crate::app::staff::StaffActor;
use crate::core::names::parse_email;
use crate::core::roles::Role;
use crate::core::{Error, Result};
use crate::db::staff::{self, NewStaff};
use crate::tenancy::quota::{self, Quota};
use crate::tenancy::TenantCtx;

/// A staff user as the user use cases answer it.
pub use crate::db::staff::StaffRow;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    pub email: String,
    /// At least 8 characters; the user can sign in with it at once.
    pub password: String,
    /// `tenant_admin`, `catalog_manager`, `order_ops` or `viewer` (default).
    pub role: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    pub role: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

fn not_found(id: &str) -> Error {
    Error::not_found(format!("User with id: {id} was not found"))
}

fn check_name(n: Option<String>) -> Result<Option<String>> {
    match n.map(|s| s.trim().to_owned()) {
        Some(s) if s.len() > 200 => Err(Error::invalid("Names must be at most 200 characters")),
        other => Ok(other.filter(|s| !s.is_empty())),
    }
}

/// Platform operators' accounts are the platform's: a tenant admin cannot touch them.
fn check_manageable(u: &StaffRow) -> Result<()> {
    if u.role == Role::PlatformAdmin.as_str() {
        return Err(Error::Forbidden(
            "Platform administrators are managed by the platform".into(),
        ));
    }
    Ok(())
}

pub async fn create(ctx: &TenantCtx, input: CreateUser) -> Result<StaffRow> {
    let email = parse_email(&input.email)?;
    let role = Role::parse_assignable(input.role.as_deref().unwrap_or("viewer"))?;
    auth::check_password_policy(&input.password)?;
    let first_name = check_name(input.first_name)?;
    let last_name = check_name(input.last_name)?;
    let hash = auth::hash_password(&input.password).await?;
    let mut tx = ctx.db.begin().await?;
    quota::check(&mut tx, &ctx.tenant.limits, Quota::Staff, 1).await?;
    let new = NewStaff {
        email: &email,
        password_hash: &hash,
        first_name: first_name.as_deref(),
        last_name: last_name.as_deref(),
        role: role.as_str(),
    };
    let id = staff::insert(&mut tx, &new).await?;
    let user = staff::get(&mut tx, &id).await?.ok_or_else(|| not_found(&id))?;
    tx.commit().await?;
    Ok(user)
}

pub async fn list(ctx: &TenantCtx, limit: i64, offset: i64) -> Result<(Vec<StaffRow>, i64)> {
    let mut tx = ctx.db.begin().await?;
    let page = staff::list(&mut tx, limit, offset).await?;
    tx.commit().await?;
    Ok(page)
}

pub async fn get(ctx: &TenantCtx, id: &str) -> Result<StaffRow> {
    let mut tx = ctx.db.begin().await?;
    let user = staff::get(&mut tx, id).await?.ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    Ok(user)
}

/// Loads the user for update, lets `change` edit it, writes it back. `change` returns
/// whether the user's tokens must be revoked.
async fn modify(actor: &StaffActor, id: &str, change: impl FnOnce(&mut StaffRow) -> Result<bool>) -> Result<StaffRow> {
    let mut tx = actor.ctx.db.begin().await?;
    let mut user = staff::get_for_update(&mut tx, id).await?.ok_or_else(|| not_found(id))?;
    check_manageable(&user)?;
    let revoke = change(&mut user)?;
    staff::update(&mut tx, &user, revoke).await?;
    let user = staff::get(&mut tx, id).await?.ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    Ok(user)
}

pub async fn update(actor: &StaffActor, id: &str, input: UpdateUser) -> Result<StaffRow> {
    let role = input.role.as_deref().map(Role::parse_assignable).transpose()?;
    let first_name = input.first_name.map(|n| check_name(Some(n))).transpose()?;
    let last_name = input.last_name.map(|n| check_name(Some(n))).transpose()?;
    let me = actor.user.id.clone();
    modify(actor, id, |u| {
        if let Some(n) = first_name {
            u.first_name = n;
        }
        if let Some(n) = last_name {
            u.last_name = n;
        }
        let Some(role) = role.map(Role::as_str).filter(|r| *r != u.role) else {
            return Ok(false);
        };
        // Keeps at least one admin: the last one can only be demoted by another.
        if u.id == me {
            return Err(Error::Conflict("You cannot change your own role".into()));
        }
        u.role = role.to_owned();
        Ok(true)
    })
    .await
}

/// Deactivates (the row stays, for the audit trail and orders that name it).
pub async fn deactivate(actor: &StaffActor, id: &str) -> Result<StaffRow> {
    if id == actor.user.id {
        return Err(Error::Conflict("You cannot deactivate yourself".into()));
    }
    modify(actor, id, |u| {
        let was_active = u.is_active;
        u.is_active = false;
        Ok(was_active)
    })
    .await
}
