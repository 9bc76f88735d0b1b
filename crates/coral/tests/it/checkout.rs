//! The samples' 8-step guest checkout with totals against a hand computation, and
//! checkout under concurrency (double complete, last unit, display ids). The shop
//! helpers here serve `checkout_errors`, `customers` and `payments` too.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::catalog::shirt;
use crate::compat::assert_shape;
use crate::harness::{send, Admin, TestApp, TestTenant};

/// A storefront session: a publishable key, and a customer token once signed in.
#[derive(Clone)]
pub struct Shop<'a> {
    pub app: &'a TestApp,
    pub key: String,
    pub token: Option<String>,
}

impl<'a> Shop<'a> {
    pub fn of(app: &'a TestApp, t: &TestTenant) -> Self {
        Self {
            app,
            key: t.key.clone(),
            token: None,
        }
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut req = self
            .app
            .request(method, path)
            .header("x-publishable-api-key", &self.key)
            .header("content-type", "application/json");
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        send(req).await
    }

    pub async fn ok(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let (s, v) = self.call(method.clone(), path, body).await;
        assert_eq!(s, StatusCode::OK, "{method} {path}: {v}");
        v
    }

    pub async fn post(&self, path: &str, body: Value) -> Value {
        self.ok(Method::POST, path, Some(body)).await
    }
}

/// A store selling one shirt (S/M/L at 10/12/14 EUR, `stock` each) with flat shipping
/// of 10 EUR, 20 % tax in France, and both payment providers enabled in its region. Answers (tenant, variant S id, shipping option id).
pub async fn store(app: &TestApp, handle: &str, stock: i64) -> (TestTenant, String, String) {
    let t = app.tenant(handle).await;
    let admin = Admin::of(app, &t).await;
    let col = admin
        .ok(Method::POST, "/admin/collections", json!({"title": "Winter"}))
        .await;
    let mut body = shirt("Shirt");
    body["collection_id"] = col["collection"]["id"].clone();
    body["subtitle"] = json!("Subtitle");
    body["description"] = json!("A shirt.");
    body["material"] = json!("wool");
    body["weight"] = json!(400);
    for v in body["variants"].as_array_mut().unwrap() {
        v["inventory_quantity"] = json!(stock);
    }
    let p = admin.ok(Method::POST, "/admin/products", body).await;
    let variant = p["product"]["variants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["title"] == "S")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, regions) = app.store_get(&t, "/store/regions").await;
    let region = regions["regions"][0]["id"].as_str().unwrap().to_owned();
    let so = admin
        .ok(
            Method::POST,
            "/admin/shipping-options",
            json!({"name": "Standard Shipping", "region_id": region, "amount": 10,
                   "type": {"code": "standard", "label": "Standard", "description": "Ship in 2-3 days."}}),
        )
        .await;
    admin
        .ok(
            Method::POST,
            &format!("/admin/regions/{region}"),
            json!({"tax_rates": {"fr": 20}, "payment_providers": ["pp_system_default", "pp_nmi_nmi"]}),
        )
        .await;
    let locations = admin.ok(Method::GET, "/admin/stock-locations", json!(null)).await;
    let location = locations["stock_locations"][0]["id"].as_str().unwrap();
    admin
        .ok(
            Method::POST,
            &format!("/admin/stock-locations/{location}"),
            json!({"address": {"address_1": "1 Quai de la Gare", "city": "Paris", "country_code": "FR"}}),
        )
        .await;
    (t, variant, so["shipping_option"]["id"].as_str().unwrap().to_owned())
}

fn address() -> Value {
    json!({"first_name": "Ada", "last_name": "Lovelace", "address_1": "1 Rue de Rivoli", "city": "Paris",
           "postal_code": "75001", "country_code": "fr", "phone": "+33100000000"})
}

/// Steps 1–7 of the samples' flow: a cart with `quantity` of `variant`, addresses,
/// shipping, and a payment session with `provider` (and `data`). Answers the cart id.
pub async fn ready_cart(
    shop: &Shop<'_>,
    variant: &str,
    option: &str,
    quantity: i64,
    provider: &str,
    data: Value,
) -> String {
    let cart = shop.post("/store/carts", json!({})).await;
    let id = cart["cart"]["id"].as_str().unwrap().to_owned();
    shop.post(
        &format!("/store/carts/{id}/line-items"),
        json!({"variant_id": variant, "quantity": quantity}),
    )
    .await;
    shop.post(
        &format!("/store/carts/{id}"),
        json!({"email": "guest@example.com", "shipping_address": address(), "billing_address": address()}),
    )
    .await;
    shop.post(
        &format!("/store/carts/{id}/shipping-methods"),
        json!({"option_id": option}),
    )
    .await;
    let pc = shop.post("/store/payment-collections", json!({"cart_id": id})).await;
    let pc_id = pc["payment_collection"]["id"].as_str().unwrap();
    shop.post(
        &format!("/store/payment-collections/{pc_id}/payment-sessions"),
        json!({"provider_id": provider, "data": data}),
    )
    .await;
    id
}

/// The tenant's order count and the variant's stocked quantity, read as the owner.
async fn orders_and_stock(app: &TestApp, t: &TestTenant, variant: &str) -> (i64, i32) {
    let mut conn = app.owner_conn().await;
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM orders WHERE tenant_id = $1), \
                (SELECT stocked_quantity FROM inventory_levels WHERE tenant_id = $1 AND variant_id = $2)",
    )
    .bind(&t.id)
    .bind(variant)
    .fetch_one(&mut conn)
    .await
    .unwrap()
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

