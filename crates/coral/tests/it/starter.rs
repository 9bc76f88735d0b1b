//! The official Next.js starter (`medusajs/nextjs-starter-medusa`, `src/lib/data/*.ts`),
//! replayed request by request against the demo stores: its headers, its `fields=`
//! strings (encoded as its `qs` encodes them), its cart updates, and the order it reads
//! on the confirmation page — from customer sign-in to order confirmation, in acme
//! (EUR, France) and globex (GBP, United Kingdom).
//!
//! A promotion step (`applyPromotions`: `POST /store/carts/{id}` with
//! `{promo_codes: [code]}`) is one argument away: pass `Some(code)` as `promo_code`.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::harness::{encode, send, TestApp};

/// `retrieveCart`'s default fields (cart.ts).
const CART_FIELDS: &str = "*items, *region, *items.product, *items.variant, *items.thumbnail, *items.metadata, +items.total, *promotions, +shipping_methods.name";
/// `listProducts` (products.ts), with its trailing comma.
const PRODUCT_FIELDS: &str =
    "*variants.calculated_price,+variants.inventory_quantity,*variants.images,+metadata,+tags,";
/// `retrieveOrder` (orders.ts): the confirmation page.
const ORDER_FIELDS: &str = "*payment_collections.payments,*items,*items.metadata,*items.variant,*items.product";
/// `listOrders` (orders.ts): the account's order list.
const ORDERS_FIELDS: &str = "*items,+items.metadata,*items.variant,*items.product";
/// `listCategories` (categories.ts).
const CATEGORY_FIELDS: &str = "*category_children, *products, *parent_category, *parent_category.parent_category";

/// A query string as the starter's `qs` writes one.
fn qs(pairs: &[(&str, &str)]) -> String {
    let joined: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    if joined.is_empty() {
        String::new()
    } else {
        format!("?{}", joined.join("&"))
    }
}

/// The starter's `sdk.client.fetch`: every request carries `accept` and `content-type`
/// JSON (GETs and body-less POSTs too), the publishable key, an empty
/// `x-medusa-locale`, and the customer's bearer token once signed in.
struct Starter<'a> {
    app: &'a TestApp,
    key: String,
    token: Option<String>,
}

