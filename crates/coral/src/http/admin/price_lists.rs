//! `/admin/price-lists` (promotions:* permission) and `/admin/customer-groups`
//! (customers:* permission), Medusa's paths and bodies.

use axum::extract::State;
use axum::Json;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::app::catalog::price_lists::{self, PriceListIn, PriceListRow};
use crate::app::customer_groups::{self, GroupIn, GroupRow, MembersIn};
use crate::core::roles::Permission::{CustomersRead, CustomersWrite, PromotionsRead, PromotionsWrite};
use crate::core::Result;
use crate::http::catalog_json::number;
use crate::http::envelope::{one, page, AdminDeleteResponse};
use crate::http::error::ErrorBody;
use crate::http::extract::{AppState, JsonBody, Path, QueryPairs, Staff};

/// A price of a price list.
#[derive(Serialize, ToSchema)]
pub struct AdminPriceListPrice {
    pub id: String,
    pub variant_id: String,
    pub currency_code: String,
    /// In the currency's main unit (10.5 is 10.50).
    #[schema(value_type = f64)]
    pub amount: Value,
    /// Always null: Coral has no quantity tiers.
    pub min_quantity: Option<i64>,
    pub max_quantity: Option<i64>,
    pub price_list_id: String,
    /// `{ "region_id": … }` when the price is for one region, else empty.
    pub rules: BTreeMap<&'static str, String>,
}

/// Medusa's price list (sample admin-price-list-create-sale), with its prices.
#[derive(Serialize, ToSchema)]
pub struct AdminPriceList {
    pub id: String,
    /// `sale` or `override`.
    #[serde(rename = "type")]
    pub kind: String,
    pub description: String,
    pub title: String,
    /// `active` or `draft`.
    pub status: String,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Always null.
    pub deleted_at: Option<DateTime<Utc>>,
    /// Always null.
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    /// `{ "customer.groups.id": [...] }` when limited to customer groups, else empty.
    pub rules: BTreeMap<&'static str, Vec<String>>,
    pub prices: Vec<AdminPriceListPrice>,
}

impl From<&PriceListRow> for AdminPriceList {
    fn from(l: &PriceListRow) -> Self {
        let mut rules = BTreeMap::new();
        if !l.customer_group_ids.is_empty() {
            rules.insert("customer.groups.id", l.customer_group_ids.clone());
        }
        let prices = l
            .prices
            .0
            .iter()
            .map(|p| AdminPriceListPrice {
                id: p.id.clone(),
                variant_id: p.variant_id.clone(),
                currency_code: p.currency_code.clone(),
                amount: number(p.amount),
                min_quantity: None,
                max_quantity: None,
                price_list_id: l.id.clone(),
                rules: p.region_id.iter().map(|r| ("region_id", r.clone())).collect(),
            })
            .collect();
        Self {
            id: l.id.clone(),
            kind: l.r#type.clone(),
            description: l.description.clone(),
            title: l.title.clone(),
            status: l.status.clone(),
            starts_at: l.starts_at,
            ends_at: l.ends_at,
            created_at: l.created_at,
            updated_at: l.updated_at,
            deleted_at: None,
            metadata: None,
            rules,
            prices,
        }
    }
}

/// A member of a customer group.
#[derive(Serialize, ToSchema)]
pub struct AdminCustomerGroupMember {
    pub id: String,
    pub email: String,
}

/// A customer group with its members, Medusa's `AdminCustomerGroup`.
#[derive(Serialize, ToSchema)]
pub struct AdminCustomerGroup {
    pub id: String,
    pub name: String,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Always null.
    pub deleted_at: Option<DateTime<Utc>>,
    pub customers: Vec<AdminCustomerGroupMember>,
}

impl From<&GroupRow> for AdminCustomerGroup {
    fn from(g: &GroupRow) -> Self {
        Self {
            id: g.id.clone(),
            name: g.name.clone(),
            metadata: g.metadata.as_ref().map(|m| m.0.clone()),
            created_at: g.created_at,
            updated_at: g.updated_at,
            deleted_at: None,
            customers: g
                .customers
                .0
                .iter()
                .map(|(id, email)| AdminCustomerGroupMember {
                    id: id.clone(),
                    email: email.clone(),
                })
                .collect(),
        }
    }
}

one!(
    /// `{ price_list }`
    AdminPriceListResponse { price_list: AdminPriceList }
);
page!(
    /// `{ price_lists, count, offset, limit }`
    AdminPriceListListResponse { price_lists: AdminPriceList }
);
one!(
    /// `{ customer_group }`
    AdminCustomerGroupResponse { customer_group: AdminCustomerGroup }
);
page!(
    /// `{ customer_groups, count, offset, limit }`
    AdminCustomerGroupListResponse { customer_groups: AdminCustomerGroup }
);

