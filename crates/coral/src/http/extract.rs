//! Extractors: JSON bodies and query strings whose rejections come out in Medusa's error
//! shape, and the three ways a request gets its actor — store tenant, staff, platform.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::app::customers::{self, CustomerAuth};
use crate::app::staff::{self, StaffActor};
use crate::app::App;
use crate::core::{Error, Result};
use crate::http::observe::admit;
use crate::tenancy::resolve::{resolve, Signals};
use crate::tenancy::{ApiFamily, TenantCtx};

pub type AppState = Arc<App>;

/// A JSON body. An empty body counts as `{}` (the js-sdk sends `content-type: json` with
/// no body on several POSTs); unknown fields and wrong types get Medusa's messages.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self> {
        let bytes = Bytes::from_request(req, state).await.map_err(|rej| {
            if rej.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Error::PayloadTooLarge
            } else {
                Error::invalid(rej.body_text())
            }
        })?;
        parse_json(&bytes).map(JsonBody)
    }
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        bytes
    };
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        Error::invalid(if e.is_eof() {
            "Unexpected end of JSON input".to_owned()
        } else {
            format!("Invalid JSON: {e}")
        })
    })?;
    serde_path_to_error::deserialize(value).map_err(|e| Error::invalid(medusa_message(&e)))
}

/// serde's messages, reworded the way Medusa's validator words them.
fn medusa_message(e: &serde_path_to_error::Error<serde_json::Error>) -> String {
    let path = e.path().to_string();
    let inner = e.inner().to_string();
    let quoted = |s: &str| s.split('`').nth(1).unwrap_or("").to_owned();
    let msg = if inner.starts_with("unknown field") {
        format!("Unrecognized fields: '{}'", quoted(&inner))
    } else if let Some(rest) = inner.strip_prefix("invalid type: ") {
        let expected = rest.rsplit_once("expected ").map_or("", |(_, x)| x);
        let expected = expected.trim_start_matches("a ").trim_start_matches("an ");
        let got = rest.split_once(',').map_or(rest, |(g, _)| g);
        let got = if got.contains('`') { quoted(got) } else { got.to_owned() };
        format!("Expected type: '{expected}' for field '{path}', got: '{got}'")
    } else if inner.starts_with("missing field") {
        format!("Field '{}' is required", quoted(&inner))
    } else {
        format!("{inner} (field '{path}')")
    };
    format!("Invalid request: {msg}")
}

/// Query string pairs, decoded; order kept (repeated keys, `id[0]=` forms).
pub struct QueryPairs(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for QueryPairs {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self> {
        let q = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str(q)
            .map(QueryPairs)
            .map_err(|_| Error::invalid("Invalid request: malformed query string"))
    }
}

impl QueryPairs {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// Every value of an array parameter, in any of the forms clients send:
    /// `key=a&key=b`, `key[]=a`, `key[0]=a&key[1]=b`.
    pub fn list(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| {
                k == key
                    || k.strip_prefix(key)
                        .and_then(|r| r.strip_prefix('['))
                        .and_then(|r| r.strip_suffix(']'))
                        .is_some_and(|i| i.bytes().all(|b| b.is_ascii_digit()))
            })
            .map(|(_, v)| v.clone())
            .collect()
    }

    fn number(&self, key: &str, default: i64, max: i64) -> Result<i64> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => match v.parse::<i64>() {
                Ok(n) if n >= 0 => Ok(n.min(max)),
                Ok(_) => Err(Error::invalid(format!(
                    "Invalid request: Value for field '{key}' too small, expected at least: '0'"
                ))),
                Err(_) => Err(Error::invalid(format!(
                    "Invalid request: Expected type: 'number' for field '{key}', got: '{v}'"
                ))),
            },
        }
    }

    /// `limit` (default `default_limit`, at most 1000) and `offset` (default 0).
    pub fn page(&self, default_limit: i64) -> Result<(i64, i64)> {
        Ok((
            self.number("limit", default_limit, 1000)?,
            self.number("offset", 0, i64::MAX)?,
        ))
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    header(headers, header::AUTHORIZATION.as_str())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
}

/// What the request says about its store, for tenant resolution.
pub fn signals(headers: &HeaderMap) -> Signals<'_> {
    Signals {
        publishable_key: header(headers, "x-publishable-api-key"),
        host: header(headers, header::HOST.as_str()),
        tenant_header: header(headers, "x-tenant-id"),
    }
}

/// The storefront's tenant, resolved from the request (DESIGN.md's order, from memory),
/// then its storefront rate limit checked.
pub struct Store(pub TenantCtx);

impl FromRequestParts<AppState> for Store {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self> {
        let resolved = resolve(&app.directory, &app.resolution, signals(&parts.headers))?;
        admit(parts, &resolved.tenant, ApiFamily::Store)?;
        let db = app.directory.tenant_db(&resolved.tenant).await?;
        let sales_channel_ids = resolved
            .key_channels
            .unwrap_or_else(|| resolved.tenant.default_sales_channel_id.iter().cloned().collect());
        Ok(Store(TenantCtx {
            tenant: resolved.tenant,
            db,
            sales_channel_ids,
        }))
    }
}

/// A storefront request and, when it carries a customer token of this store, the
/// customer. A token of another store (or a staff token) is refused with 401.
pub struct Shopper {
    pub ctx: TenantCtx,
    pub customer: Option<CustomerAuth>,
}

impl FromRequestParts<AppState> for Shopper {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self> {
        let Store(ctx) = Store::from_request_parts(parts, app).await?;
        let customer = bearer(&parts.headers)
            .map(|t| customers::authenticate(app, &ctx, t))
            .transpose()?;
        Ok(Shopper { ctx, customer })
    }
}

/// A staff member, from `Authorization: Bearer <jwt>`. Its tenant is the token's claim,
/// never a header; the tenant's admin rate limit is checked before the user is re-read.
pub struct Staff(pub StaffActor);

impl FromRequestParts<AppState> for Staff {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self> {
        let token = bearer(&parts.headers).ok_or_else(|| Error::Unauthorized("Unauthorized".into()))?;
        let (tenant, claims) = staff::verify_token(app, token)?;
        admit(parts, &tenant, ApiFamily::Admin)?;
        Ok(Staff(staff::authenticate(app, tenant, &claims).await?))
    }
}

/// The platform operator, holding `CORAL_PLATFORM_TOKEN`.
pub struct Platform;

impl FromRequestParts<AppState> for Platform {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self> {
        use subtle::ConstantTimeEq;
        let expected = app.config.secrets.platform_token.as_bytes();
        match bearer(&parts.headers) {
            Some(t) if bool::from(t.as_bytes().ct_eq(expected)) => Ok(Platform),
            _ => Err(Error::Unauthorized("A valid platform token is required".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "fields exist to be deserialised")]
    struct Body {
        region_id: Option<String>,
        quantity: Option<u32>,
    }

    fn err(body: &str) -> String {
        parse_json::<Body>(body.as_bytes()).unwrap_err().to_string()
    }

    #[test]
    fn bodies_are_rejected_with_medusa_messages() {
        assert_eq!(
            err(r#"{"region_id": 123}"#),
            "Invalid request: Expected type: 'string' for field 'region_id', got: '123'"
        );
        assert_eq!(err(r#"{"nope": true}"#), "Invalid request: Unrecognized fields: 'nope'");
        assert_eq!(err("{\"region_id\": \n"), "Unexpected end of JSON input");
        assert!(parse_json::<Body>(b"").is_ok());
        assert!(parse_json::<Body>(b"  ").is_ok());
    }
}
