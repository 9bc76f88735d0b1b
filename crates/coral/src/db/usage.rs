//! Usage and quota queries: counts and storage of one tenant (under RLS), the quota lock,
//! and the persisted usage counters (`tenant_usage`, control plane).

use rust_decimal::Decimal;
use sqlx::PgPool;

use crate::core::Result;
use crate::db::TenantTx;

/// What a quota counts: table names come from this closed list only.
#[derive(Debug, Clone, Copy)]
pub enum Counted {
    Products,
    /// Active staff users.
    Staff,
    /// Publishable keys not revoked.
    PublishableKeys,
}

impl Counted {
    fn sql(self) -> &'static str {
        match self {
            Self::Products => "SELECT count(*) FROM products WHERE tenant_id = $1",
            Self::Staff => "SELECT count(*) FROM staff_users WHERE tenant_id = $1 AND is_active",
            Self::PublishableKeys => "SELECT count(*) FROM api_keys WHERE tenant_id = $1 AND revoked_at IS NULL",
        }
    }
}

/// The tenant's rows of `what`.
pub async fn count(tx: &mut TenantTx, what: Counted) -> Result<u64> {
    let n: i64 = tx.query_scalar(what.sql()).fetch_one(tx.conn()).await?;
    Ok(n.max(0) as u64)
}

/// Serialises quota checks of one tenant and quota until the transaction ends.
pub async fn lock_quota(tx: &mut TenantTx, quota: &str) -> Result<()> {
    tx.lock(&format!("coral-quota:{quota}")).await
}

/// Bytes the tenant's rows take in every tenant table (row sizes as stored, without
/// indexes): a scan of the tenant's rows, so for reports, not for every request.
pub async fn storage_bytes(tx: &mut TenantTx) -> Result<u64> {
    // names no tenant table: the system catalog, for the list of tenant tables
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid \
         WHERE p.polname = 'tenant_isolation' ORDER BY 1",
    )
    .fetch_all(tx.conn())
    .await?;
    if tables.is_empty() {
        return Ok(0);
    }
    let parts: Vec<String> = tables
        .iter()
        .map(|t| {
            format!(
                "SELECT sum(pg_column_size(x.*)) AS b FROM \"{}\" x WHERE x.tenant_id = $1",
                t.replace('"', "\"\"")
            )
        })
        .collect();
    let sql = format!(
        "SELECT coalesce(sum(b), 0)::bigint FROM ({}) s",
        parts.join(" UNION ALL ")
    );
    let n: i64 = tx.query_scalar(&sql).fetch_one(tx.conn()).await?;
    Ok(n.max(0) as u64)
}

/// Adds `counts` to the tenant's persisted totals, in one statement.
pub async fn add(pool: &PgPool, tenant_id: &str, counts: &[(String, Decimal)]) -> Result<()> {
    let (names, values): (Vec<&str>, Vec<Decimal>) = counts.iter().map(|(n, v)| (n.as_str(), *v)).unzip();
    // `EXCLUDED.updated_at` is the column default (now()); Citus refuses a function in DO UPDATE SET.
    sqlx::query(
        "INSERT INTO tenant_usage (tenant_id, metric, value) SELECT $1, * FROM unnest($2::text[], $3::numeric[]) \
         ON CONFLICT (tenant_id, metric) DO UPDATE SET value = tenant_usage.value + EXCLUDED.value, updated_at = EXCLUDED.updated_at",
    )
    .bind(tenant_id)
    .bind(names)
    .bind(values)
    .execute(pool)
    .await?;
    Ok(())
}

/// The tenant's persisted totals by metric name.
pub async fn totals(pool: &PgPool, tenant_id: &str) -> Result<Vec<(String, Decimal)>> {
    Ok(
        sqlx::query_as("SELECT metric, value FROM tenant_usage WHERE tenant_id = $1 ORDER BY metric")
            .bind(tenant_id)
            .fetch_all(pool)
            .await?,
    )
}
