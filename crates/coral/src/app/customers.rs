//! Storefront customers: one account pool per tenant. Registration follows Medusa:
//! `register` creates an email/password identity and answers a token with no customer;
//! `POST /store/customers` with that token creates the customer; `login` answers a token
//! naming it. Tokens carry the tenant id and are refused by any other tenant.

use serde::Deserialize;
use serde_json::Value;

use crate::adapters::auth::{self, Claims};
use crate::app::Services;
use crate::core::{names, Error, Result};
use crate::db::customers::{self, Profile};
use crate::tenancy::TenantCtx;

/// Customers and their addresses as the customer use cases take and answer them.
pub use crate::db::customers::{AddressFields, AddressRow, CustomerRow};

/// A signed-in (or signing-up) customer, from a verified token of this tenant.
#[derive(Debug, Clone)]
pub struct CustomerAuth {
    pub identity_id: String,
    /// Empty until the customer is created.
    pub customer_id: String,
}

impl CustomerAuth {
    /// The customer, or 401 when the token has none yet.
    pub fn customer(&self) -> Result<&str> {
        if self.customer_id.is_empty() {
            Err(Error::unauthorized())
        } else {
            Ok(&self.customer_id)
        }
    }
}

/// Verifies a customer token for the request's tenant.
pub fn authenticate(app: &Services, ctx: &TenantCtx, token: &str) -> Result<CustomerAuth> {
    let claims = app.tokens.verify(token)?;
    if claims.actor_type != "customer" || claims.tenant_id != ctx.tenant.id.as_str() {
        return Err(Error::unauthorized());
    }
    Ok(CustomerAuth {
        identity_id: claims.auth_identity_id,
        customer_id: claims.actor_id,
    })
}

