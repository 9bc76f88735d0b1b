//! Bytes PostgreSQL cannot store (NUL) and bytes that are not UTF-8 are refused at the
//! edge: every route of the OpenAPI document (`/openapi.json`), fed them in a path
//! parameter, the query string, a header Coral reads and the JSON body (at any depth),
//! answers `400 invalid_data` naming where — never a 5xx, never a write.

use reqwest::header::HeaderValue;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::{send, TestApp, PLATFORM_TOKEN};
use crate::roles::routes;

/// One bad input and the words the refusal must contain.
struct Probe {
    what: &'static str,
    path_value: Option<&'static str>,
    query: Option<&'static str>,
    body: Option<Value>,
    header: Option<(&'static str, &'static [u8])>,
    says: &'static str,
}

fn probes() -> Vec<Probe> {
    let none = |what| Probe {
        what,
        path_value: None,
        query: None,
        body: None,
        header: None,
        says: "",
    };
    vec![
        Probe {
            path_value: Some("a%00b"),
            says: "NUL",
            ..none("NUL in a path parameter")
        },
        Probe {
            path_value: Some("prod_%FF"),
            says: "UTF-8",
            ..none("invalid UTF-8 in a path parameter")
        },
        Probe {
            query: Some("q=a%00"),
            says: "'q'",
            ..none("NUL in a query parameter")
        },
        Probe {
            query: Some("fields=%C3%28"),
            says: "'fields'",
            ..none("invalid UTF-8 in a query parameter")
        },
        Probe {
            query: Some("a%00=1"),
            says: "NUL",
            ..none("NUL in a query parameter's name")
        },
        Probe {
            body: Some(json!({"name": "nul\u{0}name", "title": "t"})),
            says: "'name'",
            ..none("NUL in a body string")
        },
        Probe {
            body: Some(json!({"metadata": {"deep": [{"x": "a\u{0}"}]}})),
            says: "'metadata.deep[0].x'",
            ..none("NUL deep in metadata")
        },
        Probe {
            body: Some(json!({"metadata": {"k\u{0}": 1}})),
            says: "'metadata'",
            ..none("NUL in an object key")
        },
        Probe {
            header: Some(("x-tenant-id", b"acme\xff")),
            says: "'x-tenant-id'",
            ..none("invalid UTF-8 in a header")
        },
        Probe {
            header: Some(("authorization", b"Bearer \xfe\xff")),
            says: "'authorization'",
            ..none("invalid UTF-8 in the authorization header")
        },
    ]
}

/// `template` with every `{param}` set to `x`, except the `nth` set to `value`.
fn fill(template: &str, nth: usize, value: &str) -> String {
    let mut i = 0;
    template
        .split('/')
        .map(|seg| {
            if seg.starts_with('{') {
                i += 1;
                if i - 1 == nth {
                    return value.to_owned();
                }
                return "x".to_owned();
            }
            seg.to_owned()
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn every_route_refuses_nul_and_invalid_utf8_with_400_naming_the_field() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let staff = app.admin_token(&t).await;
    let mut failures = Vec::new();
    let mut requests = 0;
    for (method, template) in routes("/") {
        let params = template.matches('{').count();
        for probe in probes() {
            // A path probe goes into each parameter in turn; routes without one skip it.
            let targets: Vec<Option<usize>> = match probe.path_value {
                Some(_) => (0..params).map(Some).collect(),
                None => vec![None],
            };
            for nth in targets {
                let mut url = match (nth, probe.path_value) {
                    (Some(n), Some(v)) => fill(&template, n, v),
                    _ => fill(&template, usize::MAX, ""),
                };
                if let Some(q) = probe.query {
                    url = format!("{url}?{q}");
                }
                let mut req = app.request(method.clone(), &url);
                req = if template.starts_with("/admin") {
                    req.bearer_auth(&staff)
                } else if template.starts_with("/platform") || template == "/metrics" {
                    req.bearer_auth(PLATFORM_TOKEN)
                } else {
                    req.header("x-publishable-api-key", &t.key)
                };
                if let Some((name, bytes)) = probe.header {
                    req = req.header(name, HeaderValue::from_bytes(bytes).unwrap());
                }
                if let Some(b) = &probe.body {
                    req = req.json(b);
                }
                let (status, v) = send(req).await;
                requests += 1;
                let message = v["message"].as_str().unwrap_or("");
                if status != StatusCode::BAD_REQUEST || v["type"] != "invalid_data" || !message.contains(probe.says) {
                    failures.push(format!("{method} {url} ({}): {status} {v}", probe.what));
                }
            }
        }
    }
    assert!(requests > 500, "the walk covered {requests} requests only");
    assert!(
        failures.is_empty(),
        "{} of {requests} probes were not refused with 400 invalid_data naming the field:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn the_probes_of_the_report_are_refused_and_store_nothing() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let staff = app.admin_token(&t).await;
    for path in [
        "/admin/regions/a%00b",
        "/admin/api-keys/x%00",
        "/admin/products/prod_%00",
        "/admin/products?q=a%00",
        "/admin/collections/%00",
    ] {
        let (s, v) = send(app.get(path).bearer_auth(&staff)).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{path}: {v}");
        assert_eq!(v["type"], "invalid_data", "{path}: {v}");
    }
    for (path, body) in [
        ("/admin/product-categories", json!({"name": "nul\u{0}name"})),
        ("/admin/collections", json!({"title": "t\u{0}"})),
    ] {
        let (s, v) = send(app.post(path).bearer_auth(&staff).json(&body)).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{path}: {v}");
    }
    // A body that is not UTF-8 at all.
    let (s, v) = send(
        app.post("/admin/collections")
            .bearer_auth(&staff)
            .header("content-type", "application/json")
            .body(b"{\"title\": \"\xff\"}".to_vec()),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["type"], "invalid_data", "{v}");
    // An escaped backslash before `u0000` is text, not a NUL: accepted.
    let (s, v) = send(
        app.post("/admin/collections")
            .bearer_auth(&staff)
            .header("content-type", "application/json")
            .body(r#"{"title": "back\\u0000slash"}"#),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["collection"]["title"], "back\\u0000slash");
    let mut conn = app.owner_conn().await;
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM product_collections WHERE tenant_id = $1")
        .bind(&t.id)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(n, 1, "only the valid collection was stored");
}
