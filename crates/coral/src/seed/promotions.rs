//! Demo data for promotions: a running campaign with a code and a product on sale, so
//! `coral serve --demo` shows discounts and struck-through prices at once. Seeded once.

use chrono::{Duration, Utc};
use rust_decimal::Decimal;

use crate::app::catalog::price_lists::{self, ListPriceIn, PriceListIn};
use crate::app::promotions::admin::{self, MethodIn, PromotionIn};
use crate::app::promotions::campaigns::{self, BudgetIn, CampaignIn};
use crate::app::App;
use crate::core::Result;
use crate::db::promotions;
use crate::tenancy::TenantCtx;

/// What the demo prints: the code and the product on sale.
pub struct DemoPromotions {
    pub code: String,
    pub sale_product: String,
}

/// Seeds (once) a 30-day campaign with `code` (10 % off the order, 1,000 uses) and a
/// 20 % sale on the second product. Nothing for a store without the feature.
pub async fn seed(app: &App, ctx: &TenantCtx, code: &str) -> Result<Option<DemoPromotions>> {
    if admin::check_feature(ctx).is_err() {
        return Ok(None);
    }
    let catalog = app.catalogs.get(ctx).await?;
    let Some(product) = catalog.products.get(1).cloned() else {
        return Ok(None);
    };
    let out = DemoPromotions {
        code: code.to_owned(),
        sale_product: product.row.title.clone(),
    };
    let mut tx = ctx.db.begin().await?;
    let seeded = promotions::by_codes(&mut tx, &[code.to_owned()]).await?;
    tx.commit().await?;
    if !seeded.is_empty() {
        return Ok(Some(out));
    }
    let now = Utc::now();
    let campaign = campaigns::create(
        ctx,
        CampaignIn {
            name: Some("Launch week".into()),
            description: Some("10 % off every order".into()),
            campaign_identifier: Some(format!("{code}-LAUNCH")),
            starts_at: Some(now - Duration::days(1)),
            ends_at: Some(now + Duration::days(30)),
            budget: Some(BudgetIn {
                r#type: Some("usage".into()),
                limit: Some(Decimal::from(1000)),
                ..Default::default()
            }),
        },
    )
    .await?;
    admin::create(
        ctx,
        PromotionIn {
            code: Some(code.into()),
            status: Some("active".into()),
            campaign_id: Some(campaign.row.id),
            application_method: Some(MethodIn {
                r#type: Some("percentage".into()),
                target_type: Some("order".into()),
                value: Some(Decimal::TEN),
                ..Default::default()
            }),
            ..Default::default()
        },
    )
    .await?;
    let prices = product
        .variants
        .iter()
        .flat_map(|v| {
            v.prices.iter().filter(|p| p.region_id.is_none()).map(|p| ListPriceIn {
                variant_id: v.row.id.clone(),
                currency_code: p.currency_code.clone(),
                amount: (p.amount * Decimal::new(8, 1)).round_dp(2),
                ..Default::default()
            })
        })
        .collect();
    price_lists::save(
        app,
        ctx,
        None,
        PriceListIn {
            title: Some("Winter sale".into()),
            description: Some("20 % off".into()),
            r#type: Some("sale".into()),
            status: Some("active".into()),
            prices: Some(prices),
            ..Default::default()
        },
    )
    .await?;
    Ok(Some(out))
}
