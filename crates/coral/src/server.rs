//! Start-up and shutdown: open the database (managed or given), migrate, build the app,
//! serve until SIGINT/SIGTERM, then stop cleanly.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};

use crate::app::App;
use crate::config::Config;
use crate::db::health::{self, Health};
use crate::db::managed_pg::{self, ManagedPostgres, Sharing, Tuning};
use crate::db::{migrate, Database, PlatformDb};
use crate::seed::demo;

/// The database Coral runs on, and the managed cluster behind it if there is one
/// (kept alive, and stopped when dropped).
pub struct Storage {
    pub db: Arc<Database>,
    pub managed: Option<ManagedPostgres>,
}

impl Storage {
    /// Opens the database: the managed cluster (started, adopted or attached to as
    /// `sharing` says, waiting out a crash recovery) or `CORAL_DATABASE_URL`; and starts
    /// the health monitor that makes requests fail fast while it is away.
    pub async fn open(cfg: &Config, sharing: Sharing) -> anyhow::Result<Self> {
        let health = Health::default();
        let (opts, managed) = match &cfg.database_url {
            Some(url) => {
                let opts: PgConnectOptions = url
                    .parse()
                    .context("CORAL_DATABASE_URL is not a valid postgres:// URL")?;
                (opts, None)
            }
            None => {
                let dir = cfg.data_dir.clone();
                let h = health.clone();
                let mut pg =
                    tokio::task::spawn_blocking(move || ManagedPostgres::start(&dir, Tuning::default(), sharing, h))
                        .await??;
                pg.wait_ready(cfg.pg_recovery_timeout).await?;
                ensure_database(&pg, managed_pg::DATABASE).await?;
                (pg.connect_options(managed_pg::DATABASE), Some(pg))
            }
        };
        let opts = opts.log_statements(tracing::log::LevelFilter::Trace);
        let db = Arc::new(Database::new(
            opts.clone(),
            cfg.db_pool_size,
            cfg.placement_pool_size,
            health.clone(),
        ));
        let alive = Arc::downgrade(&db);
        health::spawn_monitor(health, opts, move || {
            alive.upgrade().is_some_and(|db| !db.primary().is_closed())
        });
        Ok(Self { db, managed })
    }

    pub fn platform(&self) -> PlatformDb {
        PlatformDb::new(self.db.clone())
    }

    /// Closes the pools, then stops the managed cluster if this process started it.
    pub async fn shutdown(mut self) {
        self.db.close().await;
        if let Some(mut pg) = self.managed.take() {
            let _ = tokio::task::spawn_blocking(move || pg.stop()).await;
        }
    }
}

/// Creates `name` on the managed cluster when it does not exist yet.
/// Waits out the server's start-up phase (the socket accepts before queries do).
pub async fn ensure_database(pg: &ManagedPostgres, name: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + std::time::Duration::from_secs(30);
    let mut conn = loop {
        match sqlx::PgConnection::connect_with(&pg.connect_options("postgres")).await {
            Ok(c) => break c,
            Err(sqlx::Error::Database(e)) if Instant::now() < deadline && e.code().as_deref() == Some("57P03") => {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
            Err(e) => return Err(e).context("connecting to the managed PostgreSQL"),
        }
    };
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(name)
        .fetch_one(&mut conn)
        .await?;
    if !exists {
        sqlx::query(&format!("CREATE DATABASE \"{name}\""))
            .execute(&mut conn)
            .await?;
    }
    conn.close().await?;
    Ok(())
}

/// `coral serve`.
pub async fn serve(cfg: Config, with_demo: bool) -> anyhow::Result<()> {
    let started = Instant::now();
    let shutdown = shutdown_signal()?;
    let storage = Storage::open(&cfg, Sharing::Refuse).await?;
    if let Some(pg) = &storage.managed {
        println!(
            "PostgreSQL (managed, supervised): {} (log: postgres.log there)",
            pg.root().display()
        );
    }
    migrate::migrate_all(&storage.platform(), |_| {})
        .await
        .context("migrating")?;
    let listen = cfg.listen;
    let token_generated = cfg.secrets.platform_token_generated;
    let app = App::build(cfg, storage.db.clone()).await?;
    crate::app::usage::unspool(&app);
    if token_generated {
        println!(
            "Platform token (generated, saved in {}): {}",
            app.config.data_dir.join("platform-token").display(),
            app.config.secrets.platform_token
        );
    }
    if with_demo {
        print_demo(&app, &demo::ensure(&app).await?);
    }
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("binding {listen}"))?;
    let router = crate::http::router(app.clone());
    tracing::info!(%listen, ready_ms = started.elapsed().as_millis() as u64, tenants = app.directory.len(), "coral is ready");
    println!(
        "Coral listening on http://{listen} (ready in {} ms)",
        started.elapsed().as_millis()
    );
    let workers = (app.config.jobs.workers > 0).then(|| crate::app::jobs::spawn(app.clone()));
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service).with_graceful_shutdown(shutdown).await?;
    tracing::info!("shutting down");
    if let Some(w) = workers {
        w.stop().await;
    }
    crate::app::usage::flush(&app).await;
    storage.shutdown().await;
    Ok(())
}

