//! Promotion rules: which attributes they may name, and how an operator compares what a
//! cart or line has with the rule's values. Pure functions.

use rust_decimal::Decimal;
use serde_json::Value;

use crate::core::{Error, Result};
use crate::db::promotions::Rule;

/// The operators Medusa's promotion rules use.
pub const OPERATORS: [&str; 7] = ["in", "eq", "ne", "gt", "gte", "lt", "lte"];

/// What a line item offers to rules (copied from the catalog when it was added).
#[derive(Debug, Clone, Copy)]
pub struct ItemFacts<'a> {
    pub id: &'a str,
    pub variant_id: &'a str,
    pub product_id: &'a str,
    /// The item's copy of its product (`collection_id`, `type_id`, `category_ids`, `tag_ids`).
    pub product: &'a Value,
    pub unit_price: Decimal,
    pub quantity: i64,
}

/// What a shipping method offers to rules.
#[derive(Debug, Clone, Copy)]
pub struct ShippingFacts<'a> {
    pub id: &'a str,
    pub shipping_option_id: &'a str,
    pub amount: Decimal,
}

/// The cart-level attributes.
#[derive(Debug, Clone, Default)]
pub struct CartFacts {
    pub region_id: String,
    pub currency_code: String,
    pub sales_channel_id: String,
    pub customer_id: Option<String>,
    pub customer_group_ids: Vec<String>,
}

/// Which kind of thing an attribute describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Cart,
    Item,
    Shipping,
}

/// The attribute's canonical name and kind; `items.`/`shipping_methods.` prefixes and
/// Medusa's aliases are accepted.
fn canonical(attribute: &str) -> Option<(Kind, &'static str)> {
    let a = attribute.strip_prefix("items.").unwrap_or(attribute);
    Some(match a {
        "region_id" | "region.id" => (Kind::Cart, "region_id"),
        "currency_code" => (Kind::Cart, "currency_code"),
        "sales_channel_id" | "sales_channel.id" => (Kind::Cart, "sales_channel_id"),
        "customer_id" | "customer.id" => (Kind::Cart, "customer_id"),
        "customer.groups.id" | "customer_group_id" | "customer.group_id" => (Kind::Cart, "customer_group_id"),
        "product.id" | "product_id" => (Kind::Item, "product_id"),
        "variant.id" | "variant_id" => (Kind::Item, "variant_id"),
        "product.collection_id" | "product.collection.id" | "collection_id" => (Kind::Item, "collection_id"),
        "product.categories.id" | "categories.id" | "category_id" => (Kind::Item, "category_id"),
        "product.type_id" | "product.type.id" | "type_id" => (Kind::Item, "type_id"),
        "product.tags.id" | "tags.id" | "tag_id" => (Kind::Item, "tag_id"),
        "shipping_methods.shipping_option.id" | "shipping_methods.shipping_option_id" | "shipping_option_id" => {
            (Kind::Shipping, "shipping_option_id")
        }
        _ => return None,
    })
}

/// Checks a rule from a request: a known attribute, a known operator, at least one value,
/// one value for the comparisons.
pub fn validate(rule: &Rule) -> Result<()> {
    if canonical(&rule.attribute).is_none() {
        return Err(Error::invalid(format!(
            "Invalid rule attribute '{}': use product, collection, category, type, tag, variant, region, \
             currency, sales channel or customer group (e.g. items.product.id, customer.groups.id)",
            rule.attribute
        )));
    }
    if !OPERATORS.contains(&rule.operator.as_str()) {
        return Err(Error::invalid(format!(
            "Invalid rule operator '{}': use one of {}",
            rule.operator,
            OPERATORS.join(", ")
        )));
    }
    if rule.values.is_empty() {
        return Err(Error::invalid(format!("Rule on '{}' has no values", rule.attribute)));
    }
    if !matches!(rule.operator.as_str(), "in" | "ne") && rule.values.len() != 1 {
        return Err(Error::invalid(format!(
            "Operator '{}' takes exactly one value",
            rule.operator
        )));
    }
    Ok(())
}

/// Whether `have` (the values a cart or line has for the attribute) satisfies the rule.
fn compare(operator: &str, have: &[String], want: &[String]) -> bool {
    let any_equal = have.iter().any(|h| want.contains(h));
    match operator {
        "in" | "eq" => any_equal,
        "ne" => !any_equal,
        op => {
            let Some(bound) = want.first().and_then(|w| w.parse::<Decimal>().ok()) else {
                return false;
            };
            have.iter().filter_map(|h| h.parse::<Decimal>().ok()).any(|v| match op {
                "gt" => v > bound,
                "gte" => v >= bound,
                "lt" => v < bound,
                "lte" => v <= bound,
                _ => false,
            })
        }
    }
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect(),
        _ => Vec::new(),
    }
}

fn cart_values(name: &str, cart: &CartFacts) -> Vec<String> {
    match name {
        "region_id" => vec![cart.region_id.clone()],
        "currency_code" => vec![cart.currency_code.clone()],
        "sales_channel_id" => vec![cart.sales_channel_id.clone()],
        "customer_id" => cart.customer_id.iter().cloned().collect(),
        "customer_group_id" => cart.customer_group_ids.clone(),
        _ => Vec::new(),
    }
}

