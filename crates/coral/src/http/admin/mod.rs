//! `/admin/*`: a tenant's staff. The tenant is always the token's.

pub mod orders;
pub mod products;
pub mod shipping;
pub mod taxonomy;
pub mod users;
