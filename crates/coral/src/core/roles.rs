//! Staff roles and what each may do: the one role → permission table of Coral. Which
//! permission each `/admin` route needs is declared on the route itself (its
//! `x-coral-permission` OpenAPI extension, read by `http::permissions`).

use std::fmt;

/// What an admin route needs. `Authenticated` is any active staff member of the tenant
/// (their own profile); every other permission must be granted by the user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    Authenticated,
    CatalogRead,
    CatalogWrite,
    InventoryRead,
    InventoryWrite,
    OrdersRead,
    OrdersWrite,
    SettingsRead,
    SettingsWrite,
    StaffRead,
    StaffWrite,
    AuditRead,
    PromotionsRead,
    PromotionsWrite,
    CustomersRead,
    CustomersWrite,
}

impl Permission {
    pub const ALL: [Permission; 16] = [
        Self::Authenticated,
        Self::CatalogRead,
        Self::CatalogWrite,
        Self::InventoryRead,
        Self::InventoryWrite,
        Self::OrdersRead,
        Self::OrdersWrite,
        Self::SettingsRead,
        Self::SettingsWrite,
        Self::StaffRead,
        Self::StaffWrite,
        Self::AuditRead,
        Self::PromotionsRead,
        Self::PromotionsWrite,
        Self::CustomersRead,
        Self::CustomersWrite,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Authenticated => "authenticated",
            Self::CatalogRead => "catalog:read",
            Self::CatalogWrite => "catalog:write",
            Self::InventoryRead => "inventory:read",
            Self::InventoryWrite => "inventory:write",
            Self::OrdersRead => "orders:read",
            Self::OrdersWrite => "orders:write",
            Self::SettingsRead => "settings:read",
            Self::SettingsWrite => "settings:write",
            Self::StaffRead => "staff:read",
            Self::StaffWrite => "staff:write",
            Self::AuditRead => "audit:read",
            Self::PromotionsRead => "promotions:read",
            Self::PromotionsWrite => "promotions:write",
            Self::CustomersRead => "customers:read",
            Self::CustomersWrite => "customers:write",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    fn is_read(self) -> bool {
        self.as_str().ends_with(":read")
    }
}

/// A permission is written as its name (`"catalog:write"`), e.g. in the OpenAPI document.
impl serde::Serialize for Permission {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A staff user's role (`staff_users.role`, checked by the database too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Everything in its own tenant.
    TenantAdmin,
    /// Catalog (products, taxonomy, regions and prices, master catalog), inventory, and
    /// merchandising: promotions, campaigns, price lists (reads customer groups).
    CatalogManager,
    /// Orders and their payments and fulfilments, customers and their groups; reads the
    /// catalog, stock and promotions.
    OrderOps,
    /// Reads everything; changes nothing.
    Viewer,
    /// The platform's operators: act through `/platform` (nothing in `/admin` but their
    /// own profile). Only the platform can create one; a tenant admin can neither grant
    /// nor change this role.
    PlatformAdmin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Self::TenantAdmin,
        Self::CatalogManager,
        Self::OrderOps,
        Self::Viewer,
        Self::PlatformAdmin,
    ];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::TenantAdmin => "tenant_admin",
            Self::CatalogManager => "catalog_manager",
            Self::OrderOps => "order_ops",
            Self::Viewer => "viewer",
            Self::PlatformAdmin => "platform_admin",
        }
    }

    /// Roles a tenant admin may give its staff through `/admin/users`.
    pub fn parse_assignable(s: &str) -> crate::core::Result<Self> {
        match Self::parse(s) {
            Some(r) if r != Self::PlatformAdmin => Ok(r),
            _ => Err(crate::core::Error::invalid(format!(
                "Invalid role '{s}': use tenant_admin, catalog_manager, order_ops or viewer"
            ))),
        }
    }

    /// The role → permission table.
    pub fn allows(self, p: Permission) -> bool {
        use Permission::*;
        if p == Authenticated {
            return true;
        }
        match self {
            Self::TenantAdmin => true,
            Self::CatalogManager => matches!(
                p,
                CatalogRead
                    | CatalogWrite
                    | InventoryRead
                    | InventoryWrite
                    | PromotionsRead
                    | PromotionsWrite
                    | CustomersRead
            ),
            Self::OrderOps => matches!(
                p,
                OrdersRead
                    | OrdersWrite
                    | CatalogRead
                    | InventoryRead
                    | CustomersRead
                    | CustomersWrite
                    | PromotionsRead
            ),
            Self::Viewer => p.is_read(),
            Self::PlatformAdmin => false,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_platform_admin_is_not_assignable() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert!(Role::parse_assignable("platform_admin").is_err());
        assert!(Role::parse_assignable("root").is_err());
        assert_eq!(Role::parse_assignable("viewer").unwrap(), Role::Viewer);
    }

    #[test]
    fn the_viewer_reads_and_never_writes() {
        for p in Permission::ALL {
            assert_eq!(
                Role::Viewer.allows(p),
                p.is_read() || p == Permission::Authenticated,
                "{p}"
            );
            assert!(Role::TenantAdmin.allows(p));
        }
        assert!(!Role::CatalogManager.allows(Permission::OrdersRead));
        assert!(!Role::OrderOps.allows(Permission::CatalogWrite));
        assert!(!Role::PlatformAdmin.allows(Permission::CatalogRead));
    }
}
