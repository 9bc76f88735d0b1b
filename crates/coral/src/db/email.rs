//! A store's email sender settings, its template overrides and its suppressed
//! (bounced) addresses. Tenant
//! transactions only (RLS): store A's worker never reads B's sender or suppressions.

use chrono::{DateTime, Utc};

use crate::core::email::Parts;
use crate::core::Result;
use crate::db::TenantTx;

/// The store's sender; absent fields fall back to the platform's `CORAL_EMAIL_FROM`.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct SettingsRow {
    pub from_name: Option<String>,
    pub from_address: Option<String>,
    pub reply_to: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// The store's settings, or all-empty when it never set any.
pub async fn settings(tx: &mut TenantTx) -> Result<SettingsRow> {
    let row = tx
        .query_as("SELECT from_name, from_address, reply_to, updated_at FROM email_settings WHERE tenant_id = $1")
        .fetch_optional(tx.conn())
        .await?;
    Ok(row.unwrap_or_default())
}

/// Replaces the store's settings.
pub async fn save_settings(tx: &mut TenantTx, s: &SettingsRow) -> Result<()> {
    // `EXCLUDED.updated_at` is the column default (now()); Citus refuses a function in DO UPDATE SET.
    tx.query(
        "INSERT INTO email_settings (tenant_id, from_name, from_address, reply_to) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (tenant_id) DO UPDATE SET from_name = $2, from_address = $3, reply_to = $4, updated_at = EXCLUDED.updated_at",
    )
    .bind(&s.from_name)
    .bind(&s.from_address)
    .bind(&s.reply_to)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Whether `address` (any case) bounced permanently before.
pub async fn is_suppressed(tx: &mut TenantTx, address: &str) -> Result<bool> {
    Ok(tx
        .query_scalar("SELECT EXISTS (SELECT 1 FROM email_suppressions WHERE tenant_id = $1 AND address = $2)")
        .bind(address.to_lowercase())
        .fetch_one(tx.conn())
        .await?)
}

/// Records a permanent failure for `address`; later sends to it are skipped.
pub async fn suppress(tx: &mut TenantTx, address: &str, reason: &str) -> Result<()> {
    tx.query(
        "INSERT INTO email_suppressions (tenant_id, address, reason) VALUES ($1, $2, $3) \
         ON CONFLICT (tenant_id, address) DO UPDATE SET reason = $3",
    )
    .bind(address.to_lowercase())
    .bind(reason)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// A stored template override.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TemplateRow {
    pub subject: String,
    pub html: String,
    pub text: String,
    pub updated_at: DateTime<Utc>,
}

impl TemplateRow {
    /// The template's parts.
    pub fn parts(&self) -> Parts {
        Parts {
            subject: self.subject.clone(),
            html: self.html.clone(),
            text: self.text.clone(),
        }
    }
}

/// The store's override of template `name`, if any.
pub async fn template(tx: &mut TenantTx, name: &str) -> Result<Option<TemplateRow>> {
    Ok(tx
        .query_as("SELECT subject, html, text, updated_at FROM email_templates WHERE tenant_id = $1 AND name = $2")
        .bind(name)
        .fetch_optional(tx.conn())
        .await?)
}

/// Stores (or replaces) the override of template `name`.
pub async fn save_template(tx: &mut TenantTx, name: &str, parts: &Parts) -> Result<()> {
    // `EXCLUDED.updated_at` is the column default (now()); Citus refuses a function in DO UPDATE SET.
    tx.query(
        "INSERT INTO email_templates (tenant_id, name, subject, html, text) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (tenant_id, name) DO UPDATE SET subject = $3, html = $4, text = $5, updated_at = EXCLUDED.updated_at",
    )
    .bind(name)
    .bind(&parts.subject)
    .bind(&parts.html)
    .bind(&parts.text)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Removes the override (the platform default applies again); whether there was one.
pub async fn delete_template(tx: &mut TenantTx, name: &str) -> Result<bool> {
    let done = tx
        .query("DELETE FROM email_templates WHERE tenant_id = $1 AND name = $2")
        .bind(name)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() > 0)
}
