//! `/store/product-variants` and `/store/product-options`: what a storefront may see of
//! its own store only, priced per region, with bad input refused.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::checkout::{store, Shop};
use crate::harness::{Admin, TestApp};

#[tokio::test]
async fn variants_and_options_are_the_stores_visible_ones_only() {
    let app = TestApp::spawn().await;
    let (a, variant, _) = store(&app, "acme", 5).await;
    let (b, _, _) = store(&app, "globex", 5).await;
    let shop_a = Shop::of(&app, &a);
    let shop_b = Shop::of(&app, &b);
    let region = app.store_get(&a, "/store/regions").await.1["regions"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let list = shop_a
        .ok(
            Method::GET,
            &format!("/store/product-variants?region_id={region}"),
            None,
        )
        .await;
    assert_eq!(list["count"], 3);
    let one = shop_a
        .ok(
            Method::GET,
            &format!("/store/product-variants/{variant}?region_id={region}"),
            None,
        )
        .await;
    assert_eq!(one["variant"]["title"], "S");
    assert_eq!(one["variant"]["calculated_price"]["calculated_amount"], 10);
    assert_eq!(one["variant"]["options"][0]["value"], "S");
    let product = one["variant"]["product"]["id"].as_str().unwrap().to_owned();
    let options = shop_a.ok(Method::GET, "/store/product-options", None).await;
    assert_eq!(options["count"], 1);
    assert_eq!(options["product_options"][0]["values"].as_array().unwrap().len(), 3);
    let option = options["product_options"][0]["id"].as_str().unwrap().to_owned();

    // Store B sees its own shirt's variants, never acme's.
    let list_b = shop_b.ok(Method::GET, "/store/product-variants", None).await;
    assert_eq!(list_b["count"], 3);
    assert!(!list_b.to_string().contains(&variant));
    for path in [
        format!("/store/product-variants/{variant}"),
        format!("/store/product-options/{option}"),
    ] {
        let (s, body) = shop_b.call(Method::GET, &path, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}: {body}");
        assert_eq!(body["type"], "not_found");
    }

    // A draft product's variants are not shown.
    Admin::of(&app, &a)
        .await
        .ok(
            Method::POST,
            &format!("/admin/products/{product}"),
            json!({"status": "draft"}),
        )
        .await;
    let (s, _) = shop_a
        .call(Method::GET, &format!("/store/product-variants/{variant}"), None)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(
        shop_a.ok(Method::GET, "/store/product-variants", None).await["count"],
        0
    );

    // Bad input: a clear 400, not a 5xx.
    for path in ["/store/product-variants?limit=many", "/store/product-options?offset=-1"] {
        let (s, body) = shop_a.call(Method::GET, path, None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert_eq!(body["type"], "invalid_data");
    }
    let (s, body) = shop_a
        .call(Method::GET, "/store/product-variants?region_id=reg_nope", None)
        .await;
    assert!(s.is_client_error(), "{body}");
}
