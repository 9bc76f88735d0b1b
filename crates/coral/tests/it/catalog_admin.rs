//! Currencies, region admin, stock locations and inventory levels: shapes, effects on the
//! storefront, isolation between tenants and bad input.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::catalog::shirt;
use crate::compat::assert_shape;
use crate::harness::Admin;
use crate::harness::TestApp;

fn ids(v: &Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn store_currencies_have_medusas_shape_and_filters() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let (s, list) = app.store_get(&t, "/store/currencies").await;
    assert_eq!(s, StatusCode::OK);
    assert_shape(&list, "currencies-list");
    assert_eq!((list["limit"].as_i64(), list["offset"].as_i64()), (Some(50), Some(0)));
    assert!(
        list["count"].as_i64().unwrap() > 100,
        "every reference currency, as Medusa"
    );
    assert_eq!(list["currencies"][0]["code"], "aed", "ordered by code");
    let (_, some) = app.store_get(&t, "/store/currencies?code[]=usd&code[]=EUR").await;
    let codes: Vec<&str> = some["currencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["eur", "usd"]);
    let (_, q) = app.store_get(&t, "/store/currencies?q=swiss").await;
    assert_eq!(q["currencies"][0]["code"], "chf");
    assert_eq!(q["currencies"][0]["rounding"], json!(0.05));
    let (s, one) = app.store_get(&t, "/store/currencies/eur").await;
    assert_eq!((s, one["currency"]["symbol"].as_str()), (StatusCode::OK, Some("€")));
    let (s, v) = app.store_get(&t, "/store/currencies/xxx").await;
    assert_eq!((s, v["type"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    let (s, _) = app.store_get(&t, "/store/currencies?limit=-1").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = crate::harness::send(app.get("/store/currencies")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "a store route needs its store");
}

#[tokio::test]
async fn staff_manage_regions_with_tax_rates_and_payment_providers() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let admin = Admin::of(&app, &t).await;
    let created = admin
        .ok(
            Method::POST,
            "/admin/regions",
            json!({"name": "North America", "currency_code": "USD", "countries": ["us", "CA"],
                   "tax_rates": {"ca": 5}, "payment_providers": ["pp_nmi_nmi", "pp_system_default"]}),
        )
        .await["region"]
        .clone();
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["currency_code"], "usd");
    assert_eq!(created["countries"][0]["iso_2"], "ca");
    assert_eq!(created["countries"][0]["tax_rate"], 5);
    assert_eq!(created["countries"][1]["tax_rate"], 0);
    assert_eq!(
        created["payment_providers"],
        json!([{"id": "pp_nmi_nmi", "is_enabled": true}, {"id": "pp_system_default", "is_enabled": true}])
    );
    // The store sees it at once, in Medusa's shape, and prices in it.
    let (_, regions) = app.store_get(&t, "/store/regions").await;
    assert_shape(&regions, "regions-list");
    assert!(ids(&regions, "regions").contains(&id));
    let mut body = shirt("Priced");
    body["variants"][0]["prices"] = json!([{"currency_code": "usd", "amount": 30}]);
    let pid = admin.ok(Method::POST, "/admin/products", body).await["product"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let price = |v: &Value| v["product"]["variants"][0]["calculated_price"]["calculated_amount"].clone();
    assert_eq!(
        price(
            &app.store_get(&t, &format!("/store/products/{pid}?country_code=ca"))
                .await
                .1
        ),
        json!(30)
    );

    // Checkout reads the providers through the repository.
    let tenant = app.app.directory.by_id_or_handle(&t.id).unwrap();
    let db = app.app.directory.tenant_db(&tenant).await.unwrap();
    let mut tx = db.begin().await.unwrap();
    let providers = coral::db::regions::payment_providers(&mut tx, &id).await.unwrap();
    assert_eq!(providers, ["pp_nmi_nmi", "pp_system_default"]);
    tx.commit().await.unwrap();

    let updated = admin
        .ok(
            Method::POST,
            &format!("/admin/regions/{id}"),
            json!({"name": "Canada", "countries": ["ca"], "tax_rates": {"ca": 13}, "payment_providers": []}),
        )
        .await["region"]
        .clone();
    assert_eq!(
        (updated["name"].as_str(), updated["countries"].as_array().unwrap().len()),
        (Some("Canada"), 1)
    );
    assert_eq!(updated["countries"][0]["tax_rate"], 13);
    assert_eq!(updated["payment_providers"], json!([]));
    // "us" is free again: another region may take it.
    let us = admin
        .ok(
            Method::POST,
            "/admin/regions",
            json!({"name": "US", "currency_code": "usd", "countries": ["us"]}),
        )
        .await["region"]
        .clone();
    assert_eq!(
        us["payment_providers"],
        json!([{"id": "pp_system_default", "is_enabled": true}]),
        "the default"
    );
    let (_, v) = app
        .store_get(&t, &format!("/store/products/{pid}?country_code=us"))
        .await;
    assert_eq!(price(&v), json!(30), "the snapshot knows the new region");

    let (s, _) = admin.call(Method::DELETE, &format!("/admin/regions/{id}"), None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = admin.call(Method::GET, &format!("/admin/regions/{id}"), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.store_get(&t, &format!("/store/regions/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, v) = app
        .store_get(&t, &format!("/store/products/{pid}?country_code=ca"))
        .await;
    assert!(
        price(&v).is_null() || v["type"] == "not_found",
        "Canada is no region any more: {v}"
    );
    let mut tx = db.begin().await.unwrap();
    assert!(coral::db::regions::payment_providers(&mut tx, &id)
        .await
        .unwrap()
        .is_empty());
    tx.commit().await.unwrap();
    // Its country can be reused.
    admin
        .ok(
            Method::POST,
            "/admin/regions",
            json!({"name": "Canada 2", "currency_code": "cad", "countries": ["ca"]}),
        )
        .await;
}

#[tokio::test]
async fn bad_region_input_gets_a_clear_4xx() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let admin = Admin::of(&app, &t).await;
    let cases = [
        (json!({"currency_code": "usd"}), "name"),
        (json!({"name": "x"}), "currency_code"),
        (json!({"name": "x", "currency_code": "zzz"}), "Unknown currency"),
        (
            json!({"name": "x", "currency_code": "usd", "countries": ["zz"]}),
            "Unknown country",
        ),
        (
            json!({"name": "x", "currency_code": "usd", "countries": ["usa"]}),
            "country code",
        ),
        (
            json!({"name": "x", "currency_code": "usd", "countries": ["us"], "tax_rates": {"us": 101}}),
            "tax rate",
        ),
        (
            json!({"name": "x", "currency_code": "usd", "countries": ["us"], "tax_rates": {"ca": 5}}),
            "not a country of the region",
        ),
        (
            json!({"name": "x", "currency_code": "usd", "payment_providers": ["stripe"]}),
            "payment provider",
        ),
        (
            json!({"name": "x", "currency_code": "usd", "is_tax_inclusive": true}),
            "Unrecognized fields",
        ),
        (json!({"name": 3, "currency_code": "usd"}), "Expected type"),
    ];
    for (body, needle) in cases {
        let (s, v) = admin.call(Method::POST, "/admin/regions", Some(body.clone())).await;
        assert_eq!(
            (s, v["type"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_data")),
            "{body} → {v}"
        );
        assert!(v["message"].as_str().unwrap().contains(needle), "{needle} not in {v}");
    }
    // fr already belongs to the fixture's Europe region.
    let (s, v) = admin
        .call(
            Method::POST,
            "/admin/regions",
            Some(json!({"name": "France", "currency_code": "eur", "countries": ["fr"]})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["message"], "A country can belong to only one region");
    let (_, all) = admin.call(Method::GET, "/admin/regions", None).await;
    assert_eq!(all["count"], 1, "nothing was created");
}

#[tokio::test]
async fn stock_locations_and_levels_drive_the_storefront_quantity() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let admin = Admin::of(&app, &t).await;
    let p = admin.ok(Method::POST, "/admin/products", shirt("Stocked")).await;
    let (pid, vid) = (
        p["product"]["id"].as_str().unwrap().to_owned(),
        p["product"]["variants"][0]["id"].as_str().unwrap().to_owned(),
    );
    let loc = admin
        .ok(
            Method::POST,
            "/admin/stock-locations",
            json!({"name": "Lyon", "address": {"address_1": "1 rue X", "city": "Lyon", "country_code": "FR"}}),
        )
        .await["stock_location"]
        .clone();
    let lyon = loc["id"].as_str().unwrap().to_owned();
    assert_eq!(loc["address"]["country_code"], "fr");
    let (_, locs) = admin.call(Method::GET, "/admin/stock-locations", None).await;
    assert_eq!(
        locs["count"], 2,
        "the default warehouse (from inventory_quantity) and Lyon"
    );

    let item = admin
        .ok(
            Method::POST,
            &format!("/admin/inventory-items/{vid}/location-levels"),
            json!({"location_id": lyon, "stocked_quantity": 7}),
        )
        .await["inventory_item"]
        .clone();
    assert_eq!(item["stocked_quantity"], 12, "5 at the default location + 7 at Lyon");
    let qty = |v: &Value| v["product"]["variants"][0]["inventory_quantity"].clone();
    let path = format!("/store/products/{pid}?fields=%2Bvariants.inventory_quantity");
    assert_eq!(
        qty(&app.store_get(&t, &path).await.1),
        json!(12),
        "summed over locations"
    );

    // Reservations count against what the storefront can sell.
    let mut conn = app.owner_conn().await;
    sqlx::query("UPDATE inventory_levels SET reserved_quantity = 2 WHERE variant_id = $1 AND location_id = $2")
        .bind(&vid)
        .bind(&lyon)
        .execute(&mut conn)
        .await
        .unwrap();
    admin
        .ok(
            Method::POST,
            &format!("/admin/inventory-items/{vid}/location-levels/{lyon}"),
            json!({"stocked_quantity": 9}),
        )
        .await;
    assert_eq!(qty(&app.store_get(&t, &path).await.1), json!(12), "5 + 9 − 2");
    let (s, v) = admin
        .call(
            Method::POST,
            &format!("/admin/inventory-items/{vid}/location-levels/{lyon}"),
            Some(json!({"stocked_quantity": 1})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "below the reserved quantity: {v}");
    let (s, _) = admin
        .call(Method::DELETE, &format!("/admin/stock-locations/{lyon}"), None)
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "units are reserved there");
    sqlx::query("UPDATE inventory_levels SET reserved_quantity = 0")
        .execute(&mut conn)
        .await
        .unwrap();

    let (_, items) = admin
        .call(Method::GET, "/admin/inventory-items?q=Stocked-M", None)
        .await;
    assert_eq!(
        ids(&items, "inventory_items"),
        [p["product"]["variants"][1]["id"].as_str().unwrap()]
    );
    let (_, levels) = admin
        .call(
            Method::GET,
            &format!("/admin/inventory-items/{vid}/location-levels"),
            None,
        )
        .await;
    assert_eq!(levels["count"], 2);
    let (s, v) = admin
        .call(
            Method::DELETE,
            &format!("/admin/inventory-items/{vid}/location-levels/{lyon}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["parent"]["stocked_quantity"], 5);
    assert_eq!(qty(&app.store_get(&t, &path).await.1), json!(5));
    admin
        .ok(
            Method::POST,
            &format!("/admin/stock-locations/{lyon}"),
            json!({"name": "Lyon Nord"}),
        )
        .await;
    let (_, one) = admin
        .call(Method::GET, &format!("/admin/stock-locations/{lyon}"), None)
        .await;
    assert_eq!(
        (
            one["stock_location"]["name"].as_str(),
            one["stock_location"]["address"]["city"].as_str()
        ),
        (Some("Lyon Nord"), Some("Lyon"))
    );
    let (s, _) = admin
        .call(Method::DELETE, &format!("/admin/stock-locations/{lyon}"), None)
        .await;
    assert_eq!(s, StatusCode::OK);

    for (path, body) in [
        ("/admin/stock-locations".to_owned(), json!({})),
        (
            "/admin/stock-locations".to_owned(),
            json!({"name": "x", "address": {"city": "no street"}}),
        ),
        (
            "/admin/stock-locations".to_owned(),
            json!({"name": "x", "address": {"address_1": "a", "country_code": "zz"}}),
        ),
        (
            format!("/admin/inventory-items/{vid}/location-levels"),
            json!({"location_id": "sloc_nope", "stocked_quantity": 1}),
        ),
        (
            format!("/admin/inventory-items/{vid}/location-levels"),
            json!({"location_id": lyon, "stocked_quantity": -1}),
        ),
        (
            format!("/admin/inventory-items/{vid}/location-levels"),
            json!({"stocked_quantity": 1}),
        ),
    ] {
        let (s, v) = admin.call(Method::POST, &path, Some(body.clone())).await;
        assert_eq!(
            (s, v["type"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_data")),
            "{path} {body} → {v}"
        );
    }
}

#[tokio::test]
async fn regions_locations_and_inventory_are_isolated_between_tenants() {
    let app = TestApp::spawn().await;
    let a = app.tenant("alpha").await;
    let b = app.tenant("beta").await;
    let admin_a = Admin::of(&app, &a).await;
    let admin_b = Admin::of(&app, &b).await;
    let region = admin_a
        .ok(
            Method::POST,
            "/admin/regions",
            json!({"name": "A US", "currency_code": "usd", "countries": ["us"]}),
        )
        .await["region"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let loc = admin_a
        .ok(Method::POST, "/admin/stock-locations", json!({"name": "A depot"}))
        .await["stock_location"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let vid = admin_a.ok(Method::POST, "/admin/products", shirt("A shirt")).await["product"]["variants"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    admin_a
        .ok(
            Method::POST,
            &format!("/admin/inventory-items/{vid}/location-levels"),
            json!({"location_id": loc, "stocked_quantity": 3}),
        )
        .await;
    // B's own variant cannot be stocked at A's location either.
    let vid_b = admin_b.ok(Method::POST, "/admin/products", shirt("B shirt")).await["product"]["variants"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    for (method, path, body) in [
        (Method::GET, format!("/admin/regions/{region}"), None),
        (
            Method::POST,
            format!("/admin/regions/{region}"),
            Some(json!({"name": "pwned"})),
        ),
        (Method::DELETE, format!("/admin/regions/{region}"), None),
        (Method::GET, format!("/admin/stock-locations/{loc}"), None),
        (
            Method::POST,
            format!("/admin/stock-locations/{loc}"),
            Some(json!({"name": "pwned"})),
        ),
        (Method::DELETE, format!("/admin/stock-locations/{loc}"), None),
        (Method::GET, format!("/admin/inventory-items/{vid}"), None),
        (
            Method::GET,
            format!("/admin/inventory-items/{vid}/location-levels"),
            None,
        ),
        (
            Method::POST,
            format!("/admin/inventory-items/{vid}/location-levels"),
            Some(json!({"location_id": loc, "stocked_quantity": 0})),
        ),
        (
            Method::POST,
            format!("/admin/inventory-items/{vid}/location-levels/{loc}"),
            Some(json!({"stocked_quantity": 0})),
        ),
        (
            Method::DELETE,
            format!("/admin/inventory-items/{vid}/location-levels/{loc}"),
            None,
        ),
        (
            Method::POST,
            format!("/admin/inventory-items/{vid_b}/location-levels/{loc}"),
            Some(json!({"stocked_quantity": 0})),
        ),
    ] {
        let (s, v) = admin_b.call(method.clone(), &path, body).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{method} {path} → {v}");
    }
    let (s, _) = admin_b
        .call(
            Method::POST,
            &format!("/admin/inventory-items/{vid_b}/location-levels"),
            Some(json!({"location_id": loc, "stocked_quantity": 1})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "A's location does not exist for B");
    assert_eq!(
        app.store_get(&b, &format!("/store/regions/{region}")).await.0,
        StatusCode::NOT_FOUND
    );
    // B can take the same country: regions are per tenant.
    admin_b
        .ok(
            Method::POST,
            "/admin/regions",
            json!({"name": "B US", "currency_code": "usd", "countries": ["us"]}),
        )
        .await;
    for path in ["/admin/regions", "/admin/stock-locations", "/admin/inventory-items"] {
        let (s, v) = admin_b.call(Method::GET, path, None).await;
        assert_eq!(s, StatusCode::OK);
        let text = v.to_string();
        for id in [&region, &loc, &vid] {
            assert!(!text.contains(id.as_str()), "{path} leaks {id}");
        }
    }
    // A's data is untouched.
    let (_, r) = admin_a
        .call(Method::GET, &format!("/admin/regions/{region}"), None)
        .await;
    assert_eq!(r["region"]["name"], "A US");
    let (_, i) = admin_a
        .call(Method::GET, &format!("/admin/inventory-items/{vid}"), None)
        .await;
    // The depot is A's oldest location, so the shirt's `inventory_quantity` (5) went there
    // too before the level set it to 3.
    assert_eq!(i["inventory_item"]["stocked_quantity"], 3);
}
