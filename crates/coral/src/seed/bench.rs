//! `coral bench-seed`: tenants with the peer benchmark's catalog shape — P products ×
//! 3 variants (S/M/L), EUR prices, 5 collections, 8 categories, one EUR region (fr, de),
//! stocked inventory. Each tenant's catalog is one transaction, so an interrupted run
//! leaves whole tenants only; re-running completes what is missing.

use std::sync::Arc;

use rust_decimal::Decimal;

use crate::app::catalog::admin::{self, IdRef, ImageIn, OptionIn, PriceIn, ProductIn, VariantIn};
use crate::app::catalog::taxonomy::{self, CategoryIn, CollectionIn};
use crate::app::platform::{self, CreateTenant};
use crate::app::App;
use crate::core::{Error, Result};
use crate::db::audit::Audit;
use crate::db::{regions, shipping};
use crate::seed::demo;
use crate::tenancy::TenantCtx;

/// Makes sure tenant `handle` exists (created on `plan`) with `products` products; returns
/// its publishable key.
pub async fn tenant(app: &App, handle: &str, products: usize, plan: &str) -> Result<String> {
    if app.directory.by_id_or_handle(handle).is_none() {
        let input = CreateTenant {
            handle: handle.to_owned(),
            name: format!("Bench {handle}"),
            default_currency_code: Some("eur".into()),
            default_locale: Some("en-US".into()),
            default_country_code: Some("fr".into()),
            domains: vec![],
            settings: None,
            metadata: Some(serde_json::json!({ "bench": true })),
            allow_tenant_header: Some(true),
            placement_id: None,
            plan_id: Some(plan.into()),
            overrides: None,
            detailed_metrics: None,
            admin: None,
        };
        platform::create_tenant(app, &Arc::new(Audit::system("cli", "tenant.create")), input).await?;
    }
    let tenant = app
        .directory
        .by_id_or_handle(handle)
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("tenant {handle} vanished")))?;
    let db = app.directory.tenant_db(&tenant).await?;
    let ctx = TenantCtx {
        sales_channel_ids: tenant.default_sales_channel_id.iter().cloned().collect(),
        tenant,
        db,
    };
    let mut tx = ctx.db.begin().await?;
    if regions::list(&mut tx, 1, 0).await?.1 == 0 {
        let region = regions::insert(&mut tx, "Europe", "eur", &["fr".into(), "de".into()]).await?;
        let option = demo::flat_option(&region, "Standard Shipping", "standard", Decimal::TEN);
        shipping::insert(&mut tx, &option).await?;
    }
    tx.commit().await?;
    if admin::list(&ctx, None, 1, 0).await?.1 == 0 {
        catalog(app, &ctx, products).await?;
    }
    Ok(ctx.tenant.keys.first().cloned().unwrap_or_default())
}

async fn catalog(app: &App, ctx: &TenantCtx, products: usize) -> Result<()> {
    let mut collections = Vec::new();
    for name in ["Essentials", "Winter", "Summer", "Outdoor", "Studio"] {
        let c = taxonomy::save_collection(
            app,
            ctx,
            None,
            CollectionIn {
                title: Some(name.into()),
                ..Default::default()
            },
        );
        collections.push(c.await?.id);
    }
    let mut categories = Vec::new();
    for name in [
        "Shirts", "Sweaters", "Pants", "Jackets", "Hats", "Socks", "Shoes", "Bags",
    ] {
        let c = taxonomy::save_category(
            app,
            ctx,
            None,
            CategoryIn {
                name: Some(name.into()),
                ..Default::default()
            },
        );
        categories.push(c.await?.id);
    }
    let inputs = (1..=products)
        .map(|i| ProductIn {
            title: Some(format!("Bench Product {i:04}")),
            subtitle: Some(format!("Subtitle {i:04}")),
            description: Some(format!(
                "Description of bench product {i:04}. Soft, durable, and made for benchmarking."
            )),
            handle: Some(format!("bench-product-{i:04}")),
            status: Some("published".into()),
            thumbnail: Some(format!("https://example.invalid/img/{i:04}.png")),
            images: Some(vec![ImageIn {
                url: format!("https://example.invalid/img/{i:04}.png"),
            }]),
            collection_id: Some(collections[i % collections.len()].clone()),
            categories: Some(vec![IdRef {
                id: categories[i % categories.len()].clone(),
            }]),
            material: Some("wool".into()),
            weight: Some(Decimal::from(400)),
            options: Some(vec![OptionIn {
                title: "Size".into(),
                values: vec!["S".into(), "M".into(), "L".into()],
            }]),
            variants: Some(
                ["S", "M", "L"]
                    .iter()
                    .enumerate()
                    .map(|(j, size)| VariantIn {
                        title: Some((*size).into()),
                        sku: Some(format!("BENCH-{i:04}-{size}")),
                        options: Some([("Size".to_owned(), (*size).to_owned())].into()),
                        prices: Some(vec![PriceIn {
                            currency_code: "eur".into(),
                            amount: Decimal::new(1299 + 200 * j as i64 + (i % 10) as i64 * 100, 2),
                            region_id: None,
                        }]),
                        inventory_quantity: Some(1_000_000),
                        ..Default::default()
                    })
                    .collect(),
            ),
            ..Default::default()
        })
        .collect();
    admin::create_all(app, ctx, inputs).await?;
    Ok(())
}
