//! What discounts a cart carries: the promotions applied to it and the adjustments they
//! make on its lines, in the shape the JSON layer renders (Medusa's `promotions[]`,
//! `items[].adjustments[]`, `shipping_methods[].adjustments[]`).
//!
//! Coral computes none yet: `Discounts::none` is what every cart carries until the
//! promotion engine fills these in (see docs/architecture.md, "Storefront parity").

use rust_decimal::Decimal;

/// A promotion applied to a cart (Medusa's cart `promotions[]` default fields).
#[derive(Debug, Clone, PartialEq)]
pub struct AppliedPromotion {
    pub id: String,
    pub code: Option<String>,
    pub is_automatic: bool,
    pub is_tax_inclusive: bool,
    /// `application_method.type`: `percentage` or `fixed`.
    pub method_type: String,
    /// `application_method.value`.
    pub value: Decimal,
    /// `application_method.currency_code` (fixed amounts only).
    pub currency_code: Option<String>,
}

/// One line's discount by one promotion.
#[derive(Debug, Clone, PartialEq)]
pub struct Adjustment {
    pub id: String,
    pub code: Option<String>,
    pub promotion_id: String,
    pub amount: Decimal,
    pub is_tax_inclusive: bool,
}

/// The discounts of one cart: promotions, and adjustments per item and per shipping
/// method (parallel to the cart's `items` and `shipping_methods`; missing = none).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Discounts {
    pub promotions: Vec<AppliedPromotion>,
    pub items: Vec<Vec<Adjustment>>,
    pub shipping_methods: Vec<Vec<Adjustment>>,
}

impl Discounts {
    /// No promotion applied (what every cart has until promotions are built).
    pub fn none() -> Self {
        Self::default()
    }

    /// The adjustments of item `i` (empty when there are none).
    pub fn item(&self, i: usize) -> &[Adjustment] {
        self.items.get(i).map_or(&[], Vec::as_slice)
    }

    /// The adjustments of shipping method `i`.
    pub fn shipping_method(&self, i: usize) -> &[Adjustment] {
        self.shipping_methods.get(i).map_or(&[], Vec::as_slice)
    }
}
