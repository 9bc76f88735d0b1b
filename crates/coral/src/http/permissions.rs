//! What every `/admin` and `/platform` route needs, in one table: the permission an admin
//! route requires (checked by the `Staff` extractor against the role → permission table
//! of `core::roles`) and, for a route that changes something, the action its audit record
//! names. A route missing here is refused (403); `tests/it/roles.rs` walks the OpenAPI
//! document and fails if any admin route is missing.

use crate::core::roles::Permission::{self, *};

/// One route: method, axum path template, permission, and audited action (writes only).
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub method: &'static str,
    pub path: &'static str,
    pub permission: Permission,
    pub action: Option<&'static str>,
}

const fn read(method: &'static str, path: &'static str, permission: Permission) -> Rule {
    Rule {
        method,
        path,
        permission,
        action: None,
    }
}

const fn write(method: &'static str, path: &'static str, permission: Permission, action: &'static str) -> Rule {
    Rule {
        method,
        path,
        permission,
        action: Some(action),
    }
}

/// `/platform` routes need the platform token or a `platform_admin`; the permission
/// column is unused for them.
const fn platform(method: &'static str, path: &'static str, action: Option<&'static str>) -> Rule {
    Rule {
        method,
        path,
        permission: Authenticated,
        action,
    }
}

