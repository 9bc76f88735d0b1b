//! The tenant directory: every tenant, publishable key and custom domain, in memory, so
//! resolving a request's tenant costs no query. Writers announce a change with
//! `pg_notify('coral_directory', tenant_id)` in their transaction; every Coral process
//! listens and reloads that tenant, so a change is seen everywhere within a second.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use serde::de::DeserializeOwned;
use sqlx::postgres::PgListener;

use crate::core::ids::TenantId;
use crate::core::plans::{layer_features, Limits, Overrides, Plan};
use crate::core::settings::TenantSettings;
use crate::core::Result;
use crate::db::plans::PlanRow;
use crate::db::tenants::{TenantRow, DIRECTORY_CHANNEL, RELOAD_ALL};
use crate::db::{api_keys, plans, tenants, PlatformDb, TenantDb};
use crate::tenancy::limits::RateLimits;
use crate::tenancy::{Tenant, TenantStatus};

/// A publishable key's tenant and the sales channels it opens.
#[derive(Debug)]
pub struct KeyInfo {
    pub tenant_id: TenantId,
    pub sales_channel_ids: Arc<[String]>,
}

#[derive(Default)]
struct Maps {
    tenants: HashMap<TenantId, Arc<Tenant>>,
    by_handle: HashMap<String, TenantId>,
    by_domain: HashMap<String, TenantId>,
    by_key: HashMap<String, Arc<KeyInfo>>,
    plans: HashMap<String, Arc<Plan>>,
}

impl Maps {
    fn remove(&mut self, id: &TenantId) {
        if let Some(old) = self.tenants.remove(id) {
            self.by_handle.remove(&old.handle);
            for d in &old.domains {
                self.by_domain.remove(d);
            }
            for k in &old.keys {
                self.by_key.remove(k);
            }
        }
    }

    fn insert(&mut self, mut t: Tenant, keys: Vec<api_keys::KeyEntry>) {
        if let Some(old) = self.tenants.get(&t.id) {
            carry_over(&mut t, old);
        }
        self.remove(&t.id);
        self.by_handle.insert(t.handle.clone(), t.id.clone());
        for d in &t.domains {
            self.by_domain.insert(d.clone(), t.id.clone());
        }
        for k in keys {
            let info = KeyInfo {
                tenant_id: t.id.clone(),
                sales_channel_ids: k.sales_channel_ids.into(),
            };
            self.by_key.insert(k.token, Arc::new(info));
        }
        self.tenants.insert(t.id.clone(), Arc::new(t));
    }
}

/// Called with a tenant id announced on a subscribed channel, or `None` after a lost
/// listener connection (when anything may have changed).
pub type ChangeHook = Box<dyn Fn(Option<&str>) + Send + Sync>;

pub struct Directory {
    maps: RwLock<Maps>,
    platform: PlatformDb,
    /// The platform layer of feature flags (configuration), below plan and tenant.
    feature_defaults: BTreeMap<String, bool>,
    /// Other caches' change channels, served by the same listener connection.
    subscribers: RwLock<Vec<(&'static str, ChangeHook)>>,
    /// Held from a reload's read to its write, so reloads take turns: otherwise the
    /// listener's reload of an older announcement could read before a change and store
    /// after the change's own reload, leaving the old state (a suspended store serving).
    reloading: tokio::sync::Mutex<()>,
}

/// A stored JSON value that was validated on the way in; should it not read, the
/// default is used and the operator told.
fn read_json<T: DeserializeOwned + Default>(what: &str, id: &str, v: serde_json::Value) -> T {
    serde_json::from_value(v).unwrap_or_else(|e| {
        tracing::error!(id, error = %e, "unreadable {what}; using defaults");
        T::default()
    })
}

/// A stored plan as the rest of Coral sees it.
pub fn to_plan(row: PlanRow) -> Plan {
    Plan {
        limits: read_json("plan limits", &row.id, row.limits.0),
        features: read_json("plan features", &row.id, row.features.0),
        id: row.id,
        name: row.name,
    }
}

/// A reloaded tenant keeps its usage counters, and its rate buckets unless its rates changed.
fn carry_over(t: &mut Tenant, old: &Tenant) {
    t.usage = old.usage.clone();
    if old.rate_limits.matches(&t.limits) {
        t.rate_limits = old.rate_limits.clone();
    }
}

fn to_tenant(
    row: TenantRow,
    keys: &[api_keys::KeyEntry],
    default_channel: Option<String>,
    plan: Option<&Plan>,
    feature_defaults: &BTreeMap<String, bool>,
) -> Tenant {
    let overrides: Overrides = read_json("tenant overrides", &row.id, row.overrides.0);
    let limits = match plan {
        Some(p) => p.limits.with(&overrides.limits),
        None => {
            // The foreign key makes this unreachable; refuse rather than allow unlimited.
            tracing::error!(tenant_id = %row.id, plan_id = %row.plan_id, "tenant's plan not found; applying the strictest limits");
            Limits {
                store_rps: Some(1),
                admin_rps: Some(1),
                max_products: Some(0),
                max_staff: Some(0),
                max_publishable_keys: Some(0),
                max_storage_bytes: Some(0),
                ..Default::default()
            }
        }
    };
    let empty = BTreeMap::new();
    let features = layer_features(
        feature_defaults,
        plan.map_or(&empty, |p| &p.features),
        &overrides.features,
    );
    Tenant {
        plan_id: row.plan_id,
        rate_limits: Arc::new(RateLimits::new(&limits)),
        limits,
        features,
        detailed_metrics: row.detailed_metrics,
        usage: Arc::default(),
        id: TenantId::from_trusted(row.id),
        handle: row.handle,
        name: row.name,
        status: TenantStatus::parse(&row.status).unwrap_or(TenantStatus::Deactivated),
        placement_id: row.placement_id,
        default_currency_code: row.default_currency_code,
        default_locale: row.default_locale,
        default_country_code: row.default_country_code,
        allow_tenant_header: row.allow_tenant_header,
        // Settings were validated on the way in; an unreadable value falls back to defaults.
        settings: serde_json::from_value::<TenantSettings>(row.settings.0).unwrap_or_default(),
        domains: row.domains,
        default_sales_channel_id: default_channel,
        keys: keys.iter().map(|k| k.token.clone()).collect(),
    }
}

impl Directory {
    /// Loads every plan, and every tenant of every placement.
    pub async fn load(platform: PlatformDb, feature_defaults: BTreeMap<String, bool>) -> Result<Arc<Self>> {
        let dir = Arc::new(Self {
            maps: RwLock::new(Maps::default()),
            platform,
            feature_defaults,
            subscribers: RwLock::default(),
            reloading: tokio::sync::Mutex::new(()),
        });
        dir.reload_all().await?;
        Ok(dir)
    }

