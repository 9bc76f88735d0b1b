//! The one place `core::Error` becomes an HTTP response, in Medusa's `{type, message}` shape.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::core::error::RETRY_AFTER_SECS;
use crate::core::Error;

/// Medusa's error body, the answer of every 4xx and 5xx: `{ "type": "not_found",
/// "message": "Cart id … not found" }`. `type` is one of Medusa's error types
/// (`invalid_data`, `not_allowed`, `unauthorized`, `not_found`, `conflict`,
/// `duplicate_error`, `too_many_requests`, `payload_too_large`, `unavailable`,
/// `unknown_error`); `message` is for people.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    #[serde(rename = "type")]
    #[schema(example = "not_found")]
    pub kind: &'static str,
    pub message: String,
}

impl Error {
    pub fn status_and_type(&self) -> (StatusCode, &'static str) {
        match self {
            Error::InvalidData(_) => (StatusCode::BAD_REQUEST, "invalid_data"),
            Error::NotAllowed(_) => (StatusCode::BAD_REQUEST, "not_allowed"),
            Error::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            Error::Forbidden(_) => (StatusCode::FORBIDDEN, "not_allowed"),
            Error::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            Error::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            Error::Duplicate(_) => (StatusCode::UNPROCESSABLE_ENTITY, "duplicate_error"),
            Error::TooManyRequests(_) => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
            Error::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            Error::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            Error::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "unknown_error"),
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, kind) = self.status_and_type();
        let message = match &self {
            // The detail is for the operator's log (inside the request's span, so it
            // carries the request and tenant ids), never for the client.
            Error::Internal(e) => {
                tracing::error!(error = ?e, "internal error");
                "An unknown error occurred.".to_owned()
            }
            Error::Unavailable(m) => {
                tracing::warn!(reason = %m, "service unavailable");
                m.clone()
            }
            other => other.to_string(),
        };
        let mut response = (status, Json(ErrorBody { kind, message })).into_response();
        match &self {
            Error::TooManyRequests(r) => {
                let h = response.headers_mut();
                h.insert(header::RETRY_AFTER, HeaderValue::from(r.retry_after_secs));
                rate_limit_headers(h, r.limit, 0, r.reset_secs);
            }
            // A dependency is away: tell well-behaved clients when to come back.
            Error::Unavailable(_) => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
            }
            _ => {}
        }
        response
    }
}

/// `RateLimit-Limit`, `-Remaining` and `-Reset` (draft-ietf-httpapi-ratelimit-headers):
/// the bucket's size, what is left of it, and whole seconds until it is full again.
pub fn rate_limit_headers(h: &mut HeaderMap, limit: u32, remaining: u32, reset_secs: u64) {
    h.insert("ratelimit-limit", HeaderValue::from(limit));
    h.insert("ratelimit-remaining", HeaderValue::from(remaining));
    h.insert("ratelimit-reset", HeaderValue::from(reset_secs));
}
