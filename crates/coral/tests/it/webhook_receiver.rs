//! A real HTTP webhook receiver for the tests: verifies each request's Standard Webhooks
//! signature with the spec's reference algorithm (written here independently of Coral's
//! signer), can be told to fail the next N requests or to answer slowly, and records
//! what it received.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// One request as the receiver saw it.
#[derive(Debug, Clone)]
pub struct Received {
    pub webhook_id: String,
    pub body: serde_json::Value,
    pub signature_ok: bool,
    /// The receiver answered 2xx (it accepted the message).
    pub accepted: bool,
    pub at: Instant,
}

#[derive(Default)]
struct Inner {
    secret: Option<String>,
    fail_next: usize,
    delay: Duration,
    seen: Vec<Received>,
}

#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    inner: Arc<Mutex<Inner>>,
}

/// The spec's verification: key = base64-decoded secret after `whsec_`; signed content
/// `{id}.{timestamp}.{body}`; the header is a space-separated list of `v1,<base64>`.
pub fn verify(secret: &str, headers: &HeaderMap, body: &[u8]) -> bool {
    let get = |k: &str| headers.get(k).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let Some(key) = secret.strip_prefix("whsec_").and_then(|s| B64.decode(s).ok()) else {
        return false;
    };
    let (id, ts, sigs) = (get("webhook-id"), get("webhook-timestamp"), get("webhook-signature"));
    let Ok(ts_num) = ts.parse::<i64>() else { return false };
    if (chrono::Utc::now().timestamp() - ts_num).abs() > 300 {
        return false; // the spec's replay tolerance
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{ts}.").as_bytes());
    mac.update(body);
    let expected = B64.encode(mac.finalize().into_bytes());
    sigs.split(' ')
        .filter_map(|s| s.strip_prefix("v1,"))
        .any(|s| s == expected)
}

async fn hook(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let delay = r.inner.lock().unwrap().delay;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let mut inner = r.inner.lock().unwrap();
    let signature_ok = inner.secret.as_deref().is_some_and(|s| verify(s, &headers, &body));
    let accepted = signature_ok && inner.fail_next == 0;
    if signature_ok && inner.fail_next > 0 {
        inner.fail_next -= 1;
    }
    inner.seen.push(Received {
        webhook_id: headers
            .get("webhook-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
        body: serde_json::from_slice(&body).unwrap_or_default(),
        signature_ok,
        accepted,
        at: Instant::now(),
    });
    if accepted {
        StatusCode::NO_CONTENT
    } else if signature_ok {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::UNAUTHORIZED
    }
}

impl Receiver {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let r = Self {
            url,
            inner: Arc::default(),
        };
        let router = axum::Router::new()
            .route("/hook", axum::routing::post(hook))
            .with_state(r.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        r
    }

    pub fn set_secret(&self, secret: &str) {
        self.inner.lock().unwrap().secret = Some(secret.to_owned());
    }

    /// Answers 500 to the next `n` correctly signed requests.
    pub fn fail_next(&self, n: usize) {
        self.inner.lock().unwrap().fail_next = n;
    }

    pub fn delay(&self, d: Duration) {
        self.inner.lock().unwrap().delay = d;
    }

    pub fn seen(&self) -> Vec<Received> {
        self.inner.lock().unwrap().seen.clone()
    }

    pub fn accepted(&self) -> Vec<Received> {
        self.seen().into_iter().filter(|r| r.accepted).collect()
    }
}