impl Starter<'_> {
    async fn fetch(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .app
            .request(method, &format!("{path}{}", qs(query)))
            .header("accept", "application/json")
            .header("content-type", "application/json")
            .header("x-publishable-api-key", &self.key)
            .header("x-medusa-locale", "");
        if let Some(t) = &self.token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        if let Some(b) = body {
            req = req.body(b.to_string());
        }
        send(req).await
    }

    async fn ok(&self, method: Method, path: &str, query: &[(&str, &str)], body: Option<Value>) -> Value {
        let (status, v) = self.fetch(method.clone(), path, query, body).await;
        assert_eq!(status, StatusCode::OK, "{method} {path}: {v}");
        v
    }

    /// `retrieveCart` with its default fields.
    async fn cart(&self, id: &str) -> Value {
        self.ok(
            Method::GET,
            &format!("/store/carts/{id}"),
            &[("fields", CART_FIELDS)],
            None,
        )
        .await["cart"]
            .clone()
    }
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// The starter's journey in one demo store: `country` picks the region (the URL's
/// country code), `promo_code` adds the `applyPromotions` step.
async fn journey(app: &TestApp, handle: &str, country: &str, currency: &str, promo_code: Option<&str>) {
    let demo = coral::seed::demo::ensure(&app.app).await.unwrap();
    let store = demo.iter().find(|d| d.handle == handle).unwrap();
    let mut s = Starter {
        app,
        key: store.publishable_key.clone(),
        token: None,
    };

    // Every page: regions (middleware), the customer (a guest: 401), locales.
    let regions = s.ok(Method::GET, "/store/regions", &[], None).await;
    let region = regions["regions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["countries"].as_array().unwrap().iter().any(|c| c["iso_2"] == country))
        .unwrap_or_else(|| panic!("{handle}: no region for {country}"))
        .clone();
    let region_id = region["id"].as_str().unwrap();
    assert_eq!(region["currency_code"], currency);
    let (status, _) = s
        .fetch(Method::GET, "/store/customers/me", &[("fields", "*orders")], None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    s.ok(Method::GET, "/store/locales", &[], None).await;

    // Sign in (`login`), then the account reads the customer.
    let login = s
        .ok(
            Method::POST,
            "/auth/customer/emailpass",
            &[],
            Some(json!({"email": format!("shopper@{handle}.localhost"), "password": "coral-demo-1234"})),
        )
        .await;
    s.token = Some(login["token"].as_str().unwrap().to_owned());
    let me = s
        .ok(Method::GET, "/store/customers/me", &[("fields", "*orders")], None)
        .await;
    let customer_id = me["customer"]["id"].as_str().unwrap().to_owned();

    // Home page and footer: collections, categories; the store page lists products.
    s.ok(
        Method::GET,
        "/store/collections",
        &[("limit", "100"), ("offset", "0")],
        None,
    )
    .await;
    s.ok(
        Method::GET,
        "/store/product-categories",
        &[("fields", CATEGORY_FIELDS), ("limit", "100")],
        None,
    )
    .await;
    let list = s
        .ok(
            Method::GET,
            "/store/products",
            &[
                ("limit", "12"),
                ("offset", "0"),
                ("region_id", region_id),
                ("fields", PRODUCT_FIELDS),
            ],
            None,
        )
        .await;
    let handle_of_first = list["products"][0]["handle"].as_str().unwrap().to_owned();

    // The product page: by handle, priced in the region.
    let page = s
        .ok(
            Method::GET,
            "/store/products",
            &[
                ("limit", "12"),
                ("offset", "0"),
                ("region_id", region_id),
                ("fields", PRODUCT_FIELDS),
                ("handle", &handle_of_first),
            ],
            None,
        )
        .await;
    let product = &page["products"][0];
    let variant = product["variants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| num(&v["inventory_quantity"]) > 0.0)
        .expect("a variant in stock");
    let price = num(&variant["calculated_price"]["calculated_amount"]);
    assert!(variant["calculated_price"]["calculated_price"].is_object());
    let variant_id = variant["id"].as_str().unwrap().to_owned();

    // `addToCart`: `getOrSetCart` creates the cart in the region, then the line item.
    let created = s
        .ok(Method::POST, "/store/carts", &[], Some(json!({"region_id": region_id})))
        .await;
    let cart_id = created["cart"]["id"].as_str().unwrap().to_owned();
    let probe = s
        .ok(
            Method::GET,
            &format!("/store/carts/{cart_id}"),
            &[("fields", "id,region_id")],
            None,
        )
        .await;
    assert_eq!(probe["cart"]["region_id"], region_id);
    s.ok(
        Method::POST,
        &format!("/store/carts/{cart_id}/line-items"),
        &[],
        Some(json!({"variant_id": variant_id, "quantity": 2})),
    )
    .await;
    // The cart page.
    let cart = s.cart(&cart_id).await;
    assert_eq!(
        cart["customer_id"],
        customer_id.as_str(),
        "a signed-in shopper's cart is theirs"
    );
    assert!(cart["promotions"].is_array());
    let item = &cart["items"][0];
    assert_eq!(item["quantity"], 2);
    assert_eq!(num(&item["total"]), 2.0 * price);
    assert!(item["variant"]["id"].is_string() && item["product_handle"].is_string() && item["thumbnail"].is_string());

    if let Some(code) = promo_code {
        // `applyPromotions`: the code travels in a cart update.
        s.ok(
            Method::POST,
            &format!("/store/carts/{cart_id}"),
            &[],
            Some(json!({"promo_codes": [code]})),
        )
        .await;
        let cart = s.cart(&cart_id).await;
        assert!(
            cart["promotions"].as_array().unwrap().iter().any(|p| p["code"] == code),
            "{cart}"
        );
        assert!(num(&cart["discount_total"]) > 0.0);
    }

    // Checkout, address step (`setAddresses`: the form's fields, "same as billing").
    let address = json!({
        "first_name": "Ada", "last_name": "Lovelace", "address_1": "1 Example Street", "address_2": "",
        "company": "", "postal_code": "10001", "city": "Capital", "country_code": country,
        "province": "", "phone": "+10000000000",
    });
    s.ok(
        Method::POST,
        &format!("/store/carts/{cart_id}"),
        &[],
        Some(json!({"shipping_address": address, "billing_address": address,
                    "email": format!("shopper@{handle}.localhost")})),
    )
    .await;
    // Delivery step: the options (`listCartShippingMethods`), then `setShippingMethod`.
    let options = s
        .ok(Method::GET, "/store/shipping-options", &[("cart_id", &cart_id)], None)
        .await;
    let option = &options["shipping_options"][0];
    assert_eq!(option["price_type"], "flat");
    assert_eq!(option["service_zone"]["fulfillment_set"]["type"], "shipping");
    let shipping = num(&option["amount"]);
    s.ok(
        Method::POST,
        &format!("/store/carts/{cart_id}/shipping-methods"),
        &[],
        Some(json!({"option_id": option["id"]})),
    )
    .await;
    // Payment step: providers of the region, then the SDK's `initiatePaymentSession`
    // (a collection only when the cart has none, then the session).
    let providers = s
        .ok(
            Method::GET,
            "/store/payment-providers",
            &[("region_id", region_id)],
            None,
        )
        .await;
    assert!(providers["payment_providers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["id"] == "pp_system_default"));
    let cart = s.cart(&cart_id).await;
    assert!(cart["payment_collection"].is_null(), "no collection yet");
    let pc = s
        .ok(
            Method::POST,
            "/store/payment-collections",
            &[],
            Some(json!({"cart_id": cart_id})),
        )
        .await;
    let pc_id = pc["payment_collection"]["id"].as_str().unwrap().to_owned();
    s.ok(
        Method::POST,
        &format!("/store/payment-collections/{pc_id}/payment-sessions"),
        &[],
        Some(json!({"provider_id": "pp_system_default"})),
    )
    .await;
    // Review step: the starter shows "Place order" once the cart has a pending session.
    let cart = s.cart(&cart_id).await;
    let sessions = &cart["payment_collection"]["payment_sessions"];
    assert_eq!(sessions[0]["status"], "pending", "{cart}");
    assert_eq!(sessions[0]["provider_id"], "pp_system_default");
    assert_eq!(cart["shipping_methods"][0]["name"], option["name"]);
    let total = num(&cart["total"]);
    assert_eq!(num(&cart["payment_collection"]["amount"]), total);
    assert!(total >= 2.0 * price + shipping - num(&cart["discount_total"]));

    // `placeOrder`: complete with no body, then the confirmation page reads the order.
    let done = s
        .ok(Method::POST, &format!("/store/carts/{cart_id}/complete"), &[], None)
        .await;
    assert_eq!(done["type"], "order", "{done}");
    let order_id = done["order"]["id"].as_str().unwrap().to_owned();
    assert_eq!(done["order"]["shipping_address"]["country_code"], country);
    let order = s
        .ok(
            Method::GET,
            &format!("/store/orders/{order_id}"),
            &[("fields", ORDER_FIELDS)],
            None,
        )
        .await["order"]
        .clone();
    assert_eq!(order["currency_code"], currency);
    assert!(order["display_id"].as_i64().unwrap() >= 1);
    assert_eq!(num(&order["total"]), total);
    if promo_code.is_some() {
        // The order keeps the discount the cart showed.
        assert!(num(&order["discount_total"]) > 0.0, "{order}");
    }
    assert_eq!(
        order["payment_collections"][0]["payments"][0]["provider_id"],
        "pp_system_default"
    );
    assert!(order["items"][0]["variant"].is_object() && order["items"][0]["product_title"].is_string());
    assert!(num(&order["shipping_methods"][0]["total"]) > 0.0);
    assert_eq!(order["email"], format!("shopper@{handle}.localhost"));
    // The account's order list.
    let orders = s
        .ok(
            Method::GET,
            "/store/orders",
            &[
                ("limit", "10"),
                ("offset", "0"),
                ("order", "-created_at"),
                ("fields", ORDERS_FIELDS),
            ],
            None,
        )
        .await;
    assert!(orders["orders"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o["id"] == order_id.as_str()));
    // A completed cart is gone from the starter's point of view: it drops the cookie.
    let cart = s.cart(&cart_id).await;
    assert!(cart["completed_at"].is_string());
}

#[tokio::test]
async fn the_starters_requests_check_out_with_a_code_in_the_eur_demo_store() {
    let app = TestApp::spawn().await;
    journey(&app, "acme", "fr", "eur", Some("ACME10")).await;
}

#[tokio::test]
async fn the_starters_requests_check_out_with_a_code_in_the_gbp_demo_store() {
    let app = TestApp::spawn().await;
    journey(&app, "globex", "gb", "gbp", Some("GLOBEX10")).await;
}
