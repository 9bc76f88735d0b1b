//! Promotions: codes on carts (Medusa's samples), adjustments and totals, the order keeping
//! them, campaign budgets and promotion limits under concurrent completions, codes that go
//! stale before completion, the admin routes, the feature flag and isolation.

use futures::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::checkout::{ready_cart, store, Shop};
use crate::compat::{sample, sample_answer, shape_diff};
use crate::harness::{Admin, TestApp, TestTenant};

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// Fails with every difference between our `ours` and the sample's `theirs` shapes.
fn same_shape(ours: &Value, theirs: &Value, what: &str) {
    let mut diffs = Vec::new();
    shape_diff(ours, theirs, what, &mut diffs);
    assert!(diffs.is_empty(), "{what} differs from Medusa's:\n{}", diffs.join("\n"));
}

fn save10() -> Value {
    sample_request("admin-promotion-create-save10")
}

fn sample_request(name: &str) -> Value {
    let path = format!(
        "{}/../../../shared/medusa-store-api/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v["request"]["body"].clone()
}

/// The `checkout::store` shop "acme" with `stock` of each variant, its admin and a storefront.
async fn acme(app: &TestApp, stock: i64) -> (TestTenant, String, String, Admin<'_>, Shop<'_>) {
    let (t, variant, option) = store(app, "acme", stock).await;
    let admin = Admin::of(app, &t).await;
    let shop = Shop::of(app, &t);
    (t, variant, option, admin, shop)
}

async fn promo(admin: &Admin<'_>, body: Value) -> Value {
    admin.ok(Method::POST, "/admin/promotions", body).await["promotion"].clone()
}

/// A fixed 2 EUR order discount with `code`, in a campaign with a usage budget of 1.
async fn budget_of_one(admin: &Admin<'_>, code: &str) -> String {
    let campaign = admin
        .ok(
            Method::POST,
            "/admin/campaigns",
            sample_request("admin-campaign-create-budget1"),
        )
        .await;
    same_shape(&campaign, &sample("admin-campaign-create-budget1"), "campaign");
    let id = campaign["campaign"]["id"].as_str().unwrap().to_owned();
    let mut body = sample_request("admin-promotion-create-budget1");
    body["code"] = json!(code);
    body["campaign_id"] = json!(id);
    promo(admin, body).await;
    id
}

#[tokio::test]
async fn a_code_discounts_the_cart_before_tax_and_the_order_keeps_it() {
    let app = TestApp::spawn().await;
    let (_t, variant, option, admin, shop) = acme(&app, 10).await;

    let created = admin.ok(Method::POST, "/admin/promotions", save10()).await;
    same_shape(&created, &sample("admin-promotion-create-save10"), "promotion");
    assert_eq!(created["promotion"]["used"], 0);

    // 2 × 10 EUR + 10 shipping, 20 % tax in France: 36 without the code.
    let id = ready_cart(&shop, &variant, &option, 2, "pp_system_default", json!({})).await;
    let cart = shop
        .post(
            &format!("/store/carts/{id}/promotions"),
            json!({"promo_codes": ["SAVE10"]}),
        )
        .await;
    let c = &cart["cart"];
    let medusa = &sample("cart-promotion-applied")["cart"];
    same_shape(
        &c["items"][0]["adjustments"],
        &medusa["items"][0]["adjustments"],
        "adjustments",
    );
    same_shape(&c["promotions"], &medusa["promotions"], "promotions");
    assert_eq!(c["promotions"][0]["code"], "SAVE10");
    assert_eq!(num(&c["items"][0]["adjustments"][0]["amount"]), 2.0);
    assert_eq!(
        c["shipping_methods"][0]["adjustments"],
        json!([]),
        "shipping is not discounted"
    );
    // Tax on the discounted 18: 3.60, plus 2 on shipping.
    assert_eq!(num(&c["item_tax_total"]), 3.6);
    assert_eq!(num(&c["tax_total"]), 5.6);
    assert_eq!(num(&c["discount_subtotal"]), 2.0);
    assert_eq!(num(&c["discount_tax_total"]), 0.4);
    assert_eq!(num(&c["discount_total"]), 2.4);
    assert_eq!(num(&c["original_total"]), 36.0);
    assert_eq!(num(&c["total"]), 33.6);
    assert_eq!(num(&c["subtotal"]), 30.0, "subtotal is before discounts, as Medusa's");

    // Adjustments follow every change: a third unit.
    let line = c["items"][0]["id"].as_str().unwrap();
    let cart = shop
        .post(&format!("/store/carts/{id}/line-items/{line}"), json!({"quantity": 3}))
        .await;
    assert_eq!(num(&cart["cart"]["items"][0]["adjustments"][0]["amount"]), 3.0);
    let cart = shop
        .post(&format!("/store/carts/{id}/line-items/{line}"), json!({"quantity": 2}))
        .await;
    assert_eq!(num(&cart["cart"]["total"]), 33.6);

    let done = shop.post(&format!("/store/carts/{id}/complete"), json!({})).await;
    assert_eq!(done["type"], "order", "{done}");
    let order_id = done["order"]["id"].as_str().unwrap().to_owned();
    let (_, read) = shop.call(Method::GET, &format!("/store/orders/{order_id}"), None).await;
    let medusa = &sample("order-with-discount")["order"];
    for o in [&done["order"], &read["order"]] {
        assert_eq!(num(&o["total"]), 33.6, "{o}");
        assert_eq!(num(&o["discount_total"]), 2.4);
        assert_eq!(num(&o["original_total"]) - num(&o["discount_total"]), num(&o["total"]));
        let item = &o["items"][0];
        same_shape(
            &item["adjustments"],
            &medusa["items"][0]["adjustments"],
            "order adjustments",
        );
        assert_eq!(item["adjustments"][0]["code"], "SAVE10");
        assert_eq!(num(&item["discount_total"]), 2.4);
        assert_eq!(num(&item["total"]), 21.6);
    }
    let pid = created["promotion"]["id"].as_str().unwrap();
    let after = admin
        .ok(Method::GET, &format!("/admin/promotions/{pid}"), json!(null))
        .await;
    assert_eq!(after["promotion"]["used"], 1, "usage counted");
    let mut conn = app.owner_conn().await;
    let (code, amount): (String, rust_decimal::Decimal) =
        sqlx::query_as("SELECT code, amount FROM order_promotions WHERE order_id = $1")
            .bind(&order_id)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(
        (code.as_str(), amount.normalize().to_string().as_str()),
        ("SAVE10", "2")
    );
}

#[tokio::test]
async fn codes_match_exactly_promo_codes_replace_the_set_and_a_refused_update_changes_nothing() {
    let app = TestApp::spawn().await;
    let (_t, variant, option, admin, shop) = acme(&app, 10).await;
    promo(&admin, save10()).await;
    let id = ready_cart(&shop, &variant, &option, 1, "pp_system_default", json!({})).await;
    let path = format!("/store/carts/{id}");

    let cart = shop.post(&path, json!({"promo_codes": ["SAVE10"]})).await;
    assert_eq!(cart["cart"]["promotions"][0]["code"], "SAVE10");
    // The samples: Medusa matches codes case-sensitively, and a refused update changes nothing.
    let (status, err) = shop
        .call(
            Method::POST,
            &path,
            Some(json!({"promo_codes": ["save10"], "email": "x@example.com"})),
        )
        .await;
    assert_eq!(
        (status, &err),
        (StatusCode::BAD_REQUEST, &sample("cart-update-promo-codes"))
    );
    let (_, after) = shop.call(Method::GET, &path, None).await;
    assert_eq!(after["cart"]["promotions"][0]["code"], "SAVE10");
    assert_eq!(after["cart"]["email"], "guest@example.com");

    let (status, err) = shop
        .call(
            Method::POST,
            &format!("{path}/promotions"),
            Some(json!({"promo_codes": ["NO-SUCH-CODE"]})),
        )
        .await;
    assert_eq!((status, err), sample_answer("error-promotion-unknown-code"));
    let (status, err) = shop.call(Method::DELETE, &format!("{path}/promotions"), None).await;
    assert_eq!((status, err), sample_answer("error-promotion-remove-no-body"));

    let cart = shop.post(&path, json!({"promo_codes": []})).await;
    assert_eq!(cart["cart"]["promotions"], json!([]), "an empty list replaces the set");
    assert_eq!(num(&cart["cart"]["discount_total"]), 0.0);
    shop.post(&format!("{path}/promotions"), json!({"promo_codes": ["SAVE10"]}))
        .await;
    let (status, cart) = shop
        .call(
            Method::DELETE,
            &format!("{path}/promotions"),
            Some(json!({"promo_codes": ["SAVE10"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cart["cart"]["promotions"], json!([]), "DELETE answers the cart");
    assert_eq!(cart["cart"]["items"][0]["adjustments"], json!([]));

    // A cart created with a code has it at once.
    let (status, cart) = shop
        .call(Method::POST, "/store/carts", Some(json!({"promo_codes": ["SAVE10"]})))
        .await;
    assert_eq!(status, StatusCode::OK, "{cart}");
    assert_eq!(cart["cart"]["promotions"][0]["code"], "SAVE10");
}

/// Completes every cart at once; answers the statuses and bodies.
async fn complete_all(shop: &Shop<'_>, carts: &[String]) -> Vec<(StatusCode, Value)> {
    let paths: Vec<String> = carts.iter().map(|id| format!("/store/carts/{id}/complete")).collect();
    join_all(paths.iter().map(|p| shop.call(Method::POST, p, None))).await
}

#[tokio::test]
async fn a_campaign_budget_of_one_is_never_exceeded_by_concurrent_completions() {
    let app = TestApp::spawn().await;
    let (t, variant, option, admin, shop) = acme(&app, 50).await;
    let campaign = budget_of_one(&admin, "BUDGET1").await;
    let mut carts = Vec::new();
    for _ in 0..8 {
        let id = ready_cart(&shop, &variant, &option, 1, "pp_system_default", json!({})).await;
        let cart = shop
            .post(
                &format!("/store/carts/{id}/promotions"),
                json!({"promo_codes": ["BUDGET1"]}),
            )
            .await;
        assert_eq!(num(&cart["cart"]["discount_subtotal"]), 2.0);
        carts.push(id);
    }
    let results = complete_all(&shop, &carts).await;
    let orders = results
        .iter()
        .filter(|(s, v)| *s == StatusCode::OK && v["type"] == "order")
        .count();
    assert_eq!(orders, 1, "exactly one completion uses the budget: {results:?}");
    for (s, v) in results.iter().filter(|(s, _)| *s != StatusCode::OK) {
        assert_eq!((*s, v), (StatusCode::BAD_REQUEST, &sample("budget-exceeded-complete")));
    }
    let c = admin
        .ok(Method::GET, &format!("/admin/campaigns/{campaign}"), json!(null))
        .await;
    assert_eq!(c["campaign"]["budget"]["used"], 1);
    let mut conn = app.owner_conn().await;
    let (n, stocked): (i64, i32) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM orders WHERE tenant_id = $1), \
         (SELECT stocked_quantity FROM inventory_levels WHERE tenant_id = $1 AND variant_id = $2)",
    )
    .bind(&t.id)
    .bind(&variant)
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!((n, stocked), (1, 49), "the refused completions took no stock");

    // The refused cart keeps its promotion (Medusa's budget-exceeded-cart-after) ...
    let loser = carts
        .iter()
        .zip(&results)
        .find(|(_, (s, _))| *s != StatusCode::OK)
        .unwrap()
        .0;
    let (_, after) = shop.call(Method::GET, &format!("/store/carts/{loser}"), None).await;
    assert_eq!(after["cart"]["completed_at"], Value::Null);
    assert_eq!(after["cart"]["promotions"][0]["code"], "BUDGET1");
    // ... and a new cart asking for the spent code gets 200 without it (budget-exceeded-apply).
    let id = ready_cart(&shop, &variant, &option, 1, "pp_system_default", json!({})).await;
    let cart = shop
        .post(
            &format!("/store/carts/{id}/promotions"),
            json!({"promo_codes": ["BUDGET1"]}),
        )
        .await;
    assert_eq!(cart["cart"]["promotions"], json!([]));
    // Taking the code off lets the refused cart complete at full price.
    shop.ok(
        Method::DELETE,
        &format!("/store/carts/{loser}/promotions"),
        Some(json!({"promo_codes": ["BUDGET1"]})),
    )
    .await;
    let done = shop.post(&format!("/store/carts/{loser}/complete"), json!({})).await;
    assert_eq!(done["type"], "order");
    assert_eq!(num(&done["order"]["discount_total"]), 0.0);
}

#[tokio::test]
async fn a_promotion_limit_of_one_is_never_exceeded_by_concurrent_completions() {
    let app = TestApp::spawn().await;
    let (_t, variant, option, admin, shop) = acme(&app, 50).await;
    let p = promo(&admin, sample_request("admin-promotion-create-limit1")).await;
    same_shape(
        &json!({"promotion": p}),
        &sample("admin-promotion-create-limit1"),
        "promotion",
    );
    let mut carts = Vec::new();
    for _ in 0..6 {
        let id = ready_cart(&shop, &variant, &option, 1, "pp_system_default", json!({})).await;
        shop.post(
            &format!("/store/carts/{id}/promotions"),
            json!({"promo_codes": ["LIMIT1"]}),
        )
        .await;
        carts.push(id);
    }
    let results = complete_all(&shop, &carts).await;
    let orders = results.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    assert_eq!(orders, 1, "{results:?}");
    for (s, v) in results.iter().filter(|(s, _)| *s != StatusCode::OK) {
        assert_eq!((*s, v), (StatusCode::BAD_REQUEST, &sample("limit-exceeded-complete")));
    }
    let pid = p["id"].as_str().unwrap();
    let after = admin
        .ok(Method::GET, &format!("/admin/promotions/{pid}"), json!(null))
        .await;
    assert_eq!(after["promotion"]["used"], 1);
}

/// One cart with `code` applied, ready to complete; answers its id and its total.
async fn cart_with(shop: &Shop<'_>, variant: &str, option: &str, code: &str) -> (String, f64) {
    let id = ready_cart(shop, variant, option, 1, "pp_system_default", json!({})).await;
    let cart = shop
        .post(&format!("/store/carts/{id}/promotions"), json!({"promo_codes": [code]}))
        .await;
    assert_eq!(cart["cart"]["promotions"][0]["code"], code, "{cart}");
    (id, num(&cart["cart"]["total"]))
}

/// The cart no longer shows the discount, completion refuses once naming the code, then
/// the cart completes at the price it now shows.
async fn refused_once_then_full_price(shop: &Shop<'_>, id: &str, code: &str, full: f64) {
    let (_, now) = shop.call(Method::GET, &format!("/store/carts/{id}"), None).await;
    assert_eq!(now["cart"]["promotions"], json!([]), "the cart reflects it");
    assert_eq!(num(&now["cart"]["total"]), full);
    let (s, err) = shop
        .call(Method::POST, &format!("/store/carts/{id}/complete"), None)
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{err}");
    assert_eq!(err["type"], "invalid_data");
    assert!(err["message"].as_str().unwrap().contains(code), "{err}");
    let done = shop.post(&format!("/store/carts/{id}/complete"), json!({})).await;
    assert_eq!(done["type"], "order");
    assert_eq!(num(&done["order"]["total"]), full);
}

#[tokio::test]
async fn a_deactivated_promotion_stops_the_completion_that_relied_on_it() {
    let app = TestApp::spawn().await;
    let (_t, variant, option, admin, shop) = acme(&app, 10).await;
    let p = promo(&admin, save10()).await;
    let (id, discounted) = cart_with(&shop, &variant, &option, "SAVE10").await;
    assert_eq!(discounted, 22.8, "(10 − 1) × 1.2 + 12");
    let pid = p["id"].as_str().unwrap();
    admin
        .ok(
            Method::POST,
            &format!("/admin/promotions/{pid}"),
            json!({"status": "inactive"}),
        )
        .await;
    refused_once_then_full_price(&shop, &id, "SAVE10", 24.0).await;
}

#[tokio::test]
async fn an_expired_campaign_stops_the_completion_that_relied_on_it() {
    let app = TestApp::spawn().await;
    let (_t, variant, option, admin, shop) = acme(&app, 10).await;
    let c = admin
        .ok(
            Method::POST,
            "/admin/campaigns",
            json!({"name": "Spring", "campaign_identifier": "SPRING", "starts_at": "2020-01-01T00:00:00Z"}),
        )
        .await;
    let cid = c["campaign"]["id"].as_str().unwrap();
    let mut body = save10();
    body["code"] = json!("SPRING10");
    body["campaign_id"] = json!(cid);
    promo(&admin, body).await;
    let (id, _) = cart_with(&shop, &variant, &option, "SPRING10").await;
    admin
        .ok(
            Method::POST,
            &format!("/admin/campaigns/{cid}"),
            json!({"ends_at": "2021-01-01T00:00:00Z"}),
        )
        .await;
    refused_once_then_full_price(&shop, &id, "SPRING10", 24.0).await;
}

#[tokio::test]
async fn a_budget_spent_since_the_code_was_applied_stops_the_completion() {
    let app = TestApp::spawn().await;
    let (_t, variant, option, admin, shop) = acme(&app, 10).await;
    budget_of_one(&admin, "BUDGET1").await;
    let (first, _) = cart_with(&shop, &variant, &option, "BUDGET1").await;
    let (second, _) = cart_with(&shop, &variant, &option, "BUDGET1").await;
    let done = shop.post(&format!("/store/carts/{first}/complete"), json!({})).await;
    assert_eq!(done["type"], "order");
    let (s, err) = shop
        .call(Method::POST, &format!("/store/carts/{second}/complete"), None)
        .await;
    assert_eq!((s, err), sample_answer("budget-exceeded-complete"));
}

#[tokio::test]
async fn item_rules_max_quantity_and_automatic_promotions() {
    let app = TestApp::spawn().await;
    let (_t, variant, option, admin, shop) = acme(&app, 10).await;
    let (_, p) = shop.call(Method::GET, "/store/products", None).await;
    let product = p["products"][0]["id"].as_str().unwrap().to_owned();
    let mut body = sample_request("admin-promotion-create-item5off");
    body["application_method"]["target_rules"][0]["values"] = json!([product]);
    let created = admin.ok(Method::POST, "/admin/promotions", body).await;
    same_shape(&created, &sample("admin-promotion-create-item5off"), "promotion");

    let id = ready_cart(&shop, &variant, &option, 2, "pp_system_default", json!({})).await;
    let cart = shop
        .post(
            &format!("/store/carts/{id}/promotions"),
            json!({"promo_codes": ["ITEM5OFF"]}),
        )
        .await;
    let item = &cart["cart"]["items"][0];
    assert_eq!(item["adjustments"].as_array().unwrap().len(), 1);
    assert_eq!(num(&item["adjustments"][0]["amount"]), 5.0, "max_quantity 1: one unit");

    // An automatic 100 % shipping promotion, only in this currency: no code needed.
    let free_shipping = json!({"code": "FREESHIP", "type": "standard", "status": "active", "is_automatic": true,
        "rules": [{"attribute": "currency_code", "operator": "eq", "values": ["eur"]}],
        "application_method": {"type": "percentage", "target_type": "shipping_methods", "allocation": "each",
                               "value": 100}});
    promo(&admin, free_shipping).await;
    let (_, cart) = shop.call(Method::GET, &format!("/store/carts/{id}"), None).await;
    let c = &cart["cart"];
    assert_eq!(num(&c["shipping_total"]), 0.0, "{c}");
    assert_eq!(num(&c["shipping_discount_total"]), 12.0, "10 + its 2 of tax");
    let codes: Vec<&str> = c["promotions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["ITEM5OFF", "FREESHIP"]);
    // A rule the cart does not meet: nothing.
    let usd_only = json!({"code": "USD5", "type": "standard", "status": "active", "is_automatic": true,
        "rules": [{"attribute": "currency_code", "operator": "eq", "values": ["usd"]}],
        "application_method": {"type": "fixed", "target_type": "order", "value": 5}});
    promo(&admin, usd_only).await;
    let (_, again) = shop.call(Method::GET, &format!("/store/carts/{id}"), None).await;
    assert_eq!(again["cart"]["total"], c["total"]);
    assert!(num(&c["total"]) >= 0.0);
}

#[tokio::test]
async fn bad_promotion_input_is_refused_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let (t, _, _) = store(&app, "acme", 1).await;
    let admin = Admin::of(&app, &t).await;
    let bad = [
        json!({"code": "X", "type": "standard"}),
        json!({"code": "X", "type": "megadeal", "application_method": {"type": "fixed", "target_type": "order", "value": 1}}),
        json!({"code": "X", "application_method": {"type": "percentage", "target_type": "order", "value": 150}}),
        json!({"code": "X", "application_method": {"type": "fixed", "target_type": "items", "value": -1}}),
        json!({"code": "X", "application_method": {"type": "fixed", "target_type": "items", "value": 1,
               "target_rules": [{"attribute": "items.colour", "operator": "in", "values": ["red"]}]}}),
        json!({"code": "X", "rules": [{"attribute": "region_id", "operator": "like", "values": ["r"]}],
               "application_method": {"type": "fixed", "target_type": "order", "value": 1}}),
        json!({"code": "X", "campaign_id": "procamp_nope",
               "application_method": {"type": "fixed", "target_type": "order", "value": 1}}),
        json!({"code": "X", "type": "buyget", "application_method": {"type": "percentage", "target_type": "items", "value": 100}}),
        json!({"code": "X", "surprise": true}),
    ];
    for body in bad {
        let (s, v) = admin.call(Method::POST, "/admin/promotions", Some(body.clone())).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body} → {v}");
        assert_eq!(v["type"], "invalid_data", "{v}");
    }
    for body in [
        json!({"name": "No identifier"}),
        json!({"name": "B", "campaign_identifier": "B", "budget": {"type": "spend", "limit": 10}}),
        json!({"name": "D", "campaign_identifier": "D", "starts_at": "2030-01-02T00:00:00Z", "ends_at": "2030-01-01T00:00:00Z"}),
    ] {
        let (s, v) = admin.call(Method::POST, "/admin/campaigns", Some(body.clone())).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body} → {v}");
    }
    let list = admin.ok(Method::GET, "/admin/promotions", json!(null)).await;
    assert_eq!(list["count"], 0);
    let list = admin.ok(Method::GET, "/admin/campaigns", json!(null)).await;
    assert_eq!(list["count"], 0);
    promo(&admin, save10()).await;
    let (s, v) = admin.call(Method::POST, "/admin/promotions", Some(save10())).await;
    assert_eq!(
        (s, v["type"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("duplicate_error"))
    );
}

#[tokio::test]
async fn another_store_can_neither_see_nor_use_a_stores_promotions() {
    let app = TestApp::spawn().await;
    let (a, _, _) = store(&app, "acme", 1).await;
    let (b, variant_b, option_b) = store(&app, "globex", 5).await;
    let admin_a = Admin::of(&app, &a).await;
    let admin_b = Admin::of(&app, &b).await;
    let p = promo(&admin_a, save10()).await;
    let campaign = budget_of_one(&admin_a, "BUDGET1").await;
    let pid = p["id"].as_str().unwrap();
    for (path, change) in [
        (format!("/admin/promotions/{pid}"), json!({"status": "inactive"})),
        (format!("/admin/campaigns/{campaign}"), json!({"name": "x"})),
    ] {
        let (s, _) = admin_b.call(Method::GET, &path, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
        let (s, _) = admin_b.call(Method::POST, &path, Some(change)).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
        let (s, _) = admin_b.call(Method::DELETE, &path, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
    }
    let list = admin_b.ok(Method::GET, "/admin/promotions", json!(null)).await;
    assert_eq!(list["count"], 0);
    let (s, _) = admin_b
        .call(
            Method::POST,
            "/admin/promotions",
            Some(json!({"code": "X", "campaign_id": campaign,
            "application_method": {"type": "fixed", "target_type": "order", "value": 1}})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "another store's campaign");
    let shop_b = Shop::of(&app, &b);
    let id = ready_cart(&shop_b, &variant_b, &option_b, 1, "pp_system_default", json!({})).await;
    let (s, v) = shop_b
        .call(
            Method::POST,
            &format!("/store/carts/{id}/promotions"),
            Some(json!({"promo_codes": ["SAVE10"]})),
        )
        .await;
    assert_eq!(
        (s, v["message"].as_str()),
        (StatusCode::BAD_REQUEST, Some("The promotion code SAVE10 is invalid"))
    );
    // Store A's own code still works for store A, and the same code may exist in B.
    promo(&admin_b, save10()).await;
    let after = admin_a
        .ok(Method::GET, &format!("/admin/promotions/{pid}"), json!(null))
        .await;
    assert_eq!(after["promotion"]["status"], "active");
}

#[tokio::test]
async fn a_plan_without_promotions_refuses_them_in_admin_and_store() {
    let app = TestApp::spawn().await;
    let t = app.tenant_with("tiny", json!({"plan_id": "free"})).await;
    let admin = Admin::of(&app, &t).await;
    let (s, v) = admin.call(Method::POST, "/admin/promotions", Some(save10())).await;
    assert_eq!(
        (s, v["type"].as_str()),
        (StatusCode::BAD_REQUEST, Some("not_allowed")),
        "{v}"
    );
    let (s, _) = admin.call(Method::GET, "/admin/campaigns", None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let shop = Shop::of(&app, &t);
    let (s, v) = shop
        .call(Method::POST, "/store/carts", Some(json!({"promo_codes": ["SAVE10"]})))
        .await;
    assert_eq!(
        (s, v["type"].as_str()),
        (StatusCode::BAD_REQUEST, Some("not_allowed")),
        "{v}"
    );
    let cart = shop.post("/store/carts", json!({})).await;
    assert_eq!(cart["cart"]["promotions"], json!([]));
}
