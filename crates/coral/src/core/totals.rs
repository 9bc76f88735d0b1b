//! Cart and order totals, computed exactly with decimals: pure rules, no I/O (the cart
//! and order use cases in `app` call them).
//!
//! Prices are tax-exclusive. A line's discount (its promotion adjustments) comes off its
//! subtotal before tax: each line's tax is `(subtotal − discount) × rate / 100`, rounded to
//! the currency's minor unit (half away from zero), so that every total is an amount a
//! payment gateway can charge and the sum of the lines is the total. `subtotal` counts
//! items and shipping before discounts, as Medusa v2 does; `total = subtotal − discount +
//! tax`, and the `original_*` totals are what the lines would cost without any discount.

use rust_decimal::{Decimal, RoundingStrategy};

/// One priced line: an item (`quantity` units) or a shipping method (quantity 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line {
    pub unit_price: Decimal,
    pub quantity: i64,
    /// Percent, e.g. `20` for 20 %.
    pub tax_rate: Decimal,
    /// The line's promotion adjustments, in total (never more than its subtotal).
    pub discount: Decimal,
}

/// The totals of one line, in the currency's units.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LineTotals {
    pub subtotal: Decimal,
    pub tax_total: Decimal,
    pub total: Decimal,
    /// The adjustments (before tax).
    pub discount_subtotal: Decimal,
    /// The tax the discount saved.
    pub discount_tax_total: Decimal,
    /// `discount_subtotal + discount_tax_total`.
    pub discount_total: Decimal,
    /// Tax and total without the discount.
    pub original_tax_total: Decimal,
    pub original_total: Decimal,
}

/// The totals of a cart or order: items, shipping, and both (Medusa's names).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Totals {
    pub item_subtotal: Decimal,
    pub item_tax_total: Decimal,
    pub item_total: Decimal,
    pub item_discount_total: Decimal,
    pub original_item_tax_total: Decimal,
    pub original_item_total: Decimal,
    pub shipping_subtotal: Decimal,
    pub shipping_tax_total: Decimal,
    pub shipping_total: Decimal,
    pub shipping_discount_total: Decimal,
    pub original_shipping_tax_total: Decimal,
    pub original_shipping_total: Decimal,
    pub subtotal: Decimal,
    pub tax_total: Decimal,
    pub discount_total: Decimal,
    pub discount_subtotal: Decimal,
    pub discount_tax_total: Decimal,
    pub original_tax_total: Decimal,
    pub original_total: Decimal,
    pub total: Decimal,
}

/// `amount` rounded to `digits` minor digits, half away from zero.
pub fn round(amount: Decimal, digits: u32) -> Decimal {
    amount.round_dp_with_strategy(digits, RoundingStrategy::MidpointAwayFromZero)
}

impl Line {
    /// The line's totals, tax rounded to `decimal_digits` minor digits.
    pub fn totals(&self, decimal_digits: u32) -> LineTotals {
        let subtotal = self.unit_price * Decimal::from(self.quantity);
        let discount = self.discount.clamp(Decimal::ZERO, subtotal.max(Decimal::ZERO));
        let tax = |base: Decimal| round(base * self.tax_rate / Decimal::ONE_HUNDRED, decimal_digits);
        let tax_total = tax(subtotal - discount);
        let original_tax_total = tax(subtotal);
        let discount_tax_total = original_tax_total - tax_total;
        LineTotals {
            subtotal,
            tax_total,
            total: subtotal - discount + tax_total,
            discount_subtotal: discount,
            discount_tax_total,
            discount_total: discount + discount_tax_total,
            original_tax_total,
            original_total: subtotal + original_tax_total,
        }
    }
}

fn sum(lines: &[Line], digits: u32) -> LineTotals {
    lines.iter().fold(LineTotals::default(), |acc, l| {
        let t = l.totals(digits);
        LineTotals {
            subtotal: acc.subtotal + t.subtotal,
            tax_total: acc.tax_total + t.tax_total,
            total: acc.total + t.total,
            discount_subtotal: acc.discount_subtotal + t.discount_subtotal,
            discount_tax_total: acc.discount_tax_total + t.discount_tax_total,
            discount_total: acc.discount_total + t.discount_total,
            original_tax_total: acc.original_tax_total + t.original_tax_total,
            original_total: acc.original_total + t.original_total,
        }
    })
}

