//! `/admin/catalog-sources`: the master catalog. A store publishes its catalog as a
//! source and grants it to other stores; a granted store browses the source's products
//! (content only) and subscribes to them, getting its own linked copies.

use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Value};

use crate::app::catalog::model::Product;
use crate::app::catalog::sources::subscriptions::{self, SubscribeIn, Subscription};
use crate::app::catalog::sources::{self, GrantIn, PublishIn, SourceView};
use crate::core::roles::Permission::{CatalogRead, CatalogWrite};
use crate::core::Result;
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, QueryPairs, Staff};

fn source(v: &SourceView) -> Json<Value> {
    Json(json!({ "catalog_source": v }))
}

/// A source product as a subscriber may see it: its content, never its prices, stock,
/// status, channels or taxonomy.
fn source_product(p: &Product, copy: Option<&String>) -> Value {
    let r = &p.row;
    let options: Vec<Value> = p
        .options
        .iter()
        .map(|o| json!({ "id": o.row.id, "title": o.row.title,
                         "values": o.values.iter().map(|v| json!({ "id": v.id, "value": v.value })).collect::<Vec<_>>() }))
        .collect();
    let variants: Vec<Value> = p
        .variants
        .iter()
        .map(|v| {
            let chosen: serde_json::Map<String, Value> = v
                .option_values
                .iter()
                .map(|&(oi, vi)| (p.options[oi].row.title.clone(), json!(p.options[oi].values[vi].value)))
                .collect();
            json!({ "id": v.row.id, "title": v.row.title, "sku": v.row.sku, "barcode": v.row.barcode,
                    "ean": v.row.ean, "upc": v.row.upc, "options": chosen })
        })
        .collect();
    json!({
        "id": r.id, "title": r.title, "subtitle": r.subtitle, "description": r.description,
        "handle": r.handle, "thumbnail": r.thumbnail,
        "images": p.images.iter().map(|i| json!({ "url": i.url })).collect::<Vec<_>>(),
        "options": options, "variants": variants,
        "subscribed": copy.is_some(), "subscribed_product_id": copy,
        "updated_at": r.updated_at,
    })
}

/// Makes this store a catalog source (idempotent), granting it to `subscribers`.
#[utoipa::path(post, path = "/admin/catalog-sources", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("catalog_source.create"))),
    request_body = PublishIn,
    responses((status = 200, description = "{ catalog_source }"), (status = 400, description = "unknown store, own store, other placement", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn publish(
    State(app): State<AppState>,
    Staff(actor): Staff,
    JsonBody(body): JsonBody<PublishIn>,
) -> Result<Json<Value>> {
    Ok(source(&sources::publish(&app, &actor.ctx, body).await?))
}

/// This store's own source (if any) and the sources granted to it.
#[utoipa::path(get, path = "/admin/catalog-sources", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogRead))),
    responses((status = 200, description = "{ catalog_sources, count, offset, limit }")), security(("bearer" = [])))]
pub async fn list(State(app): State<AppState>, Staff(actor): Staff) -> Result<Json<Value>> {
    let all = sources::list(&app, &actor.ctx).await?;
    Ok(Json(
        json!({ "catalog_sources": all, "count": all.len(), "offset": 0, "limit": all.len() }),
    ))
}

