//! Roles: every admin route declares a permission, each role gets exactly what the
//! role → permission table gives it, platform operators act through /platform, staff
//! management revokes tokens at once, login attempts are limited, and a tenant admin
//! of one store gets 404 for every id of another.

use coral::core::roles::Role;
use coral::http::permissions::{self, rule, Access};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::checkout::{ready_cart, store, Shop};
use crate::harness::{send, Admin, TestApp, TestTenant, ADMIN_PASSWORD};

/// Every `(METHOD, path)` of the OpenAPI document under `prefix`.
pub fn routes(prefix: &str) -> Vec<(Method, String)> {
    let doc = coral::http::openapi();
    let mut out = Vec::new();
    for (path, item) in doc.paths.paths {
        if !path.starts_with(prefix) {
            continue;
        }
        let ops = [
            (Method::GET, item.get.is_some()),
            (Method::POST, item.post.is_some()),
            (Method::PATCH, item.patch.is_some()),
            (Method::PUT, item.put.is_some()),
            (Method::DELETE, item.delete.is_some()),
        ];
        for (m, present) in ops {
            if present {
                out.push((m, path.clone()));
            }
        }
    }
    out
}

#[test]
fn every_admin_and_platform_route_declares_its_permission_and_audit_action() {
    let doc = coral::http::openapi();
    let problems = permissions::problems(&doc);
    assert!(problems.is_empty(), "route declarations: {problems:#?}");
    let admin = routes("/admin");
    assert!(admin.len() > 60, "the walk sees the admin routes ({})", admin.len());
    for (m, p) in admin.iter().chain(routes("/platform").iter()) {
        assert!(permissions::rule(m.as_str(), p).is_some(), "{m} {p} is in the table");
    }
    // Client authors see the same declaration in the published document.
    let spec: Value = serde_json::to_value(&doc).unwrap();
    let create = &spec["paths"]["/admin/products"]["post"];
    assert_eq!(create["x-coral-permission"], "catalog:write");
    assert_eq!(create["x-coral-audit-action"], "product.create");
}

#[test]
fn an_undeclared_unknown_or_misplaced_permission_is_a_problem() {
    let mut doc = coral::http::openapi();
    let item = doc.paths.paths.get_mut("/admin/products").unwrap();
    let create = item.post.as_mut().unwrap();
    create.extensions.as_mut().unwrap().remove(permissions::PERMISSION);
    let list = item.get.as_mut().unwrap();
    list.extensions
        .as_mut()
        .unwrap()
        .insert(permissions::PERMISSION.into(), json!("catalog:everything"));
    let store = doc.paths.paths.get_mut("/store/products").unwrap();
    let mut declared = utoipa::openapi::extensions::Extensions::default();
    declared.insert(permissions::PERMISSION.into(), json!("catalog:read"));
    store.get.as_mut().unwrap().extensions = Some(declared);
    let problems = permissions::problems(&doc);
    assert_eq!(
        problems,
        [
            "GET /admin/products: unknown permission catalog:everything",
            "GET /admin/products: declares no permission",
            "POST /admin/products: declares no permission",
            "GET /store/products: declares a permission outside /admin and /platform",
        ],
        "{problems:#?}"
    );
}

