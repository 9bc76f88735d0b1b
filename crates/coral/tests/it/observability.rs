//! `/metrics` (Prometheus text, tenant labels only for marked tenants) and usage counters
//! (`/platform/tenants/:id/usage`, `/admin/usage`: only the caller's own tenant).

use std::collections::{BTreeMap, BTreeSet};

use reqwest::{Method, StatusCode};
use rust_decimal::Decimal;
use serde_json::json;

use crate::harness::{send, TestApp, PLATFORM_TOKEN};

/// One sample of the text exposition format: name, labels, value.
type Sample = (String, BTreeMap<String, String>, f64);

/// A strict parser for Prometheus' text format 0.0.4: every line is a comment (`# HELP`,
/// `# TYPE` with a known type) or `name{label="value",…} value`; panics otherwise.
fn parse_prometheus(text: &str) -> Vec<Sample> {
    let is_name = |s: &str| {
        !s.is_empty()
            && !s.starts_with(|c: char| c.is_ascii_digit())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
    };
    let mut samples = Vec::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        if let Some(comment) = line.strip_prefix("# ") {
            let mut parts = comment.splitn(3, ' ');
            match (parts.next(), parts.next(), parts.next()) {
                (Some("HELP"), Some(n), Some(_)) => assert!(is_name(n), "{line}"),
                (Some("TYPE"), Some(n), Some(t)) => {
                    assert!(is_name(n), "{line}");
                    assert!(
                        ["counter", "gauge", "histogram", "summary", "untyped"].contains(&t),
                        "{line}"
                    );
                }
                _ => panic!("bad comment line: {line}"),
            }
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("no value: {line}"));
        let value: f64 = match value {
            "+Inf" => f64::INFINITY,
            v => v.parse().unwrap_or_else(|_| panic!("bad value: {line}")),
        };
        let (name, labels) = match series.split_once('{') {
            None => (series, BTreeMap::new()),
            Some((name, rest)) => {
                let body = rest
                    .strip_suffix('}')
                    .unwrap_or_else(|| panic!("unclosed labels: {line}"));
                let mut labels = BTreeMap::new();
                let mut rest = body;
                while !rest.is_empty() {
                    let (k, after) = rest.split_once("=\"").unwrap_or_else(|| panic!("bad label: {line}"));
                    assert!(is_name(k), "bad label name in {line}");
                    let mut v = String::new();
                    let mut chars = after.char_indices();
                    let end = loop {
                        match chars.next() {
                            Some((_, '\\')) => v.push(chars.next().expect("escape").1),
                            Some((i, '"')) => break i,
                            Some((_, c)) => v.push(c),
                            None => panic!("unterminated label value: {line}"),
                        }
                    };
                    labels.insert(k.to_owned(), v);
                    rest = after[end + 1..].trim_start_matches(',');
                }
                (name, labels)
            }
        };
        assert!(is_name(name), "bad metric name: {line}");
        samples.push((name.to_owned(), labels, value));
    }
    samples
}

