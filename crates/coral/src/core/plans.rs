//! Plans and their limits, and the per-tenant overrides layered over them. Pure data and
//! rules: the directory computes each tenant's effective limits and features from these.
//!
//! Layering (DESIGN.md section 4): platform default < plan < tenant override. A limit
//! that is absent (`null`) is unlimited.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use crate::core::{Error, Result};

/// What a plan allows. `None` is unlimited.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Storefront (`/store`) requests per second, sustained.
    pub store_rps: Option<u32>,
    /// Storefront requests allowed at once above the sustained rate (default: `store_rps`).
    pub store_burst: Option<u32>,
    /// Admin (`/admin`) requests per second, sustained.
    pub admin_rps: Option<u32>,
    /// Admin requests allowed at once (default: `admin_rps`).
    pub admin_burst: Option<u32>,
    pub max_products: Option<u64>,
    pub max_staff: Option<u64>,
    pub max_publishable_keys: Option<u64>,
    /// Reported in usage; not enforced on writes yet.
    pub max_storage_bytes: Option<u64>,
    /// Background jobs (webhook deliveries) of the store running at once.
    pub max_concurrent_jobs: Option<u32>,
}

/// A tenant's override of some limits: a field present replaces the plan's value, and an
/// explicit `null` makes it unlimited.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct LimitOverrides {
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<u32>)]
    pub store_rps: Option<Option<u32>>,
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<u32>)]
    pub store_burst: Option<Option<u32>>,
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<u32>)]
    pub admin_rps: Option<Option<u32>>,
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<u32>)]
    pub admin_burst: Option<Option<u32>>,
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<u64>)]
    pub max_products: Option<Option<u64>>,
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<u64>)]
    pub max_staff: Option<Option<u64>>,
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<u64>)]
    pub max_publishable_keys: Option<Option<u64>>,
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<u64>)]
    pub max_storage_bytes: Option<Option<u64>>,
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<u32>)]
    pub max_concurrent_jobs: Option<Option<u32>>,
}

/// Tells a field given as `null` (`Some(None)`) from a field left out (`None`, by `default`).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// What the operator set for one tenant over its plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Overrides {
    pub limits: LimitOverrides,
    /// Feature flags that win over the plan's.
    pub features: BTreeMap<String, bool>,
}

/// A named plan: limits and feature flags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Plan {
    pub id: String,
    pub name: String,
    pub limits: Limits,
    pub features: BTreeMap<String, bool>,
}

impl Limits {
    /// This plan's limits with a tenant's overrides applied.
    pub fn with(&self, o: &LimitOverrides) -> Limits {
        let pick = |over: Option<Option<u32>>, base: Option<u32>| over.unwrap_or(base);
        let pick64 = |over: Option<Option<u64>>, base: Option<u64>| over.unwrap_or(base);
        Limits {
            store_rps: pick(o.store_rps, self.store_rps),
            store_burst: pick(o.store_burst, self.store_burst),
            admin_rps: pick(o.admin_rps, self.admin_rps),
            admin_burst: pick(o.admin_burst, self.admin_burst),
            max_products: pick64(o.max_products, self.max_products),
            max_staff: pick64(o.max_staff, self.max_staff),
            max_publishable_keys: pick64(o.max_publishable_keys, self.max_publishable_keys),
            max_storage_bytes: pick64(o.max_storage_bytes, self.max_storage_bytes),
            max_concurrent_jobs: pick(o.max_concurrent_jobs, self.max_concurrent_jobs),
        }
    }

    /// Rates must be at least 1 per second (0 would lock the store out: suspend it instead).
    pub fn validate(self) -> Result<Self> {
        check_rates(&[
            ("store_rps", self.store_rps),
            ("store_burst", self.store_burst),
            ("admin_rps", self.admin_rps),
            ("admin_burst", self.admin_burst),
            ("max_concurrent_jobs", self.max_concurrent_jobs),
        ])?;
        Ok(self)
    }
}

impl LimitOverrides {
    pub fn validate(self) -> Result<Self> {
        check_rates(&[
            ("store_rps", self.store_rps.flatten()),
            ("store_burst", self.store_burst.flatten()),
            ("admin_rps", self.admin_rps.flatten()),
            ("admin_burst", self.admin_burst.flatten()),
            ("max_concurrent_jobs", self.max_concurrent_jobs.flatten()),
        ])?;
        Ok(self)
    }
}

fn check_rates(rates: &[(&str, Option<u32>)]) -> Result<()> {
    match rates.iter().find(|(_, v)| *v == Some(0)) {
        Some((name, _)) => Err(Error::invalid(format!(
            "Invalid request: '{name}' must be at least 1 (leave it null for no limit)"
        ))),
        None => Ok(()),
    }
}

/// Plan ids are short lowercase names (`free`, `standard`, `enterprise-eu`).
pub fn check_plan_id(id: &str) -> Result<String> {
    let ok = (1..=40).contains(&id.len())
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok {
        Ok(id.to_owned())
    } else {
        Err(Error::invalid(format!(
            "Invalid plan id '{id}': use 1 to 40 lowercase letters, digits, '-' or '_'"
        )))
    }
}

/// Feature flag names: lowercase words joined by `_`, `-` or `.`.
pub fn check_feature_names<'a>(names: impl IntoIterator<Item = &'a String>) -> Result<()> {
    for n in names {
        let ok = (1..=64).contains(&n.len())
            && n.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-.".contains(&b));
        if !ok {
            return Err(Error::invalid(format!(
                "Invalid feature flag '{n}': use lowercase letters, digits, '_', '-' or '.'"
            )));
        }
    }
    Ok(())
}

/// Effective feature flags: platform defaults, then the plan's, then the tenant's overrides.
pub fn layer_features(
    defaults: &BTreeMap<String, bool>,
    plan: &BTreeMap<String, bool>,
    overrides: &BTreeMap<String, bool>,
) -> BTreeMap<String, bool> {
    let mut out = defaults.clone();
    out.extend(plan.iter().map(|(k, v)| (k.clone(), *v)));
    out.extend(overrides.iter().map(|(k, v)| (k.clone(), *v)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_replace_and_null_means_unlimited() {
        let plan = Limits {
            store_rps: Some(10),
            max_products: Some(100),
            max_staff: Some(2),
            ..Default::default()
        };
        let o: LimitOverrides = serde_json::from_str(r#"{"store_rps": 50, "max_products": null}"#).unwrap();
        let eff = plan.with(&o);
        assert_eq!(eff.store_rps, Some(50));
        assert_eq!(eff.max_products, None, "explicit null lifts the limit");
        assert_eq!(eff.max_staff, Some(2), "absent keeps the plan's");
        assert_eq!(
            serde_json::to_value(&o).unwrap(),
            serde_json::json!({"store_rps": 50, "max_products": null})
        );
    }

    #[test]
    fn features_layer_in_order() {
        let m = |pairs: &[(&str, bool)]| pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        let eff = layer_features(
            &m(&[("a", true), ("b", true), ("c", false)]),
            &m(&[("b", false), ("c", true)]),
            &m(&[("c", false), ("d", true)]),
        );
        assert_eq!(eff, m(&[("a", true), ("b", false), ("c", false), ("d", true)]));
    }

    #[test]
    fn zero_rates_and_bad_names_are_refused() {
        assert!(Limits {
            store_rps: Some(0),
            ..Default::default()
        }
        .validate()
        .is_err());
        assert!(check_plan_id("Free").is_err());
        assert!(check_plan_id("free-2").is_ok());
        assert!(check_feature_names(&["Bad Flag".to_owned()]).is_err());
    }
}
