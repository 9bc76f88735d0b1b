//! References: an id a request names must be a row of the request's own store, of the
//! kind the field expects. Another store's id, a made-up one or one of the wrong kind is
//! answered like an unknown id, and nothing is written.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::checkout::{ready_cart, store, Shop};
use crate::harness::{Admin, TestApp, TestTenant};

/// Rows of every tenant table that belong to `t` (read as the owner): a failed request
/// must leave this unchanged.
async fn footprint(app: &TestApp, t: &TestTenant) -> Vec<(String, i64)> {
    let mut conn = app.owner_conn().await;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' \
         WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relrowsecurity ORDER BY 1",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut out = Vec::new();
    for table in tables {
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table} WHERE tenant_id = $1"))
            .bind(&t.id)
            .fetch_one(&mut conn)
            .await
            .unwrap();
        out.push((table, n));
    }
    out
}

fn id(v: &Value, pointer: &str) -> String {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{pointer} in {v}"))
        .to_owned()
}

#[tokio::test]
async fn a_fulfilment_names_only_a_stock_location_of_its_own_store() {
    let app = TestApp::spawn().await;
    let (a, variant, option) = store(&app, "acme", 5).await;
    let (b, _, _) = store(&app, "globex", 5).await;
    let shop = Shop::of(&app, &a);
    let admin = Admin::of(&app, &a).await;
    let admin_b = Admin::of(&app, &b).await;
    let cart = ready_cart(&shop, &variant, &option, 2, "pp_system_default", json!({})).await;
    let order = shop.post(&format!("/store/carts/{cart}/complete"), json!({})).await;
    let (order_id, item) = (id(&order, "/order/id"), id(&order, "/order/items/0/id"));
    let foreign = admin_b.ok(Method::GET, "/admin/stock-locations", json!(null)).await;
    let foreign = id(&foreign, "/stock_locations/0/id");
    let own = admin.ok(Method::GET, "/admin/stock-locations", json!(null)).await;
    let own = id(&own, "/stock_locations/0/id");
    let regions = admin.ok(Method::GET, "/admin/regions", json!(null)).await;
    let wrong_kind = id(&regions, "/regions/0/id");

    let before = footprint(&app, &a).await;
    let path = format!("/admin/orders/{order_id}/fulfillments");
    for location in [foreign.as_str(), "sloc_01ZZZZZZZZZZZZZZZZZZZZZZZZ", wrong_kind.as_str()] {
        let body = json!({"items": [{"id": item, "quantity": 1}], "location_id": location});
        let (s, v) = admin.call(Method::POST, &path, Some(body)).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{location}: {v}");
        assert_eq!(v["type"], "not_found", "{v}");
        assert_eq!(
            v["message"],
            format!("Stock location with id: {location} was not found")
        );
    }
    assert_eq!(footprint(&app, &a).await, before, "a refused fulfilment writes nothing");

    let body = json!({"items": [{"id": item, "quantity": 1}], "location_id": own});
    let done = admin.ok(Method::POST, &path, body).await;
    assert_eq!(done["order"]["fulfillments"][0]["location_id"], json!(own), "{done}");
}

