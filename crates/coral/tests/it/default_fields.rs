//! Medusa's default fields, route by route: for every store route of
//! `shared/medusa-store-api/store-default-fields.json` (the `defaults` of each route's
//! query config in Medusa 2.21.2), Coral's answer without `fields=` has every field the
//! list names — `a`, `*a`, `a.b.c` down the relations (through the first element of
//! an array, which the fixture makes non-empty where it can). Also: `fields=` replaces,
//! adds and removes on carts and orders as Medusa does.

use reqwest::Method;
use serde_json::{json, Value};

use crate::checkout::{ready_cart, store, Shop};
use crate::harness::{encode, Admin, TestApp};

/// Medusa's sign-up: register → create the customer → sign in; `shop` keeps the token.
pub async fn sign_up(shop: &mut Shop<'_>, email: &str) {
    let creds = json!({"email": email, "password": "analytical-engine"});
    let reg = shop.post("/auth/customer/emailpass/register", creds.clone()).await;
    shop.token = Some(reg["token"].as_str().unwrap().to_owned());
    shop.post(
        "/store/customers",
        json!({"email": email, "first_name": "Ada", "last_name": "Lovelace"}),
    )
    .await;
    let login = shop.post("/auth/customer/emailpass", creds).await;
    shop.token = Some(login["token"].as_str().unwrap().to_owned());
}

