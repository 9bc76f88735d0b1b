//! `/platform/*`: the platform operator (bearer `CORAL_PLATFORM_TOKEN`), cross-tenant.

pub mod placements;
pub mod plans;
pub mod tenants;
