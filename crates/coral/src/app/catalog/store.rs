//! Storefront catalog queries, answered from the tenant's snapshot: only published
//! products in the request's sales channels are ever visible.

use std::sync::Arc;

use crate::app::catalog::model::Product;
use crate::app::catalog::snapshot::Catalog;
use crate::core::{Error, Result};
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
