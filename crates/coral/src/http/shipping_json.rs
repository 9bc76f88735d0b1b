//! Shipping options in Medusa's JSON shape (`StoreCartShippingOption`; see
//! shared/medusa-store-api/checkout-*shipping*.json). Coral's options have one flat
//! price in their region; the service zone, fulfillment set, price set and rules Medusa
//! shows are derived from the option and its region.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::app::checkout::shipping::ShippingOptionRow;
use crate::http::amounts::{Amount, RawAmount};
use crate::http::catalog_json::{StoreCalculatedPrice, StorePriceRef};

/// Medusa's calculated price object of a flat amount.
fn calculated(option: &ShippingOptionRow) -> StoreCalculatedPrice {
    let price = StorePriceRef {
        id: Some(format!("{}-price", option.id)),
        price_list_id: None,
        price_list_type: None,
        min_quantity: None,
        max_quantity: None,
    };
    StoreCalculatedPrice {
        id: Some(format!("{}-pset", option.id)),
        is_calculated_price_price_list: false,
        is_calculated_price_tax_inclusive: false,
        calculated_amount: Amount(option.amount),
        raw_calculated_amount: RawAmount::new(option.amount),
        is_original_price_price_list: false,
        is_original_price_tax_inclusive: false,
        original_amount: Amount(option.amount),
        raw_original_amount: RawAmount::new(option.amount),
        currency_code: option.currency_code.clone(),
        calculated_price: price.clone(),
        original_price: price,
    }
}

/// The address of the stock location an option ships from.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreStockLocationAddress {
    pub id: String,
    pub address_1: Value,
    pub address_2: Value,
    pub company: Value,
    pub city: Value,
    pub country_code: Value,
    pub phone: Value,
    pub province: Value,
    pub postal_code: Value,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// The stock location an option ships from.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreStockLocation {
    pub id: String,
    pub address: StoreStockLocationAddress,
}

/// Where an option ships from: the location's address document with Medusa's keys.
fn location(o: &ShippingOptionRow) -> Option<StoreStockLocation> {
    let id = o.location_id.as_ref()?;
    let a = o.location_address.as_ref().map(|a| a.0.clone()).unwrap_or_default();
    let f = |k: &str| a.get(k).cloned().unwrap_or(Value::Null);
    Some(StoreStockLocation {
        id: id.clone(),
        address: StoreStockLocationAddress {
            id: format!("{id}-address"),
            address_1: a
                .get("address_1")
                .cloned()
                .unwrap_or_else(|| Value::String(String::new())),
            address_2: f("address_2"),
            company: f("company"),
            city: f("city"),
            country_code: f("country_code"),
            phone: f("phone"),
            province: f("province"),
            postal_code: f("postal_code"),
            metadata: None,
            created_at: o.created_at,
            updated_at: o.updated_at,
            deleted_at: None,
        },
    })
}

/// An option's fulfillment set (always of type `shipping`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreFulfillmentSet {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub location: Option<StoreStockLocation>,
}

/// An option's service zone.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreServiceZone {
    pub id: String,
    pub fulfillment_set_id: String,
    pub fulfillment_set: StoreFulfillmentSet,
}

/// An option's type.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreShippingOptionType {
    pub id: String,
    pub label: String,
    pub description: String,
    pub code: String,
}

/// An option's fulfillment provider.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreFulfillmentProvider {
    pub id: String,
    pub is_enabled: bool,
}

/// A rule of an option (`enabled_in_store`, `is_return`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreShippingOptionRule {
    pub attribute: String,
    pub value: String,
    pub operator: String,
}

/// A price rule (the option's price applies in its region).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StorePriceRule {
    pub id: String,
    pub attribute: String,
    pub value: String,
    pub operator: String,
    pub priority: i32,
    pub price_id: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// An option's price.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreShippingOptionPrice {
    pub id: String,
    pub title: Option<String>,
    pub currency_code: String,
    pub rules_count: i32,
    pub price_set_id: String,
    pub price_list_id: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub price_list: Option<Value>,
    pub raw_amount: RawAmount,
    pub raw_min_quantity: Option<RawAmount>,
    pub raw_max_quantity: Option<RawAmount>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub amount: Amount,
    pub min_quantity: Option<i64>,
    pub max_quantity: Option<i64>,
    pub price_rules: Vec<StorePriceRule>,
}

