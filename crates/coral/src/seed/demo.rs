//! `coral serve --demo`: two demo stores, `acme` and `globex`, with what Coral can do so
//! far, created if missing. Re-running completes a store a previous run left unfinished.
//! Each store keeps stock in two locations; `acme` publishes its catalog as a source
//! granted to `globex`, which carries two of acme's products as linked copies.

use std::sync::Arc;

use crate::adapters::auth;
use crate::app::catalog::admin::{self as catalog, IdRef, ImageIn, OptionIn, PriceIn, ProductIn, TagRef, VariantIn};
use crate::app::catalog::sources::subscriptions::{self, SubscribeIn};
use crate::app::catalog::sources::{self, PublishIn};
use crate::app::catalog::taxonomy::{self, CategoryIn, CollectionIn};
use crate::app::catalog::variants;
use crate::app::checkout::providers;
use crate::app::inventory::{self, LocationAddressIn, LocationIn};
use crate::app::platform::{self, CreateTenant, NewAdmin};
use crate::app::{users, App};
use crate::core::ids::new_id;
use crate::core::settings::{Branding, TenantSettings};
use crate::core::{Error, Result};
use crate::db::audit::Audit;
use crate::db::customers::{self, Profile};
use crate::db::regions::{self, RegionFields};
use crate::db::shipping::{self, ShippingOptionFields};
use crate::db::TenantTx;

pub struct DemoTenant {
    pub handle: &'static str,
    pub name: &'static str,
    pub plan: &'static str,
    pub publishable_key: String,
    pub admin_email: String,
    pub admin_password: &'static str,
    /// A second staff user with a narrower role (`catalog_manager`), same password.
    pub catalog_email: String,
    pub domain: String,
    /// The running campaign's code and the product on sale (when the plan has promotions).
    pub promotions: Option<crate::seed::promotions::DemoPromotions>,
    /// The store's demo webhook endpoint (disabled until someone listens there).
    pub webhook_id: String,
    pub webhook_url: String,
    /// The store's email sender, and whether it overrides the order confirmation.
    pub email_from: String,
    pub email_template_overridden: bool,
}

struct Spec {
    /// (title, collection, category, base price in the first region's currency)
    products: &'static [(&'static str, &'static str, &'static str, &'static str)],
    handle: &'static str,
    name: &'static str,
    /// Demo stores sit on different plans, so a newcomer sees limits at work.
    plan: &'static str,
    currency: &'static str,
    country: &'static str,
    color: &'static str,
    regions: &'static [(&'static str, &'static str, &'static [&'static str])],
    /// A second stock location: (name, city, country).
    store: (&'static str, &'static str, &'static str),
    /// The demo campaign's code.
    promo_code: &'static str,
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
            // A title beyond ASCII: its handle keeps its letters (`café-crème-mug`).
            ("Café Crème Mug", "Essentials", "Accessories", "12.00"),
        ],
        handle: "acme",
        name: "Acme Outfitters",
        plan: "standard",
        currency: "eur",
        country: "fr",
        color: "#d9480f",
        regions: &[
            ("Europe", "eur", &["de", "es", "fr", "it", "nl"]),
            ("North America", "usd", &["ca", "us"]),
        ],
        store: ("Lyon Store", "Lyon", "fr"),
        promo_code: "ACME10",
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
        plan: "free",
        currency: "gbp",
        country: "gb",
        color: "#1864ab",
        regions: &[
            ("United Kingdom", "gbp", &["gb"]),
            ("Nordics", "sek", &["dk", "no", "se"]),
        ],
        store: ("Manchester Depot", "Manchester", "gb"),
        promo_code: "GLOBEX10",
    },
];

pub const DEMO_PASSWORD: &str = "coral-demo-1234";

/// The demo's Unicode handle, printed at start: (store, handle of a product there).
pub const UNICODE_HANDLE: (&str, &str) = ("acme", "café-crème-mug");

