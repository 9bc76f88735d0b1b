//! `TenantDb` (one tenant's data, under RLS) and `PlatformDb` (cross-tenant, for
//! `/platform` and maintenance code only; its reads of tenant tables go through
//! `PlatformRead`, under the `coral_platform` role's policies).

use std::sync::Arc;

use sqlx::postgres::{PgArguments, PgRow};
use sqlx::query::{Query, QueryAs, QueryScalar};
use sqlx::{Executor, FromRow, PgConnection, PgPool, Postgres, Transaction};

use crate::core::ids::TenantId;
use crate::core::Result;
use crate::db::audit::{self, Audit, Scope};
use crate::db::health::Health;
use crate::db::Database;

/// Access to one tenant's rows in its placement. Only the tenancy layer builds one,
/// from a tenant it resolved; there is no other way to run a tenant query.
#[derive(Clone)]
pub struct TenantDb {
    pool: PgPool,
    tenant_id: TenantId,
    /// The request's audit context: its writing transactions leave one audit record.
    audit: Option<Arc<Audit>>,
    /// While the database is known to be down, transactions fail at once (503).
    health: Health,
}

impl TenantDb {
    pub(crate) fn new(pool: PgPool, tenant_id: TenantId, health: Health) -> Self {
        Self {
            pool,
            tenant_id,
            audit: None,
            health,
        }
    }

    /// The same handle, whose transactions record `audit` when they commit a change
    /// (see `db::audit`).
    pub fn audited(mut self, audit: Arc<Audit>) -> Self {
        self.audit = Some(audit);
        self
    }

    pub fn tenant_id(&self) -> &TenantId {
        &self.tenant_id
    }

    /// Starts a transaction as `coral_app` scoped to this tenant. Both settings are
    /// transaction-local, so a pooled connection carries nothing over to the next user.
    pub async fn begin(&self) -> Result<TenantTx> {
        self.start(false).await
    }

    /// Like `begin`, but the commit does not wait for the WAL flush
    /// (`synchronous_commit = off` for this transaction): a crash may lose the last
    /// fraction of a second of such writes, never corrupt them. For cart edits, whose
    /// commits were most of checkout's WAL waits (BENCHMARKS.md); never for orders or
    /// payments. A later durable commit (placing the order) flushes them too.
    pub async fn begin_relaxed(&self) -> Result<TenantTx> {
        self.start(true).await
    }

    /// `BEGIN` and the tenant scope in one round trip (one simple query), which is most
    /// of a short transaction's overhead.
    async fn start(&self, relaxed: bool) -> Result<TenantTx> {
        // A request whose record is written already captures nothing more.
        let audit_id = self
            .audit
            .as_ref()
            .filter(|a| !a.is_recorded())
            .map(|_| audit::new_audit_id());
        let mut sql = format!("BEGIN; {}", scope(&self.tenant_id, audit_id.as_deref()));
        if relaxed {
            sql.push_str(" SET LOCAL synchronous_commit = off;");
        }
        let tx = self.health.or_unavailable(self.pool.begin_with(sql)).await?;
        Ok(TenantTx {
            tx,
            tenant_id: self.tenant_id.clone(),
            audit: self.audit.clone(),
            audit_id,
            from_control: false,
        })
    }
}

/// An open tenant-scoped transaction. Dropped without `commit`, it rolls back.
pub struct TenantTx {
    tx: Transaction<'static, Postgres>,
    tenant_id: TenantId,
    audit: Option<Arc<Audit>>,
    /// This transaction's `coral.audit` (its record's id) while capture is on.
    audit_id: Option<String>,
    /// Whether it began on the control plane (provisioning, `/admin/stores`), so
    /// control-plane lines may be in its `coral.audit_changes` setting.
    from_control: bool,
}

impl TenantTx {
    /// Switches an open transaction (that has not written as another role) into one
    /// tenant's scope for the rest of its life: provisioning's first rows of a store.
    pub(crate) async fn enter(tx: Transaction<'static, Postgres>, tenant_id: TenantId) -> Result<Self> {
        Self::enter_with(tx, tenant_id, None, None).await
    }

    /// `enter`, with change capture on but no record of its own: provisioning's first
    /// rows, whose changes [`take_captured`](Self::take_captured) hands to the platform
    /// record that the control plane's transaction writes (one role per transaction).
    pub(crate) async fn enter_capturing(mut tx: Transaction<'static, Postgres>, tenant_id: TenantId) -> Result<Self> {
        let audit_id = audit::new_audit_id();
        let sql = scope(&tenant_id, Some(&audit_id));
        (&mut *tx).execute(sql.as_str()).await?;
        Ok(Self {
            tx,
            tenant_id,
            audit: None,
            audit_id: Some(audit_id),
            from_control: false,
        })
    }

