//! `/admin/products`: the tenant's staff manage products, variants and prices.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::app::catalog::admin::{self, ProductIn, VariantIn};
use crate::app::catalog::linked::WithLinks;
use crate::app::catalog::model::Product;
use crate::app::catalog::variants;
use crate::core::roles::Permission::{CatalogRead, CatalogWrite};
use crate::core::Result;
use crate::http::catalog_json;
use crate::http::catalog_json::StoreProduct;
use crate::http::envelope::{one, page, AdminDeleteResponse};
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, Path, QueryPairs, Staff};

/// A product as read or written, named with the taxonomy rows its use case loaded (never
/// the storefront snapshot, which a write has just invalidated).
fn render(p: &WithLinks<Product>) -> StoreProduct {
    catalog_json::admin_product(&p.products, &p.linked)
}

/// Products as read or written (see [`render`]).
fn render_all(ps: &WithLinks<Vec<Product>>) -> Vec<StoreProduct> {
    ps.products
        .iter()
        .map(|p| catalog_json::admin_product(p, &ps.linked))
        .collect()
}

one!(
    /// `{ product }`
    AdminProductResponse {
        product: StoreProduct,
    }
);

page!(
    /// `{ products, count, offset, limit }`
    AdminProductListResponse {
        products: StoreProduct,
    }
);

#[utoipa::path(post, path = "/admin/products", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("product.create"))),
    request_body = ProductIn,
    responses((status = 200, description = "the product", body = AdminProductResponse), (status = 400, description = "invalid product", body = ErrorBody),
              (status = 422, description = "handle or SKU taken", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(app): State<AppState>,
    Staff(actor): Staff,
    JsonBody(body): JsonBody<ProductIn>,
) -> Result<Json<AdminProductResponse>> {
    let p = admin::create(&app, &actor.ctx, body).await?;
    Ok(Json(AdminProductResponse { product: render(&p) }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Batch {
    /// Up to 100 products, created all or nothing.
    #[serde(default)]
    pub create: Vec<ProductIn>,
}

/// The ids a batch deleted: none (a batch only creates).
#[derive(Serialize, ToSchema)]
pub struct BatchDeleted {
    pub ids: Vec<String>,
    pub object: &'static str,
    pub deleted: bool,
}

/// `{ created, updated, deleted }`, Medusa's `AdminBatchProductResponse`.
#[derive(Serialize, ToSchema)]
pub struct AdminBatchProductResponse {
    pub created: Vec<StoreProduct>,
    /// Always empty: a batch only creates.
    #[schema(value_type = Vec<Object>)]
    pub updated: Vec<Value>,
    pub deleted: BatchDeleted,
}

/// A deleted variant and the product it was removed from.
#[derive(Serialize, ToSchema)]
pub struct AdminProductVariantDeleteResponse {
    pub id: String,
    pub object: &'static str,
    pub deleted: bool,
    pub parent: StoreProduct,
}

#[utoipa::path(post, path = "/admin/products/batch", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("product.batch"))),
    request_body = Batch,
    responses((status = 200, description = "the created products", body = AdminBatchProductResponse), (status = 400, description = "a product is invalid: none is created", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn batch(
    State(app): State<AppState>,
    Staff(actor): Staff,
    JsonBody(body): JsonBody<Batch>,
) -> Result<Json<AdminBatchProductResponse>> {
    let created = admin::batch_create(&app, &actor.ctx, body.create).await?;
    let created = render_all(&created);
    Ok(Json(AdminBatchProductResponse {
        created,
        updated: Vec::new(),
        deleted: BatchDeleted {
            ids: Vec::new(),
            object: "product",
            deleted: true,
        },
    }))
}

#[utoipa::path(get, path = "/admin/products", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogRead))),
    params(("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query), ("q" = Option<String>, Query)),
    responses((status = 200, description = "a page of products, newest first", body = AdminProductListResponse)),
    security(("bearer" = [])))]
pub async fn list(Staff(actor): Staff, q: QueryPairs) -> Result<Json<AdminProductListResponse>> {
    let (limit, offset) = q.page(20)?;
    let (products, count) = admin::list(&actor.ctx, q.get("q").filter(|s| !s.is_empty()), limit, offset).await?;
    let products = render_all(&products);
    Ok(Json(AdminProductListResponse {
        products,
        count,
        offset,
        limit,
    }))
}

#[utoipa::path(get, path = "/admin/products/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogRead))),
    params(("id" = String, Path)),
    responses((status = 200, description = "the product", body = AdminProductResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<AdminProductResponse>> {
    let p = admin::get(&actor.ctx, &id).await?;
    Ok(Json(AdminProductResponse { product: render(&p) }))
}

#[utoipa::path(post, path = "/admin/products/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("product.update"))),
    params(("id" = String, Path)), request_body = ProductIn,
    responses((status = 200, description = "the product", body = AdminProductResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ProductIn>,
) -> Result<Json<AdminProductResponse>> {
    let p = admin::update(&app, &actor.ctx, &id, body).await?;
    Ok(Json(AdminProductResponse { product: render(&p) }))
}

#[utoipa::path(delete, path = "/admin/products/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("product.delete"))),
    params(("id" = String, Path)),
    responses((status = 200, description = "deleted", body = AdminDeleteResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Json<AdminDeleteResponse>> {
    admin::delete(&app, &actor.ctx, &id).await?;
    Ok(Json(AdminDeleteResponse::new(id, "product")))
}

/// Updates a variant's fields, replaces its prices, sets its stock.
#[utoipa::path(post, path = "/admin/products/{id}/variants/{variant_id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("variant.update"))),
    params(("id" = String, Path), ("variant_id" = String, Path)), request_body = VariantIn,
    responses((status = 200, description = "the product", body = AdminProductResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_variant(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path((id, variant_id)): Path<(String, String)>,
    JsonBody(body): JsonBody<VariantIn>,
) -> Result<Json<AdminProductResponse>> {
    let p = variants::update(&app, &actor.ctx, &id, &variant_id, body).await?;
    Ok(Json(AdminProductResponse { product: render(&p) }))
}

/// Adds a variant; option values the product lacks are added to its options.
#[utoipa::path(post, path = "/admin/products/{id}/variants", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("variant.create"))),
    params(("id" = String, Path)), request_body = VariantIn,
    responses((status = 200, description = "the product", body = AdminProductResponse), (status = 400, description = "bad options", body = ErrorBody),
              (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_variant(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<VariantIn>,
) -> Result<Json<AdminProductResponse>> {
    let p = variants::create(&app, &actor.ctx, &id, body).await?;
    Ok(Json(AdminProductResponse { product: render(&p) }))
}

#[utoipa::path(delete, path = "/admin/products/{id}/variants/{variant_id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("variant.delete"))),
    params(("id" = String, Path), ("variant_id" = String, Path)),
    responses((status = 200, description = "deleted, and the product after", body = AdminProductVariantDeleteResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_variant(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path((id, variant_id)): Path<(String, String)>,
) -> Result<Json<AdminProductVariantDeleteResponse>> {
    let p = variants::delete(&app, &actor.ctx, &id, &variant_id).await?;
    Ok(Json(AdminProductVariantDeleteResponse {
        id: variant_id,
        object: "variant",
        deleted: true,
        parent: render(&p),
    }))
}
