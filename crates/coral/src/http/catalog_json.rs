//! Catalog objects in Medusa's JSON shapes (see shared/medusa-store-api/*product*), as
//! typed views (names after Medusa's `StoreProduct`, `StoreProductVariant`, …). On routes
//! that take `fields=` their properties are not `required` (see `fields::relax_selectable`).

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::app::catalog::linked::Taxonomy;
use crate::app::catalog::model::{Product, Variant};
use crate::app::catalog::pricing;
use crate::app::catalog::snapshot::Catalog;
use crate::app::regions::RegionRow;
use crate::http::amounts::{opt, Amount, RawAmount};

/// Product keys a store response has unless `fields=` says otherwise.
pub const PRODUCT_DEFAULTS: &[&str] = &[
    "id",
    "title",
    "subtitle",
    "description",
    "handle",
    "is_giftcard",
    "discountable",
    "thumbnail",
    "collection_id",
    "type_id",
    "weight",
    "length",
    "height",
    "width",
    "hs_code",
    "origin_country",
    "mid_code",
    "material",
    "created_at",
    "updated_at",
    "variants",
    "type",
    "collection",
    "options",
    "tags",
    "images",
];

/// Variant keys a store response has unless `fields=` says otherwise.
pub const VARIANT_DEFAULTS: &[&str] = &[
    "id",
    "title",
    "sku",
    "barcode",
    "ean",
    "upc",
    "allow_backorder",
    "manage_inventory",
    "hs_code",
    "origin_country",
    "mid_code",
    "material",
    "weight",
    "length",
    "height",
    "width",
    "metadata",
    "variant_rank",
    "thumbnail",
    "product_id",
    "created_at",
    "updated_at",
    "deleted_at",
    "options",
    "calculated_price",
];

/// Default keys of a relation, by name (`None`: all of its keys).
pub fn nested_defaults(relation: &str) -> Option<&'static [&'static str]> {
    (relation == "variants").then_some(VARIANT_DEFAULTS)
}

/// A decimal as a JSON number, integral when it has no fraction (Medusa shows `400`).
pub fn number(d: Decimal) -> Value {
    serde_json::to_value(Amount(d)).unwrap_or(Value::Null)
}

use crate::http::taxonomy_json::meta;
pub use crate::http::taxonomy_json::{
    category, collection, product_summary, product_type, value, StoreCollection, StoreProductCategory,
    StoreProductSummary, StoreProductTag, StoreProductType,
};

/// One of a variant's prices in Medusa's `calculated_price` (`price_list_*` set when a
/// price list gives it).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StorePriceRef {
    pub id: Option<String>,
    pub price_list_id: Option<String>,
    pub price_list_type: Option<String>,
    pub min_quantity: Option<i64>,
    pub max_quantity: Option<i64>,
}

/// Medusa's `calculated_price` of a variant in a region (or of a shipping option).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreCalculatedPrice {
    pub id: Option<String>,
    pub is_calculated_price_price_list: bool,
    pub is_calculated_price_tax_inclusive: bool,
    pub calculated_amount: Amount,
    pub raw_calculated_amount: RawAmount,
    pub is_original_price_price_list: bool,
    pub is_original_price_tax_inclusive: bool,
    pub original_amount: Amount,
    pub raw_original_amount: RawAmount,
    pub currency_code: String,
    pub calculated_price: StorePriceRef,
    pub original_price: StorePriceRef,
}

/// Medusa's `calculated_price` for a variant in a region, `None` when it has no price there.
/// Price lists for everyone apply (those limited to customer groups apply in carts, where
/// the customer is known: see `app::catalog::pricing`).
fn calculated_price(v: &Variant, region: &RegionRow, cat: &Catalog) -> Option<StoreCalculatedPrice> {
    let now = chrono::Utc::now();
    let c = pricing::choose(v, &cat.price_lists, &region.id, &region.currency_code, &[], now)?;
    let original_id = c
        .original
        .map_or_else(|| c.list.map(|l| l.id.clone()), |o| Some(o.id.clone()));
    let original_ref = StorePriceRef {
        id: original_id.clone(),
        price_list_id: None,
        price_list_type: None,
        min_quantity: None,
        max_quantity: None,
    };
    let calculated_ref = match c.list {
        Some(l) => StorePriceRef {
            id: Some(l.id.clone()),
            price_list_id: Some(l.list_id.clone()),
            price_list_type: Some(l.list_type.clone()),
            min_quantity: None,
            max_quantity: None,
        },
        None => original_ref.clone(),
    };
    Some(StoreCalculatedPrice {
        id: original_id,
        is_calculated_price_price_list: c.list.is_some(),
        is_calculated_price_tax_inclusive: false,
        calculated_amount: Amount(c.amount),
        raw_calculated_amount: RawAmount::new(c.amount),
        is_original_price_price_list: false,
        is_original_price_tax_inclusive: false,
        original_amount: Amount(c.original_amount),
        raw_original_amount: RawAmount::new(c.original_amount),
        currency_code: region.currency_code.clone(),
        calculated_price: calculated_ref,
        original_price: original_ref,
    })
}

