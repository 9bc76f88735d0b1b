//! The test harness: one managed PostgreSQL cluster per test binary (Coral's own
//! managed-Postgres code), a migrated template database, and for each test a fresh
//! database copied from it with Coral's real router served on a random port.
//!
//! Plain-owner mode (`CORAL_TEST_PLAIN_OWNER=1`, issue 22): Coral connects as
//! `coral_owner`, a role that owns the test databases but is no superuser and has no
//! BYPASSRLS (LOGIN CREATEROLE only), as on managed PostgreSQL. Migrations, the creation
//! of `coral_app` and everything Coral does then run as that role. The tests' own raw
//! connections (`owner_conn`, `cluster().superuser_options`) stay the cluster superuser,
//! so their checks of stored rows see every row in both modes.
//!
//! Citus mode (`CORAL_TEST_CITUS=host:port,...`, issue 22 item 5): no managed
//! PostgreSQL; each fresh database is a distributed one on that Citus cluster, and
//! Coral and the tests connect to its coordinator as `postgres` (`citus_harness`).

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use coral::app::App;
use coral::config::{Config, PaymentsConfig, Secrets};
use coral::db::health::Health;
use coral::db::managed_pg::{ManagedPostgres, Sharing, Tuning};
use coral::server::{ensure_database, Storage};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};

use crate::citus_harness::Citus;

pub const PLATFORM_TOKEN: &str = "test-platform-token";
const TEMPLATE: &str = "coral_template";

/// The role Coral connects as in plain-owner mode (no superuser, no BYPASSRLS).
pub const PLAIN_OWNER: &str = "coral_owner";
/// Its password (the test cluster trusts local connections, but a managed service would
/// not; the URL carries it like a real one would).
const PLAIN_OWNER_PASSWORD: &str = "coral-owner-pw";

/// Whether the suite runs in plain-owner mode (`CORAL_TEST_PLAIN_OWNER=1`).
pub fn plain_owner() -> bool {
    std::env::var("CORAL_TEST_PLAIN_OWNER").is_ok_and(|v| v == "1")
}

/// The PostgreSQL the tests run against.
pub enum Cluster {
    /// Started by the harness, one per test binary.
    Managed(ManagedPostgres),
    /// An existing Citus cluster (`CORAL_TEST_CITUS`).
    Citus(Citus),
}

impl Cluster {
    /// The managed PostgreSQL (its binaries, its data directory). Tests that need them
    /// do not run in Citus mode.
    pub fn pg(&self) -> &ManagedPostgres {
        match self {
            Cluster::Managed(pg) => pg,
            Cluster::Citus(_) => panic!("this test needs the managed PostgreSQL, not Citus"),
        }
    }

    /// Connection options for `database` as the cluster superuser, who sees every row
    /// (the coordinator in Citus mode).
    pub fn superuser_options(&self, database: &str) -> PgConnectOptions {
        match self {
            Cluster::Managed(pg) => pg.connect_options(database),
            Cluster::Citus(citus) => citus.options(database),
        }
    }

    /// The role Coral connects as: the cluster superuser, or `coral_owner` in plain-owner
    /// mode.
    pub fn coral_role(&self) -> &'static str {
        if let Cluster::Citus(_) = self {
            "postgres"
        } else if plain_owner() {
            PLAIN_OWNER
        } else {
            coral::db::managed_pg::OWNER
        }
    }

    /// Connection options for `database` as the role Coral connects as.
    pub fn coral_options(&self, database: &str) -> PgConnectOptions {
        let opts = self.superuser_options(database);
        if plain_owner() {
            opts.username(PLAIN_OWNER).password(PLAIN_OWNER_PASSWORD)
        } else {
            opts
        }
    }

    /// `CORAL_DATABASE_URL` for `database`: as the cluster superuser, or as `coral_owner`
    /// in plain-owner mode.
    pub fn coral_url(&self, database: &str) -> String {
        let pg = match self {
            Cluster::Managed(pg) => pg,
            Cluster::Citus(citus) => return citus.url(database),
        };
        if plain_owner() {
            format!(
                "postgres://{PLAIN_OWNER}:{PLAIN_OWNER_PASSWORD}@localhost/{database}?host={}",
                pg.root().join("sock").display()
            )
        } else {
            pg.url(database)
        }
    }

    /// `CREATE DATABASE name [TEMPLATE t]`, owned by the role Coral connects as. In
    /// Citus mode, a plain database on the coordinator (no citus extension).
    pub async fn create_database(&self, name: &str, template: Option<&str>) {
        let mut conn = PgConnection::connect_with(&self.superuser_options("postgres"))
            .await
            .unwrap();
        let template = template.map(|t| format!(" TEMPLATE {t}")).unwrap_or_default();
        sqlx::query(&format!("CREATE DATABASE {name}{template} OWNER {}", self.coral_role()))
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
    }
}

