//! Checkout: carts and their totals, shipping options, payment collections and
//! providers (system, NMI), the re-check of everything a cart depends on
//! (`revalidate`), and completion into an order.

pub mod carts;
pub mod complete;
pub mod payments;
pub mod providers;
pub mod revalidate;
pub mod shipping;
pub mod sold;
/// The totals rules live in `core::totals` (pure, no I/O); re-exported here so the
/// renderers' `app::checkout::totals` imports keep working while http moves to `core`.
pub use crate::core::totals;

/// A postal address as carts and orders store it.
pub use crate::db::addresses::AddressDocument;