    /// The changes this transaction captured so far, taken out of its staging rows, as
    /// lines that name their tenant (for `audit::carry` into the control plane's
    /// transaction). Empty when capture is off.
    pub(crate) async fn take_captured(&mut self) -> Result<String> {
        match &self.audit_id {
            Some(id) => audit::take_staged(&mut self.tx, self.tenant_id.as_str(), id).await,
            None => Ok(String::new()),
        }
    }

    /// `enter`, and with an audit context, change capture on under record id `audit_id`
    /// (one round trip still).
    async fn enter_with(
        mut tx: Transaction<'static, Postgres>,
        tenant_id: TenantId,
        audit: Option<Arc<Audit>>,
        audit_id: Option<String>,
    ) -> Result<Self> {
        let audit_id = audit_id.filter(|_| audit.as_ref().is_some_and(|a| !a.is_recorded()));
        let sql = scope(&tenant_id, audit_id.as_deref());
        (&mut *tx).execute(sql.as_str()).await?;
        Ok(Self {
            tx,
            tenant_id,
            audit,
            audit_id,
            from_control: true,
        })
    }

    pub fn tenant_id(&self) -> &TenantId {
        &self.tenant_id
    }

    /// The connection, for repository functions. Everything run on it is under RLS.
    pub fn conn(&mut self) -> &mut PgConnection {
        &mut self.tx
    }

    /// A statement with this transaction's tenant id already bound as `$1`; bind the
    /// rest from `$2` and run it on [`conn`](Self::conn):
    /// `tx.query(SQL).bind(id).execute(tx.conn())`.
    ///
    /// Every tenant statement names its tenant: `$1` is always the tenant id. Row level
    /// security scopes the statement anyway; the explicit `tenant_id = $1` predicate lets
    /// the planner use the `(tenant_id, …)` indexes, and it is what a distributed
    /// (Citus) planner needs to route a statement to one shard. The id is bound as an
    /// owned `String`, so the statement does not borrow `self`.
    ///
    /// Debug builds (the tests) panic on a statement whose text never says `tenant_id`
    /// (issue 22: every tenant statement names its tenant; see [`names_its_tenant`]).
    pub fn query<'q>(&self, sql: &'q str) -> Query<'q, Postgres, PgArguments> {
        sqlx::query(names_its_tenant(sql)).bind(self.tenant_id.as_str().to_owned())
    }

    /// [`query`](Self::query) whose rows decode into `O`.
    pub fn query_as<'q, O>(&self, sql: &'q str) -> QueryAs<'q, Postgres, O, PgArguments>
    where
        O: for<'r> FromRow<'r, PgRow>,
    {
        sqlx::query_as(names_its_tenant(sql)).bind(self.tenant_id.as_str().to_owned())
    }

    /// [`query`](Self::query) whose rows' first column decodes into `O`.
    pub fn query_scalar<'q, O>(&self, sql: &'q str) -> QueryScalar<'q, Postgres, O, PgArguments>
    where
        (O,): for<'r> FromRow<'r, PgRow>,
    {
        sqlx::query_scalar(names_its_tenant(sql)).bind(self.tenant_id.as_str().to_owned())
    }

    /// Takes the transaction-scoped advisory lock `name` of this tenant (key
    /// `name:tenant_id`), held until commit or rollback: serialises one tenant's quota
    /// checks or job claims across processes without touching a table.
    pub async fn lock(&mut self, name: &str) -> Result<()> {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1 || ':' || $2, 0))")
            .bind(name)
            .bind(self.tenant_id.as_str())
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Adds control-plane changes captured in another database's transaction (from
    /// `audit::captured`) to this one's record: a tenant in a dedicated placement.
    pub async fn carry(&mut self, changes: &str) -> Result<()> {
        audit::carry(&mut self.tx, changes).await?;
        self.from_control = true;
        Ok(())
    }

    /// Commits; an audited transaction that changed something first writes the
    /// request's record (once per request: the first writing commit carries it). Either
    /// way no staged change outlives the transaction.
    pub async fn commit(mut self) -> Result<()> {
        let Some(audit_id) = self.audit_id.take() else {
            self.tx.commit().await?;
            return Ok(());
        };
        let tenant = self.tenant_id.as_str().to_owned();
        let pending = self.audit.take().filter(|a| !a.is_recorded());
        let Some(a) = pending else {
            // Another transaction of the request wrote its record meanwhile (or this one
            // only captures: `enter_capturing`).
            audit::discard(&mut self.tx, &tenant, &audit_id).await?;
            self.tx.commit().await?;
            return Ok(());
        };
        // Only store requests' audits reach a tenant transaction (platform records are
        // written by `PlatformTx` and provisioning, as the schema owner).
        debug_assert!(a.scope == Scope::Tenant, "a platform audit in a tenant transaction");
        let captured = audit::Captured {
            audit_id: &audit_id,
            staged: Some(&tenant),
            control: self.from_control,
        };
        let written = audit::record(&mut self.tx, Some(&tenant), captured, &a).await?;
        self.tx.commit().await?;
        if written {
            a.mark_recorded();
        }
        Ok(())
    }
}

