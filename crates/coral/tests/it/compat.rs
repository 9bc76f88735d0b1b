//! Shape compatibility with real Medusa v2 responses (`shared/medusa-store-api/`):
//! every key the sample has, Coral has, with the same JSON type (ids and times differ).

use serde_json::Value;

use crate::harness::TestApp;

/// The `response` of a recorded Medusa sample.
/// A sample's `(status, response)`.
pub fn sample_answer(name: &str) -> (reqwest::StatusCode, Value) {
    let file = sample_file(name);
    let status = file["status"].as_u64().expect("samples have a status") as u16;
    (reqwest::StatusCode::from_u16(status).unwrap(), file["response"].clone())
}

pub fn sample(name: &str) -> Value {
    sample_file(name)["response"].clone()
}

fn sample_file(name: &str) -> Value {
    let path = format!(
        "{}/../../../shared/medusa-store-api/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    serde_json::from_str::<Value>(&text).unwrap()
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Differences between `ours` and `theirs`, as `path: problem` lines. A `null` in the
/// sample accepts anything (Medusa's nullable fields).
pub fn shape_diff(ours: &Value, theirs: &Value, path: &str, out: &mut Vec<String>) {
    match (ours, theirs) {
        (_, Value::Null) => {}
        (Value::Object(o), Value::Object(t)) => {
            for (k, tv) in t {
                match o.get(k) {
                    Some(ov) => shape_diff(ov, tv, &format!("{path}.{k}"), out),
                    None => out.push(format!("{path}.{k}: missing")),
                }
            }
        }
        (Value::Array(o), Value::Array(t)) => {
            if let (Some(ov), Some(tv)) = (o.first(), t.first()) {
                shape_diff(ov, tv, &format!("{path}[0]"), out);
            }
        }
        (o, t) if kind(o) != kind(t) => out.push(format!("{path}: {} where Medusa has {}", kind(o), kind(t))),
        _ => {}
    }
}

pub fn assert_shape(ours: &Value, sample_name: &str) {
    let mut diffs = Vec::new();
    shape_diff(ours, &sample(sample_name), "", &mut diffs);
    assert!(diffs.is_empty(), "{sample_name}:\n{}\nours: {ours:#}", diffs.join("\n"));
}

#[test]
fn the_shape_check_can_fail() {
    let theirs = serde_json::json!({"a": {"b": 1, "c": [{"d": "x"}]}, "n": null});
    let ours = serde_json::json!({"a": {"b": "1", "c": [{}]}, "n": 5});
    let mut diffs = Vec::new();
    shape_diff(&ours, &theirs, "", &mut diffs);
    assert_eq!(
        diffs,
        vec![".a.b: string where Medusa has number", ".a.c[0].d: missing"]
    );
}

#[tokio::test]
async fn store_regions_has_medusas_shape() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let (_, list) = app.store_get(&t, "/store/regions").await;
    assert_shape(&list, "regions-list");
    let id = list["regions"][0]["id"].as_str().unwrap();
    let (_, one) = app.store_get(&t, &format!("/store/regions/{id}")).await;
    let mut diffs = Vec::new();
    shape_diff(
        &one["region"],
        &sample("regions-list")["regions"][0],
        "region",
        &mut diffs,
    );
    assert!(diffs.is_empty(), "{diffs:?}");
}

#[tokio::test]
async fn store_errors_have_medusas_shape_and_status() {
    let app = TestApp::spawn().await;
    app.tenant("acme").await;
    for (name, path, key) in [
        ("error-missing-publishable-key", "/store/regions", None),
        ("error-invalid-publishable-key", "/store/regions", Some("pk_wrong")),
    ] {
        let mut req = app.get(path);
        if let Some(k) = key {
            req = req.header("x-publishable-api-key", k);
        }
        let (status, body) = crate::harness::send(req).await;
        let recorded = serde_json::from_str::<Value>(
            &std::fs::read_to_string(format!(
                "{}/../../../shared/medusa-store-api/{name}.json",
                env!("CARGO_MANIFEST_DIR")
            ))
            .unwrap(),
        )
        .unwrap();
        assert_eq!(status.as_u16() as u64, recorded["status"].as_u64().unwrap(), "{name}");
        assert_eq!(body, recorded["response"], "{name}");
    }
}
