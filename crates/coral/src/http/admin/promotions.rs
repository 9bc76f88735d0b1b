//! `/admin/promotions` and `/admin/campaigns` (Medusa's paths and bodies). Each needs the
//! store's `promotions` feature and the `promotions:*` permission.

use axum::Json;

use crate::app::promotions::admin::{self, PromotionIn};
use crate::app::promotions::campaigns::{self, Campaign, CampaignIn};
use crate::core::roles::Permission::{PromotionsRead, PromotionsWrite};
use crate::core::Result;
use crate::http::envelope::{one, page, AdminDeleteResponse};
use crate::http::error::ErrorBody;
use crate::http::extract::{JsonBody, Path, QueryPairs, Staff};
use crate::http::promotion_json;
use crate::http::promotion_json::{AdminCampaign, AdminPromotion};

fn campaign_json(c: &Campaign) -> AdminCampaign {
    promotion_json::campaign(&c.row, Some(&c.promotions))
}

one!(
    /// `{ promotion }`
    AdminPromotionResponse {
        promotion: AdminPromotion,
    }
);

page!(
    /// `{ promotions, count, offset, limit }`
    AdminPromotionListResponse {
        promotions: AdminPromotion,
    }
);

one!(
    /// `{ campaign }`
    AdminCampaignResponse {
        campaign: AdminCampaign,
    }
);

page!(
    /// `{ campaigns, count, offset, limit }`
    AdminCampaignListResponse {
        campaigns: AdminCampaign,
    }
);

#[utoipa::path(get, path = "/admin/promotions", tag = "admin",
    extensions(("x-coral-permission" = json!(PromotionsRead))),
    params(("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "a page of promotions", body = AdminPromotionListResponse)), security(("bearer" = [])))]
pub async fn list(Staff(actor): Staff, q: QueryPairs) -> Result<Json<AdminPromotionListResponse>> {
    let (limit, offset) = q.page(50)?;
    let (rows, count) = admin::list(&actor.ctx, limit, offset).await?;
    let items: Vec<_> = rows.iter().map(promotion_json::promotion).collect();
    Ok(Json(AdminPromotionListResponse {
        promotions: items,
        count,
        offset,
        limit,
    }))
}

#[utoipa::path(post, path = "/admin/promotions", tag = "admin",
    extensions(("x-coral-permission" = json!(PromotionsWrite)), ("x-coral-audit-action" = json!("promotion.create"))),
    request_body = PromotionIn,
    responses((status = 200, description = "the promotion", body = AdminPromotionResponse), (status = 400, description = "bad input", body = ErrorBody),
              (status = 422, description = "code taken", body = ErrorBody)), security(("bearer" = [])))]
pub async fn create(
    Staff(actor): Staff,
    JsonBody(body): JsonBody<PromotionIn>,
) -> Result<Json<AdminPromotionResponse>> {
    let p = admin::create(&actor.ctx, body).await?;
    Ok(Json(AdminPromotionResponse {
        promotion: promotion_json::promotion(&p),
    }))
}

#[utoipa::path(get, path = "/admin/promotions/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(PromotionsRead))),
    params(("id" = String, Path)),
    responses((status = 200, description = "the promotion", body = AdminPromotionResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<AdminPromotionResponse>> {
    let p = admin::get(&actor.ctx, &id).await?;
    Ok(Json(AdminPromotionResponse {
        promotion: promotion_json::promotion(&p),
    }))
}

/// Changes any field; `status` draft/active/inactive.
#[utoipa::path(post, path = "/admin/promotions/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(PromotionsWrite)), ("x-coral-audit-action" = json!("promotion.update"))),
    params(("id" = String, Path)),
    request_body = PromotionIn,
    responses((status = 200, description = "the promotion", body = AdminPromotionResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<PromotionIn>,
) -> Result<Json<AdminPromotionResponse>> {
    let p = admin::update(&actor.ctx, &id, body).await?;
    Ok(Json(AdminPromotionResponse {
        promotion: promotion_json::promotion(&p),
    }))
}

#[utoipa::path(delete, path = "/admin/promotions/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(PromotionsWrite)), ("x-coral-audit-action" = json!("promotion.delete"))),
    params(("id" = String, Path)),
    responses((status = 200, description = "deleted", body = AdminDeleteResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<AdminDeleteResponse>> {
    admin::delete(&actor.ctx, &id).await?;
    Ok(Json(AdminDeleteResponse::new(id, "promotion")))
}

#[utoipa::path(get, path = "/admin/campaigns", tag = "admin",
    extensions(("x-coral-permission" = json!(PromotionsRead))),
    params(("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "a page of campaigns", body = AdminCampaignListResponse)), security(("bearer" = [])))]
pub async fn campaigns(Staff(actor): Staff, q: QueryPairs) -> Result<Json<AdminCampaignListResponse>> {
    let (limit, offset) = q.page(50)?;
    let (rows, count) = campaigns::list(&actor.ctx, limit, offset).await?;
    let items: Vec<_> = rows.iter().map(campaign_json).collect();
    Ok(Json(AdminCampaignListResponse {
        campaigns: items,
        count,
        offset,
        limit,
    }))
}

#[utoipa::path(post, path = "/admin/campaigns", tag = "admin",
    extensions(("x-coral-permission" = json!(PromotionsWrite)), ("x-coral-audit-action" = json!("campaign.create"))),
    request_body = CampaignIn,
    responses((status = 200, description = "the campaign", body = AdminCampaignResponse), (status = 400, description = "bad input", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_campaign(
    Staff(actor): Staff,
    JsonBody(body): JsonBody<CampaignIn>,
) -> Result<Json<AdminCampaignResponse>> {
    let c = campaigns::create(&actor.ctx, body).await?;
    Ok(Json(AdminCampaignResponse {
        campaign: campaign_json(&c),
    }))
}

#[utoipa::path(get, path = "/admin/campaigns/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(PromotionsRead))),
    params(("id" = String, Path)),
    responses((status = 200, description = "the campaign", body = AdminCampaignResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn campaign(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<AdminCampaignResponse>> {
    let c = campaigns::get(&actor.ctx, &id).await?;
    Ok(Json(AdminCampaignResponse {
        campaign: campaign_json(&c),
    }))
}

#[utoipa::path(post, path = "/admin/campaigns/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(PromotionsWrite)), ("x-coral-audit-action" = json!("campaign.update"))),
    params(("id" = String, Path)),
    request_body = CampaignIn,
    responses((status = 200, description = "the campaign", body = AdminCampaignResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_campaign(
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<CampaignIn>,
) -> Result<Json<AdminCampaignResponse>> {
    let c = campaigns::update(&actor.ctx, &id, body).await?;
    Ok(Json(AdminCampaignResponse {
        campaign: campaign_json(&c),
    }))
}

#[utoipa::path(delete, path = "/admin/campaigns/{id}", tag = "admin",
    extensions(("x-coral-permission" = json!(PromotionsWrite)), ("x-coral-audit-action" = json!("campaign.delete"))),
    params(("id" = String, Path)),
    responses((status = 200, description = "deleted", body = AdminDeleteResponse), (status = 404, description = "not in this store", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_campaign(Staff(actor): Staff, Path(id): Path<String>) -> Result<Json<AdminDeleteResponse>> {
    campaigns::delete(&actor.ctx, &id).await?;
    Ok(Json(AdminDeleteResponse::new(id, "campaign")))
}
