//! Medusa's `fields=` selection, applied to a rendered JSON tree.
//!
//! Entries starting with `+`, `*` or a space (a `+` decoded from the query string), or
//! ending in `.*`, add to the defaults; `-x` removes; any bare entry makes the list replace
//! the defaults (`id` is always kept). `a.b` selects field `b` of relation `a`; `*a`
//! includes relation `a` whole.

use std::collections::{BTreeMap, BTreeSet};
use std::marker::PhantomData;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::Value;
use utoipa::openapi::schema::{ArrayItems, Schema};
use utoipa::openapi::{OpenApi, RefOr};

/// `value` with the request's `fields=` applied (see [`Selection::select`]).
pub fn selected(mut value: Value, fields: Option<&str>) -> Value {
    Selection::select(&mut value, fields);
    value
}

/// Clears `required` in every schema that the 2xx body of an operation taking `fields=`
/// reaches: selection can remove any property, so a body without one is still valid.
/// Runs once on the finished document (see `documented::Documented::into_router`).
pub fn relax_selectable(doc: &mut OpenApi) {
    // The reach is found on the document as JSON (simple to walk), the change made on
    // the document itself.
    let Ok(tree) = serde_json::to_value(&*doc) else {
        return;
    };
    let mut names = BTreeSet::new();
    for item in tree["paths"].as_object().into_iter().flat_map(|p| p.values()) {
        for op in item.as_object().into_iter().flat_map(|o| o.values()) {
            let takes_fields = op["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["name"] == "fields" && p["in"] == "query"));
            if !takes_fields {
                continue;
            }
            for (status, response) in op["responses"].as_object().into_iter().flatten() {
                if status.starts_with('2') {
                    collect_refs(&tree, &response["content"], &mut names);
                }
            }
        }
    }
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    for name in &names {
        if let Some(RefOr::T(schema)) = components.schemas.get_mut(name) {
            relax(schema);
        }
    }
}

/// Component schema names reached from `v`, following `$ref`s through the components.
fn collect_refs(tree: &Value, v: &Value, names: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            if let Some(name) = m
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                if names.insert(name.to_owned()) {
                    collect_refs(tree, &tree["components"]["schemas"][name], names);
                }
            }
            m.values().for_each(|x| collect_refs(tree, x, names));
        }
        Value::Array(a) => a.iter().for_each(|x| collect_refs(tree, x, names)),
        _ => {}
    }
}

/// Removes `required` from a schema and the inline schemas inside it.
fn relax(schema: &mut Schema) {
    let inline = |r: &mut RefOr<Schema>| {
        if let RefOr::T(s) = r {
            relax(s);
        }
    };
    match schema {
        Schema::Object(o) => {
            o.required.clear();
            o.properties.values_mut().for_each(inline);
        }
        Schema::Array(a) => {
            if let ArrayItems::RefOrSchema(items) = &mut a.items {
                inline(items);
            }
        }
        Schema::AllOf(all) => all.items.iter_mut().for_each(inline),
        Schema::OneOf(one) => one.items.iter_mut().for_each(inline),
        Schema::AnyOf(any) => any.items.iter_mut().for_each(inline),
        _ => {}
    }
}

/// A typed response body `T` after `fields=` selection: built from a `T`, sent as the
/// selected JSON. The route documents `T` (whose properties selection can remove are
/// not `required`); the type parameter keeps handler signatures saying what they send.
pub struct Selected<T> {
    body: Value,
    _shape: PhantomData<fn() -> T>,
}

impl<T: Serialize> Selected<T> {
    /// `body` with `fields` applied to its member `key` (an object, or each object of an
    /// array: `{ cart }`, `{ regions, count, … }`). Other members are left as they are.
    pub fn new(body: &T, key: &str, fields: Option<&str>) -> Self {
        // A derived `Serialize` of plain data cannot fail; `Null` would show the bug.
        let mut body = serde_json::to_value(body).unwrap_or_default();
        if let Some(member) = body.get_mut(key) {
            Selection::select(member, fields);
        }
        Selected {
            body,
            _shape: PhantomData,
        }
    }
}

impl<T> IntoResponse for Selected<T> {
    fn into_response(self) -> Response {
        Json(self.body).into_response()
    }
}

/// A typed response body `T` already written as JSON text (the product routes, whose
/// products come from the render cache as text).
pub struct Prerendered<T> {
    text: String,
    _shape: PhantomData<fn() -> T>,
}

impl<T> Prerendered<T> {
    /// `text` must be the JSON of a `T` (after `fields=` selection).
    pub fn new(text: String) -> Self {
        Prerendered {
            text,
            _shape: PhantomData,
        }
    }
}

impl<T> IntoResponse for Prerendered<T> {
    fn into_response(self) -> Response {
        ([(header::CONTENT_TYPE, "application/json")], self.text).into_response()
    }
}

#[derive(Debug, Default, Clone)]
pub struct Selection {
    /// Only `id` and what is named; otherwise the defaults plus what is named.
    replace: bool,
    /// The whole relation was asked for (`*rel`).
    all: bool,
    include: BTreeSet<String>,
    remove: BTreeSet<String>,
    children: BTreeMap<String, Selection>,
}

