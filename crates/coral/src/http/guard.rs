//! The input-bytes guard: one middleware, in front of every route of every API family,
//! that refuses text PostgreSQL cannot store (NUL) or that is not UTF-8 — in a path
//! segment, a query parameter, a header Coral reads, or any string of a JSON body at any
//! depth (object keys included) — with `400 invalid_data` naming where, before any
//! extractor runs and so before any database work. Without it such bytes reached
//! PostgreSQL, which refused them with an error that surfaced as a 500.

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::core::Error;
use crate::http::extract::body_bytes;

/// The headers Coral reads (tenant resolution, credentials, request ids). Others pass
/// through untouched: Coral never stores them.
const READ_HEADERS: &[&str] = &[
    "authorization",
    "host",
    "x-publishable-api-key",
    "x-tenant-id",
    "x-request-id",
];

/// The middleware. It sits inside `DefaultBodyLimit`, so reading the body here keeps
/// the size limit (413) exactly as the JSON extractor applies it.
pub async fn guard(req: Request, next: Next) -> Response {
    if let Err(e) = check_parts(&req) {
        return e.into_response();
    }
    // Most requests (every read) carry no body: nothing to buffer or look at.
    if req.body().size_hint().exact() == Some(0) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let limited = Request::from_parts(parts.clone(), body);
    let bytes = match body_bytes(limited, &()).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    if let Err(e) = check_body(&bytes) {
        return e.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// Path segments, query parameters and the headers Coral reads.
fn check_parts(req: &Request) -> Result<(), Error> {
    let template = req.extensions().get::<MatchedPath>().map(MatchedPath::as_str);
    let names: Vec<&str> = template.map(|t| t.split('/').collect()).unwrap_or_default();
    for (i, segment) in req.uri().path().split('/').enumerate() {
        let name = match names.get(i) {
            Some(n) if n.starts_with('{') => format!("path parameter '{}'", n.trim_matches(|c| c == '{' || c == '}')),
            _ => format!("path segment {i}"),
        };
        check_text(&percent_decode(segment.as_bytes(), false), &name)?;
    }
    for pair in req.uri().query().unwrap_or("").split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(key.as_bytes(), true);
        check_text(&key, "a query parameter name")?;
        let name = format!("query parameter '{}'", String::from_utf8_lossy(&key));
        check_text(&percent_decode(value.as_bytes(), true), &name)?;
    }
    for header in READ_HEADERS {
        for value in req.headers().get_all(*header) {
            // Coral reads these as ASCII; anything else would silently count as absent.
            if !value.as_bytes().iter().all(|b| b.is_ascii() && *b != 0) {
                return Err(Error::invalid(format!(
                    "Invalid request: header '{header}' is not valid ASCII text"
                )));
            }
        }
    }
    Ok(())
}

/// A JSON body: UTF-8 throughout, and no NUL in any string or key. NUL can only be
/// written `\u0000` in JSON, so the body is parsed (to name the field) only when that
/// sequence occurs; an escaped backslash before it (`\\u0000`) is text and passes.
fn check_body(bytes: &Bytes) -> Result<(), Error> {
    if let Err(e) = std::str::from_utf8(bytes) {
        return Err(Error::invalid(format!(
            "Invalid request: the body is not valid UTF-8 (at byte {})",
            e.valid_up_to()
        )));
    }
    if !bytes.windows(6).any(|w| w == b"\\u0000") {
        return Ok(());
    }
    // A body that does not parse is left to the JSON extractor's own message.
    let Ok(value) = serde_json::from_slice::<Value>(bytes) else {
        return Ok(());
    };
    match nul_at(&value, "") {
        Some(where_) => Err(Error::invalid(format!(
            "Invalid request: {where_} contains a NUL character"
        ))),
        None => Ok(()),
    }
}

/// Where in `v` (at `path`) the first NUL is, in the words of the error message.
fn nul_at(v: &Value, path: &str) -> Option<String> {
    let field = |p: &str| {
        if p.is_empty() {
            "the body".to_owned()
        } else {
            format!("field '{p}'")
        }
    };
    match v {
        Value::String(s) if s.contains('\0') => Some(field(path)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, x)| nul_at(x, &format!("{path}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(k, x)| {
            if k.contains('\0') {
                return Some(format!("a key of {}", field(path)));
            }
            let p = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            nul_at(x, &p)
        }),
        _ => None,
    }
}

/// Refuses decoded text that holds a NUL or is not UTF-8.
fn check_text(bytes: &[u8], name: &str) -> Result<(), Error> {
    if bytes.contains(&0) {
        return Err(Error::invalid(format!(
            "Invalid request: {name} contains a NUL character"
        )));
    }
    if std::str::from_utf8(bytes).is_err() {
        return Err(Error::invalid(format!("Invalid request: {name} is not valid UTF-8")));
    }
    Ok(())
}

/// `%XX` escapes decoded (and `+` as a space in a query); a malformed escape stays as is,
/// as the router and the query parser treat it.
fn percent_decode(input: &[u8], plus_is_space: bool) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'%' if i + 2 < input.len() => match (hex(input[i + 1]), hex(input[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' if plus_is_space => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_decode_and_bad_text_is_named() {
        assert_eq!(percent_decode(b"a%00b%zz%4", false), b"a\0b%zz%4");
        assert_eq!(percent_decode(b"a+b%2B", true), b"a b+");
        assert!(check_text(b"caf\xc3\xa9", "x").is_ok());
        assert!(check_text(b"a\0", "x").unwrap_err().to_string().contains("NUL"));
        assert!(check_text(b"\xff", "x").unwrap_err().to_string().contains("UTF-8"));
    }

    #[test]
    fn a_nul_is_found_at_any_depth_and_named() {
        let v: Value = serde_json::from_str(r#"{"a": {"b": [1, {"c": "x\u0000"}]}}"#).unwrap();
        assert_eq!(nul_at(&v, "").as_deref(), Some("field 'a.b[1].c'"));
        let v: Value = serde_json::from_str(r#"{"m": {"k\u0000": 1}}"#).unwrap();
        assert_eq!(nul_at(&v, "").as_deref(), Some("a key of field 'm'"));
        assert!(check_body(&Bytes::from_static(br#"{"t": "a\\u0000"}"#)).is_ok());
        assert!(check_body(&Bytes::from_static(b"{\"t\": \"\xff\"}")).is_err());
    }
}