/// Medusa's `StoreCartShippingOption`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreCartShippingOption {
    pub id: String,
    pub name: String,
    /// Always `flat`.
    pub price_type: String,
    pub service_zone_id: String,
    pub shipping_option_type_id: String,
    pub shipping_profile_id: String,
    pub provider_id: String,
    #[schema(value_type = Option<Object>)]
    pub data: Option<Value>,
    pub region_id: String,
    pub service_zone: StoreServiceZone,
    #[serde(rename = "type")]
    pub kind: StoreShippingOptionType,
    pub provider: StoreFulfillmentProvider,
    pub rules: Vec<StoreShippingOptionRule>,
    pub calculated_price: StoreCalculatedPrice,
    pub prices: Vec<StoreShippingOptionPrice>,
    pub amount: Amount,
    pub is_tax_inclusive: bool,
    pub insufficient_inventory: bool,
    pub enabled_in_store: bool,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub fn shipping_option(o: &ShippingOptionRow) -> StoreCartShippingOption {
    let zone = format!("serzo_{}", o.region_id.trim_start_matches("reg_"));
    let set = format!("fuset_{}", o.region_id.trim_start_matches("reg_"));
    let type_id = format!("sotype_{}", o.type_code);
    let price_id = format!("{}-price", o.id);
    let rule = |attribute: &str, value: String| StoreShippingOptionRule {
        attribute: attribute.into(),
        value,
        operator: "eq".into(),
    };
    StoreCartShippingOption {
        id: o.id.clone(),
        name: o.name.clone(),
        price_type: "flat".into(),
        service_zone_id: zone.clone(),
        shipping_option_type_id: type_id.clone(),
        shipping_profile_id: "sp_default".into(),
        provider_id: o.provider_id.clone(),
        data: None,
        region_id: o.region_id.clone(),
        service_zone: StoreServiceZone {
            id: zone,
            fulfillment_set_id: set.clone(),
            fulfillment_set: StoreFulfillmentSet {
                id: set,
                kind: "shipping".into(),
                location: location(o),
            },
        },
        kind: StoreShippingOptionType {
            id: type_id,
            label: o.type_label.clone(),
            description: o.type_description.clone(),
            code: o.type_code.clone(),
        },
        provider: StoreFulfillmentProvider {
            id: o.provider_id.clone(),
            is_enabled: true,
        },
        rules: vec![
            rule("enabled_in_store", o.enabled_in_store.to_string()),
            rule("is_return", "false".into()),
        ],
        calculated_price: calculated(o),
        prices: vec![StoreShippingOptionPrice {
            id: price_id.clone(),
            title: None,
            currency_code: o.currency_code.clone(),
            rules_count: 1,
            price_set_id: format!("{}-pset", o.id),
            price_list_id: None,
            price_list: None,
            raw_amount: RawAmount::new(o.amount),
            raw_min_quantity: None,
            raw_max_quantity: None,
            created_at: o.created_at,
            updated_at: o.updated_at,
            deleted_at: None,
            amount: Amount(o.amount),
            min_quantity: None,
            max_quantity: None,
            price_rules: vec![StorePriceRule {
                id: format!("{}-rule", o.id),
                attribute: "region_id".into(),
                value: o.region_id.clone(),
                operator: "eq".into(),
                priority: 0,
                price_id,
                created_at: o.created_at,
                updated_at: o.updated_at,
                deleted_at: None,
            }],
        }],
        amount: Amount(o.amount),
        is_tax_inclusive: false,
        insufficient_inventory: false,
        enabled_in_store: o.enabled_in_store,
        metadata: o.metadata.as_ref().map(|m| m.0.clone()),
        created_at: o.created_at,
        updated_at: o.updated_at,
    }
}
