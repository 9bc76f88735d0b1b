//! Admin use cases for collections, categories, tags and types.

use serde::Deserialize;
use serde_json::Value;

use crate::app::catalog::{changed, check_handle, slugify};
use crate::app::Services;
use crate::core::ids::new_id;
use crate::core::{Error, Result};
use crate::db::catalog::rows::{CategoryRow, CollectionRow, ValueRow};
use crate::db::catalog::taxonomy::{self as repo, CategoryFields};
use crate::db::refs::{self, Ref};
use crate::tenancy::TenantCtx;

/// Which taxonomy table a collection, category, tag or type use case works on.
pub use crate::db::catalog::taxonomy::Table;

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectionIn {
    pub title: Option<String>,
    pub handle: Option<String>,
    #[serde(default, deserialize_with = "crate::core::metadata::object")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryIn {
    pub name: Option<String>,
    pub description: Option<String>,
    pub handle: Option<String>,
    pub rank: Option<i32>,
    pub parent_category_id: Option<String>,
    pub is_active: Option<bool>,
    pub is_internal: Option<bool>,
    #[serde(default, deserialize_with = "crate::core::metadata::object")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValueIn {
    pub value: String,
}

fn required<'a>(v: &'a Option<String>, field: &str) -> Result<&'a str> {
    match v.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(Error::invalid(format!("Invalid request: Field '{field}' is required"))),
    }
}

pub async fn collections(ctx: &TenantCtx) -> Result<Vec<CollectionRow>> {
    let mut tx = ctx.db.begin().await?;
    let rows = repo::collections(&mut tx).await?;
    tx.commit().await?;
    Ok(rows)
}

pub async fn collection(ctx: &TenantCtx, id: &str) -> Result<CollectionRow> {
    collections(ctx)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| Error::not_found(format!("Collection with id: {id} was not found")))
}

pub async fn save_collection(
    app: &Services,
    ctx: &TenantCtx,
    id: Option<&str>,
    input: CollectionIn,
) -> Result<CollectionRow> {
    let handle = input.handle.as_deref().map(check_handle).transpose()?;
    let mut tx = ctx.db.begin().await?;
    let id = match id {
        None => {
            let title = required(&input.title, "title")?;
            let handle = handle.unwrap_or_else(|| slugify(title));
            repo::insert_collection(&mut tx, title, &handle, input.metadata.as_ref()).await?
        }
        Some(id) => {
            let title = input
                .title
                .as_deref()
                .map(|_| required(&input.title, "title"))
                .transpose()?;
            if !repo::update_collection(&mut tx, id, title, handle.as_deref(), input.metadata.as_ref()).await? {
                return Err(Error::not_found(format!("Collection with id: {id} was not found")));
            }
            id.to_owned()
        }
    };
    tx.commit().await?;
    changed(app, ctx).await?;
    collection(ctx, &id).await
}

pub async fn categories(ctx: &TenantCtx) -> Result<Vec<CategoryRow>> {
    let mut tx = ctx.db.begin().await?;
    let rows = repo::categories(&mut tx).await?;
    tx.commit().await?;
    Ok(rows)
}

pub async fn category(ctx: &TenantCtx, id: &str) -> Result<CategoryRow> {
    categories(ctx)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| Error::not_found(format!("Product category with id: {id} was not found")))
}

pub async fn save_category(
    app: &Services,
    ctx: &TenantCtx,
    id: Option<&str>,
    input: CategoryIn,
) -> Result<CategoryRow> {
    let existing = match id {
        Some(id) => Some(category(ctx, id).await?),
        None => None,
    };
    let name = match (&input.name, &existing) {
        (None, Some(e)) => e.name.clone(),
        _ => required(&input.name, "name")?.to_owned(),
    };
    let handle = match (&input.handle, &existing) {
        (Some(h), _) => check_handle(h)?,
        (None, Some(e)) => e.handle.clone(),
        (None, None) => slugify(&name),
    };
    let parent = input
        .parent_category_id
        .clone()
        .or_else(|| existing.as_ref().and_then(|e| e.parent_category_id.clone()));
    let all = categories(ctx).await?;
    if let Some(p) = &parent {
        if !all.iter().any(|c| &c.id == p) {
            return Err(Error::invalid(format!("Parent category {p} does not exist")));
        }
        // A category cannot become its own ancestor.
        let mut cursor = Some(p.clone());
        while let Some(c) = cursor {
            if Some(c.as_str()) == id {
                return Err(Error::invalid(
                    "A category cannot be moved under itself or its descendants",
                ));
            }
            cursor = all
                .iter()
                .find(|x| x.id == c)
                .and_then(|x| x.parent_category_id.clone());
        }
    }
    let fields = CategoryFields {
        name: &name,
        description: input
            .description
            .as_deref()
            .or(existing.as_ref().map(|e| e.description.as_str()))
            .unwrap_or(""),
        handle: &handle,
        rank: input.rank.or(existing.as_ref().map(|e| e.rank)).unwrap_or(0),
        parent_category_id: parent.as_deref(),
        is_active: input
            .is_active
            .or(existing.as_ref().map(|e| e.is_active))
            .unwrap_or(true),
        is_internal: input
            .is_internal
            .or(existing.as_ref().map(|e| e.is_internal))
            .unwrap_or(false),
        metadata: input
            .metadata
            .as_ref()
            .or(existing.as_ref().and_then(|e| e.metadata.as_ref().map(|m| &m.0))),
    };
    let mut tx = ctx.db.begin().await?;
    // Checked above for the message; again here, locked, so a parent deleted meanwhile
    // is refused rather than referenced.
    refs::require_one(&mut tx, Ref::Category, parent.as_deref()).await?;
    let id = match id {
        None => {
            let id = new_id("pcat");
            repo::save_category(&mut tx, &id, &fields, true).await?;
            id
        }
        Some(id) => {
            repo::save_category(&mut tx, id, &fields, false).await?;
            id.to_owned()
        }
    };
    tx.commit().await?;
    changed(app, ctx).await?;
    category(ctx, &id).await
}

/// Deletes a collection, category, tag or type; products keep existing without it.
pub async fn delete(app: &Services, ctx: &TenantCtx, table: Table, id: &str, what: &str) -> Result<()> {
    let mut tx = ctx.db.begin().await?;
    if !repo::delete(&mut tx, table, id).await? {
        return Err(Error::not_found(format!("{what} with id: {id} was not found")));
    }
    tx.commit().await?;
    changed(app, ctx).await
}

pub async fn values(ctx: &TenantCtx, table: Table) -> Result<Vec<ValueRow>> {
    let mut tx = ctx.db.begin().await?;
    let rows = repo::values(&mut tx, table).await?;
    tx.commit().await?;
    Ok(rows)
}

/// Creates a tag or type (or returns the existing one with that value).
pub async fn create_value(app: &Services, ctx: &TenantCtx, table: Table, input: ValueIn) -> Result<ValueRow> {
    let value = required(&Some(input.value), "value")?.to_owned();
    let mut tx = ctx.db.begin().await?;
    let id = repo::value_id(&mut tx, table, &value).await?;
    tx.commit().await?;
    changed(app, ctx).await?;
    values(ctx, table)
        .await?
        .into_iter()
        .find(|v| v.id == id)
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("created value vanished")))
}
