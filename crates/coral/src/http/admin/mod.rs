//! `/admin/*`: a tenant's staff. The tenant is always the token's.

pub mod users;
