//! The error statuses every operation of an API family can answer, whatever its handler
//! does: they come from the middleware and the extractors the family shares, so they are
//! documented here, once, instead of on each route.
//!
//! Where each status comes from (the source of the rule):
//! - every route: `400` from `http::guard` (NUL or non-UTF-8 text in the path, query or
//!   a header Coral reads), and `413` from `DefaultBodyLimit` on a route that takes a body;
//!   `503` from `http::ops::fail_fast_writes` on every write while the database is away.
//! - `/store`, `/auth` (`extract::Store`, `tenancy::resolve`, `observe::admit`): `400` for
//!   a missing or unknown publishable key or conflicting store signals (Medusa answers
//!   `not_allowed` with 400), and for a malformed query string or JSON body; `403` for a
//!   suspended store; `404` for a deactivated one; `429` over the storefront rate limit;
//!   `503` when the store's database is away. `401` only where the operation takes a
//!   bearer token (`extract::Shopper`: a customer token of another store is refused).
//! - `/admin` (`extract::Staff`): `400` bad input, `401` no, expired or revoked staff
//!   token, `403` a role without the route's permission or a suspended store, `429` over
//!   the admin rate limit, `503` database away.
//! - `/platform` (`extract::Platform`): `400` bad input, `401` not the platform token,
//!   `503` database away.
//!
//! A route's own entry for a status (its own description) is never replaced.

use utoipa::openapi::path::Operation;
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, PartialSchema, ToSchema};

use crate::http::error::ErrorBody;

/// The OpenAPI modifier adding the family-wide error statuses to every operation.
pub struct FamilyErrors;

impl Modify for FamilyErrors {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components
            .schemas
            .entry(ErrorBody::name().into_owned())
            .or_insert_with(ErrorBody::schema);
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
                &mut item.head,
                &mut item.options,
                &mut item.trace,
            ];
            for op in operations.into_iter().flatten() {
                add_statuses(path, op);
            }
        }
    }
}

/// A family of routes, by path prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    /// `/store/*` and `/auth/*`: the tenant comes from the request's store signals.
    Storefront,
    Admin,
    Platform,
    /// `/health`, `/ready`, `/metrics`, `/openapi.json`, static files.
    Ops,
}

impl Family {
    fn of(path: &str) -> Family {
        let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
        match first {
            "store" | "auth" => Family::Storefront,
            "admin" => Family::Admin,
            "platform" => Family::Platform,
            _ => Family::Ops,
        }
    }
}

/// The statuses `op` (at `path`) can answer through its family's shared machinery, each
/// with why, in the words of the document.
fn family_statuses(path: &str, op: &Operation) -> Vec<(u16, &'static str)> {
    let has_body = op.request_body.is_some();
    let has_bearer = op.security.as_ref().is_some_and(|s| !s.is_empty());
    let mut out = Vec::new();
    match Family::of(path) {
        Family::Storefront => {
            out.push((400, "Invalid request: a malformed query string or body, or a missing or unknown publishable key (`not_allowed`)"));
            if has_bearer {
                out.push((
                    401,
                    "The bearer token is missing, expired or not a customer of this store",
                ));
            }
            out.push((403, "This store is suspended"));
            out.push((404, "No such store (it was deactivated)"));
            out.push((429, "Over the store's storefront rate limit; see Retry-After"));
            out.push((503, "The store's database is unavailable; see Retry-After"));
        }
        Family::Admin => {
            out.push((400, "Invalid request: a malformed query string or body"));
            out.push((401, "No staff token, or an expired, revoked or unknown one"));
            out.push((
                403,
                "The user's role lacks this route's permission, or the store is suspended",
            ));
            out.push((429, "Over the store's admin rate limit; see Retry-After"));
            out.push((503, "The database is unavailable; see Retry-After"));
        }
        Family::Platform => {
            out.push((400, "Invalid request: a malformed query string or body"));
            out.push((401, "Not the platform token (nor a platform admin's)"));
            out.push((503, "The database is unavailable; see Retry-After"));
        }
        Family::Ops => {
            out.push((400, "Invalid request: NUL or non-UTF-8 text in the path or query"));
        }
    }
    // A route naming a resource by id answers 404 when the store (or, for /platform, the
    // deployment) has no such resource.
    if path.contains('{') && matches!(Family::of(path), Family::Admin | Family::Platform) {
        out.push((404, "No such resource (in this store, for /admin)"));
    }
    // A write that sets a value unique in its store (a handle, code, name, email, domain)
    // answers 422 `duplicate_error` when it is taken (db::errors::UNIQUE_MESSAGES).
    if has_body && matches!(Family::of(path), Family::Admin | Family::Platform) {
        out.push((422, "A value that must be unique is already taken (`duplicate_error`)"));
    }
    if has_body {
        out.push((413, "The body is larger than the server's limit (CORAL_BODY_LIMIT)"));
    }
    out
}

