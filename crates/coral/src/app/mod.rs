//! Use cases: what Coral does, independent of HTTP. Handlers call one function here
//! with a `TenantCtx` (or the platform context) and map its result.

pub mod api_keys;
pub mod audit;
pub mod catalog;
pub mod checkout;
pub mod currencies;
pub mod customer_groups;
pub mod customers;
pub mod email;
pub mod inventory;
pub mod jobs;
pub mod metrics;
pub mod orders;
pub mod plans;
pub mod platform;
pub mod promotions;
pub mod regions;
pub mod schema;
pub mod secrets;
pub mod staff;
pub mod stores;
pub mod usage;
pub mod users;
pub mod webhooks;

use std::sync::Arc;

use crate::config::Config;
use crate::db::{Database, PlatformDb, StoreControl};
use crate::tenancy::resolve::ResolutionConfig;
use crate::tenancy::Directory;

/// What tenant use cases may use: per-store services and caches, and the narrow
/// [`StoreControl`] for the few control-plane operations a store needs. It holds no
/// handle that reaches another store's data; tenant code takes `&Services`.
pub struct Services {
    pub config: Config,
    pub directory: Arc<Directory>,
    pub resolution: ResolutionConfig,
    pub tokens: crate::adapters::auth::TokenKeys,
    pub catalogs: Arc<catalog::snapshot::Catalogs>,
    pub rendered: catalog::rendered::RenderCache,
    pub sealer: crate::adapters::sealer::Sealer,
    pub nmi: crate::adapters::nmi::Nmi,
    pub metrics: crate::adapters::metrics::Metrics,
    pub login_limits: crate::tenancy::login_limits::LoginLimits,
    /// Background jobs: wake-ups of the workers and the webhook HTTP client.
    pub jobs: Arc<jobs::Jobs>,
    pub control: StoreControl,
}

/// Everything built once at start-up and shared by every request: the tenant
/// [`Services`] (reached through `Deref`) and the cross-tenant platform handle, which only
/// platform code names (`App::platform`; `tests::tenant_modules_never_name_the_platform_handle`
/// keeps it so).
pub struct App {
    services: Arc<Services>,
    platform: PlatformDb,
}

impl std::ops::Deref for App {
    type Target = Services;
    fn deref(&self) -> &Services {
        &self.services
    }
}

impl App {
    /// Cross-tenant access as the schema owner: for `/platform` use cases, the
    /// directory, usage, metrics and maintenance only.
    pub fn platform(&self) -> &PlatformDb {
        &self.platform
    }

    /// The tenant services, owned (for use cases that finish work in the background).
    pub fn services(&self) -> &Arc<Services> {
        &self.services
    }

    /// Loads the tenant directory, starts listening for changes to it and persisting usage.
    pub async fn build(config: Config, db: Arc<Database>) -> anyhow::Result<Arc<Self>> {
        let platform = PlatformDb::new(db);
        platform::remove_unfinished_tenants(&platform).await?;
        let directory = Directory::load(platform.clone(), config.default_features.clone()).await?;
        let catalogs = Arc::new(catalog::snapshot::Catalogs::new(config.catalog_cache_bytes));
        let hook = Arc::clone(&catalogs);
        directory.subscribe(
            crate::db::tenants::CATALOG_CHANNEL,
            Box::new(move |tenant| match tenant {
                Some(t) => {
                    if let Some(id) = crate::core::ids::TenantId::parse(t) {
                        hook.invalidate(Some(&id));
                    }
                }
                None => hook.invalidate(None),
            }),
        );
        let jobs = Arc::new(jobs::Jobs::new(&config.jobs));
        let waker = Arc::clone(&jobs);
        directory.subscribe(
            crate::db::jobs::JOBS_CHANNEL,
            Box::new(move |tenant| {
                if let Some(id) = tenant.and_then(crate::core::ids::TenantId::parse) {
                    waker.wake(&id);
                }
            }),
        );
        directory.spawn_listener();
        let app = Arc::new(Self {
            services: Arc::new(Services {
                resolution: ResolutionConfig {
                    base_domain: config.base_domain.clone(),
                    single_tenant: config.single_tenant,
                },
                tokens: crate::adapters::auth::TokenKeys::new(&config.secrets.jwt_secret),
                sealer: crate::adapters::sealer::Sealer::new(&config.secrets.master_key),
                nmi: crate::adapters::nmi::Nmi::new(&config.payments.nmi_url),
                rendered: catalog::rendered::RenderCache::new(config.render_cache_bytes),
                config,
                directory,
                catalogs,
                metrics: crate::adapters::metrics::Metrics::new(),
                login_limits: Default::default(),
                jobs,
                control: StoreControl::new(platform.clone()),
            }),
            platform,
        });
        usage::spawn_flusher(&app);
        Ok(app)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::source_scan::{rust_files, sample};

    /// Modules of `app` that are platform code: they may take `&App` and name its
    /// cross-tenant handle. Every other module is tenant code.
    const PLATFORM_MODULES: &[&str] = &[
        "app/mod.rs",
        "app/platform.rs",
        "app/plans.rs",
        "app/usage.rs",
        "app/metrics.rs",
        "app/audit.rs",
        "app/jobs/worker.rs",
        "app/jobs/report.rs",
    ];

    /// Tenant code and the handlers serving a store: none may name the platform handle.
    const TENANT_TREES: &[&str] = &["app", "http/store", "http/admin", "http/auth.rs"];

    /// What naming the platform handle looks like in source.
    const FORBIDDEN: &[&str] = &[
        ".platform()",
        ".platform.",
        "PlatformDb",
        "app: &App",
        "Arc<App>",
        "app::App",
    ];

    /// Whether `code` contains `token` not followed by more of an identifier
    /// (`app: &App` is the handle, `app: &AppState` is not).
    fn names(code: &str, token: &str) -> bool {
        code.match_indices(token).any(|(i, _)| {
            !code[i + token.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
        })
    }

    /// Lines of tenant code that name the platform handle, as `file:line: text`.
    fn offenders(src: &Path) -> Vec<String> {
        let files: Vec<_> = TENANT_TREES
            .iter()
            .flat_map(|tree| rust_files(&src.join(tree)))
            .collect();
        let mut found = Vec::new();
        for file in files {
            let rel = file
                .strip_prefix(src)
                .expect("under src")
                .to_string_lossy()
                .replace('\\', "/");
            if PLATFORM_MODULES.contains(&rel.as_str()) {
                continue;
            }
            let text = std::fs::read_to_string(&file).expect("read source");
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                if FORBIDDEN.iter().any(|f| names(code, f)) {
                    found.push(format!("{rel}:{}: {}", n + 1, line.trim()));
                }
            }
        }
        found
    }

    /// Issue 14: tenant use cases get [`super::Services`], never the platform handle.
    /// A tenant module that needs something of the control plane asks
    /// [`crate::db::StoreControl`] for it.
    #[test]
    fn tenant_modules_never_name_the_platform_handle() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let found = offenders(&src);
        assert!(
            found.is_empty(),
            "tenant code names the platform handle:\n{}",
            found.join("\n")
        );
    }

