//! Platform use cases: provisioning and managing tenants and placements. Shared by the
//! `/platform` API and the `coral tenant` commands.

use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;
use sqlx::types::Json;

use crate::adapters::auth;
use crate::app::App;
use crate::core::ids::TenantId;
use crate::core::names::{
    parse_country, parse_currency, parse_domain, parse_email, parse_locale, parse_store_name, Handle,
};
use crate::core::plans::{check_feature_names, Overrides, Plan};
use crate::core::roles::Role;
use crate::core::settings::TenantSettings;
use crate::core::{Error, Result};
use crate::db::api_keys::{self, NewKey};
use crate::db::audit::{self, Audit};
use crate::db::tenants;
use crate::db::{migrate, placements, staff, TenantTx, SHARED_PLACEMENT};
use crate::tenancy::quota::{self, Quota};
use crate::tenancy::TenantStatus;

/// A tenant as the platform use cases answer it.
pub use crate::db::tenants::TenantRow;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTenant {
    /// Lowercase DNS label; the tenant's subdomain under `CORAL_BASE_DOMAIN`.
    pub handle: String,
    pub name: String,
    /// ISO 4217, default `usd`.
    pub default_currency_code: Option<String>,
    /// BCP 47, default `en-US`.
    pub default_locale: Option<String>,
    pub default_country_code: Option<String>,
    /// Custom domains that resolve to this store.
    #[serde(default)]
    pub domains: Vec<String>,
    pub settings: Option<TenantSettings>,
    #[serde(default, deserialize_with = "crate::core::metadata::object")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    /// Whether storefronts may name the store with the `x-tenant-id` header.
    pub allow_tenant_header: Option<bool>,
    /// The placement (database) to put the tenant in; default the shared one.
    pub placement_id: Option<String>,
    /// The first staff user, a `tenant_admin`.
    pub admin: Option<NewAdmin>,
    /// Default: `CORAL_DEFAULT_PLAN`.
    pub plan_id: Option<String>,
    /// Limits and feature flags that win over the plan's.
    pub overrides: Option<Overrides>,
    /// Give this tenant its own series in `/metrics`.
    pub detailed_metrics: Option<bool>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAdmin {
    pub email: String,
    pub password: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// `tenant_admin` (default), or `platform_admin` for a platform operator's account.
    pub role: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTenant {
    pub name: Option<String>,
    pub default_currency_code: Option<String>,
    pub default_locale: Option<String>,
    pub default_country_code: Option<String>,
    /// Replaces the custom domains.
    pub domains: Option<Vec<String>>,
    /// Replaces the settings.
    pub settings: Option<TenantSettings>,
    #[serde(default, deserialize_with = "crate::core::metadata::object")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    pub allow_tenant_header: Option<bool>,
    /// Moves the tenant to another plan.
    pub plan_id: Option<String>,
    /// Replaces the tenant's overrides of its plan's limits and flags.
    pub overrides: Option<Overrides>,
    pub detailed_metrics: Option<bool>,
}

/// What provisioning created.
pub struct Provisioned {
    pub tenant: TenantRow,
    pub sales_channel_id: String,
    pub publishable_key: NewKey,
    pub admin_user_id: Option<String>,
}

fn parse_domains(domains: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = domains.iter().map(|d| parse_domain(d)).collect::<Result<_>>()?;
    out.sort();
    out.dedup();
    Ok(out)
}

/// A plan that exists (the directory holds every plan).
fn find_plan(app: &App, id: &str) -> Result<std::sync::Arc<Plan>> {
    app.directory
        .plan(id)
        .ok_or_else(|| Error::invalid(format!("Unknown plan '{id}'")))
}

fn check_overrides(o: Overrides) -> Result<Overrides> {
    check_feature_names(o.features.keys())?;
    Ok(Overrides {
        limits: o.limits.validate()?,
        features: o.features,
    })
}

fn overrides_json(o: &Overrides) -> Result<Json<Value>> {
    Ok(Json(serde_json::to_value(o).map_err(anyhow::Error::from)?))
}

/// Creates the tenant, its default sales channel, a publishable key for it and
/// optionally its first staff user — all or nothing.
pub async fn create_tenant(app: &App, audit: &Arc<Audit>, input: CreateTenant) -> Result<Provisioned> {
    let handle = Handle::parse(&input.handle)?;
    let currency = parse_currency(input.default_currency_code.as_deref().unwrap_or("usd"))?;
    let locale = parse_locale(input.default_locale.as_deref().unwrap_or("en-US"))?;
    let country = input.default_country_code.as_deref().map(parse_country).transpose()?;
    let settings = input.settings.unwrap_or_default().validate()?;
    let domains = parse_domains(&input.domains)?;
    let placement_id = input.placement_id.unwrap_or_else(|| SHARED_PLACEMENT.to_owned());
    let plan = find_plan(app, input.plan_id.as_deref().unwrap_or(&app.config.default_plan))?;
    let overrides = check_overrides(input.overrides.unwrap_or_default())?;
    let limits = plan.limits.with(&overrides.limits);
    app.control.check_codes(&currency, country.as_deref()).await?;
    let admin = match &input.admin {
        Some(a) => {
            let role = match a.role.as_deref().map(Role::parse) {
                None => Role::TenantAdmin,
                Some(Some(r @ (Role::TenantAdmin | Role::PlatformAdmin))) => r,
                Some(_) => return Err(Error::invalid("admin.role must be tenant_admin or platform_admin")),
            };
            let email = parse_email(&a.email)?;
            auth::check_password_policy(&a.password)?;
            Some((email, auth::hash_password(&a.password).await?, role))
        }
        None => None,
    };
    // Resolve the placement before writing anything: an unknown one is the caller's error.
    let placement_pool = app
        .platform()
        .placement(&placement_id)
        .await
        .map_err(|_| Error::invalid(format!("Unknown placement '{placement_id}'")))?;

    let id = TenantId::generate();
    let now = chrono::Utc::now();
    let mut row = TenantRow {
        id: id.as_str().to_owned(),
        handle: handle.as_str().to_owned(),
        name: parse_store_name(&input.name)?,
        status: tenants::PROVISIONING.to_owned(),
        placement_id: placement_id.clone(),
        default_currency_code: currency,
        default_locale: locale,
        default_country_code: country,
        allow_tenant_header: input.allow_tenant_header.unwrap_or(false),
        settings: Json(serde_json::to_value(&settings).map_err(anyhow::Error::from)?),
        metadata: input.metadata.map(Json),
        created_at: now,
        updated_at: now,
        deactivated_at: None,
        plan_id: plan.id.clone(),
        overrides: overrides_json(&overrides)?,
        detailed_metrics: input.detailed_metrics.unwrap_or(false),
        domains,
    };

    // Provisioning writes as two roles — the control rows as the schema owner, the
    // store's own rows as coral_app under its row level security — so it runs as three
    // transactions, one role each (Citus refuses a transaction whose writes switch
    // roles, docs/citus-findings.md): 1. the control rows, the store `provisioning` (not
    // served); 2. the store's rows in its placement; 3. `active`, and the audit record
    // of both. A failure in 2 removes what 1 wrote; a crash between them leaves a
    // `provisioning` store that the next start removes ([`remove_unfinished_tenants`]).
    let control_pool = app.platform().control().clone();
    let mut control = control_pool.begin().await?;
    audit::capture_on(&mut control).await?;
    tenants::insert(&mut control, &row).await?;
    tenants::replace_domains(&mut control, &row.id, &row.domains).await?;
    let mut changes = audit::captured(&mut control).await?;
    control.commit().await?;

    let populated = async {
        if placement_id != SHARED_PLACEMENT {
            // The foreign-key anchor of the store's rows in its own database.
            let mut anchor = placement_pool.begin().await?;
            tenants::insert_anchor(&mut anchor, &row).await?;
            anchor.commit().await?;
        }
        let mut tx = TenantTx::enter_capturing(placement_pool.begin().await?, id.clone()).await?;
        quota::check(&mut tx, &limits, Quota::PublishableKeys, 1).await?;
        if admin.is_some() {
            quota::check(&mut tx, &limits, Quota::Staff, 1).await?;
        }
        let sc = api_keys::insert_sales_channel(&mut tx, "Default Sales Channel", true).await?;
        let key =
            api_keys::insert_publishable(&mut tx, "Default Publishable API Key", std::slice::from_ref(&sc)).await?;
        let user = match &admin {
            Some((email, hash, role)) => {
                let new = staff::NewStaff {
                    email,
                    password_hash: hash,
                    first_name: input.admin.as_ref().and_then(|a| a.first_name.as_deref()),
                    last_name: input.admin.as_ref().and_then(|a| a.last_name.as_deref()),
                    role: role.as_str(),
                };
                Some(staff::insert(&mut tx, &new).await?)
            }
            None => None,
        };
        let own_changes = tx.take_captured().await?;
        tx.commit().await?;
        Ok::<_, Error>((sc, key, user, own_changes))
    }
    .await;
    let (sc, key, user) = match populated {
        Ok((sc, key, user, own_changes)) => {
            // Both kinds of captured lines end in a newline (the trigger's and take_staged's).
            changes.push_str(&own_changes);
            (sc, key, user)
        }
        Err(e) => {
            if let Err(undo) = remove_unfinished(app.platform(), &row.id, &placement_id).await {
                tracing::warn!(tenant_id = %row.id, error = %undo, "could not remove a failed provisioning; the next start will");
            }
            return Err(e);
        }
    };
    let mut done = control_pool.begin().await?;
    tenants::activate(&mut done, &row.id).await?;
    tenants::notify_changed(&mut done, &row.id).await?;
    audit::carry(&mut done, &changes).await?;
    let record_id = audit::new_audit_id();
    let captured = audit::Captured {
        audit_id: &record_id,
        staged: None,
        control: true,
    };
    let recorded = audit::record(&mut done, Some(&row.id), captured, audit).await?;
    done.commit().await?;
    if recorded {
        audit.mark_recorded();
    }
    row.status = TenantStatus::Active.as_str().to_owned();
    app.directory.reload(&row.id).await?;
    tracing::info!(tenant_id = %row.id, handle = %row.handle, "tenant provisioned");
    Ok(Provisioned {
        tenant: row,
        sales_channel_id: sc,
        publishable_key: key,
        admin_user_id: user,
    })
}

/// How long a store may stay `provisioning` before start-up treats it as left behind by
/// a crash: far above one provisioning's time (tens of milliseconds), so a start beside a
/// running process never removes a store that process is still creating.
const UNFINISHED_AFTER: std::time::Duration = std::time::Duration::from_secs(300);

/// Removes every store that a crash left half-provisioned (see [`create_tenant`]): its
/// first rows in its placement, then its control rows. Run at start-up; returns how many.
pub async fn remove_unfinished_tenants(platform: &crate::db::PlatformDb) -> Result<usize> {
    let left = tenants::unfinished(platform.control(), UNFINISHED_AFTER).await?;
    for (id, placement_id) in &left {
        remove_unfinished(platform, id, placement_id).await?;
        tracing::warn!(tenant_id = %id, "removed a store whose provisioning was interrupted");
    }
    Ok(left.len())
}

/// The store's first rows (in its scope, as coral_app), its anchor in a dedicated
/// placement, then its control rows: each step its own transaction and role.
async fn remove_unfinished(platform: &crate::db::PlatformDb, id: &str, placement_id: &str) -> Result<()> {
    let pool = platform.placement(placement_id).await?;
    let tenant = TenantId::from_trusted(id.to_owned());
    let mut tx = TenantTx::enter(pool.begin().await?, tenant).await?;
    tenants::remove_first_rows(&mut tx).await?;
    tx.commit().await?;
    if placement_id != SHARED_PLACEMENT {
        let mut conn = pool.acquire().await?;
        tenants::remove_anchor(&mut conn, id).await?;
    }
    let mut conn = platform.control().acquire().await?;
    tenants::remove_unfinished(&mut conn, id).await
}

/// By id or handle; 404 when unknown.
pub async fn get_tenant(app: &App, id_or_handle: &str) -> Result<TenantRow> {
    let mut conn = app.platform().control().acquire().await?;
    tenants::find(&mut conn, id_or_handle)
        .await?
        .ok_or_else(|| Error::not_found(format!("Tenant with id: {id_or_handle} was not found")))
}

pub async fn list_tenants(app: &App, status: Option<&str>, limit: i64, offset: i64) -> Result<(Vec<TenantRow>, i64)> {
    if let Some(s) = status {
        TenantStatus::parse(s)
            .ok_or_else(|| Error::invalid(format!("Invalid status '{s}': use active, suspended or deactivated")))?;
    }
    tenants::list(app.platform().control(), status, limit, offset).await
}

/// Loads the tenant for update, lets `change` edit it, writes it back and announces it.
async fn modify(
    app: &App,
    audit: &Arc<Audit>,
    id_or_handle: &str,
    change: impl FnOnce(&mut TenantRow) -> Result<bool>,
) -> Result<TenantRow> {
    let mut tx = app.platform().begin_audited(audit).await?;
    let mut row = tenants::find_for_update(&mut tx, id_or_handle)
        .await?
        .ok_or_else(|| Error::not_found(format!("Tenant with id: {id_or_handle} was not found")))?;
    let domains_before = row.domains.clone();
    if change(&mut row)? {
        tenants::update(&mut tx, &row).await?;
        if row.domains != domains_before {
            tenants::replace_domains(&mut tx, &row.id, &row.domains).await?;
        }
        tenants::notify_changed(&mut tx, &row.id).await?;
        tx.commit().await?;
        app.directory.reload(&row.id).await?;
    }
    get_tenant(app, &row.id).await
}

pub async fn update_tenant(
    app: &App,
    audit: &Arc<Audit>,
    id_or_handle: &str,
    input: UpdateTenant,
) -> Result<TenantRow> {
    let name = input.name.as_deref().map(parse_store_name).transpose()?;
    let currency = input.default_currency_code.as_deref().map(parse_currency).transpose()?;
    let locale = input.default_locale.as_deref().map(parse_locale).transpose()?;
    let country = input.default_country_code.as_deref().map(parse_country).transpose()?;
    let domains = input.domains.as_deref().map(parse_domains).transpose()?;
    let settings = input.settings.map(TenantSettings::validate).transpose()?;
    let plan_id = input.plan_id.as_deref().map(|p| find_plan(app, p)).transpose()?;
    let overrides = input.overrides.map(check_overrides).transpose()?;
    if let Some(c) = &currency {
        app.control.check_codes(c, country.as_deref()).await?;
    } else if let Some(c) = &country {
        app.control.check_codes("usd", Some(c)).await?;
    }
    modify(app, audit, id_or_handle, |row| {
        if let Some(v) = name {
            row.name = v;
        }
        if let Some(v) = currency {
            row.default_currency_code = v;
        }
        if let Some(v) = locale {
            row.default_locale = v;
        }
        if let Some(v) = country {
            row.default_country_code = Some(v);
        }
        if let Some(v) = domains {
            row.domains = v;
        }
        if let Some(v) = settings {
            row.settings = Json(serde_json::to_value(v).map_err(anyhow::Error::from)?);
        }
        if let Some(v) = input.metadata {
            row.metadata = Some(Json(v));
        }
        if let Some(v) = input.allow_tenant_header {
            row.allow_tenant_header = v;
        }
        if let Some(p) = plan_id {
            row.plan_id = p.id.clone();
        }
        if let Some(o) = &overrides {
            row.overrides = overrides_json(o)?;
        }
        if let Some(v) = input.detailed_metrics {
            row.detailed_metrics = v;
        }
        Ok(true)
    })
    .await
}

/// Moves the tenant to `to`. Suspending a deactivated tenant is refused; resuming
/// reactivates from either state. Setting the current state again changes nothing.
pub async fn set_status(app: &App, audit: &Arc<Audit>, id_or_handle: &str, to: TenantStatus) -> Result<TenantRow> {
    modify(app, audit, id_or_handle, |row| {
        let from = TenantStatus::parse(&row.status).unwrap_or(TenantStatus::Deactivated);
        if from == to {
            return Ok(false);
        }
        if from == TenantStatus::Deactivated && to == TenantStatus::Suspended {
            return Err(Error::Conflict(
                "A deactivated store cannot be suspended; resume it first".into(),
            ));
        }
        row.status = to.as_str().to_owned();
        row.deactivated_at = (to == TenantStatus::Deactivated).then(chrono::Utc::now);
        Ok(true)
    })
    .await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePlacement {
    /// A unique name, e.g. `eu-dedicated-1`.
    pub name: String,
    /// `postgres://user:password@host:port/database`; the database must exist.
    pub url: String,
}

/// Registers a database as a placement after checking it can be reached and migrating it.
pub async fn create_placement(app: &App, audit: &Arc<Audit>, input: CreatePlacement) -> Result<placements::Placement> {
    let name = parse_store_name(&input.name)?;
    let opts: sqlx::postgres::PgConnectOptions = input
        .url
        .parse()
        .map_err(|_| Error::invalid("url is not a valid postgres:// URL"))?;
    let pool = placements::pool_options(2)
        .acquire_timeout(std::time::Duration::from_secs(5))
        .connect_with(opts)
        .await
        .map_err(|_| Error::invalid("Cannot connect to the placement's database"))?;
    let migrated = migrate::migrate(&pool).await;
    pool.close().await;
    migrated.map_err(|e| Error::Internal(e.context("migrating the new placement")))?;
    let mut tx = app.platform().begin_audited(audit).await?;
    let placement = placements::insert(&mut tx, &name, &input.url).await?;
    tx.commit().await?;
    Ok(placement)
}

/// A URL with its password masked, for responses and logs.
pub fn mask_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let cred = &url[s + 3..at];
            match cred.split_once(':') {
                Some((user, _)) => format!("{}{user}:****{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn urls_are_masked() {
        assert_eq!(
            super::mask_url("postgres://u:secret@h:5432/db"),
            "postgres://u:****@h:5432/db"
        );
        assert_eq!(super::mask_url("postgres://u@h/db"), "postgres://u@h/db");
    }
}