    /// Re-reads every tenant, plan and key (start-up, a plan change, a lost listener).
    pub async fn reload_all(&self) -> Result<()> {
        let _turn = self.reloading.lock().await;
        let rows = tenants::all(self.platform.control()).await?;
        let mut keys: HashMap<String, Vec<api_keys::KeyEntry>> = HashMap::new();
        let mut channels: HashMap<String, String> = HashMap::new();
        for (_, pool) in self.platform.all_placements().await? {
            // Every store's keys at once: a platform read (docs/plain-owner.md).
            let mut read = self.platform.read(&pool).await?;
            for k in api_keys::all_active(&mut read).await? {
                keys.entry(k.tenant_id.clone()).or_default().push(k);
            }
            channels.extend(api_keys::all_default_channels(&mut read).await?);
            read.finish().await?;
        }
        let mut maps = Maps {
            plans: plans::all(self.platform.control())
                .await?
                .into_iter()
                .map(|p| (p.id.clone(), Arc::new(to_plan(p))))
                .collect(),
            ..Maps::default()
        };
        let old = self.maps.read().expect("directory lock").tenants.clone();
        for row in rows {
            let k = keys.remove(&row.id).unwrap_or_default();
            let ch = channels.remove(&row.id);
            let plan = maps.plans.get(&row.plan_id).cloned();
            let mut t = to_tenant(row, &k, ch, plan.as_deref(), &self.feature_defaults);
            if let Some(o) = old.get(&t.id) {
                carry_over(&mut t, o);
            }
            maps.insert(t, k);
        }
        *self.maps.write().expect("directory lock") = maps;
        Ok(())
    }

    /// Re-reads one tenant (or forgets it if it no longer exists).
    pub async fn reload(&self, id: &str) -> Result<()> {
        if id == RELOAD_ALL {
            return self.reload_all().await;
        }
        let Some(tid) = TenantId::parse(id) else { return Ok(()) };
        let _turn = self.reloading.lock().await;
        let mut conn = self.platform.control().acquire().await?;
        let Some(row) = tenants::find(&mut conn, id).await? else {
            let mut maps = self.maps.write().expect("directory lock");
            maps.remove(&tid);
            return Ok(());
        };
        let plan = plans::find(&mut conn, &row.plan_id)
            .await?
            .map(|p| Arc::new(to_plan(p)));
        drop(conn);
        // One store's keys and channel: read in that store's own scope.
        let pool = self.platform.placement(&row.placement_id).await?;
        let mut tx = TenantDb::new(pool, tid.clone(), self.platform.health().clone())
            .begin()
            .await?;
        let keys = api_keys::active_of_tenant(&mut tx).await?;
        let channel = api_keys::default_channel(&mut tx).await?;
        tx.commit().await?;
        let t = to_tenant(row, &keys, channel, plan.as_deref(), &self.feature_defaults);
        let mut maps = self.maps.write().expect("directory lock");
        if let Some(p) = plan {
            maps.plans.insert(p.id.clone(), p);
        }
        maps.insert(t, keys);
        Ok(())
    }

