//! The taxonomy rows a product names (its type, collection, tags, categories), looked up
//! by id when it is rendered: from the tenant's snapshot on storefront reads, or from
//! rows an admin use case loaded in its own transaction, so that answering a write never
//! rebuilds the snapshot the write just invalidated.

use crate::app::catalog::model::Product;
use crate::app::catalog::snapshot::Catalog;
use crate::core::Result;
use crate::db::catalog::rows::{CategoryRow, CollectionRow, ValueRow};
use crate::db::catalog::taxonomy::{self, Table};
use crate::db::TenantTx;

/// Taxonomy rows by id, as product rendering needs them.
pub trait Taxonomy {
    fn product_type(&self, id: &str) -> Option<&ValueRow>;
    fn collection(&self, id: &str) -> Option<&CollectionRow>;
    fn tag(&self, id: &str) -> Option<&ValueRow>;
    fn category(&self, id: &str) -> Option<&CategoryRow>;
}

impl Taxonomy for Catalog {
    fn product_type(&self, id: &str) -> Option<&ValueRow> {
        Catalog::product_type(self, id)
    }
    fn collection(&self, id: &str) -> Option<&CollectionRow> {
        Catalog::collection(self, id)
    }
    fn tag(&self, id: &str) -> Option<&ValueRow> {
        Catalog::tag(self, id)
    }
    fn category(&self, id: &str) -> Option<&CategoryRow> {
        self.categories.iter().find(|c| c.id == id)
    }
}

/// The taxonomy rows some products link to, read in the transaction that loaded them.
#[derive(Debug, Default)]
pub struct Linked {
    types: Vec<ValueRow>,
    collections: Vec<CollectionRow>,
    tags: Vec<ValueRow>,
    categories: Vec<CategoryRow>,
}

impl Linked {
    /// The rows `products` link to, as `tx` sees them (a write's own changes included).
    pub async fn load(tx: &mut TenantTx, products: &[Product]) -> Result<Self> {
        let mut types = taxonomy::values(tx, Table::Types).await?;
        types.retain(|t| products.iter().any(|p| p.row.type_id.as_deref() == Some(t.id.as_str())));
        let mut collections = taxonomy::collections(tx).await?;
        collections.retain(|c| {
            products
                .iter()
                .any(|p| p.row.collection_id.as_deref() == Some(c.id.as_str()))
        });
        let mut tags = taxonomy::values(tx, Table::Tags).await?;
        tags.retain(|t| products.iter().any(|p| p.tag_ids.contains(&t.id)));
        let mut categories = taxonomy::categories(tx).await?;
        categories.retain(|c| products.iter().any(|p| p.category_ids.contains(&c.id)));
        Ok(Self {
            types,
            collections,
            tags,
            categories,
        })
    }
}

impl Taxonomy for Linked {
    fn product_type(&self, id: &str) -> Option<&ValueRow> {
        self.types.iter().find(|t| t.id == id)
    }
    fn collection(&self, id: &str) -> Option<&CollectionRow> {
        self.collections.iter().find(|c| c.id == id)
    }
    fn tag(&self, id: &str) -> Option<&ValueRow> {
        self.tags.iter().find(|t| t.id == id)
    }
    fn category(&self, id: &str) -> Option<&CategoryRow> {
        self.categories.iter().find(|c| c.id == id)
    }
}

/// Products an admin use case read or wrote, with the taxonomy rows they link to.
#[derive(Debug)]
pub struct WithLinks<T> {
    pub products: T,
    pub linked: Linked,
}

impl WithLinks<Vec<Product>> {
    /// `products` with their linked rows, read in `tx`.
    pub async fn load(tx: &mut TenantTx, products: Vec<Product>) -> Result<Self> {
        let linked = Linked::load(tx, &products).await?;
        Ok(Self { products, linked })
    }

    /// The only product (a single-product use case loaded exactly one).
    pub fn single(mut self) -> WithLinks<Product> {
        WithLinks {
            products: self.products.remove(0),
            linked: self.linked,
        }
    }
}
