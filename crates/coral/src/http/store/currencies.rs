//! `GET /store/currencies`, `GET /store/currencies/{code}` in Medusa's shape.

use serde::Serialize;
use utoipa::ToSchema;

use crate::app::currencies::{self, CurrencyFilter, CurrencyRow};
use crate::core::Result;
use crate::http::amounts::Amount;
use crate::http::error::ErrorBody;
use crate::http::extract::{Path, QueryPairs, Store};
use crate::http::fields::Selected;

/// Medusa's `StoreCurrency`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreCurrency {
    /// ISO 4217, lowercase (`eur`).
    pub code: String,
    pub name: String,
    pub symbol: String,
    pub symbol_native: String,
    pub decimal_digits: i32,
    pub rounding: Amount,
}

fn currency_json(c: &CurrencyRow) -> StoreCurrency {
    StoreCurrency {
        code: c.code.clone(),
        name: c.name.clone(),
        symbol: c.symbol.clone(),
        symbol_native: c.symbol_native.clone(),
        decimal_digits: c.decimal_digits,
        rounding: Amount(c.rounding),
    }
}

/// Medusa's `StoreCurrencyListResponse`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreCurrencyListResponse {
    pub currencies: Vec<StoreCurrency>,
    pub count: i64,
    pub offset: i64,
    pub limit: i64,
}

/// Medusa's `StoreCurrencyResponse`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreCurrencyResponse {
    pub currency: StoreCurrency,
}

/// Every currency (reference data, as Medusa lists its currency module's), by code.
#[utoipa::path(get, path = "/store/currencies", tag = "store",
    params(("limit" = Option<i64>, Query, description = "page size, default 50"),
           ("offset" = Option<i64>, Query, description = "items to skip"),
           ("q" = Option<String>, Query, description = "text in the code or name"),
           ("code" = Option<Vec<String>>, Query, description = "codes to keep (`code=eur&code=usd` or `code[]=`)"),
           ("fields" = Option<String>, Query, description = "Medusa's field selection")),
    responses((status = 200, description = "A page of currencies", body = StoreCurrencyListResponse),
              (status = 400, description = "bad limit or offset", body = ErrorBody)))]
pub async fn list(Store(ctx): Store, q: QueryPairs) -> Result<Selected<StoreCurrencyListResponse>> {
    let (limit, offset) = q.page(50)?;
    let codes = q.list("code");
    let filter = CurrencyFilter {
        codes: (!codes.is_empty()).then(|| codes.iter().map(|c| c.to_ascii_lowercase()).collect()),
        q: q.get("q").filter(|s| !s.is_empty()).map(str::to_owned),
    };
    let (rows, count) = currencies::list(&ctx, &filter, limit, offset).await?;
    let body = StoreCurrencyListResponse {
        currencies: rows.iter().map(currency_json).collect(),
        count,
        offset,
        limit,
    };
    Ok(Selected::new(&body, "currencies", q.get("fields")))
}

#[utoipa::path(get, path = "/store/currencies/{code}", tag = "store",
    params(("code" = String, Path, description = "ISO 4217 code, e.g. eur"),
           ("fields" = Option<String>, Query, description = "Medusa's field selection")),
    responses((status = 200, description = "The currency", body = StoreCurrencyResponse),
              (status = 404, description = "no such currency", body = ErrorBody)))]
pub async fn get(
    Store(ctx): Store,
    Path(code): Path<String>,
    q: QueryPairs,
) -> Result<Selected<StoreCurrencyResponse>> {
    let currency = currency_json(&currencies::get(&ctx, &code).await?);
    Ok(Selected::new(
        &StoreCurrencyResponse { currency },
        "currency",
        q.get("fields"),
    ))
}
