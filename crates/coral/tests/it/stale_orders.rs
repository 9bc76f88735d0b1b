//! Never a stale order: one test per thing that may change under a filled cart
//! (product unpublished, deleted, out of the sales channel; variant deleted; price;
//! stock; shipping option deleted, changed, no longer serving the address; region).
//! Completion refuses with a 400 naming the change and places no order; the cart read
//! afterwards is the current truth.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::checkout::{ready_cart, store, Shop};
use crate::harness::{Admin, TestApp, TestTenant};

/// A cart ready to complete (1 × shirt S at 10 EUR, standard shipping at 10 EUR), and
/// what a test needs to change under it.
struct Filled {
    t: TestTenant,
    cart: String,
    product: String,
    variant: String,
    option: String,
    region: String,
}

async fn filled(app: &TestApp) -> Filled {
    let (t, variant, option) = store(app, "acme", 5).await;
    let shop = Shop::of(app, &t);
    let cart = ready_cart(&shop, &variant, &option, 1, "pp_system_default", json!({})).await;
    let c = shop.ok(Method::GET, &format!("/store/carts/{cart}"), None).await;
    Filled {
        product: c["cart"]["items"][0]["product_id"].as_str().unwrap().to_owned(),
        region: c["cart"]["region_id"].as_str().unwrap().to_owned(),
        t,
        cart,
        variant,
        option,
    }
}

async fn orders(app: &TestApp, t: &TestTenant) -> i64 {
    let mut conn = app.owner_conn().await;
    sqlx::query_scalar("SELECT count(*) FROM orders WHERE tenant_id = $1")
        .bind(&t.id)
        .fetch_one(&mut conn)
        .await
        .unwrap()
}

