//! The HTTP side: the parsed `--target`, and one keep-alive HTTP/1.1 connection per worker
//! that sends the Store API headers on every request and reports failures as values (never
//! panics), so the scenarios can count them as errors.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{HeaderValue, ACCEPT, CONTENT_TYPE, HOST};
use hyper::{Method, Request, Uri};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpStream;

/// The header Medusa v2 resolves the store (and, in Coral, the tenant) from.
pub const KEY_HEADER: &str = "x-publishable-api-key";

/// Where requests go: host and port to dial, the `host` header, and a path prefix.
#[derive(Debug, Clone)]
pub struct Target {
    host: String,
    port: u16,
    authority: HeaderValue,
    base_path: String,
}

impl Target {
    pub fn parse(url: &str) -> Result<Self> {
        let uri: Uri = url.parse().with_context(|| format!("--target {url:?} is not a URL"))?;
        match uri.scheme_str() {
            Some("http") => {}
            Some(other) => bail!("--target scheme {other:?} is not supported: coral-bench speaks plain http"),
            None => bail!("--target {url:?} needs a scheme, e.g. http://127.0.0.1:9000"),
        }
        let authority = uri.authority().context("--target has no host")?;
        // `Uri::host` keeps IPv6 brackets, which the resolver does not accept.
        let host = authority
            .host()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let port = authority.port_u16().unwrap_or(80);
        Ok(Self {
            host,
            port,
            authority: HeaderValue::from_str(authority.as_str())?,
            base_path: uri.path().trim_end_matches('/').to_owned(),
        })
    }

    /// Full URL of `path`, for messages.
    pub fn url(&self, path: &str) -> String {
        format!(
            "http://{}{}{}",
            self.authority.to_str().unwrap_or("?"),
            self.base_path,
            path
        )
    }
}

/// A response with its body fully read (the body is part of what is being timed).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Bytes,
}

impl Reply {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The start of the body, for one-line error messages.
    pub fn snippet(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        let mut s: String = text.chars().take(200).collect();
        if text.chars().count() > 200 {
            s.push('…');
        }
        s.replace('\n', " ")
    }
}

/// Why a request got no HTTP response. `kind` is the short label errors are counted under.
#[derive(Debug, Clone)]
pub struct Failure {
    pub kind: &'static str,
    pub detail: String,
}

impl Failure {
    fn new(kind: &'static str, detail: impl fmt::Display) -> Self {
        Self {
            kind,
            detail: detail.to_string(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.detail)
    }
}

/// One worker's connection. Reused across requests (keep-alive); re-dialled only when the
/// server closed it or a request on it failed, so connection setup stays out of the figures.
pub struct Conn {
    target: Arc<Target>,
    timeout: Duration,
    sender: Option<SendRequest<Full<Bytes>>>,
    /// Connections dialled after the first; high numbers mean the server is not keeping alive.
    pub reconnects: u64,
}

impl Conn {
    pub fn new(target: Arc<Target>, timeout: Duration) -> Self {
        Self {
            target,
            timeout,
            sender: None,
            reconnects: 0,
        }
    }

    /// Full URL of `path` on this connection's target, for messages.
    pub fn url(&self, path: &str) -> String {
        self.target.url(path)
    }

    pub async fn get(&mut self, path: &str, key: &str) -> Result<Reply, Failure> {
        self.send(Method::GET, path, key, Bytes::new()).await
    }

    pub async fn post(&mut self, path: &str, key: &str, body: &Value) -> Result<Reply, Failure> {
        self.send(Method::POST, path, key, Bytes::from(body.to_string())).await
    }

    /// POST without a body (cart completion takes none).
    pub async fn post_empty(&mut self, path: &str, key: &str) -> Result<Reply, Failure> {
        self.send(Method::POST, path, key, Bytes::new()).await
    }

