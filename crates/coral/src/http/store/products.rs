//! `GET /store/products`, `GET /store/products/{id}` — Medusa's shapes, from the snapshot.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::catalog::lookup_handle;
use crate::app::catalog::model::Product;
use crate::app::catalog::rendered::RenderKey;
use crate::app::catalog::snapshot::Catalog;
use crate::app::catalog::store::{self, Order, ProductFilter};
use crate::app::regions::RegionRow;
use crate::app::Services;
use crate::core::Result;
use crate::http::catalog_json::{self, nested_defaults, StoreProduct, PRODUCT_DEFAULTS};
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, Path, QueryPairs, Store};
use crate::http::fields::{Prerendered, Selection};

/// Medusa's `StoreProductListResponse`: a page of products.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreProductListResponse {
    pub products: Vec<StoreProduct>,
    /// Products matching the filters, on every page.
    pub count: usize,
    pub offset: i64,
    pub limit: i64,
}

/// Medusa's `StoreProductResponse`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreProductResponse {
    pub product: StoreProduct,
}

/// Published products of the store's sales channels. `region_id` or `country_code` adds
/// `variants.calculated_price`; `fields=` selects as Medusa does.
#[utoipa::path(get, path = "/store/products", tag = "store",
    params(("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query),
           ("order" = Option<String>, Query, description = "created_at, updated_at, title, handle; '-' for descending"),
           ("fields" = Option<String>, Query), ("q" = Option<String>, Query), ("handle" = Option<String>, Query),
           ("id" = Option<Vec<String>>, Query), ("collection_id" = Option<Vec<String>>, Query),
           ("category_id" = Option<Vec<String>>, Query), ("tag_id" = Option<Vec<String>>, Query),
           ("type_id" = Option<Vec<String>>, Query), ("region_id" = Option<String>, Query),
           ("country_code" = Option<String>, Query)),
    responses((status = 200, description = "A page of products", body = StoreProductListResponse),
              (status = 400, description = "bad order, limit or offset", body = ErrorBody),
              (status = 404, description = "unknown region or country", body = ErrorBody)))]
pub async fn list(
    State(app): State<AppState>,
    Store(ctx): Store,
    q: QueryPairs,
) -> Result<Prerendered<StoreProductListResponse>> {
    let (limit, offset) = q.page(50)?;
    let order = q.get("order").filter(|o| !o.is_empty()).map(Order::parse).transpose()?;
    let filter = ProductFilter {
        ids: q.list("id"),
        handles: q.list("handle").iter().map(|h| lookup_handle(h)).collect(),
        q: q.get("q").filter(|s| !s.is_empty()).map(str::to_owned),
        collection_ids: q.list("collection_id"),
        category_ids: q.list("category_id"),
        tag_ids: q.list("tag_id"),
        type_ids: q.list("type_id"),
    };
    let cat = app.catalogs.get(&ctx).await?;
    let region = store::pricing_region(&cat, q.get("region_id"), q.get("country_code"))?;
    let (page, count) = store::list(
        &cat,
        &ctx.sales_channel_ids,
        &filter,
        order,
        limit as usize,
        offset as usize,
    );
    let fields = q.get("fields");
    let selection = Selection::parse(fields);
    let view = view_key("list", region, fields);
    let mut body = String::from("{\"products\":[");
    for (i, p) in page.into_iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&rendered(&app, &cat, p, &view, || {
            let mut v = to_value(&catalog_json::product(p, &cat, region, false));
            selection.apply(&mut v, Some(PRODUCT_DEFAULTS), &nested_defaults);
            v
        }));
    }
    body.push_str(&format!("],\"count\":{count},\"offset\":{offset},\"limit\":{limit}}}"));
    Ok(Prerendered::new(body))
}

/// What a rendering depends on besides the product (see `app::catalog::rendered`).
fn view_key(route: &str, region: Option<&RegionRow>, fields: Option<&str>) -> Arc<str> {
    format!(
        "{route}|{}|{}",
        region.map_or("", |r| r.id.as_str()),
        fields.unwrap_or("")
    )
    .into()
}

/// The product's JSON text for `view`, from the render cache or `render`.
fn rendered(
    app: &Services,
    cat: &Catalog,
    p: &Product,
    view: &Arc<str>,
    render: impl FnOnce() -> serde_json::Value,
) -> Arc<str> {
    let Some(&index) = cat.by_id.get(&p.row.id) else {
        return render().to_string().into();
    };
    let key = RenderKey {
        catalog: cat.id,
        product: index as u32,
        stock: p.stock_version.load(Ordering::Relaxed),
        view: Arc::clone(view),
    };
    app.rendered.get_or_render(key, || render().to_string())
}

/// A product as a JSON tree for `fields=` selection (a derived `Serialize` of plain data
/// cannot fail).
fn to_value(p: &StoreProduct) -> serde_json::Value {
    serde_json::to_value(p).unwrap_or_default()
}

#[utoipa::path(get, path = "/store/products/{id}", tag = "store",
    params(("id" = String, Path), ("fields" = Option<String>, Query), ("region_id" = Option<String>, Query),
           ("country_code" = Option<String>, Query)),
    responses((status = 200, description = "The product", body = StoreProductResponse),
              (status = 404, description = "no such published product, or unknown region", body = ErrorBody)))]
pub async fn get(
    State(app): State<AppState>,
    Store(ctx): Store,
    Path(id): Path<String>,
    q: QueryPairs,
) -> Result<Prerendered<StoreProductResponse>> {
    let cat = app.catalogs.get(&ctx).await?;
    let region = store::pricing_region(&cat, q.get("region_id"), q.get("country_code"))?;
    let p = store::get(&cat, &ctx.sales_channel_ids, &id)?;
    let fields = q.get("fields");
    let text = rendered(&app, &cat, p, &view_key("get", region, fields), || {
        let mut v = to_value(&catalog_json::product(p, &cat, region, false));
        let mut defaults = PRODUCT_DEFAULTS.to_vec();
        defaults.push("categories"); // Medusa's by-id answer includes them
        Selection::parse(fields).apply(&mut v, Some(&defaults), &nested_defaults);
        v
    });
    Ok(Prerendered::new(format!("{{\"product\":{text}}}")))
}
