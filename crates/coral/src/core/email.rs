//! Email templates: minijinja, with HTML autoescaped in the `html` part, execution
//! bounded by fuel, and every template checked by rendering it against a sample order
//! when it is saved. A stored template that still fails at send time (a huge order
//! running out of fuel) falls back to the platform default: a send never fails on a
//! template.

use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;
use serde_json::{json, Value};

/// Templates a store may override, each a platform default below.
pub const TEMPLATE_NAMES: &[&str] = &["order_confirmation"];

/// Longest part, in bytes.
pub const MAX_PART: usize = 64 * 1024;

/// Instruction budget of one render (loops cannot run away).
const FUEL: u64 = 200_000;

/// One email's parts, as templates or rendered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Parts {
    pub subject: String,
    pub html: String,
    pub text: String,
}

/// The platform's template `name`, if there is one.
pub fn default_template(name: &str) -> Option<Parts> {
    match name {
        "order_confirmation" => Some(Parts {
            subject: "Your {{ store.name }} order #{{ order.display_id }}".into(),
            html: DEFAULT_ORDER_HTML.into(),
            text: DEFAULT_ORDER_TEXT.into(),
        }),
        _ => None,
    }
}

const DEFAULT_ORDER_HTML: &str = r#"<!doctype html>
<html><body style="font-family: sans-serif">
<h1>Thank you for your order</h1>
<p>Your order <strong>#{{ order.display_id }}</strong> at {{ store.name }} is confirmed.</p>
<table>
{% for item in order.items %}<tr><td>{{ item.quantity }} × {{ item.title }}</td><td>{{ item.unit_price }} {{ order.currency_code | upper }}</td></tr>
{% endfor %}</table>
<p>Total: <strong>{{ order.total }} {{ order.currency_code | upper }}</strong></p>
</body></html>
"#;

const DEFAULT_ORDER_TEXT: &str = "Thank you for your order\n\n\
Your order #{{ order.display_id }} at {{ store.name }} is confirmed.\n\n\
{% for item in order.items %}{{ item.quantity }} x {{ item.title }}  {{ item.unit_price }} {{ order.currency_code | upper }}\n{% endfor %}\n\
Total: {{ order.total }} {{ order.currency_code | upper }}\n";

/// A sample context for previews and for checking templates at save time.
pub fn sample_context(store_name: &str) -> Value {
    json!({
        "store": { "name": store_name },
        "order": {
            "id": "order_01SAMPLE", "display_id": 1001, "email": "customer@example.com",
            "currency_code": "eur", "total": "59.90",
            "items": [
                { "title": "Medusa T-Shirt", "variant_title": "L", "quantity": 2, "unit_price": "19.95" },
                { "title": "Medusa Sweatpants", "variant_title": "M", "quantity": 1, "unit_price": "20.00" },
            ],
        },
    })
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_fuel(Some(FUEL));
    env.set_undefined_behavior(UndefinedBehavior::Lenient);
    // Only the html part escapes: a subject or text part is not markup.
    env.set_auto_escape_callback(|name| {
        if name == "html" {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env
}

fn render_one(env: &Environment<'_>, part: &str, source: &str, ctx: &Value) -> Result<String, String> {
    env.render_named_str(part, source, ctx)
        .map_err(|e| format!("{part}: {}", describe(&e)))
}

fn describe(e: &minijinja::Error) -> String {
    let mut out = e.to_string();
    if let Some(detail) = e.detail() {
        if !out.contains(detail) {
            out.push_str(": ");
            out.push_str(detail);
        }
    }
    out
}

/// Renders `parts` with `ctx`; the subject is one line.
pub fn render(parts: &Parts, ctx: &Value) -> Result<Parts, String> {
    let env = environment();
    let subject = render_one(&env, "subject", &parts.subject, ctx)?;
    Ok(Parts {
        subject: subject.split_whitespace().collect::<Vec<_>>().join(" "),
        html: render_one(&env, "html", &parts.html, ctx)?,
        text: render_one(&env, "text", &parts.text, ctx)?,
    })
}

/// Checks a template before it is stored: sizes, a subject, and a render against the
/// sample order (syntax errors, unknown filters, runaway loops). The message says which
/// part failed and why.
pub fn check(parts: &Parts) -> Result<(), String> {
    for (name, part) in [
        ("subject", &parts.subject),
        ("html", &parts.html),
        ("text", &parts.text),
    ] {
        if part.len() > MAX_PART {
            return Err(format!("{name} must be at most {MAX_PART} bytes"));
        }
    }
    if parts.subject.trim().is_empty() {
        return Err("subject must not be empty".into());
    }
    let out = render(parts, &sample_context("Sample Store"))?;
    if out.subject.is_empty() {
        return Err("subject renders empty".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_renders_and_escapes_html_only() {
        let parts = default_template("order_confirmation").unwrap();
        let mut ctx = sample_context("<b>Shop</b> & Co");
        ctx["order"]["items"][0]["title"] = json!("<script>x</script>");
        let out = render(&parts, &ctx).unwrap();
        assert!(out.html.contains("&lt;script&gt;"), "{}", out.html);
        assert!(!out.html.contains("<script>"));
        assert!(out.text.contains("<script>x</script>"));
        assert_eq!(out.subject, "Your <b>Shop</b> & Co order #1001");
    }

    #[test]
    fn broken_or_runaway_templates_are_refused() {
        let mut parts = default_template("order_confirmation").unwrap();
        parts.html = "{% for x in order.items %}".into();
        assert!(check(&parts).unwrap_err().starts_with("html:"));
        parts.html = "{{ 1 | no_such_filter }}".into();
        assert!(check(&parts).is_err());
        parts.html = "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}".into();
        assert!(check(&parts).is_err());
    }
}