pub async fn ensure(app: &App) -> Result<Vec<DemoTenant>> {
    let mut out = Vec::new();
    for spec in SPECS {
        let domain = format!("{}.localhost", spec.handle);
        let admin_email = format!("admin@{}.test", spec.handle);
        if app.directory.by_id_or_handle(spec.handle).is_none() {
            platform::create_tenant(
                app,
                &Arc::new(Audit::system("demo", "tenant.create")),
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
                    plan_id: Some(spec.plan.into()),
                    // The free plan lacks promotions; the demo turns them on to show them.
                    overrides: Some(crate::core::plans::Overrides {
                        features: [("promotions".to_owned(), true)].into(),
                        ..Default::default()
                    }),
                    detailed_metrics: None,
                    admin: Some(NewAdmin {
                        email: admin_email.clone(),
                        password: DEMO_PASSWORD.into(),
                        first_name: Some("Demo".into()),
                        last_name: Some("Admin".into()),
                        role: None,
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
                let region = new_id("reg");
                let fields = RegionFields {
                    name: (*name).to_owned(),
                    currency_code: (*currency).to_owned(),
                    automatic_taxes: true,
                    metadata: None,
                    countries: countries.iter().map(|c| ((*c).to_owned(), vat(c))).collect(),
                    // NMI is offered only where a key is set (NMI_SECURITY_KEY or the store's secret).
                    payment_providers: vec![providers::SYSTEM.into(), providers::NMI.into()],
                };
                regions::save(&mut tx, &region, &fields, true).await?;
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
        let ctx = ctx_of(tenant.clone(), db);
        if catalog::list(&ctx, None, 1, 0).await?.1 == 0 {
            seed_catalog(app, &ctx, spec).await?;
        }
        if inventory::locations(&ctx, 1, 0).await?.1 < 2 {
            seed_second_location(app, &ctx, spec).await?;
        }
        let catalog_email = ensure_catalog_manager(&ctx, spec.handle).await?;
        let promotions = crate::seed::promotions::seed(app, &ctx, spec.promo_code).await?;
        let (webhook_id, webhook_url) = ensure_webhook(app, &ctx).await?;
        let (email_from, email_template_overridden) = crate::app::email::demo(&ctx, spec.handle, spec.name).await?;
        out.push(DemoTenant {
            handle: spec.handle,
            name: spec.name,
            plan: spec.plan,
            publishable_key: tenant.keys.first().cloned().unwrap_or_default(),
            admin_email,
            admin_password: DEMO_PASSWORD,
            catalog_email,
            domain,
            promotions,
            webhook_id,
            webhook_url,
            email_from,
            email_template_overridden,
        });
    }
    seed_franchise(app).await?;
    Ok(out)
}

/// `catalog@{handle}.test`, a `catalog_manager`: edits products, stock and prices, sees
/// no orders, settings or staff. Created once.
async fn ensure_catalog_manager(ctx: &crate::tenancy::TenantCtx, handle: &str) -> Result<String> {
    let email = format!("catalog@{handle}.test");
    if users::list(ctx, 100, 0).await?.0.iter().any(|u| u.email == email) {
        return Ok(email);
    }
    let input = users::CreateUser {
        email: email.clone(),
        password: DEMO_PASSWORD.into(),
        role: Some("catalog_manager".into()),
        first_name: Some("Demo".into()),
        last_name: Some("Catalog".into()),
    };
    users::create(ctx, input).await?;
    Ok(email)
}

/// Where the demo webhooks point: a local receiver (README, "Webhooks").
pub const DEMO_WEBHOOK_URL: &str = "http://localhost:9999/webhooks";

/// A disabled webhook endpoint for every event, pointing at [`DEMO_WEBHOOK_URL`]. Created
/// once; written directly because a local URL passes the address rule only when the
/// operator allows private addresses.
async fn ensure_webhook(app: &App, ctx: &crate::tenancy::TenantCtx) -> Result<(String, String)> {
    let mut tx = ctx.db.begin().await?;
    let (existing, _) = crate::db::webhooks::list(&mut tx, 1, 0).await?;
    if let Some(w) = existing.into_iter().next() {
        return Ok((w.id, w.url));
    }
    let id = new_id("wh");
    let secret = crate::core::webhooks::new_secret();
    let sealed = app
        .sealer
        .seal(&ctx.tenant.id, &crate::app::jobs::run::secret_name(&id), &secret);
    let fields = crate::db::webhooks::EndpointFields {
        url: DEMO_WEBHOOK_URL,
        description: Some("Demo: every event to a local receiver; enable it when one listens"),
        event_types: &["*".to_owned()],
        enabled: false,
    };
    crate::db::webhooks::insert(&mut tx, &id, &fields, &sealed).await?;
    tx.commit().await?;
    Ok((id, DEMO_WEBHOOK_URL.to_owned()))
}

/// Standard VAT of the demo's European countries (percent); none elsewhere.
fn vat(country: &str) -> rust_decimal::Decimal {
    let rate = match country {
        "de" => 19,
        "fr" | "gb" => 20,
        "es" | "nl" => 21,
        "it" => 22,
        _ => 0,
    };
    rate.into()
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

fn ctx_of(tenant: std::sync::Arc<crate::tenancy::Tenant>, db: crate::db::TenantDb) -> crate::tenancy::TenantCtx {
    crate::tenancy::TenantCtx {
        sales_channel_ids: tenant.default_sales_channel_id.iter().cloned().collect(),
        tenant,
        db,
    }
}

async fn demo_ctx(app: &App, handle: &str) -> Result<crate::tenancy::TenantCtx> {
    let tenant = app
        .directory
        .by_id_or_handle(handle)
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("demo tenant {handle} vanished")))?;
    let db = app.directory.tenant_db(&tenant).await?;
    Ok(ctx_of(tenant, db))
}

/// A shop next to the warehouse, holding 10 of each of the first product's variants.
async fn seed_second_location(app: &App, ctx: &crate::tenancy::TenantCtx, spec: &Spec) -> Result<()> {
    let (name, city, country) = spec.store;
    let location = inventory::save_location(
        ctx,
        None,
        LocationIn {
            name: Some(name.into()),
            address: Some(LocationAddressIn {
                address_1: "1 High Street".into(),
                address_2: None,
                company: Some(spec.name.into()),
                city: Some(city.into()),
                country_code: country.into(),
                phone: None,
                province: None,
                postal_code: None,
            }),
            metadata: None,
        },
    )
    .await?;
    for item in inventory::items(ctx, None, 3, 0).await?.0 {
        inventory::set_level(app, ctx, &item.row.id, &location.id, 10, false).await?;
    }
    Ok(())
}

/// acme is a catalog source granted to globex; globex carries two acme products, priced
/// in its own currencies and published.
async fn seed_franchise(app: &App) -> Result<()> {
    let (acme, globex) = (demo_ctx(app, "acme").await?, demo_ctx(app, "globex").await?);
    let source = sources::publish(
        app,
        &acme,
        PublishIn {
            subscribers: Some(vec!["globex".into()]),
        },
    )
    .await?;
    if !subscriptions::list(app, &globex, &source.id).await?.is_empty() {
        return Ok(());
    }
    let offered = subscriptions::products(app, &globex, &source.id, 2, 0).await?.0;
    let input = SubscribeIn {
        product_ids: Some(offered.iter().map(|(p, _)| p.row.id.clone()).collect()),
        all: None,
    };
    let regions = crate::app::regions::list(&globex, 10, 0).await?.0;
    for sub in subscriptions::subscribe(app, &globex, &source.id, input).await? {
        let copy = catalog::get(&globex, &sub.product_id).await?;
        for v in &copy.products.variants {
            let prices = regions
                .iter()
                .map(|r| PriceIn {
                    currency_code: r.currency_code.clone(),
                    amount: rust_decimal::Decimal::new(if r.currency_code == "sek" { 39900 } else { 2900 }, 2),
                    region_id: None,
                })
                .collect();
            let input = VariantIn {
                prices: Some(prices),
                inventory_quantity: Some(12),
                ..Default::default()
            };
            variants::update(app, &globex, &sub.product_id, &v.row.id, input).await?;
        }
        let publish = ProductIn {
            status: Some("published".into()),
            ..Default::default()
        };
        catalog::update(app, &globex, &sub.product_id, publish).await?;
    }
    Ok(())
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
            // Served by Coral itself (app/demo_images.rs): no image host needed, and the
            // Next.js starter's `next/image` allows http://localhost. Picture names are
            // ASCII; a title in another script gets one from its store and position.
            let slug: String = crate::app::catalog::slugify(title)
                .chars()
                .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
                .collect();
            let slug = if slug.trim_matches('-').is_empty() {
                format!("{}-{}", spec.handle, i + 1)
            } else {
                slug
            };
            let picture = format!("http://localhost:{}/static/demo/{slug}.png", app.config.listen.port());
            ProductIn {
                title: Some((*title).into()),
                description: Some(format!("{title} from the {} demo store.", spec.name)),
                status: Some("published".into()),
                thumbnail: Some(picture.clone()),
                images: Some(vec![ImageIn { url: picture }]),
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
