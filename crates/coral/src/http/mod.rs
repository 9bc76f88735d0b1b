//! HTTP: one router registering every route (so "where is this endpoint?" has one
//! answer), the middleware stack, and the OpenAPI document generated from the handlers.

pub mod admin;
pub mod amounts;
pub mod audit_json;
pub mod auth;
pub mod catalog_json;
pub mod checkout_json;
mod closed_schemas;
pub mod customer_json;
pub mod documented;
pub mod envelope;
pub mod error;
pub mod event_docs;
pub mod extract;
pub mod family_errors;
pub mod fields;
pub mod guard;
pub mod observe;
pub mod ops;
pub mod order_json;
pub mod payment_json;
pub mod permissions;
pub mod platform;
pub mod promotion_json;
pub mod shipping_json;
pub mod store;
pub mod taxonomy_json;
pub mod totals_json;

use axum::extract::{DefaultBodyLimit, Request};
use axum::Router;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::routes;

use crate::core::Error;
use documented::Documented;
use extract::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Coral", description = "Multi-tenant commerce engine; the /store API is Medusa v2 compatible."),
    modifiers(&BearerAuth),
    tags((name = "store", description = "Medusa v2 Store API; tenant from publishable key, domain or x-tenant-id"),
         (name = "auth", description = "Medusa-compatible authentication"),
         (name = "admin", description = "A tenant's staff; tenant from the token"),
         (name = "platform", description = "The platform operator; bearer CORAL_PLATFORM_TOKEN"),
         (name = "ops", description = "Health, readiness, metrics, this document"))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// Every route, each documented in the OpenAPI document by construction.
