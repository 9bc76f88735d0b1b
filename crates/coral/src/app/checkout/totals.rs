//! Cart and order totals, computed exactly with decimals.
//!
//! Prices are tax-exclusive. Each line's tax is `subtotal × rate / 100`, rounded to the
//! currency's minor unit (half away from zero), so that every total is an amount a
//! payment gateway can charge and the sum of the lines is the total. `subtotal` counts
//! items and shipping, as Medusa v2 does; `total = subtotal + tax_total − discount_total`.

use rust_decimal::{Decimal, RoundingStrategy};

/// One priced line: an item (`quantity` units) or a shipping method (quantity 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line {
    pub unit_price: Decimal,
    pub quantity: i64,
    /// Percent, e.g. `20` for 20 %.
    pub tax_rate: Decimal,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LineTotals {
    pub subtotal: Decimal,
    pub tax_total: Decimal,
    pub total: Decimal,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Totals {
    pub item_subtotal: Decimal,
    pub item_tax_total: Decimal,
    pub item_total: Decimal,
    pub shipping_subtotal: Decimal,
    pub shipping_tax_total: Decimal,
    pub shipping_total: Decimal,
    pub subtotal: Decimal,
    pub tax_total: Decimal,
    pub discount_total: Decimal,
    pub total: Decimal,
}

impl Line {
    pub fn totals(&self, decimal_digits: u32) -> LineTotals {
        let subtotal = self.unit_price * Decimal::from(self.quantity);
        let tax_total = (subtotal * self.tax_rate / Decimal::ONE_HUNDRED)
            .round_dp_with_strategy(decimal_digits, RoundingStrategy::MidpointAwayFromZero);
        LineTotals {
            subtotal,
            tax_total,
            total: subtotal + tax_total,
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
        shipping_subtotal: s.subtotal,
        shipping_tax_total: s.tax_total,
        shipping_total: s.total,
        subtotal: i.subtotal + s.subtotal,
        tax_total: i.tax_total + s.tax_total,
        discount_total: Decimal::ZERO,
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
}
