//! `/admin/*`: a tenant's staff. The tenant is always the token's.

pub mod api_keys;
pub mod audit_log;
pub mod catalog_sources;
pub mod email;
pub mod inventory_items;
pub mod orders;
pub mod price_lists;
pub mod products;
pub mod promotions;
pub mod regions;
pub mod secrets;
pub mod shipping;
pub mod stock_locations;
pub mod stores;
pub mod taxonomy;
pub mod usage;
pub mod users;
pub mod webhooks;
