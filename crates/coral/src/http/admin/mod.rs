//! `/admin/*`: a tenant's staff. The tenant is always the token's.

pub mod products;
pub mod taxonomy;
pub mod users;
