//! Staff (admin users): login, and turning a token back into an authenticated actor.

use std::net::IpAddr;
use std::sync::Arc;

use crate::adapters::auth::{self, Claims};
use crate::app::Services;
use crate::core::ids::TenantId;
use crate::core::names::parse_email;
use crate::core::{Error, Result};
use crate::db::staff::{self, StaffRow};
use crate::tenancy::{Tenant, TenantCtx, TenantStatus};

const BAD_LOGIN: &str = "Invalid email or password";

/// Email + password → a token. The tenant comes from the user's record; when the same
/// email is staff of several stores, `tenant_hint` (from the store signals) picks one.
/// Attempts are limited per account and per client `address` (429 with a retry time).
pub async fn login(
    app: &Services,
    email: &str,
    password: &str,
    tenant_hint: Option<Arc<Tenant>>,
    address: Option<IpAddr>,
) -> Result<String> {
    let store = tenant_hint.as_ref().map(|t| t.id.as_str());
    app.login_limits.check(store, email, address)?;
    let email = parse_email(email).map_err(|_| Error::Unauthorized(BAD_LOGIN.into()))?;
    let mut logins = app.control.staff_by_email(&email).await?;
    if let Some(t) = &tenant_hint {
        logins.retain(|(tenant, _)| tenant == t.id.as_str());
    }
    // Each candidate account is read in its own store's transaction: password hashes
    // are never read across stores.
    let mut candidates: Vec<StaffRow> = Vec::new();
    for (tenant, staff_id) in logins {
        let Some(t) = app.directory.get(&TenantId::from_trusted(tenant)) else {
            continue;
        };
        let mut tx = app.directory.tenant_db(&t).await?.begin().await?;
        let user = staff::get(&mut tx, &staff_id).await?;
        tx.commit().await?;
        candidates.extend(user.filter(|u| u.is_active && u.email == email));
    }
    let mut matched = Vec::new();
    if candidates.is_empty() {
        auth::verify_password(None, password).await;
    }
    for c in candidates {
        if auth::verify_password(Some(&c.password_hash), password).await {
            matched.push(c);
        }
    }
    let user = match matched.len() {
        0 => return Err(Error::Unauthorized(BAD_LOGIN.into())),
        1 => matched.remove(0),
        _ => {
            return Err(Error::invalid(
                "This email belongs to staff of several stores: send the store's x-tenant-id header to choose one",
            ))
        }
    };
    let tenant = app
        .directory
        .get(&TenantId::from_trusted(user.tenant_id.clone()))
        .ok_or_else(|| Error::Unauthorized(BAD_LOGIN.into()))?;
    check_tenant_open(&tenant)?;
    issue_token(app, &user)
}

pub fn issue_token(app: &Services, user: &StaffRow) -> Result<String> {
    let now = chrono::Utc::now().timestamp();
    app.tokens.issue(&Claims {
        actor_id: user.id.clone(),
        actor_type: "user".into(),
        auth_identity_id: user.id.clone(),
        app_metadata: serde_json::json!({ "user_id": user.id }),
        tenant_id: user.tenant_id.clone(),
        role: user.role.clone(),
        tv: user.token_version,
        iat: now,
        exp: now + auth::TOKEN_TTL_SECS,
    })
}

fn check_tenant_open(t: &Tenant) -> Result<()> {
    match t.status {
        TenantStatus::Active => Ok(()),
        TenantStatus::Suspended => Err(Error::Forbidden("This store is suspended".into())),
        TenantStatus::Deactivated => Err(Error::unauthorized()),
    }
}

/// An authenticated staff member and their tenant's context.
pub struct StaffActor {
    pub ctx: TenantCtx,
    pub user: StaffRow,
}

/// Bearer token → the token's tenant and claims, from memory only (no query), so the
/// tenant's rate limit can be checked before any database work.
pub fn verify_token(app: &Services, bearer: &str) -> Result<(Arc<Tenant>, Claims)> {
    let claims = app.tokens.verify(bearer)?;
    if claims.actor_type != "user" {
        return Err(Error::unauthorized());
    }
    let tid = TenantId::parse(&claims.tenant_id).ok_or_else(Error::unauthorized)?;
    let tenant = app.directory.get(&tid).ok_or_else(Error::unauthorized)?;
    check_tenant_open(&tenant)?;
    Ok((tenant, claims))
}

/// Verified claims → staff actor. The tenant comes from the token's claim only, and the
/// user must still exist, be active and hold the token's version.
pub async fn authenticate(app: &Services, tenant: Arc<Tenant>, claims: &Claims) -> Result<StaffActor> {
    let db = app.directory.tenant_db(&tenant).await?;
    let mut tx = db.begin().await?;
    let user = staff::get(&mut tx, &claims.actor_id)
        .await?
        .ok_or_else(Error::unauthorized)?;
    tx.commit().await?;
    if !user.is_active || user.token_version != claims.tv {
        return Err(Error::unauthorized());
    }
    let channels: Arc<[String]> = tenant.default_sales_channel_id.iter().cloned().collect();
    Ok(StaffActor {
        ctx: TenantCtx {
            tenant,
            db,
            sales_channel_ids: channels,
        },
        user,
    })
}
