//! The catalog: Admin API writes, Store API reads from the snapshot, Medusa shapes,
//! visibility, isolation, bad input and consistency under concurrent writes.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::compat::{assert_shape, sample};
use crate::harness::{eventually, send, Admin, TestApp, TestTenant};

/// A published shirt with S/M/L at 10/12/14 EUR and stock 5 each.
pub fn shirt(title: &str) -> Value {
    let variants: Vec<Value> = ["S", "M", "L"]
        .iter()
        .enumerate()
        .map(|(i, s)| {
            json!({"title": s, "sku": format!("{title}-{s}"), "options": {"Size": s},
                             "prices": [{"currency_code": "eur", "amount": 10 + 2 * i as i64}],
                             "inventory_quantity": 5})
        })
        .collect();
    json!({"title": title, "status": "published", "options": [{"title": "Size", "values": ["S", "M", "L"]}],
           "variants": variants, "images": [{"url": "https://img.test/1.png"}], "thumbnail": "https://img.test/1.png"})
}

async fn region_id(app: &TestApp, t: &TestTenant) -> String {
    app.store_get(t, "/store/regions").await.1["regions"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_published_product_is_served_in_medusas_shapes() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let admin = Admin::of(&app, &t).await;
    let col = admin
        .ok(Method::POST, "/admin/collections", json!({"title": "Essentials"}))
        .await;
    let col_id = col["collection"]["id"].as_str().unwrap();
    let cat = admin
        .ok(Method::POST, "/admin/product-categories", json!({"name": "Shirts"}))
        .await;
    let cat_id = cat["product_category"]["id"].as_str().unwrap();
    let mut body = shirt("Bench Product");
    body["collection_id"] = json!(col_id);
    body["categories"] = json!([{"id": cat_id}]);
    body["tags"] = json!([{"value": "cotton"}]);
    body["weight"] = json!(400);
    body["subtitle"] = json!("Subtitle");
    body["description"] = json!("Soft, durable, and made for benchmarking.");
    body["material"] = json!("wool");
    let created = admin.ok(Method::POST, "/admin/products", body).await;
    let id = created["product"]["id"].as_str().unwrap().to_owned();
    assert_eq!(created["product"]["handle"], "bench-product");
    assert_eq!(created["product"]["variants"][1]["prices"][0]["amount"], 12);
    let region = region_id(&app, &t).await;

    let (s, list) = app
        .store_get(&t, &format!("/store/products?limit=2&region_id={region}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_shape(&list, "products-list-limit2");
    assert_eq!(
        list["products"][0]["variants"][1]["calculated_price"]["calculated_amount"],
        12
    );
    assert_eq!(
        list["products"][0]["variants"][1]["calculated_price"]["raw_calculated_amount"]["value"],
        "12"
    );
    assert_eq!(list["products"][0]["weight"], 400);

    let (_, one) = app
        .store_get(&t, &format!("/store/products/{id}?region_id={region}"))
        .await;
    assert_shape(&one, "product-by-id-with-prices");
    let (_, one) = app.store_get(&t, &format!("/store/products/{id}")).await;
    assert_shape(&one, "product-by-id-no-region");
    assert!(one["product"]["variants"][0].get("calculated_price").is_none());

    let (_, by_handle) = app
        .store_get(&t, &format!("/store/products?handle=bench-product&region_id={region}"))
        .await;
    assert_shape(&by_handle, "products-by-handle");
    assert_eq!(by_handle["count"], 1);

    let path = format!("/store/products?limit=2&fields=id,title,handle,*variants.calculated_price&region_id={region}");
    let (_, subset) = app.store_get(&t, &path).await;
    assert_shape(&subset, "products-fields-subset");
    let keys: Vec<&String> = subset["products"][0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["handle", "id", "title", "variants"]);
    let vkeys: Vec<&String> = subset["products"][0]["variants"][0]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(vkeys, ["calculated_price", "id"]);

    // The Next.js starter's fields list (percent-encoded, trailing comma).
    let path = format!("/store/products/{id}?fields=%2Avariants.calculated_price%2C%2Bvariants.inventory_quantity%2C%2Bmetadata%2C&region_id={region}");
    let (_, starter) = app.store_get(&t, &path).await;
    assert_eq!(starter["product"]["variants"][0]["inventory_quantity"], 5);
    assert!(starter["product"]["variants"][0]["sku"].is_string());

    let (_, cols) = app.store_get(&t, "/store/collections?limit=2").await;
    assert_shape(&cols, "collections-list");
    let (_, cats) = app.store_get(&t, "/store/product-categories?limit=2").await;
    assert_shape(&cats, "product-categories-list");
    let (_, tags) = app.store_get(&t, "/store/product-tags").await;
    assert_eq!(tags["product_tags"][0]["value"], "cotton");
}

#[tokio::test]
async fn only_published_products_of_the_keys_channels_are_visible() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let admin = Admin::of(&app, &t).await;
    let mut draft = shirt("Draft");
    draft["status"] = json!("draft");
    let draft = admin.ok(Method::POST, "/admin/products", draft).await["product"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut hidden = shirt("Hidden");
    hidden["sales_channels"] = json!([]);
    let hidden = admin.ok(Method::POST, "/admin/products", hidden).await["product"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let shown = admin.ok(Method::POST, "/admin/products", shirt("Shown")).await["product"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let (_, list) = app.store_get(&t, "/store/products").await;
    let ids: Vec<&str> = list["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![shown.as_str()]);
    for id in [&draft, &hidden] {
        let (s, v) = app.store_get(&t, &format!("/store/products/{id}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_eq!(v["message"], format!("Product with id: {id} was not found"));
    }
    // Publishing is visible to the very next read.
    admin
        .ok(
            Method::POST,
            &format!("/admin/products/{draft}"),
            json!({"status": "published"}),
        )
        .await;
    assert_eq!(
        app.store_get(&t, &format!("/store/products/{draft}")).await.0,
        StatusCode::OK
    );
    let (_, admin_list) = admin.call(Method::GET, "/admin/products", None).await;
    assert_eq!(admin_list["count"], 3, "staff see drafts too");
}

#[tokio::test]
async fn filters_order_and_pagination() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let admin = Admin::of(&app, &t).await;
    let col = admin
        .ok(Method::POST, "/admin/collections", json!({"title": "Winter"}))
        .await["collection"]["id"]
        .clone();
    let parent = admin
        .ok(Method::POST, "/admin/product-categories", json!({"name": "Tops"}))
        .await["product_category"]["id"]
        .clone();
    let child = admin
        .ok(
            Method::POST,
            "/admin/product-categories",
            json!({"name": "Sweaters", "parent_category_id": parent}),
        )
        .await["product_category"]["id"]
        .clone();
    for (title, in_col) in [("Alpha", true), ("Bravo", false), ("Charlie", true)] {
        let mut b = shirt(title);
        if in_col {
            b["collection_id"] = col.clone();
            b["categories"] = json!([{"id": child}]);
        }
        admin.ok(Method::POST, "/admin/products", b).await;
    }
    let titles = |v: &Value| -> Vec<String> {
        v["products"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let col = col.as_str().unwrap();
    let (_, v) = app
        .store_get(&t, &format!("/store/products?collection_id[0]={col}&order=-title"))
        .await;
    assert_eq!(titles(&v), ["Charlie", "Alpha"]);
    let (_, v) = app
        .store_get(
            &t,
            &format!("/store/products?category_id[]={}", child.as_str().unwrap()),
        )
        .await;
    assert_eq!(v["count"], 2);
    let (_, v) = app.store_get(&t, "/store/products?q=brav").await;
    assert_eq!(titles(&v), ["Bravo"]);
    let (_, v) = app.store_get(&t, "/store/products?order=title&limit=1&offset=1").await;
    assert_eq!((titles(&v), v["count"].as_i64()), (vec!["Bravo".to_owned()], Some(3)));
    let (s, v) = app.store_get(&t, "/store/products?limit=abc").await;
    assert_eq!((s, v), (StatusCode::BAD_REQUEST, sample("error-bad-query-param")));
    let (s, _) = app.store_get(&t, "/store/products?order=price").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = app.store_get(&t, "/store/products?region_id=reg_nope").await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let (_, tree) = app
        .store_get(
            &t,
            "/store/product-categories?parent_category_id=null&include_descendants_tree=true",
        )
        .await;
    assert_eq!(tree["count"], 1);
    assert_eq!(
        tree["product_categories"][0]["category_children"][0]["name"],
        "Sweaters"
    );
    let (_, up) = app
        .store_get(
            &t,
            &format!(
                "/store/product-categories/{}?include_ancestors_tree=true",
                child.as_str().unwrap()
            ),
        )
        .await;
    assert_eq!(up["product_category"]["parent_category"]["name"], "Tops");
    let (s, _) = admin
        .call(
            Method::POST,
            &format!("/admin/product-categories/{}", parent.as_str().unwrap()),
            Some(json!({"parent_category_id": child})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "a category cannot move under its own child");
}

#[tokio::test]
async fn prices_by_region_and_country_and_updates_are_seen_at_once() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let us = app.add_region(&t, "US", "usd", &["us"]).await;
    let eu = region_id(&app, &t).await;
    let admin = Admin::of(&app, &t).await;
    let mut body = shirt("Priced");
    body["variants"][0]["prices"] = json!([{"currency_code": "eur", "amount": 10}, {"currency_code": "usd", "amount": "11.50"},
                                           {"currency_code": "eur", "amount": 9.5, "region_id": eu}]);
    let p = admin.ok(Method::POST, "/admin/products", body).await;
    let (pid, vid) = (
        p["product"]["id"].as_str().unwrap().to_owned(),
        p["product"]["variants"][0]["id"].as_str().unwrap().to_owned(),
    );
    let amount = |v: &Value| v["product"]["variants"][0]["calculated_price"]["calculated_amount"].clone();
    assert_eq!(
        amount(
            &app.store_get(&t, &format!("/store/products/{pid}?region_id={eu}"))
                .await
                .1
        ),
        json!(9.5),
        "region price wins"
    );
    assert_eq!(
        amount(
            &app.store_get(&t, &format!("/store/products/{pid}?region_id={us}"))
                .await
                .1
        ),
        json!(11.5)
    );
    assert_eq!(
        amount(
            &app.store_get(&t, &format!("/store/products/{pid}?country_code=US"))
                .await
                .1
        ),
        json!(11.5)
    );

    let second = TestApp::spawn_on(&app.database, |_| {}).await;
    assert_eq!(
        amount(
            &second
                .store_get(&t, &format!("/store/products/{pid}?region_id={us}"))
                .await
                .1
        ),
        json!(11.5)
    );
    admin
        .ok(
            Method::POST,
            &format!("/admin/products/{pid}/variants/{vid}"),
            json!({"prices": [{"currency_code": "usd", "amount": 12.25}], "inventory_quantity": 2}),
        )
        .await;
    let (_, v) = app
        .store_get(
            &t,
            &format!("/store/products/{pid}?region_id={us}&fields=%2Bvariants.inventory_quantity"),
        )
        .await;
    assert_eq!(amount(&v), json!(12.25), "the writer's next read sees the new price");
    assert_eq!(v["product"]["variants"][0]["inventory_quantity"], 2);
    let seen = eventually(Duration::from_secs(1), || async {
        amount(
            &second
                .store_get(&t, &format!("/store/products/{pid}?region_id={us}"))
                .await
                .1,
        ) == json!(12.25)
    })
    .await;
    assert!(seen, "another process drops its snapshot within a second");
    let (_, v) = app
        .store_get(&t, &format!("/store/products/{pid}?region_id={eu}"))
        .await;
    assert!(
        v["product"]["variants"][0]["calculated_price"].is_null(),
        "prices were replaced: no EUR price left"
    );
}

#[tokio::test]
async fn bad_product_input_gets_a_clear_400_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let admin = Admin::of(&app, &t).await;
    let mut negative = shirt("Neg");
    negative["variants"][0]["prices"][0]["amount"] = json!(-1);
    let mut missing_option = shirt("Missing");
    missing_option["variants"][0]["options"] = json!({});
    let mut bad_value = shirt("Bad value");
    bad_value["variants"][0]["options"] = json!({"Size": "XXL"});
    let mut bad_region = shirt("Bad region");
    bad_region["variants"][0]["prices"][0]["region_id"] = json!("reg_nope");
    let mut bad_collection = shirt("Bad collection");
    bad_collection["collection_id"] = json!("pcol_nope");
    let mut bad_stock = shirt("Bad stock");
    bad_stock["variants"][0]["inventory_quantity"] = json!(-3);
    let cases = [
        (json!({"status": "published"}), "title"),
        (json!({"title": "x", "status": "live"}), "status"),
        (json!({"title": "x", "handle": "Not A Handle"}), "handle"),
        (json!({"title": "x", "colour": "red"}), "Unrecognized fields: 'colour'"),
        (json!({"title": 5}), "Expected type: 'string' for field 'title'"),
        (negative, "amount"),
        (missing_option, "lacks a value for option 'Size'"),
        (bad_value, "no value 'XXL'"),
        (bad_region, "reg_nope"),
        (bad_collection, "pcol_nope"),
        (bad_stock, "inventory_quantity"),
    ];
    for (body, needle) in cases {
        let (s, v) = admin.call(Method::POST, "/admin/products", Some(body.clone())).await;
        assert_eq!(
            (s, v["type"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_data")),
            "{body} → {v}"
        );
        assert!(v["message"].as_str().unwrap().contains(needle), "{needle} not in {v}");
    }
    admin.ok(Method::POST, "/admin/products", shirt("Taken")).await;
    let (s, v) = admin.call(Method::POST, "/admin/products", Some(shirt("Taken"))).await;
    assert_eq!(
        (s, v["type"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("duplicate_error")),
        "{v}"
    );
    let mut same_sku = shirt("Other");
    same_sku["variants"][0]["sku"] = json!("Taken-S");
    let (s, v) = admin.call(Method::POST, "/admin/products", Some(same_sku)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v["message"].as_str().unwrap().contains("SKU"));

    // A batch with one bad product creates none of them.
    let mut bad = shirt("Batch bad");
    bad["status"] = json!("nope");
    let (s, v) = admin
        .call(
            Method::POST,
            "/admin/products/batch",
            Some(json!({"create": [shirt("Batch ok"), bad]})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v["message"].as_str().unwrap().starts_with("Product 2:"), "{v}");
    let too_many: Vec<Value> = (0..101).map(|i| json!({"title": format!("p{i}")})).collect();
    let (s, _) = admin
        .call(Method::POST, "/admin/products/batch", Some(json!({"create": too_many})))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (_, all) = admin.call(Method::GET, "/admin/products", None).await;
    assert_eq!(all["count"], 1, "only the first 'Taken' exists");

    let ok: Vec<Value> = (0..100).map(|i| shirt(&format!("Bulk {i}"))).collect();
    let (s, v) = admin
        .call(Method::POST, "/admin/products/batch", Some(json!({"create": ok})))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["created"].as_array().unwrap().len(), 100);
}

#[tokio::test]
async fn tenants_never_see_or_touch_each_others_catalog() {
    let app = TestApp::spawn().await;
    let a = app.tenant("alpha").await;
    let b = app.tenant("beta").await;
    let admin_a = Admin::of(&app, &a).await;
    let admin_b = Admin::of(&app, &b).await;
    let col_a = admin_a
        .ok(Method::POST, "/admin/collections", json!({"title": "Alpha only"}))
        .await["collection"]["id"]
        .clone();
    let cat_a = admin_a
        .ok(Method::POST, "/admin/product-categories", json!({"name": "A cat"}))
        .await["product_category"]["id"]
        .clone();
    let mut body = shirt("Alpha Shirt");
    body["collection_id"] = col_a.clone();
    let pa = admin_a.ok(Method::POST, "/admin/products", body).await;
    let (pid, vid) = (
        pa["product"]["id"].as_str().unwrap(),
        pa["product"]["variants"][0]["id"].as_str().unwrap(),
    );
    // The same handle and SKUs are free in another tenant.
    admin_b.ok(Method::POST, "/admin/products", shirt("Alpha Shirt")).await;

    let (col_a, cat_a) = (col_a.as_str().unwrap(), cat_a.as_str().unwrap());
    for (method, path, body) in [
        (Method::GET, format!("/admin/products/{pid}"), None),
        (
            Method::POST,
            format!("/admin/products/{pid}"),
            Some(json!({"title": "pwned"})),
        ),
        (Method::DELETE, format!("/admin/products/{pid}"), None),
        (
            Method::POST,
            format!("/admin/products/{pid}/variants/{vid}"),
            Some(json!({"prices": []})),
        ),
        (Method::GET, format!("/admin/collections/{col_a}"), None),
        (
            Method::POST,
            format!("/admin/collections/{col_a}"),
            Some(json!({"title": "pwned"})),
        ),
        (Method::DELETE, format!("/admin/collections/{col_a}"), None),
        (Method::GET, format!("/admin/product-categories/{cat_a}"), None),
        (
            Method::POST,
            format!("/admin/product-categories/{cat_a}"),
            Some(json!({"name": "pwned"})),
        ),
        (Method::DELETE, format!("/admin/product-categories/{cat_a}"), None),
    ] {
        let (s, v) = admin_b.call(method.clone(), &path, body).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{method} {path} → {v}");
    }
    let mut steal = shirt("Steal");
    steal["collection_id"] = json!(col_a);
    steal["categories"] = json!([{"id": cat_a}]);
    let (s, _) = admin_b.call(Method::POST, "/admin/products", Some(steal)).await;
    assert_eq!(
        s,
        StatusCode::BAD_REQUEST,
        "another tenant's collection cannot be referenced"
    );
    for path in [
        format!("/store/products/{pid}"),
        format!("/store/collections/{col_a}"),
        format!("/store/product-categories/{cat_a}"),
    ] {
        assert_eq!(app.store_get(&b, &path).await.0, StatusCode::NOT_FOUND, "{path}");
    }
    // Lists never mix tenants.
    for path in [
        "/store/products",
        "/store/collections",
        "/store/product-categories",
        "/store/product-tags",
    ] {
        let (_, v) = app.store_get(&b, path).await;
        let text = v.to_string();
        assert!(
            !text.contains(pid) && !text.contains(col_a) && !text.contains(cat_a),
            "{path} leaks: {text}"
        );
    }
    let tag_a = admin_a
        .ok(Method::POST, "/admin/product-tags", json!({"value": "alpha-tag"}))
        .await["product_tag"]["id"]
        .clone();
    let type_a = admin_a
        .ok(Method::POST, "/admin/product-types", json!({"value": "alpha-type"}))
        .await["product_type"]["id"]
        .clone();
    let (tag_a, type_a) = (tag_a.as_str().unwrap(), type_a.as_str().unwrap());
    for path in [
        format!("/store/product-tags/{tag_a}"),
        format!("/store/product-types/{type_a}"),
    ] {
        assert_eq!(app.store_get(&b, &path).await.0, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(app.store_get(&a, &path).await.0, StatusCode::OK, "{path}");
    }
    for path in [
        "/admin/products",
        "/admin/collections",
        "/admin/product-categories",
        "/admin/product-tags",
        "/admin/product-types",
    ] {
        let (s, v) = admin_b.call(Method::GET, path, None).await;
        assert_eq!(s, StatusCode::OK);
        let text = v.to_string();
        for id in [pid, col_a, cat_a, tag_a, type_a] {
            assert!(!text.contains(id), "{path} leaks {id}");
        }
    }
    for (path, body) in [
        ("/admin/product-tags", json!({"value": ""})),
        ("/admin/product-types", json!({"value": 3})),
        ("/admin/collections", json!({})),
        (
            "/admin/product-categories",
            json!({"name": "x", "handle": "Bad Handle"}),
        ),
    ] {
        let (s, v) = admin_b.call(Method::POST, path, Some(body)).await;
        assert_eq!(
            (s, v["type"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_data")),
            "{path} → {v}"
        );
    }
    let (s, _) = send(app.get("/admin/product-tags")).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // A's product is untouched.
    let (_, v) = admin_a.call(Method::GET, &format!("/admin/products/{pid}"), None).await;
    assert_eq!(v["product"]["title"], "Alpha Shirt");
    assert_eq!(v["product"]["collection"]["title"], "Alpha only");
}

#[tokio::test]
async fn reads_during_writes_never_see_a_half_written_product() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let admin = Admin::of(&app, &t).await;
    let writer = async {
        for round in 0..8 {
            let batch: Vec<Value> = (0..5).map(|i| shirt(&format!("R{round} P{i}"))).collect();
            admin
                .ok(Method::POST, "/admin/products/batch", json!({"create": batch}))
                .await;
        }
    };
    let reader = async {
        let mut reads = 0;
        let mut max_seen = 0;
        while max_seen < 40 {
            let (s, v) = app
                .store_get(&t, "/store/products?limit=100&fields=id,title,*variants")
                .await;
            assert_eq!(s, StatusCode::OK);
            let products = v["products"].as_array().unwrap();
            assert_eq!(products.len() % 5, 0, "a batch is seen whole or not at all");
            for p in products {
                assert_eq!(
                    p["variants"].as_array().unwrap().len(),
                    3,
                    "a product is seen with all its variants: {p}"
                );
            }
            max_seen = products.len();
            reads += 1;
        }
        reads
    };
    let ((), reads) = tokio::join!(writer, reader);
    assert!(reads > 1);
}
