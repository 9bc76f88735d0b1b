//! The master catalog (franchise model): a tenant publishes its catalog as a source and
//! grants it to chosen tenants; a granted tenant subscribes to source products, which
//! gives it its own linked copies (`subscriptions`), kept in step by `mirror`.
//!
//! Every use case here runs in a [`CrossTenantTx`](crate::db::CrossTenantTx), as
//! `coral_app` throughout: each statement on the link tables runs in the scope of the
//! tenant whose row it is (the source's for its source, grants and the links to its
//! products; the subscriber's for its grants, links and copies), under the policies of
//! migration 0014, and a copy is written in its own tenant's scope.

pub mod mirror;
pub mod subscriptions;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::app::Services;
use crate::core::ids::TenantId;
use crate::core::{Error, Result};
use crate::db::catalog_sources::{self as links, GrantRow, LinkRow, SourceRow};
use crate::db::CrossTenantTx;
use crate::tenancy::TenantCtx;

/// Another store, as a source or its owner sees it: public facts only.
#[derive(Debug, Serialize)]
pub struct StoreRef {
    pub id: String,
    pub handle: String,
    pub name: String,
}

#[derive(Debug, Serialize)]
pub struct SourceView {
    pub id: String,
    /// The store that publishes the source.
    pub store: StoreRef,
    /// Whether the requesting store publishes it.
    pub is_owner: bool,
    /// The stores it is granted to; only its owner sees them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscribers: Option<Vec<StoreRef>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishIn {
    /// Stores (ids or handles) to grant the source to.
    pub subscribers: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantIn {
    /// The store (id or handle) to grant the source to.
    pub store: String,
}

fn store_ref(app: &Services, id: &str) -> StoreRef {
    match app.directory.by_id_or_handle(id) {
        Some(t) => StoreRef {
            id: t.id.as_str().to_owned(),
            handle: t.handle.clone(),
            name: t.name.clone(),
        },
        None => StoreRef {
            id: id.to_owned(),
            handle: String::new(),
            name: String::new(),
        },
    }
}

fn not_found(id: &str) -> Error {
    Error::not_found(format!("Catalog source with id: {id} was not found"))
}

async fn view(app: &Services, ctx: &TenantCtx, x: &mut CrossTenantTx, s: SourceRow) -> Result<SourceView> {
    let is_owner = s.tenant_id == ctx.tenant.id.as_str();
    let subscribers = if is_owner {
        let ids = links::grants(x.tenant(&ctx.tenant.id).await?, &s.id).await?;
        Some(ids.iter().map(|id| store_ref(app, id)).collect())
    } else {
        None
    };
    Ok(SourceView {
        store: store_ref(app, &s.tenant_id),
        id: s.id,
        is_owner,
        subscribers,
        created_at: s.created_at,
    })
}

/// The source the requesting store publishes, if `id` names it.
async fn own_source(x: &mut CrossTenantTx, ctx: &TenantCtx, id: &str) -> Result<SourceRow> {
    links::source_of(x.tenant(&ctx.tenant.id).await?)
        .await?
        .filter(|s| s.id == id)
        .ok_or_else(|| not_found(id))
}

/// A source the requesting store may subscribe to (granted to it), read in its scope.
pub(crate) async fn granted_source(x: &mut CrossTenantTx, ctx: &TenantCtx, id: &str) -> Result<GrantRow> {
    links::granted_to(x.tenant(&ctx.tenant.id).await?)
        .await?
        .into_iter()
        .find(|g| g.source_id == id)
        .ok_or_else(|| not_found(id))
}

/// The source row of a grant, read in the source's scope: a grantee's own policy gives
/// it the grant, not the source's row (migration 0014).
async fn source_of_grant(x: &mut CrossTenantTx, g: &GrantRow) -> Result<SourceRow> {
    let owner = TenantId::from_trusted(g.source_tenant_id.clone());
    links::source_of(x.tenant(&owner).await?)
        .await?
        .filter(|s| s.id == g.source_id)
        .ok_or_else(|| not_found(&g.source_id))
}

/// The tenant id of a store that may be granted a source of `ctx`'s.
fn grantee(app: &Services, ctx: &TenantCtx, store: &str) -> Result<TenantId> {
    let t = app
        .directory
        .by_id_or_handle(store)
        .ok_or_else(|| Error::invalid(format!("No store with id or handle '{store}'")))?;
    if t.id == ctx.tenant.id {
        return Err(Error::invalid("A store cannot subscribe to its own catalog"));
    }
    // Copies are kept in step inside one transaction, so both stores share a database.
    if t.placement_id != ctx.tenant.placement_id {
        return Err(Error::invalid(format!(
            "Store '{store}' is in another placement; a catalog source serves stores of its own placement"
        )));
    }
    Ok(t.id.clone())
}

async fn begin(app: &Services, ctx: &TenantCtx, purpose: &'static str) -> Result<CrossTenantTx> {
    Ok(app.control.cross_tenant(ctx.db.begin().await?, purpose))
}

/// Makes the store a catalog source (idempotent) and grants it to `subscribers`.
pub async fn publish(app: &Services, ctx: &TenantCtx, input: PublishIn) -> Result<SourceView> {
    let grantees: Vec<TenantId> = input
        .subscribers
        .unwrap_or_default()
        .iter()
        .map(|s| grantee(app, ctx, s))
        .collect::<Result<_>>()?;
    let mut x = begin(app, ctx, "master catalog: publish").await?;
    let tx = x.tenant(&ctx.tenant.id).await?;
    let source = links::create_source(tx).await?;
    for g in &grantees {
        links::grant(tx, &source.id, g.as_str()).await?;
    }
    let v = view(app, ctx, &mut x, source).await?;
    x.commit().await?;
    Ok(v)
}

/// The store's own source (first, if any) and the sources granted to it.
pub async fn list(app: &Services, ctx: &TenantCtx) -> Result<Vec<SourceView>> {
    let mut x = begin(app, ctx, "master catalog: list sources").await?;
    let mut rows: Vec<SourceRow> = links::source_of(x.tenant(&ctx.tenant.id).await?)
        .await?
        .into_iter()
        .collect();
    let mut granted = Vec::new();
    for g in links::granted_to(x.tenant(&ctx.tenant.id).await?).await? {
        granted.push(source_of_grant(&mut x, &g).await?);
    }
    granted.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    rows.extend(granted);
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(view(app, ctx, &mut x, r).await?);
    }
    x.commit().await?;
    Ok(out)
}