/// `coral worker`: the job workers alone, for operators who run them apart from the
/// HTTP servers. Stops on SIGINT/SIGTERM after the running jobs finish.
pub async fn work(cfg: Config) -> anyhow::Result<()> {
    let shutdown = shutdown_signal()?;
    let storage = Storage::open(&cfg, Sharing::Attach).await?;
    migrate::migrate_all(&storage.platform(), |_| {})
        .await
        .context("migrating")?;
    let app = App::build(cfg, storage.db.clone()).await?;
    let workers = crate::app::jobs::spawn(app.clone());
    println!("Coral worker running {} job slot(s)", app.config.jobs.workers.max(1));
    shutdown.await;
    workers.stop().await;
    crate::app::usage::flush(&app).await;
    crate::app::usage::spool(&app);
    storage.shutdown().await;
    Ok(())
}

fn print_demo(app: &App, tenants: &[demo::DemoTenant]) {
    let port = app.config.listen.port();
    println!("Demo stores:");
    for t in tenants {
        println!("  {} ({}), plan {}", t.name, t.handle, t.plan);
        println!("    publishable key: {}", t.publishable_key);
        println!(
            "    try:  curl -H 'x-publishable-api-key: {}' http://localhost:{port}/store/regions",
            t.publishable_key
        );
        println!("    or:   curl http://{}:{port}/store/tenant", t.domain);
        println!("    staff login: {} / {}", t.admin_email, t.admin_password);
        println!(
            "    catalog manager: {} / {} (products, stock, prices only)",
            t.catalog_email, t.admin_password
        );
        println!(
            "    customer login: shopper@{}.localhost / {} (POST /auth/customer/emailpass)",
            t.handle, t.admin_password
        );
        if let Some(p) = &t.promotions {
            println!(
                "    promotion: code {} (10 % off, campaign \"Launch week\"); on sale: {}",
                p.code, p.sale_product
            );
        }
        if t.handle == demo::UNICODE_HANDLE.0 {
            println!(
                "    a Unicode handle: curl -H 'x-publishable-api-key: {}' 'http://localhost:{port}/store/products?handle={}'",
                t.publishable_key,
                demo::UNICODE_HANDLE.1
            );
        }
        println!(
            "    webhook {} -> {} (disabled; README \"Webhooks\" shows how to receive them)",
            t.webhook_id, t.webhook_url
        );
        println!(
            "    email from {}, order confirmation: {} (README \"Email\" shows how to see them)",
            t.email_from,
            if t.email_template_overridden {
                "the store's own template"
            } else {
                "the platform template"
            }
        );
    }
}

/// Resolves on SIGINT or SIGTERM. Registered before the server announces itself, so a
/// signal sent right after "listening" is never lost to the default (kill) action.
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => {},
            _ = int.recv() => {},
        }
    })
}