/// Medusa's `StoreProductOptionValue`; inside a variant it carries its `option`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreProductOptionValue {
    pub id: String,
    pub value: String,
    pub rank: i32,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    pub option_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub option: Option<StoreOptionOfValue>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// The option of a variant's option value (without its values).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreOptionOfValue {
    pub id: String,
    pub title: String,
    pub is_exclusive: bool,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// Medusa's `StoreProductOption`, with its values.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreProductOption {
    #[serde(flatten)]
    pub option: StoreOptionOfValue,
    pub product_id: String,
    pub values: Vec<StoreProductOptionValue>,
}

/// Medusa's `StoreProductImage`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreProductImage {
    pub id: String,
    pub url: String,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    pub rank: i32,
    pub product_id: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// A variant's price in a currency (admin routes only).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AdminVariantPrice {
    pub id: String,
    pub currency_code: String,
    pub amount: Amount,
    pub region_id: Option<String>,
    pub variant_id: String,
}

/// The product of a variant on the variant routes (`product.{id, type_id, …}`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreVariantProduct {
    pub id: String,
    pub type_id: Option<String>,
    pub title: String,
    pub handle: String,
    pub thumbnail: Option<String>,
}

/// Medusa's `StoreProductVariant`. `calculated_price` is there when a region prices the
/// request (null when the variant has no price there); `product` on the variant routes;
/// `prices` on admin routes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreProductVariant {
    pub id: String,
    pub title: String,
    pub sku: Option<String>,
    pub barcode: Option<String>,
    pub ean: Option<String>,
    pub upc: Option<String>,
    pub allow_backorder: bool,
    pub manage_inventory: bool,
    pub hs_code: Option<String>,
    pub origin_country: Option<String>,
    pub mid_code: Option<String>,
    pub material: Option<String>,
    pub weight: Option<Amount>,
    pub length: Option<Amount>,
    pub height: Option<Amount>,
    pub width: Option<Amount>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    pub variant_rank: i32,
    pub thumbnail: Option<String>,
    pub product_id: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub options: Vec<StoreProductOptionValue>,
    pub images: Vec<StoreProductImage>,
    /// Units that can be sold now (0 when not tracked as available).
    pub inventory_quantity: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calculated_price: Option<Option<StoreCalculatedPrice>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prices: Option<Vec<AdminVariantPrice>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<StoreVariantProduct>,
}

/// A sales channel of a product (admin routes).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SalesChannelRef {
    pub id: String,
}

/// Medusa's `StoreProduct` with every field Coral can show (`fields=` prunes it);
/// `status` and `sales_channels` only on admin routes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreProduct {
    /// The product's own columns, as on a tag's or type's `products`.
    #[serde(flatten)]
    pub summary: StoreProductSummary,
    pub weight: Option<Amount>,
    pub length: Option<Amount>,
    pub height: Option<Amount>,
    pub width: Option<Amount>,
    pub hs_code: Option<String>,
    pub origin_country: Option<String>,
    pub mid_code: Option<String>,
    pub material: Option<String>,
    pub variants: Vec<StoreProductVariant>,
    #[serde(rename = "type")]
    pub r#type: Option<StoreProductType>,
    pub collection: Option<StoreCollection>,
    pub options: Vec<StoreProductOption>,
    pub tags: Vec<StoreProductTag>,
    pub images: Vec<StoreProductImage>,
    pub categories: Vec<StoreProductCategory>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sales_channels: Option<Vec<SalesChannelRef>>,
}

fn option_of_value(o: &crate::app::catalog::model::ProductOption) -> StoreOptionOfValue {
    StoreOptionOfValue {
        id: o.row.id.clone(),
        title: o.row.title.clone(),
        is_exclusive: true,
        metadata: meta(&o.row.metadata),
        created_at: o.row.created_at,
        updated_at: o.row.updated_at,
        deleted_at: None,
    }
}

fn option_value(
    o: &crate::app::catalog::model::ProductOption,
    v: &crate::app::catalog::model::OptionValueRow,
    with_option: bool,
) -> StoreProductOptionValue {
    StoreProductOptionValue {
        id: v.id.clone(),
        value: v.value.clone(),
        rank: v.rank,
        metadata: meta(&v.metadata),
        option_id: o.row.id.clone(),
        option: with_option.then(|| option_of_value(o)),
        created_at: v.created_at,
        updated_at: v.updated_at,
        deleted_at: None,
    }
}

/// A product's options, with their values.
pub fn options(p: &Product) -> Vec<StoreProductOption> {
    p.options
        .iter()
        .map(|o| StoreProductOption {
            option: option_of_value(o),
            product_id: p.row.id.clone(),
            values: o.values.iter().map(|v| option_value(o, v, false)).collect(),
        })
        .collect()
}

