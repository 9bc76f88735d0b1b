//! The `coral` command line. Tenant commands call the same use cases as `/platform`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use serde_json::{json, Value};

use crate::app::platform::{self, CreateTenant, NewAdmin};
use crate::app::App;
use crate::config::{Config, PaymentsConfig, Secrets};
use crate::db::audit::Audit;
use crate::db::managed_pg::Sharing;
use crate::db::migrate;
use crate::http::platform::tenants::PlatformTenant;
use crate::server::{self, Storage};
use crate::tenancy::TenantStatus;

#[derive(Parser)]
#[command(
    name = "coral",
    version,
    about = "Coral: a multi-tenant commerce engine with a Medusa v2 compatible storefront API",
    long_about = "Coral: a multi-tenant commerce engine with a Medusa v2 compatible storefront API.\n\n\
        Without CORAL_DATABASE_URL, Coral runs its own PostgreSQL cluster under $CORAL_DATA_DIR/pg \
        (it needs the PostgreSQL server binaries installed).\n\n\
        Quick start:  coral serve --demo"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args)]
pub struct GlobalArgs {
    /// Where Coral keeps local state: the managed Postgres cluster and generated secrets.
    #[arg(long, env = "CORAL_DATA_DIR", default_value = "./.coral", global = true)]
    pub data_dir: PathBuf,
    /// Postgres URL of the shared placement. Unset: the managed local Postgres.
    #[arg(long, env = "CORAL_DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// Serve `{handle}.<domain>` hosts as that tenant's storefront, e.g. shops.example.com.
    #[arg(long, env = "CORAL_BASE_DOMAIN", global = true)]
    pub base_domain: Option<String>,
    /// With exactly one tenant, store requests without any tenant signal go to it.
    #[arg(long, env = "CORAL_SINGLE_TENANT", global = true)]
    pub single_tenant: bool,
    /// Connections in the shared placement's pool.
    #[arg(long, env = "CORAL_DB_POOL_SIZE", default_value_t = 32, global = true)]
    pub db_pool_size: u32,
    /// Connections in each other placement's pool.
    #[arg(long, env = "CORAL_PLACEMENT_POOL_SIZE", default_value_t = 8, global = true)]
    pub placement_pool_size: u32,
    /// Largest request body accepted, in bytes (larger: 413).
    #[arg(long, env = "CORAL_BODY_LIMIT", default_value_t = 1 << 20, global = true)]
    pub body_limit: usize,
    /// Memory budget for the per-tenant catalog snapshots, in MiB.
    #[arg(long, env = "CORAL_CATALOG_CACHE_MB", default_value_t = 512, global = true)]
    pub catalog_cache_mb: usize,
    /// Memory budget for cached rendered product JSON, in MiB (all tenants together).
    #[arg(long, env = "CORAL_RENDER_CACHE_MB", default_value_t = 64, global = true)]
    pub render_cache_mb: usize,
    /// NMI Direct Post endpoint for the `pp_nmi_nmi` payment provider.
    #[arg(
        long,
        env = "CORAL_NMI_URL",
        default_value = "https://secure.nmi.com/api/transact.php",
        global = true
    )]
    pub nmi_url: String,
    /// Plan of tenants created without one (`free`, `standard`, `enterprise` or your own).
    #[arg(long, env = "CORAL_DEFAULT_PLAN", default_value = "standard", global = true)]
    pub default_plan: String,
    /// Platform-wide feature flags under every plan: `name` (on) or `name=false`, comma-separated.
    #[arg(long, env = "CORAL_DEFAULT_FEATURES", default_value = "", global = true)]
    pub default_features: String,
    /// Seconds to wait for the managed PostgreSQL's crash recovery at start before giving
    /// up (it then goes on recovering in the background).
    #[arg(long, env = "CORAL_PG_RECOVERY_TIMEOUT", default_value_t = 600, global = true)]
    pub pg_recovery_timeout: u64,
    /// Background jobs (webhook deliveries) run at once by this process; 0: none in `serve`.
    #[arg(long, env = "CORAL_WORKERS", default_value_t = 16, global = true)]
    pub workers: usize,
    /// Attempts of a job before it is dead-lettered.
    #[arg(long, env = "CORAL_JOB_MAX_ATTEMPTS", default_value_t = 10, global = true)]
    pub job_max_attempts: i32,
    /// First retry delay in milliseconds; it doubles per attempt (±20 % jitter), up to 6 h.
    #[arg(long, env = "CORAL_JOB_RETRY_BASE_MS", default_value_t = 10_000, global = true)]
    pub job_retry_base_ms: u64,
    /// Seconds a claimed job is held before another worker may take it over.
    #[arg(long, env = "CORAL_JOB_LEASE_SECS", default_value_t = 60, global = true)]
    pub job_lease_secs: u64,
    /// Timeout of one webhook request, in milliseconds.
    #[arg(long, env = "CORAL_WEBHOOK_TIMEOUT_MS", default_value_t = 10_000, global = true)]
    pub webhook_timeout_ms: u64,
    /// Consecutive failed deliveries after which an endpoint is disabled.
    #[arg(long, env = "CORAL_WEBHOOK_DISABLE_AFTER", default_value_t = 50, global = true)]
    pub webhook_disable_after: i32,
    /// Let webhooks reach private, loopback and link-local addresses (tests, intranets).
    #[arg(long, env = "CORAL_WEBHOOK_ALLOW_PRIVATE", global = true)]
    pub webhook_allow_private: bool,
    /// SMTP relay of transactional email (`smtp://host:port`, STARTTLS when offered;
    /// `smtps://` for TLS from the start). Unset: no email is sent.
    #[arg(long, env = "CORAL_SMTP_URL", global = true)]
    pub smtp_url: Option<String>,
    /// Sender of stores that set none, e.g. `Shop <no-reply@example.com>`.
    #[arg(long, env = "CORAL_EMAIL_FROM", default_value = crate::config::DEFAULT_EMAIL_FROM, global = true)]
    pub email_from: String,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the HTTP server (migrates the database first).
    Serve {
        /// Address to listen on.
        #[arg(long, env = "CORAL_LISTEN", default_value = "127.0.0.1:9000")]
        listen: SocketAddr,
        /// Create the demo stores `acme` and `globex` if missing, and print their keys.
        #[arg(long)]
        demo: bool,
    },
    /// Apply schema migrations to every placement.
    Migrate,
    /// Run Coral on Citus (docs/citus.md).
    #[command(subcommand)]
    Citus(CitusCommand),
    /// Run only the background job workers (webhook deliveries), no HTTP server.
    Worker,
    /// Manage tenants (stores), like the /platform API does.
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Provision benchmark tenants (`bench-0001`…) with a catalog, and write their keys.
    BenchSeed {
        /// How many tenants.
        #[arg(long, default_value_t = 1)]
        tenants: usize,
        /// Products per tenant (each with S/M/L variants).
        #[arg(long, default_value_t = 1000)]
        products: usize,
        /// Where to write the publishable keys, one per line (for `coral-bench --keys-file`).
        #[arg(long, default_value = "bench-keys.txt")]
        keys_file: PathBuf,
        /// Plan of new bench tenants; `enterprise` (no rate limits) measures the engine itself.
        #[arg(long, default_value = "enterprise")]
        plan: String,
    },
}

