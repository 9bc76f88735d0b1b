//! Pure building blocks with no I/O: ids, the error enum, validated newtypes, and pure
//! domain rules (cart and order totals).
pub mod address;
pub mod email;
pub mod error;
pub mod events;
pub mod ids;
pub mod metadata;
pub mod names;
pub mod plans;
pub mod roles;
pub mod settings;
pub mod totals;
pub mod webhooks;

pub use error::{Error, RateLimited, Result};
