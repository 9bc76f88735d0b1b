//! Carts under bad input (the samples' errors, nothing changed), another store's ids
//! (404 on every checkout route), and cart changes (merging, repricing, deleting).

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::checkout::{ready_cart, store, Shop};
use crate::compat::sample_answer;
use crate::harness::{send, Admin, TestApp};

#[tokio::test]
async fn bad_input_gets_the_samples_errors_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let (t, variant, option) = store(&app, "acme", 5).await;
    let shop = Shop::of(&app, &t);
    let cart = shop.post("/store/carts", json!({})).await;
    let id = cart["cart"]["id"].as_str().unwrap().to_owned();
    let expect = |sample: &'static str| async move { sample_answer(sample) };
    let items = format!("/store/carts/{id}/line-items");
    let cases: Vec<(&str, Method, String, Option<Value>)> = vec![
        (
            "error-add-item-unknown-variant",
            Method::POST,
            items.clone(),
            Some(json!({"variant_id": "variant_nope", "quantity": 1})),
        ),
        (
            "error-add-item-bad-quantity",
            Method::POST,
            items.clone(),
            Some(json!({"variant_id": "variant_nope", "quantity": -1})),
        ),
        (
            "error-complete-empty-cart",
            Method::POST,
            format!("/store/carts/{id}/complete"),
            None,
        ),
        (
            "error-unknown-region-cart",
            Method::POST,
            "/store/carts".into(),
            Some(json!({"region_id": "reg_does_not_exist"})),
        ),
        (
            "error-unknown-cart-id",
            Method::GET,
            "/store/carts/cart_does_not_exist".into(),
            None,
        ),
    ];
    for (sample, method, path, body) in cases {
        let got = shop.call(method, &path, body).await;
        assert_eq!(got, expect(sample).await, "{sample}");
    }
    let (s, v) = send(
        app.post("/store/carts")
            .header("x-publishable-api-key", &t.key)
            .header("content-type", "application/json")
            .body("{\"region_id\": \n"),
    )
    .await;
    assert_eq!((s, v), expect("error-malformed-json").await);
    let (s, v) = shop
        .call(
            Method::POST,
            "/store/carts",
            Some(json!({"region_id": 123, "nope": true})),
        )
        .await;
    assert_eq!((s, v), expect("error-bad-body-cart-create").await);
    let (s, v) = shop
        .call(
            Method::POST,
            &items,
            Some(json!({"variant_id": variant, "quantity": 6})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "more than in stock: {v}");
    let (s, _) = shop
        .call(
            Method::POST,
            &format!("/store/carts/{id}/shipping-methods"),
            Some(json!({"option_id": "so_nope"})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = shop
        .call(
            Method::POST,
            &format!("/store/carts/{id}"),
            Some(json!({"shipping_address": {"country_code": "us"}})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "a country outside the region");
    // metadata is an object (Medusa's Record<string, unknown>), wherever it is sent.
    for body in [
        json!({"metadata": []}),
        json!({"metadata": "x"}),
        json!({"shipping_address": {"metadata": [null, null]}}),
    ] {
        let (s, v) = shop
            .call(Method::POST, &format!("/store/carts/{id}"), Some(body.clone()))
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}: {v}");
        assert_eq!(v["type"], "invalid_data", "{v}");
        assert!(
            v["message"].as_str().unwrap().contains("Expected type: 'object'"),
            "{v}"
        );
    }
    // An address takes Medusa's fields only (a customer address's extras included).
    for field in ["nope", "address_name", "is_default_shipping"] {
        let body = json!({"shipping_address": {"city": "Oslo", field: true}});
        let (s, v) = shop
            .call(Method::POST, &format!("/store/carts/{id}"), Some(body.clone()))
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}: {v}");
        assert_eq!(v["type"], "invalid_data", "{v}");
        assert!(
            v["message"]
                .as_str()
                .unwrap()
                .contains(&format!("Unrecognized fields: '{field}'")),
            "{v}"
        );
    }
    let (_, after) = shop.call(Method::GET, &format!("/store/carts/{id}"), None).await;
    assert_eq!(after["cart"]["items"], json!([]));
    assert!(after["cart"]["shipping_address"].is_null() && after["cart"]["shipping_methods"] == json!([]));

    // A completed cart refuses changes with the sample's error.
    let done_id = ready_cart(&shop, &variant, &option, 1, "pp_system_default", json!({})).await;
    shop.post(&format!("/store/carts/{done_id}/complete"), json!({})).await;
    let (s, v) = shop
        .call(
            Method::POST,
            &format!("/store/carts/{done_id}/line-items"),
            Some(json!({"variant_id": "variant_nope", "quantity": 1})),
        )
        .await;
    let (es, ev) = expect("error-add-item-to-completed-cart").await;
    assert_eq!((s, v["type"].clone()), (es, ev["type"].clone()));
    assert_eq!(v["message"], format!("Cart {done_id} is already completed."));
}

#[tokio::test]
async fn carts_reprice_and_lines_change() {
    let app = TestApp::spawn().await;
    let (t, variant, option) = store(&app, "acme", 5).await;
    let shop = Shop::of(&app, &t);
    let id = ready_cart(&shop, &variant, &option, 1, "pp_system_default", json!({})).await;
    let cart = shop
        .post(
            &format!("/store/carts/{id}/line-items"),
            json!({"variant_id": variant, "quantity": 2}),
        )
        .await;
    let items = cart["cart"]["items"].as_array().unwrap();
    assert_eq!(
        (items.len(), items[0]["quantity"].clone()),
        (1, json!(3)),
        "same variant merges"
    );
    let line = items[0]["id"].as_str().unwrap().to_owned();
    let cart = shop
        .post(&format!("/store/carts/{id}/line-items/{line}"), json!({"quantity": 1}))
        .await;
    assert_eq!(cart["cart"]["item_subtotal"], 10);
    // A second region in USD, where the shirt has no price: the change is refused.
    let admin = Admin::of(&app, &t).await;
    let usd = admin
        .ok(
            Method::POST,
            "/admin/regions",
            json!({"name": "America", "currency_code": "usd", "countries": ["us"]}),
        )
        .await;
    let usd = usd["region"]["id"].as_str().unwrap();
    let (s, v) = shop
        .call(
            Method::POST,
            &format!("/store/carts/{id}"),
            Some(json!({"region_id": usd})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (_, del) = shop
        .call(Method::DELETE, &format!("/store/carts/{id}/line-items/{line}"), None)
        .await;
    assert_eq!(
        (del["deleted"].clone(), del["parent"]["items"].clone()),
        (json!(true), json!([]))
    );
    // With no items the region can change; the shipping method (per region) goes.
    let cart = shop
        .post(&format!("/store/carts/{id}"), json!({"region_id": usd}))
        .await;
    assert_eq!(cart["cart"]["currency_code"], "usd");
    assert_eq!(cart["cart"]["shipping_methods"], json!([]));
    assert!(
        cart["cart"]["shipping_address"].is_null(),
        "a French address is outside America"
    );
}

#[tokio::test]
async fn another_store_sees_none_of_a_stores_checkout_ids() {
    let app = TestApp::spawn().await;
    let (a, variant, option) = store(&app, "acme", 5).await;
    let (b, _, _) = store(&app, "globex", 5).await;
    let shop_a = Shop::of(&app, &a);
    let shop_b = Shop::of(&app, &b);
    let cart = ready_cart(&shop_a, &variant, &option, 1, "pp_system_default", json!({})).await;
    let pc = shop_a
        .post("/store/payment-collections", json!({"cart_id": cart}))
        .await;
    let pc_id = pc["payment_collection"]["id"].as_str().unwrap().to_owned();
    let (_, c) = shop_a.call(Method::GET, &format!("/store/carts/{cart}"), None).await;
    let line = c["cart"]["items"][0]["id"].as_str().unwrap().to_owned();
    let store_calls: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, format!("/store/carts/{cart}"), None),
        (
            Method::POST,
            format!("/store/carts/{cart}"),
            Some(json!({"email": "x@example.com"})),
        ),
        (
            Method::POST,
            format!("/store/carts/{cart}/line-items"),
            Some(json!({"variant_id": variant, "quantity": 1})),
        ),
        (
            Method::POST,
            format!("/store/carts/{cart}/line-items/{line}"),
            Some(json!({"quantity": 2})),
        ),
        (Method::DELETE, format!("/store/carts/{cart}/line-items/{line}"), None),
        (
            Method::POST,
            format!("/store/carts/{cart}/shipping-methods"),
            Some(json!({"option_id": option})),
        ),
        (Method::GET, format!("/store/shipping-options?cart_id={cart}"), None),
        (
            Method::POST,
            "/store/payment-collections".into(),
            Some(json!({"cart_id": cart})),
        ),
        (
            Method::POST,
            format!("/store/payment-collections/{pc_id}/payment-sessions"),
            Some(json!({"provider_id": "pp_system_default"})),
        ),
        (Method::POST, format!("/store/carts/{cart}/complete"), None),
    ];
    for (method, path, body) in store_calls {
        let (s, v) = shop_b.call(method.clone(), &path, body).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{method} {path}: {v}");
    }
    let done = shop_a.post(&format!("/store/carts/{cart}/complete"), json!({})).await;
    let order = done["order"]["id"].as_str().unwrap();
    let admin_b = Admin::of(&app, &b).await;
    for (method, path) in [
        (Method::GET, format!("/admin/orders/{order}")),
        (Method::POST, format!("/admin/orders/{order}/capture")),
        (Method::POST, format!("/admin/orders/{order}/refund")),
        (Method::POST, format!("/admin/orders/{order}/cancel")),
        (Method::GET, format!("/admin/shipping-options/{option}")),
        (Method::POST, format!("/admin/shipping-options/{option}")),
        (Method::DELETE, format!("/admin/shipping-options/{option}")),
    ] {
        let (s, v) = admin_b.call(method.clone(), &path, Some(json!({}))).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{method} {path}: {v}");
    }
    let (s, v) = admin_b
        .call(
            Method::POST,
            &format!("/admin/orders/{order}/fulfillments"),
            Some(json!({"items": [{"id": "x", "quantity": 1}]})),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let list = admin_b.ok(Method::GET, "/admin/orders", json!(null)).await;
    assert_eq!(list["count"], 0);
    let options = admin_b.ok(Method::GET, "/admin/shipping-options", json!(null)).await;
    assert!(options["shipping_options"]
        .as_array()
        .unwrap()
        .iter()
        .all(|o| o["id"] != option.as_str()));
    // Nothing of A's changed.
    let (_, o) = shop_a.call(Method::GET, &format!("/store/orders/{order}"), None).await;
    assert_eq!(
        (o["order"]["status"].clone(), o["order"]["payment_status"].clone()),
        (json!("pending"), json!("authorized"))
    );
}
