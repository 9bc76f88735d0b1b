//! Promotions as Medusa v2 models them: `standard` and `buyget` promotions with rules,
//! campaigns with dates and budgets, what they take off a cart (`compute`, pure), the
//! codes on a cart and what completion counts (`cart`), and the admin use cases.

pub mod admin;
pub mod campaigns;
pub mod cart;
pub mod compute;
pub mod rules;

/// Promotions, their rules and campaigns as the promotion use cases answer them, and what
/// a promotion takes off a cart.
pub use crate::db::campaigns::CampaignRow;
pub use crate::db::promotions::{Adjustment, PromotionRow, Rule};
