//! Payment providers: `pp_system_default` (authorises at once, as Medusa's) and
//! `pp_nmi_nmi` (NMI Direct Post, with the tenant's own security key or the platform's).

use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::adapters::nmi::{self, Answer};
use crate::app::{secrets, Services};
use crate::core::{Error, Result};
use crate::tenancy::TenantCtx;

pub const SYSTEM: &str = "pp_system_default";
pub const NMI: &str = "pp_nmi_nmi";
pub const ALL: &[&str] = &[SYSTEM, NMI];

/// An amount in a currency with `digits` minor digits.
#[derive(Debug, Clone, Copy)]
pub struct Money<'a> {
    pub amount: Decimal,
    pub currency: &'a str,
    pub digits: u32,
}

pub fn check_known(provider_id: &str) -> Result<()> {
    if ALL.contains(&provider_id) {
        Ok(())
    } else {
        Err(Error::not_found(format!(
            "Payment provider with id: {provider_id} was not found"
        )))
    }
}

/// Whether this tenant can take NMI payments (its own key, or the platform's).
pub async fn nmi_configured(app: &Services, ctx: &TenantCtx) -> Result<bool> {
    if app.config.payments.nmi_security_key.is_some() {
        return Ok(true);
    }
    Ok(secrets::list(ctx)
        .await?
        .iter()
        .any(|(n, at)| *n == "nmi_security_key" && at.is_some()))
}

async fn nmi_key(app: &Services, ctx: &TenantCtx) -> Result<String> {
    if let Some(key) = secrets::reveal(&app.sealer, ctx, "nmi_security_key").await? {
        return Ok(key);
    }
    app.config
        .payments
        .nmi_security_key
        .clone()
        .ok_or_else(|| Error::invalid("The NMI payment provider is not configured for this store"))
}

fn answer(a: Answer) -> std::result::Result<Value, String> {
    match a {
        Answer::Approved { transaction_id } => Ok(json!({ "transaction_id": transaction_id })),
        Answer::Declined { reason } => Err(reason),
    }
}

/// Authorises `money` with the session's provider. `Ok(Err(reason))` is a decline; the
/// `Value` is the provider's reference, kept on the payment.
pub async fn authorize(
    app: &Services,
    ctx: &TenantCtx,
    provider_id: &str,
    money: Money<'_>,
    session_data: &Value,
    order_ref: &str,
) -> Result<std::result::Result<Value, String>> {
    match provider_id {
        SYSTEM => Ok(Ok(json!({}))),
        NMI => {
            let Some(token) = session_data.get("payment_token").and_then(Value::as_str) else {
                return Ok(Err("A payment_token is required to pay with NMI".into()));
            };
            let key = nmi_key(app, ctx).await?;
            let fields = [
                ("amount", nmi::amount(money.amount, money.digits)),
                ("currency", money.currency.to_ascii_uppercase()),
                ("payment_token", token.to_owned()),
                ("orderid", order_ref.to_owned()),
            ];
            Ok(answer(app.nmi.call(&key, "auth", &fields).await?))
        }
        other => Err(Error::invalid(format!("Unknown payment provider {other}"))),
    }
}

/// Captures, refunds or voids an authorised payment (`kind`: capture, refund, void).
pub async fn follow_up(
    app: &Services,
    ctx: &TenantCtx,
    provider_id: &str,
    kind: &str,
    payment_data: &Value,
    money: Option<Money<'_>>,
) -> Result<()> {
    if provider_id != NMI {
        return Ok(());
    }
    let transaction = payment_data
        .get("transaction_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let mut fields = vec![("transactionid", transaction)];
    if let Some(m) = money {
        fields.push(("amount", nmi::amount(m.amount, m.digits)));
    }
    let key = nmi_key(app, ctx).await?;
    answer(app.nmi.call(&key, kind, &fields).await?)
        .map(|_| ())
        .map_err(|reason| Error::invalid(format!("The payment gateway refused the {kind}: {reason}")))
}
