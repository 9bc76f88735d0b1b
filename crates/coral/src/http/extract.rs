//! Extractors: JSON bodies, query strings and path parameters whose rejections come out
//! in Medusa's error shape, and the three ways a request gets its actor — store tenant, staff, platform.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, MatchedPath, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::app::audit::{Audit, Scope};
use crate::app::customers::{self, CustomerAuth};
use crate::app::staff::{self, StaffActor};
use crate::app::App;
use crate::core::roles::Role;
use crate::core::{Error, Result};
use crate::http::observe::admit;
use crate::http::permissions::{self, Access, Rule};
use crate::tenancy::resolve::{resolve, Signals};
use crate::tenancy::{ApiFamily, TenantCtx};

pub type AppState = Arc<App>;

/// A JSON body. An empty body counts as `{}` (the js-sdk sends `content-type: json` with
/// no body on several POSTs); unknown fields and wrong types get Medusa's messages.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self> {
        parse_json(&body_bytes(req, state).await?).map(JsonBody)
    }
}

/// The whole body, within the route's size limit (`DefaultBodyLimit`; over it → 413).
pub async fn body_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes> {
    Bytes::from_request(req, state).await.map_err(|rej| {
        if rej.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Error::PayloadTooLarge
        } else {
            Error::invalid(rej.body_text())
        }
    })
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
    let mut value = value;
    let mut reasons = Vec::new();
    loop {
        match serde_path_to_error::deserialize(&value) {
            Ok(v) if reasons.is_empty() => return Ok(v),
            Ok(_) => break,
            Err(e) => {
                reasons.push(medusa_message(&e));
                // Medusa reports every bad field at once: drop the offending top-level
                // field and look again (a missing field or a nested one ends the search).
                let field = offending_field(&e);
                let dropped = field
                    .zip(value.as_object_mut())
                    .is_some_and(|(f, o)| o.remove(&f).is_some());
                if !dropped || reasons.len() >= 10 {
                    break;
                }
            }
        }
    }
    // As Medusa's validator: wrong values first, then unrecognized fields.
    reasons.sort_by_key(|r| r.starts_with("Unrecognized"));
    Err(Error::invalid(format!("Invalid request: {}", reasons.join("; "))))
}

/// The top-level field an error is about, if it is one.
fn offending_field(e: &serde_path_to_error::Error<serde_json::Error>) -> Option<String> {
    use serde_path_to_error::Segment;
    let inner = e.inner().to_string();
    let segments: Vec<&Segment> = e.path().iter().collect();
    if inner.starts_with("unknown field") {
        let top = segments.len() <= 1;
        return top.then(|| inner.split('`').nth(1).unwrap_or("").to_owned());
    }
    match segments.as_slice() {
        [Segment::Map { key }] if !inner.starts_with("missing field") => Some(key.clone()),
        _ => None,
    }
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
        // An error in a flattened struct (a customer address's postal fields) comes
        // without its field: name the place only when serde knows it.
        let field = if path == "." {
            String::new()
        } else {
            format!(" for field '{path}'")
        };
        format!("Expected type: '{expected}'{field}, got: '{got}'")
    } else if inner.starts_with("missing field") {
        format!("Field '{}' is required", quoted(&inner))
    } else {
        format!("{inner} (field '{path}')")
    };
    msg
}

/// Path parameters, as axum's `Path`, but a parameter that does not parse as `T` is a
/// `400 invalid_data` in Medusa's `{type, message}` shape instead of axum's plain text.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Path(v)),
            Err(rej) => Err(path_rejection(rej)),
        }
    }
}

/// A bad parameter is the client's error; a route whose template lacks the parameter
/// the handler reads is Coral's.
fn path_rejection(rej: PathRejection) -> Error {
    match rej {
        PathRejection::FailedToDeserializePathParams(e) => {
            Error::invalid(format!("Invalid request: {}", e.body_text()))
        }
        other => Error::Internal(anyhow::anyhow!("path parameters: {}", other.body_text())),
    }
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

/// The client's address, from the connection (`None` when served without connect info).
pub fn client_addr(parts: &Parts) -> Option<IpAddr> {
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())
}

/// The client's address as an extractor (never rejects).
pub struct ClientAddr(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self> {
        Ok(ClientAddr(client_addr(parts)))
    }
}

/// The rule the matched route declares (`http::permissions`); a route without one is
/// refused.
fn route_rule(parts: &Parts) -> Result<&'static Rule> {
    let path = parts.extensions.get::<MatchedPath>().map(MatchedPath::as_str);
    path.and_then(|p| permissions::rule(parts.method.as_str(), p))
        .ok_or_else(|| Error::Forbidden("This route declares no permission".into()))
}

