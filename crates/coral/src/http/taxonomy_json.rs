//! Taxonomy records in Medusa's JSON shapes: collections, tags, types, categories, and
//! the product summary they list (`StoreCollection`, `StoreProductTag`, …).

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::app::catalog::model::{CategoryRow, CollectionRow, Meta, Product, ValueRow};

pub(crate) fn meta(m: &Meta) -> Option<Value> {
    m.as_ref().map(|j| j.0.clone())
}

/// Medusa's `StoreCollection`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreCollection {
    pub id: String,
    pub title: String,
    pub handle: String,
    pub external_id: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

pub fn collection(c: &CollectionRow) -> StoreCollection {
    StoreCollection {
        id: c.id.clone(),
        title: c.title.clone(),
        handle: c.handle.clone(),
        external_id: c.external_id.clone(),
        metadata: meta(&c.metadata),
        created_at: c.created_at,
        updated_at: c.updated_at,
        deleted_at: None,
    }
}

/// Medusa's `StoreProductTag`, and its `StoreProductType` (the same record); `products`
/// on the tag and type routes (Medusa's default `*products`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreProductTag {
    pub id: String,
    pub value: String,
    pub external_id: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub products: Option<Vec<StoreProductSummary>>,
}

/// Medusa's `StoreProductType`: the same record as a tag (`products` on the type routes).
pub type StoreProductType = StoreProductTag;

/// A tag (tags and types are both `{id, value}` records; see [`product_type`]).
pub fn value(v: &ValueRow) -> StoreProductTag {
    StoreProductTag {
        id: v.id.clone(),
        value: v.value.clone(),
        external_id: None,
        metadata: meta(&v.metadata),
        created_at: v.created_at,
        updated_at: v.updated_at,
        deleted_at: None,
        products: None,
    }
}

/// A product type (the same record as a tag).
pub fn product_type(v: &ValueRow) -> StoreProductType {
    value(v)
}

/// A product as a relation of a tag or type (Medusa's `*products`): its own columns,
/// without variants and the other relations.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreProductSummary {
    pub id: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub description: Option<String>,
    pub handle: String,
    pub is_giftcard: bool,
    pub discountable: bool,
    pub thumbnail: Option<String>,
    pub collection_id: Option<String>,
    pub type_id: Option<String>,
    pub external_id: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

pub fn product_summary(p: &Product) -> StoreProductSummary {
    let r = &p.row;
    StoreProductSummary {
        id: r.id.clone(),
        title: r.title.clone(),
        subtitle: r.subtitle.clone(),
        description: r.description.clone(),
        handle: r.handle.clone(),
        is_giftcard: r.is_giftcard,
        discountable: r.discountable,
        thumbnail: r.thumbnail.clone(),
        collection_id: r.collection_id.clone(),
        type_id: r.type_id.clone(),
        external_id: r.external_id.clone(),
        metadata: meta(&r.metadata),
        created_at: r.created_at,
        updated_at: r.updated_at,
        deleted_at: None,
    }
}

/// Medusa's `StoreProductCategory`; `parent_category` and `category_children` are filled
/// when the category routes are asked for the tree. `is_active` only on admin routes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreProductCategory {
    pub id: String,
    pub name: String,
    pub description: String,
    pub handle: String,
    pub rank: i32,
    pub external_id: Option<String>,
    pub parent_category_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    #[schema(no_recursion)]
    pub parent_category: Option<Box<StoreProductCategory>>,
    #[schema(no_recursion)]
    pub category_children: Vec<StoreProductCategory>,
    pub is_internal: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
}

pub fn category(c: &CategoryRow, admin: bool) -> StoreProductCategory {
    StoreProductCategory {
        id: c.id.clone(),
        name: c.name.clone(),
        description: c.description.clone(),
        handle: c.handle.clone(),
        rank: c.rank,
        external_id: c.external_id.clone(),
        parent_category_id: c.parent_category_id.clone(),
        created_at: c.created_at,
        updated_at: c.updated_at,
        metadata: meta(&c.metadata),
        parent_category: None,
        category_children: Vec::new(),
        is_internal: c.is_internal,
        is_active: admin.then_some(c.is_active),
    }
}
