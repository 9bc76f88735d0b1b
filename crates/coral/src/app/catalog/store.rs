//! Storefront catalog queries, answered from the tenant's snapshot: only published
//! products in the request's sales channels are ever visible.

use std::sync::Arc;

use crate::app::catalog::model::Product;
use crate::app::catalog::snapshot::Catalog;
use crate::core::{Error, Result};
use crate::db::catalog::rows::{CategoryRow, CollectionRow, ValueRow};
use crate::db::regions::RegionRow;

#[derive(Debug, Default)]
pub struct ProductFilter {
    pub ids: Vec<String>,
    pub handles: Vec<String>,
    pub q: Option<String>,
    pub collection_ids: Vec<String>,
    pub category_ids: Vec<String>,
    pub tag_ids: Vec<String>,
    pub type_ids: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderField {
    CreatedAt,
    UpdatedAt,
    Title,
    Handle,
}

#[derive(Debug, Clone, Copy)]
pub struct Order {
    pub field: OrderField,
    pub descending: bool,
}

impl Order {
    /// Medusa's `order=` value: a field, `-` first for descending.
    pub fn parse(s: &str) -> Result<Self> {
        let (descending, name) = match s.strip_prefix('-') {
            Some(n) => (true, n),
            None => (false, s),
        };
        let field = match name {
            "created_at" => OrderField::CreatedAt,
            "updated_at" => OrderField::UpdatedAt,
            "title" => OrderField::Title,
            "handle" => OrderField::Handle,
            _ => return Err(Error::invalid(format!("Invalid request: cannot order by '{name}'"))),
        };
        Ok(Self { field, descending })
    }
}

fn matches(p: &Product, f: &ProductFilter) -> bool {
    let any = |want: &[String], have: &[String]| want.is_empty() || want.iter().any(|w| have.contains(w));
    let one =
        |want: &[String], have: &Option<String>| want.is_empty() || have.as_ref().is_some_and(|h| want.contains(h));
    (f.ids.is_empty() || f.ids.contains(&p.row.id))
        && (f.handles.is_empty() || f.handles.contains(&p.row.handle))
        && one(&f.collection_ids, &p.row.collection_id)
        && one(&f.type_ids, &p.row.type_id)
        && any(&f.category_ids, &p.category_ids)
        && any(&f.tag_ids, &p.tag_ids)
        && f.q.as_ref().is_none_or(|q| {
            let q = q.to_lowercase();
            [
                Some(&p.row.title),
                p.row.subtitle.as_ref(),
                p.row.description.as_ref(),
                Some(&p.row.handle),
            ]
            .into_iter()
            .flatten()
            .any(|s| s.to_lowercase().contains(&q))
        })
}

/// A page of visible products matching `f`, and how many match in all.
pub fn list<'a>(
    cat: &'a Catalog,
    channels: &[String],
    f: &ProductFilter,
    order: Option<Order>,
    limit: usize,
    offset: usize,
) -> (Vec<&'a Arc<Product>>, usize) {
    let mut hits: Vec<&Arc<Product>> = if f.handles.len() == 1 && f.ids.is_empty() {
        // The storefront's product page: a direct lookup, not a scan.
        cat.by_handle
            .get(&f.handles[0])
            .map(|&i| &cat.products[i])
            .into_iter()
            .collect()
    } else {
        cat.products.iter().collect()
    };
    hits.retain(|p| p.visible_in(channels) && matches(p, f));
    if let Some(o) = order {
        hits.sort_by(|a, b| {
            let ord = match o.field {
                OrderField::CreatedAt => a.row.created_at.cmp(&b.row.created_at),
                OrderField::UpdatedAt => a.row.updated_at.cmp(&b.row.updated_at),
                OrderField::Title => a.row.title.cmp(&b.row.title),
                OrderField::Handle => a.row.handle.cmp(&b.row.handle),
            }
            .then_with(|| a.row.id.cmp(&b.row.id));
            if o.descending {
                ord.reverse()
            } else {
                ord
            }
        });
    }
    let count = hits.len();
    let page = hits.into_iter().skip(offset).take(limit).collect();
    (page, count)
}

