//! The harness's Citus mode (issue 22 item 5; docs/citus.md): with
//! `CORAL_TEST_CITUS=host:port,host:port,...` (the coordinator first, then the workers)
//! the tests run against an existing Citus cluster instead of a managed PostgreSQL.
//! Every node is reached over TCP as the superuser `postgres`, password `postgres`.
//!
//! A distributed database cannot be copied from a template (its shards live on the
//! workers), so each fresh database is built from scratch: created on every node,
//! joined into a cluster of its own, migrated and distributed as `coral citus
//! distribute` does (~20–40 s). Its name, `t_<pid>_<ulid>`, carries the test process's
//! id: the process drops its databases on every node when it exits, and a later run
//! drops those of a run that was killed.
//!
//! The roles `coral_app` and `coral_platform` are global to each node and shared with
//! whatever else uses the cluster: they are given LOGIN with password `coral_app`
//! (`db::citus::allow_role_logins`), never dropped.

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, Executor, PgConnection};

/// The superuser every node is reached as, and its password.
const SUPERUSER: (&str, &str) = ("postgres", "postgres");
/// The password `coral_app` and `coral_platform` log in with on the workers.
const ROLE_PASSWORD: &str = "coral_app";

/// The nodes of the cluster under test.
pub struct Citus {
    /// `(host, port)` of the coordinator, then of each worker.
    nodes: Vec<(String, u16)>,
}

impl Citus {
    /// The cluster named by `CORAL_TEST_CITUS`, if set.
    pub fn from_env() -> Option<Self> {
        let list = std::env::var("CORAL_TEST_CITUS").ok().filter(|v| !v.is_empty())?;
        let nodes: Vec<(String, u16)> = list
            .split(',')
            .map(|node| {
                let (host, port) = node
                    .trim()
                    .rsplit_once(':')
                    .expect("CORAL_TEST_CITUS: host:port,host:port,...");
                (host.to_owned(), port.parse().expect("CORAL_TEST_CITUS: a port number"))
            })
            .collect();
        assert!(
            nodes.len() >= 2,
            "CORAL_TEST_CITUS: a coordinator and at least one worker"
        );
        Some(Self { nodes })
    }

    /// Superuser connection options for `database` on node `i` (0: the coordinator).
    fn node_options(&self, i: usize, database: &str) -> PgConnectOptions {
        let (host, port) = &self.nodes[i];
        PgConnectOptions::new()
            .host(host)
            .port(*port)
            .username(SUPERUSER.0)
            .password(SUPERUSER.1)
            .database(database)
    }

    /// Superuser connection options for `database` on the coordinator.
    pub fn options(&self, database: &str) -> PgConnectOptions {
        self.node_options(0, database)
    }

    /// `postgres://` URL of `database` on the coordinator, as the superuser.
    pub fn url(&self, database: &str) -> String {
        let (host, port) = &self.nodes[0];
        let (user, password) = SUPERUSER;
        format!("postgres://{user}:{password}@{host}:{port}/{database}")
    }