impl Selection {
    pub fn parse(fields: Option<&str>) -> Self {
        let mut root = Selection::default();
        for raw in fields.unwrap_or("").split(',') {
            if raw.trim().is_empty() {
                continue;
            }
            let removing = raw.trim_start().starts_with('-');
            let star = raw.trim_start().starts_with('*') || raw.trim_end().ends_with(".*");
            let additive = raw.starts_with(['+', ' ', '*']) || raw.trim_end().ends_with(".*");
            if !additive && !removing {
                root.replace = true;
            }
            let path = raw.trim().trim_start_matches(['+', '*', '-']).trim_end_matches(".*");
            let parts: Vec<&str> = path.split('.').filter(|p| !p.is_empty()).collect();
            let Some((last, parents)) = parts.split_last() else {
                continue;
            };
            let mut node = &mut root;
            for p in parents {
                node.include.insert((*p).to_owned());
                node = node.children.entry((*p).to_owned()).or_default();
            }
            if removing {
                node.remove.insert((*last).to_owned());
            } else {
                node.include.insert((*last).to_owned());
                if star {
                    node.children.entry((*last).to_owned()).or_default().all = true;
                }
            }
        }
        root
    }

    /// Applies `fields` to a response whose rendering already holds every default field
    /// (Coral's carts, orders, customers…): additions change nothing, `-x` removes, and
    /// a replacing list keeps only `id` and what it names.
    pub fn select(value: &mut Value, fields: Option<&str>) {
        if fields.is_some_and(|f| !f.trim().is_empty()) {
            Selection::parse(fields).apply(value, None, &|_| None);
        }
    }

    /// Prunes `value` (an object, or array of objects) to this selection. `defaults` are
    /// the keys kept when nothing replaces them (`None`: all keys); `nested` gives the
    /// defaults of relations by name.
    pub fn apply(
        &self,
        value: &mut Value,
        defaults: Option<&[&str]>,
        nested: &dyn Fn(&str) -> Option<&'static [&'static str]>,
    ) {
        self.apply_at(value, defaults, nested, false);
    }

    fn apply_at(
        &self,
        value: &mut Value,
        defaults: Option<&[&str]>,
        nested: &dyn Fn(&str) -> Option<&'static [&'static str]>,
        restrict: bool,
    ) {
        match value {
            Value::Array(items) => {
                for item in items {
                    self.apply_at(item, defaults, nested, restrict);
                }
            }
            Value::Object(map) => {
                let replace = (self.replace || restrict) && !self.all;
                map.retain(|k, _| {
                    let default = defaults.is_none_or(|d| d.contains(&k.as_str()));
                    let kept = if replace {
                        k == "id" || self.include.contains(k)
                    } else {
                        default || self.include.contains(k)
                    };
                    kept && !self.remove.contains(k)
                });
                for (k, v) in map.iter_mut() {
                    match self.children.get(k) {
                        // Under a replacing list, a relation named only through its fields
                        // keeps just those fields.
                        Some(child) => child.apply_at(v, nested(k), nested, replace && !child.all),
                        // Not named below itself: the relation's own defaults.
                        None if nested(k).is_some() => Selection::default().apply_at(v, nested(k), nested, false),
                        None => {}
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn product() -> Value {
        json!({"id": "p", "title": "t", "handle": "h", "metadata": {"a": 1},
               "variants": [{"id": "v", "sku": "s", "inventory_quantity": 3, "calculated_price": {"amount": 1}}]})
    }

    fn nested(rel: &str) -> Option<&'static [&'static str]> {
        (rel == "variants").then_some(&["id", "sku", "calculated_price"][..])
    }

    fn apply(fields: &str) -> Value {
        let mut p = product();
        Selection::parse(Some(fields)).apply(&mut p, Some(&["id", "title", "handle", "variants"]), &nested);
        p
    }

    #[test]
    fn defaults_additions_replacements_and_removals() {
        assert_eq!(
            apply(""),
            json!({"id": "p", "title": "t", "handle": "h",
            "variants": [{"id": "v", "sku": "s", "calculated_price": {"amount": 1}}]})
        );
        // The Next.js starter's list: additive, with a trailing comma and a decoded '+'.
        let p = apply("*variants.calculated_price, variants.inventory_quantity, metadata,");
        assert_eq!(p["metadata"], json!({"a": 1}));
        assert_eq!(p["variants"][0]["inventory_quantity"], 3);
        assert_eq!(p["variants"][0]["sku"], "s");
        // Medusa's sample: bare fields replace the defaults, relations keep only what is named.
        assert_eq!(
            apply("id,title,*variants.calculated_price"),
            json!({"id": "p", "title": "t", "variants": [{"id": "v", "calculated_price": {"amount": 1}}]})
        );
        assert_eq!(apply("handle"), json!({"id": "p", "handle": "h"}));
        assert_eq!(apply("-title,-variants")["title"], Value::Null);
        assert!(apply("-variants").get("variants").is_none());
    }
}
