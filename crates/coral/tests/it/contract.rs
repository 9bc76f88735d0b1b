//! The OpenAPI document as a contract the tests hold Coral to. Every request the
//! harness sends (`harness::send`) that Coral accepts (2xx) has its JSON body validated
//! against the request schema the document gives its route, with the `jsonschema`
//! crate: a body the server takes but the document refuses means the document is wrong
//! (a client generated from it could not send it). Bodies Coral refuses are not
//! checked — bad-input tests send them on purpose. Every answer whose status the route
//! documents with a JSON schema is validated against it the same way (a body the
//! document does not describe breaks generated clients). Schema names must be unique,
//! or two types silently share one schema.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::{json, Value};

/// A route of the document: method, path template segments, compiled body schema, and
/// the compiled schema of each response status that has one.
struct Route {
    method: String,
    segments: Vec<String>,
    body: Option<jsonschema::Validator>,
    responses: BTreeMap<String, jsonschema::Validator>,
}

/// `schema` compiled with the document's components (its `$ref`s point into them).
fn compile(schema: &Value, components: &Value, what: &str) -> jsonschema::Validator {
    let mut root = schema.clone();
    if let Some(o) = root.as_object_mut() {
        o.insert("components".into(), components.clone());
    }
    jsonschema::validator_for(&root).unwrap_or_else(|e| panic!("{what}: its schema does not compile: {e}"))
}

fn routes() -> &'static Vec<Route> {
    static ROUTES: OnceLock<Vec<Route>> = OnceLock::new();
    ROUTES.get_or_init(|| {
        let doc = serde_json::to_value(coral::http::openapi()).expect("document as JSON");
        let components = doc["components"].clone();
        let mut out = Vec::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                let body = op
                    .pointer("/requestBody/content/application~1json/schema")
                    .map(|schema| compile(schema, &components, &format!("{method} {path} body")));
                let responses = op["responses"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .filter_map(|(status, r)| {
                        let schema = r.pointer("/content/application~1json/schema")?;
                        let what = format!("{method} {path} {status}");
                        Some((status.clone(), compile(schema, &components, &what)))
                    })
                    .collect();
                out.push(Route {
                    method: method.to_uppercase(),
                    segments: path.split('/').map(str::to_owned).collect(),
                    body,
                    responses,
                });
            }
        }
        out
    })
}

/// The document's route for a concrete `method` and `path`: the match with the most
/// literal segments (`/admin/products/batch` over `/admin/products/{id}`).
fn route(method: &str, path: &str) -> Option<&'static Route> {
    let parts: Vec<&str> = path.split('/').collect();
    routes()
        .iter()
        .filter(|r| r.method == method && r.segments.len() == parts.len())
        .filter(|r| r.segments.iter().zip(&parts).all(|(s, p)| s.starts_with('{') || s == p))
        .max_by_key(|r| r.segments.iter().filter(|s| !s.starts_with('{')).count())
}

/// Why the document would refuse `body` on `method path` (empty when it accepts it, or
/// when the route is not in the document — unknown routes are another test's business).
pub fn violations(method: &str, path: &str, body: &Value) -> Vec<String> {
    let Some(r) = route(method, path) else {
        return Vec::new();
    };
    match &r.body {
        Some(v) => v
            .iter_errors(body)
            .map(|e| format!("{e} (at {})", e.instance_path()))
            .collect(),
        None if body.as_object().is_some_and(|o| !o.is_empty()) => {
            vec!["the document describes no request body for this route".into()]
        }
        None => Vec::new(),
    }
}

/// Why the document's schema for `status` answers of `method path` refuses `body`
/// (empty when it accepts it, or documents no JSON schema for that status).
pub fn response_violations(method: &str, path: &str, status: u16, body: &Value) -> Vec<String> {
    let Some(v) = route(method, path).and_then(|r| r.responses.get(&status.to_string())) else {
        return Vec::new();
    };
    v.iter_errors(body)
        .map(|e| format!("{e} (at {})", e.instance_path()))
        .collect()
}

/// What the harness noted about a request before sending it.
pub struct Sent {
    method: String,
    path: String,
    /// The JSON body, if the request had one.
    body: Option<Value>,
}

