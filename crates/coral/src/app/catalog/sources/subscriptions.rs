//! The subscriber's side of a catalog source: browse its products (content only — never
//! its prices, stock, channels or drafts), subscribe to some or all, let them go.

use crate::tenancy::quota::{self, Quota};
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::app::catalog::changed;
use crate::app::catalog::model::Product;
use crate::app::catalog::sources::{granted_source, mirror};
use crate::app::Services;
use crate::core::ids::TenantId;
use crate::core::{Error, Result};
use crate::db::catalog::mirror as repo;
use crate::db::catalog_sources::{self as links, LinkRow};
use crate::tenancy::TenantCtx;

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscribeIn {
    /// Source product ids to take copies of.
    pub product_ids: Option<Vec<String>>,
    /// Every published product of the source instead.
    pub all: Option<bool>,
}

/// A subscriber's copy of a source product.
#[derive(Debug, Serialize)]
pub struct Subscription {
    pub source_id: String,
    pub source_product_id: String,
    /// The copy, a product of the subscriber's own catalog.
    pub product_id: String,
    pub created_at: DateTime<Utc>,
}

impl From<LinkRow> for Subscription {
    fn from(l: LinkRow) -> Self {
        Self {
            source_id: l.source_id,
            source_product_id: l.source_product_id,
            product_id: l.copy_product_id,
            created_at: l.created_at,
        }
    }
}

/// Most products one subscription call may copy (`all` included).
pub const SUBSCRIBE_LIMIT: usize = 500;

/// One page of the source's published products, each with the subscriber's copy id if any.
pub async fn products(
    app: &Services,
    ctx: &TenantCtx,
    source_id: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<(Product, Option<String>)>, i64)> {
    let mut x = app
        .control
        .cross_tenant(ctx.db.begin().await?, "master catalog: browse source");
    let source = granted_source(&mut x, ctx, source_id).await?;
    let copies: HashMap<String, String> = links::subscriptions(x.tenant(&ctx.tenant.id).await?, source_id)
        .await?
        .into_iter()
        .map(|l| (l.source_product_id, l.copy_product_id))
        .collect();
    let tx = x.tenant(&TenantId::from_trusted(source.source_tenant_id)).await?;
    let ids = repo::published_ids(tx).await?;
    let count = ids.len() as i64;
    let page: Vec<String> = ids.into_iter().skip(offset as usize).take(limit as usize).collect();
    let products = mirror::load(tx, &page).await?;
    x.commit().await?;
    Ok((
        products
            .into_iter()
            .map(|p| {
                let copy = copies.get(&p.row.id).cloned();
                (p, copy)
            })
            .collect(),
        count,
    ))
}

/// Takes copies of source products (already subscribed ones are kept as they are) and
/// returns the subscriptions to every product named.
pub async fn subscribe(
    app: &Services,
    ctx: &TenantCtx,
    source_id: &str,
    input: SubscribeIn,
) -> Result<Vec<Subscription>> {
    let all = input.all.unwrap_or(false);
    let named = match (input.product_ids, all) {
        (Some(ids), false) if !ids.is_empty() => Some(ids),
        (None, true) => None,
        _ => {
            return Err(Error::invalid(
                "Invalid request: send either a non-empty 'product_ids' or 'all': true",
            ))
        }
    };
    let me = ctx.tenant.id.clone();
    let mut x = app
        .control
        .cross_tenant(ctx.db.begin().await?, "master catalog: subscribe");
    let source = granted_source(&mut x, ctx, source_id).await?;
    let source_tenant = TenantId::from_trusted(source.source_tenant_id.clone());
    let existing: HashMap<String, LinkRow> = links::subscriptions(x.tenant(&me).await?, source_id)
        .await?
        .into_iter()
        .map(|l| (l.source_product_id.clone(), l))
        .collect();

    let tx = x.tenant(&source_tenant).await?;
    let mut ids = match named {
        Some(ids) => ids,
        None => repo::published_ids(tx).await?,
    };
    ids.sort();
    ids.dedup();
    if ids.len() > SUBSCRIBE_LIMIT {
        return Err(Error::invalid(format!(
            "At most {SUBSCRIBE_LIMIT} products per subscription call"
        )));
    }
    // Held until commit: the source's edits wait for the copies, then reach them.
    repo::lock_products(tx, &ids, false).await?;
    let sources: Vec<Product> = mirror::load(tx, &ids)
        .await?
        .into_iter()
        .filter(Product::is_published)
        .collect();
    if let Some(missing) = ids.iter().find(|id| !sources.iter().any(|p| &&p.row.id == id)) {
        return Err(Error::not_found(format!(
            "Product with id: {missing} was not found in catalog source {source_id}"
        )));
    }

    // Copies are the subscriber's products: they count against its plan, all or none.
    let new_copies = sources.iter().filter(|p| !existing.contains_key(&p.row.id)).count();
    quota::check(
        x.tenant(&me).await?,
        &ctx.tenant.limits,
        Quota::Products,
        new_copies as u64,
    )
    .await?;
    let channel = ctx.tenant.default_sales_channel_id.as_deref();
    let mut out = Vec::with_capacity(sources.len());
    for p in &sources {
        if let Some(l) = existing.get(&p.row.id) {
            out.push(Subscription::from(l.clone()));
            continue;
        }
        let tx = x.tenant(&me).await?;
        let (copy_id, items) = mirror::create_copy(tx, channel, p).await?;
        let link = LinkRow {
            subscriber_tenant_id: me.as_str().to_owned(),
            copy_product_id: copy_id.clone(),
            source_id: source.source_id.clone(),
            source_tenant_id: source.source_tenant_id.clone(),
            source_product_id: p.row.id.clone(),
            created_at: Utc::now(),
        };
        links::insert_link(tx, &link).await?;
        links::replace_items(tx, &copy_id, &items).await?;
        out.push(link.into());
    }
    x.commit().await?;
    changed(app, ctx).await?;
    Ok(out)
}

/// The subscriber's subscriptions to one source.
pub async fn list(app: &Services, ctx: &TenantCtx, source_id: &str) -> Result<Vec<Subscription>> {
    let mut x = app
        .control
        .cross_tenant(ctx.db.begin().await?, "master catalog: list subscriptions");
    granted_source(&mut x, ctx, source_id).await?;
    let found = links::subscriptions(x.tenant(&ctx.tenant.id).await?, source_id).await?;
    x.commit().await?;
    Ok(found.into_iter().map(Subscription::from).collect())
}

/// Opts out of one product (named by its source id or the copy's id): the copy is
/// unpublished (draft) and unlinked, and stays in the catalog as the subscriber's own.
pub async fn unsubscribe(app: &Services, ctx: &TenantCtx, source_id: &str, product_id: &str) -> Result<()> {
    let mut x = app
        .control
        .cross_tenant(ctx.db.begin().await?, "master catalog: unsubscribe");
    granted_source(&mut x, ctx, source_id).await?;
    let link = links::subscriptions(x.tenant(&ctx.tenant.id).await?, source_id)
        .await?
        .into_iter()
        .find(|l| l.source_product_id == product_id || l.copy_product_id == product_id)
        .ok_or_else(|| {
            Error::not_found(format!(
                "No subscription to product {product_id} in catalog source {source_id}"
            ))
        })?;
    mirror::withdraw(&mut x, &[link]).await?;
    x.commit().await?;
    changed(app, ctx).await
}
