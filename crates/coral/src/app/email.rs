//! A store's transactional email (`/admin/email-settings`, `/admin/email-templates`):
//! its sender (from name and address, reply-to; the platform's `CORAL_EMAIL_FROM`
//! where unset) and its overrides of the platform templates, checked when saved and
//! previewed against a sample order. Sending is a job (`app::jobs::email`).

use serde::Deserialize;

use crate::app::Services;
use crate::core::email::{self, Parts, TEMPLATE_NAMES};
use crate::core::{Error, Result};
use crate::db::email as rows;
use crate::tenancy::TenantCtx;

/// The sender settings and template overrides the email use cases answer.
pub use crate::db::email::{SettingsRow, TemplateRow};

/// Fields to change; an absent one stays, an empty string clears it.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSettings {
    /// Display name of the sender, e.g. the store's name.
    pub from_name: Option<String>,
    /// Sender address; unset: the platform's `CORAL_EMAIL_FROM`.
    pub from_address: Option<String>,
    /// Where customers' replies go.
    pub reply_to: Option<String>,
}

/// A template's parts as stored or previewed.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateInput {
    /// One line; minijinja.
    pub subject: String,
    /// The HTML part; minijinja with HTML autoescape.
    pub html: String,
    /// The plain-text part; minijinja.
    pub text: String,
}

impl From<TemplateInput> for Parts {
    fn from(t: TemplateInput) -> Self {
        Parts {
            subject: t.subject,
            html: t.html,
            text: t.text,
        }
    }
}

/// The store's sender settings and the platform's default sender.
pub async fn settings(app: &Services, ctx: &TenantCtx) -> Result<(SettingsRow, String)> {
    let mut tx = ctx.db.begin().await?;
    let row = rows::settings(&mut tx).await?;
    tx.commit().await?;
    Ok((row, app.config.jobs.email_from.clone()))
}

const MAX_NAME: usize = 200;

fn clean(value: Option<String>, current: Option<String>) -> Option<String> {
    match value {
        None => current,
        Some(v) if v.trim().is_empty() => None,
        Some(v) => Some(v.trim().to_owned()),
    }
}

fn check_address(field: &str, value: &Option<String>) -> Result<()> {
    if let Some(v) = value {
        if v.len() > 254 || v.parse::<lettre::Address>().is_err() {
            return Err(Error::invalid(format!("{field} must be an email address")));
        }
    }
    Ok(())
}

/// Changes the store's sender; addresses must parse, the name fit one header line.
pub async fn update_settings(app: &Services, ctx: &TenantCtx, input: UpdateSettings) -> Result<(SettingsRow, String)> {
    let mut tx = ctx.db.begin().await?;
    let current = rows::settings(&mut tx).await?;
    let next = SettingsRow {
        from_name: clean(input.from_name, current.from_name),
        from_address: clean(input.from_address, current.from_address),
        reply_to: clean(input.reply_to, current.reply_to),
        updated_at: None,
    };
    if let Some(name) = &next.from_name {
        if name.len() > MAX_NAME || name.chars().any(char::is_control) {
            return Err(Error::invalid(format!(
                "from_name must be one line of at most {MAX_NAME} characters"
            )));
        }
    }
    check_address("from_address", &next.from_address)?;
    check_address("reply_to", &next.reply_to)?;
    rows::save_settings(&mut tx, &next).await?;
    let row = rows::settings(&mut tx).await?;
    tx.commit().await?;
    Ok((row, app.config.jobs.email_from.clone()))
}

fn known(name: &str) -> Result<Parts> {
    email::default_template(name).ok_or_else(|| {
        Error::not_found(format!(
            "Email template with name: {name} was not found; templates: {}",
            TEMPLATE_NAMES.join(", ")
        ))
    })
}

/// The store's template `name`: its override if any (with `updated_at`), else the default.
pub async fn template(ctx: &TenantCtx, name: &str) -> Result<(Parts, Option<TemplateRow>)> {
    let default = known(name)?;
    let mut tx = ctx.db.begin().await?;
    let stored = rows::template(&mut tx, name).await?;
    tx.commit().await?;
    Ok((stored.as_ref().map_or(default, TemplateRow::parts), stored))
}

