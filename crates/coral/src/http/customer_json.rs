//! Customers and their addresses in Medusa's JSON shapes (`StoreCustomer`,
//! `StoreCustomerAddress`).

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::app::customers::{AddressFields, AddressRow, CustomerRow};

/// Medusa's `StoreCustomerAddress`: the saved fields with the address's id, owner and
/// dates.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreCustomerAddress {
    pub id: String,
    pub customer_id: String,
    #[serde(flatten)]
    pub fields: AddressFields,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub fn customer_address(a: &AddressRow) -> StoreCustomerAddress {
    StoreCustomerAddress {
        id: a.id.clone(),
        customer_id: a.customer_id.clone(),
        fields: a.fields.clone(),
        created_at: a.created_at,
        updated_at: a.updated_at,
    }
}

/// Medusa's `StoreCustomer`, with its addresses.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreCustomer {
    pub id: String,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company_name: Option<String>,
    pub phone: Option<String>,
    pub has_account: bool,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub addresses: Vec<StoreCustomerAddress>,
    pub default_shipping_address_id: Option<String>,
    pub default_billing_address_id: Option<String>,
}

pub fn customer(c: &CustomerRow) -> StoreCustomer {
    let default =
        |flag: fn(&AddressFields) -> bool| c.addresses.0.iter().find(|a| flag(&a.fields)).map(|a| a.id.clone());
    StoreCustomer {
        id: c.id.clone(),
        email: c.email.clone(),
        first_name: c.first_name.clone(),
        last_name: c.last_name.clone(),
        company_name: c.company_name.clone(),
        phone: c.phone.clone(),
        has_account: c.has_account,
        metadata: c.metadata.as_ref().map(|m| m.0.clone()),
        created_at: c.created_at,
        updated_at: c.updated_at,
        deleted_at: None,
        addresses: c.addresses.0.iter().map(customer_address).collect(),
        default_shipping_address_id: default(|a| a.is_default_shipping),
        default_billing_address_id: default(|a| a.is_default_billing),
    }
}
