//! The master catalog: a source grants stores, they subscribe and get linked copies that
//! follow the source's content while keeping their own prices, stock and status; opting
//! out, revoking and deleting; and isolation around all of it.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::catalog::shirt;
use crate::harness::Admin;
use crate::harness::TestApp;

fn s(v: &Value) -> String {
    v.as_str().unwrap().to_owned()
}

/// `hq` publishing to `franchise`; returns the source id.
async fn publish(hq: &Admin<'_>, subscribers: Value) -> String {
    let v = hq
        .ok(
            Method::POST,
            "/admin/catalog-sources",
            json!({ "subscribers": subscribers }),
        )
        .await;
    s(&v["catalog_source"]["id"])
}

#[tokio::test]
async fn subscribed_copies_follow_source_edits_but_keep_their_own_commerce() {
    let app = TestApp::spawn().await;
    let hq_t = app.tenant("hq").await;
    let fr_t = app.tenant("franchise").await;
    let (hq, fr) = (Admin::of(&app, &hq_t).await, Admin::of(&app, &fr_t).await);
    let source = publish(&hq, json!(["franchise"])).await;
    let tee = hq.ok(Method::POST, "/admin/products", shirt("Tee")).await["product"].clone();
    let tee_id = s(&tee["id"]);
    let mut draft = shirt("Secret");
    draft["status"] = json!("draft");
    hq.ok(Method::POST, "/admin/products", draft).await;

    let (_, mine) = hq
        .call(Method::GET, &format!("/admin/catalog-sources/{source}"), None)
        .await;
    assert_eq!(mine["catalog_source"]["subscribers"][0]["handle"], "franchise");
    let (_, listed) = fr.call(Method::GET, "/admin/catalog-sources", None).await;
    assert_eq!(listed["count"], 1);
    assert_eq!(listed["catalog_sources"][0]["store"]["handle"], "hq");
    assert!(
        listed["catalog_sources"][0].get("subscribers").is_none(),
        "only the owner sees its grants"
    );

    let (_, offered) = fr
        .call(Method::GET, &format!("/admin/catalog-sources/{source}/products"), None)
        .await;
    assert_eq!(offered["count"], 1, "published products only: {offered}");
    assert_eq!(offered["products"][0]["variants"][0]["sku"], "Tee-S");
    let text = offered.to_string();
    for secret in ["amount", "prices", "inventory", "status", "sales_channels", "Secret"] {
        assert!(
            !text.contains(secret),
            "a subscriber must not see the source's {secret}: {text}"
        );
    }

    let subs = fr
        .ok(
            Method::POST,
            &format!("/admin/catalog-sources/{source}/subscriptions"),
            json!({"product_ids": [tee_id]}),
        )
        .await;
    let copy_id = s(&subs["subscriptions"][0]["product_id"]);
    assert_ne!(copy_id, tee_id, "the copy is the subscriber's own product");
    let copy = fr
        .ok(Method::GET, &format!("/admin/products/{copy_id}"), json!(null))
        .await;
    let copy = &copy["product"];
    assert_eq!(
        (copy["status"].as_str(), copy["title"].as_str(), copy["handle"].as_str()),
        (Some("draft"), Some("Tee"), Some("tee"))
    );
    assert_eq!(copy["variants"].as_array().unwrap().len(), 3);
    assert_eq!(copy["variants"][1]["sku"], "Tee-M");
    assert_eq!(
        copy["variants"][0]["prices"],
        json!([]),
        "prices are the subscriber's to set"
    );
    assert_eq!(copy["images"][0]["url"], "https://img.test/1.png");

    // The franchise prices and publishes its copy.
    let copy_v0 = s(&copy["variants"][0]["id"]);
    fr.ok(
        Method::POST,
        &format!("/admin/products/{copy_id}/variants/{copy_v0}"),
        json!({"prices": [{"currency_code": "eur", "amount": 25}], "inventory_quantity": 4}),
    )
    .await;
    fr.ok(
        Method::POST,
        &format!("/admin/products/{copy_id}"),
        json!({"status": "published"}),
    )
    .await;

    // HQ edits content: title, description, images; a variant's title and SKU; adds XL, drops L.
    let hq_v0 = s(&tee["variants"][0]["id"]);
    let hq_l = s(&tee["variants"][2]["id"]);
    hq.ok(Method::POST, &format!("/admin/products/{tee_id}"),
          json!({"title": "Tee v2", "description": "Now organic", "images": [{"url": "https://img.test/2.png"}], "status": "draft"}))
        .await;
    hq.ok(
        Method::POST,
        &format!("/admin/products/{tee_id}/variants/{hq_v0}"),
        json!({"title": "Small", "sku": "TEE2-S", "prices": [{"currency_code": "eur", "amount": 1}]}),
    )
    .await;
    hq.ok(
        Method::POST,
        &format!("/admin/products/{tee_id}/variants"),
        json!({"options": {"Size": "XL"}, "sku": "Tee-XL", "prices": [{"currency_code": "eur", "amount": 99}]}),
    )
    .await;
    let (st, _) = hq
        .call(
            Method::DELETE,
            &format!("/admin/products/{tee_id}/variants/{hq_l}"),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK);

    let copy = fr
        .ok(Method::GET, &format!("/admin/products/{copy_id}"), json!(null))
        .await["product"]
        .clone();
    assert_eq!(
        (copy["title"].as_str(), copy["description"].as_str()),
        (Some("Tee v2"), Some("Now organic"))
    );
    assert_eq!(copy["status"], "published", "status is the subscriber's");
    assert_eq!(copy["images"].as_array().unwrap().len(), 1);
    assert_eq!(copy["images"][0]["url"], "https://img.test/2.png");
    let skus: Vec<&str> = copy["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["sku"].as_str().unwrap())
        .collect();
    assert_eq!(skus, ["TEE2-S", "Tee-M", "Tee-XL"]);
    let v0 = &copy["variants"][0];
    assert_eq!(
        (v0["id"].as_str(), v0["title"].as_str()),
        (Some(copy_v0.as_str()), Some("Small")),
        "the same copy variant, renamed"
    );
    assert_eq!(v0["prices"][0]["amount"], 25, "the subscriber's price stays");
    assert_eq!(
        copy["variants"][2]["prices"],
        json!([]),
        "a new variant arrives without prices"
    );
    let values: Vec<&str> = copy["options"][0]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["value"].as_str().unwrap())
        .collect();
    assert_eq!(
        values,
        ["S", "M", "L", "XL"],
        "values follow the source option (deleting a variant keeps its value)"
    );

    // The subscriber's storefront sees the edit at once, with its own price and stock.
    let (_, store) = app
        .store_get(
            &fr_t,
            &format!("/store/products/{copy_id}?country_code=fr&fields=%2Bvariants.inventory_quantity"),
        )
        .await;
    assert_eq!(store["product"]["title"], "Tee v2");
    assert_eq!(
        store["product"]["variants"][0]["calculated_price"]["calculated_amount"],
        25
    );
    assert_eq!(store["product"]["variants"][0]["inventory_quantity"], 4);

    // Opting out unpublishes and unlinks the copy; later edits no longer reach it.
    let (st, _) = fr
        .call(
            Method::DELETE,
            &format!("/admin/catalog-sources/{source}/subscriptions/{tee_id}"),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        app.store_get(&fr_t, &format!("/store/products/{copy_id}")).await.0,
        StatusCode::NOT_FOUND
    );
    hq.ok(
        Method::POST,
        &format!("/admin/products/{tee_id}"),
        json!({"title": "Tee v3", "status": "published"}),
    )
    .await;
    let copy = fr
        .ok(Method::GET, &format!("/admin/products/{copy_id}"), json!(null))
        .await["product"]
        .clone();
    assert_eq!(
        (copy["title"].as_str(), copy["status"].as_str()),
        (Some("Tee v2"), Some("draft"))
    );
    let (_, subs) = fr
        .call(
            Method::GET,
            &format!("/admin/catalog-sources/{source}/subscriptions"),
            None,
        )
        .await;
    assert_eq!(subs["count"], 0);

    // Subscribing again (in bulk) makes a fresh copy; the old one keeps its handle.
    let subs = fr
        .ok(
            Method::POST,
            &format!("/admin/catalog-sources/{source}/subscriptions"),
            json!({"all": true}),
        )
        .await;
    assert_eq!(subs["count"], 1);
    let again = s(&subs["subscriptions"][0]["product_id"]);
    let copy = fr
        .ok(Method::GET, &format!("/admin/products/{again}"), json!(null))
        .await["product"]
        .clone();
    assert_eq!(
        (copy["title"].as_str(), copy["handle"].as_str()),
        (Some("Tee v3"), Some("tee-2"))
    );
    let copy_skus: Vec<Value> = copy["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["sku"].clone())
        .collect();
    assert!(
        copy_skus.iter().all(Value::is_null),
        "the old copy still holds these SKUs: the new one has none"
    );

    // Deleting the source product withdraws its copies.
    let (st, _) = hq
        .call(Method::DELETE, &format!("/admin/products/{tee_id}"), None)
        .await;
    assert_eq!(st, StatusCode::OK);
    let copy = fr
        .ok(Method::GET, &format!("/admin/products/{again}"), json!(null))
        .await["product"]
        .clone();
    assert_eq!(copy["status"], "draft");
    let (_, subs) = fr
        .call(
            Method::GET,
            &format!("/admin/catalog-sources/{source}/subscriptions"),
            None,
        )
        .await;
    assert_eq!(subs["count"], 0);
}

#[tokio::test]
async fn only_granted_stores_reach_a_source_and_never_its_commerce() {
    let app = TestApp::spawn().await;
    let hq_t = app.tenant("hq").await;
    let fr_t = app.tenant("franchise").await;
    let out_t = app.tenant("outsider").await;
    let (hq, fr, out) = (
        Admin::of(&app, &hq_t).await,
        Admin::of(&app, &fr_t).await,
        Admin::of(&app, &out_t).await,
    );
    let source = publish(&hq, json!([])).await;
    let tee_p = hq.ok(Method::POST, "/admin/products", shirt("Tee")).await["product"].clone();
    let (tee, tee_variant) = (s(&tee_p["id"]), s(&tee_p["variants"][0]["id"]));
    let out_product = s(&out.ok(Method::POST, "/admin/products", shirt("Own")).await["product"]["id"]);

    // Not granted yet: the source does not exist for the franchise.
    let (st, _) = fr
        .call(
            Method::POST,
            &format!("/admin/catalog-sources/{source}/subscriptions"),
            Some(json!({"all": true})),
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    hq.ok(
        Method::POST,
        &format!("/admin/catalog-sources/{source}/grants"),
        json!({"store": fr_t.id}),
    )
    .await;
    let copy = s(&fr
        .ok(
            Method::POST,
            &format!("/admin/catalog-sources/{source}/subscriptions"),
            json!({"product_ids": [tee]}),
        )
        .await["subscriptions"][0]["product_id"]);

    for (method, path, body) in [
        (Method::GET, format!("/admin/catalog-sources/{source}"), None),
        (Method::GET, format!("/admin/catalog-sources/{source}/products"), None),
        (
            Method::GET,
            format!("/admin/catalog-sources/{source}/subscriptions"),
            None,
        ),
        (
            Method::POST,
            format!("/admin/catalog-sources/{source}/subscriptions"),
            Some(json!({"all": true})),
        ),
        (
            Method::POST,
            format!("/admin/catalog-sources/{source}/subscriptions"),
            Some(json!({"product_ids": [tee]})),
        ),
        (
            Method::DELETE,
            format!("/admin/catalog-sources/{source}/subscriptions/{tee}"),
            None,
        ),
        (
            Method::POST,
            format!("/admin/catalog-sources/{source}/grants"),
            Some(json!({"store": "outsider"})),
        ),
        (
            Method::DELETE,
            format!("/admin/catalog-sources/{source}/grants/franchise"),
            None,
        ),
        (Method::DELETE, format!("/admin/catalog-sources/{source}"), None),
        (Method::GET, format!("/admin/products/{tee}"), None),
        (Method::GET, format!("/admin/products/{copy}"), None),
    ] {
        let (st, v) = out.call(method.clone(), &path, body).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "outsider: {method} {path} → {v}");
    }
    // A subscriber cannot manage the source, nor read the source's own product.
    for (method, path, body) in [
        (
            Method::POST,
            format!("/admin/catalog-sources/{source}/grants"),
            Some(json!({"store": "outsider"})),
        ),
        (
            Method::DELETE,
            format!("/admin/catalog-sources/{source}/grants/franchise"),
            None,
        ),
        (Method::DELETE, format!("/admin/catalog-sources/{source}"), None),
        (Method::GET, format!("/admin/products/{tee}"), None),
        (
            Method::POST,
            format!("/admin/products/{tee}"),
            Some(json!({"title": "pwned"})),
        ),
        (Method::GET, format!("/admin/inventory-items/{tee_variant}"), None),
    ] {
        let (st, v) = fr.call(method.clone(), &path, body).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "subscriber: {method} {path} → {v}");
    }
    // Only the source's published products can be taken.
    for ids in [json!([out_product]), json!(["prod_nope"])] {
        let (st, _) = fr
            .call(
                Method::POST,
                &format!("/admin/catalog-sources/{source}/subscriptions"),
                Some(json!({"product_ids": ids})),
            )
            .await;
        assert_eq!(st, StatusCode::NOT_FOUND);
    }
    for body in [
        json!({}),
        json!({"product_ids": []}),
        json!({"all": true, "product_ids": [tee]}),
        json!({"all": "yes"}),
        json!({"every": true}),
    ] {
        let (st, v) = fr
            .call(
                Method::POST,
                &format!("/admin/catalog-sources/{source}/subscriptions"),
                Some(body.clone()),
            )
            .await;
        assert_eq!(
            (st, v["type"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_data")),
            "{body} → {v}"
        );
    }
    for body in [
        json!({"subscribers": ["nobody-here"]}),
        json!({"subscribers": ["hq"]}),
        json!({"subscribers": "franchise"}),
    ] {
        let (st, v) = hq
            .call(Method::POST, "/admin/catalog-sources", Some(body.clone()))
            .await;
        assert_eq!(
            (st, v["type"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_data")),
            "{body} → {v}"
        );
    }
    // Lists never mix stores.
    let (_, out_sources) = out.call(Method::GET, "/admin/catalog-sources", None).await;
    assert_eq!(out_sources["count"], 0);
    let (_, fr_products) = fr.call(Method::GET, "/admin/products", None).await;
    assert!(!fr_products.to_string().contains(&tee));
    let (_, hq_products) = hq.call(Method::GET, "/admin/products", None).await;
    assert!(!hq_products.to_string().contains(&copy));
    let (_, store) = app.store_get(&fr_t, "/store/products").await;
    assert!(!store.to_string().contains(&tee));

    // What each store reaches of the link tables themselves: catalog_sources_policies.rs.

    // Revoking the grant withdraws the copies; the source is gone for the franchise.
    fr.ok(
        Method::POST,
        &format!("/admin/products/{copy}"),
        json!({"status": "published"}),
    )
    .await;
    hq.ok(
        Method::DELETE,
        &format!("/admin/catalog-sources/{source}/grants/franchise"),
        json!(null),
    )
    .await;
    let c = fr
        .ok(Method::GET, &format!("/admin/products/{copy}"), json!(null))
        .await;
    assert_eq!(c["product"]["status"], "draft");
    let (st, _) = fr
        .call(Method::GET, &format!("/admin/catalog-sources/{source}/products"), None)
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    // A copy the subscriber deleted simply drops its link; the source keeps editing.
    hq.ok(
        Method::POST,
        &format!("/admin/catalog-sources/{source}/grants"),
        json!({"store": "franchise"}),
    )
    .await;
    let copy2 = s(&fr
        .ok(
            Method::POST,
            &format!("/admin/catalog-sources/{source}/subscriptions"),
            json!({"all": true}),
        )
        .await["subscriptions"][0]["product_id"]);
    let (st, _) = fr.call(Method::DELETE, &format!("/admin/products/{copy2}"), None).await;
    assert_eq!(st, StatusCode::OK);
    hq.ok(
        Method::POST,
        &format!("/admin/products/{tee}"),
        json!({"title": "Still fine"}),
    )
    .await;
    let (st, _) = hq
        .call(Method::DELETE, &format!("/admin/catalog-sources/{source}"), None)
        .await;
    assert_eq!(st, StatusCode::OK);
    let (_, fr_sources) = fr.call(Method::GET, "/admin/catalog-sources", None).await;
    assert_eq!(fr_sources["count"], 0);
}
