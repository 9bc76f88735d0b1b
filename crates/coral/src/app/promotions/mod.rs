//! Promotions as Medusa v2 models them: `standard` and `buyget` promotions with rules,
//! campaigns with dates and budgets, what they take off a cart (`compute`, pure), the
//! codes on a cart and what completion counts (`cart`), and the admin use cases.

pub mod admin;
pub mod campaigns;
pub mod cart;
pub mod compute;
pub mod rules;
