//! The `email` job: an order confirmation for an `order.placed` event, to the order's
//! email, from the store's sender (or the platform's), rendered from the store's
//! template override (or the platform default). Like a webhook delivery it reads in one
//! short transaction, sends outside any, and records the outcome in a second. A 5xx
//! reply suppresses the address (`email_suppressions`) and ends the job; later jobs to a
//! suppressed address end without sending. Other failures are retried with back-off.

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::Message;
use serde_json::{json, Value};

use crate::app::jobs::run::{dead, finish, retry_or_dead, Ended};
use crate::app::Services;
use crate::core::email::{self, Parts};
use crate::core::Result;
use crate::db::email as rows;
use crate::db::jobs::{self, ClaimedJob, Outcome};
use crate::db::{orders, TenantDb};
use crate::tenancy::Tenant;

/// The template an `order.placed` event is confirmed with.
const ORDER_CONFIRMATION: &str = "order_confirmation";

/// What the job needs, read in one transaction.
struct Prepared {
    to: String,
    from: Option<Mailbox>,
    reply_to: Option<Mailbox>,
    parts: Parts,
    suppressed: bool,
}

/// The template context of an order: what the platform default and previews use.
pub fn order_context(store_name: &str, order: &orders::OrderRow, total: &str) -> Value {
    let items: Vec<Value> = order
        .items
        .0
        .iter()
        .map(|i| {
            json!({
                "title": i.product["title"].as_str().unwrap_or_default(),
                "variant_title": i.product["variant"]["title"].as_str().or(i.product["variant_title"].as_str()).unwrap_or_default(),
                "quantity": i.quantity,
                "unit_price": i.unit_price.to_string(),
            })
        })
        .collect();
    json!({
        "store": { "name": store_name },
        "order": {
            "id": order.id, "display_id": order.display_id, "email": order.email,
            "currency_code": order.currency_code, "total": total, "items": items,
        },
    })
}

/// The store's template `name` (its override, else the platform default), rendered with
/// `ctx`. An override that fails now (it passed the check at save) falls back to the
/// default, logged, so a template never stops a send.
pub fn render_for_store(tenant: &Tenant, name: &str, stored: Option<Parts>, ctx: &Value) -> Option<Parts> {
    if let Some(parts) = stored {
        match email::render(&parts, ctx) {
            Ok(out) => return Some(out),
            Err(e) => {
                tracing::warn!(tenant_id = %tenant.id, template = name, "email template failed, using the default: {e}")
            }
        }
    }
    let default = email::default_template(name)?;
    email::render(&default, ctx).ok()
}

fn mailbox(name: Option<&str>, address: Option<&str>) -> Option<Mailbox> {
    let address = address?.parse().ok()?;
    Some(Mailbox::new(name.map(str::to_owned), address))
}

async fn prepare(tenant: &Tenant, db: &TenantDb, job: &ClaimedJob) -> Result<Option<Prepared>> {
    let mut tx = db.begin().await?;
    let Some(event) = jobs::event(&mut tx, &job.event_id).await? else {
        return Ok(None);
    };
    let order_id = event.payload.0["id"].as_str().unwrap_or_default().to_owned();
    let total = event.payload.0["total"].as_str().unwrap_or_default().to_owned();
    let Some(order) = orders::load(&mut tx, &order_id).await? else {
        return Ok(None);
    };
    let Some(to) = order.email.clone().filter(|e| !e.trim().is_empty()) else {
        return Ok(None);
    };
    let settings = rows::settings(&mut tx).await?;
    let stored = rows::template(&mut tx, ORDER_CONFIRMATION).await?.map(|t| t.parts());
    let suppressed = rows::is_suppressed(&mut tx, &to).await?;
    tx.commit().await?;
    let ctx = order_context(&tenant.name, &order, &total);
    let Some(parts) = render_for_store(tenant, ORDER_CONFIRMATION, stored, &ctx) else {
        return Ok(None);
    };
    Ok(Some(Prepared {
        to,
        from: mailbox(settings.from_name.as_deref(), settings.from_address.as_deref()),
        reply_to: mailbox(None, settings.reply_to.as_deref()),
        parts,
        suppressed,
    }))
}

fn compose(p: &Prepared, default_from: &Mailbox) -> std::result::Result<Message, String> {
    let to: Mailbox = p.to.parse().map_err(|e| format!("recipient {}: {e}", p.to))?;
    let mut builder = Message::builder()
        .from(p.from.clone().unwrap_or_else(|| default_from.clone()))
        .to(to)
        .subject(p.parts.subject.clone());
    if let Some(r) = &p.reply_to {
        builder = builder.reply_to(r.clone());
    }
    builder
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(p.parts.text.clone()),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(p.parts.html.clone()),
                ),
        )
        .map_err(|e| e.to_string())
}

/// Runs an `email` job of `tenant`.
pub async fn send(app: &Services, tenant: &Tenant, db: &TenantDb, job: ClaimedJob) -> Result<Ended> {
    let Some(mailer) = app.jobs.mailer.as_ref() else {
        return dead(db, &job.id, "no SMTP relay is configured").await;
    };
    let Some(prepared) = prepare(tenant, db, &job).await? else {
        // No order, no address or no template: nothing to send.
        finish(db, &job.id, Outcome::Done).await?;
        return Ok(Ended::Done);
    };
    if prepared.suppressed {
        tracing::info!(tenant_id = %tenant.id, job_id = %job.id, "email skipped: the address bounced before");
        finish(db, &job.id, Outcome::Done).await?;
        return Ok(Ended::Done);
    }
    let message = match compose(&prepared, &mailer.default_from) {
        Ok(m) => m,
        Err(error) => return dead(db, &job.id, &error).await,
    };
    let sent = mailer.send(message).await;
    let mut tx = db.begin().await?;
    let ended = match sent {
        Ok(()) => {
            jobs::finish(&mut tx, &job.id, Outcome::Done).await?;
            Ended::Done
        }
        Err(f) if f.permanent => {
            tracing::warn!(tenant_id = %tenant.id, job_id = %job.id, "email bounced, address suppressed: {}", f.message);
            rows::suppress(&mut tx, &prepared.to, &f.message).await?;
            jobs::finish(&mut tx, &job.id, Outcome::Dead { error: &f.message }).await?;
            Ended::Dead
        }
        Err(f) => retry_or_dead(&mut tx, &app.config.jobs, &job, &f.message).await?,
    };
    tx.commit().await?;
    Ok(ended)
}
