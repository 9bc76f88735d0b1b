//! Checkout: carts and their totals, shipping options, payment collections and
//! providers (system, NMI), and completion into an order.

pub mod carts;
pub mod complete;
pub mod nmi;
pub mod payments;
pub mod providers;
pub mod shipping;
pub mod totals;
