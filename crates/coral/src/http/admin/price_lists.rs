//! `/admin/price-lists` (promotions:* permission) and `/admin/customer-groups`
//! (customers:* permission), Medusa's paths and bodies.

use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Value};

use crate::app::catalog::price_lists::{self, PriceListIn};
use crate::app::customer_groups::{self, GroupIn, MembersIn};
use crate::core::roles::Permission::{CustomersRead, CustomersWrite, PromotionsRead, PromotionsWrite};
use crate::core::Result;
use crate::db::customer_groups::GroupRow;
use crate::db::price_lists::PriceListRow;
use crate::http::catalog_json::number;
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, QueryPairs, Staff};

/// Medusa's price list (sample admin-price-list-create-sale), with its prices.
fn price_list(l: &PriceListRow) -> Value {
    let rules = if l.customer_group_ids.is_empty() {
        json!({})
    } else {
        json!({ "customer.groups.id": l.customer_group_ids })
    };
    let prices: Vec<Value> = l
        .prices
        .0
        .iter()
        .map(|p| {
            json!({ "id": p.id, "variant_id": p.variant_id, "currency_code": p.currency_code,
                    "amount": number(p.amount), "min_quantity": null, "max_quantity": null,
                    "price_list_id": l.id,
                    "rules": p.region_id.as_ref().map_or(json!({}), |r| json!({ "region_id": r })) })
        })
        .collect();
    json!({
        "id": l.id, "type": l.r#type, "description": l.description, "title": l.title, "status": l.status,
        "starts_at": l.starts_at, "ends_at": l.ends_at, "created_at": l.created_at, "updated_at": l.updated_at,
        "deleted_at": null, "metadata": null, "rules": rules, "prices": prices,
    })
}

fn group(g: &GroupRow) -> Value {
    let customers: Vec<Value> = g
        .customers
        .0
        .iter()
        .map(|(id, email)| json!({ "id": id, "email": email }))
        .collect();
    json!({ "id": g.id, "name": g.name, "metadata": g.metadata.as_ref().map(|m| &m.0),
            "created_at": g.created_at, "updated_at": g.updated_at, "deleted_at": null, "customers": customers })
}