/// The audit context of a changing request: its action, the path's last id, request id
/// and client address. `None` for reads.
async fn audit_of<S: Send + Sync>(
    parts: &mut Parts,
    state: &S,
    rule: &'static Rule,
    scope: Scope,
    actor: (&'static str, Option<String>),
) -> Option<Arc<Audit>> {
    let action: &'static str = rule.action.as_deref()?;
    let mut a = Audit::new(scope, actor.0, actor.1, action);
    if !action.ends_with(".create") {
        a.resource_id = RawPathParams::from_request_parts(parts, state)
            .await
            .ok()
            .and_then(|p| p.iter().last().map(|(_, v)| v.to_owned()));
    }
    a.request_id = header(&parts.headers, "x-request-id").map(str::to_owned);
    a.client_addr = client_addr(parts).map(|ip| ip.to_string());
    Some(Arc::new(a))
}

/// A staff member, from `Authorization: Bearer <jwt>`. Its tenant is the token's claim,
/// never a header; the tenant's admin rate limit is checked before the user is re-read.
/// The user's role must grant the permission the route declares (`http::permissions`),
/// else 403; on a changing route the tenant handle is audited (`db::audit`).
pub struct Staff(pub StaffActor);

impl FromRequestParts<AppState> for Staff {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self> {
        let token = bearer(&parts.headers).ok_or_else(Error::unauthorized)?;
        let (tenant, claims) = staff::verify_token(app, token)?;
        admit(parts, &tenant, ApiFamily::Admin)?;
        let mut actor = staff::authenticate(app, tenant, &claims).await?;
        let rule = route_rule(parts)?;
        let Access::Staff(needs) = rule.access else {
            return Err(Error::Forbidden("This route is the platform's".into()));
        };
        let role = Role::parse(&actor.user.role);
        if !role.is_some_and(|r| r.allows(needs)) {
            return Err(Error::Forbidden(format!(
                "The {} role does not have the {needs} permission",
                actor.user.role
            )));
        }
        let who = ("user", Some(actor.user.id.clone()));
        if let Some(audit) = audit_of(parts, app, rule, Scope::Tenant, who).await {
            actor.ctx.db = actor.ctx.db.clone().audited(audit);
        }
        Ok(Staff(actor))
    }
}

/// The platform operator: the bearer `CORAL_PLATFORM_TOKEN`, or the token of an active
/// staff user whose role is `platform_admin` (a role only the platform can give). The
/// audit context of a changing request comes with it.
pub struct Platform(pub Arc<Audit>);

impl FromRequestParts<AppState> for Platform {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self> {
        use subtle::ConstantTimeEq;
        let refused = || Error::Unauthorized("A valid platform token is required".into());
        let expected = app.config.secrets.platform_token.as_bytes();
        let token = bearer(&parts.headers).ok_or_else(refused)?;
        let actor = if bool::from(token.as_bytes().ct_eq(expected)) {
            ("platform", None)
        } else {
            let (tenant, claims) = staff::verify_token(app, token).map_err(|_| refused())?;
            if claims.role != Role::PlatformAdmin.as_str() {
                return Err(refused());
            }
            let actor = staff::authenticate(app, tenant, &claims).await.map_err(|_| refused())?;
            if actor.user.role != Role::PlatformAdmin.as_str() {
                return Err(refused());
            }
            ("user", Some(actor.user.id))
        };
        // `/metrics` (operations, behind the same token) has no rule and changes nothing.
        let audit = match route_rule(parts) {
            Ok(rule) => audit_of(parts, app, rule, Scope::Platform, actor.clone()).await,
            Err(_) => None,
        };
        Ok(Platform(audit.unwrap_or_else(|| {
            Arc::new(Audit::new(Scope::Platform, actor.0, actor.1, "read"))
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use tower::ServiceExt;

    #[tokio::test]
    async fn a_bad_path_parameter_is_a_medusa_error() {
        async fn number(Path(n): Path<u32>) -> String {
            n.to_string()
        }
        // A router of its own, for this extractor only (`route_service`: the guard test
        // `openapi_documents_every_route` refuses plain routes anywhere under src/http).
        let app = axum::Router::new().route_service("/n/{n}", axum::routing::get(number));
        let ask = |uri: &'static str| {
            let app = app.clone();
            async move {
                let resp = app
                    .oneshot(Request::get(uri).body(axum::body::Body::empty()).unwrap())
                    .await
                    .unwrap();
                let status = resp.status();
                let bytes = axum::body::to_bytes(resp.into_body(), 1 << 16).await.unwrap();
                (status, bytes)
            }
        };
        let (status, bytes) = ask("/n/12").await;
        assert_eq!((status, &bytes[..]), (StatusCode::OK, &b"12"[..]));
        let (status, bytes) = ask("/n/abc").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(body["type"], "invalid_data", "{body}");
        let message = body["message"].as_str().unwrap();
        assert!(
            message.starts_with("Invalid request: ") && message.contains("abc"),
            "{message}"
        );
    }

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
        // Every bad field at once, in the sample's words (error-bad-body-cart-create).
        assert_eq!(
            err(r#"{"region_id": 123, "nope": true}"#),
            "Invalid request: Expected type: 'string' for field 'region_id', got: '123'; Unrecognized fields: 'nope'"
        );
        assert_eq!(err("{\"region_id\": \n"), "Unexpected end of JSON input");
        assert!(parse_json::<Body>(b"").is_ok());
        assert!(parse_json::<Body>(b"  ").is_ok());
    }
}
