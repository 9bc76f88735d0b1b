//! A tenant's own settings (the tenant-override layer of DESIGN.md section 4).
//! Typed and closed: unknown keys are rejected at the edge.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::core::names::{parse_currency, parse_locale};
use crate::core::Result;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct TenantSettings {
    /// Public look of the store, served by `GET /store/tenant` so a storefront can theme itself.
    pub branding: Branding,
    /// Locales the store offers besides its default (BCP 47 tags).
    pub locales: Vec<String>,
    /// Currencies the store sells in besides its default.
    pub currencies: Vec<String>,
    /// Feature flags a storefront may see.
    pub public_features: BTreeMap<String, bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Branding {
    pub logo_url: Option<String>,
    pub favicon_url: Option<String>,
    pub primary_color: Option<String>,
    pub accent_color: Option<String>,
}

impl TenantSettings {
    /// Normalises codes and checks every value's shape.
    pub fn validate(mut self) -> Result<Self> {
        self.locales = self.locales.iter().map(|l| parse_locale(l)).collect::<Result<_>>()?;
        self.currencies = self
            .currencies
            .iter()
            .map(|c| parse_currency(c))
            .collect::<Result<_>>()?;
        for color in [&self.branding.primary_color, &self.branding.accent_color]
            .into_iter()
            .flatten()
        {
            let hex = color.strip_prefix('#').unwrap_or("");
            if !(hex.len() == 6 || hex.len() == 3) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(crate::core::Error::invalid(format!(
                    "Invalid colour '{color}': use #rrggbb"
                )));
            }
        }
        Ok(self)
    }
}
