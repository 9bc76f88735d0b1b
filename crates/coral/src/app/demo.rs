//! `coral serve --demo`: two demo stores, `acme` and `globex`, with what Coral can do so
//! far, created if missing. Re-running completes a store a previous run left unfinished.

use crate::app::platform::{self, CreateTenant, NewAdmin};
use crate::app::App;
use crate::core::settings::{Branding, TenantSettings};
use crate::core::{Error, Result};
use crate::db::regions;

pub struct DemoTenant {
    pub handle: &'static str,
    pub name: &'static str,
    pub publishable_key: String,
    pub admin_email: String,
    pub admin_password: &'static str,
    pub domain: String,
}

struct Spec {
    handle: &'static str,
    name: &'static str,
    currency: &'static str,
    country: &'static str,
    color: &'static str,
    regions: &'static [(&'static str, &'static str, &'static [&'static str])],
}

const SPECS: &[Spec] = &[
    Spec {
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
                regions::insert(&mut tx, name, currency, &countries).await?;
            }
        }
        tx.commit().await?;
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