#[derive(Subcommand)]
pub enum CitusCommand {
    /// Turn the migrated database on a Citus coordinator (`CORAL_DATABASE_URL`) into
    /// Coral's distributed layout: store tables distributed by store and colocated,
    /// global tables as reference tables. Idempotent; later `coral migrate` runs place
    /// new tables themselves.
    Distribute {
        /// Also let coral_app and coral_platform log in to the workers with this
        /// password (LOGIN, and pg_dist_authinfo rows on every node).
        #[arg(long, env = "CORAL_CITUS_ROLE_PASSWORD", hide_env_values = true)]
        role_password: Option<String>,
    },
}

#[derive(Subcommand)]
#[expect(clippy::large_enum_variant, reason = "parsed once per run; boxing buys nothing")]
pub enum TenantCommand {
    /// Provision a store: tenant, default sales channel, publishable key, optional first admin.
    Create {
        /// Lowercase DNS-safe handle, e.g. `acme`.
        #[arg(long)]
        handle: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// Default currency (ISO 4217), e.g. eur.
        #[arg(long, default_value = "usd")]
        currency: String,
        /// Default locale, e.g. en-US.
        #[arg(long, default_value = "en-US")]
        locale: String,
        /// Default country (ISO 3166 alpha-2).
        #[arg(long)]
        country: Option<String>,
        /// A custom domain for the storefront (repeatable).
        #[arg(long = "domain")]
        domains: Vec<String>,
        /// Let storefronts name this store with the x-tenant-id header.
        #[arg(long)]
        allow_tenant_header: bool,
        /// Placement (database) id; default the shared one.
        #[arg(long)]
        placement: Option<String>,
        /// Plan id (`free`, `standard`, `enterprise`, …); default `CORAL_DEFAULT_PLAN`.
        #[arg(long)]
        plan: Option<String>,
        /// Email of the first staff user (tenant_admin).
        #[arg(long, requires = "admin_password")]
        admin_email: Option<String>,
        /// Password of the first staff user.
        #[arg(long, requires = "admin_email", env = "CORAL_ADMIN_PASSWORD", hide_env_values = true)]
        admin_password: Option<String>,
    },
    /// List stores.
    List {
        /// Only stores in this status: active, suspended, deactivated.
        #[arg(long)]
        status: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long, default_value_t = 0)]
        offset: i64,
    },
    /// Show one store, by id or handle.
    Show { id: String },
    /// Suspend a store: its storefront answers 403 until resumed.
    Suspend { id: String },
    /// Resume a suspended or deactivated store.
    Resume { id: String },
}

