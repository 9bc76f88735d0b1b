//! `/auth/user/emailpass`: staff login, Medusa-compatible (`{ token }`).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::app::customers::{self, Credentials};
use crate::app::staff;
use crate::core::Result;
use crate::http::error::ErrorBody;
use crate::http::extract::{signals, AppState, ClientAddr, JsonBody, Store};
use crate::tenancy::resolve::resolve;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailPass {
    pub email: String,
    pub password: String,
}

/// Medusa's `AuthResponse`: a bearer token (a JWT).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuthResponse {
    pub token: String,
}

/// Staff login. The tenant is the user's; when the email is staff of several stores,
/// the store signals (`x-tenant-id`, publishable key, host) choose one.
#[utoipa::path(post, path = "/auth/user/emailpass", tag = "auth", request_body = EmailPass,
    responses((status = 200, description = "A staff token", body = AuthResponse),
              (status = 400, description = "bad input, or signals naming no store", body = ErrorBody),
              (status = 401, description = "invalid email or password", body = ErrorBody),
              (status = 429, description = "too many attempts for this account or address; see Retry-After", body = ErrorBody)))]
pub async fn user_login(
    State(app): State<AppState>,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    JsonBody(body): JsonBody<EmailPass>,
) -> Result<Json<AuthResponse>> {
    let s = signals(&headers);
    // Only explicit signals narrow the search; a bare Host (localhost) is not one.
    let hint = if s.publishable_key.is_some() || s.tenant_header.is_some() {
        Some(resolve(&app.directory, &app.resolution, s)?.tenant)
    } else {
        s.host
            .and_then(|h| app.directory.by_domain(h.split(':').next().unwrap_or(h)))
    };
    let token = staff::login(&app, &body.email, &body.password, hint, address).await?;
    Ok(Json(AuthResponse { token }))
}

/// Registers a customer identity in the request's store; the token creates the customer
/// through `POST /store/customers`.
#[utoipa::path(post, path = "/auth/customer/emailpass/register", tag = "auth", request_body = Credentials,
    responses((status = 200, description = "A registration token", body = AuthResponse),
              (status = 400, description = "bad input", body = ErrorBody),
              (status = 401, description = "email already registered", body = ErrorBody)))]
pub async fn customer_register(
    State(app): State<AppState>,
    Store(ctx): Store,
    JsonBody(body): JsonBody<Credentials>,
) -> Result<Json<AuthResponse>> {
    Ok(Json(AuthResponse {
        token: customers::register(&app, &ctx, body).await?,
    }))
}

/// Customer login in the request's store.
#[utoipa::path(post, path = "/auth/customer/emailpass", tag = "auth", request_body = Credentials,
    responses((status = 200, description = "A customer token", body = AuthResponse),
              (status = 400, description = "bad input", body = ErrorBody),
              (status = 401, description = "invalid email or password", body = ErrorBody)))]
pub async fn customer_login(
    State(app): State<AppState>,
    Store(ctx): Store,
    JsonBody(body): JsonBody<Credentials>,
) -> Result<Json<AuthResponse>> {
    Ok(Json(AuthResponse {
        token: customers::login(&app, &ctx, body).await?,
    }))
}
