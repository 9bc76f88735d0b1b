//! `checkout`: Medusa v2's guest checkout, eight requests from an empty cart to an order,
//! repeated by every worker. Reported as completed flows/s plus each step's latency and
//! failures; a flow whose step fails counts as one error labelled `step:reason`.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Result;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde_json::{json, Value};

use crate::client::{query_escape, Conn, Failure, Reply};
use crate::report::RunResult;
use crate::runner;
use crate::scenarios::{finish, Ctx, Scenario};
use crate::setup::{self, Needs, Tenant};
use crate::stats::{Outcome, Recorder, Window};

const FLOW: &str = "flow";
const STEPS: [&str; 8] = [
    "1 create_cart",
    "2 add_line_item",
    "3 set_address",
    "4 shipping_options",
    "5 add_shipping",
    "6 payment_collection",
    "7 payment_session",
    "8 complete",
];

/// Medusa's built-in manual payment provider, present on every install.
const PAYMENT_PROVIDER: &str = "pp_system_default";

/// Why a flow stopped early.
enum Stop {
    /// A step failed; the label says which and how (`2 add_line_item:409`).
    Failed(String),
    /// The measured window ended mid-flow: abandon it uncounted.
    Late,
}

/// What a step's 2xx response must contain for the flow to go on.
enum Expect {
    /// Any JSON.
    Json,
    /// A string at this JSON pointer, which later steps use.
    Id(&'static str),
    /// `{"type": "order"}`: Medusa answers a failed completion with 200 and `type: "cart"`.
    Order,
}

pub struct Prepared {
    tenant: Arc<Tenant>,
}

/// Region (with its first country, for the address) and variants of the first key.
pub async fn prepare(ctx: &Ctx) -> Result<Prepared> {
    let key = &ctx.keys[0];
    let needs = Needs {
        variants: true,
        country: true,
        ..Needs::default()
    };
    let tenant = setup::load_tenant(&ctx.target, key, ctx.region.as_deref(), needs).await?;
    eprintln!(
        "checkout: key {} → region {} ({}), {} variants",
        setup::short_key(key),
        tenant.region_id,
        tenant.country.as_deref().unwrap_or("?"),
        tenant.variant_ids.len()
    );
    Ok(Prepared {
        tenant: Arc::new(tenant),
    })
}

/// One run at `concurrency`; with `promo`, every cart gets that code with its address
/// (and a flow whose cart does not show it applied fails).
pub async fn measure(ctx: &Ctx, prepared: &Prepared, concurrency: usize, promo: Option<&str>) -> Result<RunResult> {
    let measured = runner::run(concurrency, ctx.plan, ctx.probe.as_ref(), |_, window| {
        let flows = Flows {
            conn: Conn::new(ctx.target.clone(), ctx.timeout),
            tenant: prepared.tenant.clone(),
            recorder: Recorder::with_kinds(window, &kinds()),
            rng: StdRng::from_entropy(),
            promo: promo.map(str::to_owned),
        };
        flows.run(window)
    })
    .await?;
    let mut result = finish(ctx, Scenario::Checkout, concurrency, measured, Some(FLOW));
    if let Some(code) = promo {
        result.scenario = format!("{}+promo", result.scenario);
        result.note = Some(format!("promotion code {code} on every cart"));
    }
    Ok(result)
}

fn kinds() -> Vec<&'static str> {
    let mut kinds = vec![FLOW];
    kinds.extend(STEPS);
    kinds
}

/// One worker's state: its connection, tenant, statistics and randomness.
struct Flows {
    conn: Conn,
    tenant: Arc<Tenant>,
    recorder: Recorder,
    rng: StdRng,
    /// A promotion code to apply with the address.
    promo: Option<String>,
}

impl Flows {
    async fn run(mut self, window: Window) -> Recorder {
        while !window.is_over() {
            let started = Instant::now();
            match self.flow().await {
                Ok(()) => self.recorder.record(FLOW, started, started.elapsed(), Outcome::Ok),
                Err(Stop::Failed(why)) => self
                    .recorder
                    .record(FLOW, started, started.elapsed(), Outcome::Failed(&why)),
                Err(Stop::Late) => break,
            }
        }
        self.recorder.reconnects = self.conn.reconnects;
        self.recorder
    }

