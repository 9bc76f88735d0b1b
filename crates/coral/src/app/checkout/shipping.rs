//! Shipping options: the storefront's list for a cart, and the Admin API's management.

use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value;

use crate::app::checkout::carts;
use crate::core::{Error, Result};
use crate::db::carts as cart_rows;
use crate::db::refs::{self, Ref};
use crate::db::shipping::{self, ShippingOptionFields};
use crate::tenancy::TenantCtx;

/// A shipping option as the shipping use cases answer it.
pub use crate::db::shipping::ShippingOptionRow;

/// The options a cart can use: its region's, enabled in the store. Answers before the
/// cart has an address too (the starter asks early).
pub async fn for_cart(ctx: &TenantCtx, cart_id: &str) -> Result<Vec<ShippingOptionRow>> {
    let mut tx = ctx.db.begin().await?;
    let cart = cart_rows::load(&mut tx, cart_id)
        .await?
        .ok_or_else(|| carts::no_cart(cart_id))?;
    let options = shipping::list(&mut tx, Some(&cart.region_id), true).await?;
    tx.commit().await?;
    Ok(options)
}

pub async fn list(ctx: &TenantCtx, region_id: Option<&str>) -> Result<Vec<ShippingOptionRow>> {
    let mut tx = ctx.db.begin().await?;
    let options = shipping::list(&mut tx, region_id, false).await?;
    tx.commit().await?;
    Ok(options)
}

fn not_found(id: &str) -> Error {
    Error::not_found(format!("Shipping option with id: {id} was not found"))
}

pub async fn get(ctx: &TenantCtx, id: &str) -> Result<ShippingOptionRow> {
    let mut tx = ctx.db.begin().await?;
    let option = shipping::get(&mut tx, id).await?.ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    Ok(option)
}

/// Admin body: Medusa's option fields Coral uses (a flat `amount` in the region's currency).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShippingOptionIn {
    pub name: Option<String>,
    pub region_id: Option<String>,
    #[schema(schema_with = crate::app::schema::optional_decimal)]
    pub amount: Option<Decimal>,
    pub price_type: Option<String>,
    pub r#type: Option<ShippingTypeIn>,
    pub enabled_in_store: Option<bool>,
    #[serde(default, deserialize_with = "crate::core::metadata::object")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShippingTypeIn {
    pub code: Option<String>,
    pub label: Option<String>,
    pub description: Option<String>,
}

fn merge(f: &mut ShippingOptionFields, input: ShippingOptionIn) -> Result<()> {
    if let Some(pt) = input.price_type.filter(|p| p != "flat") {
        return Err(Error::invalid(format!(
            "Price type '{pt}' is not supported; Coral's shipping options are 'flat'"
        )));
    }
    if let Some(n) = input.name {
        if n.trim().is_empty() {
            return Err(Error::invalid("A shipping option needs a name"));
        }
        f.name = n;
    }
    if let Some(r) = input.region_id {
        f.region_id = r;
    }
    if let Some(a) = input.amount {
        if a.is_sign_negative() {
            return Err(Error::invalid(
                "Invalid request: Value for field 'amount' too small, expected at least: '0'",
            ));
        }
        f.amount = a;
    }
    if let Some(t) = input.r#type {
        f.type_code = t.code.unwrap_or(std::mem::take(&mut f.type_code));
        f.type_label = t.label.unwrap_or(std::mem::take(&mut f.type_label));
        f.type_description = t.description.unwrap_or(std::mem::take(&mut f.type_description));
    }
    if let Some(e) = input.enabled_in_store {
        f.enabled_in_store = e;
    }
    if input.metadata.is_some() {
        f.metadata = input.metadata;
    }
    Ok(())
}

pub async fn create(ctx: &TenantCtx, input: ShippingOptionIn) -> Result<ShippingOptionRow> {
    if input.name.is_none() || input.region_id.is_none() || input.amount.is_none() {
        return Err(Error::invalid(
            "Invalid request: Field 'name', 'region_id' and 'amount' are required",
        ));
    }
    let mut f = ShippingOptionFields {
        region_id: String::new(),
        name: String::new(),
        type_code: "standard".into(),
        type_label: "Standard".into(),
        type_description: String::new(),
        amount: Decimal::ZERO,
        enabled_in_store: true,
        metadata: None,
    };
    merge(&mut f, input)?;
    let mut tx = ctx.db.begin().await?;
    refs::require(&mut tx, Ref::Region, std::slice::from_ref(&f.region_id)).await?;
    let id = shipping::insert(&mut tx, &f).await?;
    let row = shipping::get(&mut tx, &id).await?.ok_or_else(|| not_found(&id))?;
    tx.commit().await?;
    Ok(row)
}

pub async fn update(ctx: &TenantCtx, id: &str, input: ShippingOptionIn) -> Result<ShippingOptionRow> {
    let mut tx = ctx.db.begin().await?;
    let current = shipping::get(&mut tx, id).await?.ok_or_else(|| not_found(id))?;
    let mut f = current.fields();
    merge(&mut f, input)?;
    if f.region_id != current.region_id {
        refs::require(&mut tx, Ref::Region, std::slice::from_ref(&f.region_id)).await?;
    }
    shipping::update(&mut tx, id, &f).await?;
    let row = shipping::get(&mut tx, id).await?.ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    Ok(row)
}

pub async fn delete(ctx: &TenantCtx, id: &str) -> Result<()> {
    let mut tx = ctx.db.begin().await?;
    if !shipping::delete(&mut tx, id).await? {
        return Err(not_found(id));
    }
    tx.commit().await
}
