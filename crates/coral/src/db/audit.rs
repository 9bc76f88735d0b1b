//! The audit trail: who changed what, written in the same transaction as the change.
//!
//! An audited transaction (a `TenantTx` or `PlatformTx` carrying an [`Audit`]) runs with
//! `coral.audit = 'on'`, so the capture trigger of migration 0006 notes every row it
//! changes. Its `commit` first calls [`record`], which turns those notes into one
//! `audit_log` (or `platform_audit_log`) row — only when the transaction wrote something,
//! and only once per request. A rolled-back change therefore leaves no record, and no
//! use case has to remember to write one.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::types::Json;
use sqlx::{PgConnection, PgPool, QueryBuilder};

use crate::core::ids::new_id;
use crate::core::Result;

/// Where a request's record goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The tenant's own `audit_log` (under its row level security).
    Tenant,
    /// The control plane's `platform_audit_log`.
    Platform,
}

/// Who acts, on what, from where: everything a record needs besides the changes.
#[derive(Debug)]
pub struct Audit {
    pub scope: Scope,
    /// `user` (a staff user), `platform` (the platform token), `cli`, `demo`.
    pub actor_type: &'static str,
    pub actor_id: Option<String>,
    /// `product.update`, `tenant.suspend`, …; the resource type is the part before the dot.
    pub action: &'static str,
    /// The path's last id; `None` for a creation (the created row's id is used). A
    /// platform record about a tenant names the tenant's id even if the path had its handle.
    pub resource_id: Option<String>,
    /// Only for platform records: the tenant acted on, when known before the change.
    pub tenant_id: Option<String>,
    pub request_id: Option<String>,
    pub client_addr: Option<String>,
    recorded: AtomicBool,
}

impl Audit {
    pub fn new(scope: Scope, actor_type: &'static str, actor_id: Option<String>, action: &'static str) -> Self {
        Self {
            scope,
            actor_type,
            actor_id,
            action,
            resource_id: None,
            tenant_id: None,
            request_id: None,
            client_addr: None,
            recorded: AtomicBool::new(false),
        }
    }

    /// A platform record by a command-line or start-up job, outside any request.
    pub fn system(actor_type: &'static str, action: &'static str) -> Self {
        Self::new(Scope::Platform, actor_type, None, action)
    }

    pub fn resource_type(&self) -> &'static str {
        self.action.split('.').next().unwrap_or(self.action)
    }

    /// Table-name ending of the resource, to find a created row's id (`product` →
    /// `products`, matching `products`; `variant` matches `product_variants`).
    fn plural(&self) -> String {
        let t = self.resource_type();
        match t.strip_suffix('y') {
            Some(stem) => format!("{stem}ies"),
            None => format!("{t}s"),
        }
    }

    pub(crate) fn is_recorded(&self) -> bool {
        self.recorded.load(Ordering::Acquire)
    }

    pub(crate) fn mark_recorded(&self) {
        self.recorded.store(true, Ordering::Release);
    }
}

/// The captured change lines of this transaction, as rows `(e jsonb, n ordinality)`.
const CHANGES: &str = "WITH c AS ( \
     SELECT line::jsonb AS e, n FROM regexp_split_to_table( \
         coalesce(current_setting('coral.audit_changes', true), ''), E'\\n') WITH ORDINALITY AS l(line, n) \
     WHERE line <> '')";

/// The id of the first row of the resource's table this transaction inserted.
const CREATED_ID: &str = "(SELECT e->>'id' FROM c WHERE e->>'op' = 'insert' \
     AND (e->>'table' = $8 OR right(e->>'table', length($8) + 1) = '_' || $8) ORDER BY n LIMIT 1)";

/// Writes the record of `a` from this transaction's captured changes, if it changed
/// anything (captured rows, or any write at all: some tables are not captured).
/// Returns whether a record was written. `conn` must be in the tenant's scope for
/// [`Scope::Tenant`], and the schema owner for [`Scope::Platform`].
pub(crate) async fn record(conn: &mut PgConnection, tenant_id: Option<&str>, a: &Audit) -> Result<bool> {
    static TENANT_SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "{CHANGES}, mine AS (SELECT e, n FROM c WHERE e->>'tenant_id' = $1) \
             INSERT INTO audit_log (tenant_id, id, actor_type, actor_id, action, resource_type, \
                 resource_id, changes, request_id, client_addr) \
             SELECT $1, $2, $3, $4, $5, $6, coalesce($7, {}), \
                 coalesce(jsonb_agg(e - 'tenant_id' ORDER BY n), '[]'), $9, $10 \
             FROM mine HAVING count(*) > 0 OR pg_current_xact_id_if_assigned() IS NOT NULL",
            CREATED_ID.replace("FROM c ", "FROM mine ")
        )
    });
    static PLATFORM_SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "{CHANGES} INSERT INTO platform_audit_log (tenant_id, id, actor_type, actor_id, action, \
                 resource_type, resource_id, changes, request_id, client_addr) \
             SELECT coalesce($1, (SELECT e->>'tenant_id' FROM c WHERE e->>'tenant_id' IS NOT NULL \
                 ORDER BY n LIMIT 1)), $2, $3, $4, $5, $6, \
                 coalesce((SELECT e->>'id' FROM c WHERE $6 = 'tenant' AND e->>'table' = 'tenants' \
                     ORDER BY n LIMIT 1), $7, {CREATED_ID}), \
                 coalesce(jsonb_agg(e ORDER BY n), '[]'), $9, $10 \
             FROM c HAVING count(*) > 0 OR pg_current_xact_id_if_assigned() IS NOT NULL"
        )
    });
    let sql = match a.scope {
        Scope::Tenant => TENANT_SQL.as_str(),
        Scope::Platform => PLATFORM_SQL.as_str(),
    };
    let written = sqlx::query(sql)
        .bind(tenant_id)
        .bind(new_id("alog"))
        .bind(a.actor_type)
        .bind(&a.actor_id)
        .bind(a.action)
        .bind(a.resource_type())
        .bind(&a.resource_id)
        .bind(a.plural())
        .bind(&a.request_id)
        .bind(&a.client_addr)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(written == 1)
}

