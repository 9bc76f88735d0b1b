//! `/admin/customer-groups` use cases: groups, and adding or removing customers (Medusa's
//! `POST /admin/customer-groups/{id}/customers {add, remove}`). Groups feed promotion
//! rules (`customer.groups.id`) and price list conditions.

use serde::Deserialize;
use serde_json::Value;

use crate::app::Services;
use crate::core::{Error, Result};
use crate::db::customer_groups;
use crate::db::TenantTx;
use crate::tenancy::TenantCtx;

/// What the customer group use cases answer.
pub use crate::db::customer_groups::GroupRow;

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupIn {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::core::metadata::object")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MembersIn {
    #[serde(default)]
    pub add: Vec<String>,
    #[serde(default)]
    pub remove: Vec<String>,
}

fn not_found(id: &str) -> Error {
    Error::not_found(format!("Customer group with id: {id} was not found"))
}

async fn load(tx: &mut TenantTx, id: &str) -> Result<GroupRow> {
    customer_groups::get(tx, id).await?.ok_or_else(|| not_found(id))
}

pub async fn save(ctx: &TenantCtx, id: Option<&str>, input: GroupIn) -> Result<GroupRow> {
    let mut tx = ctx.db.begin().await?;
    let name = match (input.name, id) {
        (Some(n), _) if !n.trim().is_empty() => n.trim().to_owned(),
        (None, Some(id)) => load(&mut tx, id).await?.name,
        _ => return Err(Error::invalid("Invalid request: Field 'name' is required")),
    };
    let (id, found) = customer_groups::save(&mut tx, id, &name, input.metadata.as_ref()).await?;
    if !found {
        return Err(not_found(&id));
    }
    let row = load(&mut tx, &id).await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn get(ctx: &TenantCtx, id: &str) -> Result<GroupRow> {
    let mut tx = ctx.db.begin().await?;
    let row = load(&mut tx, id).await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn list(ctx: &TenantCtx, limit: i64, offset: i64) -> Result<(Vec<GroupRow>, i64)> {
    let mut tx = ctx.db.begin().await?;
    let out = customer_groups::list(&mut tx, limit, offset).await?;
    tx.commit().await?;
    Ok(out)
}

pub async fn delete(app: &Services, ctx: &TenantCtx, id: &str) -> Result<()> {
    let mut tx = ctx.db.begin().await?;
    if !customer_groups::delete(&mut tx, id).await? {
        return Err(not_found(id));
    }
    tx.commit().await?;
    // A price list limited to the group loses the condition: reprice the storefront.
    crate::app::catalog::changed(app, ctx).await
}

/// Adds and removes customers; every one must be a customer of this store.
pub async fn members(ctx: &TenantCtx, id: &str, input: MembersIn) -> Result<GroupRow> {
    let mut tx = ctx.db.begin().await?;
    load(&mut tx, id).await?;
    let mut all: Vec<String> = input.add.iter().chain(&input.remove).cloned().collect();
    all.sort();
    all.dedup();
    if customer_groups::count_customers(&mut tx, &all).await? != all.len() as i64 {
        return Err(Error::invalid("A customer to add or remove does not exist"));
    }
    customer_groups::change_members(&mut tx, id, &input.add, &input.remove).await?;
    let row = load(&mut tx, id).await?;
    tx.commit().await?;
    Ok(row)
}
