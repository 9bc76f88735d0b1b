//! The catalog: admin writes (`admin`), taxonomy (`taxonomy`), storefront queries over the
//! per-tenant snapshot (`store`, `snapshot`), and the assembled model (`model`).

pub mod admin;
pub mod model;
pub mod price_lists;
pub mod pricing;
pub mod rendered;
pub mod snapshot;
pub mod sources;
pub mod store;
pub mod taxonomy;
pub mod variants;

use crate::app::App;
use crate::core::ids::TenantId;
use crate::core::Result;
use crate::db::tenants::{self, CATALOG_CHANNEL};
use crate::tenancy::TenantCtx;

/// After a committed catalog write: this process drops the snapshot now (the next read
/// sees the write), the others when the announcement reaches them.
pub async fn changed(app: &App, ctx: &TenantCtx) -> Result<()> {
    changed_tenant(app, &ctx.tenant.id).await
}

/// [`changed`] for a tenant other than the request's (master catalog propagation).
pub async fn changed_tenant(app: &App, tenant: &TenantId) -> Result<()> {
    app.catalogs.invalidate(Some(tenant));
    let mut conn = app.platform.control().acquire().await?;
    tenants::notify(&mut conn, CATALOG_CHANNEL, tenant.as_str()).await
}

/// A URL-safe handle from a title, as Medusa derives one: lowercase words joined by '-'.
pub fn slugify(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// A handle given by a client: lowercase letters, digits and '-'.
pub fn check_handle(handle: &str) -> Result<String> {
    let ok = !handle.is_empty()
        && handle.len() <= 200
        && handle
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(handle.to_owned())
    } else {
        Err(crate::core::Error::invalid(format!(
            "Invalid handle '{handle}': use lowercase letters, digits and '-'"
        )))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs() {
        assert_eq!(super::slugify("Medusa T-Shirt (Blue)"), "medusa-t-shirt-blue");
        assert_eq!(super::slugify("  Ünïcode  ok "), "n-code-ok");
        assert!(super::check_handle("Bad Handle").is_err());
    }
}