impl GlobalArgs {
    pub fn config(&self, listen: SocketAddr) -> anyhow::Result<Config> {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        if let Some(url) = self.smtp_url.as_deref().filter(|u| !u.trim().is_empty()) {
            crate::adapters::smtp::Mailer::new(url, &self.email_from, Duration::from_secs(10))
                .map_err(|e| anyhow::anyhow!(e))?;
        }
        Ok(Config {
            secrets: Secrets::load(
                &self.data_dir,
                env("CORAL_PLATFORM_TOKEN"),
                env("CORAL_JWT_SECRET"),
                env("CORAL_MASTER_KEY"),
            )?,
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone().filter(|u| !u.is_empty()),
            listen,
            base_domain: self
                .base_domain
                .clone()
                .map(|d| d.trim_matches('.').to_ascii_lowercase()),
            single_tenant: self.single_tenant,
            db_pool_size: self.db_pool_size,
            placement_pool_size: self.placement_pool_size,
            body_limit: self.body_limit,
            catalog_cache_bytes: self.catalog_cache_mb << 20,
            render_cache_bytes: self.render_cache_mb << 20,
            payments: PaymentsConfig {
                nmi_url: self.nmi_url.clone(),
                nmi_security_key: env("NMI_SECURITY_KEY"),
            },
            default_plan: self.default_plan.clone(),
            default_features: crate::config::parse_features(&self.default_features)?,
            pg_recovery_timeout: std::time::Duration::from_secs(self.pg_recovery_timeout),
            jobs: crate::config::JobsConfig {
                workers: self.workers,
                max_attempts: self.job_max_attempts.max(1),
                retry_base: Duration::from_millis(self.job_retry_base_ms),
                lease: Duration::from_secs(self.job_lease_secs.max(1)),
                webhook_timeout: Duration::from_millis(self.webhook_timeout_ms.max(1)),
                disable_after: self.webhook_disable_after.max(1),
                allow_private: self.webhook_allow_private,
                smtp_url: self.smtp_url.clone().filter(|u| !u.trim().is_empty()),
                email_from: self.email_from.clone(),
                ..Default::default()
            },
        })
    }
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let default_listen: SocketAddr = "127.0.0.1:9000".parse()?;
    match cli.command {
        Command::Serve { listen, demo } => server::serve(cli.global.config(listen)?, demo).await,
        Command::Worker => server::work(cli.global.config(default_listen)?).await,
        Command::Citus(CitusCommand::Distribute { role_password }) => {
            let cfg = cli.global.config(default_listen)?;
            if cfg.database_url.is_none() {
                anyhow::bail!("set CORAL_DATABASE_URL to the Citus coordinator's database");
            }
            let storage = Storage::open(&cfg, Sharing::Attach).await?;
            let pool = storage.platform().control().clone();
            migrate::migrate(&pool).await?;
            let bar = indicatif::ProgressBar::new_spinner();
            let layout = crate::db::citus::distribute(&pool, |step| {
                bar.inc(1);
                bar.set_message(step.to_owned());
            })
            .await;
            bar.finish_and_clear();
            let layout = layout?;
            if let Some(password) = role_password {
                crate::db::citus::allow_role_logins(&pool, &password).await?;
                println!("coral_app and coral_platform may log in to the workers");
            }
            storage.shutdown().await;
            println!(
                "{} reference and {} distributed table(s) placed now, {} already; {} foreign key(s) re-added; \
                 colocation groups: {}",
                layout.reference.len(),
                layout.distributed.len(),
                layout.already,
                layout.foreign_keys,
                layout.colocation_groups
            );
            Ok(())
        }
        Command::Migrate => {
            let cfg = cli.global.config(default_listen)?;
            let storage = Storage::open(&cfg, Sharing::Attach).await?;
            // Each migration runs in its own transaction: an interrupted run leaves every
            // placement at a whole migration, and the next run carries on from there.
            let bar = indicatif::ProgressBar::new_spinner();
            let n = migrate::migrate_all(&storage.platform(), |p| {
                bar.inc(1);
                bar.set_message(format!("migrated placement {p}"));
            })
            .await;
            bar.finish_and_clear();
            storage.shutdown().await;
            println!("{} placement(s) up to date", n?);
            Ok(())
        }
        Command::BenchSeed {
            tenants,
            products,
            keys_file,
            plan,
        } => {
            let cfg = cli.global.config(default_listen)?;
            let storage = Storage::open(&cfg, Sharing::Attach).await?;
            let result = async {
                migrate::migrate_all(&storage.platform(), |_| {}).await?;
                let app = App::build(cfg, storage.db.clone()).await?;
                bench_seed(&app, tenants, products, &plan, &keys_file).await
            }
            .await;
            storage.shutdown().await;
            result
        }
        Command::Tenant(cmd) => {
            let cfg = cli.global.config(default_listen)?;
            let storage = Storage::open(&cfg, Sharing::Attach).await?;
            let result = async {
                migrate::migrate_all(&storage.platform(), |_| {}).await?;
                let app = App::build(cfg, storage.db.clone()).await?;
                tenant(&app, cmd).await
            }
            .await;
            storage.shutdown().await;
            println!("{}", serde_json::to_string_pretty(&result?)?);
            Ok(())
        }
    }
}

