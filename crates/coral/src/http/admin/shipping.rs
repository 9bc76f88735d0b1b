//! `/admin/shipping-options*`: flat-rate shipping options per region.

use axum::Json;

use crate::app::checkout::shipping::{self, ShippingOptionIn};
use crate::core::roles::Permission::{SettingsRead, SettingsWrite};
use crate::core::Result;
use crate::http::checkout_json;
use crate::http::envelope::{one, page, AdminDeleteResponse};
use crate::http::error::ErrorBody;
use crate::http::extract::{JsonBody, Path, QueryPairs, Staff};
use crate::http::shipping_json::StoreCartShippingOption;

fn answer(o: &shipping::ShippingOptionRow) -> Json<AdminShippingOptionResponse> {
    Json(AdminShippingOptionResponse {
        shipping_option: checkout_json::shipping_option(o),
    })
}

one!(
    /// `{ shipping_option }`
    AdminShippingOptionResponse {
        shipping_option: StoreCartShippingOption,
    }
);

page!(
    /// `{ shipping_options, count, offset, limit }`
    AdminShippingOptionListResponse {
        shipping_options: StoreCartShippingOption,
    }
);

#[utoipa::path(get, path = "/admin/shipping-options", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsRead))),
    params(("region_id" = Option<String>, Query)),
    responses((status = 200, description = "every option, on one page", body = AdminShippingOptionListResponse)), security(("bearer" = [])))]
pub async fn list(Staff(actor): Staff, q: QueryPairs) -> Result<Json<AdminShippingOptionListResponse>> {
    let rows = shipping::list(&actor.ctx, q.get("region_id")).await?;
    let list: Vec<_> = rows.iter().map(checkout_json::shipping_option).collect();
    Ok(Json(AdminShippingOptionListResponse {
        shipping_options: list,
        count: rows.len() as i64,
        offset: 0,
        limit: rows.len() as i64,
    }))
}

#[utoipa::path(post, path = "/admin/shipping-options", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("shipping_option.create"))),
    request_body = ShippingOptionIn,
    responses((status = 200, description = "the shipping option", body = AdminShippingOptionResponse), (status = 400, description = "bad input", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    Staff(actor): Staff,
    JsonBody(body): JsonBody<ShippingOptionIn>,
) -> Result<Json<AdminShippingOptionResponse>> {
    Ok(answer(&shipping::create(&actor.ctx, body).await?))
}

#[utoipa::path(get, path = "/admin/shipping-options/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsRead))),
    params(("id" = String, Path)),
    responses((status = 200, description = "the shipping option", body = AdminShippingOptionResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<AdminShippingOptionResponse>> {
    Ok(answer(&shipping::get(&actor.ctx, &id).await?))
}

#[utoipa::path(post, path = "/admin/shipping-options/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("shipping_option.update"))),
    params(("id" = String, Path)),
    request_body = ShippingOptionIn,
    responses((status = 200, description = "the shipping option", body = AdminShippingOptionResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ShippingOptionIn>,
) -> Result<Json<AdminShippingOptionResponse>> {
    Ok(answer(&shipping::update(&actor.ctx, &id, body).await?))
}

#[utoipa::path(delete, path = "/admin/shipping-options/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(SettingsWrite)), ("x-coral-audit-action" = json!("shipping_option.delete"))),
    params(("id" = String, Path)),
    responses((status = 200, description = "deleted", body = AdminDeleteResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<AdminDeleteResponse>> {
    shipping::delete(&actor.ctx, &id).await?;
    Ok(Json(AdminDeleteResponse::new(id, "shipping_option")))
}
