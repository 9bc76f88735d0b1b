//! The one place a database error becomes a [`core::Error`](crate::core::Error): which
//! failures are the client's (a duplicate, a missing reference, text PostgreSQL cannot
//! store), which mean "come back shortly" (the server away or busy), and which are bugs.
//! Constraint names are chosen in the migrations, so their messages live here in `db`,
//! next to the queries, and `core` knows nothing of sqlx.

use crate::core::error::DB_UNAVAILABLE;
use crate::core::Error;

/// Unique constraints whose violation is the client's fault, with the message to show.
/// Constraint names are chosen in the migrations; a new unique constraint gets a line here.
pub(crate) const UNIQUE_MESSAGES: &[(&str, &str)] = &[
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
                // Citus forwards a worker's error without its constraint field: the name is
                // then read from the message, which quotes it.
                let quoted = db.message().split('"').nth(1).unwrap_or_default();
                let name = logical_name(db.constraint().unwrap_or(quoted));
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

/// A constraint's name as the migrations chose it: on Citus, a shard's copy reports its
/// own name with the shard id appended (`products_handle_key_103473`); no Coral name
/// ends in `_<digits>` (`tests/it/schema.rs` keeps it so for tables; constraints follow
/// their table's name).
fn logical_name(name: &str) -> &str {
    match name.rsplit_once('_') {
        Some((base, id)) if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) => base,
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::{logical_name, UNIQUE_MESSAGES};

    #[test]
    fn a_shard_suffix_is_dropped_from_constraint_names() {
        assert_eq!(logical_name("products_handle_key_103473"), "products_handle_key");
        assert_eq!(logical_name("products_handle_key"), "products_handle_key");
        assert_eq!(logical_name("x_"), "x_");
        for (name, _) in UNIQUE_MESSAGES {
            assert_eq!(logical_name(name), *name, "a constraint name ending in digits: {name}");
        }
    }
}
