//! The catalog as use cases and responses see it: products assembled from their rows.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use crate::db::catalog::read::ProductRows;
use crate::db::catalog::rows::*;

/// Taxonomy rows and option values as catalog responses render them.
pub use crate::db::catalog::rows::{CategoryRow, CollectionRow, Meta, OptionValueRow, ValueRow};

#[derive(Debug)]
pub struct ProductOption {
    pub row: OptionRow,
    pub values: Vec<OptionValueRow>,
}

#[derive(Debug)]
pub struct Variant {
    pub row: VariantRow,
    /// `(option index, value index)` into the product's options.
    pub option_values: Vec<(usize, usize)>,
    pub prices: Vec<PriceRow>,
    /// Sellable stock over all locations (`NO_STOCK`: no location holds it). Atomic so
    /// orders can refresh it without rebuilding the snapshot.
    pub stock: AtomicI64,
}

const NO_STOCK: i64 = i64::MIN;

#[derive(Debug)]
pub struct Product {
    pub row: ProductRow,
    pub options: Vec<ProductOption>,
    pub variants: Vec<Variant>,
    pub images: Vec<ImageRow>,
    pub tag_ids: Vec<String>,
    pub category_ids: Vec<String>,
    pub sales_channel_ids: Vec<String>,
    /// Bumped when a variant's stock changes in place, so cached renderings refresh.
    pub stock_version: AtomicU64,
}

impl Product {
    pub fn is_published(&self) -> bool {
        self.row.status == "published"
    }

    /// Whether a storefront limited to `channels` may see this product.
    pub fn visible_in(&self, channels: &[String]) -> bool {
        self.is_published() && self.sales_channel_ids.iter().any(|c| channels.contains(c))
    }
}

impl Variant {
    /// Sellable stock over all locations; `None` when no location holds it.
    pub fn available(&self) -> Option<i64> {
        Some(self.stock.load(Ordering::Relaxed)).filter(|&s| s != NO_STOCK)
    }

    pub fn set_available(&self, available: Option<i64>) {
        self.stock.store(available.unwrap_or(NO_STOCK), Ordering::Relaxed);
    }

    /// Medusa's price selection: the region's own price, else the currency-wide one.
    pub fn price_for(&self, region_id: &str, currency: &str) -> Option<&PriceRow> {
        self.prices
            .iter()
            .find(|p| p.region_id.as_deref() == Some(region_id))
            .or_else(|| {
                self.prices
                    .iter()
                    .find(|p| p.region_id.is_none() && p.currency_code == currency)
            })
    }
}

fn group<T>(items: Vec<T>, key: impl Fn(&T) -> &str) -> HashMap<String, Vec<T>> {
    let mut map: HashMap<String, Vec<T>> = HashMap::new();
    for item in items {
        map.entry(key(&item).to_owned()).or_default().push(item);
    }
    map
}

fn links(items: Vec<Link>) -> HashMap<String, Vec<String>> {
    let mut map: HashMap<String, Vec<String>> = HashMap::new();
    for l in items {
        map.entry(l.product_id).or_default().push(l.other_id);
    }
    map
}

/// Puts rows back together into products, in the order of `rows.products`.
pub fn assemble(rows: ProductRows) -> Vec<Product> {
    let mut options = group(rows.options, |o| &o.product_id);
    let mut values = group(rows.option_values, |v| &v.option_id);
    let mut variants = group(rows.variants, |v| &v.product_id);
    let mut variant_options = group(rows.variant_options, |l| &l.variant_id);
    let mut prices = group(rows.prices, |p| &p.variant_id);
    let mut images = group(rows.images, |i| &i.product_id);
    let stock: HashMap<String, i64> = rows.stock.into_iter().map(|s| (s.variant_id, s.available)).collect();
    let (mut tags, mut categories, mut channels) = (
        links(rows.tag_links),
        links(rows.category_links),
        links(rows.channel_links),
    );

    rows.products
        .into_iter()
        .map(|row| {
            let options: Vec<ProductOption> = options
                .remove(&row.id)
                .unwrap_or_default()
                .into_iter()
                .map(|o| ProductOption {
                    values: values.remove(&o.id).unwrap_or_default(),
                    row: o,
                })
                .collect();
            let variants = variants
                .remove(&row.id)
                .unwrap_or_default()
                .into_iter()
                .map(|v| {
                    let chosen = variant_options.remove(&v.id).unwrap_or_default();
                    let option_values = chosen
                        .iter()
                        .filter_map(|l| {
                            options.iter().enumerate().find_map(|(oi, o)| {
                                o.values
                                    .iter()
                                    .position(|val| val.id == l.option_value_id)
                                    .map(|vi| (oi, vi))
                            })
                        })
                        .collect();
                    Variant {
                        option_values,
                        prices: prices.remove(&v.id).unwrap_or_default(),
                        stock: AtomicI64::new(stock.get(&v.id).copied().unwrap_or(NO_STOCK)),
                        row: v,
                    }
                })
                .collect();
            Product {
                images: images.remove(&row.id).unwrap_or_default(),
                tag_ids: tags.remove(&row.id).unwrap_or_default(),
                category_ids: categories.remove(&row.id).unwrap_or_default(),
                sales_channel_ids: channels.remove(&row.id).unwrap_or_default(),
                stock_version: AtomicU64::new(0),
                options,
                variants,
                row,
            }
        })
        .collect()
}
