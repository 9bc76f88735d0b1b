//! Currencies as the storefront reads them: the global reference table, as Medusa's
//! `/store/currencies` lists every currency of its currency module.

use crate::core::{Error, Result};
use crate::db::currencies;
use crate::tenancy::TenantCtx;

/// Currencies as the storefront reads them, and the list filter.
pub use crate::db::currencies::{CurrencyFilter, CurrencyRow};

pub async fn list(ctx: &TenantCtx, f: &CurrencyFilter, limit: i64, offset: i64) -> Result<(Vec<CurrencyRow>, i64)> {
    let mut tx = ctx.db.begin().await?;
    let page = currencies::list(&mut tx, f, limit, offset).await?;
    tx.commit().await?;
    Ok(page)
}

pub async fn get(ctx: &TenantCtx, code: &str) -> Result<CurrencyRow> {
    let filter = CurrencyFilter {
        codes: Some(vec![code.to_ascii_lowercase()]),
        q: None,
    };
    list(ctx, &filter, 1, 0)
        .await?
        .0
        .pop()
        .ok_or_else(|| Error::not_found(format!("Currency with code: {code} was not found")))
}