#[utoipa::path(get, path = "/admin/price-lists", tag = "admin",
    extensions(("x-coral-permission" = json!(PromotionsRead))),
    params(("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "a page of price lists", body = AdminPriceListListResponse)), security(("bearer" = [])))]
pub async fn list(Staff(actor): Staff, q: QueryPairs) -> Result<Json<AdminPriceListListResponse>> {
    let (limit, offset) = q.page(50)?;
    let (rows, count) = price_lists::list(&actor.ctx, limit, offset).await?;
    Ok(Json(AdminPriceListListResponse {
        price_lists: rows.iter().map(AdminPriceList::from).collect(),
        count,
        offset,
        limit,
    }))
}

#[utoipa::path(post, path = "/admin/price-lists", tag = "admin",
    extensions(("x-coral-permission" = json!(PromotionsWrite)), ("x-coral-audit-action" = json!("price_list.create"))),
    request_body = PriceListIn,
    responses((status = 200, description = "the price list", body = AdminPriceListResponse), (status = 400, description = "bad input", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(app): State<AppState>,
    Staff(actor): Staff,
    JsonBody(body): JsonBody<PriceListIn>,
) -> Result<Json<AdminPriceListResponse>> {
    let l = price_lists::save(&app, &actor.ctx, None, body).await?;
    Ok(Json(AdminPriceListResponse {
        price_list: (&l).into(),
    }))
}

#[utoipa::path(get, path = "/admin/price-lists/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(PromotionsRead))),
    params(("id" = String, Path)),
    responses((status = 200, description = "the price list", body = AdminPriceListResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<AdminPriceListResponse>> {
    let l = price_lists::get(&actor.ctx, &id).await?;
    Ok(Json(AdminPriceListResponse {
        price_list: (&l).into(),
    }))
}

/// Changes fields; `prices` and `rules`, when given, replace the list's.
#[utoipa::path(post, path = "/admin/price-lists/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(PromotionsWrite)), ("x-coral-audit-action" = json!("price_list.update"))),
    params(("id" = String, Path)),
    request_body = PriceListIn,
    responses((status = 200, description = "the price list", body = AdminPriceListResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<PriceListIn>,
) -> Result<Json<AdminPriceListResponse>> {
    let l = price_lists::save(&app, &actor.ctx, Some(&id), body).await?;
    Ok(Json(AdminPriceListResponse {
        price_list: (&l).into(),
    }))
}

#[utoipa::path(delete, path = "/admin/price-lists/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(PromotionsWrite)), ("x-coral-audit-action" = json!("price_list.delete"))),
    params(("id" = String, Path)),
    responses((status = 200, description = "deleted", body = AdminDeleteResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Json<AdminDeleteResponse>> {
    price_lists::delete(&app, &actor.ctx, &id).await?;
    Ok(Json(AdminDeleteResponse::new(id, "price_list")))
}

#[utoipa::path(get, path = "/admin/customer-groups", tag = "admin",
    extensions(("x-coral-permission" = json!(CustomersRead))),
    params(("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "a page of groups", body = AdminCustomerGroupListResponse)), security(("bearer" = [])))]
pub async fn groups(Staff(actor): Staff, q: QueryPairs) -> Result<Json<AdminCustomerGroupListResponse>> {
    let (limit, offset) = q.page(50)?;
    let (rows, count) = customer_groups::list(&actor.ctx, limit, offset).await?;
    Ok(Json(AdminCustomerGroupListResponse {
        customer_groups: rows.iter().map(AdminCustomerGroup::from).collect(),
        count,
        offset,
        limit,
    }))
}

#[utoipa::path(post, path = "/admin/customer-groups", tag = "admin",
    extensions(("x-coral-permission" = json!(CustomersWrite)), ("x-coral-audit-action" = json!("customer_group.create"))),
    request_body = GroupIn,
    responses((status = 200, description = "the group", body = AdminCustomerGroupResponse), (status = 422, description = "name taken", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_group(
    Staff(actor): Staff,
    JsonBody(body): JsonBody<GroupIn>,
) -> Result<Json<AdminCustomerGroupResponse>> {
    let g = customer_groups::save(&actor.ctx, None, body).await?;
    Ok(Json(AdminCustomerGroupResponse {
        customer_group: (&g).into(),
    }))
}

#[utoipa::path(get, path = "/admin/customer-groups/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CustomersRead))),
    params(("id" = String, Path)),
    responses((status = 200, description = "the group", body = AdminCustomerGroupResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_group(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<AdminCustomerGroupResponse>> {
    let g = customer_groups::get(&actor.ctx, &id).await?;
    Ok(Json(AdminCustomerGroupResponse {
        customer_group: (&g).into(),
    }))
}

#[utoipa::path(post, path = "/admin/customer-groups/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CustomersWrite)), ("x-coral-audit-action" = json!("customer_group.update"))),
    params(("id" = String, Path)),
    request_body = GroupIn,
    responses((status = 200, description = "the group", body = AdminCustomerGroupResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_group(
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<GroupIn>,
) -> Result<Json<AdminCustomerGroupResponse>> {
    let g = customer_groups::save(&actor.ctx, Some(&id), body).await?;
    Ok(Json(AdminCustomerGroupResponse {
        customer_group: (&g).into(),
    }))
}

#[utoipa::path(delete, path = "/admin/customer-groups/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(CustomersWrite)), ("x-coral-audit-action" = json!("customer_group.delete"))),
    params(("id" = String, Path)),
    responses((status = 200, description = "deleted", body = AdminDeleteResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_group(
    State(app): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Json<AdminDeleteResponse>> {
    customer_groups::delete(&app, &actor.ctx, &id).await?;
    Ok(Json(AdminDeleteResponse::new(id, "customer_group")))
}

/// Adds and removes customers (`{ add: [ids], remove: [ids] }`).
#[utoipa::path(post, path = "/admin/customer-groups/{id}/customers", tag = "admin",
    extensions(("x-coral-permission" = json!(CustomersWrite)), ("x-coral-audit-action" = json!("customer_group.members"))),
    params(("id" = String, Path)),
    request_body = MembersIn,
    responses((status = 200, description = "the group", body = AdminCustomerGroupResponse), (status = 400, description = "unknown customer", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn members(
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<MembersIn>,
) -> Result<Json<AdminCustomerGroupResponse>> {
    let g = customer_groups::members(&actor.ctx, &id, body).await?;
    Ok(Json(AdminCustomerGroupResponse {
        customer_group: (&g).into(),
    }))
}