    pub async fn send(&mut self, method: Method, path: &str, key: &str, body: Bytes) -> Result<Reply, Failure> {
        let outcome = tokio::time::timeout(self.timeout, self.exchange(method, path, key, body)).await;
        let failure = match outcome {
            Ok(Ok(reply)) => return Ok(reply),
            Ok(Err(failure)) => failure,
            Err(_) => Failure::new("timeout", format!("no response within {:?}", self.timeout)),
        };
        // The connection's state is unknown after a failure (half-written request, unread
        // body): drop it so the next request starts clean.
        self.sender = None;
        Err(failure)
    }

    async fn exchange(&mut self, method: Method, path: &str, key: &str, body: Bytes) -> Result<Reply, Failure> {
        let authority = self.target.authority.clone();
        let uri = format!("{}{}", self.target.base_path, path);
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .header(HOST, authority)
            .header(KEY_HEADER, key)
            .header(CONTENT_TYPE, "application/json")
            .header(ACCEPT, "application/json")
            .body(Full::new(body))
            .map_err(|e| Failure::new("bad_request", e))?;
        let sender = self.ready_sender().await?;
        let response = sender.send_request(request).await.map_err(|e| Failure::new("io", e))?;
        let status = response.status().as_u16();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| Failure::new("io", e))?
            .to_bytes();
        Ok(Reply { status, body })
    }

    /// The live connection, dialling a new one when there is none or the server closed the
    /// idle one: that is ordinary keep-alive churn, not an error of the request about to go.
    async fn ready_sender(&mut self) -> Result<&mut SendRequest<Full<Bytes>>, Failure> {
        let alive = match self.sender.as_mut() {
            Some(sender) => !sender.is_closed() && sender.ready().await.is_ok(),
            None => false,
        };
        if !alive {
            if self.sender.take().is_some() {
                self.reconnects += 1;
            }
            self.sender = Some(self.dial().await?);
        }
        self.sender
            .as_mut()
            .ok_or_else(|| Failure::new("connect", "no connection"))
    }

    async fn dial(&self) -> Result<SendRequest<Full<Bytes>>, Failure> {
        let addr = (self.target.host.as_str(), self.target.port);
        let tcp = match TcpStream::connect(addr).await {
            Ok(tcp) => tcp,
            Err(e) => {
                // A refused connect returns at once; without a pause a worker facing a down
                // server would spin a core logging millions of errors.
                tokio::time::sleep(Duration::from_millis(10)).await;
                return Err(Failure::new(
                    "connect",
                    format!("{}:{}: {e}", self.target.host, self.target.port),
                ));
            }
        };
        // Small request/response exchanges: Nagle would add delayed-ACK stalls to latency.
        tcp.set_nodelay(true).map_err(|e| Failure::new("connect", e))?;
        let (sender, connection) = http1::handshake(TokioIo::new(tcp))
            .await
            .map_err(|e| Failure::new("connect", e))?;
        // The connection task ends when the server closes or the sender is dropped; its
        // errors reach the worker through `send_request`, so nothing is lost by ignoring them.
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(sender)
    }
}

/// Percent-encodes a query value (handles and ids are normally safe, but not guaranteed).
pub fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        let t = Target::parse("http://127.0.0.1:9300").expect("valid");
        assert_eq!((t.host.as_str(), t.port, t.base_path.as_str()), ("127.0.0.1", 9300, ""));
        assert_eq!(t.url("/store/regions"), "http://127.0.0.1:9300/store/regions");

        let t = Target::parse("http://localhost/api/").expect("valid");
        assert_eq!(
            (t.host.as_str(), t.port, t.base_path.as_str()),
            ("localhost", 80, "/api")
        );

        let t = Target::parse("http://[::1]:9000").expect("valid");
        assert_eq!((t.host.as_str(), t.port), ("::1", 9000));

        assert!(Target::parse("https://example.com").is_err());
        assert!(Target::parse("127.0.0.1:9000").is_err());
    }

    #[test]
    fn escaping() {
        assert_eq!(query_escape("t-shirt_2.0~"), "t-shirt_2.0~");
        assert_eq!(query_escape("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
    }
}