/// Turns change capture on in a transaction that is not (yet) a tenant's: a control-plane
/// change made on behalf of a tenant's staff (`/admin/stores`).
pub async fn capture_on(conn: &mut PgConnection) -> Result<()> {
    sqlx::query("SELECT set_config('coral.audit', 'on', true)")
        .execute(conn)
        .await?;
    Ok(())
}

/// The changes captured so far in this transaction, to carry into another database's
/// transaction (a tenant in a dedicated placement: its record lives there).
pub async fn captured(conn: &mut PgConnection) -> Result<String> {
    Ok(
        sqlx::query_scalar("SELECT coalesce(current_setting('coral.audit_changes', true), '')")
            .fetch_one(conn)
            .await?,
    )
}

/// Sets the captured changes of this transaction to `changes` (from [`captured`]).
pub async fn carry(conn: &mut PgConnection, changes: &str) -> Result<()> {
    sqlx::query("SELECT set_config('coral.audit_changes', $1, true)")
        .bind(changes)
        .execute(conn)
        .await?;
    Ok(())
}

/// One record, as the audit-log APIs show it.
#[derive(Debug, sqlx::FromRow)]
pub struct AuditRow {
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub tenant_id: Option<String>,
    pub actor_type: String,
    pub actor_id: Option<String>,
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    pub changes: Json<Value>,
    pub request_id: Option<String>,
    pub client_addr: Option<String>,
}

/// Filters of the audit-log APIs; every one optional.
#[derive(Debug, Default)]
pub struct Filter {
    pub tenant_id: Option<String>,
    pub actor_id: Option<String>,
    pub action: Option<String>,
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

fn push_filters(q: &mut QueryBuilder<'_, sqlx::Postgres>, f: &Filter) {
    q.push(" WHERE true");
    let mut eq = |col: &str, v: &Option<String>| {
        if let Some(v) = v {
            q.push(format!(" AND {col} = ")).push_bind(v.clone());
        }
    };
    eq("tenant_id", &f.tenant_id);
    eq("actor_id", &f.actor_id);
    eq("action", &f.action);
    eq("resource_type", &f.resource_type);
    eq("resource_id", &f.resource_id);
    if let Some(t) = f.from {
        q.push(" AND created_at >= ").push_bind(t);
    }
    if let Some(t) = f.to {
        q.push(" AND created_at < ").push_bind(t);
    }
}

/// Newest first; `limit` rows from `offset`, and the count of all matching.
async fn page(
    conn: &mut PgConnection,
    table: &str,
    f: &Filter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<AuditRow>, i64)> {
    let mut q = QueryBuilder::new(format!("SELECT count(*) FROM {table}"));
    push_filters(&mut q, f);
    let count: i64 = q.build_query_scalar().fetch_one(&mut *conn).await?;
    let mut q = QueryBuilder::new(format!(
        "SELECT id, created_at, tenant_id::text, actor_type, actor_id, action, resource_type, resource_id, \
         changes, request_id, client_addr FROM {table}"
    ));
    push_filters(&mut q, f);
    q.push(" ORDER BY created_at DESC, id DESC LIMIT ")
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
    Ok((q.build_query_as().fetch_all(conn).await?, count))
}

/// A tenant's own records (run in its scope: RLS keeps it to them).
pub async fn list(tx: &mut crate::db::TenantTx, f: &Filter, limit: i64, offset: i64) -> Result<(Vec<AuditRow>, i64)> {
    page(tx.conn(), "audit_log", f, limit, offset).await
}

/// Every tenant's records in one placement (platform read: the `platform_read` policy
/// on `audit_log`, docs/plain-owner.md).
pub async fn list_placement(
    read: &mut crate::db::PlatformRead,
    f: &Filter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<AuditRow>, i64)> {
    page(read.conn(), "audit_log", f, limit, offset).await
}

/// The platform's own records (control plane).
pub async fn list_platform(pool: &PgPool, f: &Filter, limit: i64, offset: i64) -> Result<(Vec<AuditRow>, i64)> {
    let mut conn = pool.acquire().await?;
    page(&mut conn, "platform_audit_log", f, limit, offset).await
}
