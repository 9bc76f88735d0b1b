//! Operations endpoints: liveness, readiness, the OpenAPI document, unknown routes.

use std::sync::OnceLock;

use axum::extract::State;
use axum::http::{header, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use axum::middleware::Next;

use crate::core::error::{DB_UNAVAILABLE, RETRY_AFTER_SECS};
use crate::core::Error;
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, Platform};

/// The OpenAPI document, rendered once when the router is built.
pub(crate) static SPEC: OnceLock<String> = OnceLock::new();

/// What `/health` and `/ready` answer.
#[derive(Serialize, ToSchema)]
pub struct OpsStatus {
    /// `ok` (health), `ready` or `unavailable` (readiness).
    pub status: &'static str,
}

/// The process is up.
#[utoipa::path(get, path = "/health", tag = "ops", responses((status = 200, description = "the process is up", body = OpsStatus)))]
pub async fn health() -> Json<OpsStatus> {
    Json(OpsStatus { status: "ok" })
}

/// The database answers. Known down: 503 at once; else one query, given at most a second.
#[utoipa::path(get, path = "/ready", tag = "ops",
    responses((status = 200, description = "ready", body = OpsStatus), (status = 503, description = "database unreachable: status unavailable", body = OpsStatus)))]
pub async fn ready(State(app): State<AppState>) -> Response {
    let answered = app.platform().ping(READY_WITHIN).await;
    match answered {
        Ok(()) => Json(OpsStatus { status: "ready" }).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready: database unreachable");
            let mut response = (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(OpsStatus { status: "unavailable" }),
            )
                .into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, RETRY_AFTER_SECS.into());
            response
        }
    }
}

/// How long `/ready` waits for its query: a probe must answer quickly either way.
const READY_WITHIN: std::time::Duration = std::time::Duration::from_secs(1);

/// Writes need the database: while it is known to be down they answer 503 at once,
/// before any work (no half-done request, no 5 s wait for a pool connection). Reads go
/// on: the catalog is served from memory.
pub async fn fail_fast_writes(State(app): State<AppState>, req: axum::extract::Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && app.platform().health().is_down() {
        return Error::Unavailable(DB_UNAVAILABLE.into()).into_response();
    }
    next.run(req).await
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "ops", responses((status = 200, description = "OpenAPI 3.1 document", body = Object, content_type = "application/json")))]
pub async fn openapi() -> Response {
    let spec = SPEC.get().map(String::as_str).unwrap_or("{}");
    ([(header::CONTENT_TYPE, "application/json")], spec.to_owned()).into_response()
}

/// Prometheus metrics in the text exposition format. Behind the platform token: tenant
/// ids and traffic figures are the operator's business (Prometheus sends it with
/// `authorization: { credentials: … }`).
#[utoipa::path(get, path = "/metrics", tag = "ops",
    responses((status = 200, description = "Prometheus text format 0.0.4", body = String, content_type = "text/plain; version=0.0.4; charset=utf-8"), (status = 401, description = "bad platform token", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn metrics(State(app): State<AppState>, _: Platform) -> Response {
    let body = crate::app::metrics::render(&app).await;
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        body,
    )
        .into_response()
}

/// Any route Coral does not have: a JSON 404, for every method.
pub async fn unknown_route(method: Method, uri: Uri) -> Error {
    Error::not_found(format!("Cannot {method} {}", uri.path()))
}

/// A picture of the demo catalog (`coral serve --demo`), drawn by Coral: see
/// `seed::demo_images`. Not tenant data: the same bytes for every store.
#[utoipa::path(get, path = "/static/demo/{file}", tag = "ops",
    params(("file" = String, Path, description = "`{slug}.png`")),
    responses((status = 200, description = "the picture (PNG bytes)", content_type = "image/png"), (status = 404, description = "no such picture", body = ErrorBody)))]
pub async fn demo_image(crate::http::extract::Path(file): crate::http::extract::Path<String>) -> Response {
    let picture = file.strip_suffix(".png").and_then(crate::seed::demo_images::png);
    match picture {
        Some(bytes) => (
            [
                (header::CONTENT_TYPE, "image/png"),
                (header::CACHE_CONTROL, "public, max-age=86400, immutable"),
            ],
            bytes.to_vec(),
        )
            .into_response(),
        None => Error::not_found(format!("Demo picture {file} was not found")).into_response(),
    }
}
