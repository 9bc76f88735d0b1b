//! The postal address document stored on a cart and copied onto its order (the
//! `shipping_address` / `billing_address` JSONB columns), in Medusa's field names.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::types::Json;

use crate::core::address::PostalAddress;

/// A postal address as stored on a cart or order: the address and its id. Reading is
/// lenient: a document lacking a key (older carts) shows it as null, and metadata that
/// is not an object as absent. Inputs are checked before a document is written
/// (`app::checkout::carts::input`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AddressDocument {
    /// `caaddr_…`, set when the document is written.
    #[serde(default)]
    pub id: Option<String>,
    #[serde(flatten)]
    pub address: PostalAddress,
}

impl AddressDocument {
    /// The document in a cart's or order's address column, if any (a malformed one reads
    /// as an empty address rather than failing the whole cart).
    pub fn read(column: Option<&Json<Value>>) -> Option<AddressDocument> {
        column.map(|c| {
            let mut doc = c.0.clone();
            // Documents written before inputs were checked may hold a metadata that is
            // not an object; it reads as absent, the rest of the address as stored.
            if let Some(fields) = doc.as_object_mut() {
                if fields.get("metadata").is_some_and(|m| !m.is_object()) {
                    fields.remove("metadata");
                }
            }
            serde_json::from_value(doc).unwrap_or_default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(doc: Value) -> AddressDocument {
        AddressDocument::read(Some(&Json(doc))).unwrap()
    }

    #[test]
    fn a_stored_document_reads_leniently() {
        let doc = read(json!({"id": "caaddr_1", "city": "Oslo", "metadata": [1], "later_key": true}));
        assert_eq!(doc.id.as_deref(), Some("caaddr_1"));
        assert_eq!(doc.address.city.as_deref(), Some("Oslo"));
        assert_eq!(doc.address.metadata, None);
        assert_eq!(read(json!({})).address, PostalAddress::default());
        assert_eq!(read(json!("not a document")).id, None);
    }

    #[test]
    fn a_document_is_written_flat_with_every_key() {
        let doc = AddressDocument {
            id: Some("caaddr_1".into()),
            address: PostalAddress {
                metadata: Some(json!({"a": 1})),
                ..Default::default()
            },
        };
        let v = serde_json::to_value(doc).unwrap();
        assert_eq!(v["id"], "caaddr_1");
        assert_eq!(v["metadata"], json!({"a": 1}));
        assert!(v["first_name"].is_null() && v.as_object().unwrap().contains_key("first_name"));
        assert_eq!(v.as_object().unwrap().len(), 12);
    }
}
