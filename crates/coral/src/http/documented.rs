//! The router under construction, watching the schema names its routes register.
//!
//! utoipa names a schema after its Rust type's bare name, and the document keeps one
//! schema per name: two types called `OptionIn` in different modules silently become one
//! schema (the last registered wins), so a client built from the document sends the
//! wrong body. Every route's schemas pass through [`Documented::routes`], which notes
//! each name with every distinct schema seen under it; [`Documented::collisions`] lists
//! the names that carry more than one (a test asserts there are none).

use std::collections::BTreeMap;

use utoipa::openapi::schema::Schema;
use utoipa::openapi::{OpenApi, RefOr};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};

use crate::http::extract::AppState;

/// An [`OpenApiRouter`] and the schemas registered so far, by name.
pub struct Documented {
    router: OpenApiRouter<AppState>,
    schemas: BTreeMap<String, Vec<String>>,
}

impl Documented {
    pub fn new(doc: OpenApi) -> Self {
        Self {
            router: OpenApiRouter::with_openapi(doc),
            schemas: BTreeMap::new(),
        }
    }

    /// Registers one `routes!(…)` group, noting the schemas it brings.
    pub fn routes(mut self, group: UtoipaMethodRouter<AppState>) -> Self {
        note(&mut self.schemas, &group.0);
        self.router = self.router.routes(group);
        self
    }

    /// The router, its document finished (`fields=` bodies relaxed: `fields::relax_selectable`).
    pub fn into_router(mut self) -> OpenApiRouter<AppState> {
        crate::http::fields::relax_selectable(self.router.get_openapi_mut());
        self.router
    }

    /// Names under which different schemas were registered, each with how many.
    pub fn collisions(&self) -> Vec<String> {
        collisions(&self.schemas)
    }
}

fn note(seen: &mut BTreeMap<String, Vec<String>>, schemas: &[(String, RefOr<Schema>)]) {
    for (name, schema) in schemas {
        let json = serde_json::to_string(schema).unwrap_or_default();
        let variants = seen.entry(name.clone()).or_default();
        if !variants.contains(&json) {
            variants.push(json);
        }
    }
}

fn collisions(seen: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    seen.iter()
        .filter(|(_, v)| v.len() > 1)
        .map(|(name, v)| format!("{name}: {} different schemas ({})", v.len(), v.join(" | ")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::openapi::schema::{ObjectBuilder, Type};

    fn object(field: &str) -> RefOr<Schema> {
        RefOr::T(Schema::Object(
            ObjectBuilder::new()
                .property(field, ObjectBuilder::new().schema_type(Type::String))
                .build(),
        ))
    }

    #[test]
    fn two_schemas_under_one_name_are_a_collision_and_one_schema_twice_is_not() {
        let mut seen = BTreeMap::new();
        note(
            &mut seen,
            &[
                ("OptionIn".into(), object("title")),
                ("PriceIn".into(), object("amount")),
            ],
        );
        note(&mut seen, &[("PriceIn".into(), object("amount"))]);
        assert!(collisions(&seen).is_empty());
        note(&mut seen, &[("OptionIn".into(), object("name"))]);
        let found = collisions(&seen);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("OptionIn: 2 different schemas"), "{found:?}");
    }
}
