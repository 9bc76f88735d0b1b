//! Stock locations and inventory levels. A variant that manages inventory is its own
//! inventory item (same id); its sellable quantity is stocked − reserved summed over all
//! locations, which the storefront shows as `inventory_quantity`.

use serde::Deserialize;
use serde_json::Value;

use crate::app::catalog::changed;
use crate::app::Services;
use crate::core::ids::new_id;
use crate::core::names::parse_country;
use crate::core::{Error, Result};
use crate::db::catalog::write::set_stock;
use crate::db::inventory::{self as repo, ItemRow, LevelRow};
use crate::db::tenants::country_exists;
use crate::db::TenantTx;
use crate::tenancy::TenantCtx;

/// A stock location as the inventory use cases answer it.
pub use crate::db::inventory::LocationRow;

/// A stock location's address, in Medusa's fields.
#[derive(Debug, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationAddressIn {
    pub address_1: String,
    pub address_2: Option<String>,
    pub company: Option<String>,
    pub city: Option<String>,
    pub country_code: String,
    pub phone: Option<String>,
    pub province: Option<String>,
    pub postal_code: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationIn {
    pub name: Option<String>,
    pub address: Option<LocationAddressIn>,
    #[serde(default, deserialize_with = "crate::core::metadata::object")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
}

fn location_not_found(id: &str) -> Error {
    Error::not_found(format!("Stock location with id: {id} was not found"))
}

pub async fn locations(ctx: &TenantCtx, limit: i64, offset: i64) -> Result<(Vec<LocationRow>, i64)> {
    let mut tx = ctx.db.begin().await?;
    let page = repo::locations(&mut tx, limit, offset).await?;
    tx.commit().await?;
    Ok(page)
}

pub async fn location(ctx: &TenantCtx, id: &str) -> Result<LocationRow> {
    let mut tx = ctx.db.begin().await?;
    let row = repo::location(&mut tx, id).await?;
    tx.commit().await?;
    row.ok_or_else(|| location_not_found(id))
}

/// Creates (`id` None) or updates a location.
pub async fn save_location(ctx: &TenantCtx, id: Option<&str>, input: LocationIn) -> Result<LocationRow> {
    let mut tx = ctx.db.begin().await?;
    let current = match id {
        Some(id) => Some(
            repo::location(&mut tx, id)
                .await?
                .ok_or_else(|| location_not_found(id))?,
        ),
        None => None,
    };
    let name = match (&input.name, &current) {
        (Some(n), _) => {
            let n = n.trim();
            if n.is_empty() || n.len() > 200 {
                return Err(Error::invalid("Invalid request: 'name' must be 1 to 200 characters"));
            }
            n.to_owned()
        }
        (None, Some(c)) => c.name.clone(),
        (None, None) => return Err(Error::invalid("Invalid request: Field 'name' is required")),
    };
    let address = match input.address {
        Some(mut a) => {
            a.country_code = parse_country(&a.country_code)?;
            if !country_exists(tx.conn(), &a.country_code).await? {
                return Err(Error::invalid(format!("Unknown country '{}'", a.country_code)));
            }
            if a.address_1.trim().is_empty() {
                return Err(Error::invalid("Invalid request: 'address.address_1' cannot be empty"));
            }
            Some(serde_json::to_value(a).map_err(anyhow::Error::new)?)
        }
        None => current.as_ref().and_then(|c| c.address.clone().map(|a| a.0)),
    };
    let metadata = input
        .metadata
        .or_else(|| current.as_ref().and_then(|c| c.metadata.clone().map(|m| m.0)));
    let id = id.map_or_else(|| new_id("sloc"), str::to_owned);
    repo::save_location(
        &mut tx,
        &id,
        &name,
        address.as_ref(),
        metadata.as_ref(),
        current.is_none(),
    )
    .await?;
    let row = repo::location(&mut tx, &id)
        .await?
        .ok_or_else(|| location_not_found(&id))?;
    tx.commit().await?;
    Ok(row)
}

