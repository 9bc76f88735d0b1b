//! Regions: the storefront reads them, staff manage them (currency, countries with a tax
//! rate each, automatic taxes, payment providers). The catalog snapshot holds regions
//! (prices per region), so every write drops it.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value;

use crate::app::catalog::changed;
use crate::app::checkout::providers;
use crate::app::Services;
use crate::core::ids::new_id;
use crate::core::names::{parse_country, parse_currency};
use crate::core::{Error, Result};
use crate::db::regions::{self, RegionFields, DEFAULT_PAYMENT_PROVIDER};
use crate::db::tenants::{country_exists, currency_exists};
use crate::db::TenantTx;
use crate::tenancy::TenantCtx;

/// What the region use cases answer.
pub use crate::db::regions::RegionRow;

pub async fn list(ctx: &TenantCtx, limit: i64, offset: i64) -> Result<(Vec<RegionRow>, i64)> {
    let mut tx = ctx.db.begin().await?;
    let page = regions::list(&mut tx, limit, offset).await?;
    tx.commit().await?;
    Ok(page)
}

fn not_found(id: &str) -> Error {
    Error::not_found(format!("Region with id: {id} was not found"))
}

pub async fn get(ctx: &TenantCtx, id: &str) -> Result<RegionRow> {
    let mut tx = ctx.db.begin().await?;
    let region = regions::get(&mut tx, id).await?;
    tx.commit().await?;
    region.ok_or_else(|| not_found(id))
}

/// A region to create (`name`, `currency_code` required) or the fields to change.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegionIn {
    pub name: Option<String>,
    pub currency_code: Option<String>,
    /// ISO 3166-1 alpha-2 codes; replaces the region's countries.
    pub countries: Option<Vec<String>>,
    pub automatic_taxes: Option<bool>,
    /// Provider ids such as `pp_system_default` or `pp_nmi_nmi`; replaces the list.
    /// Default on create: `["pp_system_default"]`.
    pub payment_providers: Option<Vec<String>>,
    /// Tax rate in percent per country of the region, e.g. `{"fr": 20}`. Countries not
    /// named keep their rate (0 for new ones).
    #[schema(value_type = Option<BTreeMap<String, f64>>)]
    pub tax_rates: Option<BTreeMap<String, Decimal>>,
    #[serde(default, deserialize_with = "crate::core::metadata::object")]
    pub metadata: Option<Value>,
}

/// A provider id: `pp_` then lowercase letters, digits and `_`/`-`, naming a provider
/// Coral has (`checkout::providers`).
fn check_provider(id: &str) -> Result<String> {
    let ok = id.len() <= 100
        && id.strip_prefix("pp_").is_some_and(|rest| {
            !rest.is_empty()
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        });
    if ok {
        // A provider is a reference too: one Coral does not have is refused (404).
        providers::check_known(id)?;
        Ok(id.to_owned())
    } else {
        Err(Error::invalid(format!(
            "Invalid payment provider '{id}': use an id such as 'pp_system_default'"
        )))
    }
}

