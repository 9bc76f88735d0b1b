//! NMI's Direct Post API: a form-encoded POST of `security_key`, `type` (auth, sale,
//! capture, void, refund), `amount` and the payment fields; the answer is form-encoded
//! too, with `response` (1 approved, 2 declined, 3 error), `responsetext` and
//! `transactionid`. The security key goes only into the request body: never into a log
//! line, an error or a response.

use std::collections::HashMap;
use std::time::Duration;

use rust_decimal::Decimal;

use crate::core::{Error, Result};

pub struct Nmi {
    http: reqwest::Client,
    url: String,
}

/// What the gateway said.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Approved { transaction_id: String },
    Declined { reason: String },
}

impl Nmi {
    pub fn new(url: &str) -> Self {
        Self {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("a client with a timeout builds"),
            url: url.to_owned(),
        }
    }

    /// One Direct Post call. `fields` are the call's own fields (amount, token, ids).
    pub async fn call(&self, security_key: &str, kind: &str, fields: &[(&str, String)]) -> Result<Answer> {
        let mut form: Vec<(&str, &str)> = vec![("security_key", security_key), ("type", kind)];
        form.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
        let unavailable = |what: &str| {
            // Deliberately without the request (it holds the key): only what failed.
            tracing::warn!(kind, "NMI gateway {what}");
            Error::Unavailable("The payment gateway is unavailable, try again".into())
        };
        let response = self
            .http
            .post(&self.url)
            .form(&form)
            .send()
            .await
            .map_err(|_| unavailable("unreachable"))?;
        if !response.status().is_success() {
            return Err(unavailable("answered with an HTTP error"));
        }
        let body = response.text().await.map_err(|_| unavailable("answer unreadable"))?;
        let answer: HashMap<String, String> =
            serde_urlencoded::from_str(&body).map_err(|_| unavailable("answer malformed"))?;
        let get = |k: &str| answer.get(k).cloned().unwrap_or_default();
        match get("response").as_str() {
            "1" => Ok(Answer::Approved {
                transaction_id: get("transactionid"),
            }),
            "2" | "3" => Ok(Answer::Declined {
                reason: match get("responsetext") {
                    t if t.is_empty() => "The payment was declined".into(),
                    t => t,
                },
            }),
            _ => Err(unavailable("answer without a response code")),
        }
    }
}

/// NMI wants amounts as plain decimals with the currency's minor digits.
pub fn amount(a: Decimal, decimal_digits: u32) -> String {
    format!("{:.*}", decimal_digits as usize, a.round_dp(decimal_digits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_have_the_currency_digits() {
        assert_eq!(amount("30.99".parse().unwrap(), 2), "30.99");
        assert_eq!(amount("10".parse().unwrap(), 2), "10.00");
        assert_eq!(amount("1250".parse().unwrap(), 0), "1250");
    }
}