fn default_fields() -> serde_json::Map<String, Value> {
    let path = format!(
        "{}/../../../shared/medusa-store-api/store-default-fields.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    let mut all: serde_json::Map<String, Value> = serde_json::from_str(&text).unwrap();
    all.remove("_source");
    all
}

/// Store routes Medusa has and Coral does not serve (no returns in Coral yet). Any
/// other route of the file must be checked below, so a route added to the file fails
/// this test until it is.
const NOT_SERVED: &[&str] = &["return-reasons", "returns"];

/// The fields of `list` that `entity` lacks, as dotted paths.
fn missing(entity: &Value, list: &[Value]) -> Vec<String> {
    let mut out = Vec::new();
    for field in list {
        let field = field.as_str().unwrap();
        let path = field.trim_start_matches('*').trim_end_matches(".*");
        if !has(entity, &path.split('.').collect::<Vec<_>>()) {
            out.push(field.to_owned());
        }
    }
    out
}

/// Whether `path` exists under `v`; arrays are looked into through their first element
/// (an empty array has nothing to check), null relations fail.
fn has(v: &Value, path: &[&str]) -> bool {
    let Some((first, rest)) = path.split_first() else {
        return true;
    };
    match v {
        Value::Array(items) => items.first().is_none_or(|i| has(i, path)),
        Value::Object(m) => match m.get(*first) {
            None => false,
            Some(Value::Null) => rest.is_empty(),
            Some(child) => has(child, rest),
        },
        _ => false,
    }
}

#[test]
fn the_field_walk_can_fail() {
    let v = json!({"id": "x", "items": [{"id": "i", "tax_lines": []}], "customer": null});
    assert!(missing(&v, &[json!("id"), json!("items.tax_lines.id"), json!("*items")]).is_empty());
    assert_eq!(
        missing(
            &v,
            &[json!("items.product.id"), json!("customer.email"), json!("total")]
        ),
        vec!["items.product.id", "customer.email", "total"]
    );
}

#[tokio::test]
async fn every_store_route_answers_medusas_default_fields() {
    let app = TestApp::spawn().await;
    let (t, variant, option) = store(&app, "acme", 5).await;
    let admin = Admin::of(&app, &t).await;
    // Taxonomy, so tags, types and categories have something to show.
    let cat = admin
        .ok(Method::POST, "/admin/product-categories", json!({"name": "Tops"}))
        .await;
    let typ = admin
        .ok(Method::POST, "/admin/product-types", json!({"value": "Shirts"}))
        .await;
    let products = admin.ok(Method::GET, "/admin/products", json!(null)).await;
    let pid = products["products"][0]["id"].as_str().unwrap();
    admin
        .ok(
            Method::POST,
            &format!("/admin/products/{pid}"),
            json!({"categories": [{"id": cat["product_category"]["id"]}], "type_id": typ["product_type"]["id"],
                   "tags": [{"value": "wool"}]}),
        )
        .await;

    // A signed-in customer with an address, a cart with everything, and an order.
    let mut shop = Shop::of(&app, &t);
    sign_up(&mut shop, "ada@example.com").await;
    shop.post(
        "/store/customers/me/addresses",
        json!({"first_name": "Ada", "address_1": "1 Rue de Rivoli", "city": "Paris", "country_code": "fr"}),
    )
    .await;
    let cart = ready_cart(&shop, &variant, &option, 2, "pp_system_default", json!({})).await;
    let region = shop.ok(Method::GET, &format!("/store/carts/{cart}"), None).await["cart"]["region_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let open_cart = ready_cart(&shop, &variant, &option, 1, "pp_system_default", json!({})).await;
    let done = shop
        .ok(Method::POST, &format!("/store/carts/{cart}/complete"), None)
        .await;
    let order = done["order"]["id"].as_str().unwrap().to_owned();
    let collection = shop
        .post("/store/payment-collections", json!({"cart_id": open_cart}))
        .await;
    let variants = shop.ok(Method::GET, "/store/product-variants", None).await;
    let options = shop.ok(Method::GET, "/store/product-options", None).await;

    // route → (method, path, JSON pointer to one entity)
    let get = |path: String, pointer: &'static str| (path, pointer);
    let checks: Vec<(&str, (String, &str))> = vec![
        ("carts", get(format!("/store/carts/{open_cart}"), "/cart")),
        ("collections", get("/store/collections".into(), "/collections/0")),
        ("currencies", get("/store/currencies".into(), "/currencies/0")),
        ("customers:retrieve", get("/store/customers/me".into(), "/customer")),
        (
            "customers:addresses",
            get("/store/customers/me/addresses".into(), "/addresses/0"),
        ),
        ("orders:retrieve", get(format!("/store/orders/{order}"), "/order")),
        ("orders:list", get("/store/orders".into(), "/orders/0")),
        (
            "payment-providers",
            get(
                format!("/store/payment-providers?region_id={region}"),
                "/payment_providers/0",
            ),
        ),
        (
            "product-categories",
            get("/store/product-categories".into(), "/product_categories/0"),
        ),
        (
            "product-options",
            get("/store/product-options".into(), "/product_options/0"),
        ),
        ("product-tags", get("/store/product-tags".into(), "/product_tags/0")),
        ("product-types", get("/store/product-types".into(), "/product_types/0")),
        ("product-variants", get("/store/product-variants".into(), "/variants/0")),
        (
            "products",
            get(format!("/store/products?region_id={region}"), "/products/0"),
        ),
        ("regions", get("/store/regions".into(), "/regions/0")),
        (
            "shipping-options",
            get(
                format!("/store/shipping-options?cart_id={open_cart}"),
                "/shipping_options/0",
            ),
        ),
    ];
    let defaults = default_fields();
    let mut problems = Vec::new();
    let mut checked: Vec<&str> = vec!["payment-collections"];
    let pc = &collection["payment_collection"];
    let gaps = missing(pc, defaults["payment-collections"].as_array().unwrap());
    if !gaps.is_empty() {
        problems.push(format!("payment-collections (POST): {gaps:?}"));
    }
    for (route, (path, pointer)) in &checks {
        checked.push(route);
        let body = shop.ok(Method::GET, path, None).await;
        let entity = body
            .pointer(pointer)
            .unwrap_or_else(|| panic!("{route}: {path} has no {pointer}: {body}"));
        let gaps = missing(entity, defaults[*route].as_array().unwrap());
        if !gaps.is_empty() {
            problems.push(format!("{route} ({path}): {gaps:?}"));
        }
    }
    // The by-id answers of the list routes have the same fields.
    for (path, pointer, route) in [
        (
            format!("/store/products/{pid}?region_id={region}"),
            "/product",
            "products",
        ),
        (format!("/store/regions/{region}"), "/region", "regions"),
        (
            format!(
                "/store/product-variants/{}",
                variants["variants"][0]["id"].as_str().unwrap()
            ),
            "/variant",
            "product-variants",
        ),
        (
            format!(
                "/store/product-options/{}",
                options["product_options"][0]["id"].as_str().unwrap()
            ),
            "/product_option",
            "product-options",
        ),
    ] {
        let body = shop.ok(Method::GET, &path, None).await;
        let gaps = missing(body.pointer(pointer).unwrap(), defaults[route].as_array().unwrap());
        if !gaps.is_empty() {
            problems.push(format!("{route} ({path}): {gaps:?}"));
        }
    }
    for route in defaults.keys() {
        assert!(
            checked.contains(&route.as_str()) || NOT_SERVED.contains(&route.as_str()),
            "route {route} of store-default-fields.json is not checked"
        );
    }
    assert!(problems.is_empty(), "fields missing:\n{}", problems.join("\n"));
}

#[tokio::test]
async fn the_cart_has_its_payment_collection_with_its_sessions() {
    let app = TestApp::spawn().await;
    let (t, variant, option) = store(&app, "acme", 5).await;
    let shop = Shop::of(&app, &t);
    let cart = ready_cart(&shop, &variant, &option, 1, "pp_system_default", json!({})).await;
    for fields in [
        None,
        Some("*payment_collection.payment_sessions"),
        Some("+payment_collection.amount"),
    ] {
        let path = match fields {
            Some(f) => format!("/store/carts/{cart}?fields={}", encode(f)),
            None => format!("/store/carts/{cart}"),
        };
        let c = &shop.ok(Method::GET, &path, None).await["cart"];
        let pc = &c["payment_collection"];
        assert!(pc["id"].as_str().unwrap().starts_with("pay_col_"), "{path}: {c}");
        assert_eq!(pc["amount"], 24, "{path}");
        assert_eq!(pc["payment_sessions"][0]["provider_id"], "pp_system_default", "{path}");
        assert_eq!(pc["payment_sessions"][0]["status"], "pending", "{path}");
        assert_eq!(c["promotions"], json!([]));
    }
}

#[tokio::test]
async fn fields_replace_add_and_remove_on_carts_and_orders() {
    let app = TestApp::spawn().await;
    let (t, variant, option) = store(&app, "acme", 5).await;
    let shop = Shop::of(&app, &t);
    let cart = ready_cart(&shop, &variant, &option, 1, "pp_system_default", json!({})).await;
    let get = |fields: &str| {
        let path = format!("/store/carts/{cart}?fields={}", encode(fields));
        let shop = shop.clone();
        async move { shop.ok(Method::GET, &path, None).await["cart"].clone() }
    };
    // The starter's `getOrSetCart`: a replacing list.
    let c = get("id,region_id").await;
    let mut keys: Vec<&String> = c.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["id", "region_id"]);
    // Relation fields: only what is named (and id) of each.
    let c = get("id,items.quantity,*payment_collection").await;
    assert_eq!(c["items"][0].as_object().unwrap().len(), 2, "{c}");
    assert_eq!(c["items"][0]["quantity"], 1);
    assert!(c["payment_collection"]["payment_sessions"].is_array());
    assert!(c.get("total").is_none());
    // Additive lists keep the defaults; `-x` removes.
    let c = get("*items, +items.total, -region").await;
    assert_eq!(c["items"][0]["total"], 12);
    assert_eq!(c["total"], 24);
    assert!(c.get("region").is_none());
    // Orders, as the starter reads the confirmation.
    let done = shop
        .ok(Method::POST, &format!("/store/carts/{cart}/complete"), None)
        .await;
    let id = done["order"]["id"].as_str().unwrap();
    let o = shop
        .ok(
            Method::GET,
            &format!("/store/orders/{id}?fields=id,display_id,items.title"),
            None,
        )
        .await;
    assert_eq!(o["order"]["display_id"], 1);
    assert_eq!(o["order"]["items"][0]["title"], "Shirt");
    assert!(o["order"].get("total").is_none());
}

#[tokio::test]
async fn fields_select_on_every_other_store_route() {
    let app = TestApp::spawn().await;
    let (t, variant, option) = store(&app, "acme", 5).await;
    let shop = Shop::of(&app, &t);
    let cart = ready_cart(&shop, &variant, &option, 1, "pp_system_default", json!({})).await;
    let region = shop.ok(Method::GET, "/store/regions", None).await["regions"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (path, pointer, named) in [
        ("/store/regions?fields=name".to_owned(), "/regions/0", "name"),
        (
            format!("/store/regions/{region}?fields=currency_code"),
            "/region",
            "currency_code",
        ),
        ("/store/collections?fields=title".to_owned(), "/collections/0", "title"),
        ("/store/currencies?fields=code".to_owned(), "/currencies/0", "code"),
        ("/store/currencies/eur?fields=symbol".to_owned(), "/currency", "symbol"),
        (
            format!("/store/shipping-options?cart_id={cart}&fields=name"),
            "/shipping_options/0",
            "name",
        ),
        (
            format!("/store/payment-providers?region_id={region}&fields=is_enabled"),
            "/payment_providers/0",
            "is_enabled",
        ),
        ("/store/product-variants?fields=sku".to_owned(), "/variants/0", "sku"),
    ] {
        let body = shop.ok(Method::GET, &path, None).await;
        let entity = body.pointer(pointer).unwrap_or_else(|| panic!("{path}: {body}"));
        let mut keys: Vec<&str> = entity.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort();
        let mut want = vec![named];
        // `id` is always kept (currencies have none: their key is `code`).
        if entity.get("id").is_some() {
            want.push("id");
        }
        want.sort();
        assert_eq!(keys, want, "{path}");
    }
}
