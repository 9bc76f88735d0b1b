//! Customers (guest and registered), their email/password identities and addresses.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::types::Json;

use crate::core::address::PostalAddress;
use crate::core::ids::new_id;
use crate::core::Result;
use crate::db::TenantTx;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CustomerRow {
    pub id: String,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company_name: Option<String>,
    pub phone: Option<String>,
    pub has_account: bool,
    pub metadata: Option<Json<Value>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub addresses: Json<Vec<AddressRow>>,
}

/// The editable profile of a customer.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company_name: Option<String>,
    pub phone: Option<String>,
    pub metadata: Option<Value>,
}

impl CustomerRow {
    pub fn profile(&self) -> Profile {
        Profile {
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            company_name: self.company_name.clone(),
            phone: self.phone.clone(),
            metadata: self.metadata.as_ref().map(|m| m.0.clone()),
        }
    }
}

/// A customer's saved address as the API writes it and as it is stored: a postal address
/// plus its name and whether it is the default for shipping or billing (Medusa's fields).
/// Unknown fields are refused (serde checks what the flattened address leaves over), and
/// `metadata` must be an object or null.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct AddressFields {
    pub address_name: Option<String>,
    pub is_default_shipping: bool,
    pub is_default_billing: bool,
    #[serde(flatten)]
    pub address: PostalAddress,
}

