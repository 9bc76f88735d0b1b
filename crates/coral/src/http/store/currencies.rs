//! `GET /store/currencies`, `GET /store/currencies/{code}` in Medusa's shape.

use axum::extract::Path;
use axum::Json;
use serde_json::{json, Value};

use crate::app::currencies;
use crate::core::Result;
use crate::db::currencies::{CurrencyFilter, CurrencyRow};
use crate::http::catalog_json::number;
use crate::http::extract::{QueryPairs, Store};
use crate::http::fields::selected;

fn currency_json(c: &CurrencyRow) -> Value {
    json!({
        "code": c.code, "name": c.name, "symbol": c.symbol, "symbol_native": c.symbol_native,
        "decimal_digits": c.decimal_digits, "rounding": number(c.rounding),
    })
}

/// Every currency (reference data, as Medusa lists its currency module's), by code.
#[utoipa::path(get, path = "/store/currencies", tag = "store",
    params(("limit" = Option<i64>, Query, description = "page size, default 50"),
           ("offset" = Option<i64>, Query, description = "items to skip"),
           ("q" = Option<String>, Query, description = "text in the code or name"),
           ("code" = Option<Vec<String>>, Query, description = "codes to keep (`code=eur&code=usd` or `code[]=`)")),
    responses((status = 200, description = "{ currencies, count, offset, limit }"),
              (status = 400, description = "missing or invalid publishable key, bad query")))]
pub async fn list(Store(ctx): Store, q: QueryPairs) -> Result<Json<Value>> {
    let (limit, offset) = q.page(50)?;
    let codes = q.list("code");
    let filter = CurrencyFilter {
        codes: (!codes.is_empty()).then(|| codes.iter().map(|c| c.to_ascii_lowercase()).collect()),
        q: q.get("q").filter(|s| !s.is_empty()).map(str::to_owned),
    };
    let (rows, count) = currencies::list(&ctx, &filter, limit, offset).await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|c| selected(currency_json(c), q.get("fields")))
        .collect();
    Ok(Json(
        json!({ "currencies": items, "count": count, "offset": offset, "limit": limit }),
    ))
}

#[utoipa::path(get, path = "/store/currencies/{code}", tag = "store",
    params(("code" = String, Path, description = "ISO 4217 code, e.g. eur")),
    responses((status = 200, description = "{ currency }"), (status = 404, description = "no such currency")))]
pub async fn get(Store(ctx): Store, Path(code): Path<String>, q: QueryPairs) -> Result<Json<Value>> {
    let c = currencies::get(&ctx, &code).await?;
    Ok(Json(
        json!({ "currency": selected(currency_json(&c), q.get("fields")) }),
    ))
}