/// Seeds tenant after tenant with a progress bar. Ctrl-C stops between tenants' catalog
/// transactions (an interrupted one rolls back); the keys seeded so far are written.
async fn bench_seed(
    app: &App,
    tenants: usize,
    products: usize,
    plan: &str,
    keys_file: &std::path::Path,
) -> anyhow::Result<()> {
    let bar = indicatif::ProgressBar::new(tenants as u64);
    bar.set_style(indicatif::ProgressStyle::with_template(
        "{bar:40} {pos}/{len} tenants {elapsed} (eta {eta})",
    )?);
    let mut keys = Vec::with_capacity(tenants);
    let interrupted = tokio::signal::ctrl_c();
    tokio::pin!(interrupted);
    for i in 1..=tenants {
        let handle = format!("bench-{i:04}");
        tokio::select! {
            key = crate::seed::bench::tenant(app, &handle, products, plan) => keys.push(key?),
            _ = &mut interrupted => {
                bar.abandon_with_message("interrupted");
                break;
            }
        }
        bar.inc(1);
    }
    bar.finish();
    std::fs::write(keys_file, keys.join("\n") + "\n")?;
    println!("{} tenant(s) ready; keys in {}", keys.len(), keys_file.display());
    Ok(())
}

async fn tenant(app: &App, cmd: TenantCommand) -> anyhow::Result<Value> {
    Ok(match cmd {
        TenantCommand::Create {
            handle,
            name,
            currency,
            locale,
            country,
            domains,
            allow_tenant_header,
            placement,
            admin_email,
            admin_password,
            plan,
        } => {
            let admin = admin_email.zip(admin_password).map(|(email, password)| NewAdmin {
                email,
                password,
                first_name: None,
                last_name: None,
                role: None,
            });
            let p = platform::create_tenant(
                app,
                &Arc::new(Audit::system("cli", "tenant.create")),
                CreateTenant {
                    handle,
                    name,
                    default_currency_code: Some(currency),
                    default_locale: Some(locale),
                    default_country_code: country,
                    domains,
                    settings: None,
                    metadata: None,
                    allow_tenant_header: Some(allow_tenant_header),
                    placement_id: placement,
                    admin,
                    plan_id: plan,
                    overrides: None,
                    detailed_metrics: None,
                },
            )
            .await?;
            json!({
                "tenant": PlatformTenant::from(&p.tenant),
                "sales_channel_id": p.sales_channel_id,
                "publishable_api_key": p.publishable_key.token,
                "admin_user_id": p.admin_user_id,
            })
        }
        TenantCommand::List { status, limit, offset } => {
            let (rows, count) = platform::list_tenants(app, status.as_deref(), limit, offset).await?;
            json!({ "tenants": rows.iter().map(PlatformTenant::from).collect::<Vec<_>>(), "count": count })
        }
        TenantCommand::Show { id } => json!({ "tenant": PlatformTenant::from(&platform::get_tenant(app, &id).await?) }),
        TenantCommand::Suspend { id } => {
            json!({ "tenant": PlatformTenant::from(&platform::set_status(app, &Arc::new(Audit::system("cli", "tenant.suspend")), &id, TenantStatus::Suspended).await?) })
        }
        TenantCommand::Resume { id } => {
            json!({ "tenant": PlatformTenant::from(&platform::set_status(app, &Arc::new(Audit::system("cli", "tenant.resume")), &id, TenantStatus::Active).await?) })
        }
    })
}
