//! The tenant directory: every tenant, publishable key and custom domain, in memory, so
//! resolving a request's tenant costs no query. Writers announce a change with
//! `pg_notify('coral_directory', tenant_id)` in their transaction; every Coral process
//! listens and reloads that tenant, so a change is seen everywhere within a second.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use sqlx::postgres::PgListener;

use crate::core::ids::TenantId;
use crate::core::settings::TenantSettings;
use crate::core::Result;
use crate::db::tenants::{TenantRow, DIRECTORY_CHANNEL};
use crate::db::{api_keys, tenants, PlatformDb, TenantDb};
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

    fn insert(&mut self, t: Tenant, keys: Vec<api_keys::KeyEntry>) {
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
    /// Other caches' change channels, served by the same listener connection.
    subscribers: RwLock<Vec<(&'static str, ChangeHook)>>,
}

fn to_tenant(row: TenantRow, keys: &[api_keys::KeyEntry], default_channel: Option<String>) -> Tenant {
    Tenant {
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
    /// Loads every tenant of every placement.
    pub async fn load(platform: PlatformDb) -> Result<Arc<Self>> {
        let dir = Arc::new(Self {
            maps: RwLock::new(Maps::default()),
            platform,
            subscribers: RwLock::default(),
        });
        dir.reload_all().await?;
        Ok(dir)
    }

    pub async fn reload_all(&self) -> Result<()> {
        let rows = tenants::all(self.platform.control()).await?;
        let mut keys: HashMap<String, Vec<api_keys::KeyEntry>> = HashMap::new();
        let mut channels: HashMap<String, String> = HashMap::new();
        for (_, pool) in self.platform.all_placements().await? {
            for k in api_keys::all_active(&pool).await? {
                keys.entry(k.tenant_id.clone()).or_default().push(k);
            }
            channels.extend(api_keys::all_default_channels(&pool).await?);
        }
        let mut maps = Maps::default();
        for row in rows {
            let k = keys.remove(&row.id).unwrap_or_default();
            let ch = channels.remove(&row.id);
            let t = to_tenant(row, &k, ch);
            maps.insert(t, k);
        }
        *self.maps.write().expect("directory lock") = maps;
        Ok(())
    }

    /// Re-reads one tenant (or forgets it if it no longer exists).
    pub async fn reload(&self, id: &str) -> Result<()> {
        let Some(tid) = TenantId::parse(id) else { return Ok(()) };
        let row = tenants::find(&mut *self.platform.control().acquire().await?, id).await?;
        let Some(row) = row else {
            self.maps.write().expect("directory lock").remove(&tid);
            return Ok(());
        };
        let pool = self.platform.placement(&row.placement_id).await?;
        let keys = api_keys::active_of_tenant(&pool, id).await?;
        let channel = api_keys::default_channel(&pool, id).await?;
        let t = to_tenant(row, &keys, channel);
        self.maps.write().expect("directory lock").insert(t, keys);
        Ok(())
    }

    /// Listens for change announcements and reloads what changed. After a lost
    /// connection it reloads everything, since notifications may have been missed.
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
                tokio::time::sleep(Duration::from_millis(500)).await;
                if let Err(e) = dir.reload_all().await {
                    tracing::warn!(error = %e, "tenant directory reload failed");
                }
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

    pub fn len(&self) -> usize {
        self.maps.read().expect("directory lock").tenants.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The data handle of a resolved tenant: the only place a `TenantDb` is made.
    pub async fn tenant_db(&self, tenant: &Tenant) -> Result<TenantDb> {
        let pool = self.platform.placement(&tenant.placement_id).await?;
        Ok(TenantDb::new(pool, tenant.id.clone()))
    }
}