/// Creates `coral_owner` as managed services give it: LOGIN and CREATEROLE, nothing else.
async fn create_plain_owner(pg: &ManagedPostgres) {
    let mut conn = PgConnection::connect_with(&pg.connect_options("postgres"))
        .await
        .unwrap();
    sqlx::query(&format!(
        "CREATE ROLE {PLAIN_OWNER} LOGIN CREATEROLE NOSUPERUSER NOBYPASSRLS NOCREATEDB \
         PASSWORD '{PLAIN_OWNER_PASSWORD}'"
    ))
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
}

/// Starts the cluster once per test binary. It is stopped by the kernel when the test
/// process exits (the managed server's parent-death signal), so nothing is left behind.
pub fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(|| {
        if let Some(citus) = Citus::from_env() {
            assert!(
                !plain_owner(),
                "CORAL_TEST_CITUS and CORAL_TEST_PLAIN_OWNER do not go together"
            );
            return std::thread::spawn(|| {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(citus.remove_stale_databases());
                Citus::drop_databases_at_exit();
                Cluster::Citus(citus)
            })
            .join()
            .expect("cluster thread");
        }
        std::thread::spawn(|| {
            let base = PathBuf::from("/tmp/coral-it");
            remove_stale_dirs(&base);
            let dir = base.join(std::process::id().to_string());
            let tuning = Tuning {
                unsafe_fast: true,
                tied_to_parent: true,
            };
            let pg = ManagedPostgres::start(&dir, tuning, Sharing::Attach, Health::default())
                .expect("starting test postgres");
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let cluster = Cluster::Managed(pg);
            rt.block_on(async {
                // Connecting once waits for the server to accept connections.
                ensure_database(cluster.pg(), "postgres").await.expect("postgres ready");
                if plain_owner() {
                    create_plain_owner(cluster.pg()).await;
                }
                cluster.create_database(TEMPLATE, None).await;
                let mut conn = PgConnection::connect_with(&cluster.coral_options(TEMPLATE))
                    .await
                    .unwrap();
                coral::db::migrate::MIGRATOR
                    .run(&mut conn)
                    .await
                    .expect("migrating template");
                conn.close().await.unwrap();
            });
            cluster
        })
        .join()
        .expect("cluster thread")
    })
}

