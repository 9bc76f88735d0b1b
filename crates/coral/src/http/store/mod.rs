//! `/store/*`: the Medusa v2 Store API, scoped to the resolved tenant.

pub mod cart_promotions;
pub mod carts;
pub mod catalog;
pub mod currencies;
pub mod customers;
pub mod orders;
pub mod payments;
pub mod products;
pub mod regions;
pub mod tenant;
pub mod variants;
