//! A store's webhooks (`/admin/webhooks`): endpoints with their event types and signing
//! secret (shown once, at creation; stored sealed), enable/disable, the delivery log and
//! manual redelivery. Delivery itself is a job (`app::jobs`).

use serde::Deserialize;

use crate::app::jobs::run::secret_name;
use crate::app::Services;
use crate::core::webhooks::new_secret;
use crate::core::{events, ids::new_id, Error, Result};
use crate::db::jobs;
use crate::db::webhooks::{self, EndpointFields};
use crate::tenancy::TenantCtx;

/// Endpoints and deliveries as the webhook use cases answer them.
pub use crate::db::webhooks::{DeliveryRow, EndpointRow};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEndpoint {
    /// Where deliveries are POSTed (http or https, public address).
    pub url: String,
    /// Event names from the catalogue (`GET /admin/webhooks/event-types`), or `*` for all.
    pub event_types: Vec<String>,
    pub description: Option<String>,
    /// Default true.
    pub enabled: Option<bool>,
}

/// Fields to change; absent ones stay. Enabling a disabled endpoint resets its failures.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateEndpoint {
    pub url: Option<String>,
    pub event_types: Option<Vec<String>>,
    pub description: Option<String>,
    pub enabled: Option<bool>,
}

fn not_found(id: &str) -> Error {
    Error::not_found(format!("Webhook with id: {id} was not found"))
}

const MAX_URL: usize = 2048;
const MAX_DESCRIPTION: usize = 500;

async fn check_url(app: &Services, url: &str) -> Result<String> {
    let url = url.trim();
    if url.is_empty() || url.len() > MAX_URL {
        return Err(Error::invalid(format!("url must be 1 to {MAX_URL} characters")));
    }
    app.jobs.sender.check_url(url).await.map_err(Error::invalid)?;
    Ok(url.to_owned())
}

fn check_types(types: &[String]) -> Result<Vec<String>> {
    if types.is_empty() || types.len() > 100 {
        return Err(Error::invalid("event_types must list 1 to 100 event names"));
    }
    let mut out: Vec<String> = Vec::new();
    for t in types {
        if t != "*" && events::find(t).is_none() {
            return Err(Error::invalid(format!(
                "Unknown event type '{t}'; see GET /admin/webhooks/event-types"
            )));
        }
        if !out.contains(t) {
            out.push(t.clone());
        }
    }
    Ok(out)
}

fn check_description(d: Option<String>) -> Result<Option<String>> {
    match d {
        Some(d) if d.len() > MAX_DESCRIPTION => Err(Error::invalid(format!(
            "description must be at most {MAX_DESCRIPTION} characters"
        ))),
        d => Ok(d),
    }
}

/// Creates an endpoint; returns it and its signing secret (`whsec_…`), shown this once.
pub async fn create(app: &Services, ctx: &TenantCtx, input: CreateEndpoint) -> Result<(EndpointRow, String)> {
    let url = check_url(app, &input.url).await?;
    let types = check_types(&input.event_types)?;
    let description = check_description(input.description)?;
    let id = new_id("wh");
    let secret = new_secret();
    let sealed = app.sealer.seal(&ctx.tenant.id, &secret_name(&id), &secret);
    let fields = EndpointFields {
        url: &url,
        description: description.as_deref(),
        event_types: &types,
        enabled: input.enabled.unwrap_or(true),
    };
    let mut tx = ctx.db.begin().await?;
    webhooks::insert(&mut tx, &id, &fields, &sealed).await?;
    let row = webhooks::get(&mut tx, &id).await?.ok_or_else(|| not_found(&id))?;
    tx.commit().await?;
    Ok((row, secret))
}

pub async fn update(app: &Services, ctx: &TenantCtx, id: &str, input: UpdateEndpoint) -> Result<EndpointRow> {
    let mut tx = ctx.db.begin().await?;
    let current = webhooks::get(&mut tx, id).await?.ok_or_else(|| not_found(id))?;
    let url = match input.url {
        Some(u) => check_url(app, &u).await?,
        None => current.url,
    };
    let types = match input.event_types {
        Some(t) => check_types(&t)?,
        None => current.event_types,
    };
    let description = match input.description {
        Some(d) => check_description(Some(d))?,
        None => current.description,
    };
    let fields = EndpointFields {
        url: &url,
        description: description.as_deref(),
        event_types: &types,
        enabled: input.enabled.unwrap_or(current.enabled),
    };
    webhooks::update(&mut tx, id, &fields).await?;
    let row = webhooks::get(&mut tx, id).await?.ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    Ok(row)
}

pub async fn get(ctx: &TenantCtx, id: &str) -> Result<EndpointRow> {
    let mut tx = ctx.db.begin().await?;
    let row = webhooks::get(&mut tx, id).await?.ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    Ok(row)
}

pub async fn list(ctx: &TenantCtx, limit: i64, offset: i64) -> Result<(Vec<EndpointRow>, i64)> {
    let mut tx = ctx.db.begin().await?;
    let page = webhooks::list(&mut tx, limit, offset).await?;
    tx.commit().await?;
    Ok(page)
}

/// Deletes the endpoint with its pending jobs and delivery log.
pub async fn delete(ctx: &TenantCtx, id: &str) -> Result<()> {
    let mut tx = ctx.db.begin().await?;
    if !webhooks::delete(&mut tx, id).await? {
        return Err(not_found(id));
    }
    tx.commit().await
}

pub async fn deliveries(ctx: &TenantCtx, id: &str, limit: i64, offset: i64) -> Result<(Vec<DeliveryRow>, i64)> {
    let mut tx = ctx.db.begin().await?;
    webhooks::get(&mut tx, id).await?.ok_or_else(|| not_found(id))?;
    let page = webhooks::deliveries(&mut tx, id, limit, offset).await?;
    tx.commit().await?;
    Ok(page)
}

/// Queues the event of a logged delivery for sending again (same `webhook-id`);
/// returns the new job's id. The endpoint must be enabled.
pub async fn redeliver(app: &Services, ctx: &TenantCtx, id: &str, delivery_id: &str) -> Result<String> {
    let mut tx = ctx.db.begin().await?;
    let endpoint = webhooks::get(&mut tx, id).await?.ok_or_else(|| not_found(id))?;
    let event_id = webhooks::delivery_event(&mut tx, id, delivery_id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Delivery with id: {delivery_id} was not found")))?;
    if !endpoint.enabled {
        return Err(Error::invalid("The webhook is disabled; enable it before redelivering"));
    }
    let job = jobs::enqueue_redelivery(&mut tx, &event_id, id, app.config.jobs.max_attempts).await?;
    tx.commit().await?;
    app.jobs.wake(&ctx.tenant.id);
    Ok(job)
}
