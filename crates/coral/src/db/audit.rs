//! The audit trail: who changed what, written in the same transaction as the change.
//!
//! An audited transaction (a `TenantTx` or `PlatformTx` carrying an [`Audit`]) runs with
//! `coral.audit` set to the id of the record it may write, so the capture trigger
//! (migrations 0006 and 0015) notes every row it changes: a tenant table's change as a
//! staged row of `audit_changes` (under Citus written on the worker that holds the
//! shard, next to it), a control-plane table's as a line of the setting
//! `coral.audit_changes`. Its `commit` first calls [`record`], which turns those notes
//! into one `audit_log` (or `platform_audit_log`) row and deletes the staged rows — only
//! when the transaction wrote something, and only once per request. A rolled-back change
//! therefore leaves no record and no staged row, and no use case has to remember to
//! write one.

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

/// What an audited transaction captured, and where to find it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Captured<'a> {
    /// The transaction's `coral.audit`: the id its record gets.
    pub audit_id: &'a str,
    /// The tenant whose staged rows (`audit_changes`) belong to the record; `None` when
    /// the transaction never had capture on in a tenant's scope.
    pub staged: Option<&'a str>,
    /// Whether control-plane lines may be in the setting `coral.audit_changes` (the
    /// transaction began on the control plane: tenants, domains, plans, placements).
    pub control: bool,
}

/// A fresh record id, set as `coral.audit` when an audited transaction starts.
pub(crate) fn new_audit_id() -> String {
    new_id("alog")
}

/// The control-plane lines of the record, `(e, n)`: `$4`, the coordinator's setting
/// `coral.audit_changes`, bound rather than read in the statement because under Citus
/// the statement runs on the worker holding the tenant's shards.
const LINES: &str = "c AS ( \
     SELECT line::jsonb AS e, n FROM regexp_split_to_table($4, E'\\n') WITH ORDINALITY AS l(line, n) \
     WHERE line <> '')";

/// The rows staged under tenant `$1` and record `$2`, deleted as they are read.
const STAGED: &str = "staged AS (DELETE FROM audit_changes WHERE tenant_id = $1 AND audit_id = $2 RETURNING seq, line)";

/// The id of the first row of the resource's table this transaction inserted (`$3`:
/// the table-name ending, see `Audit::plural`).
const CREATED_ID: &str = "(SELECT e->>'id' FROM mine WHERE e->>'op' = 'insert' \
     AND (e->>'table' = $3 OR right(e->>'table', length($3) + 1) = '_' || $3) ORDER BY src, n LIMIT 1)";

/// "Wrote anything": captured rows, or any write at all (some tables are not captured).
const WROTE: &str = "count(*) > 0 OR pg_current_xact_id_if_assigned() IS NOT NULL";

/// A tenant record's changes (control-plane lines first, then the staged rows, each in
/// capture order), its tenant, created id, and whether the transaction wrote anything.
static TENANT_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH {LINES}, {STAGED}, \
             mine AS (SELECT e - 'tenant_id' AS e, 0 AS src, n FROM c WHERE e->>'tenant_id' = $1 \
                      UNION ALL SELECT line, 1, seq FROM staged) \
         SELECT coalesce(jsonb_agg(e ORDER BY src, n), '[]'), $1::text, {CREATED_ID}, {WROTE} FROM mine"
    )
});

/// A platform record's changes (the control-plane lines, and lines carried in from a
/// store's own transaction, which name their tenant), its tenant (`$1`, else the first
/// line's), its resource (`$6` `tenant`: the tenant row's id; else `$5`, else the
/// created id) and whether the transaction wrote anything.
static PLATFORM_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH {LINES}, mine AS (SELECT e, 0 AS src, n FROM c) \
         SELECT coalesce(jsonb_agg(e ORDER BY src, n), '[]'), \
             coalesce($1, (SELECT e->>'tenant_id' FROM mine WHERE e->>'tenant_id' IS NOT NULL ORDER BY src, n LIMIT 1)), \
             coalesce((SELECT e->>'id' FROM mine WHERE $6 = 'tenant' AND e->>'table' = 'tenants' ORDER BY src, n LIMIT 1), \
                 $5, {CREATED_ID}), \
             {WROTE} FROM mine"
    )
});

