//! The request observer: metrics and usage counters for every request, `RateLimit-*`
//! headers on rate-limited families, and [`admit`], the rate-limit check the tenant
//! extractors make as soon as they know the tenant (before any database work).

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;

use crate::app::App;
use crate::core::Result;
use crate::http::error::rate_limit_headers;
use crate::tenancy::limits::RateInfo;
use crate::tenancy::{ApiFamily, Tenant};

/// What the extractors learned about the request, for the observer.
#[derive(Default)]
struct Seen {
    tenant: OnceLock<Arc<Tenant>>,
    rate: OnceLock<RateInfo>,
}

/// Notes the request's tenant (log span, metrics, usage) and takes one request from its
/// rate-limit bucket for `family`; over the limit → 429.
pub fn admit(parts: &Parts, tenant: &Arc<Tenant>, family: ApiFamily) -> Result<()> {
    tracing::Span::current().record("tenant_id", tenant.id.as_str());
    let seen = parts.extensions.get::<Arc<Seen>>();
    if let Some(s) = seen {
        let _ = s.tenant.set(tenant.clone());
    }
    if let (Some(s), Some(info)) = (seen, tenant.rate_limits.check(family)?) {
        let _ = s.rate.set(info);
    }
    Ok(())
}

/// The middleware itself. It takes the router's state as `Arc<App>` (what
/// `extract::AppState` names) so this module does not import the extractors, which
/// import [`admit`] from here.
pub async fn observe(State(app): State<Arc<App>>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let family = ApiFamily::of_path(req.uri().path());
    let route = req.extensions().get::<MatchedPath>().cloned();
    let seen = Arc::new(Seen::default());
    req.extensions_mut().insert(seen.clone());

    let mut response = next.run(req).await;

    let status = response.status().as_u16();
    let tenant = seen.tenant.get();
    let label = tenant.filter(|t| t.detailed_metrics).map_or("", |t| t.id.as_str());
    let route = route.as_ref().map_or("unmatched", MatchedPath::as_str);
    app.metrics.observe(family, route, status, started.elapsed(), label);
    if let Some(t) = tenant {
        t.usage.record_request(family, status);
    }
    if let Some(r) = seen.rate.get() {
        if !response.headers().contains_key("ratelimit-limit") {
            rate_limit_headers(response.headers_mut(), r.limit, r.remaining, r.reset_secs);
        }
    }
    response
}
