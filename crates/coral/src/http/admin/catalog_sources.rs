//! `/admin/catalog-sources`: the master catalog. A store publishes its catalog as a
//! source and grants it to other stores; a granted store browses the source's products
//! (content only) and subscribes to them, getting its own linked copies.

use axum::extract::State;
use axum::Json;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::catalog::model::Product;
use crate::app::catalog::sources::subscriptions::{self, SubscribeIn, Subscription};
use crate::app::catalog::sources::{self, GrantIn, PublishIn, SourceView, StoreRef};
use crate::core::roles::Permission::{CatalogRead, CatalogWrite};
use crate::core::Result;
use crate::http::envelope::{one, page, AdminDeleteResponse};
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, Path, QueryPairs, Staff};

/// Another store: public facts only.
#[derive(Serialize, ToSchema)]
pub struct CatalogSourceStore {
    pub id: String,
    pub handle: String,
    pub name: String,
}

impl From<&StoreRef> for CatalogSourceStore {
    fn from(s: &StoreRef) -> Self {
        Self {
            id: s.id.clone(),
            handle: s.handle.clone(),
            name: s.name.clone(),
        }
    }
}

/// A catalog source: a store's catalog published to other stores.
#[derive(Serialize, ToSchema)]
pub struct AdminCatalogSource {
    pub id: String,
    /// The store that publishes the source.
    pub store: CatalogSourceStore,
    /// Whether the requesting store publishes it.
    pub is_owner: bool,
    /// The stores it is granted to; only its owner sees them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscribers: Option<Vec<CatalogSourceStore>>,
    pub created_at: DateTime<Utc>,
}

impl From<&SourceView> for AdminCatalogSource {
    fn from(v: &SourceView) -> Self {
        Self {
            id: v.id.clone(),
            store: (&v.store).into(),
            is_owner: v.is_owner,
            subscribers: v
                .subscribers
                .as_ref()
                .map(|s| s.iter().map(CatalogSourceStore::from).collect()),
            created_at: v.created_at,
        }
    }
}

/// A subscriber's copy of a source product.
#[derive(Serialize, ToSchema)]
pub struct AdminCatalogSubscription {
    pub source_id: String,
    pub source_product_id: String,
    /// The copy, a product of the subscriber's own catalog.
    pub product_id: String,
    pub created_at: DateTime<Utc>,
}

impl From<&Subscription> for AdminCatalogSubscription {
    fn from(s: &Subscription) -> Self {
        Self {
            source_id: s.source_id.clone(),
            source_product_id: s.source_product_id.clone(),
            product_id: s.product_id.clone(),
            created_at: s.created_at,
        }
    }
}

/// An option value of a source product.
#[derive(Serialize, ToSchema)]
pub struct SourceOptionValue {
    pub id: String,
    pub value: String,
}

/// An option of a source product.
#[derive(Serialize, ToSchema)]
pub struct SourceOption {
    pub id: String,
    pub title: String,
    pub values: Vec<SourceOptionValue>,
}

/// A variant of a source product: content only.
#[derive(Serialize, ToSchema)]
pub struct SourceVariant {
    pub id: String,
    pub title: String,
    pub sku: Option<String>,
    pub barcode: Option<String>,
    pub ean: Option<String>,
    pub upc: Option<String>,
    /// Option title → the variant's value.
    pub options: BTreeMap<String, String>,
}

/// An image of a source product.
#[derive(Serialize, ToSchema)]
pub struct SourceImage {
    pub url: String,
}

/// A source product as a subscriber may see it: its content, never its prices, stock,
/// status, channels or taxonomy.
#[derive(Serialize, ToSchema)]
pub struct SourceProduct {
    pub id: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub description: Option<String>,
    pub handle: String,
    pub thumbnail: Option<String>,
    pub images: Vec<SourceImage>,
    pub options: Vec<SourceOption>,
    pub variants: Vec<SourceVariant>,
    /// Whether this store has a copy.
    pub subscribed: bool,
    pub subscribed_product_id: Option<String>,
    pub updated_at: DateTime<Utc>,
}

