//! What every `/admin` and `/platform` route needs, declared on the route itself: its
//! `#[utoipa::path]` carries the OpenAPI extensions
//!
//! - `x-coral-permission`: the permission an admin route requires (a `core::roles`
//!   permission name, checked by the `Staff` extractor against the role → permission
//!   table), or `"platform"` for a `/platform` route (the `Platform` extractor's token);
//! - `x-coral-audit-action`: on a route that changes something, the action its audit
//!   record names (`product.create`).
//!
//! The rule table is read once from the generated OpenAPI document (so the document
//! client authors get shows the same permissions that are enforced). A route declaring no
//! permission is refused (403); [`problems`] lists every route that declares too little
//! or something unknown, and `tests/it/roles.rs` asserts it finds none.

use std::collections::HashMap;
use std::sync::LazyLock;

use utoipa::openapi::path::Operation;
use utoipa::openapi::OpenApi;

use crate::core::roles::Permission;

/// The extension naming a route's permission.
pub const PERMISSION: &str = "x-coral-permission";
/// The extension naming a changing route's audit action.
pub const AUDIT_ACTION: &str = "x-coral-audit-action";
/// The `x-coral-permission` of a `/platform` route.
pub const PLATFORM: &str = "platform";

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// A tenant's staff member whose role grants this permission.
    Staff(Permission),
    /// The platform operator (platform token or a `platform_admin`).
    Platform,
}

/// One route's declaration: who may call it and, for a change, its audited action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub access: Access,
    pub action: Option<String>,
}

/// Rules by `(METHOD, axum path template)`.
type Table = HashMap<(String, String), Rule>;

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let (table, unreadable) = read(&super::openapi());
    // A declaration that names no known permission is a programming error: stop at
    // start-up (the router forces this table) rather than refuse the route later.
    assert!(unreadable.is_empty(), "unreadable route permissions: {unreadable:?}");
    table
});

/// Reads the table now, so a bad declaration stops start-up.
pub fn load() {
    LazyLock::force(&TABLE);
}

/// The rule of a matched route, if it declares one.
pub fn rule(method: &str, path: &str) -> Option<&'static Rule> {
    TABLE.get(&(method.to_owned(), path.to_owned()))
}

/// Every operation of the document: method, path, operation.
fn operations(doc: &OpenApi) -> impl Iterator<Item = (&'static str, &String, &Operation)> {
    doc.paths.paths.iter().flat_map(|(path, item)| {
        [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ]
        .into_iter()
        .filter_map(move |(m, op)| op.as_ref().map(|op| (m, path, op)))
    })
}

fn extension<'a>(op: &'a Operation, name: &str) -> Option<&'a serde_json::Value> {
    op.extensions.as_ref().and_then(|e| e.get(name))
}

/// The declared rules, and the declarations that could not be read.
fn read(doc: &OpenApi) -> (Table, Vec<String>) {
    let mut table = Table::new();
    let mut unreadable = Vec::new();
    for (method, path, op) in operations(doc) {
        let Some(declared) = extension(op, PERMISSION) else {
            continue;
        };
        let access = match declared.as_str() {
            Some(PLATFORM) => Access::Platform,
            Some(name) => match Permission::parse(name) {
                Some(p) => Access::Staff(p),
                None => {
                    unreadable.push(format!("{method} {path}: unknown permission {name}"));
                    continue;
                }
            },
            None => {
                unreadable.push(format!("{method} {path}: {PERMISSION} is not a string"));
                continue;
            }
        };
        let action = match extension(op, AUDIT_ACTION) {
            None => None,
            Some(serde_json::Value::String(a)) => Some(a.clone()),
            Some(other) => {
                unreadable.push(format!("{method} {path}: audit action {other} is not a string"));
                continue;
            }
        };
        table.insert((method.to_owned(), path.clone()), Rule { access, action });
    }
    (table, unreadable)
}

/// What is wrong with the routes' declarations in `doc`, one line each: every `/admin`
/// route names a staff permission and every `/platform` route `"platform"`; every change
/// (not GET) names its audit action and no read does; no other route declares either.
pub fn problems(doc: &OpenApi) -> Vec<String> {
    let (table, mut out) = read(doc);
    for (method, path, op) in operations(doc) {
        let what = format!("{method} {path}");
        let family = ["/admin/", "/platform/"]
            .into_iter()
            .find(|prefix| path.starts_with(prefix));
        let Some(family) = family else {
            if extension(op, PERMISSION).is_some() || extension(op, AUDIT_ACTION).is_some() {
                out.push(format!("{what}: declares a permission outside /admin and /platform"));
            }
            continue;
        };
        let Some(rule) = table.get(&(method.to_owned(), path.clone())) else {
            out.push(format!("{what}: declares no permission"));
            continue;
        };
        match (family, rule.access) {
            ("/admin/", Access::Platform) => out.push(format!("{what}: an admin route needs a staff permission")),
            ("/platform/", Access::Staff(_)) => out.push(format!("{what}: a platform route declares \"platform\"")),
            _ => {}
        }
        if rule.action.is_some() != (method != "GET") {
            out.push(format!("{what}: changes name an audit action, reads do not"));
        }
    }
    out
}
