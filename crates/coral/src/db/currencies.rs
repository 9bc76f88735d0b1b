//! The global currency reference table (read-only to every tenant).

use rust_decimal::Decimal;

use crate::core::Result;
use crate::db::TenantTx;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CurrencyRow {
    pub code: String,
    pub name: String,
    pub symbol: String,
    pub symbol_native: String,
    pub decimal_digits: i32,
    pub rounding: Decimal,
}

/// Filters of a currency listing; `None` means no filter.
#[derive(Debug, Default)]
pub struct CurrencyFilter {
    /// Codes to keep (lowercase).
    pub codes: Option<Vec<String>>,
    /// Case-insensitive text in the code or the name.
    pub q: Option<String>,
}

/// One page of currencies by code, and the total matching.
pub async fn list(tx: &mut TenantTx, f: &CurrencyFilter, limit: i64, offset: i64) -> Result<(Vec<CurrencyRow>, i64)> {
    let pattern =
        f.q.as_ref()
            .map(|q| format!("%{}%", q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
    const WHERE: &str =
        "WHERE ($1::text[] IS NULL OR code = ANY($1)) AND ($2::text IS NULL OR code ILIKE $2 OR name ILIKE $2)";
    // names no tenant table: currencies are global
    let rows = sqlx::query_as(&format!(
        "SELECT code, name, symbol, symbol_native, decimal_digits, rounding FROM currencies {WHERE} \
         ORDER BY code LIMIT $3 OFFSET $4"
    ))
    .bind(&f.codes)
    .bind(&pattern)
    .bind(limit)
    .bind(offset)
    .fetch_all(tx.conn())
    .await?;
    // names no tenant table: currencies are global
    let count = sqlx::query_scalar(&format!("SELECT count(*) FROM currencies {WHERE}"))
        .bind(&f.codes)
        .bind(&pattern)
        .fetch_one(tx.conn())
        .await?;
    Ok((rows, count))
}
