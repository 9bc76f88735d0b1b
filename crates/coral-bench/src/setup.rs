//! Setup before any load: per publishable key, the region to price in (and its first
//! country for checkout addresses), and the catalogue's product ids, handles and variant
//! ids the workers pick from. Failures here are one-line errors that name the request.

use std::sync::Arc;

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::client::{query_escape, Conn, Target};

/// Page size of setup listings; Medusa caps `limit` server-side anyway.
const PAGE: usize = 100;

/// What a scenario needs to know about one tenant.
#[derive(Debug, Clone, Default)]
pub struct Tenant {
    pub key: String,
    pub region_id: String,
    /// ISO 3166-1 alpha-2 code of the region's first country (checkout only).
    pub country: Option<String>,
    pub product_ids: Vec<String>,
    pub handles: Vec<String>,
    pub variant_ids: Vec<String>,
}

/// Which parts of `Tenant` a scenario uses; the rest is not fetched.
#[derive(Debug, Clone, Copy, Default)]
pub struct Needs {
    pub products: bool,
    pub variants: bool,
    pub country: bool,
}

/// Publishable keys are not secret, but long; a prefix identifies them in messages.
pub fn short_key(key: &str) -> String {
    let prefix: String = key.chars().take(14).collect();
    if prefix.len() < key.len() {
        format!("{prefix}…")
    } else {
        prefix
    }
}

/// Loads one tenant, with `region` as its region when given (discovered otherwise).
pub async fn load_tenant(target: &Arc<Target>, key: &str, region: Option<&str>, needs: Needs) -> Result<Tenant> {
    let mut conn = Conn::new(target.clone(), std::time::Duration::from_secs(30));
    let mut tenant = Tenant {
        key: key.to_owned(),
        ..Tenant::default()
    };

    let region = match region {
        Some(id) if needs.country => {
            let path = format!("/store/regions/{}", query_escape(id));
            get_json(&mut conn, key, &path)
                .await?
                .get("region")
                .cloned()
                .unwrap_or(Value::Null)
        }
        Some(id) => serde_json::json!({ "id": id }),
        None => first_region(&mut conn, key).await?,
    };
    tenant.region_id = region["id"].as_str().context("region without an id")?.to_owned();
    if needs.country {
        let country = region["countries"][0]["iso_2"].as_str();
        let country = country.with_context(|| format!("region {} has no countries to ship to", tenant.region_id))?;
        tenant.country = Some(country.to_owned());
    }

    if needs.products {
        (tenant.product_ids, tenant.handles) = all_products(&mut conn, key).await.context("no product catalogue")?;
        if tenant.product_ids.is_empty() {
            bail!(
                "no products in the catalogue of key {} (GET /store/products returned none)",
                short_key(key)
            );
        }
    }
    if needs.variants {
        tenant.variant_ids = variants(&mut conn, key).await.context("no product variants")?;
        if tenant.variant_ids.is_empty() {
            bail!("no product variants for key {} to add to carts", short_key(key));
        }
    }
    Ok(tenant)
}

/// `GET path` as JSON, or an error naming the URL and what came back instead.
async fn get_json(conn: &mut Conn, key: &str, path: &str) -> Result<Value> {
    let url = conn.url(path);
    let reply = match conn.get(path, key).await {
        Ok(reply) => reply,
        Err(failure) => bail!("setup GET {url} failed: {failure}"),
    };
    if !reply.is_success() {
        bail!(
            "setup GET {url} returned {} for key {}: {}",
            reply.status,
            short_key(key),
            reply.snippet()
        );
    }
    reply
        .json()
        .with_context(|| format!("setup GET {url}: response is not JSON: {}", reply.snippet()))
}

async fn first_region(conn: &mut Conn, key: &str) -> Result<Value> {
    let body = get_json(conn, key, "/store/regions").await?;
    match body["regions"].get(0) {
        Some(region) => Ok(region.clone()),
        None => bail!(
            "GET /store/regions lists no region for key {}; pass --region",
            short_key(key)
        ),
    }
}

/// Pages through the whole catalogue collecting ids and handles.
async fn all_products(conn: &mut Conn, key: &str) -> Result<(Vec<String>, Vec<String>)> {
    let (mut ids, mut handles) = (Vec::new(), Vec::new());
    let mut offset = 0;
    // Bounded by the first page's `count`, so a server that ignores `offset` cannot make
    // this loop forever.
    let mut pages_left: Option<usize> = None;
    loop {
        let path = format!("/store/products?limit={PAGE}&offset={offset}&fields=id,handle");
        let body = get_json(conn, key, &path).await?;
        let page = products_of(&body, &path)?;
        for product in page {
            if let Some(id) = product["id"].as_str() {
                ids.push(id.to_owned());
            }
            if let Some(handle) = product["handle"].as_str() {
                handles.push(handle.to_owned());
            }
        }
        offset += page.len();
        let count = body["count"].as_u64().map_or(offset, |c| c as usize);
        let left = pages_left.get_or_insert(count.div_ceil(PAGE));
        *left = left.saturating_sub(1);
        if page.is_empty() || offset >= count || *left == 0 {
            return Ok((ids, handles));
        }
    }
}

/// Variant ids of the first page of products: enough spread for line items.
async fn variants(conn: &mut Conn, key: &str) -> Result<Vec<String>> {
    let path = format!("/store/products?limit={PAGE}&fields=id,*variants");
    let body = get_json(conn, key, &path).await?;
    let variants = products_of(&body, &path)?
        .iter()
        .filter_map(|p| p["variants"].as_array())
        .flatten()
        .filter_map(|v| v["id"].as_str().map(str::to_owned))
        .collect();
    Ok(variants)
}

fn products_of<'a>(body: &'a Value, path: &str) -> Result<&'a Vec<Value>> {
    body["products"]
        .as_array()
        .with_context(|| format!("GET {path}: response has no `products` array"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_prefix() {
        assert_eq!(short_key("pk_short"), "pk_short");
        assert_eq!(short_key("pk_0123456789abcdef"), "pk_0123456789a…");
    }
}
