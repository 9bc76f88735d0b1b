//! `/admin/collections`, `/admin/product-categories`, `/admin/product-tags`, `/admin/product-types`.

use axum::extract::State;
use axum::Json;

use crate::app::catalog::taxonomy::{self, CategoryIn, CollectionIn, Table, ValueIn};
use crate::core::roles::Permission::{CatalogRead, CatalogWrite};
use crate::core::Result;
use crate::http::catalog_json;
use crate::http::envelope::{one, page, AdminDeleteResponse};
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, Path, Staff};
use crate::http::taxonomy_json::{StoreCollection, StoreProductCategory, StoreProductTag};

fn deleted(id: String, object: &'static str) -> Json<AdminDeleteResponse> {
    Json(AdminDeleteResponse::new(id, object))
}

one!(
    /// `{ collection }`
    AdminCollectionResponse {
        collection: StoreCollection,
    }
);

page!(
    /// `{ collections, count, offset, limit }`
    AdminCollectionListResponse {
        collections: StoreCollection,
    }
);

one!(
    /// `{ product_category }`
    AdminProductCategoryResponse {
        product_category: StoreProductCategory,
    }
);

page!(
    /// `{ product_categories, count, offset, limit }`
    AdminProductCategoryListResponse {
        product_categories: StoreProductCategory,
    }
);

one!(
    /// `{ product_tag }`
    AdminProductTagResponse {
        product_tag: StoreProductTag,
    }
);

one!(
    /// `{ product_type }`
    AdminProductTypeResponse {
        product_type: StoreProductTag,
    }
);

#[utoipa::path(get, path = "/admin/collections", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogRead))),
    responses((status = 200, description = "all of them, on one page", body = AdminCollectionListResponse)), security(("bearer" = [])))]
pub async fn collections(Staff(actor): Staff) -> Result<Json<AdminCollectionListResponse>> {
    let rows = taxonomy::collections(&actor.ctx).await?;
    let items: Vec<_> = rows.iter().map(catalog_json::collection).collect();
    Ok(Json(AdminCollectionListResponse {
        collections: items,
        count: rows.len() as i64,
        offset: 0,
        limit: rows.len() as i64,
    }))
}