/// The master catalog's cross-tenant transaction, and the only one: one database
/// transaction that acts as one tenant at a time. Every statement runs as `coral_app`
/// under the row level security of the tenant in scope, the master-catalog link tables
/// included (their policies, migration 0014, say which tenant may do what with a row),
/// so the transaction is one database role from `BEGIN` to `COMMIT`, as Citus requires
/// (docs/citus-findings.md). Only code holding a [`PlatformDb`] can build one, and every
/// step into a tenant other than the request's is logged on the `audit` target with its
/// purpose, so the crossings are few, named and traceable.
pub struct CrossTenantTx {
    inner: TenantTx,
    /// The tenant whose request opened it; steps into any other tenant are audited.
    origin: TenantId,
    purpose: &'static str,
}

impl CrossTenantTx {
    /// The transaction as tenant `id` (switching scope if needed; the role stays
    /// `coral_app`).
    pub async fn tenant(&mut self, id: &TenantId) -> Result<&mut TenantTx> {
        if &self.inner.tenant_id != id {
            if id != &self.origin {
                tracing::info!(target: "audit", purpose = self.purpose, origin = %self.origin, tenant = %id,
                               "cross-tenant transaction acts as another tenant");
            }
            // Only the origin's changes belong to its record; another tenant's are not
            // captured (they would be staged in that tenant, out of the origin's reach).
            let audit = self.inner.audit_id.as_deref().filter(|_| id == &self.origin);
            let sql = scope(id, audit);
            (&mut *self.inner.tx).execute(sql.as_str()).await?;
            self.inner.tenant_id = id.clone();
        }
        Ok(&mut self.inner)
    }

    /// Commits in the scope of the tenant whose request opened it, so its audit record
    /// (if any) is written under that tenant.
    pub async fn commit(mut self) -> Result<()> {
        let origin = self.origin.clone();
        self.tenant(&origin).await?;
        self.inner.commit().await
    }
}

/// Cross-tenant access: the control plane as the schema owner, and tenant tables only
/// through [`PlatformRead`] (the owner itself sees no tenant rows). Handed only to
/// `/platform` handlers, the tenant directory and maintenance commands.
#[derive(Clone)]
pub struct PlatformDb {
    db: Arc<Database>,
}

impl PlatformDb {
    pub(crate) fn new(db: Arc<Database>) -> Self {
        Self { db }
    }

    /// The shared placement, which also holds the control plane (tenants, placements).
    pub fn control(&self) -> &PgPool {
        self.db.primary()
    }

    /// The pool of a placement, opened lazily.
    pub async fn placement(&self, placement_id: &str) -> Result<PgPool> {
        self.db.pool(placement_id).await
    }

    /// Every placement's pool, the shared one first.
    pub async fn all_placements(&self) -> Result<Vec<(String, PgPool)>> {
        self.db.all_pools().await
    }

    pub fn database(&self) -> &Arc<Database> {
        &self.db
    }