pub const RULES: &[Rule] = &[
    // own profile, staff
    read("GET", "/admin/users/me", Authenticated),
    read("GET", "/admin/users", StaffRead),
    write("POST", "/admin/users", StaffWrite, "user.create"),
    read("GET", "/admin/users/{id}", StaffRead),
    write("POST", "/admin/users/{id}", StaffWrite, "user.update"),
    write("DELETE", "/admin/users/{id}", StaffWrite, "user.deactivate"),
    // store settings, keys, secrets, usage, audit
    read("GET", "/admin/stores", SettingsRead),
    write("POST", "/admin/stores", SettingsWrite, "store.update"),
    read("GET", "/admin/api-keys", SettingsRead),
    write("POST", "/admin/api-keys", SettingsWrite, "api_key.create"),
    read("GET", "/admin/api-keys/{id}", SettingsRead),
    write("POST", "/admin/api-keys/{id}/revoke", SettingsWrite, "api_key.revoke"),
    read("GET", "/admin/secrets", SettingsRead),
    write("POST", "/admin/secrets/{name}", SettingsWrite, "secret.set"),
    write("DELETE", "/admin/secrets/{name}", SettingsWrite, "secret.delete"),
    read("GET", "/admin/shipping-options", SettingsRead),
    write(
        "POST",
        "/admin/shipping-options",
        SettingsWrite,
        "shipping_option.create",
    ),
    read("GET", "/admin/shipping-options/{id}", SettingsRead),
    write(
        "POST",
        "/admin/shipping-options/{id}",
        SettingsWrite,
        "shipping_option.update",
    ),
    write(
        "DELETE",
        "/admin/shipping-options/{id}",
        SettingsWrite,
        "shipping_option.delete",
    ),
    read("GET", "/admin/usage", SettingsRead),
    read("GET", "/admin/webhooks", SettingsRead),
    write("POST", "/admin/webhooks", SettingsWrite, "webhook.create"),
    read("GET", "/admin/webhooks/event-types", SettingsRead),
    read("GET", "/admin/webhooks/{id}", SettingsRead),
    write("POST", "/admin/webhooks/{id}", SettingsWrite, "webhook.update"),
    write("DELETE", "/admin/webhooks/{id}", SettingsWrite, "webhook.delete"),
    read("GET", "/admin/webhooks/{id}/deliveries", SettingsRead),
    write(
        "POST",
        "/admin/webhooks/{id}/deliveries/{delivery_id}/redeliver",
        SettingsWrite,
        "webhook.redeliver",
    ),
    read("GET", "/admin/email-settings", SettingsRead),
    write("POST", "/admin/email-settings", SettingsWrite, "email_settings.update"),
    read("GET", "/admin/email-templates/{name}", SettingsRead),
    write(
        "POST",
        "/admin/email-templates/{name}",
        SettingsWrite,
        "email_template.update",
    ),
    write(
        "DELETE",
        "/admin/email-templates/{name}",
        SettingsWrite,
        "email_template.delete",
    ),
    // Changes nothing, but every POST is named in the audit trail.
    write(
        "POST",
        "/admin/email-templates/{name}/preview",
        SettingsRead,
        "email_template.preview",
    ),
    read("GET", "/admin/audit-log", AuditRead),
    // catalog
    read("GET", "/admin/products", CatalogRead),
    write("POST", "/admin/products", CatalogWrite, "product.create"),
    write("POST", "/admin/products/batch", CatalogWrite, "product.batch"),
    read("GET", "/admin/products/{id}", CatalogRead),
    write("POST", "/admin/products/{id}", CatalogWrite, "product.update"),
    write("DELETE", "/admin/products/{id}", CatalogWrite, "product.delete"),
    write("POST", "/admin/products/{id}/variants", CatalogWrite, "variant.create"),
    write(
        "POST",
        "/admin/products/{id}/variants/{variant_id}",
        CatalogWrite,
        "variant.update",
    ),
    write(
        "DELETE",
        "/admin/products/{id}/variants/{variant_id}",
        CatalogWrite,
        "variant.delete",
    ),
    read("GET", "/admin/collections", CatalogRead),
    write("POST", "/admin/collections", CatalogWrite, "collection.create"),
    read("GET", "/admin/collections/{id}", CatalogRead),
    write("POST", "/admin/collections/{id}", CatalogWrite, "collection.update"),
    write("DELETE", "/admin/collections/{id}", CatalogWrite, "collection.delete"),
    read("GET", "/admin/product-categories", CatalogRead),
    write("POST", "/admin/product-categories", CatalogWrite, "category.create"),
    read("GET", "/admin/product-categories/{id}", CatalogRead),
    write(
        "POST",
        "/admin/product-categories/{id}",
        CatalogWrite,
        "category.update",
    ),
    write(
        "DELETE",
        "/admin/product-categories/{id}",
        CatalogWrite,
        "category.delete",
    ),
    read("GET", "/admin/product-tags", CatalogRead),
    write("POST", "/admin/product-tags", CatalogWrite, "tag.create"),
    read("GET", "/admin/product-types", CatalogRead),
    write("POST", "/admin/product-types", CatalogWrite, "type.create"),
    read("GET", "/admin/regions", CatalogRead),
    write("POST", "/admin/regions", CatalogWrite, "region.create"),
    read("GET", "/admin/regions/{id}", CatalogRead),
    write("POST", "/admin/regions/{id}", CatalogWrite, "region.update"),
    write("DELETE", "/admin/regions/{id}", CatalogWrite, "region.delete"),
    read("GET", "/admin/catalog-sources", CatalogRead),
    write("POST", "/admin/catalog-sources", CatalogWrite, "catalog_source.create"),
    read("GET", "/admin/catalog-sources/{id}", CatalogRead),
    write(
        "DELETE",
        "/admin/catalog-sources/{id}",
        CatalogWrite,
        "catalog_source.delete",
    ),
    write(
        "POST",
        "/admin/catalog-sources/{id}/grants",
        CatalogWrite,
        "catalog_source.grant",
    ),
    write(
        "DELETE",
        "/admin/catalog-sources/{id}/grants/{store}",
        CatalogWrite,
        "catalog_source.revoke",
    ),
    read("GET", "/admin/catalog-sources/{id}/products", CatalogRead),
    read("GET", "/admin/catalog-sources/{id}/subscriptions", CatalogRead),
    write(
        "POST",
        "/admin/catalog-sources/{id}/subscriptions",
        CatalogWrite,
        "catalog_subscription.create",
    ),
    write(
        "DELETE",
        "/admin/catalog-sources/{id}/subscriptions/{product_id}",
        CatalogWrite,
        "catalog_subscription.delete",
    ),
    // inventory
    read("GET", "/admin/stock-locations", InventoryRead),
    write(
        "POST",
        "/admin/stock-locations",
        InventoryWrite,
        "stock_location.create",
    ),
    read("GET", "/admin/stock-locations/{id}", InventoryRead),
    write(
        "POST",
        "/admin/stock-locations/{id}",
        InventoryWrite,
        "stock_location.update",
    ),
    write(
        "DELETE",
        "/admin/stock-locations/{id}",
        InventoryWrite,
        "stock_location.delete",
    ),
    read("GET", "/admin/inventory-items", InventoryRead),
    read("GET", "/admin/inventory-items/{id}", InventoryRead),
    read("GET", "/admin/inventory-items/{id}/location-levels", InventoryRead),
    write(
        "POST",
        "/admin/inventory-items/{id}/location-levels",
        InventoryWrite,
        "inventory_level.create",
    ),
    write(
        "POST",
        "/admin/inventory-items/{id}/location-levels/{location_id}",
        InventoryWrite,
        "inventory_level.update",
    ),
    write(
        "DELETE",
        "/admin/inventory-items/{id}/location-levels/{location_id}",
        InventoryWrite,
        "inventory_level.delete",
    ),
    // orders
    read("GET", "/admin/orders", OrdersRead),
    read("GET", "/admin/orders/{id}", OrdersRead),
    write("POST", "/admin/orders/{id}/capture", OrdersWrite, "order.capture"),
    write("POST", "/admin/orders/{id}/refund", OrdersWrite, "order.refund"),
    write("POST", "/admin/orders/{id}/fulfillments", OrdersWrite, "order.fulfill"),
    write("POST", "/admin/orders/{id}/cancel", OrdersWrite, "order.cancel"),
    // promotions, campaigns, price lists
    read("GET", "/admin/promotions", PromotionsRead),
    write("POST", "/admin/promotions", PromotionsWrite, "promotion.create"),
    read("GET", "/admin/promotions/{id}", PromotionsRead),
    write("POST", "/admin/promotions/{id}", PromotionsWrite, "promotion.update"),
    write("DELETE", "/admin/promotions/{id}", PromotionsWrite, "promotion.delete"),
    read("GET", "/admin/campaigns", PromotionsRead),
    write("POST", "/admin/campaigns", PromotionsWrite, "campaign.create"),
    read("GET", "/admin/campaigns/{id}", PromotionsRead),
    write("POST", "/admin/campaigns/{id}", PromotionsWrite, "campaign.update"),
    write("DELETE", "/admin/campaigns/{id}", PromotionsWrite, "campaign.delete"),
    read("GET", "/admin/price-lists", PromotionsRead),
    write("POST", "/admin/price-lists", PromotionsWrite, "price_list.create"),
    read("GET", "/admin/price-lists/{id}", PromotionsRead),
    write("POST", "/admin/price-lists/{id}", PromotionsWrite, "price_list.update"),
    write(
        "DELETE",
        "/admin/price-lists/{id}",
        PromotionsWrite,
        "price_list.delete",
    ),
    // customers
    read("GET", "/admin/customer-groups", CustomersRead),
    write(
        "POST",
        "/admin/customer-groups",
        CustomersWrite,
        "customer_group.create",
    ),
    read("GET", "/admin/customer-groups/{id}", CustomersRead),
    write(
        "POST",
        "/admin/customer-groups/{id}",
        CustomersWrite,
        "customer_group.update",
    ),
    write(
        "DELETE",
        "/admin/customer-groups/{id}",
        CustomersWrite,
        "customer_group.delete",
    ),
    write(
        "POST",
        "/admin/customer-groups/{id}/customers",
        CustomersWrite,
        "customer_group.members",
    ),
    // platform
    platform("POST", "/platform/tenants", Some("tenant.create")),
    platform("GET", "/platform/tenants", None),
    platform("GET", "/platform/tenants/{id}", None),
    platform("PATCH", "/platform/tenants/{id}", Some("tenant.update")),
    platform("DELETE", "/platform/tenants/{id}", Some("tenant.deactivate")),
    platform("POST", "/platform/tenants/{id}/suspend", Some("tenant.suspend")),
    platform("POST", "/platform/tenants/{id}/resume", Some("tenant.resume")),
    platform("GET", "/platform/tenants/{id}/usage", None),
    platform("GET", "/platform/plans", None),
    platform("POST", "/platform/plans", Some("plan.create")),
    platform("GET", "/platform/plans/{id}", None),
    platform("PATCH", "/platform/plans/{id}", Some("plan.update")),
    platform("POST", "/platform/placements", Some("placement.create")),
    platform("GET", "/platform/audit-log", None),
    platform("GET", "/platform/jobs", None),
];

/// The rule of a matched route, if it has one.
pub fn rule(method: &str, path: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.method == method && r.path == path)
}