#[utoipa::path(post, path = "/admin/collections", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("collection.create"))),
    request_body = CollectionIn,
    responses((status = 200, description = "the collection", body = AdminCollectionResponse), (status = 422, description = "handle taken", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_collection(
    State(app): State<AppState>,
    Staff(actor): Staff,
    JsonBody(body): JsonBody<CollectionIn>,
) -> Result<Json<AdminCollectionResponse>> {
    let c = taxonomy::save_collection(&app, &actor.ctx, None, body).await?;
    Ok(Json(AdminCollectionResponse {
        collection: catalog_json::collection(&c),
    }))
}

#[utoipa::path(get, path = "/admin/collections/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogRead))),
    params(("id" = String, Path)),
    responses((status = 200, description = "the collection", body = AdminCollectionResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn collection(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<AdminCollectionResponse>> {
    let c = taxonomy::collection(&actor.ctx, &id).await?;
    Ok(Json(AdminCollectionResponse {
        collection: catalog_json::collection(&c),
    }))
}

#[utoipa::path(post, path = "/admin/collections/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("collection.update"))),
    params(("id" = String, Path)), request_body = CollectionIn,
    responses((status = 200, description = "the collection", body = AdminCollectionResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_collection(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<CollectionIn>,
) -> Result<Json<AdminCollectionResponse>> {
    let c = taxonomy::save_collection(&app, &actor.ctx, Some(&id), body).await?;
    Ok(Json(AdminCollectionResponse {
        collection: catalog_json::collection(&c),
    }))
}

#[utoipa::path(delete, path = "/admin/collections/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("collection.delete"))),
    params(("id" = String, Path)),
    responses((status = 200, description = "deleted", body = AdminDeleteResponse)), security(("bearer" = [])))]
pub async fn delete_collection(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Json<AdminDeleteResponse>> {
    taxonomy::delete(&app, &actor.ctx, Table::Collections, &id, "Collection").await?;
    Ok(deleted(id, "collection"))
}

#[utoipa::path(get, path = "/admin/product-categories", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogRead))),
    responses((status = 200, description = "all of them, on one page", body = AdminProductCategoryListResponse)), security(("bearer" = [])))]
pub async fn categories(Staff(actor): Staff) -> Result<Json<AdminProductCategoryListResponse>> {
    let rows = taxonomy::categories(&actor.ctx).await?;
    let items: Vec<_> = rows.iter().map(|c| catalog_json::category(c, true)).collect();
    Ok(Json(AdminProductCategoryListResponse {
        product_categories: items,
        count: rows.len() as i64,
        offset: 0,
        limit: rows.len() as i64,
    }))
}

#[utoipa::path(post, path = "/admin/product-categories", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("category.create"))),
    request_body = CategoryIn,
    responses((status = 200, description = "the product category", body = AdminProductCategoryResponse), (status = 400, description = "bad parent", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_category(
    State(app): State<AppState>,
    Staff(actor): Staff,
    JsonBody(body): JsonBody<CategoryIn>,
) -> Result<Json<AdminProductCategoryResponse>> {
    let c = taxonomy::save_category(&app, &actor.ctx, None, body).await?;
    Ok(Json(AdminProductCategoryResponse {
        product_category: catalog_json::category(&c, true),
    }))
}

#[utoipa::path(get, path = "/admin/product-categories/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogRead))),
    params(("id" = String, Path)),
    responses((status = 200, description = "the product category", body = AdminProductCategoryResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn category(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<AdminProductCategoryResponse>> {
    let c = taxonomy::category(&actor.ctx, &id).await?;
    Ok(Json(AdminProductCategoryResponse {
        product_category: catalog_json::category(&c, true),
    }))
}

#[utoipa::path(post, path = "/admin/product-categories/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("category.update"))),
    params(("id" = String, Path)), request_body = CategoryIn,
    responses((status = 200, description = "the product category", body = AdminProductCategoryResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_category(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<CategoryIn>,
) -> Result<Json<AdminProductCategoryResponse>> {
    let c = taxonomy::save_category(&app, &actor.ctx, Some(&id), body).await?;
    Ok(Json(AdminProductCategoryResponse {
        product_category: catalog_json::category(&c, true),
    }))
}

#[utoipa::path(delete, path = "/admin/product-categories/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("category.delete"))),
    params(("id" = String, Path)),
    responses((status = 200, description = "deleted", body = AdminDeleteResponse)), security(("bearer" = [])))]
pub async fn delete_category(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Json<AdminDeleteResponse>> {
    taxonomy::delete(&app, &actor.ctx, Table::Categories, &id, "Product category").await?;
    Ok(deleted(id, "product_category"))
}

page!(
    /// `{ product_tags, count, offset, limit }`: every tag, on one page.
    AdminProductTagListResponse {
        product_tags: StoreProductTag,
    }
);

page!(
    /// `{ product_types, count, offset, limit }`: every type, on one page.
    AdminProductTypeListResponse {
        product_types: StoreProductTag,
    }
);

/// Every tag or type, rendered, and how many.
async fn list_values(actor: &crate::app::staff::StaffActor, table: Table) -> Result<(Vec<StoreProductTag>, i64)> {
    let rows = taxonomy::values(&actor.ctx, table).await?;
    let count = rows.len() as i64;
    Ok((rows.iter().map(catalog_json::value).collect(), count))
}

#[utoipa::path(get, path = "/admin/product-tags", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogRead))),
    responses((status = 200, description = "all of them, on one page", body = AdminProductTagListResponse)), security(("bearer" = [])))]
pub async fn tags(Staff(actor): Staff) -> Result<Json<AdminProductTagListResponse>> {
    let (product_tags, count) = list_values(&actor, Table::Tags).await?;
    Ok(Json(AdminProductTagListResponse {
        product_tags,
        count,
        offset: 0,
        limit: count,
    }))
}

#[utoipa::path(post, path = "/admin/product-tags", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("tag.create"))),
    request_body = ValueIn,
    responses((status = 200, description = "the product tag", body = AdminProductTagResponse)), security(("bearer" = [])))]
pub async fn create_tag(
    State(app): State<AppState>,
    Staff(actor): Staff,
    JsonBody(body): JsonBody<ValueIn>,
) -> Result<Json<AdminProductTagResponse>> {
    let t = taxonomy::create_value(&app, &actor.ctx, Table::Tags, body).await?;
    Ok(Json(AdminProductTagResponse {
        product_tag: catalog_json::value(&t),
    }))
}

#[utoipa::path(get, path = "/admin/product-types", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogRead))),
    responses((status = 200, description = "all of them, on one page", body = AdminProductTypeListResponse)), security(("bearer" = [])))]
pub async fn types(Staff(actor): Staff) -> Result<Json<AdminProductTypeListResponse>> {
    let (product_types, count) = list_values(&actor, Table::Types).await?;
    Ok(Json(AdminProductTypeListResponse {
        product_types,
        count,
        offset: 0,
        limit: count,
    }))
}

#[utoipa::path(post, path = "/admin/product-types", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("type.create"))),
    request_body = ValueIn,
    responses((status = 200, description = "the product type", body = AdminProductTypeResponse)), security(("bearer" = [])))]
pub async fn create_type(
    State(app): State<AppState>,
    Staff(actor): Staff,
    JsonBody(body): JsonBody<ValueIn>,
) -> Result<Json<AdminProductTypeResponse>> {
    let t = taxonomy::create_value(&app, &actor.ctx, Table::Types, body).await?;
    Ok(Json(AdminProductTypeResponse {
        product_type: catalog_json::value(&t),
    }))
}
