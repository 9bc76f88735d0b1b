//! `/platform/tenants`: provision and manage tenants.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use crate::app::platform::{self, CreateTenant, UpdateTenant};
use crate::app::usage;
use crate::core::{Error, Result};
use crate::db::tenants::TenantRow;
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, Platform, QueryPairs};
use crate::tenancy::{TenantCtx, TenantStatus};

pub fn tenant_json(t: &TenantRow) -> Value {
    json!({
        "id": t.id, "handle": t.handle, "name": t.name, "status": t.status,
        "placement_id": t.placement_id, "default_currency_code": t.default_currency_code,
        "default_locale": t.default_locale, "default_country_code": t.default_country_code,
        "domains": t.domains, "allow_tenant_header": t.allow_tenant_header,
        "settings": t.settings.0, "metadata": t.metadata.as_ref().map(|m| &m.0),
        "created_at": t.created_at, "updated_at": t.updated_at, "deactivated_at": t.deactivated_at,
        "plan_id": t.plan_id, "overrides": t.overrides.0, "detailed_metrics": t.detailed_metrics,
    })
}

/// Provisions a tenant in one transaction: the tenant, its default sales channel, a
/// publishable key for that channel and optionally its first staff user.
#[utoipa::path(post, path = "/platform/tenants", tag = "platform",
    extensions(("x-coral-permission" = json!("platform")), ("x-coral-audit-action" = json!("tenant.create"))),
    request_body = CreateTenant,
    responses((status = 201, description = "{ tenant, sales_channel, publishable_api_key, user }"),
              (status = 400, description = "invalid input", body = ErrorBody), (status = 401, description = "bad platform token", body = ErrorBody),
              (status = 422, description = "handle or domain already taken", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(app): State<AppState>,
    Platform(audit): Platform,
    JsonBody(body): JsonBody<CreateTenant>,
) -> Result<(StatusCode, Json<Value>)> {
    let admin_email = body.admin.as_ref().map(|a| a.email.trim().to_ascii_lowercase());
    let p = platform::create_tenant(&app, &audit, body).await?;
    let user = p
        .admin_user_id
        .map(|id| json!({ "id": id, "email": admin_email, "role": "tenant_admin" }));
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "tenant": tenant_json(&p.tenant),
            "sales_channel": { "id": p.sales_channel_id, "name": "Default Sales Channel", "is_default": true },
            "publishable_api_key": { "id": p.publishable_key.id, "token": p.publishable_key.token, "type": "publishable" },
            "user": user,
        })),
    ))
}

#[utoipa::path(get, path = "/platform/tenants", tag = "platform",
    extensions(("x-coral-permission" = json!("platform"))),
    params(("status" = Option<String>, Query, description = "active, suspended or deactivated"),
           ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "{ tenants, count, offset, limit }")),
    security(("bearer" = [])))]
pub async fn list(State(app): State<AppState>, _: Platform, q: QueryPairs) -> Result<Json<Value>> {
    let (limit, offset) = q.page(50)?;
    let (rows, count) = platform::list_tenants(&app, q.get("status"), limit, offset).await?;
    let tenants: Vec<Value> = rows.iter().map(tenant_json).collect();
    Ok(Json(
        json!({ "tenants": tenants, "count": count, "offset": offset, "limit": limit }),
    ))
}

#[utoipa::path(get, path = "/platform/tenants/{id}", tag = "platform",
    extensions(("x-coral-permission" = json!("platform"))),
    params(("id" = String, Path, description = "tenant id or handle")),
    responses((status = 200, description = "{ tenant }"), (status = 404, description = "unknown tenant", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(State(app): State<AppState>, _: Platform, Path(id): Path<String>) -> Result<Json<Value>> {
    Ok(Json(
        json!({ "tenant": tenant_json(&platform::get_tenant(&app, &id).await?) }),
    ))
}

/// Changes a tenant: settings, domains, and its plan, overrides (`{"limits": {…},
/// "features": {…}}`, replacing the previous ones) and `detailed_metrics`.
#[utoipa::path(patch, path = "/platform/tenants/{id}", tag = "platform",
    extensions(("x-coral-permission" = json!("platform")), ("x-coral-audit-action" = json!("tenant.update"))),
    request_body = UpdateTenant,
    params(("id" = String, Path, description = "tenant id or handle")),
    responses((status = 200, description = "{ tenant }"), (status = 404, description = "unknown tenant", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(app): State<AppState>,
    Platform(audit): Platform,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<UpdateTenant>,
) -> Result<Json<Value>> {
    Ok(Json(
        json!({ "tenant": tenant_json(&platform::update_tenant(&app, &audit, &id, body).await?) }),
    ))
}

#[utoipa::path(post, path = "/platform/tenants/{id}/suspend", tag = "platform",
    extensions(("x-coral-permission" = json!("platform")), ("x-coral-audit-action" = json!("tenant.suspend"))),
    params(("id" = String, Path, description = "tenant id or handle")),
    responses((status = 200, description = "{ tenant }; its storefront answers 403 from now on")),
    security(("bearer" = [])))]
pub async fn suspend(
    State(app): State<AppState>,
    Platform(audit): Platform,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    let t = platform::set_status(&app, &audit, &id, TenantStatus::Suspended).await?;
    Ok(Json(json!({ "tenant": tenant_json(&t) })))
}

#[utoipa::path(post, path = "/platform/tenants/{id}/resume", tag = "platform",
    extensions(("x-coral-permission" = json!("platform")), ("x-coral-audit-action" = json!("tenant.resume"))),
    params(("id" = String, Path, description = "tenant id or handle")),
    responses((status = 200, description = "{ tenant }, active again")),
    security(("bearer" = [])))]
pub async fn resume(
    State(app): State<AppState>,
    Platform(audit): Platform,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    let t = platform::set_status(&app, &audit, &id, TenantStatus::Active).await?;
    Ok(Json(json!({ "tenant": tenant_json(&t) })))
}

/// Deactivates (soft delete): data is kept, the store answers 404, `resume` undoes it.
#[utoipa::path(delete, path = "/platform/tenants/{id}", tag = "platform",
    extensions(("x-coral-permission" = json!("platform")), ("x-coral-audit-action" = json!("tenant.deactivate"))),
    params(("id" = String, Path, description = "tenant id or handle")),
    responses((status = 200, description = "{ id, object, deleted }")),
    security(("bearer" = [])))]
pub async fn deactivate(
    State(app): State<AppState>,
    Platform(audit): Platform,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    let t = platform::set_status(&app, &audit, &id, TenantStatus::Deactivated).await?;
    Ok(Json(json!({ "id": t.id, "object": "tenant", "deleted": true })))
}

/// The tenant's usage since it was created (requests, rate-limited requests, orders,
/// revenue, products, staff, keys, storage) and its effective limits.
#[utoipa::path(get, path = "/platform/tenants/{id}/usage", tag = "platform",
    extensions(("x-coral-permission" = json!("platform"))),
    params(("id" = String, Path, description = "tenant id or handle")),
    responses((status = 200, description = "{ usage }", body = inline(Object)), (status = 404, description = "unknown tenant", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn usage(State(app): State<AppState>, _: Platform, Path(id): Path<String>) -> Result<Json<Value>> {
    let tenant = app
        .directory
        .by_id_or_handle(&id)
        .ok_or_else(|| Error::not_found(format!("Tenant with id: {id} was not found")))?;
    let ctx = TenantCtx {
        db: app.directory.tenant_db(&tenant).await?,
        sales_channel_ids: Default::default(),
        tenant,
    };
    Ok(Json(json!({ "usage": usage::report(&app, &ctx).await? })))
}
