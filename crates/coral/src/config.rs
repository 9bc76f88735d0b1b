//! Runtime configuration: environment (through clap) plus secrets kept in the data dir.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use rand::RngCore;

#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    /// `None`: the managed local Postgres under `data_dir/pg`.
    pub database_url: Option<String>,
    pub listen: SocketAddr,
    pub base_domain: Option<String>,
    pub single_tenant: bool,
    pub db_pool_size: u32,
    pub placement_pool_size: u32,
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
    /// Memory budget for per-tenant catalog snapshots; idle ones are evicted beyond it.
    pub catalog_cache_bytes: usize,
    /// Budget for cached rendered product JSON (all tenants together).
    pub render_cache_bytes: usize,
    pub payments: PaymentsConfig,
    /// Plan of tenants created without one.
    pub default_plan: String,
    /// The platform layer of feature flags (below plan and tenant override).
    pub default_features: BTreeMap<String, bool>,
    /// How long a start waits for the managed PostgreSQL's crash recovery.
    pub pg_recovery_timeout: std::time::Duration,
    pub secrets: Secrets,
    /// Background jobs and webhook deliveries.
    pub jobs: JobsConfig,
}

/// The job workers and webhook deliveries (docs/architecture.md, "Jobs and webhooks").
#[derive(Debug, Clone)]
pub struct JobsConfig {
    /// Jobs one process runs at once (all tenants together); 0 runs no worker in `serve`.
    pub workers: usize,
    /// Attempts before a job is dead-lettered.
    pub max_attempts: i32,
    /// First retry delay; each later one doubles (with ±20 % jitter) up to `retry_max`.
    pub retry_base: std::time::Duration,
    pub retry_max: std::time::Duration,
    /// How long a claimed job is held; a worker that dies loses it after this.
    pub lease: std::time::Duration,
    /// How often a tenant with nothing announced is looked at (events of the shared
    /// placement wake their tenant at once through NOTIFY).
    pub poll: std::time::Duration,
    /// Timeout of one webhook request.
    pub webhook_timeout: std::time::Duration,
    /// Consecutive failed attempts after which an endpoint is disabled.
    pub disable_after: i32,
    /// Allow webhook URLs on private, loopback and link-local addresses (tests, intranets).
    pub allow_private: bool,
    /// `CORAL_SMTP_URL` (`smtp://[user:pass@]host[:port]`, STARTTLS when the relay offers
    /// it; `smtps://` for TLS from the start). None: no email jobs.
    pub smtp_url: Option<String>,
    /// `CORAL_EMAIL_FROM`: the sender of stores that set none (`Name <address>`).
    pub email_from: String,
}

/// The platform sender when `CORAL_EMAIL_FROM` is not set.
pub const DEFAULT_EMAIL_FROM: &str = "Coral <no-reply@localhost>";

impl Default for JobsConfig {
    fn default() -> Self {
        use std::time::Duration;
        Self {
            workers: 16,
            max_attempts: 10,
            retry_base: Duration::from_secs(10),
            retry_max: Duration::from_secs(6 * 3600),
            lease: Duration::from_secs(60),
            poll: Duration::from_secs(5),
            webhook_timeout: Duration::from_secs(10),
            disable_after: 50,
            allow_private: false,
            smtp_url: None,
            email_from: DEFAULT_EMAIL_FROM.into(),
        }
    }
}

/// Payment gateways: where they are, and the platform's fallback credentials.
#[derive(Clone)]
pub struct PaymentsConfig {
    /// NMI's Direct Post endpoint (a local fake in tests).
    pub nmi_url: String,
    /// Used for tenants that have not set their own `nmi_security_key` secret.
    pub nmi_security_key: Option<String>,
}

impl std::fmt::Debug for PaymentsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaymentsConfig")
            .field("nmi_url", &self.nmi_url)
            .field("nmi_security_key", &self.nmi_security_key.as_ref().map(|_| "***"))
            .finish()
    }
}

/// `CORAL_DEFAULT_FEATURES`: `reviews,wishlist=true,beta=false`.
pub fn parse_features(s: &str) -> anyhow::Result<BTreeMap<String, bool>> {
    let mut out = BTreeMap::new();
    for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let (name, on) = match item.split_once('=') {
            None => (item, true),
            Some((n, "true")) => (n, true),
            Some((n, "false")) => (n, false),
            Some(_) => anyhow::bail!("CORAL_DEFAULT_FEATURES: '{item}' must be name, name=true or name=false"),
        };
        let name = name.trim().to_owned();
        crate::core::plans::check_feature_names([&name]).map_err(|e| anyhow::anyhow!("CORAL_DEFAULT_FEATURES: {e}"))?;
        out.insert(name, on);
    }
    Ok(out)
}

/// Secrets: from the environment when set, else generated once into the data dir.
#[derive(Clone)]
pub struct Secrets {
    pub platform_token: String,
    pub jwt_secret: String,
    pub master_key: String,
    /// Whether the platform token was generated just now (then it is printed once).
    pub platform_token_generated: bool,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets { .. }")
    }
}

impl Secrets {
    pub fn load(
        data_dir: &Path,
        platform_token: Option<String>,
        jwt_secret: Option<String>,
        master_key: Option<String>,
    ) -> anyhow::Result<Self> {
        std::fs::create_dir_all(data_dir).with_context(|| format!("creating {}", data_dir.display()))?;
        let (platform_token, platform_token_generated) = match platform_token {
            Some(t) => (t, false),
            None => secret_file(&data_dir.join("platform-token"))?,
        };
        let jwt_secret = match jwt_secret {
            Some(s) => s,
            None => secret_file(&data_dir.join("jwt-secret"))?.0,
        };
        let master_key = match master_key {
            Some(s) => s,
            None => secret_file(&data_dir.join("master-key"))?.0,
        };
        Ok(Self {
            platform_token,
            jwt_secret,
            master_key,
            platform_token_generated,
        })
    }
}

/// Reads a secret file, or creates it (mode 0600) with 32 random bytes in hex.
fn secret_file(path: &Path) -> anyhow::Result<(String, bool)> {
    if let Ok(s) = std::fs::read_to_string(path) {
        return Ok((s.trim().to_owned(), false));
    }
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let secret = hex::encode(bytes);
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    writeln!(f, "{secret}")?;
    Ok((secret, true))
}
