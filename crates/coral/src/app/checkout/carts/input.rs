//! What the cart routes take: a cart (create/update) with its addresses, a line item, a line's
//! new quantity, a shipping method (Medusa's field names).

use serde::Deserialize;
use serde_json::Value;

use crate::core::address::PostalAddress;
use crate::core::{Error, Result};
use crate::db::addresses::AddressDocument;
use crate::db::regions::RegionRow;

/// The document stored for `address`, with an id (`caaddr_…`) and a lowercase country;
/// 400 for a country outside `region`.
pub(super) fn address_document(mut address: PostalAddress, region: &RegionRow) -> Result<Value> {
    if let Some(cc) = &mut address.country_code {
        cc.make_ascii_lowercase();
        if !region.countries.iter().any(|c| c.iso_2 == *cc) {
            return Err(Error::invalid(format!(
                "Country with code {cc} is not within region {}",
                region.name
            )));
        }
    }
    let document = AddressDocument {
        id: Some(crate::core::ids::new_id("caaddr")),
        address,
    };
    Ok(serde_json::to_value(document).map_err(anyhow::Error::from)?)
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
    pub shipping_address: Option<PostalAddress>,
    pub billing_address: Option<PostalAddress>,
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
