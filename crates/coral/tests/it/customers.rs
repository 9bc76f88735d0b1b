//! Storefront customers: sign-up, login, addresses, their orders, and tokens that only
//! work in their own store.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::checkout::{ready_cart, store, Shop};
use crate::harness::TestApp;

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

/// A saved address answers every Medusa field (null when unset); an unknown field or a
/// metadata that is not an object is a 400 in Medusa's shape, and nothing is saved.
#[tokio::test]
async fn customer_addresses_answer_every_field_and_refuse_bad_input() {
    let app = TestApp::spawn().await;
    let (a, _, _) = store(&app, "acme", 5).await;
    let mut shop = Shop::of(&app, &a);
    let creds = json!({"email": "grace@example.com", "password": "compiler-compiler"});
    let reg = shop.post("/auth/customer/emailpass/register", creds.clone()).await;
    shop.token = Some(reg["token"].as_str().unwrap().to_owned());
    shop.post("/store/customers", json!({"email": "grace@example.com"}))
        .await;
    let login = shop.post("/auth/customer/emailpass", creds).await;
    shop.token = Some(login["token"].as_str().unwrap().to_owned());

    for (body, says) in [
        (json!({"city": "Paris", "nope": 1}), "Unrecognized fields: 'nope'"),
        (json!({"city": "Paris", "metadata": [1]}), "Expected type: 'object'"),
        (json!({"metadata": "x"}), "Expected type: 'object'"),
        // serde cannot name a flattened field: the message says what was wrong.
        (json!({"first_name": 12}), "Expected type: 'string', got: '12'"),
        (json!({"is_default_billing": "yes"}), "for field 'is_default_billing'"),
    ] {
        let (s, v) = shop
            .call(Method::POST, "/store/customers/me/addresses", Some(body.clone()))
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}: {v}");
        assert_eq!(v["type"], "invalid_data", "{v}");
        assert!(v["message"].as_str().unwrap().contains(says), "{body}: {v}");
    }
    let list = shop.ok(Method::GET, "/store/customers/me/addresses", None).await;
    assert_eq!(list["count"], 0, "a refused address is not saved: {list}");

    let me = shop
        .post(
            "/store/customers/me/addresses",
            json!({"address_name": "Home", "first_name": "Grace", "country_code": "FR",
                   "metadata": {"floor": 3}, "is_default_billing": true}),
        )
        .await;
    let saved = &me["customer"]["addresses"][0];
    let keys: Vec<&str> = saved.as_object().unwrap().keys().map(String::as_str).collect();
    for key in [
        "id",
        "customer_id",
        "address_name",
        "is_default_shipping",
        "is_default_billing",
        "company",
        "first_name",
        "last_name",
        "address_1",
        "address_2",
        "city",
        "country_code",
        "province",
        "postal_code",
        "phone",
        "metadata",
        "created_at",
        "updated_at",
    ] {
        assert!(keys.contains(&key), "{key} missing from {saved}");
    }
    assert_eq!(keys.len(), 18, "{saved}");
    assert_eq!(saved["first_name"], "Grace");
    assert_eq!(saved["country_code"], "fr");
    assert_eq!(saved["metadata"], json!({"floor": 3}));
    assert!(saved["last_name"].is_null() && saved["is_default_billing"] == true);
    assert_eq!(me["customer"]["default_billing_address_id"], saved["id"]);

    // Changing it refuses the same bad input.
    let one = format!("/store/customers/me/addresses/{}", saved["id"].as_str().unwrap());
    let (s, v) = shop.call(Method::POST, &one, Some(json!({"zip": "75001"}))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(
        v["message"].as_str().unwrap().contains("Unrecognized fields: 'zip'"),
        "{v}"
    );
    let got = shop.ok(Method::GET, &one, None).await;
    assert_eq!(got["address"]["first_name"], "Grace", "{got}");

    // A metadata saved before inputs were checked reads as null, not as a failure.
    let mut conn = app.owner_conn().await;
    sqlx::query("UPDATE customer_addresses SET metadata = '[1]' WHERE id = $1")
        .bind(saved["id"].as_str().unwrap())
        .execute(&mut conn)
        .await
        .unwrap();
    let got = shop.ok(Method::GET, &one, None).await;
    assert!(got["address"]["metadata"].is_null(), "{got}");
    assert_eq!(got["address"]["first_name"], "Grace", "{got}");
}
