//! OpenAPI schemas for input fields whose Rust type says less than what serde accepts,
//! so the document describes every body Coral takes (tests/it/contract.rs checks it).

use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};

fn decimal_of(types: Vec<Type>) -> Schema {
    Schema::Object(
        ObjectBuilder::new()
            .schema_type(SchemaType::Array(types))
            .description(Some(r#"A decimal: a number (20.99) or a decimal string ("20.99")"#))
            .build(),
    )
}

/// A decimal amount: a JSON number (`20.99`) or a decimal string (`"20.99"`);
/// `rust_decimal` reads both exactly.
pub fn decimal() -> Schema {
    decimal_of(vec![Type::Number, Type::String])
}

/// [`decimal`], or null.
pub fn optional_decimal() -> Schema {
    decimal_of(vec![Type::Number, Type::String, Type::Null])
}