#[utoipa::path(get, path = "/admin/catalog-sources/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogRead))),
    params(("id" = String, Path)),
    responses((status = 200, description = "{ catalog_source }"), (status = 404, description = "neither this store's nor granted to it", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(State(app): State<AppState>, Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<Value>> {
    Ok(source(&sources::get(&app, &actor.ctx, &id).await?))
}

/// Stops publishing: every subscriber's copy is unpublished and unlinked.
#[utoipa::path(delete, path = "/admin/catalog-sources/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("catalog_source.delete"))),
    params(("id" = String, Path)),
    responses((status = 200, description = "{ id, object, deleted }"), (status = 404, description = "not this store's source", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn unpublish(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    sources::unpublish(&app, &actor.ctx, &id).await?;
    Ok(Json(json!({ "id": id, "object": "catalog_source", "deleted": true })))
}

#[utoipa::path(post, path = "/admin/catalog-sources/{id}/grants", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("catalog_source.grant"))),
    params(("id" = String, Path)),
    request_body = GrantIn,
    responses((status = 200, description = "{ catalog_source }"), (status = 404, description = "not this store's source", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn grant(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<GrantIn>,
) -> Result<Json<Value>> {
    Ok(source(&sources::grant(&app, &actor.ctx, &id, body).await?))
}

/// Withdraws a grant: that store's copies are unpublished and unlinked.
#[utoipa::path(delete, path = "/admin/catalog-sources/{id}/grants/{store}", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("catalog_source.revoke"))),
    params(("id" = String, Path), ("store" = String, Path, description = "store id or handle")),
    responses((status = 200, description = "{ catalog_source }"), (status = 404, description = "no such grant", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn revoke(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path((id, store)): Path<(String, String)>,
) -> Result<Json<Value>> {
    Ok(source(&sources::revoke(&app, &actor.ctx, &id, &store).await?))
}

/// The source's published products, content only, each marked if this store has a copy.
#[utoipa::path(get, path = "/admin/catalog-sources/{id}/products", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogRead))),
    params(("id" = String, Path), ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "{ products, count, offset, limit }"), (status = 404, description = "not granted to this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn products(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    q: QueryPairs,
) -> Result<Json<Value>> {
    let (limit, offset) = q.page(20)?;
    let (items, count) = subscriptions::products(&app, &actor.ctx, &id, limit, offset).await?;
    let items: Vec<Value> = items.iter().map(|(p, c)| source_product(p, c.as_ref())).collect();
    Ok(Json(
        json!({ "products": items, "count": count, "offset": offset, "limit": limit }),
    ))
}

fn subscriptions_json(subs: &[Subscription]) -> Json<Value> {
    Json(json!({ "subscriptions": subs, "count": subs.len(), "offset": 0, "limit": subs.len() }))
}

/// Subscribes to `product_ids` (or `all`): each becomes a linked draft copy in this
/// store's catalog, without prices or stock, kept in step with the source's content.
#[utoipa::path(post, path = "/admin/catalog-sources/{id}/subscriptions", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("catalog_subscription.create"))),
    params(("id" = String, Path)), request_body = SubscribeIn,
    responses((status = 200, description = "{ subscriptions, count }"), (status = 400, description = "bad body", body = ErrorBody),
              (status = 404, description = "source not granted to this store, or product not in it", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn subscribe(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<SubscribeIn>,
) -> Result<Json<Value>> {
    Ok(subscriptions_json(
        &subscriptions::subscribe(&app, &actor.ctx, &id, body).await?,
    ))
}

#[utoipa::path(get, path = "/admin/catalog-sources/{id}/subscriptions", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogRead))),
    params(("id" = String, Path)),
    responses((status = 200, description = "{ subscriptions, count }"), (status = 404, description = "not granted to this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn subscriptions(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    Ok(subscriptions_json(&subscriptions::list(&app, &actor.ctx, &id).await?))
}

/// Opts out of a product (its source id, or the copy's id): the copy becomes a draft and
/// an ordinary, unlinked product of this store.
#[utoipa::path(delete, path = "/admin/catalog-sources/{id}/subscriptions/{product_id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CatalogWrite)), ("x-coral-audit-action" = json!("catalog_subscription.delete"))),
    params(("id" = String, Path), ("product_id" = String, Path)),
    responses((status = 200, description = "{ id, object, deleted }"), (status = 404, description = "no such subscription", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn unsubscribe(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path((id, product_id)): Path<(String, String)>,
) -> Result<Json<Value>> {
    subscriptions::unsubscribe(&app, &actor.ctx, &id, &product_id).await?;
    Ok(Json(
        json!({ "id": product_id, "object": "catalog_subscription", "deleted": true }),
    ))
}
