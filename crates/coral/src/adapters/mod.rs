//! Adapters: Coral's side of the outside world's protocols and primitives, each behind a
//! small type the use cases call — the NMI payment gateway, the SMTP relay, webhook
//! receivers over HTTP, password hashing and tokens, sealing of secrets, and the
//! Prometheus registry. They know nothing of tenants' data or of HTTP routes; `app`
//! decides when to call them. Layers: `http` → `app` → `adapters`, `tenancy` → `db` → `core`.

pub mod auth;
pub mod metrics;
pub mod nmi;
pub mod sealer;
pub mod smtp;
pub mod webhook_client;

/// `first`, then the causes of `e`, in one line of at most 500 characters (the libraries'
/// own messages hide the cause).
pub fn with_causes(first: String, e: &dyn std::error::Error) -> String {
    let mut out = first;
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out.chars().take(500).collect()
}