/// Stores an override of `name` after rendering it against the sample order: a broken
/// template is refused here (400), never found at send time.
pub async fn save_template(ctx: &TenantCtx, name: &str, input: TemplateInput) -> Result<(Parts, Option<TemplateRow>)> {
    known(name)?;
    let parts: Parts = input.into();
    email::check(&parts).map_err(|e| Error::invalid(format!("Template {name} does not render: {e}")))?;
    let mut tx = ctx.db.begin().await?;
    rows::save_template(&mut tx, name, &parts).await?;
    let stored = rows::template(&mut tx, name).await?;
    tx.commit().await?;
    Ok((parts, stored))
}

/// Removes the override of `name`; whether there was one.
pub async fn delete_template(ctx: &TenantCtx, name: &str) -> Result<bool> {
    known(name)?;
    let mut tx = ctx.db.begin().await?;
    let deleted = rows::delete_template(&mut tx, name).await?;
    tx.commit().await?;
    Ok(deleted)
}

/// Parts to preview; an absent one is the store's current (override or default).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewInput {
    pub subject: Option<String>,
    pub html: Option<String>,
    pub text: Option<String>,
}

/// Renders the store's template `name`, with any parts of `input` in place of its
/// own, against the sample order. Nothing is stored.
pub async fn preview(ctx: &TenantCtx, name: &str, input: PreviewInput) -> Result<Parts> {
    let current = template(ctx, name).await?.0;
    let parts = Parts {
        subject: input.subject.unwrap_or(current.subject),
        html: input.html.unwrap_or(current.html),
        text: input.text.unwrap_or(current.text),
    };
    email::check(&parts).map_err(|e| Error::invalid(format!("Template {name} does not render: {e}")))?;
    email::render(&parts, &email::sample_context(&ctx.tenant.name))
        .map_err(|e| Error::invalid(format!("Template {name} does not render: {e}")))
}

/// The demo's email: sender `"{name}" <orders@{handle}.test>` with a reply-to, and for
/// `acme` an overridden order confirmation. Set once (a store's own changes stay).
/// Returns the sender and whether the store overrides the template.
pub async fn demo(ctx: &TenantCtx, handle: &str, name: &str) -> Result<(String, bool)> {
    let mut tx = ctx.db.begin().await?;
    let current = rows::settings(&mut tx).await?;
    if current.from_address.is_none() {
        let row = SettingsRow {
            from_name: Some(name.to_owned()),
            from_address: Some(format!("orders@{handle}.test")),
            reply_to: Some(format!("help@{handle}.test")),
            updated_at: None,
        };
        rows::save_settings(&mut tx, &row).await?;
        if handle == "acme" {
            let parts = Parts {
                subject: "{{ store.name }}: order #{{ order.display_id }} is on its way to the packing table".into(),
                html: DEMO_ACME_HTML.into(),
                text: "Hello from {{ store.name }}!\n\nOrder #{{ order.display_id }}:\n{% for i in order.items %}- {{ i.quantity }} x {{ i.title }}\n{% endfor %}Total {{ order.total }} {{ order.currency_code | upper }}\n".into(),
            };
            rows::save_template(&mut tx, "order_confirmation", &parts).await?;
        }
    }
    let row = rows::settings(&mut tx).await?;
    let overridden = rows::template(&mut tx, "order_confirmation").await?.is_some();
    tx.commit().await?;
    let sender = format!(
        "{} <{}>",
        row.from_name.unwrap_or_default(),
        row.from_address.unwrap_or_default()
    );
    Ok((sender, overridden))
}

const DEMO_ACME_HTML: &str = r#"<div style="font-family: sans-serif; border-top: 6px solid #e4572e">
<h2>Hello from {{ store.name }}!</h2>
<p>Order <b>#{{ order.display_id }}</b>:</p>
<ul>{% for i in order.items %}<li>{{ i.quantity }} × {{ i.title }}</li>{% endfor %}</ul>
<p>Total <b>{{ order.total }} {{ order.currency_code | upper }}</b></p>
</div>"#;
