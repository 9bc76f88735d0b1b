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
