//! Payments after checkout: NMI through a fake gateway (each tenant's key, declines,
//! keys never shown) and staff capture, refund, fulfilment and cancel with their events.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::checkout::{ready_cart, store, Shop};
use crate::fake_nmi::FakeNmi;
use crate::harness::{Admin, TestApp};

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
    let events: Vec<String> = sqlx::query_scalar(
        "SELECT event FROM outbox WHERE tenant_id = $1 AND event LIKE 'order.%' ORDER BY created_at, id",
    )
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
