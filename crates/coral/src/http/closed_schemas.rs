//! Closed `allOf` schemas, merged. utoipa renders a struct with a `#[serde(flatten)]`
//! field as `allOf` of the flattened struct's schema and the struct's own fields. When
//! the flattened struct refuses unknown fields (`deny_unknown_fields`, rendered as
//! `additionalProperties: false`, as `core::address::PostalAddress`), that `allOf` accepts
//! no object at all: each part refuses the other parts' properties. Such a schema is
//! replaced by one object with every part's properties, closed like its parts — which is
//! what serde writes, and what a container that refuses unknown fields reads.

use utoipa::openapi::schema::{AdditionalProperties, Object, Schema};
use utoipa::openapi::{OpenApi, RefOr};

/// Merges every component schema that is an `allOf` of objects, one of them closed, into
/// one closed object (repeatedly, so a struct flattening a merged one is merged too).
pub fn merge(api: &mut OpenApi) {
    let Some(components) = api.components.as_mut() else {
        return;
    };
    loop {
        let mut merged = None;
        for (name, schema) in &components.schemas {
            if let RefOr::T(Schema::AllOf(all)) = schema {
                let parts: Option<Vec<&Object>> = all.items.iter().map(|p| object(p, &components.schemas)).collect();
                if let Some(parts) = parts.filter(|ps| ps.iter().any(|p| closed(p))) {
                    let mut one = Object::new();
                    one.description = all.description.clone();
                    for part in parts {
                        one.properties.extend(part.properties.clone());
                        one.required.extend(part.required.iter().cloned());
                    }
                    one.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
                    merged = Some((name.clone(), one));
                    break;
                }
            }
        }
        match merged {
            Some((name, one)) => {
                components.schemas.insert(name, RefOr::T(Schema::Object(one)));
            }
            None => return,
        }
    }
}

fn closed(o: &Object) -> bool {
    matches!(
        o.additional_properties.as_deref(),
        Some(AdditionalProperties::FreeForm(false))
    )
}

/// The object a part of an `allOf` stands for: inline, a component, or a `oneOf` of one
/// (utoipa's wrapping of a flattened field with a default).
fn object<'a>(
    part: &'a RefOr<Schema>,
    schemas: &'a std::collections::BTreeMap<String, RefOr<Schema>>,
) -> Option<&'a Object> {
    match part {
        RefOr::T(Schema::Object(o)) => Some(o),
        RefOr::T(Schema::OneOf(one)) if one.items.len() == 1 => object(&one.items[0], schemas),
        RefOr::Ref(r) => {
            let name = r.ref_location.strip_prefix("#/components/schemas/")?;
            object(schemas.get(name)?, schemas)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    /// The address schemas are single closed objects naming every field they carry.
    #[test]
    fn flattened_addresses_are_one_closed_object() {
        let doc = serde_json::to_value(crate::http::openapi()).unwrap();
        let schemas = &doc["components"]["schemas"];
        for (name, own) in [
            ("AddressDocument", "id"),
            ("StoreCartAddress", "region_code"),
            ("StoreOrderAddress", "customer_id"),
            ("AddressFields", "is_default_billing"),
            ("StoreCustomerAddress", "address_name"),
        ] {
            let s = &schemas[name];
            assert_eq!(s["type"], "object", "{name}: {s}");
            assert_eq!(s["additionalProperties"], Value::Bool(false), "{name}");
            for field in [own, "first_name", "country_code", "metadata"] {
                assert!(s["properties"].get(field).is_some(), "{name} lacks {field}: {s}");
            }
        }
    }
}