impl Sent {
    pub fn of(req: &reqwest::Request) -> Sent {
        let body = req
            .body()
            .and_then(|b| b.as_bytes())
            .and_then(|bytes| serde_json::from_slice(bytes).ok());
        Sent {
            method: req.method().as_str().to_owned(),
            path: req.url().path().to_owned(),
            body,
        }
    }

    /// Fails the calling test when Coral answered `status` with a body its document's
    /// schema for that status refuses. Checked on the families whose answers are typed
    /// (`/store`, `/auth`); the others join as theirs are.
    pub fn check_answer(&self, status: u16, body: &Value) {
        if !["/store/", "/auth/", "/admin/", "/platform/"]
            .iter()
            .any(|f| self.path.starts_with(f))
        {
            return;
        }
        let found = response_violations(&self.method, &self.path, status, body);
        assert!(
            found.is_empty(),
            "Coral answered {} {} with {status} and a body its OpenAPI document refuses:\n{}\n{body}",
            self.method,
            self.path,
            found.join("\n")
        );
    }

    /// Fails the calling test when Coral accepted a body its document refuses.
    pub fn check_accepted(&self) {
        let Some(body) = &self.body else { return };
        let found = violations(&self.method, &self.path, body);
        assert!(
            found.is_empty(),
            "Coral accepted {} {} with {}, which its OpenAPI document refuses:\n{}",
            self.method,
            self.path,
            body,
            found.join("\n")
        );
    }
}

#[test]
fn schema_names_in_the_document_are_unique() {
    let collisions = coral::http::schema_name_collisions();
    assert!(
        collisions.is_empty(),
        "several types share a schema name (rename one, or #[schema(as = …)]):\n{}",
        collisions.join("\n")
    );
}

#[test]
fn the_contract_check_tells_a_documented_body_from_one_the_document_refuses() {
    // A product's options are `{title, values}` (the report: they pointed at the
    // shipping option's schema, which wants `{name, amount}`).
    let product = json!({"title": "Shirt", "options": [{"title": "Size", "values": ["S"]}],
                         "variants": [{"title": "S", "options": {"Size": "S"}}]});
    assert_eq!(violations("POST", "/admin/products", &product), Vec::<String>::new());
    let shipping_shaped = json!({"title": "Shirt", "options": [{"name": "Size", "amount": 1}]});
    assert!(!violations("POST", "/admin/products", &shipping_shaped).is_empty());
    let option = json!({"name": "Standard", "region_id": "reg_1", "amount": 10});
    assert_eq!(
        violations("POST", "/admin/shipping-options", &option),
        Vec::<String>::new()
    );
    // The most literal route wins, and a path parameter matches any segment.
    assert_eq!(
        route("POST", "/admin/products/batch").map(|r| r.segments.len()),
        Some(4)
    );
    assert!(route("POST", "/admin/products/prod_1/variants").is_some());
    let unknown_field = json!({"title": "Shirt", "nope": 1});
    assert!(!violations("POST", "/admin/products", &unknown_field).is_empty());
}

#[test]
fn the_answer_check_tells_a_documented_body_from_one_the_document_refuses() {
    let region = json!({"id": "reg_1", "name": "Europe", "currency_code": "eur", "automatic_taxes": true,
                        "metadata": null, "created_at": "2026-01-01T00:00:00Z",
                        "updated_at": "2026-01-01T00:00:00Z", "deleted_at": null, "countries": []});
    let page = json!({"regions": [region], "count": 1, "offset": 0, "limit": 50});
    assert_eq!(
        response_violations("GET", "/store/regions", 200, &page),
        Vec::<String>::new()
    );
    // `fields=` may remove any property of a region: none is required.
    let selected = json!({"regions": [{"id": "reg_1"}], "count": 1, "offset": 0, "limit": 50});
    assert_eq!(
        response_violations("GET", "/store/regions", 200, &selected),
        Vec::<String>::new()
    );
    let wrong = json!({"regions": [{"id": "reg_1", "countries": "none"}], "count": "one"});
    assert!(!response_violations("GET", "/store/regions", 200, &wrong).is_empty());
    // Errors have Medusa's `{type, message}`.
    let error = json!({"type": "not_found", "message": "Region with id: x was not found"});
    assert_eq!(
        response_violations("GET", "/store/regions/reg_x", 404, &error),
        Vec::<String>::new()
    );
    assert!(!response_violations("GET", "/store/regions/reg_x", 404, &json!({"error": "x"})).is_empty());
}
