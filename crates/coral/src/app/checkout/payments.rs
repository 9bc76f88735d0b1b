//! Payment collections and sessions for carts (`/store/payment-collections`), and the
//! providers a region offers (`/store/payment-providers`).

use serde::Deserialize;
use serde_json::Value;

use crate::app::checkout::{carts, providers};
use crate::app::Services;
use crate::core::{Error, Result};
use crate::db::payments;
use crate::db::TenantTx;
use crate::tenancy::TenantCtx;

/// A payment collection (with its sessions) as the payment use cases answer it.
pub use crate::db::payments::CollectionRow;

/// The providers a region offers: those its admin enabled (`payment_providers`) that
/// Coral knows and can use — NMI only where the tenant or the platform has a key.
pub async fn for_region(app: &Services, ctx: &TenantCtx, region_id: &str) -> Result<Vec<&'static str>> {
    let catalog = app.catalogs.get(ctx).await?;
    let region = catalog
        .region(region_id)
        .ok_or_else(|| Error::not_found(format!("Region with id: {region_id} was not found")))?;
    let mut list = Vec::new();
    for id in providers::ALL {
        if !region.payment_providers.iter().any(|p| p == id) {
            continue;
        }
        if *id == providers::NMI && !providers::nmi_configured(app, ctx).await? {
            continue;
        }
        list.push(*id);
    }
    Ok(list)
}

async fn collection(tx: &mut TenantTx, id: &str) -> Result<CollectionRow> {
    payments::get(tx, id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Payment collection with id: {id} was not found")))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentCollectionIn {
    pub cart_id: String,
}

/// The cart's payment collection, created on first call, for the cart's current total.
pub async fn create_collection(app: &Services, ctx: &TenantCtx, input: PaymentCollectionIn) -> Result<CollectionRow> {
    let mut tx = ctx.db.begin_relaxed().await?;
    let cart = carts::lock(app, ctx, &mut tx, &input.cart_id).await?;
    if cart.row.completed_at.is_some() {
        return Err(Error::invalid(format!("Cart {} is already completed.", cart.row.id)));
    }
    let amount = carts::amount_due(&cart);
    let id = match payments::for_cart(&mut tx, &cart.row.id).await? {
        Some(existing) => {
            payments::set_amount(&mut tx, &existing.id, &cart.row.currency_code, amount).await?;
            existing.id
        }
        None => payments::insert(&mut tx, &cart.row.id, &cart.row.currency_code, amount).await?,
    };
    let row = collection(&mut tx, &id).await?;
    tx.commit().await?;
    Ok(row)
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionIn {
    pub provider_id: String,
    /// Provider input, e.g. NMI's `payment_token` from Collect.js.
    pub data: Option<Value>,
    pub context: Option<Value>,
}

/// Starts a payment session (replacing any earlier one) for the cart's current total.
pub async fn create_session(
    app: &Services,
    ctx: &TenantCtx,
    collection_id: &str,
    input: SessionIn,
) -> Result<CollectionRow> {
    providers::check_known(&input.provider_id)?;
    let mut tx = ctx.db.begin_relaxed().await?;
    let cart_id = payments::cart_of(&mut tx, collection_id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Payment collection with id: {collection_id} was not found")))?;
    let cart = carts::lock(app, ctx, &mut tx, &cart_id).await?;
    if cart.row.completed_at.is_some() {
        return Err(Error::invalid(format!("Cart {cart_id} is already completed.")));
    }
    if !for_region(app, ctx, &cart.row.region_id)
        .await?
        .contains(&input.provider_id.as_str())
    {
        return Err(Error::invalid(format!(
            "Payment provider {} is not enabled in region {}",
            input.provider_id, cart.region.name
        )));
    }
    let amount = carts::amount_due(&cart);
    let data = input.data.unwrap_or_else(|| Value::Object(Default::default()));
    if !data.is_object() {
        return Err(Error::invalid(
            "Invalid request: Expected type: 'object' for field 'data'",
        ));
    }
    payments::set_amount(&mut tx, collection_id, &cart.row.currency_code, amount).await?;
    payments::replace_session(
        &mut tx,
        collection_id,
        &input.provider_id,
        &cart.row.currency_code,
        amount,
        &data,
    )
    .await?;
    let row = collection(&mut tx, collection_id).await?;
    tx.commit().await?;
    Ok(row)
}