/// A visible product by id; anything else (draft, other channel, other tenant) is 404.
pub fn get<'a>(cat: &'a Catalog, channels: &[String], id: &str) -> Result<&'a Arc<Product>> {
    cat.product(id)
        .filter(|p| p.visible_in(channels))
        .ok_or_else(|| Error::not_found(format!("Product with id: {id} was not found")))
}

/// The region prices are computed for: `region_id`, else the region of `country_code`.
pub fn pricing_region<'a>(
    cat: &'a Catalog,
    region_id: Option<&str>,
    country_code: Option<&str>,
) -> Result<Option<&'a RegionRow>> {
    match (region_id, country_code) {
        (Some(id), _) => cat
            .region(id)
            .map(Some)
            .ok_or_else(|| Error::not_found(format!("Region with id: {id} was not found"))),
        (None, Some(cc)) => cat
            .region_of_country(&cc.to_ascii_lowercase())
            .map(Some)
            .ok_or_else(|| Error::not_found(format!("No region found for country code: {cc}"))),
        (None, None) => Ok(None),
    }
}

/// The filters the storefront's collection, category, tag and type lists take (Medusa's
/// `id`, `handle`, `value`, `q`, `parent_category_id`); an empty list filters nothing.
#[derive(Debug, Default)]
pub struct TaxonomyFilter {
    pub ids: Vec<String>,
    /// Already normalized with [`lookup_handle`](crate::app::catalog::lookup_handle).
    pub handles: Vec<String>,
    /// Tag and type values, matched exactly.
    pub values: Vec<String>,
    /// Case-insensitive substring of the title/name, handle (and a category's description).
    pub q: Option<String>,
    /// Categories only: which parent the listed categories hang from.
    pub parent: Option<Parent>,
}

/// Medusa's `parent_category_id` filter: `null` for top-level categories, or an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parent {
    TopLevel,
    Id(String),
}

impl Parent {
    /// The query value as Medusa reads it: the string `null` means "no parent".
    pub fn parse(s: &str) -> Self {
        if s == "null" {
            Self::TopLevel
        } else {
            Self::Id(s.to_owned())
        }
    }
}

fn listed(want: &[String], value: &str) -> bool {
    want.is_empty() || want.iter().any(|w| w == value)
}

fn text_match(q: Option<&String>, haystack: &[&str]) -> bool {
    q.is_none_or(|needle| {
        let needle = needle.to_lowercase();
        haystack.iter().any(|h| h.to_lowercase().contains(&needle))
    })
}

/// The `limit`/`offset` page of everything that matched, and how many matched in all.
fn paged<T>(hits: impl Iterator<Item = T>, limit: usize, offset: usize) -> (Vec<T>, usize) {
    let hits: Vec<T> = hits.collect();
    let count = hits.len();
    (hits.into_iter().skip(offset).take(limit).collect(), count)
}

/// A page of collections matching `f` (`ids`, `handles`, `q` on title and handle), and how
/// many match in all.
pub fn collections<'a>(
    cat: &'a Catalog,
    f: &TaxonomyFilter,
    limit: usize,
    offset: usize,
) -> (Vec<&'a CollectionRow>, usize) {
    let hits = cat.collections.iter().filter(|c| {
        listed(&f.ids, &c.id) && listed(&f.handles, &c.handle) && text_match(f.q.as_ref(), &[&c.title, &c.handle])
    });
    paged(hits, limit, offset)
}

/// A collection by id, else 404.
pub fn collection<'a>(cat: &'a Catalog, id: &str) -> Result<&'a CollectionRow> {
    cat.collection(id)
        .ok_or_else(|| Error::not_found(format!("Collection with id: {id} was not found")))
}

/// Categories a storefront may see: active and not internal.
fn public_categories(cat: &Catalog) -> impl Iterator<Item = &CategoryRow> {
    cat.categories.iter().filter(|c| c.is_active && !c.is_internal)
}

