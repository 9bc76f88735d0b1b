//! The outbound HTTP client of webhook deliveries, guarded against server-side request
//! forgery: every host name is resolved by Coral's own resolver, which drops private,
//! loopback and link-local addresses before the connector sees them (so a name cannot
//! resolve one way when checked and another when connected), IP literals are checked
//! the same way, redirects are never followed, proxies from the environment are not
//! used, and each request has a timeout. `CORAL_WEBHOOK_ALLOW_PRIVATE` lifts the
//! address rule (tests, intranets).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::core::webhooks::is_public;

/// What an endpoint answered, or why nothing was sent.
pub type SendResult = Result<u16, String>;

pub struct Sender {
    client: reqwest::Client,
    allow_private: bool,
}

struct GuardedResolver {
    allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow = self.allow_private;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let usable: Vec<SocketAddr> = found.into_iter().filter(|a| allow || is_public(a.ip())).collect();
            if usable.is_empty() {
                return Err(refused(&host).into());
            }
            Ok(Box::new(usable.into_iter()) as Addrs)
        })
    }
}

fn refused(host: &str) -> String {
    format!("{host} has no public address (private, loopback and link-local addresses are refused)")
}

impl Sender {
    pub fn new(timeout: Duration, allow_private: bool) -> Self {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver { allow_private }))
            .user_agent(concat!("Coral-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("a client of static options builds");
        Self { client, allow_private }
    }

    /// Checks a URL before it is stored: http(s), a host, and (unless allowed) no
    /// address that is not public, literal or resolved now. Resolution failures pass:
    /// the name may exist later, and every delivery checks again.
    pub async fn check_url(&self, raw: &str) -> Result<(), String> {
        let url = reqwest::Url::parse(raw).map_err(|e| format!("url is not a valid URL: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err("url must be http or https".into());
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("url must not carry credentials; sign with the webhook secret instead".into());
        }
        let host = url.host_str().ok_or("url has no host")?.to_owned();
        if self.allow_private {
            return Ok(());
        }
        self.literal_allowed(&host)?;
        let port = url.port_or_known_default().unwrap_or(443);
        let lookup = tokio::time::timeout(Duration::from_secs(2), tokio::net::lookup_host((host.as_str(), port))).await;
        if let Ok(Ok(addrs)) = lookup {
            if addrs.into_iter().any(|a| !is_public(a.ip())) {
                return Err(format!("url: {}", refused(&host)));
            }
        }
        Ok(())
    }

    /// IP literals never reach the resolver, so they are checked here.
    fn literal_allowed(&self, host: &str) -> Result<(), String> {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        match bare.parse::<IpAddr>() {
            Ok(ip) if !self.allow_private && !is_public(ip) => Err(format!("url: {}", refused(host))),
            _ => Ok(()),
        }
    }

    /// POSTs `body` with `headers`; the status code, or why there is none.
    pub async fn post(&self, url: &str, headers: &[(&str, String)], body: Vec<u8>) -> SendResult {
        let parsed = reqwest::Url::parse(url).map_err(|e| format!("bad url: {e}"))?;
        self.literal_allowed(parsed.host_str().unwrap_or_default())?;
        let mut req = self
            .client
            .post(parsed)
            .header("content-type", "application/json")
            .body(body);
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        match req.send().await {
            Ok(resp) => Ok(resp.status().as_u16()),
            Err(e) => Err(describe(&e)),
        }
    }
}

/// The error and its causes in one line (reqwest's own message hides the cause).
fn describe(e: &reqwest::Error) -> String {
    let first = if e.is_timeout() {
        "timed out".to_owned()
    } else {
        e.to_string()
    };
    super::with_causes(first, e)
}
