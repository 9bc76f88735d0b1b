//! Money and measures on the wire, as Medusa writes them: a JSON number that is integral
//! when it has no fraction (`400`, not `400.0`), and a `raw_*` twin holding the exact
//! decimal as text.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use utoipa::ToSchema;

/// A decimal as a JSON number: an integer when it has no fraction, else the nearest
/// `f64` (Medusa shows `400` and `12.5`).
#[derive(Debug, Clone, Copy, PartialEq, ToSchema)]
#[schema(value_type = f64, example = 400)]
pub struct Amount(pub Decimal);

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let d = self.0.normalize();
        if d.fract().is_zero() {
            if let Some(i) = d.to_i64() {
                return s.serialize_i64(i);
            }
        }
        match d.to_f64() {
            Some(f) => s.serialize_f64(f),
            None => s.serialize_none(),
        }
    }
}

impl From<Decimal> for Amount {
    fn from(d: Decimal) -> Self {
        Amount(d)
    }
}

/// `Some(amount)` of an optional decimal (a dimension, a compare-at price).
pub fn opt(d: Option<Decimal>) -> Option<Amount> {
    d.map(Amount)
}

/// Medusa's `raw_*` amount: the exact decimal as a string, with BigNumber's precision.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RawAmount {
    /// The decimal, normalized (`"12.5"`).
    pub value: String,
    /// Always 20 (Medusa's BigNumber precision).
    pub precision: u32,
}

impl RawAmount {
    pub fn new(d: Decimal) -> Self {
        RawAmount {
            value: d.normalize().to_string(),
            precision: 20,
        }
    }
}