/// Logs in as a new staff user of `t` with `role` (created by the tenant's admin, or
/// in the database for `platform_admin`, which no tenant admin can grant).
pub async fn staff_token(app: &TestApp, t: &TestTenant, role: Role) -> String {
    let email = format!("{}@{}.test", role.as_str().replace('_', "-"), t.id.to_lowercase());
    if role == Role::PlatformAdmin {
        let hash = coral::adapters::auth::hash_password(ADMIN_PASSWORD).await.unwrap();
        let mut conn = app.owner_conn().await;
        let id = format!("user_{}", ulid::Ulid::new());
        sqlx::query(
            "INSERT INTO staff_users (tenant_id, id, email, password_hash, role) VALUES ($1, $2, $3, $4, 'platform_admin')",
        )
        .bind(&t.id)
        .bind(&id)
        .bind(&email)
        .bind(hash)
        .execute(&mut conn)
        .await
        .unwrap();
        // Sign-in finds accounts through the lookup, which Coral writes with the account.
        sqlx::query("INSERT INTO staff_logins (tenant_id, email, staff_id) VALUES ($1, $2, $3)")
            .bind(&t.id)
            .bind(&email)
            .bind(&id)
            .execute(&mut conn)
            .await
            .unwrap();
    } else {
        let admin = Admin::of(app, t).await;
        admin
            .ok(
                Method::POST,
                "/admin/users",
                json!({"email": email, "password": ADMIN_PASSWORD, "role": role.as_str()}),
            )
            .await;
    }
    let (s, v) = send(
        app.post("/auth/user/emailpass")
            .json(&json!({"email": email, "password": ADMIN_PASSWORD})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["token"].as_str().unwrap().to_owned()
}

fn concrete(path: &str, id: &str) -> String {
    path.split('/')
        .map(|seg| if seg.starts_with('{') { id } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn each_role_gets_403_for_what_it_lacks_and_is_let_through_for_what_it_has() {
    let app = TestApp::spawn().await;
    let t = app.tenant("matrix").await;
    let admin_routes = routes("/admin");
    for role in Role::ALL {
        let token = staff_token(&app, &t, role).await;
        for (method, path) in &admin_routes {
            let Access::Staff(needs) = rule(method.as_str(), path).unwrap().access else {
                panic!("{method} {path} is an admin route")
            };
            let mut req = app
                .request(method.clone(), &concrete(path, "zz_missing"))
                .bearer_auth(&token);
            if *method != Method::GET {
                req = req.json(&json!({}));
            }
            let (s, v) = send(req).await;
            let what = format!("{role} {method} {path} (needs {needs}): {s} {v}");
            if role.allows(needs) {
                assert!(
                    s != StatusCode::FORBIDDEN && s != StatusCode::UNAUTHORIZED && !s.is_server_error(),
                    "allowed, yet {what}"
                );
                if *method == Method::GET && !path.contains('{') {
                    assert!(s.is_success(), "an allowed list answers 2xx: {what}");
                }
            } else {
                assert_eq!(
                    (s, v["type"].as_str()),
                    (StatusCode::FORBIDDEN, Some("not_allowed")),
                    "refused: {what}"
                );
            }
        }
    }
}

#[tokio::test]
async fn platform_admins_act_through_platform_and_tenant_admins_never_do() {
    let app = TestApp::spawn().await;
    let t = app.tenant("ops").await;
    let operator = staff_token(&app, &t, Role::PlatformAdmin).await;
    let (s, v) = send(app.get("/platform/tenants").bearer_auth(&operator)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, _) = send(app.post("/platform/tenants/ops/suspend").bearer_auth(&operator)).await;
    assert_eq!(s, StatusCode::OK);
    let (_, log) = app
        .platform(Method::GET, "/platform/audit-log?action=tenant.suspend", None)
        .await;
    assert_eq!(log["audit_logs"][0]["actor"]["type"], "user", "{log}");
    app.platform(Method::POST, "/platform/tenants/ops/resume", None).await;

    for role in [Role::TenantAdmin, Role::Viewer] {
        let token = staff_token(&app, &t, role).await;
        let (s, v) = send(app.get("/platform/tenants").bearer_auth(&token)).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{role}: {v}");
    }
    // A tenant admin can neither grant the role nor touch an operator's account.
    let admin = Admin::of(&app, &t).await;
    let (s, v) = admin
        .call(
            Method::POST,
            "/admin/users",
            Some(json!({"email": "x@ops.test", "password": ADMIN_PASSWORD, "role": "platform_admin"})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (_, users) = admin.call(Method::GET, "/admin/users", None).await;
    let op_id = users["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["role"] == "platform_admin")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (s, _) = admin
        .call(
            Method::POST,
            &format!("/admin/users/{op_id}"),
            Some(json!({"role": "viewer"})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = admin.call(Method::DELETE, &format!("/admin/users/{op_id}"), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn staff_management_revokes_tokens_on_role_change_and_deactivation() {
    let app = TestApp::spawn().await;
    let t = app.tenant("crew").await;
    let admin = Admin::of(&app, &t).await;
    let created = admin
        .ok(
            Method::POST,
            "/admin/users",
            json!({"email": "Cat@Crew.test", "password": ADMIN_PASSWORD, "role": "catalog_manager", "first_name": "Cat"}),
        )
        .await;
    let id = created["user"]["id"].as_str().unwrap().to_owned();
    assert_eq!(created["user"]["email"], "cat@crew.test");
    assert_eq!(created["user"]["role"], "catalog_manager");
    let (s, _) = admin
        .call(
            Method::POST,
            "/admin/users",
            Some(json!({"email": "cat@crew.test", "password": ADMIN_PASSWORD})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "email taken");
    let login = || async {
        let (s, v) = send(
            app.post("/auth/user/emailpass")
                .json(&json!({"email": "cat@crew.test", "password": ADMIN_PASSWORD})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v["token"].as_str().unwrap().to_owned()
    };
    let cat = login().await;
    let app = &app;
    let me = |token: String| async move { send(app.get("/admin/users/me").bearer_auth(token)).await.0 };
    assert_eq!(me(cat.clone()).await, StatusCode::OK);
    let (s, _) = send(app.get("/admin/orders").bearer_auth(&cat)).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "catalog managers do not see orders");

    // A new role: the old token is refused at once, a new one carries the new role.
    let v = admin
        .ok(
            Method::POST,
            &format!("/admin/users/{id}"),
            json!({"role": "order_ops"}),
        )
        .await;
    assert_eq!(v["user"]["role"], "order_ops");
    assert_eq!(me(cat.clone()).await, StatusCode::UNAUTHORIZED);
    let ops = login().await;
    let (s, _) = send(app.get("/admin/orders").bearer_auth(&ops)).await;
    assert_eq!(s, StatusCode::OK);
    // Names alone keep the tokens.
    admin
        .ok(Method::POST, &format!("/admin/users/{id}"), json!({"last_name": "Ops"}))
        .await;
    assert_eq!(me(ops.clone()).await, StatusCode::OK);

    // Nobody changes their own role or deactivates themselves.
    let (_, mine) = admin.call(Method::GET, "/admin/users/me", None).await;
    let my_id = mine["user"]["id"].as_str().unwrap();
    let (s, _) = admin
        .call(
            Method::POST,
            &format!("/admin/users/{my_id}"),
            Some(json!({"role": "viewer"})),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, _) = admin.call(Method::DELETE, &format!("/admin/users/{my_id}"), None).await;
    assert_eq!(s, StatusCode::CONFLICT);

    let (s, v) = admin.call(Method::DELETE, &format!("/admin/users/{id}"), None).await;
    assert_eq!((s, &v["deleted"]), (StatusCode::OK, &json!(true)));
    assert_eq!(me(ops).await, StatusCode::UNAUTHORIZED);
    let (s, _) = send(
        app.post("/auth/user/emailpass")
            .json(&json!({"email": "cat@crew.test", "password": ADMIN_PASSWORD})),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "a deactivated user cannot sign in");
    let list = admin.ok(Method::GET, "/admin/users", json!(null)).await;
    assert_eq!(list["count"], 2);
}

#[tokio::test]
async fn staff_users_count_against_the_plan() {
    let app = TestApp::spawn().await;
    let t = app
        .tenant_with("small", json!({"overrides": {"limits": {"max_staff": 2}}}))
        .await;
    let admin = Admin::of(&app, &t).await;
    admin
        .ok(
            Method::POST,
            "/admin/users",
            json!({"email": "two@small.test", "password": ADMIN_PASSWORD}),
        )
        .await;
    let (s, v) = admin
        .call(
            Method::POST,
            "/admin/users",
            Some(json!({"email": "three@small.test", "password": ADMIN_PASSWORD})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert!(v["message"].as_str().unwrap().contains("max_staff"), "{v}");
}

#[tokio::test]
async fn login_attempts_are_limited_per_account_with_retry_after() {
    let app = TestApp::spawn().await;
    let t = app.tenant("guarded").await;
    let attempt = |password: &'static str| {
        app.post("/auth/user/emailpass")
            .json(&json!({"email": t.admin_email, "password": password}))
            .send()
    };
    for _ in 0..10 {
        assert_eq!(
            attempt("wrong-password").await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let refused = attempt(ADMIN_PASSWORD).await.unwrap();
    assert_eq!(
        refused.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    let retry: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=6).contains(&retry), "{retry}");
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["type"], "too_many_requests");
    // Another account from the same address still signs in.
    let other = app.tenant("other").await;
    app.admin_token(&other).await;
}

#[tokio::test]
async fn a_tenant_admin_gets_404_for_every_id_of_another_store() {
    let app = TestApp::spawn().await;
    let a = app.tenant("alpha").await;
    let (b, variant, option) = store(&app, "beta", 5).await;
    let b_admin = Admin::of(&app, &b).await;
    // An order, a user, a key, a catalog source, a secret in B.
    let shop = Shop::of(&app, &b);
    let cart = ready_cart(&shop, &variant, &option, 1, "pp_system_default", json!({})).await;
    let order = shop.post(&format!("/store/carts/{cart}/complete"), json!({})).await;
    let order_id = order["order"]["id"].as_str().unwrap().to_owned();
    let user = b_admin
        .ok(
            Method::POST,
            "/admin/users",
            json!({"email": "v@beta.test", "password": ADMIN_PASSWORD}),
        )
        .await;
    let key = b_admin
        .ok(Method::POST, "/admin/api-keys", json!({"title": "Second"}))
        .await;
    let source = b_admin.ok(Method::POST, "/admin/catalog-sources", json!({})).await;
    b_admin
        .ok(
            Method::POST,
            "/admin/secrets/nmi_security_key",
            json!({"value": "b-secret"}),
        )
        .await;
    let hook = b_admin
        .ok(
            Method::POST,
            "/admin/webhooks",
            json!({"url": "http://127.0.0.1:9/hook", "event_types": ["order.placed"]}),
        )
        .await;
    let products = b_admin.ok(Method::GET, "/admin/products", json!(null)).await;
    let product = products["products"][0]["id"].as_str().unwrap().to_owned();
    let pick = |v: Value, list: &str| v[list][0]["id"].as_str().unwrap().to_owned();
    let region = pick(b_admin.ok(Method::GET, "/admin/regions", json!(null)).await, "regions");
    let collection = pick(
        b_admin.ok(Method::GET, "/admin/collections", json!(null)).await,
        "collections",
    );
    let location = pick(
        b_admin.ok(Method::GET, "/admin/stock-locations", json!(null)).await,
        "stock_locations",
    );
    let category = b_admin
        .ok(Method::POST, "/admin/product-categories", json!({"name": "Tops"}))
        .await["product_category"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let promotion = b_admin
        .ok(
            Method::POST,
            "/admin/promotions",
            json!({"code": "B10", "application_method": {"type": "percentage", "target_type": "order", "value": 10}}),
        )
        .await;
    let campaign = b_admin
        .ok(
            Method::POST,
            "/admin/campaigns",
            json!({"name": "B", "campaign_identifier": "B"}),
        )
        .await;
    let price_list = b_admin
        .ok(Method::POST, "/admin/price-lists", json!({"title": "B sale"}))
        .await;
    let group = b_admin
        .ok(Method::POST, "/admin/customer-groups", json!({"name": "B VIP"}))
        .await;
    let ids = |path: &str| -> Vec<String> {
        let first = match path.split('/').nth(2).unwrap() {
            "price-lists" => price_list["price_list"]["id"].as_str().unwrap().to_owned(),
            "customer-groups" => group["customer_group"]["id"].as_str().unwrap().to_owned(),
            "promotions" => promotion["promotion"]["id"].as_str().unwrap().to_owned(),
            "campaigns" => campaign["campaign"]["id"].as_str().unwrap().to_owned(),
            "products" => product.clone(),
            "collections" => collection.clone(),
            "product-categories" => category.clone(),
            "regions" => region.clone(),
            "stock-locations" => location.clone(),
            "inventory-items" => variant.clone(),
            "orders" => order_id.clone(),
            "shipping-options" => option.clone(),
            "users" => user["user"]["id"].as_str().unwrap().to_owned(),
            "api-keys" => key["api_key"]["id"].as_str().unwrap().to_owned(),
            "catalog-sources" => source["catalog_source"]["id"].as_str().unwrap().to_owned(),
            "webhooks" => hook["webhook"]["id"].as_str().unwrap().to_owned(),
            other => panic!("no tenant-B id for /admin/{other}: add one to this test"),
        };
        let second = if path.contains("{variant_id}") {
            variant.clone()
        } else if path.contains("{location_id}") {
            location.clone()
        } else {
            product.clone()
        };
        vec![first, second]
    };
    let a_admin = Admin::of(&app, &a).await;
    let mut checked = 0;
    // Reads and deletes first answer 404; changes 404 (or 400 when the body is refused
    // before the lookup) — and B's data is intact afterwards.
    for pass in [Method::GET, Method::POST, Method::DELETE] {
        for (method, path) in routes("/admin").into_iter().filter(|(m, _)| *m == pass) {
            // Email templates are named by the platform, not ids: tests/it/email.rs checks
            // that B's template routes see and change only B's override.
            if !path.contains('{') || path.starts_with("/admin/secrets") || path.starts_with("/admin/email-templates") {
                continue;
            }
            let ids = ids(&path);
            let mut n = 0;
            let url: String = path
                .split('/')
                .map(|seg| {
                    if seg.starts_with('{') {
                        n += 1;
                        ids[n - 1].clone()
                    } else {
                        seg.to_owned()
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            let body = (method != Method::GET).then(|| json!({}));
            let (s, v) = a_admin.call(method.clone(), &url, body).await;
            let ok = s == StatusCode::NOT_FOUND || (method == Method::POST && s == StatusCode::BAD_REQUEST);
            assert!(ok, "A's admin on B's {method} {url}: {s} {v}");
            checked += 1;
        }
    }
    assert!(checked > 30, "{checked}");
    // The secret: A's view of secrets is its own.
    let secrets = a_admin.ok(Method::GET, "/admin/secrets", json!(null)).await;
    assert!(!secrets.to_string().contains("b-secret"));
    let p = b_admin
        .ok(Method::GET, &format!("/admin/products/{product}"), json!(null))
        .await;
    assert_eq!(p["product"]["title"], "Shirt", "B's product is unchanged");
    let o = b_admin
        .ok(Method::GET, &format!("/admin/orders/{order_id}"), json!(null))
        .await;
    assert_ne!(o["order"]["status"], "canceled");
    let (s, _) = app.store_get(&b, "/store/regions").await;
    assert_eq!(s, StatusCode::OK);
}
