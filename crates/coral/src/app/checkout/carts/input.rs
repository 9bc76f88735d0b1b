//! What the cart routes take: a cart (create/update), an address, a line item, a line's
//! new quantity, a shipping method (Medusa's field names).

use serde::Deserialize;
use serde_json::Value;

use crate::core::{Error, Result};
use crate::db::addresses::AddressDocument;
use crate::db::regions::RegionRow;

/// A postal address as carts take it (Medusa's fields).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressIn {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    pub address_1: Option<String>,
    pub address_2: Option<String>,
    pub city: Option<String>,
    pub country_code: Option<String>,
    pub province: Option<String>,
    pub postal_code: Option<String>,
    pub phone: Option<String>,
    #[serde(default, deserialize_with = "crate::core::metadata::object")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
}

impl AddressIn {
    /// The stored document, with an id (`prefix_…`) and a lowercase country; 400 for a
    /// country outside `region`.
    pub(super) fn document(self, region: &RegionRow) -> Result<Value> {
        let country = match self.country_code {
            Some(cc) => {
                let cc = cc.to_ascii_lowercase();
                if !region.countries.iter().any(|c| c.iso_2 == cc) {
                    return Err(Error::invalid(format!(
                        "Country with code {cc} is not within region {}",
                        region.name
                    )));
                }
                Some(cc)
            }
            None => None,
        };
        let document = AddressDocument {
            id: Some(crate::core::ids::new_id("caaddr")),
            first_name: self.first_name,
            last_name: self.last_name,
            company: self.company,
            address_1: self.address_1,
            address_2: self.address_2,
            city: self.city,
            country_code: country,
            province: self.province,
            postal_code: self.postal_code,
            phone: self.phone,
            metadata: self.metadata,
        };
        Ok(serde_json::to_value(document).map_err(anyhow::Error::from)?)
    }
}

/// A line to add: `quantity` units of a variant.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemIn {
    pub variant_id: String,
    pub quantity: i64,
    #[serde(default, deserialize_with = "crate::core::metadata::object")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
}

/// A cart to create, or the fields of one to change (`items` and `currency_code` only on
/// create).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CartIn {
    pub region_id: Option<String>,
    pub email: Option<String>,
    pub currency_code: Option<String>,
    pub sales_channel_id: Option<String>,
    pub locale: Option<String>,
    pub shipping_address: Option<AddressIn>,
    pub billing_address: Option<AddressIn>,
    #[serde(default, deserialize_with = "crate::core::metadata::object")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    pub items: Option<Vec<ItemIn>>,
    pub promo_codes: Option<Vec<String>>,
}

/// A line's new quantity (0 removes it).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemUpdate {
    pub quantity: i64,
    #[serde(default, deserialize_with = "crate::core::metadata::object")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
}

/// The shipping option to ship the cart with.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShippingMethodIn {
    pub option_id: String,
    pub data: Option<Value>,
}
