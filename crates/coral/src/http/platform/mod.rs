//! `/platform/*`: the platform operator (bearer `CORAL_PLATFORM_TOKEN`), cross-tenant.

pub mod audit_log;
pub mod jobs;
pub mod placements;
pub mod plans;
pub mod tenants;