#[utoipa::path(get, path = "/admin/price-lists", tag = "admin",
    extensions(("x-coral-permission" = json!(PromotionsRead))),
    params(("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "{ price_lists, count, offset, limit }")), security(("bearer" = [])))]
pub async fn list(Staff(actor): Staff, q: QueryPairs) -> Result<Json<Value>> {
    let (limit, offset) = q.page(50)?;
    let (rows, count) = price_lists::list(&actor.ctx, limit, offset).await?;
    let items: Vec<Value> = rows.iter().map(price_list).collect();
    Ok(Json(
        json!({ "price_lists": items, "count": count, "offset": offset, "limit": limit }),
    ))
}

#[utoipa::path(post, path = "/admin/price-lists", tag = "admin",
    extensions(("x-coral-permission" = json!(PromotionsWrite)), ("x-coral-audit-action" = json!("price_list.create"))),
    request_body = PriceListIn,
    responses((status = 200, description = "{ price_list }"), (status = 400, description = "bad input", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(app): State<AppState>,
    Staff(actor): Staff,
    JsonBody(body): JsonBody<PriceListIn>,
) -> Result<Json<Value>> {
    let l = price_lists::save(&app, &actor.ctx, None, body).await?;
    Ok(Json(json!({ "price_list": price_list(&l) })))
}

#[utoipa::path(get, path = "/admin/price-lists/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(PromotionsRead))),
    params(("id" = String, Path)),
    responses((status = 200, description = "{ price_list }"), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<Value>> {
    let l = price_lists::get(&actor.ctx, &id).await?;
    Ok(Json(json!({ "price_list": price_list(&l) })))
}

/// Changes fields; `prices` and `rules`, when given, replace the list's.
#[utoipa::path(post, path = "/admin/price-lists/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(PromotionsWrite)), ("x-coral-audit-action" = json!("price_list.update"))),
    params(("id" = String, Path)),
    request_body = PriceListIn,
    responses((status = 200, description = "{ price_list }"), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<PriceListIn>,
) -> Result<Json<Value>> {
    let l = price_lists::save(&app, &actor.ctx, Some(&id), body).await?;
    Ok(Json(json!({ "price_list": price_list(&l) })))
}

#[utoipa::path(delete, path = "/admin/price-lists/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(PromotionsWrite)), ("x-coral-audit-action" = json!("price_list.delete"))),
    params(("id" = String, Path)),
    responses((status = 200, description = "{ id, object, deleted }"), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(State(app): State<AppState>, Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<Value>> {
    price_lists::delete(&app, &actor.ctx, &id).await?;
    Ok(Json(json!({ "id": id, "object": "price_list", "deleted": true })))
}

#[utoipa::path(get, path = "/admin/customer-groups", tag = "admin",
    extensions(("x-coral-permission" = json!(CustomersRead))),
    params(("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "{ customer_groups, count, offset, limit }")), security(("bearer" = [])))]
pub async fn groups(Staff(actor): Staff, q: QueryPairs) -> Result<Json<Value>> {
    let (limit, offset) = q.page(50)?;
    let (rows, count) = customer_groups::list(&actor.ctx, limit, offset).await?;
    let items: Vec<Value> = rows.iter().map(group).collect();
    Ok(Json(
        json!({ "customer_groups": items, "count": count, "offset": offset, "limit": limit }),
    ))
}

#[utoipa::path(post, path = "/admin/customer-groups", tag = "admin",
    extensions(("x-coral-permission" = json!(CustomersWrite)), ("x-coral-audit-action" = json!("customer_group.create"))),
    request_body = GroupIn,
    responses((status = 200, description = "{ customer_group }"), (status = 422, description = "name taken", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_group(Staff(actor): Staff, JsonBody(body): JsonBody<GroupIn>) -> Result<Json<Value>> {
    let g = customer_groups::save(&actor.ctx, None, body).await?;
    Ok(Json(json!({ "customer_group": group(&g) })))
}

#[utoipa::path(get, path = "/admin/customer-groups/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CustomersRead))),
    params(("id" = String, Path)),
    responses((status = 200, description = "{ customer_group }"), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_group(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<Value>> {
    let g = customer_groups::get(&actor.ctx, &id).await?;
    Ok(Json(json!({ "customer_group": group(&g) })))
}

#[utoipa::path(post, path = "/admin/customer-groups/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CustomersWrite)), ("x-coral-audit-action" = json!("customer_group.update"))),
    params(("id" = String, Path)),
    request_body = GroupIn,
    responses((status = 200, description = "{ customer_group }"), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_group(
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<GroupIn>,
) -> Result<Json<Value>> {
    let g = customer_groups::save(&actor.ctx, Some(&id), body).await?;
    Ok(Json(json!({ "customer_group": group(&g) })))
}

#[utoipa::path(delete, path = "/admin/customer-groups/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CustomersWrite)), ("x-coral-audit-action" = json!("customer_group.delete"))),
    params(("id" = String, Path)),
    responses((status = 200, description = "{ id, object, deleted }"), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_group(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    customer_groups::delete(&app, &actor.ctx, &id).await?;
    Ok(Json(json!({ "id": id, "object": "customer_group", "deleted": true })))
}

/// Adds and removes customers (`{ add: [ids], remove: [ids] }`).
#[utoipa::path(post, path = "/admin/customer-groups/{id}/customers", tag = "admin",
    extensions(("x-coral-permission" = json!(CustomersWrite)), ("x-coral-audit-action" = json!("customer_group.members"))),
    params(("id" = String, Path)),
    request_body = MembersIn,
    responses((status = 200, description = "{ customer_group }"), (status = 400, description = "unknown customer", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn members(
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<MembersIn>,
) -> Result<Json<Value>> {
    let g = customer_groups::members(&actor.ctx, &id, body).await?;
    Ok(Json(json!({ "customer_group": group(&g) })))
}
