//! `/platform/tenants`: provision and manage tenants.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::app::platform::{self, CreateTenant, TenantRow, UpdateTenant};
use crate::app::usage;
use crate::core::{Error, Result};
use crate::http::admin::usage::UsageResponse;
use crate::http::envelope::{one, page, AdminDeleteResponse};
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, Path, Platform, QueryPairs};
use crate::tenancy::{TenantCtx, TenantStatus};

/// A tenant as the platform sees it.
#[derive(Serialize, ToSchema)]
pub struct PlatformTenant {
    pub id: String,
    pub handle: String,
    pub name: String,
    /// `active`, `suspended` or `deactivated`; `provisioning` for the moment a new
    /// store's rows are being written (never served; removed at start-up if left by a crash).
    pub status: String,
    pub placement_id: String,
    pub default_currency_code: String,
    pub default_locale: String,
    pub default_country_code: Option<String>,
    /// Verified custom domains.
    pub domains: Vec<String>,
    pub allow_tenant_header: bool,
    #[schema(value_type = Object)]
    pub settings: Value,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deactivated_at: Option<DateTime<Utc>>,
    pub plan_id: String,
    /// `{"limits": {…}, "features": {…}}` over the plan's.
    #[schema(value_type = Object)]
    pub overrides: Value,
    pub detailed_metrics: bool,
}

impl From<&TenantRow> for PlatformTenant {
    fn from(t: &TenantRow) -> Self {
        Self {
            id: t.id.clone(),
            handle: t.handle.clone(),
            name: t.name.clone(),
            status: t.status.clone(),
            placement_id: t.placement_id.clone(),
            default_currency_code: t.default_currency_code.clone(),
            default_locale: t.default_locale.clone(),
            default_country_code: t.default_country_code.clone(),
            domains: t.domains.clone(),
            allow_tenant_header: t.allow_tenant_header,
            settings: t.settings.0.clone(),
            metadata: t.metadata.as_ref().map(|m| m.0.clone()),
            created_at: t.created_at,
            updated_at: t.updated_at,
            deactivated_at: t.deactivated_at,
            plan_id: t.plan_id.clone(),
            overrides: t.overrides.0.clone(),
            detailed_metrics: t.detailed_metrics,
        }
    }
}

one!(
    /// `{ tenant }`
    PlatformTenantResponse { tenant: PlatformTenant }
);
page!(
    /// `{ tenants, count, offset, limit }`
    PlatformTenantListResponse { tenants: PlatformTenant }
);

/// The new tenant's default sales channel.
#[derive(Serialize, ToSchema)]
pub struct ProvisionedSalesChannel {
    pub id: String,
    pub name: &'static str,
    pub is_default: bool,
}

/// The new tenant's publishable key (its token is shown here).
#[derive(Serialize, ToSchema)]
pub struct ProvisionedKey {
    pub id: String,
    pub token: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

/// The new tenant's first staff user, when one was asked for.
#[derive(Serialize, ToSchema)]
pub struct ProvisionedUser {
    pub id: String,
    pub email: Option<String>,
    pub role: &'static str,
}

/// What provisioning a tenant answers.
#[derive(Serialize, ToSchema)]
pub struct PlatformTenantCreateResponse {
    pub tenant: PlatformTenant,
    pub sales_channel: ProvisionedSalesChannel,
    pub publishable_api_key: ProvisionedKey,
    pub user: Option<ProvisionedUser>,
}

fn answer(t: &TenantRow) -> Json<PlatformTenantResponse> {
    Json(PlatformTenantResponse { tenant: t.into() })
}

/// Provisions a tenant in one transaction: the tenant, its default sales channel, a
/// publishable key for that channel and optionally its first staff user.
#[utoipa::path(post, path = "/platform/tenants", tag = "platform",
    extensions(("x-coral-permission" = json!("platform")), ("x-coral-audit-action" = json!("tenant.create"))),
    request_body = CreateTenant,
    responses((status = 201, description = "the tenant, its sales channel, key and first user", body = PlatformTenantCreateResponse),
              (status = 400, description = "invalid input", body = ErrorBody), (status = 401, description = "bad platform token", body = ErrorBody),
              (status = 422, description = "handle or domain already taken", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(app): State<AppState>,
    Platform(audit): Platform,
    JsonBody(body): JsonBody<CreateTenant>,
) -> Result<(StatusCode, Json<PlatformTenantCreateResponse>)> {
    let admin_email = body.admin.as_ref().map(|a| a.email.trim().to_ascii_lowercase());
    let p = platform::create_tenant(&app, &audit, body).await?;
    let user = p.admin_user_id.map(|id| ProvisionedUser {
        id,
        email: admin_email,
        role: "tenant_admin",
    });
    Ok((
        StatusCode::CREATED,
        Json(PlatformTenantCreateResponse {
            tenant: (&p.tenant).into(),
            sales_channel: ProvisionedSalesChannel {
                id: p.sales_channel_id,
                name: "Default Sales Channel",
                is_default: true,
            },
            publishable_api_key: ProvisionedKey {
                id: p.publishable_key.id,
                token: p.publishable_key.token,
                kind: "publishable",
            },
            user,
        }),
    ))
}

#[utoipa::path(get, path = "/platform/tenants", tag = "platform",
    extensions(("x-coral-permission" = json!("platform"))),
    params(("status" = Option<String>, Query, description = "active, suspended or deactivated"),
           ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "a page of tenants", body = PlatformTenantListResponse)),
    security(("bearer" = [])))]