    #[test]
    fn the_guard_sees_a_tenant_module_naming_the_platform_handle() {
        let dir = sample(&[
            ("app/platform.rs", "fn f(app: &App) { app.platform(); }\n"),
            ("app/carts.rs", "// app.platform() in a comment is fine\nfn ok() {}\n"),
        ]);
        assert!(offenders(dir.path()).is_empty());
        let bad = sample(&[
            ("app/platform.rs", "fn f(app: &App) { app.platform(); }\n"),
            ("app/carts.rs", "fn f(app: &App) { app.platform().control(); }\n"),
        ]);
        let found = offenders(bad.path());
        assert_eq!(
            found,
            vec!["app/carts.rs:1: fn f(app: &App) { app.platform().control(); }"]
        );
    }

    /// Whether `c` can be part of an identifier.
    fn ident(c: char) -> bool {
        c.is_alphanumeric() || c == '_'
    }

    /// Whether `code` names `token` as a whole word: no identifier character on either
    /// side (`db` in `use crate::{app, db}`, not in `tenant_db` or `ctx.db_name`).
    fn word(code: &str, token: &str) -> bool {
        code.match_indices(token)
            .any(|(i, _)| !code[..i].ends_with(ident) && !code[i + token.len()..].starts_with(ident))
    }

    /// Lines under `src/http` that name the db layer, as `file:line: text`: a `db::` path
    /// (`crate::db::…`, `super::db::…`) or `db` inside a `use crate::{…}` group, which may
    /// span lines. Comments are skipped.
    fn db_offenders(src: &Path) -> Vec<String> {
        let files = rust_files(&src.join("http"));
        let mut found = Vec::new();
        for file in files {
            let rel = file
                .strip_prefix(src)
                .expect("under src")
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&file).expect("read source");
            let mut in_group = false;
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                let group = in_group || code.contains("use crate::{");
                let path = code.match_indices("db::").any(|(i, _)| !code[..i].ends_with(ident));
                if path || word(code, "crate::db") || (group && word(code, "db")) {
                    found.push(format!("{rel}:{}: {}", n + 1, line.trim()));
                }
                in_group = group && !code.contains("};");
            }
        }
        found
    }

    /// Issue 14 (DESIGN.md section 2, http → app → tenancy → db → core): handlers render
    /// the read models and take the filters their `app` module exposes (it re-exports them
    /// from `db` where the row is the view); http never names the db layer itself.
    #[test]
    fn http_never_names_the_db_layer() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let found = db_offenders(&src);
        assert!(
            found.is_empty(),
            "http names the db layer (use or re-export the type from its app module):\n{}",
            found.join("\n")
        );
    }

    #[test]
    fn the_guard_sees_http_naming_the_db_layer() {
        let fine = "use crate::app::regions::RegionRow; // not crate::db::regions\n\
                    /// rendered from `db::regions`\n\
                    fn f(ctx: &TenantCtx) { let db = tenant_db::x(); ctx.db.begin(); }\n\
                    use crate::{app, core};\n";
        assert!(db_offenders(sample(&[("http/store/regions.rs", fine)]).path()).is_empty());
        let bad = "use crate::db::regions::RegionRow;\n\
                   fn answer(c: &crate::db::customers::CustomerRow) {}\n\
                   use super::db::x;\n\
                   use crate::{app, db};\n\
                   use crate::{\n    app,\n    db,\n};\n\
                   fn ok() {}\n";
        let found = db_offenders(sample(&[("http/store/regions.rs", bad)]).path());
        assert_eq!(
            found,
            vec![
                "http/store/regions.rs:1: use crate::db::regions::RegionRow;",
                "http/store/regions.rs:2: fn answer(c: &crate::db::customers::CustomerRow) {}",
                "http/store/regions.rs:3: use super::db::x;",
                "http/store/regions.rs:4: use crate::{app, db};",
                "http/store/regions.rs:7: db,",
            ]
        );
    }
}
