//! Sale prices: price lists (`sale`, `override`) with dates and customer-group conditions,
//! as products and carts show them (Medusa's samples), the snapshot following a list that
//! starts or ends without any write, customer groups (also in promotion rules), bad input
//! and isolation.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::checkout::{store, Shop};
use crate::compat::{sample, shape_diff};
use crate::harness::{eventually, Admin, TestApp};

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// The variant's `calculated_price` on its product page in the store's first region.
async fn shown(shop: &Shop<'_>, variant: &str) -> Value {
    let (_, regions) = shop.call(Method::GET, "/store/regions", None).await;
    let region = regions["regions"][0]["id"].as_str().unwrap();
    let (_, list) = shop
        .call(Method::GET, &format!("/store/products?region_id={region}"), None)
        .await;
    list["products"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["variants"].as_array().unwrap().iter())
        .find(|v| v["id"] == variant)
        .unwrap()["calculated_price"]
        .clone()
}

fn sale(variant: &str, amount: f64) -> Value {
    json!({"title": "Winter sale", "description": "3 off", "type": "sale", "status": "active",
           "prices": [{"variant_id": variant, "currency_code": "eur", "amount": amount}]})
}

#[tokio::test]
async fn a_sale_price_is_shown_struck_through_and_charged_in_the_cart() {
    let app = TestApp::spawn().await;
    let (t, variant, _) = store(&app, "acme", 10).await;
    let admin = Admin::of(&app, &t).await;
    let shop = Shop::of(&app, &t);
    let created = admin.ok(Method::POST, "/admin/price-lists", sale(&variant, 7.99)).await;
    let mut diffs = Vec::new();
    shape_diff(&created, &sample("admin-price-list-create-sale"), "", &mut diffs);
    assert!(diffs.is_empty(), "{diffs:?}");

    let price = shown(&shop, &variant).await;
    let medusa = &sample("product-with-sale-price")["product"]["variants"][0]["calculated_price"];
    shape_diff(&price, medusa, "calculated_price", &mut diffs);
    assert!(diffs.is_empty(), "{diffs:?}");
    assert_eq!(price["is_calculated_price_price_list"], true);
    assert_eq!(num(&price["calculated_amount"]), 7.99);
    assert_eq!(num(&price["original_amount"]), 10.0);
    assert_eq!(price["calculated_price"]["price_list_type"], "sale");
    assert_eq!(price["calculated_price"]["price_list_id"], created["price_list"]["id"]);
    assert_eq!(price["original_price"]["price_list_id"], Value::Null);

    let cart = shop.post("/store/carts", json!({})).await;
    let id = cart["cart"]["id"].as_str().unwrap();
    let cart = shop
        .post(
            &format!("/store/carts/{id}/line-items"),
            json!({"variant_id": variant, "quantity": 1}),
        )
        .await;
    let item = &cart["cart"]["items"][0];
    assert_eq!(num(&item["unit_price"]), 7.99);
    assert_eq!(num(&item["compare_at_unit_price"]), 10.0);
    assert_eq!(
        num(&cart["cart"]["discount_total"]),
        0.0,
        "a sale price is not a discount"
    );

    // A draft list does nothing; an override wins even above the price.
    let lid = created["price_list"]["id"].as_str().unwrap();
    admin
        .ok(
            Method::POST,
            &format!("/admin/price-lists/{lid}"),
            json!({"status": "draft"}),
        )
        .await;
    assert_eq!(num(&shown(&shop, &variant).await["calculated_amount"]), 10.0);
    let mut over = sale(&variant, 11.0);
    over["type"] = json!("override");
    admin.ok(Method::POST, "/admin/price-lists", over).await;
    let price = shown(&shop, &variant).await;
    assert_eq!(num(&price["calculated_amount"]), 11.0);
    assert_eq!(price["calculated_price"]["price_list_type"], "override");
}

#[tokio::test]
async fn a_price_list_that_starts_or_ends_is_reflected_without_any_write() {
    let app = TestApp::spawn().await;
    let (t, variant, _) = store(&app, "acme", 10).await;
    let admin = Admin::of(&app, &t).await;
    let shop = Shop::of(&app, &t);
    let now = chrono::Utc::now();
    let mut soon = sale(&variant, 8.0);
    soon["starts_at"] = json!(now + chrono::Duration::seconds(2));
    soon["ends_at"] = json!(now + chrono::Duration::seconds(4));
    admin.ok(Method::POST, "/admin/price-lists", soon).await;
    assert_eq!(
        num(&shown(&shop, &variant).await["calculated_amount"]),
        10.0,
        "not started"
    );
    let started = eventually(Duration::from_secs(6), || async {
        num(&shown(&shop, &variant).await["calculated_amount"]) == 8.0
    })
    .await;
    assert!(started, "the sale starts without a write");
    let ended = eventually(Duration::from_secs(6), || async {
        num(&shown(&shop, &variant).await["calculated_amount"]) == 10.0
    })
    .await;
    assert!(ended, "and ends without a write");
}