fn routes() -> Documented {
    Documented::new(ApiDoc::openapi())
        // operations
        .routes(routes!(ops::health))
        .routes(routes!(ops::ready))
        .routes(routes!(ops::openapi))
        .routes(routes!(ops::metrics))
        .routes(routes!(ops::demo_image))
        // store
        .routes(routes!(store::regions::list))
        .routes(routes!(store::regions::get))
        .routes(routes!(store::currencies::list))
        .routes(routes!(store::currencies::get))
        .routes(routes!(store::tenant::get))
        .routes(routes!(store::tenant::locales))
        .routes(routes!(store::products::list))
        .routes(routes!(store::products::get))
        .routes(routes!(store::variants::list))
        .routes(routes!(store::variants::get))
        .routes(routes!(store::variants::options))
        .routes(routes!(store::variants::option))
        .routes(routes!(store::catalog::collections))
        .routes(routes!(store::catalog::collection))
        .routes(routes!(store::catalog::categories))
        .routes(routes!(store::catalog::category))
        .routes(routes!(store::catalog::tags))
        .routes(routes!(store::catalog::tag))
        .routes(routes!(store::catalog::types))
        .routes(routes!(store::catalog::product_type))
        .routes(routes!(store::carts::create))
        .routes(routes!(store::carts::get, store::carts::update))
        .routes(routes!(store::carts::add_item))
        .routes(routes!(store::carts::update_item, store::carts::delete_item))
        .routes(routes!(store::carts::set_customer))
        .routes(routes!(store::carts::add_shipping_method))
        .routes(routes!(store::carts::complete))
        .routes(routes!(store::cart_promotions::add, store::cart_promotions::remove))
        .routes(routes!(store::payments::shipping_options))
        .routes(routes!(store::payments::create_collection))
        .routes(routes!(store::payments::create_session))
        .routes(routes!(store::payments::providers))
        .routes(routes!(store::customers::create))
        .routes(routes!(store::customers::me, store::customers::update_me))
        .routes(routes!(store::customers::addresses, store::customers::create_address))
        .routes(routes!(
            store::customers::address,
            store::customers::update_address,
            store::customers::delete_address
        ))
        .routes(routes!(store::orders::orders))
        .routes(routes!(store::orders::order))
        // auth
        .routes(routes!(auth::user_login))
        .routes(routes!(auth::customer_register))
        .routes(routes!(auth::customer_login))
        // admin
        .routes(routes!(admin::users::me))
        .routes(routes!(admin::users::list, admin::users::create))
        .routes(routes!(
            admin::users::get,
            admin::users::update,
            admin::users::deactivate
        ))
        .routes(routes!(admin::stores::list, admin::stores::update))
        .routes(routes!(admin::api_keys::list, admin::api_keys::create))
        .routes(routes!(admin::api_keys::get))
        .routes(routes!(admin::api_keys::revoke))
        .routes(routes!(admin::audit_log::list))
        .routes(routes!(admin::usage::get))
        .routes(routes!(admin::webhooks::list, admin::webhooks::create))
        .routes(routes!(admin::webhooks::event_types))
        .routes(routes!(
            admin::webhooks::get,
            admin::webhooks::update,
            admin::webhooks::delete
        ))
        .routes(routes!(admin::webhooks::deliveries))
        .routes(routes!(admin::webhooks::redeliver))
        .routes(routes!(admin::email::get_settings, admin::email::update_settings))
        .routes(routes!(
            admin::email::get_template,
            admin::email::save_template,
            admin::email::delete_template
        ))
        .routes(routes!(admin::email::preview))
        .routes(routes!(admin::products::create, admin::products::list))
        .routes(routes!(admin::products::batch))
        .routes(routes!(
            admin::products::get,
            admin::products::update,
            admin::products::delete
        ))
        .routes(routes!(admin::products::create_variant))
        .routes(routes!(
            admin::products::update_variant,
            admin::products::delete_variant
        ))
        .routes(routes!(
            admin::taxonomy::collections,
            admin::taxonomy::create_collection
        ))
        .routes(routes!(
            admin::taxonomy::collection,
            admin::taxonomy::update_collection,
            admin::taxonomy::delete_collection
        ))
        .routes(routes!(admin::taxonomy::categories, admin::taxonomy::create_category))
        .routes(routes!(
            admin::taxonomy::category,
            admin::taxonomy::update_category,
            admin::taxonomy::delete_category
        ))
        .routes(routes!(admin::taxonomy::tags, admin::taxonomy::create_tag))
        .routes(routes!(admin::taxonomy::types, admin::taxonomy::create_type))
        .routes(routes!(admin::promotions::list, admin::promotions::create))
        .routes(routes!(
            admin::promotions::get,
            admin::promotions::update,
            admin::promotions::delete
        ))
        .routes(routes!(
            admin::promotions::campaigns,
            admin::promotions::create_campaign
        ))
        .routes(routes!(
            admin::promotions::campaign,
            admin::promotions::update_campaign,
            admin::promotions::delete_campaign
        ))
        .routes(routes!(admin::price_lists::list, admin::price_lists::create))
        .routes(routes!(
            admin::price_lists::get,
            admin::price_lists::update,
            admin::price_lists::delete
        ))
        .routes(routes!(admin::price_lists::groups, admin::price_lists::create_group))
        .routes(routes!(
            admin::price_lists::get_group,
            admin::price_lists::update_group,
            admin::price_lists::delete_group
        ))
        .routes(routes!(admin::price_lists::members))
        .routes(routes!(admin::orders::list))
        .routes(routes!(admin::orders::get))
        .routes(routes!(admin::orders::capture))
        .routes(routes!(admin::orders::refund))
        .routes(routes!(admin::orders::fulfill))
        .routes(routes!(admin::orders::cancel))
        .routes(routes!(admin::shipping::list, admin::shipping::create))
        .routes(routes!(
            admin::shipping::get,
            admin::shipping::update,
            admin::shipping::delete
        ))
        .routes(routes!(admin::secrets::secrets))
        .routes(routes!(admin::secrets::set_secret, admin::secrets::delete_secret))
        .routes(routes!(admin::regions::list, admin::regions::create))
        .routes(routes!(
            admin::regions::get,
            admin::regions::update,
            admin::regions::delete
        ))
        .routes(routes!(admin::stock_locations::list, admin::stock_locations::create))
        .routes(routes!(
            admin::stock_locations::get,
            admin::stock_locations::update,
            admin::stock_locations::delete
        ))
        .routes(routes!(admin::inventory_items::list))
        .routes(routes!(admin::inventory_items::get))
        .routes(routes!(
            admin::inventory_items::levels,
            admin::inventory_items::create_level
        ))
        .routes(routes!(
            admin::inventory_items::update_level,
            admin::inventory_items::delete_level
        ))
        .routes(routes!(admin::catalog_sources::publish, admin::catalog_sources::list))
        .routes(routes!(admin::catalog_sources::get, admin::catalog_sources::unpublish))
        .routes(routes!(admin::catalog_sources::grant))
        .routes(routes!(admin::catalog_sources::revoke))
        .routes(routes!(admin::catalog_sources::products))
        .routes(routes!(
            admin::catalog_sources::subscribe,
            admin::catalog_sources::subscriptions
        ))
        .routes(routes!(admin::catalog_sources::unsubscribe))
        // platform
        .routes(routes!(platform::tenants::create, platform::tenants::list))
        .routes(routes!(
            platform::tenants::get,
            platform::tenants::update,
            platform::tenants::deactivate
        ))
        .routes(routes!(platform::tenants::suspend))
        .routes(routes!(platform::tenants::resume))
        .routes(routes!(platform::tenants::usage))
        .routes(routes!(platform::plans::list, platform::plans::create))
        .routes(routes!(platform::plans::get, platform::plans::update))
        .routes(routes!(platform::placements::create))
        .routes(routes!(platform::jobs::list))
        .routes(routes!(platform::audit_log::list))
}