    /// Whether the shared placement answers one trivial query within `within`; the
    /// reason when not (known down, an error, or no answer in time). For `/ready`.
    pub async fn ping(&self, within: std::time::Duration) -> std::result::Result<(), String> {
        if self.health().is_down() {
            return Err("the database is down".to_owned());
        }
        let query = sqlx::query("SELECT 1").execute(self.control());
        match tokio::time::timeout(within, query).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!("no answer within {within:?}")),
        }
    }

    /// Whether the shared placement's server is reachable (see `db::health`).
    pub fn health(&self) -> &Health {
        self.db.health()
    }

    /// A control-plane transaction with change capture on; its commit writes `audit`'s
    /// record to `platform_audit_log` if it changed anything.
    pub async fn begin_audited(&self, audit: &Arc<Audit>) -> Result<PlatformTx> {
        let mut tx = self.db.health().or_unavailable(self.control().begin()).await?;
        let audit_id = audit::new_audit_id();
        // set_config, not SET LOCAL: the control plane's captured changes are the
        // coordinator's placements' (Citus carries only SET to the workers).
        sqlx::query("SELECT set_config('coral.audit', $1, true)")
            .bind(&audit_id)
            .execute(&mut *tx)
            .await?;
        Ok(PlatformTx {
            tx,
            audit: audit.clone(),
            audit_id,
        })
    }

    /// A [`PlatformRead`] on `pool` (the control pool or a placement's): `BEGIN READ ONLY`,
    /// the role and a cleared tenant scope in one round trip. Both settings are
    /// transaction-local, so the pooled connection carries nothing over.
    pub async fn read(&self, pool: &PgPool) -> Result<PlatformRead> {
        let tx = self
            .health()
            .or_unavailable(
                pool.begin_with("BEGIN READ ONLY; SET LOCAL ROLE coral_platform; SET LOCAL coral.tenant_id = '';"),
            )
            .await?;
        Ok(PlatformRead { tx })
    }

    /// Widens an open tenant transaction into the master catalog's cross-tenant one
    /// (see [`CrossTenantTx`]); `purpose` names the use case in the audit log.
    pub fn cross_tenant(&self, tx: TenantTx, purpose: &'static str) -> CrossTenantTx {
        tracing::debug!(target: "audit", purpose, tenant = %tx.tenant_id, "cross-tenant transaction opened");
        CrossTenantTx {
            origin: tx.tenant_id.clone(),
            inner: tx,
            purpose,
        }
    }
}

/// A read-only transaction as `coral_platform` (docs/plain-owner.md): it sees exactly
/// what the `platform_read` policies of migration 0011 give it (the publishable-key and
/// staff-login lookups, default sales channels, tenant audit records) and can write
/// nothing. For the platform's few true cross-tenant reads: the tenant directory,
/// sign-in's email lookup and the platform audit listing. Dropped, it rolls back.
pub struct PlatformRead {
    tx: Transaction<'static, Postgres>,
}

impl PlatformRead {
    /// The connection, for repository functions that take a `PlatformRead`.
    pub fn conn(&mut self) -> &mut PgConnection {
        &mut self.tx
    }

    /// Ends the transaction (it wrote nothing; this only returns the connection early).
    pub async fn finish(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }
}

/// An audited control-plane transaction (see [`PlatformDb::begin_audited`]).
pub struct PlatformTx {
    tx: Transaction<'static, Postgres>,
    audit: Arc<Audit>,
    /// This transaction's `coral.audit` (its record's id).
    audit_id: String,
}