#[tokio::test]
async fn metrics_parse_and_only_marked_tenants_get_a_tenant_label() {
    let app = TestApp::spawn().await;
    let marked = app.tenant_with("marked", json!({"detailed_metrics": true})).await;
    let plain = app.tenant("plain").await;
    let other = app.tenant("other").await;
    // Marking a tenant later, through PATCH, works too.
    let (s, _) = app
        .platform(
            Method::PATCH,
            &format!("/platform/tenants/{}", other.id),
            Some(json!({"detailed_metrics": true})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    for t in [&marked, &plain, &other] {
        for _ in 0..3 {
            assert_eq!(app.store_get(t, "/store/regions").await.0, StatusCode::OK);
        }
    }
    assert_eq!(
        app.store_get(&plain, "/store/regions/reg_nope").await.0,
        StatusCode::NOT_FOUND
    );

    assert_eq!(send(app.get("/metrics")).await.0, StatusCode::UNAUTHORIZED);
    let resp = app.get("/metrics").bearer_auth(PLATFORM_TOKEN).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let samples = parse_prometheus(&resp.text().await.unwrap());

    let tenants: BTreeSet<&str> = samples
        .iter()
        .filter_map(|s| s.1.get("tenant"))
        .map(String::as_str)
        .collect();
    assert_eq!(tenants, BTreeSet::from(["", marked.id.as_str(), other.id.as_str()]));

    let count = |tenant: &str, class: &str| -> f64 {
        samples
            .iter()
            .filter(|(n, l, _)| {
                n == "coral_http_requests_total"
                    && l["family"] == "store"
                    && l["route"].starts_with("/store/regions")
                    && l["status_class"] == class
                    && l["tenant"] == tenant
            })
            .map(|s| s.2)
            .sum()
    };
    assert_eq!(count(&marked.id, "2xx"), 3.0);
    assert_eq!(count("", "2xx"), 3.0, "the unmarked tenant, aggregated");
    assert_eq!(count("", "4xx"), 1.0);
    let histogram = samples.iter().any(|(n, l, v)| {
        n == "coral_http_request_duration_seconds_count"
            && l["route"] == "/store/regions"
            && l["tenant"] == marked.id
            && *v == 3.0
    });
    assert!(histogram, "latency histogram by route template");
    let names: BTreeSet<&str> = samples.iter().map(|s| s.0.as_str()).collect();
    for n in [
        "coral_db_pool_connections",
        "coral_db_pool_max_connections",
        "coral_catalog_cache_tenants",
        "coral_tenants",
    ] {
        assert!(names.contains(n), "{n} missing");
    }
}

#[tokio::test]
async fn usage_counts_requests_orders_and_stock_and_shows_only_the_callers_tenant() {
    let app = TestApp::spawn().await;
    let a = app.tenant_with("usage-a", json!({"plan_id": "free"})).await;
    let b = app.tenant("usage-b").await;
    for _ in 0..4 {
        app.store_get(&a, "/store/regions").await;
    }
    app.store_get(&a, "/store/regions/reg_nope").await;
    app.store_get(&b, "/store/regions").await;
    let token = app.admin_token(&a).await;
    let (s, _) = send(
        app.post("/admin/products")
            .bearer_auth(&token)
            .json(&json!({"title": "Counted"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);

    // Orders come from the checkout use case; it reports them through this function.
    let tenant = app.app.directory.by_id_or_handle(&a.id).unwrap();
    coral::app::usage::record_order(&tenant, "eur", Decimal::new(2050, 2));
    coral::app::usage::record_order(&tenant, "EUR", Decimal::new(1000, 2));
    // Half the counts persisted, half still in memory: reports add both.
    coral::app::usage::flush(&app.app).await;
    app.store_get(&a, "/store/regions").await;

    let (s, v) = app
        .platform(Method::GET, &format!("/platform/tenants/{}/usage", a.id), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let u = &v["usage"];
    assert_eq!(u["tenant_id"], a.id);
    assert_eq!(u["plan_id"], "free");
    assert_eq!(u["requests"]["store"]["2xx"], 5);
    assert_eq!(u["requests"]["store"]["4xx"], 1);
    assert_eq!(u["orders"], 2);
    assert_eq!(u["revenue"]["eur"], json!("30.50"));
    assert_eq!(
        (
            u["products"].as_u64(),
            u["staff"].as_u64(),
            u["publishable_keys"].as_u64()
        ),
        (Some(1), Some(1), Some(1))
    );
    assert!(u["storage_bytes"].as_u64().unwrap() > 0);
    assert_eq!(u["limits"]["max_products"], 100);

    let mut conn = app.owner_conn().await;
    let persisted: Decimal =
        sqlx::query_scalar("SELECT value FROM tenant_usage WHERE tenant_id = $1 AND metric = 'revenue.eur'")
            .bind(&a.id)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(persisted, Decimal::new(3050, 2));

    // A's staff see A's usage (including this call's predecessors), never B's.
    let (s, v) = send(app.get("/admin/usage").bearer_auth(&token)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["usage"]["tenant_id"], a.id);
    assert!(v["usage"]["requests"]["admin"]["2xx"].as_u64().unwrap() >= 1);
    let b_token = app.admin_token(&b).await;
    let (_, v) = send(app.get("/admin/usage").bearer_auth(&b_token)).await;
    assert_eq!(v["usage"]["tenant_id"], b.id);
    assert_eq!(v["usage"]["requests"]["store"]["2xx"], 1);
    assert_eq!(v["usage"]["products"], 0);
    assert_eq!(
        app.platform(Method::GET, "/platform/tenants/nope/usage", None).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_completed_checkout_counts_an_order_and_its_revenue() {
    use crate::checkout::{ready_cart, store, Shop};
    let app = TestApp::spawn().await;
    let (t, variant, option) = store(&app, "orders", 9).await;
    let shop = Shop::of(&app, &t);
    let cart = ready_cart(&shop, &variant, &option, 2, "pp_system_default", json!({})).await;
    let done = shop.post(&format!("/store/carts/{cart}/complete"), json!({})).await;
    let total = done["order"]["total"].as_f64().unwrap();

    let (s, v) = app
        .platform(Method::GET, &format!("/platform/tenants/{}/usage", t.id), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["usage"]["orders"], 1);
    let revenue: f64 = v["usage"]["revenue"]["eur"].as_str().unwrap().parse().unwrap();
    assert_eq!(revenue, total);
}

#[tokio::test]
async fn usage_not_persisted_at_shutdown_is_spooled_and_taken_back_by_the_next_start() {
    let app = TestApp::spawn().await;
    let t = app.tenant("spooled").await;
    for _ in 0..3 {
        app.store_get(&t, "/store/regions").await;
    }
    let tenant = app.app.directory.by_id_or_handle(&t.id).unwrap();
    coral::app::usage::record_order(&tenant, "eur", Decimal::new(1250, 2));
    let metrics = app
        .get("/metrics")
        .bearer_auth(PLATFORM_TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("coral_usage_pending{kind=\"orders\"} 1"), "{metrics}");
    assert!(metrics.contains("coral_database_up 1"), "{metrics}");

    // Shutdown with the counts still pending (the database was away): they go to a file.
    let pending = tenant.usage.pending();
    coral::app::usage::spool(&app.app);
    let file = app.app.config.data_dir.join(coral::app::usage::SPOOL_FILE);
    assert!(file.exists());
    // The next process starts with empty counters, and takes the spooled ones back.
    tenant.usage.take();
    coral::app::usage::unspool(&app.app);
    assert!(!file.exists(), "a spool is taken back once");
    assert_eq!(tenant.usage.pending(), pending);
    coral::app::usage::flush(&app.app).await;
    let (_, v) = app
        .platform(Method::GET, &format!("/platform/tenants/{}/usage", t.id), None)
        .await;
    assert_eq!(v["usage"]["orders"], 1, "{v}");
    assert_eq!(v["usage"]["requests"]["store"]["2xx"], 3, "{v}");
    // Nothing pending: no file is left behind.
    coral::app::usage::spool(&app.app);
    assert!(!file.exists());
}
