//! Admin use cases for the variants of an existing product: add, update, delete. A
//! source product's variant changes reach its subscribers' copies in the same transaction.

use crate::app::catalog::admin::{
    load, load_one, non_empty, not_found, variant_fields, write_prices, write_stock, VariantIn,
};
use crate::app::catalog::linked::WithLinks;
use crate::app::catalog::model::Product;
use crate::app::catalog::sources::mirror;
use crate::app::Services;
use crate::core::ids::new_id;
use crate::core::{Error, Result};
use crate::db::catalog::mirror::{self as repo, Part};
use crate::db::catalog::write::{self, VariantFields};
use crate::tenancy::TenantCtx;

fn variant_not_found(id: &str) -> Error {
    Error::not_found(format!("Variant with id: {id} was not found"))
}

/// Adds a variant. `options` names a value for every product option; a value the option
/// does not have yet is added to it.
pub async fn create(app: &Services, ctx: &TenantCtx, product_id: &str, input: VariantIn) -> Result<WithLinks<Product>> {
    let mut tx = ctx.db.begin().await?;
    let product = load(&mut tx, &[product_id.to_owned()])
        .await?
        .pop()
        .ok_or_else(|| not_found(product_id))?;
    let chosen = input.options.clone().unwrap_or_default();
    if let Some(extra) = chosen
        .keys()
        .find(|k| !product.options.iter().any(|o| &o.row.title == *k))
    {
        return Err(Error::invalid(format!("The product has no option '{extra}'")));
    }
    let mut value_ids = Vec::new();
    for o in &product.options {
        let wanted = chosen
            .get(&o.row.title)
            .ok_or_else(|| Error::invalid(format!("The variant lacks a value for option '{}'", o.row.title)))?;
        let vid = match o.values.iter().find(|v| &v.value == wanted) {
            Some(v) => v.id.clone(),
            None => {
                let value = non_empty("options.values", wanted)?;
                write::insert_option_value(&mut tx, &o.row.id, &value, o.values.len() as i32).await?
            }
        };
        value_ids.push(vid);
    }
    let taken = product.variants.iter().any(|v| {
        let mut ids: Vec<&str> = v
            .option_values
            .iter()
            .map(|&(oi, vi)| product.options[oi].values[vi].id.as_str())
            .collect();
        ids.sort_unstable();
        let mut new: Vec<&str> = value_ids.iter().map(String::as_str).collect();
        new.sort_unstable();
        !new.is_empty() && ids == new
    });
    if taken {
        return Err(Error::invalid("Two variants cannot have the same option values"));
    }
    let base = VariantFields {
        title: if chosen.is_empty() {
            product.row.title.clone()
        } else {
            chosen.values().cloned().collect::<Vec<_>>().join(" / ")
        },
        manage_inventory: true,
        variant_rank: product.variants.len() as i32,
        ..Default::default()
    };
    let fields = variant_fields(base, &input)?;
    let vid = new_id("variant");
    write::save_variant(&mut tx, product_id, &vid, &fields, true).await?;
    write::link_variant_options(&mut tx, &vid, &value_ids).await?;
    write_prices(&mut tx, &vid, input.prices.as_deref().unwrap_or_default()).await?;
    write_stock(&mut tx, &vid, &input).await?;
    let p = load_one(&mut tx, product_id).await?;
    mirror::commit_propagating(app, ctx, tx, &[product_id.to_owned()]).await?;
    Ok(p)
}

/// Updates one variant (fields, prices, stock). Option values stay as created.
pub async fn update(
    app: &Services,
    ctx: &TenantCtx,
    product_id: &str,
    variant_id: &str,
    input: VariantIn,
) -> Result<WithLinks<Product>> {
    if input.options.is_some() {
        return Err(Error::invalid(
            "Invalid request: a variant's option values cannot be changed",
        ));
    }
    let mut tx = ctx.db.begin().await?;
    let product = load(&mut tx, &[product_id.to_owned()])
        .await?
        .pop()
        .ok_or_else(|| not_found(product_id))?;
    let v = product
        .variants
        .iter()
        .find(|v| v.row.id == variant_id)
        .ok_or_else(|| variant_not_found(variant_id))?;
    let r = &v.row;
    let base = VariantFields {
        title: r.title.clone(),
        sku: r.sku.clone(),
        barcode: r.barcode.clone(),
        ean: r.ean.clone(),
        upc: r.upc.clone(),
        allow_backorder: r.allow_backorder,
        manage_inventory: r.manage_inventory,
        weight: r.weight,
        material: r.material.clone(),
        variant_rank: r.variant_rank,
        thumbnail: r.thumbnail.clone(),
        metadata: r.metadata.clone().map(|m| m.0),
    };
    let fields = variant_fields(base, &input)?;
    write::save_variant(&mut tx, product_id, variant_id, &fields, false).await?;
    if let Some(prices) = &input.prices {
        write_prices(&mut tx, variant_id, prices).await?;
    }
    write_stock(&mut tx, variant_id, &input).await?;
    let p = load_one(&mut tx, product_id).await?;
    mirror::commit_propagating(app, ctx, tx, &[product_id.to_owned()]).await?;
    Ok(p)
}

/// Deletes one variant (its prices and stock levels with it).
pub async fn delete(app: &Services, ctx: &TenantCtx, product_id: &str, variant_id: &str) -> Result<WithLinks<Product>> {
    let mut tx = ctx.db.begin().await?;
    let product = load(&mut tx, &[product_id.to_owned()])
        .await?
        .pop()
        .ok_or_else(|| not_found(product_id))?;
    if !product.variants.iter().any(|v| v.row.id == variant_id) {
        return Err(variant_not_found(variant_id));
    }
    repo::delete_parts(&mut tx, Part::Variants, &[variant_id.to_owned()]).await?;
    let p = load_one(&mut tx, product_id).await?;
    mirror::commit_propagating(app, ctx, tx, &[product_id.to_owned()]).await?;
    Ok(p)
}
