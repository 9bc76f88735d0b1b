//! Payment collections, sessions and payments in Medusa's JSON shapes
//! (`StorePaymentCollection`; shared/medusa-store-api/checkout-*payment*.json).

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::app::checkout::payments::CollectionRow;
use crate::http::amounts::{Amount, RawAmount};

/// Medusa's `StorePaymentSession`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StorePaymentSession {
    pub id: String,
    pub currency_code: String,
    pub provider_id: String,
    /// What the provider needs client-side (free-form, per provider).
    #[schema(value_type = Object)]
    pub data: Value,
    #[schema(value_type = Object)]
    pub context: Value,
    pub status: String,
    pub authorized_at: Option<DateTime<Utc>>,
    pub payment_collection_id: String,
    #[schema(value_type = Option<Object>)]
    pub payment: Option<Value>,
    #[schema(value_type = Object)]
    pub metadata: Value,
    pub raw_amount: RawAmount,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub amount: Amount,
}

/// A payment of a collection (after authorisation).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StorePayment {
    pub id: String,
    pub amount: Amount,
    pub raw_amount: RawAmount,
    pub currency_code: String,
    pub provider_id: String,
    pub payment_collection_id: String,
    pub payment_session_id: String,
    #[schema(value_type = Object)]
    pub data: Value,
    pub captured_at: Option<DateTime<Utc>>,
    pub canceled_at: Option<DateTime<Utc>>,
    pub captured_amount: Amount,
    pub refunded_amount: Amount,
    pub created_at: DateTime<Utc>,
}

/// Medusa's `StorePaymentCollection`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StorePaymentCollection {
    pub id: String,
    pub currency_code: String,
    pub amount: Amount,
    pub raw_amount: RawAmount,
    pub status: String,
    pub completed_at: Option<DateTime<Utc>>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    pub authorized_amount: Amount,
    pub raw_authorized_amount: RawAmount,
    pub captured_amount: Amount,
    pub raw_captured_amount: RawAmount,
    pub refunded_amount: Amount,
    pub raw_refunded_amount: RawAmount,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub payment_sessions: Vec<StorePaymentSession>,
    pub payments: Vec<StorePayment>,
}

pub fn payment_collection(c: &CollectionRow) -> StorePaymentCollection {
    StorePaymentCollection {
        id: c.id.clone(),
        currency_code: c.currency_code.clone(),
        amount: Amount(c.amount),
        raw_amount: RawAmount::new(c.amount),
        status: c.status.clone(),
        completed_at: c.completed_at,
        metadata: None,
        authorized_amount: Amount(c.authorized_amount),
        raw_authorized_amount: RawAmount::new(c.authorized_amount),
        captured_amount: Amount(c.captured_amount),
        raw_captured_amount: RawAmount::new(c.captured_amount),
        refunded_amount: Amount(c.refunded_amount),
        raw_refunded_amount: RawAmount::new(c.refunded_amount),
        created_at: c.created_at,
        updated_at: c.updated_at,
        deleted_at: None,
        payment_sessions: c
            .sessions
            .0
            .iter()
            .map(|s| StorePaymentSession {
                id: s.id.clone(),
                currency_code: s.currency_code.clone(),
                provider_id: s.provider_id.clone(),
                data: s.data.clone(),
                context: s.context.clone(),
                status: s.status.clone(),
                authorized_at: s.authorized_at,
                payment_collection_id: c.id.clone(),
                payment: None,
                metadata: Value::Object(Default::default()),
                raw_amount: RawAmount::new(s.amount),
                created_at: s.created_at,
                updated_at: s.updated_at,
                deleted_at: None,
                amount: Amount(s.amount),
            })
            .collect(),
        payments: c
            .payments
            .0
            .iter()
            .map(|p| StorePayment {
                id: p.id.clone(),
                amount: Amount(p.amount),
                raw_amount: RawAmount::new(p.amount),
                currency_code: p.currency_code.clone(),
                provider_id: p.provider_id.clone(),
                payment_collection_id: c.id.clone(),
                payment_session_id: p.payment_session_id.clone(),
                data: p.data.clone(),
                captured_at: p.captured_at,
                canceled_at: p.canceled_at,
                captured_amount: Amount(p.captured_amount),
                refunded_amount: Amount(p.refunded_amount),
                created_at: p.created_at,
            })
            .collect(),
    }
}
