//! The database layer: placements and their pools, the `TenantDb` / `PlatformDb`
//! handles, migrations, and the repositories (all SQL lives here).
//!
//! Isolation by construction (DESIGN.md section 3): tenant data is reached only through
//! a [`TenantDb`], built by the tenancy layer from a resolved tenant; each of its
//! transactions runs as the `coral_app` role (no BYPASSRLS) with `coral.tenant_id` set,
//! so row level security scopes every statement even if a `WHERE` is forgotten.

pub mod addresses;
pub mod api_keys;
pub mod audit;
pub mod campaigns;
pub mod carts;
pub mod catalog;
pub mod catalog_sources;
pub mod citus;
#[cfg(test)]
mod citus_shapes;
pub mod currencies;
pub mod customer_groups;
pub mod customers;
pub mod email;
mod errors;
pub mod health;
pub mod inventory;
pub mod jobs;
pub mod managed_pg;
pub mod migrate;
pub mod orders;
pub mod payments;
pub mod placements;
pub mod plans;
pub mod price_lists;
pub mod promotions;
pub mod refs;
pub mod regions;
pub mod secrets;
pub mod shipping;
pub mod staff;
pub mod tenants;
pub mod usage;
pub mod values;
pub mod webhooks;

mod control;
mod handles;

pub use control::{OwnRecordChange, StoreControl};
pub use handles::{CrossTenantTx, PlatformDb, PlatformRead, PlatformTx, TenantDb, TenantTx};
pub use placements::{Database, SHARED_PLACEMENT};
