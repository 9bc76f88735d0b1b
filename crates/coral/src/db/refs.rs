//! References a request names: the one check that ids are rows of the transaction's own
//! store and of the expected kind, and the mapping of a composite foreign key's
//! violation to the same client error, beside the query that can raise it.
//!
//! Use cases call [`require`] in the transaction that writes the reference; the rows are
//! locked `FOR KEY SHARE`, so a concurrent delete waits for the write and then finds it
//! (or the foreign key refuses it), and no reference to a vanished row is ever stored.
//! The schema backs it: every reference column has a `(tenant_id, column)` foreign key
//! (`tests/it/schema.rs` checks that generically).

use crate::core::{Error, Result};
use crate::db::TenantTx;

/// A kind of row a request can name: its table, and how Medusa words an unknown one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ref {
    Region,
    StockLocation,
    SalesChannel,
    Collection,
    Category,
    Tag,
    ProductType,
}

impl Ref {
    fn table(self) -> &'static str {
        match self {
            Ref::Region => "regions",
            Ref::StockLocation => "stock_locations",
            Ref::SalesChannel => "sales_channels",
            Ref::Collection => "product_collections",
            Ref::Category => "product_categories",
            Ref::Tag => "product_tags",
            Ref::ProductType => "product_types",
        }
    }

    /// Rows of this kind that are soft-deleted no longer exist for a new reference.
    fn soft_deleted(self) -> bool {
        matches!(self, Ref::Region)
    }

    /// The client error for ids that are not rows of this kind in the store: Medusa's
    /// "… with id: … was not found" (404) for a single reference, and its 400 listing
    /// them for a set of references (`Tags tag_1, tag_2 do not exist`).
    pub fn unknown(self, ids: &[String]) -> Error {
        match self {
            Ref::StockLocation => Error::not_found(format!("Stock location with id: {} was not found", ids.join(", "))),
            Ref::Region => Error::invalid(format!("Region with id: {} was not found", ids.join(", "))),
            _ => {
                let what = match self {
                    Ref::SalesChannel => "Sales channels",
                    Ref::Collection => "Collections",
                    Ref::Category => "Categories",
                    Ref::Tag => "Tags",
                    _ => "Product types",
                };
                Error::invalid(format!("{what} {} do not exist", ids.join(", ")))
            }
        }
    }
}

/// Checks that every id in `ids` is a row of kind `kind` in the transaction's store, and
/// locks them against deletion until the transaction ends; else `kind.unknown(missing)`.
pub async fn require(tx: &mut TenantTx, kind: Ref, ids: &[String]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let live = if kind.soft_deleted() {
        " AND deleted_at IS NULL"
    } else {
        ""
    };
    let found: Vec<String> = tx
        .query_scalar(&format!(
            "SELECT id FROM {} WHERE tenant_id = $1 AND id = ANY($2){live} FOR KEY SHARE",
            kind.table()
        ))
        .bind(ids)
        .fetch_all(tx.conn())
        .await?;
    let mut missing: Vec<String> = ids.iter().filter(|i| !found.contains(i)).cloned().collect();
    missing.sort();
    missing.dedup();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(kind.unknown(&missing))
    }
}

/// [`require`] for one optional reference.
pub async fn require_one(tx: &mut TenantTx, kind: Ref, id: Option<&str>) -> Result<()> {
    match id {
        Some(id) => require(tx, kind, &[id.to_owned()]).await,
        None => Ok(()),
    }
}

/// Maps a named constraint's violation to a client error, beside the query that can
/// raise it (realworld-axum-sqlx's `on_constraint`): a reference the use case did not
/// check (or a race it could not see) still answers the right 4xx, never a 500.
pub trait OnConstraint<T> {
    fn on_constraint(self, name: &str, error: impl FnOnce() -> Error) -> Result<T>;
}

impl<T> OnConstraint<T> for std::result::Result<T, sqlx::Error> {
    fn on_constraint(self, name: &str, error: impl FnOnce() -> Error) -> Result<T> {
        self.map_err(|e| match &e {
            sqlx::Error::Database(db) if db.constraint() == Some(name) => error(),
            _ => Error::from(e),
        })
    }
}