fn source_product(p: &Product, copy: Option<&String>) -> SourceProduct {
    let r = &p.row;
    let options = p
        .options
        .iter()
        .map(|o| SourceOption {
            id: o.row.id.clone(),
            title: o.row.title.clone(),
            values: o
                .values
                .iter()
                .map(|v| SourceOptionValue {
                    id: v.id.clone(),
                    value: v.value.clone(),
                })
                .collect(),
        })
        .collect();
    let variants = p
        .variants
        .iter()
        .map(|v| SourceVariant {
            id: v.row.id.clone(),
            title: v.row.title.clone(),
            sku: v.row.sku.clone(),
            barcode: v.row.barcode.clone(),
            ean: v.row.ean.clone(),
            upc: v.row.upc.clone(),
            options: v
                .option_values
                .iter()
                .map(|&(oi, vi)| (p.options[oi].row.title.clone(), p.options[oi].values[vi].value.clone()))
                .collect(),
        })
        .collect();
    SourceProduct {
        id: r.id.clone(),
        title: r.title.clone(),
        subtitle: r.subtitle.clone(),
        description: r.description.clone(),
        handle: r.handle.clone(),
        thumbnail: r.thumbnail.clone(),
        images: p.images.iter().map(|i| SourceImage { url: i.url.clone() }).collect(),
        options,
        variants,
        subscribed: copy.is_some(),
        subscribed_product_id: copy.cloned(),
        updated_at: r.updated_at,
    }
}

one!(
    /// `{ catalog_source }`
    AdminCatalogSourceResponse { catalog_source: AdminCatalogSource }
);
page!(
    /// `{ catalog_sources, count, offset, limit }`: all of them, on one page.
    AdminCatalogSourceListResponse { catalog_sources: AdminCatalogSource }
);
page!(
    /// `{ products, count, offset, limit }`: a source's products.
    AdminSourceProductListResponse { products: SourceProduct }
);
page!(
    /// `{ subscriptions, count, offset, limit }`: all of them, on one page.
    AdminCatalogSubscriptionListResponse { subscriptions: AdminCatalogSubscription }
);

fn source(v: &SourceView) -> Json<AdminCatalogSourceResponse> {
    Json(AdminCatalogSourceResponse {
        catalog_source: v.into(),
    })
}

/// Makes this store a catalog source (idempotent), granting it to `subscribers`.
#[utoipa::path(post, path = "/admin/catalog-sources", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("catalog_source.create"))),
    request_body = PublishIn,
    responses((status = 200, description = "the source", body = AdminCatalogSourceResponse), (status = 400, description = "unknown store, own store, other placement", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn publish(
    State(app): State<AppState>,
    Staff(actor): Staff,
    JsonBody(body): JsonBody<PublishIn>,
) -> Result<Json<AdminCatalogSourceResponse>> {
    Ok(source(&sources::publish(&app, &actor.ctx, body).await?))
}

/// This store's own source (if any) and the sources granted to it.
#[utoipa::path(get, path = "/admin/catalog-sources", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogRead))),
    responses((status = 200, description = "this store's source and those granted to it", body = AdminCatalogSourceListResponse)), security(("bearer" = [])))]
pub async fn list(State(app): State<AppState>, Staff(actor): Staff) -> Result<Json<AdminCatalogSourceListResponse>> {
    let all = sources::list(&app, &actor.ctx).await?;
    let count = all.len() as i64;
    Ok(Json(AdminCatalogSourceListResponse {
        catalog_sources: all.iter().map(AdminCatalogSource::from).collect(),
        count,
        offset: 0,
        limit: count,
    }))
}

