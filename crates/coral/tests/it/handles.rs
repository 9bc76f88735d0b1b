//! Handles from any title: letters of every script are kept (Unicode-aware, as Medusa
//! derives them now), explicit Unicode handles are accepted, and storefront lookups by
//! such a handle work percent-encoded once, twice (a storefront re-encoding its route
//! parameter), raw, composed or decomposed.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::harness::{encode, Admin, TestApp, TestTenant};

fn product(title: &str, handle: Option<&str>) -> Value {
    let mut p = json!({"title": title, "status": "published", "options": [{"title": "Size", "values": ["M"]}],
                       "variants": [{"title": "M", "options": {"Size": "M"},
                                     "prices": [{"currency_code": "eur", "amount": 5}]}]});
    if let Some(h) = handle {
        p["handle"] = json!(h);
    }
    p
}

/// `GET /store/products?handle=…` with the query exactly as given (no client re-encoding).
async fn by_handle(app: &TestApp, t: &TestTenant, raw_query_value: &str) -> Value {
    let (s, v) = app
        .store_get(t, &format!("/store/products?handle={raw_query_value}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

#[tokio::test]
async fn titles_in_any_script_give_handles_that_keep_their_letters() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let admin = Admin::of(&app, &t).await;
    for (title, handle) in [
        ("Café Crème", "café-crème"),
        ("Łopata", "łopata"),
        ("قهوة عربية", "قهوة-عربية"),
        ("Чай с мёдом", "чай-с-мёдом"),
        ("Medusa T-Shirt (Blue)", "medusa-t-shirt-blue"),
    ] {
        let p = admin.ok(Method::POST, "/admin/products", product(title, None)).await;
        assert_eq!(p["product"]["handle"], handle, "{title}");
    }
    // An explicit Unicode handle is accepted (stored composed); uppercase is refused.
    let p = admin
        .ok(Method::POST, "/admin/products", product("Tea", Some("茶-cha")))
        .await;
    assert_eq!(p["product"]["handle"], "茶-cha");
    let (s, body) = admin
        .call(Method::POST, "/admin/products", Some(product("Tea 2", Some("Çay"))))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["type"], "invalid_data");
    let (s, body) = admin
        .call(Method::POST, "/admin/products", Some(product("!!!", None)))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "a title with no letters: {body}");

    // Lookups: percent-encoded, encoded twice, and decomposed (e + U+0301) all find it.
    for query in [
        encode("café-crème"),
        encode(&encode("café-crème")),
        encode("cafe\u{301}-cre\u{300}me"),
    ] {
        let v = by_handle(&app, &t, &query).await;
        assert_eq!(v["count"], 1, "{query}: {v}");
        assert_eq!(v["products"][0]["title"], "Café Crème");
    }
    let v = by_handle(&app, &t, &encode("قهوة-عربية")).await;
    assert_eq!(v["products"][0]["title"], "قهوة عربية");

    // Raw UTF-8 in the request line, as some clients send it.
    let addr = app.url.trim_start_matches("http://").to_owned();
    let mut conn = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let request = format!(
        "GET /store/products?handle=łopata HTTP/1.1\r\nhost: {addr}\r\nx-publishable-api-key: {}\r\nconnection: close\r\n\r\n",
        t.key
    );
    conn.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    conn.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"count\":1"), "{answer}");

    // Another store cannot find acme's product by its handle.
    let other = app.tenant("globex").await;
    assert_eq!(by_handle(&app, &other, &encode("café-crème")).await["count"], 0);
}
