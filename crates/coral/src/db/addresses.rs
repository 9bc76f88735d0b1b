//! The postal address document stored on a cart and copied onto its order (the
//! `shipping_address` / `billing_address` JSONB columns), in Medusa's field names.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::types::Json;

/// A postal address as stored on a cart or order. Reading is lenient: a document lacking
/// a key (older carts) shows it as null, and metadata that is not an object as absent.
/// Inputs are checked before a document is written (`app::checkout::carts::AddressIn`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AddressDocument {
    /// `caaddr_…`, set when the document is written.
    pub id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    pub address_1: Option<String>,
    pub address_2: Option<String>,
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2, lowercase.
    pub country_code: Option<String>,
    pub province: Option<String>,
    pub postal_code: Option<String>,
    pub phone: Option<String>,
    #[schema(value_type = Option<Object>)]
    #[serde(deserialize_with = "crate::core::metadata::stored_object")]
    pub metadata: Option<Value>,
}

impl AddressDocument {
    /// The document in a cart's or order's address column, if any (a malformed one reads
    /// as an empty address rather than failing the whole cart).
    pub fn read(column: Option<&Json<Value>>) -> Option<AddressDocument> {
        column.map(|c| serde_json::from_value(c.0.clone()).unwrap_or_default())
    }
}