/// Data dirs of earlier test runs whose process is gone. Names end in the owning
/// process id (`1234`, `serve-1234`): a live run's dirs are never touched.
fn remove_stale_dirs(base: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(base) else { return };
    for e in entries.flatten() {
        let alive = e
            .file_name()
            .to_str()
            .and_then(|p| p.rsplit('-').next()?.parse::<u32>().ok())
            .is_some_and(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists());
        if !alive {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// A fresh database copied from the migrated template (in Citus mode, built and
/// distributed: `citus_harness`); returns its name.
pub async fn fresh_database() -> String {
    static CREATE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let c = cluster();
    if let Cluster::Citus(citus) = c {
        // One at a time: adding nodes and `ALTER ROLE` update the same rows of each
        // node's shared catalogs ("tuple concurrently updated").
        let _guard = CREATE.lock().await;
        return citus.fresh_database().await;
    }
    let name = format!("t_{}", ulid::Ulid::new().to_string().to_lowercase());
    let _guard = CREATE.lock().await;
    c.create_database(&name, Some(TEMPLATE)).await;
    name
}

pub struct TestApp {
    pub url: String,
    pub client: reqwest::Client,
    pub app: Arc<App>,
    pub database: String,
    _data_dir: tempfile::TempDir,
}

pub fn test_config(database: &str, data_dir: &std::path::Path) -> Config {
    Config {
        data_dir: data_dir.to_path_buf(),
        database_url: Some(cluster().coral_url(database)),
        listen: "127.0.0.1:0".parse().unwrap(),
        base_domain: Some("shops.test".into()),
        single_tenant: false,
        db_pool_size: 8,
        placement_pool_size: 4,
        body_limit: 64 * 1024,
        catalog_cache_bytes: 64 << 20,
        render_cache_bytes: 16 << 20,
        payments: PaymentsConfig {
            nmi_url: "http://127.0.0.1:9/unused".into(),
            nmi_security_key: None,
        },
        // Unlimited, so tests of other things never meet a rate limit; the limits tests
        // choose their tenants' plans.
        default_plan: "enterprise".into(),
        default_features: Default::default(),
        pg_recovery_timeout: std::time::Duration::from_secs(60),
        secrets: Secrets {
            platform_token: PLATFORM_TOKEN.into(),
            jwt_secret: format!("jwt-{database}"),
            master_key: format!("mk-{database}"),
            platform_token_generated: false,
        },
        // Workers are started by the tests that want them (tests/it/webhooks.rs).
        jobs: coral::config::JobsConfig {
            allow_private: true,
            ..Default::default()
        },
    }
}

/// A provisioned tenant as the tests use it.
#[derive(Debug, Clone)]
pub struct TestTenant {
    pub id: String,
    pub key: String,
    pub admin_email: String,
}

pub const ADMIN_PASSWORD: &str = "s3cret-password";

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(tweak: impl FnOnce(&mut Config)) -> Self {
        let database = fresh_database().await;
        Self::spawn_on(&database, tweak).await
    }

    /// Another Coral instance on an existing database (a second process, in effect).
    pub async fn spawn_on(database: &str, tweak: impl FnOnce(&mut Config)) -> Self {
        let data_dir = tempfile::tempdir().unwrap();
        let mut cfg = test_config(database, data_dir.path());
        tweak(&mut cfg);
        let storage = Storage::open(&cfg, Sharing::Attach).await.unwrap();
        let app = App::build(cfg, storage.db.clone()).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let router = coral::http::router(app.clone());
        let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, service).await });
        Self {
            url,
            client: reqwest::Client::new(),
            app,
            database: database.to_owned(),
            _data_dir: data_dir,
        }
    }

    pub fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.client.get(format!("{}{path}", self.url))
    }

    pub fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.client.post(format!("{}{path}", self.url))
    }

    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client.request(method, format!("{}{path}", self.url))
    }

    /// `GET path` as tenant `t`'s storefront (its publishable key).
    pub async fn store_get(&self, t: &TestTenant, path: &str) -> (StatusCode, Value) {
        send(self.get(path).header("x-publishable-api-key", &t.key)).await
    }

    pub async fn platform(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut req = self.request(method, path).bearer_auth(PLATFORM_TOKEN);
        if let Some(b) = body {
            req = req.json(&b);
        }
        send(req).await
    }

    /// Provisions a tenant with an admin and one region (`Europe`, EUR, fr/de).
    pub async fn tenant(&self, handle: &str) -> TestTenant {
        self.tenant_with(handle, json!({})).await
    }

    /// Provisions a tenant; `extra` fields are merged into the create body.
    pub async fn tenant_with(&self, handle: &str, extra: Value) -> TestTenant {
        let admin_email = format!("admin@{handle}.test");
        let mut body = json!({
            "handle": handle, "name": format!("Store {handle}"), "default_currency_code": "eur",
            "admin": { "email": admin_email, "password": ADMIN_PASSWORD },
        });
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        let (status, v) = self
            .platform(reqwest::Method::POST, "/platform/tenants", Some(body))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        let t = TestTenant {
            id: v["tenant"]["id"].as_str().unwrap().to_owned(),
            key: v["publishable_api_key"]["token"].as_str().unwrap().to_owned(),
            admin_email,
        };
        self.add_region(&t, &format!("{handle} Europe"), "eur", &["fr", "de"])
            .await;
        t
    }

    /// Inserts a region through Coral's own repository, under the tenant's RLS scope.
    pub async fn add_region(&self, t: &TestTenant, name: &str, currency: &str, countries: &[&str]) -> String {
        let tenant = self.app.directory.by_id_or_handle(&t.id).unwrap();
        let db = self.app.directory.tenant_db(&tenant).await.unwrap();
        let mut tx = db.begin().await.unwrap();
        let countries: Vec<String> = countries.iter().map(|c| c.to_string()).collect();
        let id = coral::db::regions::insert(&mut tx, name, currency, &countries)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        id
    }

    /// Logs in as the tenant's admin and returns the bearer token.
    pub async fn admin_token(&self, t: &TestTenant) -> String {
        let (status, v) = send(
            self.post("/auth/user/emailpass")
                .json(&json!({ "email": t.admin_email, "password": ADMIN_PASSWORD })),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{v}");
        v["token"].as_str().unwrap().to_owned()
    }

    /// A raw connection to this test's database as the cluster superuser, which sees
    /// every row (in plain-owner mode Coral itself connects as `coral_owner`).
    pub async fn owner_conn(&self) -> PgConnection {
        PgConnection::connect_with(&cluster().superuser_options(&self.database))
            .await
            .unwrap()
    }
}