/// Completing refuses with 400 `invalid_data` whose message names `what`, and no
/// order exists; answers the cart as a read then shows it.
async fn refused(app: &TestApp, f: &Filled, what: &str) -> Value {
    let shop = Shop::of(app, &f.t);
    let (status, body) = shop
        .call(Method::POST, &format!("/store/carts/{}/complete", f.cart), None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["type"], "invalid_data", "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains(what), "message {message:?} should name {what:?}");
    assert_eq!(orders(app, &f.t).await, 0, "no order on stale data");
    shop.ok(Method::GET, &format!("/store/carts/{}", f.cart), None).await["cart"].clone()
}

/// The merchant's change through the admin API (it must succeed).
async fn change(app: &TestApp, f: &Filled, method: Method, path: &str, body: Option<Value>) {
    let (status, v) = Admin::of(app, &f.t).await.call(method, path, body).await;
    assert_eq!(status, StatusCode::OK, "{path}: {v}");
}

async fn set_price(app: &TestApp, f: &Filled, amount: f64) {
    let path = format!("/admin/products/{}/variants/{}", f.product, f.variant);
    let prices = json!({"prices": [{"currency_code": "eur", "amount": amount}]});
    change(app, f, Method::POST, &path, Some(prices)).await;
}

/// Completes the cart; answers the order.
async fn completed(app: &TestApp, f: &Filled) -> Value {
    let done = Shop::of(app, &f.t)
        .ok(Method::POST, &format!("/store/carts/{}/complete", f.cart), None)
        .await;
    assert_eq!(done["type"], "order", "{done}");
    done["order"].clone()
}

/// A cart whose shirt stops being sold through `method path(f)` (with `body`): completion
/// names it, and the cart shows the line gone.
async fn line_dropped_after(method: Method, path: fn(&Filled) -> String, body: Option<Value>) {
    let app = TestApp::spawn().await;
    let f = filled(&app).await;
    change(&app, &f, method, &path(&f), body).await;
    let cart = refused(&app, &f, "Shirt (S) is no longer available").await;
    assert_eq!(cart["items"], json!([]), "the cart shows the line gone");
    assert_eq!(cart["item_total"], 0);
}

fn product_path(f: &Filled) -> String {
    format!("/admin/products/{}", f.product)
}

#[tokio::test]
async fn an_unpublished_product_is_not_sold() {
    line_dropped_after(Method::POST, product_path, Some(json!({"status": "draft"}))).await;
}

#[tokio::test]
async fn a_deleted_product_is_not_sold() {
    line_dropped_after(Method::DELETE, product_path, None).await;
}

#[tokio::test]
async fn a_product_out_of_the_sales_channel_is_not_sold() {
    line_dropped_after(Method::POST, product_path, Some(json!({"sales_channels": []}))).await;
}

#[tokio::test]
async fn a_deleted_variant_is_not_sold() {
    let variant = |f: &Filled| format!("/admin/products/{}/variants/{}", f.product, f.variant);
    line_dropped_after(Method::DELETE, variant, None).await;
}

#[tokio::test]
async fn a_changed_price_is_named_and_the_cart_repriced() {
    let app = TestApp::spawn().await;
    let f = filled(&app).await;
    set_price(&app, &f, 11.5).await;
    let cart = refused(&app, &f, "the price of Shirt (S) changed from 10 to 11.5").await;
    assert_eq!(cart["items"][0]["unit_price"], 11.5);
    // 11.5 + 10 shipping, 20 % French tax on both.
    assert_eq!(cart["total"], 25.8);
    assert_eq!(
        cart["payment_collection"]["amount"], 25.8,
        "the collection follows the cart"
    );
    // Reviewed, the cart completes at the new price.
    assert_eq!(completed(&app, &f).await["total"], 25.8);
}

#[tokio::test]
async fn a_cart_read_after_a_price_change_shows_the_new_price_before_completion() {
    let app = TestApp::spawn().await;
    let f = filled(&app).await;
    set_price(&app, &f, 9.0).await;
    let shop = Shop::of(&app, &f.t);
    let cart = shop.ok(Method::GET, &format!("/store/carts/{}", f.cart), None).await;
    assert_eq!(cart["cart"]["items"][0]["unit_price"], 9);
    assert_eq!(cart["cart"]["total"], 22.8);
    assert_eq!(
        completed(&app, &f).await["total"],
        22.8,
        "the order is what the shopper last saw"
    );
}

#[tokio::test]
async fn stock_gone_refuses_and_takes_nothing() {
    let app = TestApp::spawn().await;
    let f = filled(&app).await;
    let admin = Admin::of(&app, &f.t).await;
    let levels = admin
        .ok(
            Method::GET,
            &format!("/admin/inventory-items/{}/location-levels", f.variant),
            json!(null),
        )
        .await;
    let location = levels["inventory_levels"][0]["location_id"].as_str().unwrap();
    admin
        .ok(
            Method::POST,
            &format!("/admin/inventory-items/{}/location-levels/{location}", f.variant),
            json!({"stocked_quantity": 0}),
        )
        .await;
    let cart = refused(
        &app,
        &f,
        &format!("Variant {} does not have the required inventory", f.variant),
    )
    .await;
    assert_eq!(cart["items"][0]["quantity"], 1, "the line stays: stock may come back");
    assert!(cart["completed_at"].is_null());
}

#[tokio::test]
async fn a_deleted_shipping_option_is_named_and_dropped() {
    let app = TestApp::spawn().await;
    let f = filled(&app).await;
    change(
        &app,
        &f,
        Method::DELETE,
        &format!("/admin/shipping-options/{}", f.option),
        None,
    )
    .await;
    let cart = refused(&app, &f, "shipping option Standard Shipping is no longer available").await;
    assert_eq!(cart["shipping_methods"], json!([]));
    assert_eq!(cart["shipping_total"], 0);
}

#[tokio::test]
async fn a_changed_shipping_price_is_named_and_applied() {
    let app = TestApp::spawn().await;
    let f = filled(&app).await;
    change(
        &app,
        &f,
        Method::POST,
        &format!("/admin/shipping-options/{}", f.option),
        Some(json!({"amount": 15})),
    )
    .await;
    let cart = refused(&app, &f, "shipping option Standard Shipping changed (price 10 → 15)").await;
    assert_eq!(cart["shipping_methods"][0]["amount"], 15);
    assert_eq!(cart["total"], 30, "(10 + 15) × 1.2");
}

#[tokio::test]
async fn a_shipping_option_no_longer_serving_the_address_is_named() {
    let app = TestApp::spawn().await;
    let f = filled(&app).await;
    // The region stops shipping to France, where the cart's address is.
    change(
        &app,
        &f,
        Method::POST,
        &format!("/admin/regions/{}", f.region),
        Some(json!({"countries": ["de"]})),
    )
    .await;
    let cart = refused(&app, &f, "no longer ships to the shipping address's country (fr)").await;
    assert_eq!(cart["shipping_methods"], json!([]));
    // Nor can the option be chosen again for that address.
    let (s, body) = Shop::of(&app, &f.t)
        .call(
            Method::POST,
            &format!("/store/carts/{}/shipping-methods", f.cart),
            Some(json!({"option_id": f.option})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
}

#[tokio::test]
async fn a_region_whose_currency_changed_is_named() {
    let app = TestApp::spawn().await;
    let f = filled(&app).await;
    change(
        &app,
        &f,
        Method::POST,
        &format!("/admin/regions/{}", f.region),
        Some(json!({"currency_code": "usd"})),
    )
    .await;
    let cart = refused(&app, &f, "the region's currency changed from eur to usd").await;
    assert_eq!(cart["currency_code"], "usd");
    assert_eq!(cart["items"], json!([]), "the shirt has no usd price");
}

#[tokio::test]
async fn a_deleted_region_is_named_and_the_cart_still_reads() {
    let app = TestApp::spawn().await;
    let f = filled(&app).await;
    change(&app, &f, Method::DELETE, &format!("/admin/regions/{}", f.region), None).await;
    let cart = refused(&app, &f, &format!("region {} no longer exists", f.region)).await;
    assert!(!cart["region"]["deleted_at"].is_null());
}

#[tokio::test]
async fn an_unchanged_cart_completes_and_another_stores_changes_do_not_matter() {
    let app = TestApp::spawn().await;
    let f = filled(&app).await;
    // A second store with its own shirt, unpublished: nothing of acme's changes.
    let (other, _, _) = store(&app, "globex", 5).await;
    let other_admin = Admin::of(&app, &other).await;
    let products = other_admin.ok(Method::GET, "/admin/products", json!(null)).await;
    let pid = products["products"][0]["id"].as_str().unwrap();
    other_admin
        .ok(
            Method::POST,
            &format!("/admin/products/{pid}"),
            json!({"status": "draft"}),
        )
        .await;
    // globex's key cannot read (or revalidate) acme's cart.
    let (s, _) = Shop::of(&app, &other)
        .call(Method::GET, &format!("/store/carts/{}", f.cart), None)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(completed(&app, &f).await["total"], 24);
}