/// A product's variants; `region` adds `calculated_price`, `admin` adds `prices`.
pub fn variants(p: &Product, cat: &Catalog, region: Option<&RegionRow>, admin: bool) -> Vec<StoreProductVariant> {
    variant_views(p, admin, |v| region.map(|region| calculated_price(v, region, cat)))
}

/// A product's variants, `price` giving each its `calculated_price` field.
fn variant_views(
    p: &Product,
    admin: bool,
    price: impl Fn(&Variant) -> Option<Option<StoreCalculatedPrice>>,
) -> Vec<StoreProductVariant> {
    p.variants
        .iter()
        .map(|v| {
            let vr = &v.row;
            StoreProductVariant {
                id: vr.id.clone(),
                title: vr.title.clone(),
                sku: vr.sku.clone(),
                barcode: vr.barcode.clone(),
                ean: vr.ean.clone(),
                upc: vr.upc.clone(),
                allow_backorder: vr.allow_backorder,
                manage_inventory: vr.manage_inventory,
                hs_code: vr.hs_code.clone(),
                origin_country: vr.origin_country.clone(),
                mid_code: vr.mid_code.clone(),
                material: vr.material.clone(),
                weight: opt(vr.weight),
                length: opt(vr.length),
                height: opt(vr.height),
                width: opt(vr.width),
                metadata: meta(&vr.metadata),
                variant_rank: vr.variant_rank,
                thumbnail: vr.thumbnail.clone(),
                product_id: vr.product_id.clone(),
                created_at: vr.created_at,
                updated_at: vr.updated_at,
                deleted_at: None,
                options: v
                    .option_values
                    .iter()
                    .map(|&(oi, vi)| option_value(&p.options[oi], &p.options[oi].values[vi], true))
                    .collect(),
                images: Vec::new(),
                inventory_quantity: v.available().unwrap_or(0),
                calculated_price: price(v),
                prices: admin.then(|| {
                    v.prices
                        .iter()
                        .map(|pr| AdminVariantPrice {
                            id: pr.id.clone(),
                            currency_code: pr.currency_code.clone(),
                            amount: Amount(pr.amount),
                            region_id: pr.region_id.clone(),
                            variant_id: vr.id.clone(),
                        })
                        .collect()
                }),
                product: None,
            }
        })
        .collect()
}

/// A product with every field Coral can show; `fields=` then prunes it. `region` adds
/// `calculated_price`; `admin` adds status, sales channels, prices and stock.
pub fn product(p: &Product, cat: &Catalog, region: Option<&RegionRow>, admin: bool) -> StoreProduct {
    product_with(p, cat, variants(p, cat, region, admin), admin)
}

/// A product as `/admin` answers it (no `calculated_price`), naming the taxonomy rows in
/// `linked`: those its use case read, not the storefront snapshot.
pub fn admin_product(p: &Product, linked: &impl Taxonomy) -> StoreProduct {
    product_with(p, linked, variant_views(p, true, |_| None), true)
}

/// A product with its rendered `variants`, its type, collection, tags and categories
/// looked up in `cat`.
fn product_with(p: &Product, cat: &impl Taxonomy, variants: Vec<StoreProductVariant>, admin: bool) -> StoreProduct {
    let r = &p.row;
    StoreProduct {
        summary: product_summary(p),
        weight: opt(r.weight),
        length: opt(r.length),
        height: opt(r.height),
        width: opt(r.width),
        hs_code: r.hs_code.clone(),
        origin_country: r.origin_country.clone(),
        mid_code: r.mid_code.clone(),
        material: r.material.clone(),
        variants,
        r#type: r.type_id.as_deref().and_then(|t| cat.product_type(t)).map(product_type),
        collection: r
            .collection_id
            .as_deref()
            .and_then(|c| cat.collection(c))
            .map(collection),
        options: options(p),
        tags: p.tag_ids.iter().filter_map(|t| cat.tag(t)).map(value).collect(),
        images: p
            .images
            .iter()
            .map(|i| StoreProductImage {
                id: i.id.clone(),
                url: i.url.clone(),
                metadata: meta(&i.metadata),
                rank: i.rank,
                product_id: r.id.clone(),
                created_at: i.created_at,
                updated_at: i.updated_at,
                deleted_at: None,
            })
            .collect(),
        categories: p
            .category_ids
            .iter()
            .filter_map(|c| cat.category(c))
            .filter(|c| admin || (c.is_active && !c.is_internal))
            .map(|c| category(c, admin))
            .collect(),
        status: admin.then(|| r.status.clone()),
        sales_channels: admin.then(|| {
            p.sales_channel_ids
                .iter()
                .map(|id| SalesChannelRef { id: id.clone() })
                .collect()
        }),
    }
}
