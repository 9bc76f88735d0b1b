//! `/store/*`: the Medusa v2 Store API, scoped to the resolved tenant.

pub mod catalog;
pub mod products;
pub mod regions;
pub mod tenant;