impl std::ops::Deref for PlatformTx {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for PlatformTx {
    fn deref_mut(&mut self) -> &mut PgConnection {
        &mut self.tx
    }
}

impl PlatformTx {
    pub async fn commit(mut self) -> Result<()> {
        if !self.audit.is_recorded() {
            let tenant = self.audit.tenant_id.clone();
            let captured = audit::Captured {
                audit_id: &self.audit_id,
                staged: None,
                control: true,
            };
            if audit::record(&mut self.tx, tenant.as_deref(), captured, &self.audit).await? {
                self.tx.commit().await?;
                self.audit.mark_recorded();
                return Ok(());
            }
        }
        self.tx.commit().await?;
        Ok(())
    }
}

/// The statements that put a transaction in `tenant`'s scope (as `coral_app`, under RLS):
/// `SET LOCAL`, not `set_config()`, because Citus carries `SET LOCAL` to the workers that
/// run the shard queries (with `citus.propagate_set_commands = 'local'`) and does not carry
/// a `set_config()` call, leaving RLS on the shards without a tenant (issue 22).
///
/// `audit` is the record id capture notes changes under (`coral.audit`, which the
/// capture trigger of migration 0015 also needs on the workers), `None` for capture off.
fn scope(tenant: &TenantId, audit: Option<&str>) -> String {
    format!(
        "SET LOCAL ROLE coral_app; SET LOCAL coral.tenant_id = {}; SET LOCAL coral.audit = {};",
        literal(tenant.as_str()),
        literal(audit.unwrap_or(""))
    )
}

/// `s` as an SQL string literal (`SET` takes no parameters). Quotes are doubled; with
/// `standard_conforming_strings` (on since PostgreSQL 9.1) nothing else is special.
fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// `sql`, checked in debug builds to name `tenant_id`: with `$1` bound to the tenant, a
/// statement that never says `tenant_id` filters or writes by something else and leans
/// on row level security alone (which a Citus coordinator cannot route by). Run by every
/// tenant statement of the test suite, so a new one without its predicate fails there.
fn names_its_tenant(sql: &str) -> &str {
    debug_assert!(
        sql.contains("tenant_id"),
        "a tenant statement without an explicit tenant_id predicate: {sql}"
    );
    sql
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::source_scan::{rust_files, sample};

    /// Every `.rs` file under `dir`, recursively.
    /// The tenant id reaches a repository statement one way, `TenantTx::query*`, so `$1`
    /// is the tenant everywhere. Binding it by hand is what this guards against; the
    /// needles are split so this file does not match itself.
    #[test]
    fn repositories_bind_the_tenant_through_tenant_tx_query() {
        let needles = [
            concat!(".bind(tx.", "tenant_id()"),
            concat!("tx.tenant_id()", ".as_str().to_owned()"),
        ];
        let files = rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/db"));
        assert!(files.len() > 20, "found only {} files under src/db", files.len());
        let mut found = Vec::new();
        for file in files {
            let text: String = std::fs::read_to_string(&file)
                .expect("read source")
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            for needle in needles {
                if text.contains(needle) {
                    found.push(format!("{}: {needle}", file.display()));
                }
            }
        }
        assert!(
            found.is_empty(),
            "bind the tenant with tx.query/query_as/query_scalar instead:\n{}",
            found.join("\n")
        );
    }

    /// Repository functions that take a `TenantTx` run their statements through its
    /// helpers (so each is bound to the tenant and checked by `names_its_tenant`). A
    /// statement on no tenant table (a global table, the system catalog) says so on the
    /// comment right above: `// names no tenant table: <why>`.
    fn raw_tenant_statements(db: &Path) -> Vec<String> {
        let files = rust_files(db);
        let mut found = Vec::new();
        for file in files.iter().filter(|f| !f.ends_with("handles.rs")) {
            let text = std::fs::read_to_string(file).expect("read source");
            // `marked`: the comment lines right above say the statement is on no tenant table.
            let (mut in_signature, mut takes_tx, mut marked) = (false, false, false);
            for (n, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if code.split("fn ").next().is_some_and(|head| {
                    code.contains("fn ")
                        && head
                            .split_whitespace()
                            .all(|w| ["pub", "pub(crate)", "pub(super)", "async"].contains(&w))
                }) {
                    (in_signature, takes_tx) = (true, false);
                }
                if in_signature {
                    takes_tx |= code.contains("TenantTx");
                    in_signature = !code.contains('{');
                }
                if code.starts_with("//") {
                    marked |= code.contains("names no tenant table");
                    continue;
                }
                if takes_tx && code.contains("sqlx::query") && !marked {
                    found.push(format!("{}:{}: {}", file.display(), n + 1, code));
                }
                marked = false;
            }
        }
        found
    }

    #[test]
    fn tenant_statements_go_through_the_tenant_helpers() {
        let found = raw_tenant_statements(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/db"));
        assert!(
            found.is_empty(),
            "run tenant statements with tx.query/query_as/query_scalar (or mark a statement on no tenant table):\n{}",
            found.join("\n")
        );
    }

    #[test]
    fn the_scan_sees_a_raw_tenant_statement() {
        let dir = sample(&[(
            "keys.rs",
            "pub async fn list(tx: &mut TenantTx) -> Result<()> {\n    sqlx::query(\"SELECT 1 FROM api_keys\");\n}\n\
             pub async fn codes(\n    tx: &mut TenantTx,\n) -> Result<()> {\n    // names no tenant table: currencies are global\n    sqlx::query(\"SELECT code FROM currencies\");\n}\n\
             pub async fn plan(conn: &mut PgConnection) -> Result<()> {\n    sqlx::query(\"SELECT 1 FROM plans\");\n}\n",
        )]);
        let found = raw_tenant_statements(dir.path());
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].ends_with("keys.rs:2: sqlx::query(\"SELECT 1 FROM api_keys\");"),
            "{found:?}"
        );
    }

    #[test]
    fn the_scope_is_set_local_with_the_tenant_quoted() {
        let id = crate::core::ids::TenantId::from_trusted("ten_01ABC".into());
        assert_eq!(
            super::scope(&id, Some("alog_01XYZ")),
            "SET LOCAL ROLE coral_app; SET LOCAL coral.tenant_id = 'ten_01ABC'; SET LOCAL coral.audit = 'alog_01XYZ';"
        );
        assert_eq!(super::literal("a'b"), "'a''b'");
    }

    #[test]
    #[should_panic(expected = "without an explicit tenant_id predicate")]
    fn a_statement_without_its_tenant_panics_in_tests() {
        super::names_its_tenant("SELECT count(*) FROM products");
    }
}