    /// A new distributed database, named `t_<pid>_<ulid>`, with Coral's schema migrated
    /// and distributed; returns its name.
    pub async fn fresh_database(&self) -> String {
        let name = format!(
            "t_{}_{}",
            std::process::id(),
            ulid::Ulid::new().to_string().to_lowercase()
        );
        for i in 0..self.nodes.len() {
            self.on_node(i, "postgres", &format!("CREATE DATABASE {name}")).await;
            // Citus connects between nodes over TCP with passwords: one row per role
            // its connections are opened as (the current role of a transaction).
            let authinfo = format!(
                "CREATE EXTENSION citus; \
                 INSERT INTO pg_dist_authinfo (nodeid, rolename, authinfo) VALUES \
                 (0, 'postgres', 'password={}'), (0, 'coral_app', 'password={ROLE_PASSWORD}'), \
                 (0, 'coral_platform', 'password={ROLE_PASSWORD}') \
                 ON CONFLICT (rolename, nodeid) DO UPDATE SET authinfo = EXCLUDED.authinfo",
                SUPERUSER.1
            );
            self.on_node(i, &name, &authinfo).await;
        }
        let mut conn = PgConnection::connect_with(&self.options(&name)).await.unwrap();
        for (i, (host, port)) in self.nodes.iter().enumerate() {
            let add = if i == 0 {
                "SELECT citus_set_coordinator_host($1, $2)"
            } else {
                "SELECT citus_add_node($1, $2)"
            };
            sqlx::query(add)
                .bind(host)
                .bind(i32::from(*port))
                .execute(&mut conn)
                .await
                .unwrap_or_else(|e| panic!("{add} for {host}:{port}: {e}"));
        }
        conn.close().await.unwrap();

        let pool = PgPoolOptions::new()
            .max_connections(2)
            .connect_with(self.options(&name))
            .await
            .unwrap();
        coral::db::migrate::MIGRATOR
            .run(&pool)
            .await
            .expect("migrating on the coordinator");
        coral::db::citus::distribute(&pool, |_| {})
            .await
            .expect("coral citus distribute");
        coral::db::citus::allow_role_logins(&pool, ROLE_PASSWORD)
            .await
            .expect("allowing coral_app and coral_platform to log in");
        pool.close().await;
        name
    }

    /// Drops, on every node, the `t_<pid>_<ulid>` databases of test processes that are
    /// gone (`/proc/<pid>` missing: the cluster must run on this machine for that to
    /// mean anything), left by a run that was killed.
    pub async fn remove_stale_databases(&self) {
        self.drop_databases(|pid| !std::path::Path::new(&format!("/proc/{pid}")).exists())
            .await;
    }

    /// Drops this process's databases when it exits (each Citus database holds a
    /// maintenance worker on every node, and a node has few). Registered once.
    pub fn drop_databases_at_exit() {
        extern "C" fn at_exit() {
            // A panic must not cross into C: it ends the thread, reported by `join`.
            let done = std::thread::spawn(|| {
                let citus = Citus::from_env().unwrap();
                let mine = std::process::id();
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(citus.drop_databases(|pid| pid == mine));
            })
            .join();
            if done.is_err() {
                eprintln!("CORAL_TEST_CITUS: dropping this run's t_<pid>_* databases failed (docs/citus.md)");
            }
        }
        // SAFETY: `at_exit` is a plain function that lives as long as the process.
        unsafe { nix::libc::atexit(at_exit) };
    }

    /// Drops each `t_<pid>_<ulid>` database whose `pid` is `chosen`, on the workers then
    /// the coordinator, one database at a time (a node whose database is gone is looked
    /// for by the others' maintenance workers). Other databases are never touched.
    async fn drop_databases(&self, chosen: impl Fn(u32) -> bool) {
        let mut conns = Vec::new();
        let mut names = std::collections::BTreeSet::new();
        for i in 0..self.nodes.len() {
            let mut conn = PgConnection::connect_with(&self.node_options(i, "postgres"))
                .await
                .unwrap();
            let here: Vec<String> =
                sqlx::query_scalar("SELECT datname::text FROM pg_database WHERE datname ~ '^t_[0-9]+_[0-9a-z]{26}$'")
                    .fetch_all(&mut conn)
                    .await
                    .unwrap();
            names.extend(here);
            conns.push(conn);
        }
        for name in names {
            let pid: u32 = name.split('_').nth(1).unwrap().parse().unwrap();
            if !chosen(pid) {
                continue;
            }
            for (i, conn) in conns.iter_mut().enumerate().rev() {
                conn.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                    .await
                    .unwrap_or_else(|e| panic!("dropping {name} on node {i}: {e}"));
            }
        }
        for conn in conns {
            conn.close().await.unwrap();
        }
    }

    /// Runs `sql` (one or more statements) in `database` on node `i`.
    async fn on_node(&self, i: usize, database: &str, sql: &str) {
        let mut conn = PgConnection::connect_with(&self.node_options(i, database))
            .await
            .unwrap_or_else(|e| panic!("connecting to {database} on node {i}: {e}"));
        conn.execute(sql)
            .await
            .unwrap_or_else(|e| panic!("{sql} on node {i}: {e}"));
        conn.close().await.unwrap();
    }
}