#[tokio::test]
async fn the_guest_checkout_of_the_samples_yields_an_order_with_hand_computed_totals() {
    let app = TestApp::spawn().await;
    let (t, variant, option) = store(&app, "acme", 5).await;
    let shop = Shop::of(&app, &t);

    let cart = shop.post("/store/carts", json!({})).await;
    assert_shape(&cart, "checkout-1_create_cart");
    let id = cart["cart"]["id"].as_str().unwrap().to_owned();
    let (_, empty) = shop.call(Method::GET, &format!("/store/carts/{id}"), None).await;
    assert_shape(&empty, "cart-get-empty");

    let cart = shop
        .post(
            &format!("/store/carts/{id}/line-items"),
            json!({"variant_id": variant, "quantity": 2}),
        )
        .await;
    assert_shape(&cart, "checkout-2_add_line_item");
    assert_eq!(num(&cart["cart"]["total"]), 20.0, "no address yet: no tax");

    let cart = shop
        .post(
            &format!("/store/carts/{id}"),
            json!({"email": "Guest@Example.com", "shipping_address": address(), "billing_address": address()}),
        )
        .await;
    assert_shape(&cart, "checkout-3_update_cart_email_address");
    assert_eq!(cart["cart"]["email"], "guest@example.com");
    assert!(cart["cart"]["customer_id"].is_string(), "a guest customer");

    let (_, options) = shop
        .call(Method::GET, &format!("/store/shipping-options?cart_id={id}"), None)
        .await;
    assert_shape(&options, "checkout-4_list_shipping_options");
    assert_eq!(options["shipping_options"][0]["id"], option.as_str());

    let cart = shop
        .post(
            &format!("/store/carts/{id}/shipping-methods"),
            json!({"option_id": option}),
        )
        .await;
    assert_shape(&cart, "checkout-5_add_shipping_method");
    // Hand computation: 2 × 10 = 20, tax 20 % = 4; shipping 10, tax 2; total 36.
    let c = &cart["cart"];
    assert_eq!(
        [
            c["item_subtotal"].clone(),
            c["item_tax_total"].clone(),
            c["shipping_subtotal"].clone(),
            c["shipping_tax_total"].clone(),
            c["subtotal"].clone(),
            c["tax_total"].clone(),
            c["total"].clone()
        ],
        [json!(20), json!(4), json!(10), json!(2), json!(30), json!(6), json!(36)]
    );

    let pc = shop.post("/store/payment-collections", json!({"cart_id": id})).await;
    assert_shape(&pc, "checkout-6_create_payment_collection");
    assert_eq!(num(&pc["payment_collection"]["amount"]), 36.0);
    let pc_id = pc["payment_collection"]["id"].as_str().unwrap();
    let (_, providers) = shop
        .call(
            Method::GET,
            &format!(
                "/store/payment-providers?region_id={}",
                c["region_id"].as_str().unwrap()
            ),
            None,
        )
        .await;
    assert_shape(&providers, "payment-providers");
    let pc = shop
        .post(
            &format!("/store/payment-collections/{pc_id}/payment-sessions"),
            json!({"provider_id": "pp_system_default"}),
        )
        .await;
    assert_shape(&pc, "checkout-7_create_payment_session");
    assert_eq!(pc["payment_collection"]["payment_sessions"][0]["status"], "pending");

    let stock_of_s = || async {
        let (_, p) = app
            .store_get(&t, "/store/products?fields=%2Bvariants.inventory_quantity&limit=1")
            .await;
        let variants = p["products"][0]["variants"].as_array().unwrap().clone();
        variants.into_iter().find(|v| v["id"] == variant.as_str()).unwrap()["inventory_quantity"].clone()
    };
    assert_eq!(stock_of_s().await, 5, "read (and cached) before the order");

    let done = shop.post(&format!("/store/carts/{id}/complete"), json!({})).await;
    assert_shape(&done, "checkout-8_complete_cart");
    let order = &done["order"];
    assert_eq!(done["type"], "order");
    assert_eq!(order["display_id"], 1);
    assert_eq!(num(&order["total"]), 36.0);
    assert_eq!(num(&order["tax_total"]), 6.0);
    assert_eq!(num(&order["shipping_methods"][0]["total"]), 12.0);
    assert_eq!(
        order["payment_collections"][0]["payments"][0]["provider_id"],
        "pp_system_default"
    );
    assert_eq!(order["payment_collections"][0]["status"], "authorized");

    // Again: the same order (the sample's idempotent answer).
    let again = shop.post(&format!("/store/carts/{id}/complete"), json!({})).await;
    assert_shape(&again, "complete-already-completed-cart-idempotent");
    assert_eq!(again["order"]["id"], order["id"]);
    // The guest confirmation page reads the order without a token.
    let (s, o) = shop
        .call(
            Method::GET,
            &format!("/store/orders/{}", order["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(o["order"]["display_id"], 1);
    // Stock went from 5 to 3, and the storefront sees it at once (no stale rendering).
    assert_eq!(stock_of_s().await, 3);
    // And the event is in the outbox, in the same transaction.
    let mut conn = app.owner_conn().await;
    let events: Vec<(String, String)> =
        sqlx::query_as("SELECT event, resource_id FROM outbox WHERE tenant_id = $1 AND event LIKE 'order.%'")
            .bind(&t.id)
            .fetch_all(&mut conn)
            .await
            .unwrap();
    assert_eq!(
        events,
        vec![("order.placed".to_owned(), order["id"].as_str().unwrap().to_owned())]
    );
}

#[tokio::test]
async fn concurrent_completes_of_one_cart_create_exactly_one_order() {
    let app = TestApp::spawn().await;
    let (t, variant, option) = store(&app, "acme", 5).await;
    let shop = Shop::of(&app, &t);
    let id = ready_cart(&shop, &variant, &option, 1, "pp_system_default", json!({})).await;
    let path = format!("/store/carts/{id}/complete");
    let calls = (0..8).map(|_| shop.call(Method::POST, &path, None));
    let answers = futures::future::join_all(calls).await;
    let ids: Vec<&Value> = answers
        .iter()
        .map(|(s, v)| {
            assert_eq!(*s, StatusCode::OK, "{v}");
            &v["order"]["id"]
        })
        .collect();
    assert!(ids.iter().all(|i| *i == ids[0] && i.is_string()), "{ids:?}");
    let (orders, stock) = orders_and_stock(&app, &t, &variant).await;
    assert_eq!((orders, stock), (1, 4));
}

#[tokio::test]
async fn the_last_unit_is_sold_once_and_the_loser_changes_nothing() {
    let app = TestApp::spawn().await;
    let (t, variant, option) = store(&app, "acme", 1).await;
    let shop = Shop::of(&app, &t);
    let a = ready_cart(&shop, &variant, &option, 1, "pp_system_default", json!({})).await;
    let b = ready_cart(&shop, &variant, &option, 1, "pp_system_default", json!({})).await;
    let (pa, pb) = (
        format!("/store/carts/{a}/complete"),
        format!("/store/carts/{b}/complete"),
    );
    let (ra, rb) = tokio::join!(shop.call(Method::POST, &pa, None), shop.call(Method::POST, &pb, None));
    let statuses = [ra.0, rb.0];
    assert!(
        statuses.contains(&StatusCode::OK) && statuses.contains(&StatusCode::BAD_REQUEST),
        "{ra:?} {rb:?}"
    );
    let loser = if ra.0 == StatusCode::OK { (&rb, &b) } else { (&ra, &a) };
    assert_eq!(loser.0 .1["type"], "invalid_data");
    assert!(
        loser.0 .1["message"].as_str().unwrap().contains("inventory"),
        "{}",
        loser.0 .1
    );
    let (_, cart) = shop.call(Method::GET, &format!("/store/carts/{}", loser.1), None).await;
    assert!(cart["cart"]["completed_at"].is_null(), "the loser's cart is untouched");
    let (orders, stock) = orders_and_stock(&app, &t, &variant).await;
    assert_eq!((orders, stock), (1, 0));
}

#[tokio::test]
async fn display_ids_count_per_tenant() {
    let app = TestApp::spawn().await;
    let mut seen = Vec::new();
    for handle in ["acme", "globex"] {
        let (t, v, o) = store(&app, handle, 9).await;
        let shop = Shop::of(&app, &t);
        for _ in 0..2 {
            let cart = ready_cart(&shop, &v, &o, 1, "pp_system_default", json!({})).await;
            let done = shop.post(&format!("/store/carts/{cart}/complete"), json!({})).await;
            seen.push(done["order"]["display_id"].as_i64().unwrap());
        }
    }
    assert_eq!(seen, vec![1, 2, 1, 2]);
}

#[tokio::test]
async fn concurrent_orders_get_distinct_consecutive_display_ids() {
    let app = TestApp::spawn().await;
    let (t, v, o) = store(&app, "acme", 50).await;
    let shop = Shop::of(&app, &t);
    let mut paths = Vec::new();
    for _ in 0..6 {
        let cart = ready_cart(&shop, &v, &o, 1, "pp_system_default", json!({})).await;
        paths.push(format!("/store/carts/{cart}/complete"));
    }
    let answers = futures::future::join_all(paths.iter().map(|p| shop.call(Method::POST, p, None))).await;
    let mut ids: Vec<i64> = answers
        .iter()
        .map(|(s, v)| {
            assert_eq!(*s, StatusCode::OK, "{v}");
            v["order"]["display_id"].as_i64().unwrap()
        })
        .collect();
    ids.sort();
    assert_eq!(ids, (1..=6).collect::<Vec<_>>());
}

/// Display ids come from each store's own counter row (`tenant_counters`), taken in a
/// short transaction of its own: concurrent checkouts of two stores each number 1..=8
/// with no duplicate, and a replayed completion takes no number.
#[tokio::test]
async fn concurrent_orders_in_two_stores_are_numbered_per_store() {
    const N: i64 = 8;
    let app = TestApp::spawn().await;
    let mut stores = Vec::new();
    for handle in ["acme", "globex"] {
        let (t, v, o) = store(&app, handle, 50).await;
        let shop = Shop::of(&app, &t);
        let mut carts = Vec::new();
        for _ in 0..N {
            carts.push(ready_cart(&shop, &v, &o, 1, "pp_system_default", json!({})).await);
        }
        stores.push((t, shop, v, o, carts));
    }
    // All 16 completions at once (more than the test pool's 8 connections).
    let calls = stores.iter().flat_map(|(_, shop, _, _, carts)| {
        carts.iter().map(move |c| async move {
            shop.call(Method::POST, &format!("/store/carts/{c}/complete"), None)
                .await
        })
    });
    let answers = futures::future::join_all(calls).await;
    for (n, chunk) in answers.chunks(N as usize).enumerate() {
        let mut ids: Vec<i64> = chunk
            .iter()
            .map(|(s, v)| {
                assert_eq!(*s, StatusCode::OK, "{v}");
                v["order"]["display_id"].as_i64().unwrap()
            })
            .collect();
        ids.sort();
        assert_eq!(ids, (1..=N).collect::<Vec<_>>(), "store {n}");
    }
    let mut conn = app.owner_conn().await;
    for (t, shop, v, o, carts) in &stores {
        // A replay answers the same order and takes no number: the next order is N + 1.
        let again = shop
            .post(&format!("/store/carts/{}/complete", carts[0]), json!({}))
            .await;
        assert!(again["order"]["display_id"].as_i64().unwrap() <= N);
        let cart = ready_cart(shop, v, o, 1, "pp_system_default", json!({})).await;
        let next = shop.post(&format!("/store/carts/{cart}/complete"), json!({})).await;
        assert_eq!(next["order"]["display_id"], N + 1);
        let counter: i64 =
            sqlx::query_scalar("SELECT value FROM tenant_counters WHERE tenant_id = $1 AND name = 'order_display_id'")
                .bind(&t.id)
                .fetch_one(&mut conn)
                .await
                .unwrap();
        assert_eq!(counter, N + 1);
    }
}
