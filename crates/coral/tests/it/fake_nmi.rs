//! A local stand-in for NMI's Direct Post gateway: it speaks the same form protocol
//! (`security_key`, `type`, `amount`, `payment_token`, `transactionid` in; `response`,
//! `responsetext`, `transactionid` out) and records every call, so tests can check which
//! key each tenant's payments used. `payment_token = "tok_decline"` is declined.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::routing::post;
use axum::{Form, Router};

pub type Calls = Arc<Mutex<Vec<HashMap<String, String>>>>;

pub struct FakeNmi {
    pub url: String,
    pub calls: Calls,
}

impl FakeNmi {
    pub async fn start() -> Self {
        let calls: Calls = Arc::default();
        let app = Router::new()
            .route("/api/transact.php", post(transact))
            .with_state(Arc::clone(&calls));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/api/transact.php", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { url, calls }
    }

    /// `(type, security_key)` of every call so far.
    pub fn seen(&self) -> Vec<(String, String)> {
        self.calls
            .lock()
            .unwrap()
            .iter()
            .map(|c| (c["type"].clone(), c["security_key"].clone()))
            .collect()
    }
}

async fn transact(State(calls): State<Calls>, Form(form): Form<HashMap<String, String>>) -> String {
    let n = {
        let mut calls = calls.lock().unwrap();
        calls.push(form.clone());
        calls.len()
    };
    if form.get("security_key").is_none_or(|k| k.is_empty()) {
        return "response=3&responsetext=Authentication+Failed&transactionid=&response_code=300".into();
    }
    if form.get("payment_token").map(String::as_str) == Some("tok_decline") {
        return "response=2&responsetext=DECLINE&transactionid=&response_code=200".into();
    }
    format!(
        "response=1&responsetext=SUCCESS&authcode=123456&transactionid={}&response_code=100",
        1000 + n
    )
}
