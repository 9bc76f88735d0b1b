//! `/admin/email-settings` and `/admin/email-templates/{name}`: the store's sender and
//! its overrides of the platform's email templates, with previews.

use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Value};

use crate::app::email::{self, PreviewInput, TemplateInput, UpdateSettings};
use crate::core::email::Parts;
use crate::core::roles::Permission::{SettingsRead, SettingsWrite};
use crate::core::Result;
use crate::db::email::{SettingsRow, TemplateRow};
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, Staff};

fn settings_json(app: &AppState, row: &SettingsRow, default_from: &str) -> Value {
    json!({ "email_settings": {
        "object": "email_settings", "from_name": row.from_name, "from_address": row.from_address,
        "reply_to": row.reply_to, "default_from": default_from,
        "smtp_configured": app.jobs.mailer.is_some(), "updated_at": row.updated_at,
    }})
}

fn template_json(name: &str, parts: &Parts, stored: Option<&TemplateRow>) -> Value {
    json!({ "email_template": {
        "id": name, "object": "email_template", "name": name, "subject": parts.subject,
        "html": parts.html, "text": parts.text, "overridden": stored.is_some(),
        "updated_at": stored.map(|s| s.updated_at),
    }})
}

/// The store's sender: from name and address, reply-to, and the platform default
/// used where they are unset.
#[utoipa::path(get, path = "/admin/email-settings", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsRead))),
    responses((status = 200, description = "{ email_settings }")), security(("bearer" = [])))]
pub async fn get_settings(State(app): State<AppState>, Staff(actor): Staff) -> Result<Json<Value>> {
    let (row, default_from) = email::settings(&app, &actor.ctx).await?;
    Ok(Json(settings_json(&app, &row, &default_from)))
}

/// Changes the sender; an absent field stays, an empty string clears it.
#[utoipa::path(post, path = "/admin/email-settings", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("email_settings.update"))),
    request_body = UpdateSettings,
    responses((status = 200, description = "{ email_settings }"), (status = 400, description = "not an email address", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_settings(
    State(app): State<AppState>,
    Staff(actor): Staff,
    JsonBody(body): JsonBody<UpdateSettings>,
) -> Result<Json<Value>> {
    let (row, default_from) = email::update_settings(&app, &actor.ctx, body).await?;
    Ok(Json(settings_json(&app, &row, &default_from)))
}

/// The store's template: its override, or the platform default (`overridden: false`).
#[utoipa::path(get, path = "/admin/email-templates/{name}", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsRead))),
    params(("name" = String, Path)),
    responses((status = 200, description = "{ email_template }"), (status = 404, description = "unknown template", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_template(Staff(actor): Staff, Path(name): Path<String>) -> Result<Json<Value>> {
    let (parts, stored) = email::template(&actor.ctx, &name).await?;
    Ok(Json(template_json(&name, &parts, stored.as_ref())))
}

/// Overrides the platform template; refused (400) unless it renders the sample order.
#[utoipa::path(post, path = "/admin/email-templates/{name}", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("email_template.update"))),
    params(("name" = String, Path)),
    request_body = TemplateInput,
    responses((status = 200, description = "{ email_template }"), (status = 400, description = "the template does not render", body = ErrorBody),
              (status = 404, description = "unknown template", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn save_template(
    Staff(actor): Staff,
    Path(name): Path<String>,
    JsonBody(body): JsonBody<TemplateInput>,
) -> Result<Json<Value>> {
    let (parts, stored) = email::save_template(&actor.ctx, &name, body).await?;
    Ok(Json(template_json(&name, &parts, stored.as_ref())))
}

/// Removes the override: the platform default applies again.
#[utoipa::path(delete, path = "/admin/email-templates/{name}", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("email_template.delete"))),
    params(("name" = String, Path)),
    responses((status = 200, description = "{ id, object, deleted }"), (status = 404, description = "unknown template", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_template(Staff(actor): Staff, Path(name): Path<String>) -> Result<Json<Value>> {
    let deleted = email::delete_template(&actor.ctx, &name).await?;
    Ok(Json(
        json!({ "id": name, "object": "email_template", "deleted": deleted }),
    ))
}

/// Renders the template (with any parts given in place of the store's) for a sample
/// order; nothing is stored.
#[utoipa::path(post, path = "/admin/email-templates/{name}/preview", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsRead)), ("x-coral-audit-action" = json!("email_template.preview"))),
    params(("name" = String, Path)),
    request_body = PreviewInput,
    responses((status = 200, description = "{ preview: { subject, html, text } }"),
              (status = 400, description = "the template does not render", body = ErrorBody), (status = 404, description = "unknown template", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn preview(
    Staff(actor): Staff,
    Path(name): Path<String>,
    JsonBody(body): JsonBody<PreviewInput>,
) -> Result<Json<Value>> {
    let out = email::preview(&actor.ctx, &name, body).await?;
    Ok(Json(json!({ "preview": out })))
}
