//! Which tenant a storefront request is for, in DESIGN.md's order (first match wins):
//! publishable key, verified custom domain, subdomain of the base domain, `x-tenant-id`,
//! single-tenant mode. Two signals naming different tenants are refused, never guessed.

use std::sync::Arc;

use crate::core::{Error, Result};
use crate::tenancy::directory::Directory;
use crate::tenancy::{Tenant, TenantStatus};

/// Medusa's messages, which storefronts and the js-sdk already know.
pub const MISSING_KEY: &str = "Publishable API key required in the request header: x-publishable-api-key. \
     You can manage your keys in settings in the dashboard.";
pub const INVALID_KEY: &str = "A valid publishable key is required to proceed with the request";

/// What a request says about its tenant.
#[derive(Debug, Default, Clone, Copy)]
pub struct Signals<'a> {
    pub publishable_key: Option<&'a str>,
    pub host: Option<&'a str>,
    pub tenant_header: Option<&'a str>,
}

/// How the platform is configured for resolution.
#[derive(Debug, Default, Clone)]
pub struct ResolutionConfig {
    pub base_domain: Option<String>,
    pub single_tenant: bool,
}

pub struct Resolved {
    pub tenant: Arc<Tenant>,
    /// The key's channels, or `None` to use the tenant's default channel.
    pub key_channels: Option<Arc<[String]>>,
}

fn invalid_key() -> Error {
    Error::NotAllowed(INVALID_KEY.into())
}

/// The host without port, lowercased; `None` for an empty value.
fn bare_host(host: &str) -> Option<String> {
    let h = host.trim().rsplit_once(':').map_or(host, |(h, port)| {
        if port.bytes().all(|b| b.is_ascii_digit()) {
            h
        } else {
            host
        }
    });
    let h = h.trim_end_matches('.').to_ascii_lowercase();
    (!h.is_empty()).then_some(h)
}

pub fn resolve(dir: &Directory, cfg: &ResolutionConfig, s: Signals<'_>) -> Result<Resolved> {
    // (signal name, tenant) for every signal present, in order of precedence.
    let mut found: Vec<(&str, Arc<Tenant>)> = Vec::new();
    let mut key_channels = None;

    if let Some(key) = s.publishable_key.filter(|k| !k.is_empty()) {
        let (tenant, info) = dir.by_key(key).ok_or_else(invalid_key)?;
        key_channels = Some(info.sales_channel_ids.clone());
        found.push(("publishable key", tenant));
    }
    if let Some(host) = s.host.and_then(bare_host) {
        if let Some(t) = dir.by_domain(&host) {
            found.push(("custom domain", t));
        } else if let Some(base) = cfg.base_domain.as_deref() {
            if let Some(label) = host.strip_suffix(base).and_then(|p| p.strip_suffix('.')) {
                let t = (!label.contains('.'))
                    .then(|| dir.by_id_or_handle(label))
                    .flatten()
                    .ok_or_else(invalid_key)?;
                found.push(("subdomain", t));
            }
        }
    }
    if let Some(h) = s.tenant_header.map(str::trim).filter(|h| !h.is_empty()) {
        let t = dir
            .by_id_or_handle(h)
            .filter(|t| t.allow_tenant_header)
            .ok_or_else(invalid_key)?;
        found.push(("x-tenant-id", t));
    }

    let tenant = match found.first() {
        Some((first_name, first)) => {
            if let Some((other, _)) = found.iter().find(|(_, t)| t.id != first.id) {
                return Err(Error::invalid(format!(
                    "The {first_name} and the {other} name different stores; send signals for one store only"
                )));
            }
            first.clone()
        }
        None if cfg.single_tenant => dir.only_tenant().ok_or_else(|| Error::NotAllowed(MISSING_KEY.into()))?,
        None => return Err(Error::NotAllowed(MISSING_KEY.into())),
    };

    match tenant.status {
        TenantStatus::Active => Ok(Resolved { tenant, key_channels }),
        TenantStatus::Suspended => Err(Error::Forbidden("This store is suspended".into())),
        TenantStatus::Deactivated => Err(Error::not_found("Store not found")),
    }
}

#[cfg(test)]
mod tests {
    use super::bare_host;

    #[test]
    fn host_without_port() {
        assert_eq!(bare_host("Shop.Example.com:9000").as_deref(), Some("shop.example.com"));
        assert_eq!(bare_host("shop.example.com.").as_deref(), Some("shop.example.com"));
        assert_eq!(bare_host("").as_deref(), None);
    }
}