/// Deletes a location and its levels, unless units are reserved there.
pub async fn delete_location(app: &Services, ctx: &TenantCtx, id: &str) -> Result<()> {
    let mut tx = ctx.db.begin().await?;
    if repo::location(&mut tx, id).await?.is_none() {
        return Err(location_not_found(id));
    }
    let reserved = repo::reserved_at(&mut tx, id).await?;
    if reserved > 0 {
        return Err(Error::Conflict(format!(
            "Stock location {id} holds {reserved} reserved units; it cannot be deleted"
        )));
    }
    repo::delete_location(&mut tx, id).await?;
    tx.commit().await?;
    changed(app, ctx).await
}

/// A variant as an inventory item, with its level at each location.
#[derive(Debug)]
pub struct Item {
    pub row: ItemRow,
    pub levels: Vec<LevelRow>,
}

async fn with_levels(tx: &mut TenantTx, rows: Vec<ItemRow>) -> Result<Vec<Item>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut levels = repo::levels(tx, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let (mine, rest) = levels.drain(..).partition(|l| l.variant_id == row.id);
            levels = rest;
            Item { row, levels: mine }
        })
        .collect())
}

pub async fn items(ctx: &TenantCtx, q: Option<&str>, limit: i64, offset: i64) -> Result<(Vec<Item>, i64)> {
    let mut tx = ctx.db.begin().await?;
    let (rows, count) = repo::items(&mut tx, None, q, limit, offset).await?;
    let items = with_levels(&mut tx, rows).await?;
    tx.commit().await?;
    Ok((items, count))
}

async fn item_in(tx: &mut TenantTx, id: &str) -> Result<Item> {
    let (rows, _) = repo::items(tx, Some(&[id.to_owned()]), None, 1, 0).await?;
    with_levels(tx, rows)
        .await?
        .pop()
        .ok_or_else(|| Error::not_found(format!("Inventory item with id: {id} was not found")))
}

pub async fn item(ctx: &TenantCtx, id: &str) -> Result<Item> {
    let mut tx = ctx.db.begin().await?;
    let item = item_in(&mut tx, id).await?;
    tx.commit().await?;
    Ok(item)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLevelIn {
    pub location_id: String,
    pub stocked_quantity: Option<i32>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LevelIn {
    pub stocked_quantity: i32,
}

/// Sets the stocked quantity of an item at a location. `must_exist`: the level is being
/// updated (404 when the item is not stocked there yet), else it is created or set.
pub async fn set_level(
    app: &Services,
    ctx: &TenantCtx,
    item_id: &str,
    location_id: &str,
    stocked: i32,
    must_exist: bool,
) -> Result<Item> {
    let mut tx = ctx.db.begin().await?;
    let item = item_in(&mut tx, item_id).await?;
    let level = item.levels.iter().find(|l| l.location_id == location_id);
    if level.is_none() {
        if must_exist {
            return Err(Error::not_found(format!(
                "Item {item_id} is not stocked at location {location_id}"
            )));
        }
        if repo::location(&mut tx, location_id).await?.is_none() {
            return Err(Error::invalid(format!(
                "Stock location with id: {location_id} was not found"
            )));
        }
    }
    let reserved = level.map_or(0, |l| l.reserved_quantity);
    if stocked < reserved {
        return Err(Error::invalid(format!(
            "Invalid request: 'stocked_quantity' cannot be below the reserved quantity ({reserved})"
        )));
    }
    set_stock(&mut tx, item_id, location_id, stocked).await?;
    let item = item_in(&mut tx, item_id).await?;
    tx.commit().await?;
    changed(app, ctx).await?;
    Ok(item)
}

pub async fn delete_level(app: &Services, ctx: &TenantCtx, item_id: &str, location_id: &str) -> Result<Item> {
    let mut tx = ctx.db.begin().await?;
    let item = item_in(&mut tx, item_id).await?;
    let Some(level) = item.levels.iter().find(|l| l.location_id == location_id) else {
        return Err(Error::not_found(format!(
            "Item {item_id} is not stocked at location {location_id}"
        )));
    };
    if level.reserved_quantity > 0 {
        return Err(Error::Conflict(format!(
            "{} units are reserved at location {location_id}; the level cannot be deleted",
            level.reserved_quantity
        )));
    }
    repo::delete_level(&mut tx, item_id, location_id).await?;
    let item = item_in(&mut tx, item_id).await?;
    tx.commit().await?;
    changed(app, ctx).await?;
    Ok(item)
}