/// A source the store owns or is granted; any other answers 404.
pub async fn get(app: &Services, ctx: &TenantCtx, id: &str) -> Result<SourceView> {
    let mut x = begin(app, ctx, "master catalog: get source").await?;
    let row = match own_source(&mut x, ctx, id).await {
        Ok(s) => s,
        Err(_) => {
            let g = granted_source(&mut x, ctx, id).await?;
            source_of_grant(&mut x, &g).await?
        }
    };
    let v = view(app, ctx, &mut x, row).await?;
    x.commit().await?;
    Ok(v)
}

/// Grants the owner's source to one more store.
pub async fn grant(app: &Services, ctx: &TenantCtx, id: &str, input: GrantIn) -> Result<SourceView> {
    let mut x = begin(app, ctx, "master catalog: grant").await?;
    let source = own_source(&mut x, ctx, id).await?;
    let g = grantee(app, ctx, &input.store)?;
    links::grant(x.tenant(&ctx.tenant.id).await?, &source.id, g.as_str()).await?;
    let v = view(app, ctx, &mut x, source).await?;
    x.commit().await?;
    Ok(v)
}

/// The links of `source`'s grantee `subscriber`, read in the subscriber's scope (one
/// shard under Citus, which refuses a change to the source or its grants, reference
/// tables, after a read across the links' shards in the same transaction).
async fn subscriber_links(x: &mut CrossTenantTx, source: &SourceRow, subscriber: &str) -> Result<Vec<LinkRow>> {
    let subscriber = TenantId::from_trusted(subscriber.to_owned());
    links::subscriptions(x.tenant(&subscriber).await?, &source.id).await
}

/// Withdraws a grant: the store's copies are unpublished and unlinked.
pub async fn revoke(app: &Services, ctx: &TenantCtx, id: &str, store: &str) -> Result<SourceView> {
    let mut x = begin(app, ctx, "master catalog: revoke").await?;
    let source = own_source(&mut x, ctx, id).await?;
    let subscriber = app.directory.by_id_or_handle(store).map(|t| t.id.as_str().to_owned());
    let granted = links::grants(x.tenant(&ctx.tenant.id).await?, &source.id).await?;
    // Only a grantee's scope is entered, never one the request merely names.
    let Some(subscriber) = subscriber.filter(|t| granted.contains(t)) else {
        return Err(Error::not_found(format!(
            "Catalog source {id} is not granted to '{store}'"
        )));
    };
    let found = subscriber_links(&mut x, &source, &subscriber).await?;
    let touched = mirror::withdraw(&mut x, &found).await?;
    links::revoke(x.tenant(&ctx.tenant.id).await?, &source.id, &subscriber).await?;
    let v = view(app, ctx, &mut x, source).await?;
    x.commit().await?;
    mirror::after_commit(app, &touched).await?;
    Ok(v)
}

/// Stops publishing: every copy is unpublished and unlinked, every grant dropped.
pub async fn unpublish(app: &Services, ctx: &TenantCtx, id: &str) -> Result<()> {
    let mut x = begin(app, ctx, "master catalog: unpublish").await?;
    let source = own_source(&mut x, ctx, id).await?;
    let mut found = Vec::new();
    for subscriber in links::grants(x.tenant(&ctx.tenant.id).await?, &source.id).await? {
        found.extend(subscriber_links(&mut x, &source, &subscriber).await?);
    }
    let touched = mirror::withdraw(&mut x, &found).await?;
    links::delete_source(x.tenant(&ctx.tenant.id).await?, &source.id).await?;
    x.commit().await?;
    mirror::after_commit(app, &touched).await
}
