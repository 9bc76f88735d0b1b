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

/// Unique constraints whose violation is the client's fault, with the message to show.
/// Constraint names are chosen in the migrations; a new unique constraint gets a line here.
const UNIQUE_MESSAGES: &[(&str, &str)] = &[
    ("tenants_handle_key", "A store with this handle already exists"),
    ("tenant_domains_pkey", "This domain is already used by a store"),
    (
        "staff_users_tenant_id_email_key",
        "A user with this email already exists",
    ),
    ("placements_name_key", "A placement with this name already exists"),
    ("region_countries_pkey", "A country can belong to only one region"),
    ("products_handle_key", "A product with this handle already exists"),
    ("product_variants_sku_key", "A variant with this SKU already exists"),
    (
        "product_collections_handle_key",
        "A collection with this handle already exists",
    ),
    (
        "product_categories_handle_key",
        "A category with this handle already exists",
    ),
    (
        "product_options_title_key",
        "A product cannot have two options with the same title",
    ),
    (
        "product_option_values_value_key",
        "An option cannot have the same value twice",
    ),
    (
        "prices_variant_currency_region_key",
        "A variant can have only one price per currency and region",
    ),
    (
        "customer_groups_name_key",
        "A customer group with this name already exists",
    ),
    (
        "catalog_links_source_product_key",
        "This store is already subscribed to that product",
    ),
];

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => Error::NotFound("Not found".into()),
            sqlx::Error::PoolTimedOut => Error::Unavailable("The database is busy, try again".into()),
            // The database went away (restart, failover): the client may retry; not a bug.
            sqlx::Error::Io(_) | sqlx::Error::PoolClosed => Error::Unavailable(DB_UNAVAILABLE.into()),
            // The server is shutting down, crashed, or still recovering (class 57P: operator
            // intervention; class 08: connection exception): the same, not a bug.
            sqlx::Error::Database(db) if db.code().is_some_and(|c| c.starts_with("57P") || c.starts_with("08")) => {
                Error::Unavailable(DB_UNAVAILABLE.into())
            }
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                let name = db.constraint().unwrap_or_default();
                match UNIQUE_MESSAGES.iter().find(|(c, _)| *c == name) {
                    Some((_, msg)) => Error::Duplicate((*msg).into()),
                    None => Error::Internal(anyhow::Error::new(e)),
                }
            }
            // References are checked by the use cases; these are the races they cannot see.
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                Error::InvalidData("A referenced resource does not exist".into())
            }
            // Text PostgreSQL cannot store (NUL, bad encoding): the edge guard
            // (`http::guard`) refuses it first; this keeps any path it misses a 400.
            sqlx::Error::Database(db) if matches!(db.code().as_deref(), Some("22021" | "22P05")) => {
                Error::InvalidData("Invalid request: text contains a character that cannot be stored".into())
            }
            sqlx::Error::Database(db) if db.is_check_violation() => {
                Error::InvalidData("A value is out of its allowed range".into())
            }
            _ => Error::Internal(anyhow::Error::new(e)),
        }
    }
}
