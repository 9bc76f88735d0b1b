//! Collections, categories, tags and types of a tenant.

use serde_json::Value;
use sqlx::types::Json;

use crate::core::ids::new_id;
use crate::core::Result;
use crate::db::catalog::rows::{CategoryRow, CollectionRow, ValueRow};
use crate::db::TenantTx;

pub async fn collections(tx: &mut TenantTx) -> Result<Vec<CollectionRow>> {
    Ok(tx
        .query_as(
            "SELECT id, title, handle, external_id, metadata, created_at, updated_at FROM product_collections \
         WHERE tenant_id = $1 ORDER BY created_at, id",
        )
        .fetch_all(tx.conn())
        .await?)
}

pub async fn insert_collection(
    tx: &mut TenantTx,
    title: &str,
    handle: &str,
    metadata: Option<&Value>,
) -> Result<String> {
    let id = new_id("pcol");
    tx.query("INSERT INTO product_collections (tenant_id, id, title, handle, metadata) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id)
        .bind(title)
        .bind(handle)
        .bind(metadata.map(Json))
        .execute(tx.conn())
        .await?;
    Ok(id)
}

/// Updates the given fields; false when there is no such collection.
pub async fn update_collection(
    tx: &mut TenantTx,
    id: &str,
    title: Option<&str>,
    handle: Option<&str>,
    metadata: Option<&Value>,
) -> Result<bool> {
    let done = tx
        .query(
            "UPDATE product_collections SET title = COALESCE($3, title), handle = COALESCE($4, handle), \
         metadata = COALESCE($5, metadata), updated_at = now() WHERE tenant_id = $1 AND id = $2",
        )
        .bind(id)
        .bind(title)
        .bind(handle)
        .bind(metadata.map(Json))
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes a row of a taxonomy table by id; false when there is none. Products in a deleted
/// collection or of a deleted type lose that reference first: the foreign keys are NO ACTION
/// because Citus refuses `ON DELETE SET NULL` on keys that include `tenant_id` (migration 0012);
/// the row is locked before the clearing so a product saved concurrently cannot slip in between.
pub async fn delete(tx: &mut TenantTx, table: Table, id: &str) -> Result<bool> {
    let clear = match table {
        Table::Collections => {
            Some("UPDATE products SET collection_id = NULL WHERE tenant_id = $1 AND collection_id = $2")
        }
        Table::Types => Some("UPDATE products SET type_id = NULL WHERE tenant_id = $1 AND type_id = $2"),
        Table::Categories | Table::Tags => None,
    };
    if let Some(sql) = clear {
        let lock = format!(
            "SELECT 1 FROM {} WHERE tenant_id = $1 AND id = $2 FOR UPDATE",
            table.name()
        );
        tx.query(&lock).bind(id).execute(tx.conn()).await?;
        tx.query(sql).bind(id).execute(tx.conn()).await?;
    }
    let done = tx
        .query(&format!(
            "DELETE FROM {} WHERE tenant_id = $1 AND id = $2",
            table.name()
        ))
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The taxonomy tables, so table names in SQL come from this closed list only.
#[derive(Debug, Clone, Copy)]
pub enum Table {
    Collections,
    Categories,
    Tags,
    Types,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Collections => "product_collections",
            Table::Categories => "product_categories",
            Table::Tags => "product_tags",
            Table::Types => "product_types",
        }
    }
}

pub async fn categories(tx: &mut TenantTx) -> Result<Vec<CategoryRow>> {
    Ok(tx
        .query_as(
            "SELECT id, name, description, handle, rank, parent_category_id, is_active, is_internal, external_id, \
         metadata, created_at, updated_at FROM product_categories WHERE tenant_id = $1 ORDER BY rank, created_at, id",
        )
        .fetch_all(tx.conn())
        .await?)
}

pub struct CategoryFields<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub handle: &'a str,
    pub rank: i32,
    pub parent_category_id: Option<&'a str>,
    pub is_active: bool,
    pub is_internal: bool,
    pub metadata: Option<&'a Value>,
}

/// Writes `c` as category `id`: inserted when `insert`, else overwriting the row.
/// Returns false when updating a category that does not exist.
pub async fn save_category(tx: &mut TenantTx, id: &str, c: &CategoryFields<'_>, insert: bool) -> Result<bool> {
    let sql = if insert {
        "INSERT INTO product_categories (tenant_id, id, name, description, handle, rank, parent_category_id, \
         is_active, is_internal, metadata) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    } else {
        "UPDATE product_categories SET name = $3, description = $4, handle = $5, rank = $6, parent_category_id = $7, \
         is_active = $8, is_internal = $9, metadata = $10, updated_at = now() WHERE tenant_id = $1 AND id = $2"
    };
    let done = tx
        .query(sql)
        .bind(id)
        .bind(c.name)
        .bind(c.description)
        .bind(c.handle)
        .bind(c.rank)
        .bind(c.parent_category_id)
        .bind(c.is_active)
        .bind(c.is_internal)
        .bind(c.metadata.map(Json))
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Tags or types (`table` is `Tags` or `Types`).
pub async fn values(tx: &mut TenantTx, table: Table) -> Result<Vec<ValueRow>> {
    Ok(tx
        .query_as(&format!(
            "SELECT id, value, metadata, created_at, updated_at FROM {} WHERE tenant_id = $1 ORDER BY value",
            table.name()
        ))
        .fetch_all(tx.conn())
        .await?)
}

/// The id of the tag/type with `value`, created if missing.
pub async fn value_id(tx: &mut TenantTx, table: Table, value: &str) -> Result<String> {
    let prefix = match table {
        Table::Tags => "ptag",
        _ => "ptyp",
    };
    let id: String = tx
        .query_scalar(&format!(
            "INSERT INTO {} (tenant_id, id, value) VALUES ($1, $2, $3) \
         ON CONFLICT (tenant_id, value) DO UPDATE SET value = EXCLUDED.value RETURNING id",
            table.name()
        ))
        .bind(new_id(prefix))
        .bind(value)
        .fetch_one(tx.conn())
        .await?;
    Ok(id)
}
