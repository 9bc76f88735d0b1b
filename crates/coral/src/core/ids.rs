//! Medusa-style prefixed ULIDs (`prod_01H…`), one newtype per entity that has rules.

use std::fmt;

/// Generates a new id with the given prefix, e.g. `new_id("reg")` → `reg_01J…`.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", ulid::Ulid::new())
}

/// Whether `s` looks like an id with `prefix` (prefix, underscore, 26 ULID chars).
pub fn has_id_shape(s: &str, prefix: &str) -> bool {
    s.strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('_'))
        .is_some_and(|u| u.len() == 26 && u.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// A tenant's id (`ten_…`). Parsed at the edge; an invalid one cannot exist past it.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct TenantId(String);

impl TenantId {
    pub const PREFIX: &'static str = "ten";

    pub fn generate() -> Self {
        Self(new_id(Self::PREFIX))
    }

    /// Accepts only the `ten_<ulid>` shape.
    pub fn parse(s: &str) -> Option<Self> {
        has_id_shape(s, Self::PREFIX).then(|| Self(s.to_owned()))
    }

    /// For values read back from our own database, which only ever holds valid ids.
    pub(crate) fn from_trusted(s: String) -> Self {
        Self(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_have_the_shape_they_are_parsed_with() {
        let id = new_id("prod");
        assert!(has_id_shape(&id, "prod"));
        assert!(!has_id_shape(&id, "pro"));
        assert!(TenantId::parse(TenantId::generate().as_str()).is_some());
        assert!(TenantId::parse("ten_short").is_none());
        assert!(TenantId::parse("acme").is_none());
    }
}
