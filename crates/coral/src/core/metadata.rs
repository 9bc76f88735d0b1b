//! `metadata`: free-form key/value data a client attaches to a resource. Medusa types it
//! `Record<string, unknown>`, so it is a JSON object (or `null` to clear it); anything else
//! is refused with 400 before it is stored, so every answer can promise an object.

use serde::de::{Error as _, Unexpected};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// `#[serde(default, deserialize_with = "crate::core::metadata::object")]` on an input's
/// `metadata: Option<Value>`: an object or `null`; an array, string, number or boolean is
/// a deserialization error ("Expected type: 'object' for field 'metadata', …" to clients).
pub fn object<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(v @ Value::Object(_)) => Ok(Some(v)),
        Some(other) => Err(D::Error::invalid_type(unexpected(&other), &"an object")),
    }
}

fn unexpected(v: &Value) -> Unexpected<'_> {
    match v {
        Value::Array(_) => Unexpected::Seq,
        Value::String(s) => Unexpected::Str(s),
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => n.as_f64().map_or(Unexpected::Other("number"), Unexpected::Float),
        _ => Unexpected::Other("value"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct In {
        #[serde(default, deserialize_with = "object")]
        metadata: Option<Value>,
    }

    #[test]
    fn only_an_object_or_null_is_metadata() {
        let parse = |s: &str| serde_json::from_str::<In>(s).map(|i| i.metadata);
        assert_eq!(parse("{}").unwrap(), None);
        assert_eq!(parse(r#"{"metadata":null}"#).unwrap(), None);
        assert_eq!(
            parse(r#"{"metadata":{"a":1}}"#).unwrap(),
            Some(serde_json::json!({"a":1}))
        );
        for bad in ["[]", "[null,null]", "\"x\"", "1", "true"] {
            let e = parse(&format!(r#"{{"metadata":{bad}}}"#)).unwrap_err().to_string();
            assert!(
                e.starts_with("invalid type:") && e.contains("expected an object"),
                "{bad}: {e}"
            );
        }
    }
}
