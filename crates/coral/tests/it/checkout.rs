//! Carts, shipping, payments, completion and orders: the samples' 8-step guest flow,
//! totals against a hand computation, concurrency (double complete, last unit), NMI
//! through a fake gateway, customers, bad input and isolation.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::catalog::shirt;
use crate::compat::{assert_shape, sample_answer};
use crate::fake_nmi::FakeNmi;
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
    let events: Vec<(String, String)> = sqlx::query_as("SELECT event, resource_id FROM outbox WHERE tenant_id = $1")
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
async fn nmi_uses_the_tenants_own_key_else_the_platforms_and_never_shows_it() {
    let nmi = FakeNmi::start().await;
    let url = nmi.url.clone();
    let app = TestApp::spawn_with(|c| {
        c.payments.nmi_url = url;
        c.payments.nmi_security_key = Some("platform-key-123".into());
    })
    .await;
    let (a, va, oa) = store(&app, "acme", 5).await;
    let (b, vb, ob) = store(&app, "globex", 5).await;
    let admin = Admin::of(&app, &a).await;
    let (s, set) = admin
        .call(
            Method::POST,
            "/admin/secrets/nmi_security_key",
            Some(json!({"value": "acme-own-key-456"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{set}");
    let (_, list) = admin.call(Method::GET, "/admin/secrets", None).await;
    assert_eq!(
        list["secrets"][0],
        json!({"name": "nmi_security_key", "is_set": true, "updated_at": list["secrets"][0]["updated_at"]})
    );

    // Acme: declined first; the cart stays completable; then approved with its own key.
    let shop_a = Shop::of(&app, &a);
    let cart = ready_cart(
        &shop_a,
        &va,
        &oa,
        1,
        "pp_nmi_nmi",
        json!({"payment_token": "tok_decline"}),
    )
    .await;
    let failed = shop_a.post(&format!("/store/carts/{cart}/complete"), json!({})).await;
    assert_eq!(failed["type"], "cart", "{failed}");
    assert_eq!(failed["error"]["message"], "DECLINE");
    assert!(failed["cart"]["completed_at"].is_null());
    let pc = shop_a
        .post("/store/payment-collections", json!({"cart_id": cart}))
        .await;
    let pc_id = pc["payment_collection"]["id"].as_str().unwrap();
    shop_a
        .post(
            &format!("/store/payment-collections/{pc_id}/payment-sessions"),
            json!({"provider_id": "pp_nmi_nmi", "data": {"payment_token": "tok_ok"}}),
        )
        .await;
    let done = shop_a.post(&format!("/store/carts/{cart}/complete"), json!({})).await;
    assert_eq!(done["type"], "order", "{done}");
    let order_id = done["order"]["id"].as_str().unwrap().to_owned();
    let captured = admin
        .ok(Method::POST, &format!("/admin/orders/{order_id}/capture"), json!({}))
        .await;
    assert_eq!(captured["order"]["payment_status"], "captured");

    // Globex has no key of its own: the platform's is used.
    let shop_b = Shop::of(&app, &b);
    let cart = ready_cart(&shop_b, &vb, &ob, 1, "pp_nmi_nmi", json!({"payment_token": "tok_ok"})).await;
    let done_b = shop_b.post(&format!("/store/carts/{cart}/complete"), json!({})).await;
    assert_eq!(done_b["type"], "order", "{done_b}");

    assert_eq!(
        nmi.seen(),
        vec![
            ("auth".to_owned(), "acme-own-key-456".to_owned()),
            ("auth".to_owned(), "acme-own-key-456".to_owned()),
            ("capture".to_owned(), "acme-own-key-456".to_owned()),
            ("auth".to_owned(), "platform-key-123".to_owned()),
        ]
    );
    // The amount sent is the order total with the currency's digits (10 + 2 tax + 10 + 2).
    assert_eq!(nmi.calls.lock().unwrap()[1]["amount"], "24.00");
    for body in [&set, &list, &failed, &done, &captured, &done_b] {
        let text = body.to_string();
        assert!(
            !text.contains("acme-own-key") && !text.contains("platform-key"),
            "{text}"
        );
    }
    // The database holds only ciphertext.
    let mut conn = app.owner_conn().await;
    let sealed: Vec<u8> = sqlx::query_scalar("SELECT sealed FROM tenant_secrets WHERE tenant_id = $1")
        .bind(&a.id)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert!(!sealed.windows(12).any(|w| w == b"acme-own-key"));
}

#[tokio::test]
async fn customers_register_sign_in_and_see_their_orders_in_their_store_only() {
    let app = TestApp::spawn().await;
    let (a, variant, option) = store(&app, "acme", 5).await;
    let (b, _, _) = store(&app, "globex", 5).await;
    let mut shop = Shop::of(&app, &a);
    let creds = json!({"email": "ada@example.com", "password": "analytical-engine"});
    let reg = shop.post("/auth/customer/emailpass/register", creds.clone()).await;
    shop.token = Some(reg["token"].as_str().unwrap().to_owned());
    let (s, _) = shop.call(Method::GET, "/store/customers/me", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "no customer yet");
    let created = shop
        .post(
            "/store/customers",
            json!({"email": "ada@example.com", "first_name": "Ada"}),
        )
        .await;
    assert_eq!(created["customer"]["has_account"], true);
    // The same email registers independently in another store.
    let shop_b = Shop::of(&app, &b);
    shop_b.post("/auth/customer/emailpass/register", creds.clone()).await;
    // Wrong password, then the right one.
    let (s, _) = shop
        .call(
            Method::POST,
            "/auth/customer/emailpass",
            Some(json!({"email": "ada@example.com", "password": "nope-nope"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let login = shop.post("/auth/customer/emailpass", creds).await;
    shop.token = Some(login["token"].as_str().unwrap().to_owned());
    let me = shop.ok(Method::GET, "/store/customers/me", None).await;
    assert_eq!(me["customer"]["first_name"], "Ada");
    let me = shop
        .post(
            "/store/customers/me/addresses",
            json!({"city": "London", "country_code": "GB", "is_default_shipping": true}),
        )
        .await;
    let address_id = me["customer"]["addresses"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(me["customer"]["default_shipping_address_id"], address_id.as_str());

    // A cart given to the customer, checked out, is in their orders.
    let guest = Shop {
        token: None,
        ..shop.clone()
    };
    let cart = ready_cart(&guest, &variant, &option, 1, "pp_system_default", json!({})).await;
    let cart_now = shop.post(&format!("/store/carts/{cart}/customer"), json!({})).await;
    assert_eq!(cart_now["cart"]["customer_id"], me["customer"]["id"]);
    let done = shop.post(&format!("/store/carts/{cart}/complete"), json!({})).await;
    let orders = shop.ok(Method::GET, "/store/orders", None).await;
    assert_eq!(orders["count"], 1);
    assert_eq!(orders["orders"][0]["id"], done["order"]["id"]);

    // Store B refuses store A's token, on every customer route.
    let stolen = Shop {
        token: shop.token.clone(),
        ..shop_b.clone()
    };
    for path in ["/store/customers/me", "/store/orders", "/store/customers/me/addresses"] {
        let (s, v) = stolen.call(Method::GET, path, None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{path}: {v}");
    }
    let (s, _) = shop_b
        .call(
            Method::GET,
            &format!("/store/orders/{}", done["order"]["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = shop
        .call(
            Method::DELETE,
            &format!("/store/customers/me/addresses/{address_id}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = guest.call(Method::GET, "/store/customers/me", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "a guest gets 401, never a 5xx");
    let locales = guest.ok(Method::GET, "/store/locales", None).await;
    assert_eq!(
        locales["locales"][0]["code"], "en-US",
        "the starter asks on every page: {locales}"
    );
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
    assert_eq!(
        (s, v["type"].clone()),
        (StatusCode::BAD_REQUEST, json!("invalid_data")),
        "{v}"
    );
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
async fn staff_capture_refund_fulfil_and_cancel_with_events() {
    let app = TestApp::spawn().await;
    let (t, variant, option) = store(&app, "acme", 5).await;
    let shop = Shop::of(&app, &t);
    let admin = Admin::of(&app, &t).await;
    let place = || async {
        let cart = ready_cart(&shop, &variant, &option, 2, "pp_system_default", json!({})).await;
        let done = shop.post(&format!("/store/carts/{cart}/complete"), json!({})).await;
        done["order"].clone()
    };
    let first = place().await;
    let id = first["id"].as_str().unwrap();
    let item = first["items"][0]["id"].as_str().unwrap();
    let o = admin
        .ok(
            Method::POST,
            &format!("/admin/orders/{id}/fulfillments"),
            json!({"items": [{"id": item, "quantity": 1}]}),
        )
        .await;
    assert_eq!(o["order"]["fulfillment_status"], "partially_fulfilled");
    let (s, _) = admin
        .call(
            Method::POST,
            &format!("/admin/orders/{id}/fulfillments"),
            Some(json!({"items": [{"id": item, "quantity": 2}]})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "only 1 left to fulfil");
    admin
        .ok(
            Method::POST,
            &format!("/admin/orders/{id}/fulfillments"),
            json!({"items": [{"id": item, "quantity": 1}]}),
        )
        .await;
    let o = admin
        .ok(Method::POST, &format!("/admin/orders/{id}/capture"), json!({}))
        .await;
    assert_eq!(
        (o["order"]["payment_status"].clone(), o["order"]["status"].clone()),
        (json!("captured"), json!("completed"))
    );
    let o = admin
        .ok(
            Method::POST,
            &format!("/admin/orders/{id}/refund"),
            json!({"amount": 5}),
        )
        .await;
    assert_eq!(o["order"]["payment_status"], "partially_refunded");
    let (s, _) = admin
        .call(
            Method::POST,
            &format!("/admin/orders/{id}/refund"),
            Some(json!({"amount": 1000})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = admin
        .call(Method::POST, &format!("/admin/orders/{id}/cancel"), None)
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "fulfilled orders are not canceled");

    // A second order canceled: stock back from 1 to 3.
    let second = place().await;
    let id2 = second["id"].as_str().unwrap();
    let o = admin
        .ok(Method::POST, &format!("/admin/orders/{id2}/cancel"), json!({}))
        .await;
    assert_eq!(
        (o["order"]["status"].clone(), o["order"]["payment_status"].clone()),
        (json!("canceled"), json!("canceled"))
    );
    let list = admin
        .ok(Method::GET, "/admin/orders?status[]=canceled", json!(null))
        .await;
    assert_eq!(list["count"], 1);
    let mut conn = app.owner_conn().await;
    let stock: i32 =
        sqlx::query_scalar("SELECT stocked_quantity FROM inventory_levels WHERE tenant_id = $1 AND variant_id = $2")
            .bind(&t.id)
            .bind(&variant)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(stock, 3);
    let events: Vec<String> =
        sqlx::query_scalar("SELECT event FROM outbox WHERE tenant_id = $1 ORDER BY created_at, id")
            .bind(&t.id)
            .fetch_all(&mut conn)
            .await
            .unwrap();
    assert_eq!(
        events,
        [
            "order.placed",
            "order.fulfillment_created",
            "order.fulfillment_created",
            "order.payment_captured",
            "order.refunded",
            "order.placed",
            "order.canceled"
        ]
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
