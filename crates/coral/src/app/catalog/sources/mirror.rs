//! Copies of source products in subscribers' catalogs: taking a copy, keeping it in step
//! with its source (in the source write's own transaction), and letting it go.
//!
//! A copy mirrors its source's content — title, subtitle, description, thumbnail,
//! dimensions, images, options and values, variants with their titles, SKUs, codes and
//! option values. Everything else is the subscriber's: handle, status, prices, stock,
//! sales channels, collection, categories, tags, `manage_inventory`, `allow_backorder`.

use std::collections::{HashMap, HashSet};

use crate::app::catalog::changed_tenant;
use crate::app::catalog::model::{assemble, Product};
use crate::app::Services;
use crate::core::ids::{new_id, TenantId};
use crate::core::Result;
use crate::db::catalog::mirror::{self, Part};
use crate::db::catalog::read;
use crate::db::catalog::rows::{ProductContent, ProductFields};
use crate::db::catalog::write::{self, LinkTable, VariantFields};
use crate::db::catalog_sources::{self as links, LinkRow};
use crate::db::{CrossTenantTx, TenantTx};
use crate::tenancy::TenantCtx;

/// Loads products (with all their parts) in the transaction's current tenant.
pub async fn load(tx: &mut TenantTx, ids: &[String]) -> Result<Vec<Product>> {
    Ok(assemble(read::products(tx, Some(ids)).await?))
}

/// Creates the subscriber's copy of `source` in `tx` (the subscriber's scope): a draft in
/// its default sales channel, without prices or stock. Returns the copy id and item map.
pub async fn create_copy(
    tx: &mut TenantTx,
    sales_channel: Option<&str>,
    source: &Product,
) -> Result<(String, Vec<(String, String)>)> {
    let mut handle = source.row.handle.clone();
    let mut n = 1;
    while mirror::handle_taken(tx, &handle).await? {
        n += 1;
        handle = format!("{}-{n}", source.row.handle);
    }
    // The content comes with the first sync below.
    let fields = ProductFields {
        content: ProductContent {
            title: source.row.title.clone(),
            ..Default::default()
        },
        handle,
        status: "draft".into(),
        discountable: true,
        ..Default::default()
    };
    let id = new_id("prod");
    write::save_product(tx, &id, &fields, true).await?;
    let channels: Vec<String> = sales_channel.map(str::to_owned).into_iter().collect();
    write::replace_links(tx, LinkTable::SalesChannels, &id, &channels).await?;
    let copy = load(tx, std::slice::from_ref(&id)).await?.remove(0);
    let items = sync(tx, source, &copy, &HashMap::new()).await?;
    Ok((id, items))
}

/// Brings `copy` in step with `source` in `tx` (the copy's tenant); `map` pairs source
/// item ids with copy item ids. Returns the new map. Items the map names but the copy has
/// lost (the subscriber deleted them) are created again: a copy mirrors its source.
pub async fn sync(
    tx: &mut TenantTx,
    source: &Product,
    copy: &Product,
    map: &HashMap<String, String>,
) -> Result<Vec<(String, String)>> {
    let copy_id = copy.row.id.as_str();
    mirror::set_content(tx, copy_id, &source.row.content).await?;
    let urls: Vec<String> = source.images.iter().map(|i| i.url.clone()).collect();
    write::replace_images(tx, copy_id, &urls).await?;

    let mut out = Vec::new();
    let mut value_ids: HashMap<&str, String> = HashMap::new();
    let mut kept_options = HashSet::new();
    for so in &source.options {
        let copy_option = map
            .get(&so.row.id)
            .and_then(|cid| copy.options.iter().find(|o| &o.row.id == cid));
        let cid = match copy_option {
            Some(o) => {
                mirror::update_option(tx, &o.row.id, &so.row.title, so.row.rank).await?;
                o.row.id.clone()
            }
            None => write::insert_option(tx, copy_id, &so.row.title, so.row.rank).await?,
        };
        let mut kept_values = HashSet::new();
        for sv in &so.values {
            let existing = map
                .get(&sv.id)
                .and_then(|vid| copy_option.and_then(|o| o.values.iter().find(|v| &v.id == vid)));
            let vid = match existing {
                Some(v) => {
                    mirror::update_option_value(tx, &v.id, &sv.value, sv.rank).await?;
                    v.id.clone()
                }
                None => write::insert_option_value(tx, &cid, &sv.value, sv.rank).await?,
            };
            kept_values.insert(vid.clone());
            value_ids.insert(&sv.id, vid.clone());
            out.push((sv.id.clone(), vid));
        }
        if let Some(o) = copy_option {
            let gone: Vec<String> = o
                .values
                .iter()
                .map(|v| v.id.clone())
                .filter(|v| !kept_values.contains(v))
                .collect();
            mirror::delete_parts(tx, Part::OptionValues, &gone).await?;
        }
        kept_options.insert(cid.clone());
        out.push((so.row.id.clone(), cid));
    }
    let gone: Vec<String> = copy
        .options
        .iter()
        .map(|o| o.row.id.clone())
        .filter(|o| !kept_options.contains(o))
        .collect();
    mirror::delete_parts(tx, Part::Options, &gone).await?;

    // SKUs are unique per tenant: the copy takes the source's unless the subscriber uses
    // it on another product (then the copy has none, rather than the source's write fail).
    let skus: Vec<String> = source.variants.iter().filter_map(|v| v.row.sku.clone()).collect();
    let used_elsewhere = mirror::skus_used_elsewhere(tx, copy_id, &skus).await?;
    mirror::clear_skus(tx, copy_id).await?;
    let mut kept_variants = HashSet::new();
    for sv in &source.variants {
        let r = &sv.row;
        let existing = map
            .get(&r.id)
            .and_then(|cid| copy.variants.iter().find(|v| &v.row.id == cid));
        let fields = VariantFields {
            title: r.title.clone(),
            sku: r.sku.clone().filter(|s| !used_elsewhere.contains(s)),
            barcode: r.barcode.clone(),
            ean: r.ean.clone(),
            upc: r.upc.clone(),
            weight: r.weight,
            material: r.material.clone(),
            variant_rank: r.variant_rank,
            thumbnail: r.thumbnail.clone(),
            // The subscriber's own inventory policy and metadata.
            allow_backorder: existing.is_some_and(|v| v.row.allow_backorder),
            manage_inventory: existing.map_or(r.manage_inventory, |v| v.row.manage_inventory),
            metadata: existing.and_then(|v| v.row.metadata.clone().map(|m| m.0)),
        };
        let values: Vec<String> = sv
            .option_values
            .iter()
            .filter_map(|&(oi, vi)| value_ids.get(source.options[oi].values[vi].id.as_str()).cloned())
            .collect();
        let vid = match existing {
            Some(v) => {
                write::save_variant(tx, copy_id, &v.row.id, &fields, false).await?;
                mirror::replace_variant_options(tx, &v.row.id, &values).await?;
                v.row.id.clone()
            }
            None => {
                let vid = new_id("variant");
                write::save_variant(tx, copy_id, &vid, &fields, true).await?;
                write::link_variant_options(tx, &vid, &values).await?;
                vid
            }
        };
        kept_variants.insert(vid.clone());
        out.push((r.id.clone(), vid));
    }
    let gone: Vec<String> = copy
        .variants
        .iter()
        .map(|v| v.row.id.clone())
        .filter(|v| !kept_variants.contains(v))
        .collect();
    mirror::delete_parts(tx, Part::Variants, &gone).await?;
    Ok(out)
}