/// Puts the open transaction on `conn` in `tenant_id`'s scope, as Coral does: as
/// `coral_app`, under row level security. `SET LOCAL`, not `set_config()`: Citus carries
/// only the former to the workers (docs/citus.md), so on Citus a `set_config()` scope
/// leaves the shards without a tenant.
pub async fn scope_to_tenant(conn: &mut PgConnection, tenant_id: &str) {
    let sql = format!(
        "SET LOCAL ROLE coral_app; SET LOCAL coral.tenant_id = '{}'",
        tenant_id.replace('\'', "''")
    );
    sqlx::Executor::execute(conn, sql.as_str()).await.unwrap();
}

/// Sends and returns status and JSON body (`Value::Null` when the body is not JSON).
/// A JSON body Coral accepts must validate against its route's schema in the OpenAPI
/// document (`contract`), and so must the answer against the schema the document gives
/// its status, or the calling test fails.
pub async fn send(req: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let (client, req) = req.build_split();
    let req = req.expect("building the request");
    let sent = crate::contract::Sent::of(&req);
    let resp = client.execute(req).await.expect("request failed");
    let status = resp.status();
    if status.is_success() {
        sent.check_accepted();
    }
    let text = resp.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    sent.check_answer(status.as_u16(), &body);
    (status, body)
}

/// Polls `check` until it is true or `within` passes.
pub async fn eventually<F, Fut>(within: std::time::Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if check().await {
            return true;
        }
        if tokio::time::Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
}

/// A query value percent-encoded as JavaScript clients' `qs` writes it (RFC 3986: all
/// but letters, digits and `-_.~`, so `*`, `,`, `+`, spaces and non-ASCII are encoded).
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A staff session of one tenant.
pub struct Admin<'a> {
    pub app: &'a TestApp,
    pub token: String,
}

impl<'a> Admin<'a> {
    pub async fn of(app: &'a TestApp, t: &TestTenant) -> Self {
        Self {
            app,
            token: app.admin_token(t).await,
        }
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut req = self.app.request(method, path).bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        send(req).await
    }

    pub async fn ok(&self, method: Method, path: &str, body: Value) -> Value {
        let (s, v) = self.call(method, path, Some(body)).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v
    }
}
