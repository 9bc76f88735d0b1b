//! The postal fields every address in Medusa's API shares: a cart's or order's
//! shipping/billing address, a customer's saved address. One definition, so the field
//! list, its JSON names and its metadata rule live in one place; the other address
//! types contain it (`#[serde(flatten)]`) and add their own fields.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A postal address in Medusa's field names. Every field is optional and answers
/// `null` when unset.
///
/// As an input (a cart's `shipping_address`) it refuses unknown fields, and `metadata`
/// must be an object or null (400 otherwise, see [`crate::core::metadata::object`]).
/// When contained with `#[serde(flatten)]`, serde hands it only its own keys, so the
/// container decides about unknown ones.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostalAddress {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    pub address_1: Option<String>,
    pub address_2: Option<String>,
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2 (stored lowercase).
    pub country_code: Option<String>,
    pub province: Option<String>,
    pub postal_code: Option<String>,
    pub phone: Option<String>,
    #[serde(default, deserialize_with = "crate::core::metadata::object")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
}
