//! `coral serve --demo`: two demo stores, `acme` and `globex`, with what Coral can do so
//! far, created if missing. Re-running completes a store a previous run left unfinished.

use crate::app::auth;
use crate::app::catalog::admin::{self as catalog, IdRef, ImageIn, OptionIn, PriceIn, ProductIn, TagRef, VariantIn};
use crate::app::catalog::taxonomy::{self, CategoryIn, CollectionIn};
use crate::app::platform::{self, CreateTenant, NewAdmin};
use crate::app::App;
use crate::core::settings::{Branding, TenantSettings};
use crate::core::{Error, Result};
use crate::db::customers::{self, Profile};
use crate::db::regions;
use crate::db::shipping::{self, ShippingOptionFields};
use crate::db::TenantTx;

pub struct DemoTenant {
    pub handle: &'static str,
    pub name: &'static str,
    pub publishable_key: String,
    pub admin_email: String,
    pub admin_password: &'static str,
    pub domain: String,
}

struct Spec {
    /// (title, collection, category, base price in the first region's currency)
    products: &'static [(&'static str, &'static str, &'static str, &'static str)],
    handle: &'static str,
    name: &'static str,
    currency: &'static str,
    country: &'static str,
    color: &'static str,
    regions: &'static [(&'static str, &'static str, &'static [&'static str])],
}

const SPECS: &[Spec] = &[
    Spec {
        products: &[
            ("Trail Runner Tee", "Essentials", "Shirts", "19.99"),
            ("Merino Base Layer", "Winter", "Shirts", "49.00"),
            ("Summit Hoodie", "Winter", "Hoodies", "64.50"),
            ("Canvas Cap", "Essentials", "Accessories", "14.00"),
            ("Alpine Sweater", "Winter", "Sweaters", "89.90"),
            ("Everyday Socks", "Essentials", "Accessories", "9.50"),
        ],
        handle: "acme",
        name: "Acme Outfitters",
        currency: "eur",
        country: "fr",
        color: "#d9480f",
        regions: &[
            ("Europe", "eur", &["de", "es", "fr", "it", "nl"]),
            ("North America", "usd", &["ca", "us"]),
        ],
    },
    Spec {
        products: &[
            ("Globex Field Jacket", "Outerwear", "Jackets", "120.00"),
            ("Globex Rain Shell", "Outerwear", "Jackets", "85.00"),
            ("Globex Utility Shirt", "Basics", "Shirts", "32.00"),
            ("Globex Wool Beanie", "Basics", "Accessories", "18.00"),
        ],
        handle: "globex",
        name: "Globex Supply",
        currency: "gbp",
        country: "gb",
        color: "#1864ab",
        regions: &[
            ("United Kingdom", "gbp", &["gb"]),
            ("Nordics", "sek", &["dk", "no", "se"]),
        ],
    },
];

pub const DEMO_PASSWORD: &str = "coral-demo-1234";

pub async fn ensure(app: &App) -> Result<Vec<DemoTenant>> {
    let mut out = Vec::new();
    for spec in SPECS {
        let domain = format!("{}.localhost", spec.handle);
        let admin_email = format!("admin@{}.test", spec.handle);
        if app.directory.by_id_or_handle(spec.handle).is_none() {
            platform::create_tenant(
                app,
                CreateTenant {
                    handle: spec.handle.into(),
                    name: spec.name.into(),
                    default_currency_code: Some(spec.currency.into()),
                    default_locale: Some("en-US".into()),
                    default_country_code: Some(spec.country.into()),
                    domains: vec![domain.clone()],
                    settings: Some(TenantSettings {
                        branding: Branding {
                            primary_color: Some(spec.color.into()),
                            ..Default::default()
                        },
                        locales: vec!["en-US".into()],
                        currencies: spec.regions.iter().map(|r| r.1.to_owned()).collect(),
                        public_features: [("reviews".to_owned(), false)].into(),
                    }),
                    metadata: Some(serde_json::json!({ "demo": true })),
                    allow_tenant_header: Some(true),
                    placement_id: None,
                    admin: Some(NewAdmin {
                        email: admin_email.clone(),
                        password: DEMO_PASSWORD.into(),
                        first_name: Some("Demo".into()),
                        last_name: Some("Admin".into()),
                    }),
                },
            )
            .await?;
        }
        let tenant = app
            .directory
            .by_id_or_handle(spec.handle)
            .ok_or_else(|| Error::Internal(anyhow::anyhow!("demo tenant {} vanished", spec.handle)))?;
        let db = app.directory.tenant_db(&tenant).await?;
        let mut tx = db.begin().await?;
        if regions::list(&mut tx, 1, 0).await?.1 == 0 {
            for (name, currency, countries) in spec.regions {
                let countries: Vec<String> = countries.iter().map(|c| (*c).to_owned()).collect();
                let region = regions::insert(&mut tx, name, currency, &countries).await?;
                for (option, code, amount) in [
                    ("Standard Shipping", "standard", "4.95"),
                    ("Express Shipping", "express", "14.95"),
                ] {
                    let amount = amount.parse().map_err(|e| Error::Internal(anyhow::Error::new(e)))?;
                    shipping::insert(&mut tx, &flat_option(&region, option, code, amount)).await?;
                }
            }
            demo_customer(&mut tx, spec.handle).await?;
        }
        tx.commit().await?;
        let ctx = crate::tenancy::TenantCtx {
            sales_channel_ids: tenant.default_sales_channel_id.iter().cloned().collect(),
            tenant: tenant.clone(),
            db,
        };
        if catalog::list(&ctx, None, 1, 0).await?.1 == 0 {
            seed_catalog(app, &ctx, spec).await?;
        }
        out.push(DemoTenant {
            handle: spec.handle,
            name: spec.name,
            publishable_key: tenant.keys.first().cloned().unwrap_or_default(),
            admin_email,
            admin_password: DEMO_PASSWORD,
            domain,
        });
    }
    Ok(out)
}

pub fn flat_option(region_id: &str, name: &str, code: &str, amount: rust_decimal::Decimal) -> ShippingOptionFields {
    ShippingOptionFields {
        region_id: region_id.to_owned(),
        name: name.to_owned(),
        type_code: code.to_owned(),
        type_label: name.trim_end_matches(" Shipping").to_owned(),
        type_description: String::new(),
        amount,
        enabled_in_store: true,
        metadata: None,
    }
}

/// A registered customer (`shopper@{handle}.localhost`, the demo password) to sign in with.
async fn demo_customer(tx: &mut TenantTx, handle: &str) -> Result<()> {
    let email = format!("shopper@{handle}.localhost");
    let profile = Profile {
        first_name: Some("Demo".into()),
        last_name: Some("Shopper".into()),
        ..Profile::default()
    };
    let customer = customers::insert_registered(tx, &email, &profile).await?;
    let hash = auth::hash_password(DEMO_PASSWORD).await?;
    let identity = customers::insert_identity(tx, &email, &hash).await?;
    customers::link_identity(tx, &identity, &customer).await
}

/// Collections, a category tree and products with S/M/L variants, priced in every region
/// (the second region's currency at 1.1×) and stocked; all in one batch.
async fn seed_catalog(app: &App, ctx: &crate::tenancy::TenantCtx, spec: &Spec) -> Result<()> {
    use std::collections::HashMap;
    let mut collections: HashMap<&str, String> = HashMap::new();
    let mut categories: HashMap<&str, String> = HashMap::new();
    let apparel = taxonomy::save_category(
        app,
        ctx,
        None,
        CategoryIn {
            name: Some("Apparel".into()),
            ..Default::default()
        },
    )
    .await?;
    for (_, collection, category, _) in spec.products {
        if !collections.contains_key(collection) {
            let c = taxonomy::save_collection(
                app,
                ctx,
                None,
                CollectionIn {
                    title: Some((*collection).into()),
                    ..Default::default()
                },
            )
            .await?;
            collections.insert(collection, c.id);
        }
        if !categories.contains_key(category) {
            let input = CategoryIn {
                name: Some((*category).into()),
                parent_category_id: Some(apparel.id.clone()),
                ..Default::default()
            };
            categories.insert(category, taxonomy::save_category(app, ctx, None, input).await?.id);
        }
    }
    let regions = regions::list(&mut ctx.db.begin().await?, 10, 0).await?.0;
    let products = spec
        .products
        .iter()
        .enumerate()
        .map(|(i, (title, collection, category, price))| {
            let base: rust_decimal::Decimal = price.parse().unwrap_or_default();
            let variants = ["S", "M", "L"]
                .iter()
                .enumerate()
                .map(|(j, size)| VariantIn {
                    title: Some((*size).into()),
                    sku: Some(format!("{}-{:03}-{size}", spec.handle.to_uppercase(), i + 1)),
                    options: Some([("Size".to_owned(), (*size).to_owned())].into()),
                    prices: Some(
                        regions
                            .iter()
                            .enumerate()
                            .map(|(k, r)| PriceIn {
                                currency_code: r.currency_code.clone(),
                                amount: (base + rust_decimal::Decimal::from(j as i64 * 2))
                                    * if k == 0 {
                                        rust_decimal::Decimal::ONE
                                    } else {
                                        rust_decimal::Decimal::new(11, 1)
                                    },
                                region_id: None,
                            })
                            .collect(),
                    ),
                    inventory_quantity: Some(25 + 5 * j as i32),
                    ..Default::default()
                })
                .collect();
            let slug = crate::app::catalog::slugify(title);
            ProductIn {
                title: Some((*title).into()),
                description: Some(format!("{title} from the {} demo store.", spec.name)),
                status: Some("published".into()),
                thumbnail: Some(format!("https://picsum.photos/seed/{slug}/600/600")),
                images: Some(vec![ImageIn {
                    url: format!("https://picsum.photos/seed/{slug}/600/600"),
                }]),
                collection_id: collections.get(collection).cloned(),
                categories: Some(vec![IdRef {
                    id: categories[category].clone(),
                }]),
                tags: Some(vec![TagRef {
                    id: None,
                    value: Some(collection.to_lowercase()),
                }]),
                options: Some(vec![OptionIn {
                    title: "Size".into(),
                    values: vec!["S".into(), "M".into(), "L".into()],
                }]),
                variants: Some(variants),
                ..Default::default()
            }
        })
        .collect();
    catalog::batch_create(app, ctx, products).await?;
    Ok(())
}
