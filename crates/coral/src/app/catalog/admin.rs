//! Admin use cases for products, variants and prices. Each runs in one tenant
//! transaction and drops the tenant's snapshot after commit.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value;
use sqlx::types::Json;

use crate::app::catalog::linked::WithLinks;
use crate::app::catalog::model::{assemble, Product};
use crate::app::catalog::sources::mirror;
use crate::app::catalog::{changed, check_handle, slugify};
use crate::app::Services;
use crate::core::ids::new_id;
use crate::core::names::parse_currency;
use crate::core::{Error, Result};
use crate::db::catalog::rows::ProductFields;
use crate::db::catalog::write::{self, LinkTable, NewPrice, VariantFields};
use crate::db::catalog::{read, taxonomy};
use crate::db::catalog_sources as links;
use crate::db::refs::{self, Ref};
use crate::db::TenantTx;
use crate::tenancy::quota::{self, Quota};
use crate::tenancy::TenantCtx;

/// Most products one batch call may create.
pub const BATCH_LIMIT: usize = 100;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdRef {
    pub id: String,
}

/// A tag by id, or by value (created if the tenant has no such tag yet).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TagRef {
    pub id: Option<String>,
    pub value: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImageIn {
    pub url: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionIn {
    pub title: String,
    pub values: Vec<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceIn {
    pub currency_code: String,
    #[schema(schema_with = crate::app::schema::decimal)]
    pub amount: Decimal,
    /// A region-specific price; wins over the currency-wide one in that region.
    pub region_id: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VariantIn {
    pub title: Option<String>,
    pub sku: Option<String>,
    pub barcode: Option<String>,
    pub ean: Option<String>,
    pub upc: Option<String>,
    pub allow_backorder: Option<bool>,
    pub manage_inventory: Option<bool>,
    #[schema(schema_with = crate::app::schema::optional_decimal)]
    pub weight: Option<Decimal>,
    pub material: Option<String>,
    pub variant_rank: Option<i32>,
    pub thumbnail: Option<String>,
    #[serde(default, deserialize_with = "crate::core::metadata::object")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    /// Option title → value, one entry per product option.
    pub options: Option<BTreeMap<String, String>>,
    /// Replaces the variant's prices.
    pub prices: Option<Vec<PriceIn>>,
    /// Stocked quantity at the tenant's default stock location.
    pub inventory_quantity: Option<i32>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductIn {
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub description: Option<String>,
    pub handle: Option<String>,
    /// draft (default), proposed, published or rejected.
    pub status: Option<String>,
    pub is_giftcard: Option<bool>,
    pub discountable: Option<bool>,
    pub thumbnail: Option<String>,
    pub images: Option<Vec<ImageIn>>,
    pub collection_id: Option<String>,
    pub type_id: Option<String>,
    pub tags: Option<Vec<TagRef>>,
    pub categories: Option<Vec<IdRef>>,
    /// Default: the tenant's default sales channel.
    pub sales_channels: Option<Vec<IdRef>>,
    /// Only on create; later changes go through the variants.
    pub options: Option<Vec<OptionIn>>,
    /// Only on create; later changes through `/admin/products/{id}/variants`.
    pub variants: Option<Vec<VariantIn>>,
    #[schema(schema_with = crate::app::schema::optional_decimal)]
    pub weight: Option<Decimal>,
    #[schema(schema_with = crate::app::schema::optional_decimal)]
    pub length: Option<Decimal>,
    #[schema(schema_with = crate::app::schema::optional_decimal)]
    pub height: Option<Decimal>,
    #[schema(schema_with = crate::app::schema::optional_decimal)]
    pub width: Option<Decimal>,
    pub hs_code: Option<String>,
    pub origin_country: Option<String>,
    pub mid_code: Option<String>,
    pub material: Option<String>,
    pub external_id: Option<String>,
    #[serde(default, deserialize_with = "crate::core::metadata::object")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
}

const STATUSES: &[&str] = &["draft", "proposed", "published", "rejected"];

pub(super) fn non_empty(field: &str, v: &str) -> Result<String> {
    let v = v.trim();
    if v.is_empty() || v.len() > 1000 {
        return Err(Error::invalid(format!(
            "Invalid request: '{field}' must be 1 to 1000 characters"
        )));
    }
    Ok(v.to_owned())
}

/// Merges `input` over `base` (create: defaults; update: the stored product) and checks it.
async fn merge_fields(tx: &mut TenantTx, base: ProductFields, input: &ProductIn) -> Result<ProductFields> {
    let mut p = base;
    if let Some(t) = &input.title {
        p.content.title = non_empty("title", t)?;
    }
    if let Some(h) = &input.handle {
        p.handle = check_handle(h)?;
    }
    if let Some(s) = &input.status {
        if !STATUSES.contains(&s.as_str()) {
            return Err(Error::invalid(format!(
                "Invalid status '{s}': use one of {}",
                STATUSES.join(", ")
            )));
        }
        p.status = s.clone();
    }
    macro_rules! copy {
        ($($f:ident),*) => { $( if input.$f.is_some() { p.content.$f = input.$f.clone(); } )* };
    }
    copy!(
        subtitle,
        description,
        thumbnail,
        hs_code,
        origin_country,
        mid_code,
        material
    );
    copy!(weight, length, height, width);
    if input.external_id.is_some() {
        p.external_id = input.external_id.clone();
    }
    if let Some(m) = &input.metadata {
        p.metadata = Some(Json(m.clone()));
    }
    if let Some(v) = input.is_giftcard {
        p.is_giftcard = v;
    }
    if let Some(v) = input.discountable {
        p.discountable = v;
    }
    if let Some(c) = &input.collection_id {
        refs::require(tx, Ref::Collection, std::slice::from_ref(c)).await?;
        p.collection_id = Some(c.clone());
    }
    if let Some(t) = &input.type_id {
        refs::require(tx, Ref::ProductType, std::slice::from_ref(t)).await?;
        p.type_id = Some(t.clone());
    }
    for d in [p.weight, p.length, p.height, p.width].into_iter().flatten() {
        if d.is_sign_negative() {
            return Err(Error::invalid(
                "Invalid request: dimensions and weight cannot be negative",
            ));
        }
    }
    Ok(p)
}

/// Writes the product's replaceable relations that `input` names.
async fn write_relations(
    tx: &mut TenantTx,
    ctx: &TenantCtx,
    id: &str,
    input: &ProductIn,
    creating: bool,
) -> Result<()> {
    if let Some(images) = &input.images {
        let urls: Vec<String> = images
            .iter()
            .map(|i| non_empty("images.url", &i.url))
            .collect::<Result<_>>()?;
        write::replace_images(tx, id, &urls).await?;
    }
    if let Some(tags) = &input.tags {
        let mut ids = Vec::new();
        for t in tags {
            match (&t.id, &t.value) {
                (Some(tid), None) => ids.push(tid.clone()),
                (None, Some(v)) => {
                    ids.push(taxonomy::value_id(tx, taxonomy::Table::Tags, &non_empty("tags.value", v)?).await?)
                }
                _ => {
                    return Err(Error::invalid(
                        "Invalid request: each tag needs exactly one of 'id' or 'value'",
                    ))
                }
            }
        }
        refs::require(tx, Ref::Tag, &ids).await?;
        write::replace_links(tx, LinkTable::Tags, id, &ids).await?;
    }
    if let Some(cats) = &input.categories {
        let ids: Vec<String> = cats.iter().map(|c| c.id.clone()).collect();
        refs::require(tx, Ref::Category, &ids).await?;
        write::replace_links(tx, LinkTable::Categories, id, &ids).await?;
    }
    let channels: Option<Vec<String>> = match &input.sales_channels {
        Some(s) => Some(s.iter().map(|c| c.id.clone()).collect()),
        None if creating => Some(ctx.tenant.default_sales_channel_id.iter().cloned().collect()),
        None => None,
    };
    if let Some(ids) = channels {
        refs::require(tx, Ref::SalesChannel, &ids).await?;
        write::replace_links(tx, LinkTable::SalesChannels, id, &ids).await?;
    }
    Ok(())
}

/// Validates and stores the prices of a variant.
pub(super) async fn write_prices(tx: &mut TenantTx, variant_id: &str, prices: &[PriceIn]) -> Result<()> {
    let regions = crate::db::regions::list(tx, i64::MAX, 0).await?.0;
    let mut out = Vec::with_capacity(prices.len());
    for p in prices {
        let currency = parse_currency(&p.currency_code)?;
        if p.amount.is_sign_negative() {
            return Err(Error::invalid(
                "Invalid request: Value for field 'amount' too small, expected at least: '0'",
            ));
        }
        if let Some(r) = &p.region_id {
            let region = regions
                .iter()
                .find(|x| &x.id == r)
                .ok_or_else(|| Error::invalid(format!("Region with id: {r} was not found")))?;
            if region.currency_code != currency {
                return Err(Error::invalid(format!(
                    "A price for region {r} must be in its currency ({})",
                    region.currency_code
                )));
            }
        }
        out.push(NewPrice {
            currency_code: currency,
            region_id: p.region_id.clone(),
            amount: p.amount,
        });
    }
    write::replace_prices(tx, variant_id, &out).await
}

pub(super) fn variant_fields(base: VariantFields, v: &VariantIn) -> Result<VariantFields> {
    let mut f = base;
    if let Some(t) = &v.title {
        f.title = non_empty("title", t)?;
    }
    macro_rules! copy {
        ($($x:ident),*) => { $( if v.$x.is_some() { f.$x = v.$x.clone(); } )* };
    }
    copy!(sku, barcode, ean, upc, weight, material, thumbnail, metadata);
    if let Some(b) = v.allow_backorder {
        f.allow_backorder = b;
    }
    if let Some(b) = v.manage_inventory {
        f.manage_inventory = b;
    }
    if let Some(r) = v.variant_rank {
        f.variant_rank = r;
    }
    if v.inventory_quantity.is_some_and(|q| q < 0) {
        return Err(Error::invalid(
            "Invalid request: Value for field 'inventory_quantity' too small, expected at least: '0'",
        ));
    }
    Ok(f)
}

pub(super) async fn write_stock(tx: &mut TenantTx, variant_id: &str, v: &VariantIn) -> Result<()> {
    if let Some(q) = v.inventory_quantity {
        let location = write::default_location(tx).await?;
        write::set_stock(tx, variant_id, &location, q).await?;
    }
    Ok(())
}

/// An option just created: its title, id, and `(value, value id)` pairs.
type CreatedOption = (String, String, Vec<(String, String)>);

/// Creates one product with its options, variants, prices and stock inside `tx`.
async fn create_in(tx: &mut TenantTx, ctx: &TenantCtx, input: &ProductIn) -> Result<String> {
    let title = input
        .title
        .as_deref()
        .ok_or_else(|| Error::invalid("Invalid request: Field 'title' is required"))?;
    let base = ProductFields {
        handle: slugify(title),
        status: "draft".into(),
        discountable: true,
        ..Default::default()
    };
    let fields = merge_fields(tx, base, input).await?;
    if fields.handle.is_empty() {
        return Err(Error::invalid(
            "Invalid request: the title gives no handle; send a 'handle'",
        ));
    }
    let id = new_id("prod");
    write::save_product(tx, &id, &fields, true).await?;
    write_relations(tx, ctx, &id, input, true).await?;

    let mut options: Vec<CreatedOption> = Vec::new();
    for (rank, o) in input.options.iter().flatten().enumerate() {
        let title = non_empty("options.title", &o.title)?;
        if o.values.is_empty() {
            return Err(Error::invalid(format!("Option '{title}' needs at least one value")));
        }
        let oid = write::insert_option(tx, &id, &title, rank as i32).await?;
        let mut values = Vec::new();
        for (vrank, v) in o.values.iter().enumerate() {
            let v = non_empty("options.values", v)?;
            values.push((v.clone(), write::insert_option_value(tx, &oid, &v, vrank as i32).await?));
        }
        options.push((title, oid, values));
    }
    let mut seen_combinations = std::collections::HashSet::new();
    for (rank, v) in input.variants.iter().flatten().enumerate() {
        let chosen = v.options.clone().unwrap_or_default();
        let mut value_ids = Vec::new();
        for (title, _, values) in &options {
            let wanted = chosen
                .get(title)
                .ok_or_else(|| Error::invalid(format!("Variant {} lacks a value for option '{title}'", rank + 1)))?;
            let (_, vid) = values
                .iter()
                .find(|(val, _)| val == wanted)
                .ok_or_else(|| Error::invalid(format!("Option '{title}' has no value '{wanted}'")))?;
            value_ids.push(vid.clone());
        }
        if let Some(extra) = chosen.keys().find(|k| !options.iter().any(|(t, _, _)| t == *k)) {
            return Err(Error::invalid(format!("The product has no option '{extra}'")));
        }
        if !value_ids.is_empty() && !seen_combinations.insert(value_ids.clone()) {
            return Err(Error::invalid("Two variants cannot have the same option values"));
        }
        let default_title = if chosen.is_empty() {
            fields.title.clone()
        } else {
            chosen.values().cloned().collect::<Vec<_>>().join(" / ")
        };
        let base = VariantFields {
            title: default_title,
            manage_inventory: true,
            variant_rank: rank as i32,
            ..Default::default()
        };
        let vf = variant_fields(base, v)?;
        let vid = new_id("variant");
        write::save_variant(tx, &id, &vid, &vf, true).await?;
        write::link_variant_options(tx, &vid, &value_ids).await?;
        write_prices(tx, &vid, v.prices.as_deref().unwrap_or_default()).await?;
        write_stock(tx, &vid, v).await?;
    }
    Ok(id)
}

pub(super) async fn load(tx: &mut TenantTx, ids: &[String]) -> Result<Vec<Product>> {
    Ok(assemble(read::products(tx, Some(ids)).await?))
}

/// Creates one product; it comes back with the taxonomy rows it links to.
pub async fn create(app: &Services, ctx: &TenantCtx, input: ProductIn) -> Result<WithLinks<Product>> {
    Ok(batch_create(app, ctx, vec![input]).await?.single())
}

/// Creates up to [`BATCH_LIMIT`] products, all or nothing.
pub async fn batch_create(app: &Services, ctx: &TenantCtx, inputs: Vec<ProductIn>) -> Result<WithLinks<Vec<Product>>> {
    if inputs.len() > BATCH_LIMIT {
        return Err(Error::invalid(format!("At most {BATCH_LIMIT} products per batch")));
    }
    create_all(app, ctx, inputs).await
}

/// Creates every product in one transaction (operator seeding has no batch limit), or
/// none when they would take the tenant over its plan's product quota.
pub async fn create_all(app: &Services, ctx: &TenantCtx, inputs: Vec<ProductIn>) -> Result<WithLinks<Vec<Product>>> {
    let mut tx = ctx.db.begin().await?;
    quota::check(&mut tx, &ctx.tenant.limits, Quota::Products, inputs.len() as u64).await?;
    let mut ids = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        let id = create_in(&mut tx, ctx, input).await.map_err(|e| match e {
            Error::InvalidData(m) if inputs.len() > 1 => Error::InvalidData(format!("Product {}: {m}", i + 1)),
            other => other,
        })?;
        ids.push(id);
    }
    let products = load(&mut tx, &ids).await?;
    for p in &products {
        record(&mut tx, "product.created", p).await?;
    }
    let created = WithLinks::load(&mut tx, products).await?;
    tx.commit().await?;
    changed(app, ctx).await?;
    Ok(created)
}

/// The product's event, in the transaction that changed it (the catalogue's payload).
async fn record(tx: &mut TenantTx, event: &str, p: &Product) -> Result<()> {
    let r = &p.row;
    let payload = serde_json::json!({ "id": r.id, "handle": r.handle, "title": r.title, "status": r.status });
    crate::db::orders::record_event(tx, event, &r.id, payload).await
}

pub(super) fn not_found(id: &str) -> Error {
    Error::not_found(format!("Product with id: {id} was not found"))
}

/// A product of any status, with the taxonomy rows it links to.
pub async fn get(ctx: &TenantCtx, id: &str) -> Result<WithLinks<Product>> {
    let mut tx = ctx.db.begin().await?;
    let p = load_one(&mut tx, id).await?;
    tx.commit().await?;
    Ok(p)
}

/// A page of products of any status, newest first, with the taxonomy rows they link to,
/// and how many match `q` in all.
pub async fn list(ctx: &TenantCtx, q: Option<&str>, limit: i64, offset: i64) -> Result<(WithLinks<Vec<Product>>, i64)> {
    let mut tx = ctx.db.begin().await?;
    let (ids, count) = read::page_ids(&mut tx, q, limit, offset).await?;
    let products = load(&mut tx, &ids).await?;
    let products = WithLinks::load(&mut tx, products).await?;
    tx.commit().await?;
    Ok((products, count))
}

/// Product `id` as `tx` sees it, with the taxonomy rows it links to; 404 if there is none.
pub(super) async fn load_one(tx: &mut TenantTx, id: &str) -> Result<WithLinks<Product>> {
    let found = load(tx, &[id.to_owned()]).await?;
    if found.is_empty() {
        return Err(not_found(id));
    }
    Ok(WithLinks::load(tx, found).await?.single())
}

pub async fn update(app: &Services, ctx: &TenantCtx, id: &str, input: ProductIn) -> Result<WithLinks<Product>> {
    if input.options.is_some() || input.variants.is_some() {
        return Err(Error::invalid(
            "Invalid request: change options and variants through /admin/products/{id}/variants",
        ));
    }
    let mut tx = ctx.db.begin().await?;
    let current = load(&mut tx, &[id.to_owned()])
        .await?
        .pop()
        .ok_or_else(|| not_found(id))?;
    let base = current.row.fields;
    let fields = merge_fields(&mut tx, base, &input).await?;
    write::save_product(&mut tx, id, &fields, false).await?;
    write_relations(&mut tx, ctx, id, &input, false).await?;
    let p = load_one(&mut tx, id).await?;
    record(&mut tx, "product.updated", &p.products).await?;
    mirror::commit_propagating(app, ctx, tx, &[id.to_owned()]).await?;
    Ok(p)
}

/// Deletes a product. Copies of it in subscribers' catalogs are unpublished and unlinked,
/// in the same transaction: no foreign key ties a link to its source product (another
/// tenant's row; migration 0014), so this is what drops those links.
pub async fn delete(app: &Services, ctx: &TenantCtx, id: &str) -> Result<()> {
    let mut x = app.control.cross_tenant(
        ctx.db.begin().await?,
        "master catalog: withdraw a deleted source product",
    );
    let me = &ctx.tenant.id;
    let ids = [id.to_owned()];
    // Locked first: a subscription taking a copy of it meanwhile (it holds the row FOR
    // SHARE) commits its link before the links are read here, or finds the product gone.
    let tx = x.tenant(me).await?;
    crate::db::catalog::mirror::lock_products(tx, &ids, true).await?;
    let found = links::links_to_products(tx, &ids).await?;
    let touched = mirror::withdraw(&mut x, &found).await?;
    if !write::delete_product(x.tenant(me).await?, id).await? {
        return Err(not_found(id));
    }
    let event = serde_json::json!({ "id": id });
    crate::db::orders::record_event(x.tenant(me).await?, "product.deleted", id, event).await?;
    x.commit().await?;
    changed(app, ctx).await?;
    mirror::after_commit(app, &touched).await
}
