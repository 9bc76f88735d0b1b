//! The `webhooks` section of `/openapi.json` (OpenAPI 3.1): one entry per catalogued
//! event, describing the signed POST a store's endpoint receives. Built from
//! `core::events::CATALOGUE`, so the document cannot drift from what Coral sends.

use serde_json::{json, Map, Value};

use crate::core::events::{EventType, CATALOGUE};

/// A field's JSON schema from its catalogue line (`name: description`).
fn field_schema(line: &str) -> (String, Value) {
    let (name, what) = line.split_once(':').unwrap_or((line, ""));
    let what = what.trim();
    let ty = if what.starts_with("bool") {
        json!("boolean")
    } else if what.contains("null") {
        json!(["string", "null"])
    } else {
        json!("string")
    };
    (name.trim().to_owned(), json!({ "type": ty, "description": what }))
}

fn operation(e: &EventType) -> Value {
    let data: Map<String, Value> = e.fields.iter().map(|f| field_schema(f)).collect();
    let required: Vec<String> = data.keys().cloned().collect();
    let header = |name: &str, description: &str| {
        json!({ "name": name, "in": "header", "required": true, "description": description,
                "schema": { "type": "string" } })
    };
    json!({ "post": {
        "summary": e.description,
        "description": format!("Payload version {}. Signed per the Standard Webhooks spec.", e.version),
        "parameters": [
            header("webhook-id", "The event id; the same on every retry (deduplicate on it)"),
            header("webhook-timestamp", "Unix seconds of this attempt"),
            header("webhook-signature", "v1,<base64 HMAC-SHA256 of \"{id}.{timestamp}.{body}\"> with the endpoint's whsec_ secret"),
        ],
        "requestBody": { "required": true, "content": { "application/json": { "schema": {
            "type": "object",
            "required": ["id", "type", "version", "timestamp", "data"],
            "properties": {
                "id": { "type": "string", "description": "event id (evt_…)" },
                "type": { "const": e.name },
                "version": { "const": e.version },
                "timestamp": { "type": "string", "format": "date-time", "description": "when the event happened" },
                "data": { "type": "object", "properties": data, "required": required },
            },
        } } } },
        "responses": {
            "2XX": { "description": "Accepted; any other answer or a timeout is retried with back-off" },
        },
    } })
}

/// Adds the `webhooks` section to a rendered OpenAPI document.
pub fn add_webhooks(doc: &mut Value) {
    let hooks: Map<String, Value> = CATALOGUE.iter().map(|e| (e.name.to_owned(), operation(e))).collect();
    if let Some(obj) = doc.as_object_mut() {
        obj.insert("webhooks".into(), Value::Object(hooks));
    }
}
