//! Pure building blocks with no I/O: ids, the error enum, validated newtypes.
pub mod email;
pub mod error;
pub mod events;
pub mod ids;
pub mod names;
pub mod plans;
pub mod roles;
pub mod settings;
pub mod webhooks;

pub use error::{Error, RateLimited, Result};