/// Adds the family's statuses `op` does not document itself.
fn add_statuses(path: &str, op: &mut Operation) {
    for (status, description) in family_statuses(path, op) {
        op.responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| RefOr::T(error_response(description)));
    }
}

/// A response whose body is Medusa's error, `ErrorBody`.
fn error_response(description: &str) -> utoipa::openapi::Response {
    let schema = RefOr::Ref(Ref::from_schema_name(ErrorBody::name()));
    ResponseBuilder::new()
        .description(description)
        .content("application/json", ContentBuilder::new().schema(Some(schema)).build())
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn document() -> Value {
        serde_json::to_value(crate::http::openapi()).unwrap()
    }

    fn statuses(doc: &Value, path: &str, method: &str) -> Vec<String> {
        let responses = doc["paths"][path][method]["responses"].as_object();
        let mut out: Vec<String> = responses
            .unwrap_or_else(|| panic!("{method} {path}"))
            .keys()
            .cloned()
            .collect();
        out.sort();
        out
    }

    #[test]
    fn every_operation_gets_its_familys_statuses_with_medusas_error_body() {
        let doc = document();
        assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
        let regions = statuses(&doc, "/store/regions", "get");
        for s in ["400", "403", "404", "429", "503"] {
            assert!(regions.contains(&s.to_owned()), "/store/regions lacks {s}: {regions:?}");
        }
        // No bearer token, no body: no 401, no 413.
        assert!(!regions.contains(&"401".to_owned()), "{regions:?}");
        assert!(!regions.contains(&"413".to_owned()), "{regions:?}");
        let me = statuses(&doc, "/store/customers/me", "post");
        assert!(
            me.contains(&"401".to_owned()) && me.contains(&"413".to_owned()),
            "{me:?}"
        );
        let admin = statuses(&doc, "/admin/products", "get");
        for s in ["400", "401", "403", "429", "503"] {
            assert!(admin.contains(&s.to_owned()), "/admin/products lacks {s}: {admin:?}");
        }
        let platform = statuses(&doc, "/platform/tenants", "get");
        assert!(platform.contains(&"401".to_owned()) && !platform.contains(&"403".to_owned()));
        let body = &doc["paths"]["/admin/products"]["get"]["responses"]["401"]["content"]["application/json"]["schema"];
        assert_eq!(body["$ref"], "#/components/schemas/ErrorBody");
        assert_eq!(statuses(&doc, "/health", "get"), ["200", "400"]);
    }

    #[test]
    fn a_routes_own_entry_is_kept() {
        let doc = document();
        // `/ready` documents its own 503; `/metrics` its own 401.
        let ready = &doc["paths"]["/ready"]["get"]["responses"]["503"]["description"];
        assert_eq!(ready, "database unreachable: status unavailable");
        let metrics = &doc["paths"]["/metrics"]["get"]["responses"]["401"]["description"];
        assert_eq!(metrics, "bad platform token");
    }

    #[test]
    fn families_are_told_by_the_first_segment() {
        assert_eq!(Family::of("/store/carts/{id}"), Family::Storefront);
        assert_eq!(Family::of("/auth/user/emailpass"), Family::Storefront);
        assert_eq!(Family::of("/admin/users/me"), Family::Admin);
        assert_eq!(Family::of("/platform/tenants"), Family::Platform);
        assert_eq!(Family::of("/storefront"), Family::Ops);
        assert_eq!(Family::of("/health"), Family::Ops);
    }
}