fn item_values(name: &str, item: &ItemFacts) -> Vec<String> {
    let p = item.product;
    match name {
        "product_id" => vec![item.product_id.to_owned()],
        "variant_id" => vec![item.variant_id.to_owned()],
        "collection_id" => strings(&p["collection_id"]),
        "category_id" => strings(&p["category_ids"]),
        "type_id" => strings(&p["type_id"]),
        "tag_id" => strings(&p["tag_ids"]),
        _ => Vec::new(),
    }
}

/// Whether an item meets every rule (rules naming other kinds are ignored here).
pub fn item_matches(rules: &[Rule], item: &ItemFacts) -> bool {
    rules.iter().all(|r| match canonical(&r.attribute) {
        Some((Kind::Item, name)) => compare(&r.operator, &item_values(name, item), &r.values),
        _ => true,
    })
}

/// Whether a shipping method meets every rule naming shipping methods.
pub fn shipping_matches(rules: &[Rule], method: &ShippingFacts) -> bool {
    rules.iter().all(|r| match canonical(&r.attribute) {
        Some((Kind::Shipping, "shipping_option_id")) => {
            compare(&r.operator, &[method.shipping_option_id.to_owned()], &r.values)
        }
        _ => true,
    })
}

/// Whether a promotion's own rules hold for the cart: cart attributes directly, item or
/// shipping attributes when at least one line meets them.
pub fn cart_matches(rules: &[Rule], cart: &CartFacts, items: &[ItemFacts], shipping: &[ShippingFacts]) -> bool {
    rules.iter().all(|r| match canonical(&r.attribute) {
        Some((Kind::Cart, name)) => compare(&r.operator, &cart_values(name, cart), &r.values),
        Some((Kind::Item, _)) => items.iter().any(|i| item_matches(std::slice::from_ref(r), i)),
        Some((Kind::Shipping, _)) => shipping.iter().any(|m| shipping_matches(std::slice::from_ref(r), m)),
        None => false,
    })
}

/// Whether any rule needs the customer's groups (read only then).
pub fn needs_groups(rules: &[Rule]) -> bool {
    rules
        .iter()
        .any(|r| canonical(&r.attribute).is_some_and(|(_, n)| n == "customer_group_id"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rule(attribute: &str, operator: &str, values: &[&str]) -> Rule {
        Rule {
            id: "r".into(),
            attribute: attribute.into(),
            operator: operator.into(),
            values: values.iter().map(|v| (*v).to_owned()).collect(),
            description: None,
        }
    }

    #[test]
    fn operators_compare_as_medusa_does() {
        let have = vec!["b".to_owned(), "c".to_owned()];
        assert!(compare("in", &have, &["a".into(), "c".into()]));
        assert!(!compare("ne", &have, &["c".into()]));
        assert!(compare("ne", &have, &["d".into()]));
        assert!(compare("gt", &["10".into()], &["9.5".into()]));
        assert!(!compare("lt", &["10".into()], &["10".into()]));
        assert!(compare("lte", &["10".into()], &["10".into()]));
        assert!(!compare("gte", &["x".into()], &["1".into()]), "not a number: no match");
    }

    #[test]
    fn item_rules_read_the_items_product_copy() {
        let product = json!({"collection_id": "pcol_1", "category_ids": ["pcat_1", "pcat_2"], "type_id": null,
                             "tag_ids": ["ptag_1"]});
        let item = ItemFacts {
            id: "cali_1",
            variant_id: "variant_1",
            product_id: "prod_1",
            product: &product,
            unit_price: Decimal::ONE,
            quantity: 1,
        };
        assert!(item_matches(&[rule("items.product.id", "in", &["prod_1"])], &item));
        assert!(item_matches(
            &[rule("items.product.categories.id", "eq", &["pcat_2"])],
            &item
        ));
        assert!(!item_matches(
            &[rule("items.product.tags.id", "ne", &["ptag_1"])],
            &item
        ));
        assert!(!item_matches(&[rule("product.type_id", "eq", &["ptyp_1"])], &item));
        let cart = CartFacts {
            region_id: "reg_1".into(),
            currency_code: "eur".into(),
            customer_group_ids: vec!["cusgroup_vip".into()],
            ..Default::default()
        };
        assert!(cart_matches(
            &[rule("customer.groups.id", "in", &["cusgroup_vip"])],
            &cart,
            &[item],
            &[]
        ));
        assert!(!cart_matches(
            &[rule("currency_code", "eq", &["usd"])],
            &cart,
            &[item],
            &[]
        ));
        assert!(cart_matches(
            &[rule("items.product.id", "in", &["prod_1"])],
            &cart,
            &[item],
            &[]
        ));
        assert!(!cart_matches(
            &[rule("items.product.id", "in", &["prod_2"])],
            &cart,
            &[item],
            &[]
        ));
    }

    #[test]
    fn bad_rules_are_refused() {
        assert!(validate(&rule("items.product.id", "in", &["p"])).is_ok());
        assert!(validate(&rule("items.colour", "in", &["red"])).is_err());
        assert!(validate(&rule("region_id", "like", &["r"])).is_err());
        assert!(validate(&rule("region_id", "eq", &[])).is_err());
        assert!(validate(&rule("currency_code", "gt", &["a", "b"])).is_err());
    }
}
