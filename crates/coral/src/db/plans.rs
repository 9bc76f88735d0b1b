//! Control-plane repository: the `plans` table (platform access).

use serde_json::Value;
use sqlx::types::Json;
use sqlx::{PgConnection, PgPool};

use crate::core::Result;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PlanRow {
    pub id: String,
    pub name: String,
    pub limits: Json<Value>,
    pub features: Json<Value>,
}

pub async fn all(pool: &PgPool) -> Result<Vec<PlanRow>> {
    Ok(
        sqlx::query_as("SELECT id, name, limits, features FROM plans ORDER BY created_at, id")
            .fetch_all(pool)
            .await?,
    )
}

pub async fn find(conn: &mut PgConnection, id: &str) -> Result<Option<PlanRow>> {
    Ok(
        sqlx::query_as("SELECT id, name, limits, features FROM plans WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}

/// Like [`find`], locking the row until the transaction ends (no lost updates).
pub async fn find_for_update(conn: &mut PgConnection, id: &str) -> Result<Option<PlanRow>> {
    Ok(
        sqlx::query_as("SELECT id, name, limits, features FROM plans WHERE id = $1 FOR UPDATE")
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}

pub async fn insert(conn: &mut PgConnection, p: &PlanRow) -> Result<()> {
    sqlx::query("INSERT INTO plans (id, name, limits, features) VALUES ($1, $2, $3, $4)")
        .bind(&p.id)
        .bind(&p.name)
        .bind(&p.limits)
        .bind(&p.features)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn update(conn: &mut PgConnection, p: &PlanRow) -> Result<()> {
    sqlx::query("UPDATE plans SET name = $2, limits = $3, features = $4, updated_at = now() WHERE id = $1")
        .bind(&p.id)
        .bind(&p.name)
        .bind(&p.limits)
        .bind(&p.features)
        .execute(conn)
        .await?;
    Ok(())
}