pub async fn list(State(app): State<AppState>, _: Platform, q: QueryPairs) -> Result<Json<PlatformTenantListResponse>> {
    let (limit, offset) = q.page(50)?;
    let (rows, count) = platform::list_tenants(&app, q.get("status"), limit, offset).await?;
    Ok(Json(PlatformTenantListResponse {
        tenants: rows.iter().map(PlatformTenant::from).collect(),
        count,
        offset,
        limit,
    }))
}

#[utoipa::path(get, path = "/platform/tenants/{id}", tag = "platform",
    extensions(("x-coral-permission" = json!("platform"))),
    params(("id" = String, Path, description = "tenant id or handle")),
    responses((status = 200, description = "the tenant", body = PlatformTenantResponse), (status = 404, description = "unknown tenant", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    State(app): State<AppState>,
    _: Platform,
    Path(id): Path<String>,
) -> Result<Json<PlatformTenantResponse>> {
    Ok(answer(&platform::get_tenant(&app, &id).await?))
}

/// Changes a tenant: settings, domains, and its plan, overrides (`{"limits": {…},
/// "features": {…}}`, replacing the previous ones) and `detailed_metrics`.
#[utoipa::path(patch, path = "/platform/tenants/{id}", tag = "platform",
    extensions(("x-coral-permission" = json!("platform")), ("x-coral-audit-action" = json!("tenant.update"))),
    request_body = UpdateTenant,
    params(("id" = String, Path, description = "tenant id or handle")),
    responses((status = 200, description = "the tenant", body = PlatformTenantResponse), (status = 404, description = "unknown tenant", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(app): State<AppState>,
    Platform(audit): Platform,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<UpdateTenant>,
) -> Result<Json<PlatformTenantResponse>> {
    Ok(answer(&platform::update_tenant(&app, &audit, &id, body).await?))
}

#[utoipa::path(post, path = "/platform/tenants/{id}/suspend", tag = "platform",
    extensions(("x-coral-permission" = json!("platform")), ("x-coral-audit-action" = json!("tenant.suspend"))),
    params(("id" = String, Path, description = "tenant id or handle")),
    responses((status = 200, description = "the tenant; its storefront answers 403 from now on", body = PlatformTenantResponse),
              (status = 409, description = "the store is deactivated: resume it first", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn suspend(
    State(app): State<AppState>,
    Platform(audit): Platform,
    Path(id): Path<String>,
) -> Result<Json<PlatformTenantResponse>> {
    let t = platform::set_status(&app, &audit, &id, TenantStatus::Suspended).await?;
    Ok(answer(&t))
}

#[utoipa::path(post, path = "/platform/tenants/{id}/resume", tag = "platform",
    extensions(("x-coral-permission" = json!("platform")), ("x-coral-audit-action" = json!("tenant.resume"))),
    params(("id" = String, Path, description = "tenant id or handle")),
    responses((status = 200, description = "the tenant, active again", body = PlatformTenantResponse)),
    security(("bearer" = [])))]
pub async fn resume(
    State(app): State<AppState>,
    Platform(audit): Platform,
    Path(id): Path<String>,
) -> Result<Json<PlatformTenantResponse>> {
    let t = platform::set_status(&app, &audit, &id, TenantStatus::Active).await?;
    Ok(answer(&t))
}

/// Deactivates (soft delete): data is kept, the store answers 404, `resume` undoes it.
#[utoipa::path(delete, path = "/platform/tenants/{id}", tag = "platform",
    extensions(("x-coral-permission" = json!("platform")), ("x-coral-audit-action" = json!("tenant.deactivate"))),
    params(("id" = String, Path, description = "tenant id or handle")),
    responses((status = 200, description = "deactivated", body = AdminDeleteResponse)),
    security(("bearer" = [])))]
pub async fn deactivate(
    State(app): State<AppState>,
    Platform(audit): Platform,
    Path(id): Path<String>,
) -> Result<Json<AdminDeleteResponse>> {
    let t = platform::set_status(&app, &audit, &id, TenantStatus::Deactivated).await?;
    Ok(Json(AdminDeleteResponse::new(t.id, "tenant")))
}

/// The tenant's usage since it was created (requests, rate-limited requests, orders,
/// revenue, products, staff, keys, storage) and its effective limits.
#[utoipa::path(get, path = "/platform/tenants/{id}/usage", tag = "platform",
    extensions(("x-coral-permission" = json!("platform"))),
    params(("id" = String, Path, description = "tenant id or handle")),
    responses((status = 200, description = "the usage report", body = UsageResponse), (status = 404, description = "unknown tenant", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn usage(State(app): State<AppState>, _: Platform, Path(id): Path<String>) -> Result<Json<UsageResponse>> {
    let tenant = app
        .directory
        .by_id_or_handle(&id)
        .ok_or_else(|| Error::not_found(format!("Tenant with id: {id} was not found")))?;
    let ctx = TenantCtx {
        db: app.directory.tenant_db(&tenant).await?,
        sales_channel_ids: Default::default(),
        tenant,
    };
    Ok(Json(UsageResponse {
        usage: usage::report(&app, &ctx).await?,
    }))
}