fn token(app: &Services, ctx: &TenantCtx, identity_id: &str, customer_id: Option<&str>) -> Result<String> {
    let now = chrono::Utc::now().timestamp();
    let customer_id = customer_id.unwrap_or_default();
    app.tokens.issue(&Claims {
        actor_id: customer_id.to_owned(),
        actor_type: "customer".into(),
        auth_identity_id: identity_id.to_owned(),
        app_metadata: serde_json::json!({ "customer_id": customer_id }),
        tenant_id: ctx.tenant.id.as_str().to_owned(),
        role: "customer".into(),
        tv: 0,
        iat: now,
        exp: now + auth::TOKEN_TTL_SECS,
    })
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

pub async fn register(app: &Services, ctx: &TenantCtx, c: Credentials) -> Result<String> {
    let email = names::parse_email(&c.email)?;
    auth::check_password_policy(&c.password)?;
    let hash = auth::hash_password(&c.password).await?;
    let mut tx = ctx.db.begin().await?;
    if customers::identity_by_email(&mut tx, &email).await?.is_some() {
        return Err(Error::Unauthorized("Identity with email already exists".into()));
    }
    let id = customers::insert_identity(&mut tx, &email, &hash).await?;
    tx.commit().await?;
    token(app, ctx, &id, None)
}

pub async fn login(app: &Services, ctx: &TenantCtx, c: Credentials) -> Result<String> {
    let email = names::parse_email(&c.email).unwrap_or_default();
    let mut tx = ctx.db.begin().await?;
    let identity = customers::identity_by_email(&mut tx, &email).await?;
    tx.commit().await?;
    if !auth::verify_password(identity.as_ref().map(|i| i.password_hash.as_str()), &c.password).await {
        return Err(Error::Unauthorized("Invalid email or password".into()));
    }
    let identity = identity.ok_or_else(|| Error::Unauthorized("Invalid email or password".into()))?;
    token(app, ctx, &identity.id, identity.customer_id.as_deref())
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileIn {
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company_name: Option<String>,
    pub phone: Option<String>,
    #[serde(default, deserialize_with = "crate::core::metadata::object")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
}

fn merge(p: &mut Profile, input: ProfileIn) {
    p.first_name = input.first_name.or(p.first_name.take());
    p.last_name = input.last_name.or(p.last_name.take());
    p.company_name = input.company_name.or(p.company_name.take());
    p.phone = input.phone.or(p.phone.take());
    p.metadata = input.metadata.or(p.metadata.take());
}

/// `POST /store/customers` with a registration token: the customer of that identity.
pub async fn create(ctx: &TenantCtx, who: &CustomerAuth, input: ProfileIn) -> Result<CustomerRow> {
    if !who.customer_id.is_empty() {
        return Err(Error::invalid("Request already authenticated as a customer."));
    }
    let mut tx = ctx.db.begin().await?;
    let identity = customers::identity(&mut tx, &who.identity_id)
        .await?
        .ok_or_else(Error::unauthorized)?;
    if identity.customer_id.is_some() {
        return Err(Error::invalid("Request already authenticated as a customer."));
    }
    if let Some(e) = &input.email {
        if names::parse_email(e)? != identity.email {
            return Err(Error::invalid(
                "The email must be the one the account was registered with",
            ));
        }
    }
    let mut profile = Profile::default();
    merge(&mut profile, input);
    let id = customers::insert_registered(&mut tx, &identity.email, &profile).await?;
    customers::link_identity(&mut tx, &identity.id, &id).await?;
    let row = customers::get(&mut tx, &id).await?.ok_or_else(Error::unauthorized)?;
    let event = serde_json::json!({ "id": row.id, "email": row.email, "has_account": true });
    crate::db::orders::record_event(&mut tx, "customer.created", &row.id, event).await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn me(ctx: &TenantCtx, who: &CustomerAuth) -> Result<CustomerRow> {
    let mut tx = ctx.db.begin().await?;
    let row = customers::get(&mut tx, who.customer()?)
        .await?
        .ok_or_else(Error::unauthorized)?;
    tx.commit().await?;
    Ok(row)
}

pub async fn update_me(ctx: &TenantCtx, who: &CustomerAuth, input: ProfileIn) -> Result<CustomerRow> {
    if input.email.is_some() {
        return Err(Error::invalid("Invalid request: Unrecognized fields: 'email'"));
    }
    let id = who.customer()?;
    let mut tx = ctx.db.begin().await?;
    let current = customers::get(&mut tx, id).await?.ok_or_else(Error::unauthorized)?;
    let mut profile = current.profile();
    merge(&mut profile, input);
    customers::update(&mut tx, id, &profile).await?;
    let row = customers::get(&mut tx, id).await?.ok_or_else(Error::unauthorized)?;
    tx.commit().await?;
    Ok(row)
}

fn address_not_found(id: &str) -> Error {
    Error::not_found(format!("Address with id: {id} was not found"))
}

/// Creates (`id` None) or replaces an address of the signed-in customer.
pub async fn save_address(
    ctx: &TenantCtx,
    who: &CustomerAuth,
    id: Option<&str>,
    mut a: AddressFields,
) -> Result<CustomerRow> {
    let customer = who.customer()?;
    if let Some(cc) = &a.address.country_code {
        a.address.country_code = Some(names::parse_country(cc)?);
    }
    let mut tx = ctx.db.begin().await?;
    customers::save_address(&mut tx, customer, id, &a)
        .await?
        .ok_or_else(|| address_not_found(id.unwrap_or_default()))?;
    let row = customers::get(&mut tx, customer)
        .await?
        .ok_or_else(Error::unauthorized)?;
    tx.commit().await?;
    Ok(row)
}

pub async fn delete_address(ctx: &TenantCtx, who: &CustomerAuth, id: &str) -> Result<CustomerRow> {
    let customer = who.customer()?;
    let mut tx = ctx.db.begin().await?;
    if !customers::delete_address(&mut tx, customer, id).await? {
        return Err(address_not_found(id));
    }
    let row = customers::get(&mut tx, customer)
        .await?
        .ok_or_else(Error::unauthorized)?;
    tx.commit().await?;
    Ok(row)
}
