//! The one error enum of Coral. Every layer returns it; `http::error` maps it to
//! Medusa's `{type, message}` body in one place.

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What a client is told while the database is away (a 503 `unavailable`).
pub const DB_UNAVAILABLE: &str = "The database is unavailable, try again shortly";

/// Seconds a client is asked to wait (`Retry-After`) after a 503.
pub const RETRY_AFTER_SECS: u64 = 1;

/// A refused request's rate-limit state, for the 429 response's headers.
#[derive(Debug, Clone)]
pub struct RateLimited {
    pub message: String,
    /// Requests allowed at once (the bucket's size).
    pub limit: u32,
    /// Whole seconds until a request will be allowed again (at least 1).
    pub retry_after_secs: u64,
    /// Whole seconds until the bucket is full again.
    pub reset_secs: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// 400 `invalid_data`: the request is malformed or breaks a rule.
    #[error("{0}")]
    InvalidData(String),
    /// 400 `not_allowed`: Medusa's answer for a missing or invalid publishable key.
    #[error("{0}")]
    NotAllowed(String),
    /// 401 `unauthorized`.
    #[error("{0}")]
    Unauthorized(String),
    /// 403 `not_allowed`: authenticated, but this actor or store may not do it.
    #[error("{0}")]
    Forbidden(String),
    /// 404 `not_found`. Also the answer for another tenant's ids: never reveal they exist.
    #[error("{0}")]
    NotFound(String),
    /// 409 `conflict`: the resource's state forbids the change.
    #[error("{0}")]
    Conflict(String),
    /// 422 `duplicate_error`: a unique value is already taken.
    #[error("{0}")]
    Duplicate(String),
    /// 429 `too_many_requests`: the tenant is over its rate limit for this API family.
    #[error("{}", .0.message)]
    TooManyRequests(RateLimited),
    /// 413 `payload_too_large`.
    #[error("Request body is too large")]
    PayloadTooLarge,
    /// 503 `unavailable`: a dependency (the database) cannot serve right now.
    #[error("{0}")]
    Unavailable(String),
    /// 500: a bug or an unexpected failure. The detail goes to the log, never to the client.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl Error {
    pub fn invalid(msg: impl Into<String>) -> Self {
        Self::InvalidData(msg.into())
    }

    pub fn not_found(msg: impl Into<String>) -> Self {
        Self::NotFound(msg.into())
    }

    /// 401 with Medusa's plain message: no detail on why a credential was refused.
    pub fn unauthorized() -> Self {
        Self::Unauthorized("Unauthorized".into())
    }
}