#[utoipa::path(get, path = "/admin/catalog-sources/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogRead))),
    params(("id" = String, Path)),
    responses((status = 200, description = "the source", body = AdminCatalogSourceResponse), (status = 404, description = "neither this store's nor granted to it", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Json<AdminCatalogSourceResponse>> {
    Ok(source(&sources::get(&app, &actor.ctx, &id).await?))
}

/// Stops publishing: every subscriber's copy is unpublished and unlinked.
#[utoipa::path(delete, path = "/admin/catalog-sources/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("catalog_source.delete"))),
    params(("id" = String, Path)),
    responses((status = 200, description = "deleted", body = AdminDeleteResponse), (status = 404, description = "not this store's source", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn unpublish(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Json<AdminDeleteResponse>> {
    sources::unpublish(&app, &actor.ctx, &id).await?;
    Ok(Json(AdminDeleteResponse::new(id, "catalog_source")))
}

#[utoipa::path(post, path = "/admin/catalog-sources/{id}/grants", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("catalog_source.grant"))),
    params(("id" = String, Path)),
    request_body = GrantIn,
    responses((status = 200, description = "the source", body = AdminCatalogSourceResponse), (status = 404, description = "not this store's source", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn grant(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<GrantIn>,
) -> Result<Json<AdminCatalogSourceResponse>> {
    Ok(source(&sources::grant(&app, &actor.ctx, &id, body).await?))
}

/// Withdraws a grant: that store's copies are unpublished and unlinked.
#[utoipa::path(delete, path = "/admin/catalog-sources/{id}/grants/{store}", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("catalog_source.revoke"))),
    params(("id" = String, Path), ("store" = String, Path, description = "store id or handle")),
    responses((status = 200, description = "the source", body = AdminCatalogSourceResponse), (status = 404, description = "no such grant", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn revoke(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path((id, store)): Path<(String, String)>,
) -> Result<Json<AdminCatalogSourceResponse>> {
    Ok(source(&sources::revoke(&app, &actor.ctx, &id, &store).await?))
}

/// The source's published products, content only, each marked if this store has a copy.
#[utoipa::path(get, path = "/admin/catalog-sources/{id}/products", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogRead))),
    params(("id" = String, Path), ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "a page of the source's products", body = AdminSourceProductListResponse), (status = 404, description = "not granted to this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn products(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    q: QueryPairs,
) -> Result<Json<AdminSourceProductListResponse>> {
    let (limit, offset) = q.page(20)?;
    let (items, count) = subscriptions::products(&app, &actor.ctx, &id, limit, offset).await?;
    Ok(Json(AdminSourceProductListResponse {
        products: items.iter().map(|(p, c)| source_product(p, c.as_ref())).collect(),
        count,
        offset,
        limit,
    }))
}

fn subscriptions_json(subs: &[Subscription]) -> Json<AdminCatalogSubscriptionListResponse> {
    let count = subs.len() as i64;
    Json(AdminCatalogSubscriptionListResponse {
        subscriptions: subs.iter().map(AdminCatalogSubscription::from).collect(),
        count,
        offset: 0,
        limit: count,
    })
}

/// Subscribes to `product_ids` (or `all`): each becomes a linked draft copy in this
/// store's catalog, without prices or stock, kept in step with the source's content.
#[utoipa::path(post, path = "/admin/catalog-sources/{id}/subscriptions", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("catalog_subscription.create"))),
    params(("id" = String, Path)), request_body = SubscribeIn,
    responses((status = 200, description = "the subscriptions", body = AdminCatalogSubscriptionListResponse), (status = 400, description = "bad body", body = ErrorBody),
              (status = 404, description = "source not granted to this store, or product not in it", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn subscribe(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<SubscribeIn>,
) -> Result<Json<AdminCatalogSubscriptionListResponse>> {
    Ok(subscriptions_json(
        &subscriptions::subscribe(&app, &actor.ctx, &id, body).await?,
    ))
}

#[utoipa::path(get, path = "/admin/catalog-sources/{id}/subscriptions", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogRead))),
    params(("id" = String, Path)),
    responses((status = 200, description = "the subscriptions", body = AdminCatalogSubscriptionListResponse), (status = 404, description = "not granted to this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn subscriptions(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Json<AdminCatalogSubscriptionListResponse>> {
    Ok(subscriptions_json(&subscriptions::list(&app, &actor.ctx, &id).await?))
}

/// Opts out of a product (its source id, or the copy's id): the copy becomes a draft and
/// an ordinary, unlinked product of this store.
#[utoipa::path(delete, path = "/admin/catalog-sources/{id}/subscriptions/{product_id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("catalog_subscription.delete"))),
    params(("id" = String, Path), ("product_id" = String, Path)),
    responses((status = 200, description = "deleted", body = AdminDeleteResponse), (status = 404, description = "no such subscription", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn unsubscribe(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path((id, product_id)): Path<(String, String)>,
) -> Result<Json<AdminDeleteResponse>> {
    subscriptions::unsubscribe(&app, &actor.ctx, &id, &product_id).await?;
    Ok(Json(AdminDeleteResponse::new(product_id, "catalog_subscription")))
}