/// Totals of a cart or order with `items` and `shipping` lines in a currency with
/// `decimal_digits` minor digits.
pub fn totals(items: &[Line], shipping: &[Line], decimal_digits: u32) -> Totals {
    let i = sum(items, decimal_digits);
    let s = sum(shipping, decimal_digits);
    Totals {
        item_subtotal: i.subtotal,
        item_tax_total: i.tax_total,
        item_total: i.total,
        item_discount_total: i.discount_total,
        original_item_tax_total: i.original_tax_total,
        original_item_total: i.original_total,
        shipping_subtotal: s.subtotal,
        shipping_tax_total: s.tax_total,
        shipping_total: s.total,
        shipping_discount_total: s.discount_total,
        original_shipping_tax_total: s.original_tax_total,
        original_shipping_total: s.original_total,
        subtotal: i.subtotal + s.subtotal,
        tax_total: i.tax_total + s.tax_total,
        discount_total: i.discount_total + s.discount_total,
        discount_subtotal: i.discount_subtotal + s.discount_subtotal,
        discount_tax_total: i.discount_tax_total + s.discount_tax_total,
        original_tax_total: i.original_tax_total + s.original_tax_total,
        original_total: i.original_total + s.original_total,
        total: i.total + s.total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn line(price: &str, q: i64, rate: &str) -> Line {
        Line {
            unit_price: d(price),
            quantity: q,
            tax_rate: d(rate),
            discount: Decimal::ZERO,
        }
    }

    #[test]
    fn the_samples_checkout_adds_up() {
        // checkout-5: one item at 20.99, shipping 10, no tax.
        let t = totals(&[line("20.99", 1, "0")], &[line("10", 1, "0")], 2);
        assert_eq!(t.item_total, d("20.99"));
        assert_eq!(t.shipping_total, d("10"));
        assert_eq!(t.subtotal, d("30.99"));
        assert_eq!(t.total, d("30.99"));
        assert_eq!(t.tax_total, Decimal::ZERO);
    }

    #[test]
    fn tax_is_rounded_per_line_to_the_minor_unit() {
        // 3 × 19.99 = 59.97; 20 % = 11.994 → 11.99. Shipping 4.95 at 20 % = 0.99.
        let t = totals(
            &[line("19.99", 3, "20"), line("0.05", 1, "10")],
            &[line("4.95", 1, "20")],
            2,
        );
        assert_eq!(t.item_subtotal, d("60.02"));
        assert_eq!(t.item_tax_total, d("11.99") + d("0.01")); // 0.005 rounds away from zero
        assert_eq!(t.shipping_tax_total, d("0.99"));
        assert_eq!(t.subtotal, d("64.97"));
        assert_eq!(t.tax_total, d("12.99"));
        assert_eq!(t.total, d("77.96"));
    }

    #[test]
    fn zero_decimal_currencies_round_to_units() {
        let t = totals(&[line("1250", 1, "8")], &[], 0);
        assert_eq!(t.tax_total, d("100"));
        let t = totals(&[line("1255", 1, "10")], &[], 0);
        assert_eq!(t.tax_total, d("126")); // 125.5 → 126
    }

    #[test]
    fn tax_is_on_the_discounted_amount_and_totals_add_up() {
        // 2 × 11.99 with 2.40 off at 20 %: tax on 21.58 = 4.316 → 4.32 (4.80 without).
        let mut l = line("11.99", 2, "20");
        l.discount = d("2.40");
        let t = totals(&[l], &[line("10", 1, "20")], 2);
        assert_eq!(t.item_tax_total, d("4.32"));
        assert_eq!(t.original_item_tax_total, d("4.80"));
        assert_eq!(t.discount_subtotal, d("2.40"));
        assert_eq!(t.discount_tax_total, d("0.48"));
        assert_eq!(t.discount_total, d("2.88"));
        assert_eq!(t.total, d("23.98") - d("2.40") + d("4.32") + d("12"));
        assert_eq!(t.original_total - t.discount_total, t.total);
    }

    #[test]
    fn a_discount_never_takes_a_line_below_zero() {
        let mut l = line("5", 1, "10");
        l.discount = d("8");
        let t = l.totals(2);
        assert_eq!(t.total, Decimal::ZERO);
        assert_eq!(t.discount_subtotal, d("5"));
    }
}