/// Pushes the current content of `product_ids` (the source tenant's, just written in
/// `x`) to every linked copy, in the same transaction. Returns the subscribers touched.
pub async fn propagate(x: &mut CrossTenantTx, source: &TenantId, product_ids: &[String]) -> Result<Vec<TenantId>> {
    let tx = x.tenant(source).await?;
    mirror::lock_products(tx, product_ids, true).await?;
    let found = links::links_to_products(tx, product_ids).await?;
    if found.is_empty() {
        return Ok(Vec::new());
    }
    let sources: HashMap<String, Product> = load(x.tenant(source).await?, product_ids)
        .await?
        .into_iter()
        .map(|p| (p.row.id.clone(), p))
        .collect();
    let mut touched = Vec::new();
    for link in &found {
        let Some(src) = sources.get(&link.source_product_id) else {
            continue;
        };
        // The copy and its item map are the subscriber's: synced in its scope.
        let subscriber = TenantId::from_trusted(link.subscriber_tenant_id.clone());
        let tx = x.tenant(&subscriber).await?;
        let map: HashMap<String, String> = links::items(tx, &link.copy_product_id).await?.into_iter().collect();
        let Some(copy) = load(tx, std::slice::from_ref(&link.copy_product_id)).await?.pop() else {
            continue;
        };
        let items = sync(tx, src, &copy, &map).await?;
        links::replace_items(tx, &link.copy_product_id, &items).await?;
        if !touched.contains(&subscriber) {
            touched.push(subscriber);
        }
    }
    x.tenant(source).await?;
    Ok(touched)
}

/// Unpublishes the copies of `found` links (status draft) and unlinks them, both in the
/// subscriber's scope (a source may read the links to its products, never delete them).
/// The copies stay in their tenants' catalogs as ordinary products. Returns the tenants
/// touched.
pub async fn withdraw(x: &mut CrossTenantTx, found: &[LinkRow]) -> Result<Vec<TenantId>> {
    let mut touched = Vec::new();
    for link in found {
        let subscriber = TenantId::from_trusted(link.subscriber_tenant_id.clone());
        let tx = x.tenant(&subscriber).await?;
        mirror::set_status(tx, &link.copy_product_id, "draft").await?;
        links::delete_link(tx, &link.copy_product_id).await?;
        if !touched.contains(&subscriber) {
            touched.push(subscriber);
        }
    }
    Ok(touched)
}

/// Commits a source tenant's product write together with its propagation to the linked
/// copies, then drops the snapshots of every tenant involved.
pub async fn commit_propagating(app: &Services, ctx: &TenantCtx, tx: TenantTx, product_ids: &[String]) -> Result<()> {
    let mut x = app.control.cross_tenant(tx, "master catalog: propagate source edits");
    let touched = propagate(&mut x, &ctx.tenant.id, product_ids).await?;
    x.commit().await?;
    changed_tenant(app, &ctx.tenant.id).await?;
    after_commit(app, &touched).await
}

/// Drops the snapshots of `tenants` after a committed cross-tenant write.
pub async fn after_commit(app: &Services, tenants: &[TenantId]) -> Result<()> {
    for t in tenants {
        changed_tenant(app, t).await?;
    }
    Ok(())
}
