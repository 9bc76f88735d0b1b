//! Admin catalog writes answer with the written product, its collection, type, tags and
//! categories named, without rebuilding the storefront snapshot the write invalidated.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::catalog::shirt;
use crate::harness::{Admin, TestApp, PLATFORM_TOKEN};

/// The `coral_catalog_cache_tenants` gauge: tenants with a snapshot in memory.
async fn snapshots(app: &TestApp) -> f64 {
    let text = app
        .get("/metrics")
        .bearer_auth(PLATFORM_TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("coral_catalog_cache_tenants "))
        .expect("the gauge is exported")
        .trim()
        .parse()
        .unwrap()
}

/// The product's taxonomy as an answer names it.
fn named(p: &Value) -> (Value, Value, Value, Value) {
    (
        p["collection"]["title"].clone(),
        p["type"]["value"].clone(),
        p["tags"][0]["value"].clone(),
        p["categories"][0]["name"].clone(),
    )
}

#[tokio::test]
async fn admin_product_writes_name_their_taxonomy_without_building_a_snapshot() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let admin = Admin::of(&app, &t).await;
    let col = admin
        .ok(Method::POST, "/admin/collections", json!({"title": "Essentials"}))
        .await;
    let cat = admin
        .ok(Method::POST, "/admin/product-categories", json!({"name": "Shirts"}))
        .await;
    let typ = admin
        .ok(Method::POST, "/admin/product-types", json!({"value": "Apparel"}))
        .await;
    let mut body = shirt("Linked");
    body["collection_id"] = col["collection"]["id"].clone();
    body["type_id"] = typ["product_type"]["id"].clone();
    body["categories"] = json!([{"id": cat["product_category"]["id"]}]);
    body["tags"] = json!([{"value": "cotton"}]);
    let want = (json!("Essentials"), json!("Apparel"), json!("cotton"), json!("Shirts"));

    let created = admin.ok(Method::POST, "/admin/products", body.clone()).await;
    assert_eq!(named(&created["product"]), want, "create");
    let id = created["product"]["id"].as_str().unwrap().to_owned();
    let updated = admin
        .ok(
            Method::POST,
            &format!("/admin/products/{id}"),
            json!({"title": "Linked 2"}),
        )
        .await;
    assert_eq!(named(&updated["product"]), want, "update");
    let variant = json!({"title": "XL", "sku": "linked-xl", "options": {"Size": "XL"},
                         "prices": [{"currency_code": "eur", "amount": 20}]});
    let added = admin
        .ok(Method::POST, &format!("/admin/products/{id}/variants"), variant)
        .await;
    assert_eq!(named(&added["product"]), want, "variant create");
    let vid = added["product"]["variants"][3]["id"].as_str().unwrap().to_owned();
    let changed = admin
        .ok(
            Method::POST,
            &format!("/admin/products/{id}/variants/{vid}"),
            json!({"title": "XXL"}),
        )
        .await;
    assert_eq!(named(&changed["product"]), want, "variant update");
    let (s, removed) = admin
        .call(Method::DELETE, &format!("/admin/products/{id}/variants/{vid}"), None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(named(&removed["parent"]), want, "variant delete");
    body["title"] = json!("Batched");
    body["variants"][0]["sku"] = json!("batched-s");
    body["variants"][1]["sku"] = json!("batched-m");
    body["variants"][2]["sku"] = json!("batched-l");
    let batch = admin
        .ok(Method::POST, "/admin/products/batch", json!({"create": [body]}))
        .await;
    assert_eq!(named(&batch["created"][0]), want, "batch");
    let (_, one) = admin.call(Method::GET, &format!("/admin/products/{id}"), None).await;
    assert_eq!(named(&one["product"]), want, "get");
    let (_, list) = admin.call(Method::GET, "/admin/products", None).await;
    assert_eq!(named(&list["products"][0]), want, "list");

    assert_eq!(snapshots(&app).await, 0.0, "no admin answer built a snapshot");
    let (s, _) = app.store_get(&t, "/store/products").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(snapshots(&app).await, 1.0, "a storefront read does");
}