    async fn flow(&mut self) -> Result<(), Stop> {
        let tenant = self.tenant.clone();
        let cart_body = json!({ "region_id": tenant.region_id });
        let cart = self
            .step(0, "/store/carts", Some(cart_body), Expect::Id("/cart/id"))
            .await?;
        let cart_path = format!("/store/carts/{}", query_escape(&cart));

        let variant = tenant.variant_ids.choose(&mut self.rng).cloned().unwrap_or_default();
        let item = json!({ "variant_id": variant, "quantity": 1 });
        self.step(1, &format!("{cart_path}/line-items"), Some(item), Expect::Json)
            .await?;

        let mut address = json!({
            "email": "bench@example.com",
            "shipping_address": {
                "first_name": "Bench", "last_name": "User", "address_1": "1 Rue de Test",
                "city": "Paris", "country_code": tenant.country, "postal_code": "75001",
            },
        });
        let expect = match &self.promo {
            Some(code) => {
                address["promo_codes"] = json!([code]);
                Expect::Id("/cart/promotions/0/code")
            }
            None => Expect::Json,
        };
        self.step(2, &cart_path, Some(address), expect).await?;

        let options_path = format!("/store/shipping-options?cart_id={}", query_escape(&cart));
        let option = self
            .step(3, &options_path, None, Expect::Id("/shipping_options/0/id"))
            .await?;
        let shipping = json!({ "option_id": option });
        self.step(
            4,
            &format!("{cart_path}/shipping-methods"),
            Some(shipping),
            Expect::Json,
        )
        .await?;

        let collection_body = json!({ "cart_id": cart });
        let collection_id = Expect::Id("/payment_collection/id");
        let collection = self
            .step(5, "/store/payment-collections", Some(collection_body), collection_id)
            .await?;
        let session_path = format!(
            "/store/payment-collections/{}/payment-sessions",
            query_escape(&collection)
        );
        let session = json!({ "provider_id": PAYMENT_PROVIDER });
        self.step(6, &session_path, Some(session), Expect::Json).await?;

        self.step(7, &format!("{cart_path}/complete"), None, Expect::Order)
            .await?;
        Ok(())
    }

    /// Sends step `index` (a GET when it has no body, except completion, a bodiless POST),
    /// records it, and returns the id `expect` asks for (empty otherwise).
    async fn step(&mut self, index: usize, path: &str, body: Option<Value>, expect: Expect) -> Result<String, Stop> {
        if self.recorder.window().is_over() {
            return Err(Stop::Late);
        }
        let name = STEPS[index];
        let key = &self.tenant.key;
        let started = Instant::now();
        let result = match (&body, index) {
            (Some(body), _) => self.conn.post(path, key, body).await,
            (None, 7) => self.conn.post_empty(path, key).await,
            (None, _) => self.conn.get(path, key).await,
        };
        let latency = started.elapsed();
        let checked = check(&result, &expect);
        let outcome = match &checked {
            Ok(_) => Outcome::Ok,
            Err(label) => match Outcome::of(&result) {
                Outcome::Ok => Outcome::Failed(label),
                other => other,
            },
        };
        self.recorder.record(name, started, latency, outcome);
        checked.map_err(|label| Stop::Failed(format!("{name}:{label}")))
    }
}

/// The id `expect` asks for from a reply, or the label of what was wrong with it.
fn check(result: &Result<Reply, Failure>, expect: &Expect) -> Result<String, String> {
    let reply = match result {
        Ok(reply) if reply.is_success() => reply,
        Ok(reply) => return Err(reply.status.to_string()),
        Err(failure) => return Err(failure.kind.to_owned()),
    };
    let Some(body) = reply.json() else {
        return Err("bad_body".into());
    };
    match expect {
        Expect::Json => Ok(String::new()),
        Expect::Id(pointer) => match body.pointer(pointer).and_then(Value::as_str) {
            Some(id) => Ok(id.to_owned()),
            None => Err(format!("no{}", pointer.replace('/', "_"))),
        },
        Expect::Order if body["type"] == "order" => Ok(String::new()),
        Expect::Order => Err("not_order".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn reply(status: u16, body: &str) -> Result<Reply, Failure> {
        Ok(Reply {
            status,
            body: Bytes::from(body.to_owned()),
        })
    }

    #[test]
    fn checks() {
        let cart = reply(200, r#"{"cart":{"id":"cart_1"}}"#);
        assert_eq!(check(&cart, &Expect::Id("/cart/id")), Ok("cart_1".into()));
        let options = reply(200, r#"{"shipping_options":[]}"#);
        assert_eq!(
            check(&options, &Expect::Id("/shipping_options/0/id")),
            Err("no_shipping_options_0_id".into())
        );
        assert_eq!(
            check(&reply(200, r#"{"type":"order"}"#), &Expect::Order),
            Ok(String::new())
        );
        assert_eq!(
            check(&reply(200, r#"{"type":"cart"}"#), &Expect::Order),
            Err("not_order".into())
        );
        assert_eq!(check(&reply(409, "{}"), &Expect::Json), Err("409".into()));
        assert_eq!(check(&reply(200, "<html>"), &Expect::Json), Err("bad_body".into()));
    }
}