    /// Listens for change announcements and reloads what changed. After a lost
    /// connection it subscribes again and reloads everything (notifications may have
    /// been missed meanwhile); while the database is known to be down it waits for it.
    pub fn spawn_listener(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let dir = Arc::clone(self);
        tokio::spawn(async move {
            loop {
                let result = dir.listen().await;
                if dir.platform.control().is_closed() {
                    return; // shutting down
                }
                if let Err(e) = result {
                    tracing::warn!(error = %e, "tenant directory listener failed; retrying");
                }
                let health = dir.platform.health();
                while health.is_down() && !dir.platform.control().is_closed() {
                    // `back` may fire between the check and the wait: poll too.
                    let _ = tokio::time::timeout(Duration::from_secs(1), health.back()).await;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    }

    /// Registers `hook` for announcements on `channel`; call before `spawn_listener`.
    pub fn subscribe(&self, channel: &'static str, hook: ChangeHook) {
        self.subscribers
            .write()
            .expect("subscribers lock")
            .push((channel, hook));
    }

    async fn listen(&self) -> Result<()> {
        let mut listener = PgListener::connect_with(self.platform.control()).await?;
        let channels: Vec<&str> = self
            .subscribers
            .read()
            .expect("subscribers lock")
            .iter()
            .map(|s| s.0)
            .collect();
        listener
            .listen_all(std::iter::once(DIRECTORY_CHANNEL).chain(channels))
            .await?;
        // Changes made between the initial load and LISTEN would otherwise be missed.
        self.reload_all().await?;
        for (_, hook) in self.subscribers.read().expect("subscribers lock").iter() {
            hook(None);
        }
        while let Some(n) = listener.try_recv().await? {
            if n.channel() == DIRECTORY_CHANNEL {
                if let Err(e) = self.reload(n.payload()).await {
                    tracing::warn!(tenant_id = n.payload(), error = %e, "tenant reload failed");
                }
                continue;
            }
            for (channel, hook) in self.subscribers.read().expect("subscribers lock").iter() {
                if *channel == n.channel() {
                    hook(Some(n.payload()));
                }
            }
        }
        Ok(())
    }

    pub fn get(&self, id: &TenantId) -> Option<Arc<Tenant>> {
        self.maps.read().expect("directory lock").tenants.get(id).cloned()
    }

    pub fn by_key(&self, token: &str) -> Option<(Arc<Tenant>, Arc<KeyInfo>)> {
        let maps = self.maps.read().expect("directory lock");
        let info = maps.by_key.get(token)?;
        Some((maps.tenants.get(&info.tenant_id)?.clone(), info.clone()))
    }

    pub fn by_domain(&self, host: &str) -> Option<Arc<Tenant>> {
        let maps = self.maps.read().expect("directory lock");
        maps.by_domain.get(host).and_then(|id| maps.tenants.get(id)).cloned()
    }

    /// By id (`ten_…`) or handle.
    pub fn by_id_or_handle(&self, s: &str) -> Option<Arc<Tenant>> {
        let maps = self.maps.read().expect("directory lock");
        match TenantId::parse(s) {
            Some(id) => maps.tenants.get(&id).cloned(),
            None => maps.by_handle.get(s).and_then(|id| maps.tenants.get(id)).cloned(),
        }
    }

    /// The only tenant that is not deactivated, if there is exactly one.
    pub fn only_tenant(&self) -> Option<Arc<Tenant>> {
        let maps = self.maps.read().expect("directory lock");
        let mut live = maps.tenants.values().filter(|t| t.status != TenantStatus::Deactivated);
        match (live.next(), live.next()) {
            (Some(t), None) => Some(t.clone()),
            _ => None,
        }
    }

    /// Every tenant, e.g. to persist their usage counters.
    pub fn tenants(&self) -> Vec<Arc<Tenant>> {
        self.maps
            .read()
            .expect("directory lock")
            .tenants
            .values()
            .cloned()
            .collect()
    }

    pub fn plan(&self, id: &str) -> Option<Arc<Plan>> {
        self.maps.read().expect("directory lock").plans.get(id).cloned()
    }

    /// How many tenants are in each status.
    pub fn count_by_status(&self) -> [(TenantStatus, usize); 3] {
        let maps = self.maps.read().expect("directory lock");
        [TenantStatus::Active, TenantStatus::Suspended, TenantStatus::Deactivated]
            .map(|s| (s, maps.tenants.values().filter(|t| t.status == s).count()))
    }

    pub fn len(&self) -> usize {
        self.maps.read().expect("directory lock").tenants.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The data handle of a resolved tenant: the only place a `TenantDb` is made.
    pub async fn tenant_db(&self, tenant: &Tenant) -> Result<TenantDb> {
        let pool = self.platform.placement(&tenant.placement_id).await?;
        Ok(TenantDb::new(pool, tenant.id.clone(), self.platform.health().clone()))
    }
}
