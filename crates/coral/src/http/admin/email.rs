//! `/admin/email-settings` and `/admin/email-templates/{name}`: the store's sender and
//! its overrides of the platform's email templates, with previews.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::email::{self, PreviewInput, SettingsRow, TemplateInput, TemplateRow, UpdateSettings};
use crate::core::email::Parts;
use crate::core::roles::Permission::{SettingsRead, SettingsWrite};
use crate::core::Result;
use crate::http::envelope::one;
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, Path, Staff};

/// The store's sender settings.
#[derive(Serialize, ToSchema)]
pub struct AdminEmailSettings {
    /// Always `email_settings`.
    pub object: &'static str,
    pub from_name: Option<String>,
    pub from_address: Option<String>,
    pub reply_to: Option<String>,
    /// The platform's sender, used where these are unset.
    pub default_from: String,
    /// Whether this Coral can send email at all.
    pub smtp_configured: bool,
    pub updated_at: Option<DateTime<Utc>>,
}

/// A store's email template: its override or the platform default.
#[derive(Serialize, ToSchema)]
pub struct AdminEmailTemplate {
    /// The template's name.
    pub id: String,
    /// Always `email_template`.
    pub object: &'static str,
    pub name: String,
    pub subject: String,
    pub html: String,
    pub text: String,
    /// Whether the store overrides the platform default.
    pub overridden: bool,
    pub updated_at: Option<DateTime<Utc>>,
}

/// A rendered email.
#[derive(Serialize, ToSchema)]
pub struct AdminEmailPreview {
    pub subject: String,
    pub html: String,
    pub text: String,
}

one!(
    /// `{ email_settings }`
    AdminEmailSettingsResponse { email_settings: AdminEmailSettings }
);
one!(
    /// `{ email_template }`
    AdminEmailTemplateResponse { email_template: AdminEmailTemplate }
);
one!(
    /// `{ preview }`
    AdminEmailPreviewResponse { preview: AdminEmailPreview }
);

/// What deleting an override answers: `deleted` is false when there was none.
#[derive(Serialize, ToSchema)]
pub struct AdminEmailTemplateDeleteResponse {
    pub id: String,
    pub object: &'static str,
    pub deleted: bool,
}

fn settings_answer(app: &AppState, row: &SettingsRow, default_from: &str) -> Json<AdminEmailSettingsResponse> {
    Json(AdminEmailSettingsResponse {
        email_settings: AdminEmailSettings {
            object: "email_settings",
            from_name: row.from_name.clone(),
            from_address: row.from_address.clone(),
            reply_to: row.reply_to.clone(),
            default_from: default_from.to_owned(),
            smtp_configured: app.jobs.mailer.is_some(),
            updated_at: row.updated_at,
        },
    })
}

fn template_answer(name: &str, parts: &Parts, stored: Option<&TemplateRow>) -> Json<AdminEmailTemplateResponse> {
    Json(AdminEmailTemplateResponse {
        email_template: AdminEmailTemplate {
            id: name.to_owned(),
            object: "email_template",
            name: name.to_owned(),
            subject: parts.subject.clone(),
            html: parts.html.clone(),
            text: parts.text.clone(),
            overridden: stored.is_some(),
            updated_at: stored.map(|s| s.updated_at),
        },
    })
}

/// The store's sender: from name and address, reply-to, and the platform default
/// used where they are unset.
#[utoipa::path(get, path = "/admin/email-settings", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsRead))),
    responses((status = 200, description = "the sender settings", body = AdminEmailSettingsResponse)), security(("bearer" = [])))]
pub async fn get_settings(
    State(app): State<AppState>,
    Staff(actor): Staff,
) -> Result<Json<AdminEmailSettingsResponse>> {
    let (row, default_from) = email::settings(&app, &actor.ctx).await?;
    Ok(settings_answer(&app, &row, &default_from))
}

/// Changes the sender; an absent field stays, an empty string clears it.
#[utoipa::path(post, path = "/admin/email-settings", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("email_settings.update"))),
    request_body = UpdateSettings,
    responses((status = 200, description = "the sender settings", body = AdminEmailSettingsResponse), (status = 400, description = "not an email address", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_settings(
    State(app): State<AppState>,
    Staff(actor): Staff,
    JsonBody(body): JsonBody<UpdateSettings>,
) -> Result<Json<AdminEmailSettingsResponse>> {
    let (row, default_from) = email::update_settings(&app, &actor.ctx, body).await?;
    Ok(settings_answer(&app, &row, &default_from))
}

/// The store's template: its override, or the platform default (`overridden: false`).
#[utoipa::path(get, path = "/admin/email-templates/{name}", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsRead))),
    params(("name" = String, Path)),
    responses((status = 200, description = "the template", body = AdminEmailTemplateResponse), (status = 404, description = "unknown template", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_template(Staff(actor): Staff, Path(name): Path<String>) -> Result<Json<AdminEmailTemplateResponse>> {
    let (parts, stored) = email::template(&actor.ctx, &name).await?;
    Ok(template_answer(&name, &parts, stored.as_ref()))
}

/// Overrides the platform template; refused (400) unless it renders the sample order.
#[utoipa::path(post, path = "/admin/email-templates/{name}", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("email_template.update"))),
    params(("name" = String, Path)),
    request_body = TemplateInput,
    responses((status = 200, description = "the template", body = AdminEmailTemplateResponse), (status = 400, description = "the template does not render", body = ErrorBody),
              (status = 404, description = "unknown template", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn save_template(
    Staff(actor): Staff,
    Path(name): Path<String>,
    JsonBody(body): JsonBody<TemplateInput>,
) -> Result<Json<AdminEmailTemplateResponse>> {
    let (parts, stored) = email::save_template(&actor.ctx, &name, body).await?;
    Ok(template_answer(&name, &parts, stored.as_ref()))
}

/// Removes the override: the platform default applies again.
#[utoipa::path(delete, path = "/admin/email-templates/{name}", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("email_template.delete"))),
    params(("name" = String, Path)),
    responses((status = 200, description = "the override is gone", body = AdminEmailTemplateDeleteResponse), (status = 404, description = "unknown template", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_template(
    Staff(actor): Staff,
    Path(name): Path<String>,
) -> Result<Json<AdminEmailTemplateDeleteResponse>> {
    let deleted = email::delete_template(&actor.ctx, &name).await?;
    Ok(Json(AdminEmailTemplateDeleteResponse {
        id: name,
        object: "email_template",
        deleted,
    }))
}

/// Renders the template (with any parts given in place of the store's) for a sample
/// order; nothing is stored.
#[utoipa::path(post, path = "/admin/email-templates/{name}/preview", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsRead)), ("x-coral-audit-action" = json!("email_template.preview"))),
    params(("name" = String, Path)),
    request_body = PreviewInput,
    responses((status = 200, description = "the rendered email", body = AdminEmailPreviewResponse),
              (status = 400, description = "the template does not render", body = ErrorBody), (status = 404, description = "unknown template", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn preview(
    Staff(actor): Staff,
    Path(name): Path<String>,
    JsonBody(body): JsonBody<PreviewInput>,
) -> Result<Json<AdminEmailPreviewResponse>> {
    let out = email::preview(&actor.ctx, &name, body).await?;
    Ok(Json(AdminEmailPreviewResponse {
        preview: AdminEmailPreview {
            subject: out.subject,
            html: out.html,
            text: out.text,
        },
    }))
}