/// A page of visible categories matching `f` (`ids`, `handles`, `q` on name, handle and
/// description, `parent`), and how many match in all.
pub fn categories<'a>(
    cat: &'a Catalog,
    f: &TaxonomyFilter,
    limit: usize,
    offset: usize,
) -> (Vec<&'a CategoryRow>, usize) {
    let hits = public_categories(cat)
        .filter(|c| listed(&f.ids, &c.id) && listed(&f.handles, &c.handle))
        .filter(|c| text_match(f.q.as_ref(), &[&c.name, &c.handle, &c.description]))
        .filter(|c| match &f.parent {
            None => true,
            Some(Parent::TopLevel) => c.parent_category_id.is_none(),
            Some(Parent::Id(p)) => c.parent_category_id.as_deref() == Some(p.as_str()),
        });
    paged(hits, limit, offset)
}

/// A visible category by id; an inactive or internal one is 404 like an unknown one.
pub fn category<'a>(cat: &'a Catalog, id: &str) -> Result<&'a CategoryRow> {
    public_categories(cat)
        .find(|c| c.id == id)
        .ok_or_else(|| Error::not_found(format!("Product category with id: {id} was not found")))
}

/// The visible children of category `id` (for `include_descendants_tree`).
pub fn category_children<'a>(cat: &'a Catalog, id: &'a str) -> impl Iterator<Item = &'a CategoryRow> {
    public_categories(cat).filter(move |x| x.parent_category_id.as_deref() == Some(id))
}

/// The visible parent of `c`, if it has one (for `include_ancestors_tree`).
pub fn category_parent<'a>(cat: &'a Catalog, c: &CategoryRow) -> Option<&'a CategoryRow> {
    let parent = c.parent_category_id.as_deref()?;
    public_categories(cat).find(|x| x.id == parent)
}

/// Tags or types matching `f` (`ids`, `values`): a page, and how many match in all.
fn values<'a>(rows: &'a [ValueRow], f: &TaxonomyFilter, limit: usize, offset: usize) -> (Vec<&'a ValueRow>, usize) {
    let hits = rows
        .iter()
        .filter(|t| listed(&f.ids, &t.id) && listed(&f.values, &t.value));
    paged(hits, limit, offset)
}

/// A page of product tags matching `f` (`ids`, `values`), and how many match in all.
pub fn tags<'a>(cat: &'a Catalog, f: &TaxonomyFilter, limit: usize, offset: usize) -> (Vec<&'a ValueRow>, usize) {
    values(&cat.tags, f, limit, offset)
}

/// A product tag by id, else 404.
pub fn tag<'a>(cat: &'a Catalog, id: &str) -> Result<&'a ValueRow> {
    cat.tag(id)
        .ok_or_else(|| Error::not_found(format!("Product tag with id: {id} was not found")))
}

/// A page of product types matching `f` (`ids`, `values`), and how many match in all.
pub fn types<'a>(cat: &'a Catalog, f: &TaxonomyFilter, limit: usize, offset: usize) -> (Vec<&'a ValueRow>, usize) {
    values(&cat.types, f, limit, offset)
}

/// A product type by id, else 404.
pub fn product_type<'a>(cat: &'a Catalog, id: &str) -> Result<&'a ValueRow> {
    cat.product_type(id)
        .ok_or_else(|| Error::not_found(format!("Product type with id: {id} was not found")))
}

/// The products a storefront with `channels` sees that carry tag `tag_id` (Medusa's
/// default `*products` relation of a tag).
pub fn products_tagged<'a>(
    cat: &'a Catalog,
    channels: &'a [String],
    tag_id: &'a str,
) -> impl Iterator<Item = &'a Product> {
    cat.products
        .iter()
        .filter(move |p| p.visible_in(channels) && p.tag_ids.iter().any(|t| t == tag_id))
        .map(|p| p.as_ref())
}

/// The products a storefront with `channels` sees that are of type `type_id`.
pub fn products_of_type<'a>(
    cat: &'a Catalog,
    channels: &'a [String],
    type_id: &'a str,
) -> impl Iterator<Item = &'a Product> {
    cat.products
        .iter()
        .filter(move |p| p.visible_in(channels) && p.row.type_id.as_deref() == Some(type_id))
        .map(|p| p.as_ref())
}