/// Writes the record of `a` from what this transaction captured, if it changed anything
/// (captured rows, or any write at all: some tables are not captured), and deletes the
/// staged rows it used. Returns whether a record was written.
///
/// Two statements, each one Citus can route: the changes are gathered on the tenant's
/// shards (the staged rows are there), then the record is a plain `INSERT … VALUES` — an
/// `INSERT … SELECT` into a row-level-secured distributed table is run by Citus as a COPY,
/// which it refuses under row level security (docs/citus-findings.md). `conn` must be in
/// the tenant's scope for [`Scope::Tenant`], and the schema owner for [`Scope::Platform`]
/// (one role per transaction: a store's own changes reach a platform record as carried
/// lines, `TenantTx::take_captured`).
pub(crate) async fn record(
    conn: &mut PgConnection,
    tenant_id: Option<&str>,
    cap: Captured<'_>,
    a: &Audit,
) -> Result<bool> {
    let lines = if cap.control {
        captured(conn).await?
    } else {
        String::new()
    };
    let sql = match a.scope {
        Scope::Tenant => TENANT_SQL.as_str(),
        Scope::Platform => PLATFORM_SQL.as_str(),
    };
    let staged_tenant = match a.scope {
        Scope::Tenant => cap.staged.or(tenant_id),
        Scope::Platform => tenant_id,
    };
    let (changes, tenant, resource_id, wrote): (Value, Option<String>, Option<String>, bool) = sqlx::query_as(sql)
        .bind(staged_tenant)
        .bind(cap.audit_id)
        .bind(a.plural())
        .bind(&lines)
        .bind(&a.resource_id)
        .bind(a.resource_type())
        .fetch_one(&mut *conn)
        .await?;
    if !wrote {
        return Ok(false);
    }
    let (table, resource_id) = match a.scope {
        Scope::Tenant => ("audit_log", a.resource_id.clone().or(resource_id)),
        Scope::Platform => ("platform_audit_log", resource_id),
    };
    let tenant = match a.scope {
        Scope::Tenant => tenant_id.map(str::to_owned),
        Scope::Platform => a.tenant_id.clone().or(tenant),
    };
    sqlx::query(&format!(
        "INSERT INTO {table} (tenant_id, id, actor_type, actor_id, action, resource_type, resource_id, \
             changes, request_id, client_addr) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ))
    .bind(tenant)
    .bind(cap.audit_id)
    .bind(a.actor_type)
    .bind(&a.actor_id)
    .bind(a.action)
    .bind(a.resource_type())
    .bind(resource_id)
    .bind(Json(changes))
    .bind(&a.request_id)
    .bind(&a.client_addr)
    .execute(conn)
    .await?;
    Ok(true)
}

/// The rows staged under tenant `tenant_id` and record `audit_id`, deleted as they are
/// read, as lines in the setting's format (one JSON object per line, in capture order,
/// each naming its tenant, as a platform record's lines do), for [`carry`].
pub(crate) async fn take_staged(conn: &mut PgConnection, tenant_id: &str, audit_id: &str) -> Result<String> {
    Ok(sqlx::query_scalar(
        "WITH staged AS (DELETE FROM audit_changes WHERE tenant_id = $1 AND audit_id = $2 RETURNING seq, line) \
         SELECT coalesce(string_agg((line || jsonb_build_object('tenant_id', $1::text))::text || E'\\n', '' \
             ORDER BY seq), '') FROM staged",
    )
    .bind(tenant_id)
    .bind(audit_id)
    .fetch_one(conn)
    .await?)
}

/// Deletes the rows staged under `audit_id` without writing a record: the request's
/// record was written by another of its transactions.
pub(crate) async fn discard(conn: &mut PgConnection, tenant_id: &str, audit_id: &str) -> Result<()> {
    sqlx::query("DELETE FROM audit_changes WHERE tenant_id = $1 AND audit_id = $2")
        .bind(tenant_id)
        .bind(audit_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Turns change capture on in a transaction that is not (yet) a tenant's: a control-plane
/// change made on behalf of a tenant's staff (`/admin/stores`). Its control-plane lines
/// go to the setting; a tenant scope entered later sets its own record id.
pub async fn capture_on(conn: &mut PgConnection) -> Result<()> {
    sqlx::query("SELECT set_config('coral.audit', $1, true)")
        .bind(new_audit_id())
        .execute(conn)
        .await?;
    Ok(())
}

/// The control-plane changes captured so far in this transaction (the setting's lines),
/// to carry into another database's transaction (a tenant in a dedicated placement: its
/// record lives there).
pub async fn captured(conn: &mut PgConnection) -> Result<String> {
    Ok(
        sqlx::query_scalar("SELECT coalesce(current_setting('coral.audit_changes', true), '')")
            .fetch_one(conn)
            .await?,
    )
}

/// Sets the captured control-plane changes of this transaction to `changes` (from
/// [`captured`]); `TenantTx::carry` is the way in.
pub(crate) async fn carry(conn: &mut PgConnection, changes: &str) -> Result<()> {
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