#[tokio::test]
async fn ids_of_another_store_are_refused_everywhere_a_request_names_one() {
    let app = TestApp::spawn().await;
    let (a, variant_a, _) = store(&app, "acme", 5).await;
    let (b, variant_b, option_b) = store(&app, "globex", 5).await;
    let admin = Admin::of(&app, &a).await;
    let admin_b = Admin::of(&app, &b).await;
    // Store B's ids, one of each kind a request can name.
    let region_b = id(
        &admin_b.ok(Method::GET, "/admin/regions", json!(null)).await,
        "/regions/0/id",
    );
    let location_b = id(
        &admin_b.ok(Method::GET, "/admin/stock-locations", json!(null)).await,
        "/stock_locations/0/id",
    );
    let collection_b = id(
        &admin_b.ok(Method::GET, "/admin/collections", json!(null)).await,
        "/collections/0/id",
    );
    let category_b = admin_b
        .ok(Method::POST, "/admin/product-categories", json!({"name": "Shoes"}))
        .await;
    let category_b = id(&category_b, "/product_category/id");
    let tag_b = admin_b
        .ok(Method::POST, "/admin/product-tags", json!({"value": "b-tag"}))
        .await;
    let tag_b = id(&tag_b, "/product_tag/id");
    let type_b = admin_b
        .ok(Method::POST, "/admin/product-types", json!({"value": "b-type"}))
        .await;
    let type_b = id(&type_b, "/product_type/id");
    let stores_b = admin_b.ok(Method::GET, "/admin/stores", json!(null)).await;
    let channel_b = id(&stores_b, "/stores/0/default_sales_channel_id");
    let product_a = id(
        &admin.ok(Method::GET, "/admin/products", json!(null)).await,
        "/products/0/id",
    );
    let region_a = id(
        &admin.ok(Method::GET, "/admin/regions", json!(null)).await,
        "/regions/0/id",
    );

    let product = |extra: Value| {
        let mut body = json!({"title": "Probe", "options": [{"title": "Size", "values": ["M"]}],
                              "variants": [{"title": "M", "options": {"Size": "M"}}]});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    let price = json!([{"currency_code": "usd", "amount": 5, "region_id": region_b}]);
    let admin_cases: Vec<(Method, String, Value)> = vec![
        (
            Method::POST,
            "/admin/products".into(),
            product(json!({"collection_id": collection_b})),
        ),
        (
            Method::POST,
            "/admin/products".into(),
            product(json!({"type_id": type_b})),
        ),
        (
            Method::POST,
            "/admin/products".into(),
            product(json!({"tags": [{"id": tag_b}]})),
        ),
        (
            Method::POST,
            "/admin/products".into(),
            product(json!({"categories": [{"id": category_b}]})),
        ),
        (
            Method::POST,
            "/admin/products".into(),
            product(json!({"sales_channels": [{"id": channel_b}]})),
        ),
        (
            Method::POST,
            "/admin/products".into(),
            product(json!({"variants": [{"title": "M", "options": {"Size": "M"}, "prices": price}]})),
        ),
        (
            Method::POST,
            format!("/admin/products/{product_a}"),
            json!({"collection_id": collection_b}),
        ),
        (
            Method::POST,
            "/admin/product-categories".into(),
            json!({"name": "Child", "parent_category_id": category_b}),
        ),
        (
            Method::POST,
            "/admin/shipping-options".into(),
            json!({"name": "Probe", "region_id": region_b, "amount": 1}),
        ),
        (
            Method::POST,
            format!("/admin/regions/{region_a}"),
            json!({"payment_providers": ["pp_made_up_provider"]}),
        ),
        (
            Method::POST,
            format!("/admin/inventory-items/{variant_a}/location-levels"),
            json!({"location_id": location_b, "stocked_quantity": 3}),
        ),
        (
            Method::POST,
            format!("/admin/inventory-items/{variant_b}/location-levels"),
            json!({"location_id": location_b, "stocked_quantity": 3}),
        ),
    ];
    let before = footprint(&app, &a).await;
    for (method, path, body) in admin_cases {
        let (s, v) = admin.call(method.clone(), &path, Some(body.clone())).await;
        assert!(
            s == StatusCode::BAD_REQUEST || s == StatusCode::NOT_FOUND,
            "{method} {path} {body}: {s} {v}"
        );
    }
    assert_eq!(footprint(&app, &a).await, before, "refused admin writes change nothing");

    let shop = Shop::of(&app, &a);
    let (s, v) = shop
        .call(Method::POST, "/store/carts", Some(json!({"region_id": region_b})))
        .await;
    assert!(s.is_client_error(), "cart in another store's region: {s} {v}");
    let cart = shop.post("/store/carts", json!({"region_id": region_a})).await;
    let cart = id(&cart, "/cart/id");
    let before = footprint(&app, &a).await;
    let shop_cases = [
        (
            format!("/store/carts/{cart}/line-items"),
            json!({"variant_id": variant_b, "quantity": 1}),
        ),
        (
            format!("/store/carts/{cart}/shipping-methods"),
            json!({"option_id": option_b}),
        ),
        (format!("/store/carts/{cart}"), json!({"region_id": region_b})),
    ];
    for (path, body) in shop_cases {
        let (s, v) = shop.call(Method::POST, &path, Some(body.clone())).await;
        assert!(s.is_client_error(), "POST {path} {body}: {s} {v}");
    }
    assert_eq!(footprint(&app, &a).await, before, "refused cart writes change nothing");
}

#[tokio::test]
async fn a_location_deleted_while_fulfilments_name_it_is_never_left_referenced() {
    let app = TestApp::spawn().await;
    let (a, variant, option) = store(&app, "acme", 10).await;
    let shop = Shop::of(&app, &a);
    let admin = Admin::of(&app, &a).await;
    let cart = ready_cart(&shop, &variant, &option, 6, "pp_system_default", json!({})).await;
    let order = shop.post(&format!("/store/carts/{cart}/complete"), json!({})).await;
    let (order_id, item) = (id(&order, "/order/id"), id(&order, "/order/items/0/id"));
    let mut locations = Vec::new();
    for i in 0..6 {
        let l = admin
            .ok(
                Method::POST,
                "/admin/stock-locations",
                json!({"name": format!("Depot {i}")}),
            )
            .await;
        locations.push(id(&l, "/stock_location/id"));
    }
    // Each location is deleted while a fulfilment names it, all at once.
    let path = format!("/admin/orders/{order_id}/fulfillments");
    let (admin, path, item) = (&admin, &path, &item);
    let fulfil = |l: String| async move {
        let body = json!({"items": [{"id": item, "quantity": 1}], "location_id": l});
        admin.call(Method::POST, path, Some(body)).await
    };
    let delete = |l: String| async move {
        let at = format!("/admin/stock-locations/{l}");
        admin.call(Method::DELETE, &at, None).await
    };
    let (fulfils, deletes) = futures::join!(
        futures::future::join_all(locations.iter().cloned().map(fulfil)),
        futures::future::join_all(locations.iter().cloned().map(delete)),
    );
    for (s, v) in &fulfils {
        assert!(*s == StatusCode::OK || *s == StatusCode::NOT_FOUND, "fulfil: {s} {v}");
    }
    for (s, v) in &deletes {
        assert_eq!(*s, StatusCode::OK, "delete: {v}");
    }
    let mut conn = app.owner_conn().await;
    let dangling: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM fulfillments f WHERE f.tenant_id = $1 AND f.location_id IS NOT NULL \
         AND NOT EXISTS (SELECT 1 FROM stock_locations l WHERE l.tenant_id = f.tenant_id AND l.id = f.location_id)",
    )
    .bind(&a.id)
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(dangling, 0, "no fulfilment names a deleted location");
    let fulfilled = fulfils.iter().filter(|(s, _)| *s == StatusCode::OK).count() as i64;
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM fulfillments WHERE tenant_id = $1")
        .bind(&a.id)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(rows, fulfilled, "one fulfilment per 200, none for a 404");
}
