//! Payment collections (one per cart), their sessions (one live per collection) and the
//! payments that authorised sessions become.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value;
use sqlx::types::Json;

use crate::core::ids::new_id;
use crate::core::Result;
use crate::db::TenantTx;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CollectionRow {
    pub id: String,
    pub cart_id: String,
    pub currency_code: String,
    pub amount: Decimal,
    pub status: String,
    pub authorized_amount: Decimal,
    pub captured_amount: Decimal,
    pub refunded_amount: Decimal,
    pub completed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub sessions: Json<Vec<SessionRow>>,
    pub payments: Json<Vec<PaymentRow>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SessionRow {
    pub id: String,
    pub provider_id: String,
    pub currency_code: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    pub status: String,
    pub data: Value,
    pub context: Value,
    pub authorized_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PaymentRow {
    pub id: String,
    pub payment_session_id: String,
    pub provider_id: String,
    pub currency_code: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub captured_amount: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub refunded_amount: Decimal,
    pub data: Value,
    pub captured_at: Option<DateTime<Utc>>,
    pub canceled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT pc.id, pc.cart_id, pc.currency_code, pc.amount, pc.status, pc.authorized_amount, \
    pc.captured_amount, pc.refunded_amount, pc.completed_at, pc.created_at, pc.updated_at, \
    coalesce((SELECT json_agg(json_build_object('id', s.id, 'provider_id', s.provider_id, \
        'currency_code', s.currency_code, 'amount', s.amount::text, 'status', s.status, 'data', s.data, \
        'context', s.context, 'authorized_at', s.authorized_at, 'created_at', s.created_at, \
        'updated_at', s.updated_at) ORDER BY s.created_at, s.id) \
        FROM payment_sessions s WHERE s.tenant_id = $1 AND s.payment_collection_id = pc.id), '[]') AS sessions, \
    coalesce((SELECT json_agg(json_build_object('id', p.id, 'payment_session_id', p.payment_session_id, \
        'provider_id', p.provider_id, 'currency_code', p.currency_code, 'amount', p.amount::text, \
        'captured_amount', p.captured_amount::text, 'refunded_amount', p.refunded_amount::text, 'data', p.data, \
        'captured_at', p.captured_at, 'canceled_at', p.canceled_at, 'created_at', p.created_at) \
        ORDER BY p.created_at, p.id) \
        FROM payments p WHERE p.tenant_id = $1 AND p.payment_collection_id = pc.id), '[]') AS payments \
    FROM payment_collections pc WHERE pc.tenant_id = $1";

pub async fn get(tx: &mut TenantTx, id: &str) -> Result<Option<CollectionRow>> {
    Ok(tx
        .query_as(&format!("{SELECT} AND pc.id = $2"))
        .bind(id)
        .fetch_optional(tx.conn())
        .await?)
}

pub async fn for_cart(tx: &mut TenantTx, cart_id: &str) -> Result<Option<CollectionRow>> {
    Ok(tx
        .query_as(&format!("{SELECT} AND pc.cart_id = $2"))
        .bind(cart_id)
        .fetch_optional(tx.conn())
        .await?)
}

/// The collection's cart id, locking nothing; `None` when there is no such collection.
pub async fn cart_of(tx: &mut TenantTx, id: &str) -> Result<Option<String>> {
    Ok(tx
        .query_scalar("SELECT cart_id FROM payment_collections WHERE tenant_id = $1 AND id = $2")
        .bind(id)
        .fetch_optional(tx.conn())
        .await?)
}

pub async fn insert(tx: &mut TenantTx, cart_id: &str, currency: &str, amount: Decimal) -> Result<String> {
    let id = new_id("pay_col");
    tx.query(
        "INSERT INTO payment_collections (tenant_id, id, cart_id, currency_code, amount) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(cart_id)
    .bind(currency)
    .bind(amount)
    .execute(tx.conn())
    .await?;
    Ok(id)
}

pub async fn set_amount(tx: &mut TenantTx, id: &str, currency: &str, amount: Decimal) -> Result<()> {
    tx.query(
        "UPDATE payment_collections SET amount = $3, currency_code = $4, updated_at = now() \
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(id)
    .bind(amount)
    .bind(currency)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Replaces the collection's sessions with one new pending session (Medusa keeps one).
pub async fn replace_session(
    tx: &mut TenantTx,
    collection_id: &str,
    provider_id: &str,
    currency: &str,
    amount: Decimal,
    data: &Value,
) -> Result<()> {
    tx.query(
        "DELETE FROM payment_sessions s WHERE s.tenant_id = $1 AND s.payment_collection_id = $2 \
         AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.tenant_id = $1 AND p.payment_session_id = s.id)",
    )
    .bind(collection_id)
    .execute(tx.conn())
    .await?;
    tx.query(
        "INSERT INTO payment_sessions (tenant_id, id, payment_collection_id, provider_id, currency_code, amount, data) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id("payses"))
    .bind(collection_id)
    .bind(provider_id)
    .bind(currency)
    .bind(amount)
    .bind(Json(data))
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn set_session_status(tx: &mut TenantTx, session_id: &str, status: &str) -> Result<()> {
    tx.query(
        "UPDATE payment_sessions SET status = $3, updated_at = now(), \
         authorized_at = CASE WHEN $3 = 'authorized' THEN $4 ELSE authorized_at END \
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(session_id)
    .bind(status)
    // The time is bound: Citus refuses a non-immutable function (now()) inside CASE.
    .bind(chrono::Utc::now())
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub struct NewPayment<'a> {
    pub collection_id: &'a str,
    pub session_id: &'a str,
    pub provider_id: &'a str,
    pub currency: &'a str,
    pub amount: Decimal,
    pub data: Value,
}

pub async fn insert_payment(tx: &mut TenantTx, p: NewPayment<'_>) -> Result<String> {
    let id = new_id("pay");
    tx.query(
        "INSERT INTO payments (tenant_id, id, payment_collection_id, payment_session_id, provider_id, currency_code, \
         amount, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(p.collection_id)
    .bind(p.session_id)
    .bind(p.provider_id)
    .bind(p.currency)
    .bind(p.amount)
    .bind(Json(p.data))
    .execute(tx.conn())
    .await?;
    Ok(id)
}

/// Records a capture or refund on a payment and recomputes its collection's totals.
pub async fn record(
    tx: &mut TenantTx,
    payment_id: &str,
    captured: Decimal,
    refunded: Decimal,
    canceled: bool,
) -> Result<()> {
    let now = chrono::Utc::now();
    tx.query(
        "UPDATE payments SET captured_amount = captured_amount + $3, refunded_amount = refunded_amount + $4, \
         captured_at = CASE WHEN $3 > 0 THEN $6 ELSE captured_at END, \
         canceled_at = CASE WHEN $5 THEN $6 ELSE canceled_at END, updated_at = now() \
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(payment_id)
    .bind(captured)
    .bind(refunded)
    .bind(canceled)
    // The time is bound: Citus refuses a non-immutable function (now()) inside CASE.
    .bind(now)
    .execute(tx.conn())
    .await?;
    tx.query(
        "UPDATE payment_collections pc SET \
           authorized_amount = t.authorized, captured_amount = t.captured, refunded_amount = t.refunded, \
           status = CASE WHEN t.authorized = 0 THEN 'canceled' \
                         WHEN t.captured >= pc.amount THEN 'completed' \
                         WHEN t.captured > 0 THEN 'partially_captured' ELSE 'authorized' END, \
           completed_at = CASE WHEN t.captured >= pc.amount THEN coalesce(pc.completed_at, $3) END, \
           updated_at = now() \
         FROM (SELECT p.payment_collection_id, \
                 coalesce(sum(p.amount) FILTER (WHERE p.canceled_at IS NULL), 0) AS authorized, \
                 coalesce(sum(p.captured_amount), 0) AS captured, coalesce(sum(p.refunded_amount), 0) AS refunded \
               FROM payments p WHERE p.tenant_id = $1 \
                 AND p.payment_collection_id = (SELECT payment_collection_id FROM payments WHERE tenant_id = $1 AND id = $2) \
               GROUP BY p.payment_collection_id) t \
         WHERE pc.tenant_id = $1 AND pc.id = t.payment_collection_id",
    )
    .bind(payment_id)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Marks the collection authorised for `amount` (at cart completion).
pub async fn authorize_collection(tx: &mut TenantTx, id: &str, currency: &str, amount: Decimal) -> Result<()> {
    tx.query(
        "UPDATE payment_collections SET status = 'authorized', amount = $3, authorized_amount = $3, \
         currency_code = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2",
    )
    .bind(id)
    .bind(amount)
    .bind(currency)
    .execute(tx.conn())
    .await?;
    Ok(())
}