/// A saved address as read back: the fields with the address's id, owner and dates.
#[derive(Debug, Clone, Deserialize)]
pub struct AddressRow {
    pub id: String,
    pub customer_id: String,
    #[serde(flatten)]
    pub fields: AddressFields,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A customer with its addresses. Each address is its row as JSON without `tenant_id`:
/// every other column is a field of [`AddressRow`] (which refuses unknown keys, so a new
/// column must be added there). A `metadata` that is not an object (saved before inputs
/// were checked) reads as null.
const SELECT: &str = "SELECT c.id, c.email, c.first_name, c.last_name, c.company_name, c.phone, c.has_account, \
    c.metadata, c.created_at, c.updated_at, \
    coalesce((SELECT json_agg((to_jsonb(a) - 'tenant_id') || jsonb_build_object('metadata', \
            CASE WHEN jsonb_typeof(a.metadata) = 'object' THEN a.metadata END) ORDER BY a.created_at, a.id) \
        FROM customer_addresses a WHERE a.tenant_id = $1 AND a.customer_id = c.id), '[]') AS addresses \
    FROM customers c WHERE c.tenant_id = $1";

pub async fn get(tx: &mut TenantTx, id: &str) -> Result<Option<CustomerRow>> {
    Ok(tx
        .query_as(&format!("{SELECT} AND c.id = $2 AND c.deleted_at IS NULL"))
        .bind(id)
        .fetch_optional(tx.conn())
        .await?)
}

/// The guest customer with this email, created on first use (a cart's email makes one).
/// `DO NOTHING` then a read, so carts of one email do not queue on that customer's row.
pub async fn guest(tx: &mut TenantTx, email: &str) -> Result<String> {
    let inserted: Option<String> = tx
        .query_scalar(
            "INSERT INTO customers (tenant_id, id, email, has_account) VALUES ($1, $2, $3, false) \
         ON CONFLICT ON CONSTRAINT customers_email_key DO NOTHING RETURNING id",
        )
        .bind(new_id("cus"))
        .bind(email)
        .fetch_optional(tx.conn())
        .await?;
    if let Some(id) = inserted {
        return Ok(id);
    }
    Ok(tx
        .query_scalar("SELECT id FROM customers WHERE tenant_id = $1 AND email = $2 AND NOT has_account")
        .bind(email)
        .fetch_one(tx.conn())
        .await?)
}

pub async fn insert_registered(tx: &mut TenantTx, email: &str, p: &Profile) -> Result<String> {
    let id = new_id("cus");
    tx.query(
        "INSERT INTO customers (tenant_id, id, email, first_name, last_name, company_name, phone, metadata, has_account) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, true)",
    )
    .bind(&id)
    .bind(email)
    .bind(&p.first_name)
    .bind(&p.last_name)
    .bind(&p.company_name)
    .bind(&p.phone)
    .bind(p.metadata.as_ref().map(Json))
    .execute(tx.conn())
    .await?;
    Ok(id)
}

pub async fn update(tx: &mut TenantTx, id: &str, p: &Profile) -> Result<()> {
    tx.query(
        "UPDATE customers SET first_name = $3, last_name = $4, company_name = $5, phone = $6, metadata = $7, \
         updated_at = now() WHERE tenant_id = $1 AND id = $2",
    )
    .bind(id)
    .bind(&p.first_name)
    .bind(&p.last_name)
    .bind(&p.company_name)
    .bind(&p.phone)
    .bind(p.metadata.as_ref().map(Json))
    .execute(tx.conn())
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct IdentityRow {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub customer_id: Option<String>,
}

pub async fn insert_identity(tx: &mut TenantTx, email: &str, password_hash: &str) -> Result<String> {
    let id = new_id("authid");
    tx.query("INSERT INTO customer_identities (tenant_id, id, email, password_hash) VALUES ($1, $2, $3, $4)")
        .bind(&id)
        .bind(email)
        .bind(password_hash)
        .execute(tx.conn())
        .await?;
    Ok(id)
}

pub async fn identity_by_email(tx: &mut TenantTx, email: &str) -> Result<Option<IdentityRow>> {
    Ok(tx
        .query_as(
            "SELECT id, email, password_hash, customer_id FROM customer_identities WHERE tenant_id = $1 AND email = $2",
        )
        .bind(email)
        .fetch_optional(tx.conn())
        .await?)
}

pub async fn identity(tx: &mut TenantTx, id: &str) -> Result<Option<IdentityRow>> {
    Ok(tx
        .query_as(
            "SELECT id, email, password_hash, customer_id FROM customer_identities WHERE tenant_id = $1 AND id = $2 \
         FOR UPDATE",
        )
        .bind(id)
        .fetch_optional(tx.conn())
        .await?)
}

pub async fn link_identity(tx: &mut TenantTx, identity_id: &str, customer_id: &str) -> Result<()> {
    tx.query("UPDATE customer_identities SET customer_id = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(identity_id)
        .bind(customer_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Inserts (`id` None) or overwrites an address of `customer_id`; its id, or `None`
/// when the address is not the customer's.
pub async fn save_address(
    tx: &mut TenantTx,
    customer_id: &str,
    id: Option<&str>,
    a: &AddressFields,
) -> Result<Option<String>> {
    // One default shipping and one default billing address per customer.
    if a.is_default_shipping || a.is_default_billing {
        tx.query(
            "UPDATE customer_addresses SET is_default_shipping = is_default_shipping AND NOT $3, \
             is_default_billing = is_default_billing AND NOT $4 WHERE tenant_id = $1 AND customer_id = $2",
        )
        .bind(customer_id)
        .bind(a.is_default_shipping)
        .bind(a.is_default_billing)
        .execute(tx.conn())
        .await?;
    }
    let sql = if id.is_none() {
        "INSERT INTO customer_addresses (tenant_id, id, customer_id, address_name, is_default_shipping, \
         is_default_billing, company, first_name, last_name, address_1, address_2, city, country_code, province, \
         postal_code, phone, metadata) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
         $16, $17) RETURNING id"
    } else {
        "UPDATE customer_addresses SET address_name = $4, is_default_shipping = $5, is_default_billing = $6, \
         company = $7, first_name = $8, last_name = $9, address_1 = $10, address_2 = $11, city = $12, \
         country_code = $13, province = $14, postal_code = $15, phone = $16, metadata = $17, updated_at = now() \
         WHERE tenant_id = $1 AND id = $2 AND customer_id = $3 RETURNING id"
    };
    let new;
    let id = match id {
        Some(id) => id,
        None => {
            new = new_id("cuaddr");
            &new
        }
    };
    let p = &a.address;
    Ok(tx
        .query_scalar(sql)
        .bind(id)
        .bind(customer_id)
        .bind(&a.address_name)
        .bind(a.is_default_shipping)
        .bind(a.is_default_billing)
        .bind(&p.company)
        .bind(&p.first_name)
        .bind(&p.last_name)
        .bind(&p.address_1)
        .bind(&p.address_2)
        .bind(&p.city)
        .bind(&p.country_code)
        .bind(&p.province)
        .bind(&p.postal_code)
        .bind(&p.phone)
        .bind(p.metadata.as_ref().map(Json))
        .fetch_optional(tx.conn())
        .await?)
}

pub async fn delete_address(tx: &mut TenantTx, customer_id: &str, id: &str) -> Result<bool> {
    let done = tx
        .query("DELETE FROM customer_addresses WHERE tenant_id = $1 AND customer_id = $2 AND id = $3")
        .bind(customer_id)
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn address_fields_take_the_postal_fields_and_refuse_others() {
        let a: AddressFields = serde_json::from_value(json!({
            "address_name": "Home", "is_default_billing": true, "city": "Oslo", "metadata": {"a": 1}
        }))
        .unwrap();
        assert_eq!(a.address_name.as_deref(), Some("Home"));
        assert!(a.is_default_billing && !a.is_default_shipping);
        assert_eq!(a.address.city.as_deref(), Some("Oslo"));
        assert_eq!(a.address.metadata, Some(json!({"a": 1})));
        for bad in [json!({"city": "Oslo", "zip": "0150"}), json!({"metadata": [1]})] {
            assert!(serde_json::from_value::<AddressFields>(bad.clone()).is_err(), "{bad}");
        }
    }
}