/// The OpenAPI document of every route, with the error statuses each family's
/// middleware and extractors add (`family_errors`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    documented(routes().into_router()).1
}

/// The router and its document, completed by the modifiers that need every route (and
/// the closed `allOf` schemas of flattened addresses merged, `closed_schemas`).
fn documented(router: utoipa_axum::router::OpenApiRouter<AppState>) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut api) = router.split_for_parts();
    closed_schemas::merge(&mut api);
    family_errors::FamilyErrors.modify(&mut api);
    (router, api)
}

/// Schema names that more than one type registered (each would show only one of them
/// in the document); empty when the document is sound.
pub fn schema_name_collisions() -> Vec<String> {
    routes().collisions()
}

/// Request ids are ULIDs, like Coral's other ids; a client's own `x-request-id` is kept.
#[derive(Clone, Copy)]
struct MakeRequestUlid;

impl MakeRequestId for MakeRequestUlid {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        ulid::Ulid::new().to_string().parse().ok().map(RequestId::new)
    }
}

/// Every log line inside a request carries its request id and, once resolved, tenant id.
fn request_span(req: &Request) -> tracing::Span {
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    tracing::info_span!(
        "request",
        method = %req.method(),
        path = %req.uri().path(),
        request_id = %request_id,
        tenant_id = tracing::field::Empty,
    )
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    use axum::response::IntoResponse;
    Error::Internal(anyhow::anyhow!("handler panicked")).into_response()
}

pub fn router(app: AppState) -> Router {
    let (router, api) = documented(routes().into_router());
    permissions::load();
    let mut doc = serde_json::to_value(&api).unwrap_or_default();
    event_docs::add_webhooks(&mut doc);
    let _ = ops::SPEC.set(doc.to_string());
    let body_limit = app.config.body_limit;
    router
        .fallback(ops::unknown_route)
        .method_not_allowed_fallback(ops::unknown_route)
        .layer(axum::middleware::from_fn(guard::guard))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(axum::middleware::from_fn_with_state(app.clone(), ops::fail_fast_writes))
        .layer(axum::middleware::from_fn_with_state(app.clone(), observe::observe))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUlid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(request_span)
                        .on_request(())
                        .on_response(DefaultOnResponse::new().level(Level::INFO)),
                )
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(CatchPanicLayer::custom(panic_response)),
        )
        .with_state(app)
}