/// Merges `input` over `base` and checks every value against the reference data.
async fn merge(tx: &mut TenantTx, mut r: RegionFields, input: RegionIn) -> Result<RegionFields> {
    if let Some(name) = input.name {
        let name = name.trim();
        if name.is_empty() || name.len() > 200 {
            return Err(Error::invalid("Invalid request: 'name' must be 1 to 200 characters"));
        }
        r.name = name.to_owned();
    }
    if let Some(c) = input.currency_code {
        let c = parse_currency(&c)?;
        if !currency_exists(tx.conn(), &c).await? {
            return Err(Error::invalid(format!("Unknown currency '{c}'")));
        }
        r.currency_code = c;
    }
    if let Some(countries) = input.countries {
        let mut out: Vec<(String, Decimal)> = Vec::with_capacity(countries.len());
        for c in countries {
            let c = parse_country(&c)?;
            if !country_exists(tx.conn(), &c).await? {
                return Err(Error::invalid(format!("Unknown country '{c}'")));
            }
            if !out.iter().any(|(x, _)| *x == c) {
                let rate = r
                    .countries
                    .iter()
                    .find(|(x, _)| *x == c)
                    .map_or(Decimal::ZERO, |(_, t)| *t);
                out.push((c, rate));
            }
        }
        r.countries = out;
    }
    for (country, rate) in input.tax_rates.unwrap_or_default() {
        let country = parse_country(&country)?;
        if rate.is_sign_negative() || rate > Decimal::ONE_HUNDRED {
            return Err(Error::invalid(format!(
                "Invalid tax rate {rate} for '{country}': use a percentage from 0 to 100"
            )));
        }
        match r.countries.iter_mut().find(|(c, _)| *c == country) {
            Some(entry) => entry.1 = rate,
            None => {
                return Err(Error::invalid(format!(
                    "Tax rate for '{country}', which is not a country of the region"
                )))
            }
        }
    }
    if let Some(providers) = input.payment_providers {
        let mut ids: Vec<String> = providers.iter().map(|p| check_provider(p)).collect::<Result<_>>()?;
        ids.sort();
        ids.dedup();
        r.payment_providers = ids;
    }
    if let Some(b) = input.automatic_taxes {
        r.automatic_taxes = b;
    }
    if input.metadata.is_some() {
        r.metadata = input.metadata;
    }
    Ok(r)
}

pub async fn create(app: &Services, ctx: &TenantCtx, input: RegionIn) -> Result<RegionRow> {
    for (field, given) in [
        ("name", input.name.is_some()),
        ("currency_code", input.currency_code.is_some()),
    ] {
        if !given {
            return Err(Error::invalid(format!("Invalid request: Field '{field}' is required")));
        }
    }
    let mut tx = ctx.db.begin().await?;
    let base = RegionFields {
        name: String::new(),
        currency_code: String::new(),
        automatic_taxes: true,
        metadata: None,
        countries: Vec::new(),
        payment_providers: vec![DEFAULT_PAYMENT_PROVIDER.to_owned()],
    };
    let fields = merge(&mut tx, base, input).await?;
    let id = new_id("reg");
    regions::save(&mut tx, &id, &fields, true).await?;
    let region = regions::get(&mut tx, &id).await?.ok_or_else(|| not_found(&id))?;
    tx.commit().await?;
    changed(app, ctx).await?;
    Ok(region)
}

pub async fn update(app: &Services, ctx: &TenantCtx, id: &str, input: RegionIn) -> Result<RegionRow> {
    let mut tx = ctx.db.begin().await?;
    let current = regions::get(&mut tx, id).await?.ok_or_else(|| not_found(id))?;
    let base = RegionFields {
        name: current.name,
        currency_code: current.currency_code.clone(),
        automatic_taxes: current.automatic_taxes,
        metadata: current.metadata.map(|m| m.0),
        countries: current
            .countries
            .iter()
            .map(|c| (c.iso_2.clone(), c.tax_rate))
            .collect(),
        payment_providers: current.payment_providers,
    };
    let fields = merge(&mut tx, base, input).await?;
    if !regions::save(&mut tx, id, &fields, false).await? {
        return Err(not_found(id));
    }
    if fields.currency_code != current.currency_code {
        // The region's own prices were in its old currency.
        regions::drop_prices_not_in(&mut tx, id, &fields.currency_code).await?;
    }
    let region = regions::get(&mut tx, id).await?.ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    changed(app, ctx).await?;
    Ok(region)
}

pub async fn delete(app: &Services, ctx: &TenantCtx, id: &str) -> Result<()> {
    let mut tx = ctx.db.begin().await?;
    if !regions::delete(&mut tx, id).await? {
        return Err(not_found(id));
    }
    tx.commit().await?;
    changed(app, ctx).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn provider_ids() {
        assert!(super::check_provider("pp_system_default").is_ok());
        assert!(super::check_provider("pp_nmi_nmi").is_ok());
        for bad in ["pp_", "system_default", "pp_Bad", "pp_a b"] {
            assert!(super::check_provider(bad).is_err(), "{bad}");
        }
    }
}
