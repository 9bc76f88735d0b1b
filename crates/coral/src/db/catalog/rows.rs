//! Row types of the catalog tables.

use std::ops::Deref;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde_json::Value;
use sqlx::types::Json;

pub type Meta = Option<Json<Value>>;

/// A product's content: what a master-catalog source owns in its subscribers' copies
/// (dimensions and weight in the tenant's own units, as entered).
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct ProductContent {
    pub title: String,
    pub subtitle: Option<String>,
    pub description: Option<String>,
    pub thumbnail: Option<String>,
    pub weight: Option<Decimal>,
    pub length: Option<Decimal>,
    pub height: Option<Decimal>,
    pub width: Option<Decimal>,
    pub hs_code: Option<String>,
    pub origin_country: Option<String>,
    pub mid_code: Option<String>,
    pub material: Option<String>,
}

/// Every stored field of a product but its id and timestamps: its content plus what the
/// tenant always owns (handle, status, flags, collection, type, external id, metadata).
/// What a write stores and a read returns.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct ProductFields {
    #[sqlx(flatten)]
    pub content: ProductContent,
    pub handle: String,
    pub status: String,
    pub is_giftcard: bool,
    pub discountable: bool,
    pub collection_id: Option<String>,
    pub type_id: Option<String>,
    pub external_id: Option<String>,
    pub metadata: Meta,
}

/// Reads see the content's fields directly (`fields.title`).
impl Deref for ProductFields {
    type Target = ProductContent;

    fn deref(&self) -> &ProductContent {
        &self.content
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProductRow {
    pub id: String,
    #[sqlx(flatten)]
    pub fields: ProductFields,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Reads see the product's fields directly (`row.handle`, `row.title`).
impl Deref for ProductRow {
    type Target = ProductFields;

    fn deref(&self) -> &ProductFields {
        &self.fields
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OptionRow {
    pub id: String,
    pub product_id: String,
    pub title: String,
    pub rank: i32,
    pub metadata: Meta,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OptionValueRow {
    pub id: String,
    pub option_id: String,
    pub value: String,
    pub rank: i32,
    pub metadata: Meta,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VariantRow {
    pub id: String,
    pub product_id: String,
    pub title: String,
    pub sku: Option<String>,
    pub barcode: Option<String>,
    pub ean: Option<String>,
    pub upc: Option<String>,
    pub allow_backorder: bool,
    pub manage_inventory: bool,
    pub hs_code: Option<String>,
    pub origin_country: Option<String>,
    pub mid_code: Option<String>,
    pub material: Option<String>,
    pub weight: Option<Decimal>,
    pub length: Option<Decimal>,
    pub height: Option<Decimal>,
    pub width: Option<Decimal>,
    pub variant_rank: i32,
    pub thumbnail: Option<String>,
    pub metadata: Meta,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PriceRow {
    pub id: String,
    pub variant_id: String,
    pub currency_code: String,
    pub region_id: Option<String>,
    pub amount: Decimal,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ImageRow {
    pub id: String,
    pub product_id: String,
    pub url: String,
    pub rank: i32,
    pub metadata: Meta,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A tag or a type (both are `{id, value}` records).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ValueRow {
    pub id: String,
    pub value: String,
    pub metadata: Meta,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CollectionRow {
    pub id: String,
    pub title: String,
    pub handle: String,
    pub external_id: Option<String>,
    pub metadata: Meta,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CategoryRow {
    pub id: String,
    pub name: String,
    pub description: String,
    pub handle: String,
    pub rank: i32,
    pub parent_category_id: Option<String>,
    pub is_active: bool,
    pub is_internal: bool,
    pub external_id: Option<String>,
    pub metadata: Meta,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `(product_id, other_id)` from a link table.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Link {
    pub product_id: String,
    pub other_id: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VariantOptionLink {
    pub variant_id: String,
    pub option_value_id: String,
}

/// Sellable stock of a variant over all locations (stocked minus reserved).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StockRow {
    pub variant_id: String,
    pub available: i64,
}