#[tokio::test]
async fn customer_groups_gate_price_lists_and_promotion_rules() {
    let app = TestApp::spawn().await;
    let (t, variant, _) = store(&app, "acme", 10).await;
    let admin = Admin::of(&app, &t).await;
    let shop = Shop::of(&app, &t);
    let group = admin
        .ok(Method::POST, "/admin/customer-groups", json!({"name": "VIP"}))
        .await;
    let gid = group["customer_group"]["id"].as_str().unwrap().to_owned();
    let mut vip = sale(&variant, 6.0);
    vip["rules"] = json!({"customer.groups.id": [gid]});
    admin.ok(Method::POST, "/admin/price-lists", vip).await;
    admin
        .ok(
            Method::POST,
            "/admin/promotions",
            json!({"code": "VIPAUTO", "status": "active", "is_automatic": true,
                   "rules": [{"attribute": "customer.groups.id", "operator": "in", "values": [gid]}],
                   "application_method": {"type": "fixed", "target_type": "order", "value": 1, "currency_code": "eur"}}),
        )
        .await;
    assert_eq!(
        num(&shown(&shop, &variant).await["calculated_amount"]),
        10.0,
        "product pages show prices for everyone"
    );

    // Two guests; one joins the group.
    let mut carts = Vec::new();
    for email in ["vip@example.com", "plain@example.com"] {
        let c = shop.post("/store/carts", json!({"email": email})).await;
        carts.push((
            c["cart"]["id"].as_str().unwrap().to_owned(),
            c["cart"]["customer_id"].as_str().unwrap().to_owned(),
        ));
    }
    let g = admin
        .ok(
            Method::POST,
            &format!("/admin/customer-groups/{gid}/customers"),
            json!({"add": [carts[0].1]}),
        )
        .await;
    assert_eq!(g["customer_group"]["customers"][0]["email"], "vip@example.com");
    let mut totals = Vec::new();
    for (id, _) in &carts {
        let c = shop
            .post(
                &format!("/store/carts/{id}/line-items"),
                json!({"variant_id": variant, "quantity": 1}),
            )
            .await;
        totals.push((
            num(&c["cart"]["items"][0]["unit_price"]),
            num(&c["cart"]["discount_total"]),
        ));
    }
    assert_eq!(totals, [(6.0, 1.0), (10.0, 0.0)]);

    let (s, v) = admin
        .call(
            Method::POST,
            &format!("/admin/customer-groups/{gid}/customers"),
            Some(json!({"add": ["cus_nope"]})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, _) = admin
        .call(Method::POST, "/admin/customer-groups", Some(json!({"name": "VIP"})))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn bad_price_lists_are_refused_and_another_store_sees_none() {
    let app = TestApp::spawn().await;
    let (a, variant_a, _) = store(&app, "acme", 1).await;
    let (b, variant_b, _) = store(&app, "globex", 1).await;
    let admin_a = Admin::of(&app, &a).await;
    let admin_b = Admin::of(&app, &b).await;
    for body in [
        json!({"description": "no title"}),
        json!({"title": "T", "type": "clearance"}),
        json!({"title": "T", "status": "live"}),
        json!({"title": "T", "starts_at": "2030-01-02T00:00:00Z", "ends_at": "2030-01-01T00:00:00Z"}),
        json!({"title": "T", "prices": [{"variant_id": variant_a, "currency_code": "eur", "amount": -1}]}),
        json!({"title": "T", "prices": [{"variant_id": variant_b, "currency_code": "eur", "amount": 1}]}),
        json!({"title": "T", "rules": {"customer.groups.id": ["cusgroup_nope"]}}),
        json!({"title": "T", "rules": {"region.id": ["x"]}}),
        json!({"title": "T", "surprise": 1}),
    ] {
        let (s, v) = admin_a
            .call(Method::POST, "/admin/price-lists", Some(body.clone()))
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body} → {v}");
    }
    let list = admin_a.ok(Method::GET, "/admin/price-lists", json!(null)).await;
    assert_eq!(list["count"], 0, "nothing was created");

    let l = admin_a
        .ok(Method::POST, "/admin/price-lists", sale(&variant_a, 1.0))
        .await;
    let g = admin_a
        .ok(Method::POST, "/admin/customer-groups", json!({"name": "VIP"}))
        .await;
    for path in [
        format!("/admin/price-lists/{}", l["price_list"]["id"].as_str().unwrap()),
        format!("/admin/customer-groups/{}", g["customer_group"]["id"].as_str().unwrap()),
    ] {
        for method in [Method::GET, Method::DELETE] {
            let (s, _) = admin_b.call(method.clone(), &path, None).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{method} {path}");
        }
        let (s, _) = admin_b
            .call(Method::POST, &path, Some(json!({"name": "x", "title": "x"})))
            .await;
        assert!(
            s == StatusCode::NOT_FOUND || s == StatusCode::BAD_REQUEST,
            "{path}: {s}"
        );
    }
    let list = admin_b.ok(Method::GET, "/admin/price-lists", json!(null)).await;
    assert_eq!(list["count"], 0);
    let groups = admin_b.ok(Method::GET, "/admin/customer-groups", json!(null)).await;
    assert_eq!(groups["count"], 0);
    // B's storefront prices are untouched by A's list.
    let shop_b = Shop::of(&app, &b);
    assert_eq!(num(&shown(&shop_b, &variant_b).await["calculated_amount"]), 10.0);
}
