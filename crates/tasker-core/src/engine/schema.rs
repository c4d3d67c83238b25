//! The check of a domain event's business payload against its declaration's `schema`.
//!
//! tasker validates with the `jsonschema` crate and skips an event whose payload does not
//! match. We check the subset of JSON Schema that event declarations use (`type`, `required`,
//! `properties`, `items`, `enum`, `const`, `minimum`, `maximum`, `minLength`, `maxLength`,
//! `minItems`, `maxItems`); other keywords are accepted without a check (docs/engine.md).

use serde_json::{Map, Value};

/// Whether `value` satisfies `schema`; the error names the first mismatch.
pub(crate) fn check(schema: &Value, value: &Value) -> Result<(), String> {
    check_at(schema, value, "$")
}

fn check_at(schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    let Some(schema) = schema.as_object() else {
        // `true`/`{}`-like schemas accept everything; `false` rejects.
        return match schema {
            Value::Bool(false) => Err(format!("{at}: the schema rejects every value")),
            _ => Ok(()),
        };
    };
    if let Some(expected) = schema.get("type") {
        let types: Vec<&str> = match expected {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !types.is_empty() && !types.iter().any(|t| is_type(value, t)) {
            return Err(format!("{at}: expected {}", types.join(" or ")));
        }
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        if !options.contains(value) {
            return Err(format!("{at}: not one of the enum values"));
        }
    }
    if let Some(constant) = schema.get("const") {
        if constant != value {
            return Err(format!("{at}: not the const value"));
        }
    }
    if let Some(n) = value.as_f64() {
        let limits = [
            ("minimum", "below the minimum"),
            ("maximum", "above the maximum"),
        ];
        bounds(schema, at, n, Value::as_f64, limits)?;
    }
    if let Some(s) = value.as_str() {
        let limits = [
            ("minLength", "shorter than minLength"),
            ("maxLength", "longer than maxLength"),
        ];
        bounds(schema, at, s.chars().count() as u64, Value::as_u64, limits)?;
    }
    if let Some(items) = value.as_array() {
        let limits = [
            ("minItems", "fewer than minItems"),
            ("maxItems", "more than maxItems"),
        ];
        bounds(schema, at, items.len() as u64, Value::as_u64, limits)?;
        if let Some(item_schema) = schema.get("items") {
            for (i, item) in items.iter().enumerate() {
                check_at(item_schema, item, &format!("{at}[{i}]"))?;
            }
        }
    }
    if let Some(object) = value.as_object() {
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for key in required.iter().filter_map(Value::as_str) {
                if !object.contains_key(key) {
                    return Err(format!("{at}: missing required property '{key}'"));
                }
            }
        }
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (key, property_schema) in properties {
                if let Some(v) = object.get(key) {
                    check_at(property_schema, v, &format!("{at}.{key}"))?;
                }
            }
        }
    }
    Ok(())
}

/// `measure` against the `[min, max]` keywords `limits` (keyword, what the error says);
/// a keyword whose value is not of the measure's kind is not a limit.
fn bounds<T: PartialOrd>(
    schema: &Map<String, Value>,
    at: &str,
    measure: T,
    read: fn(&Value) -> Option<T>,
    [(min, below), (max, above)]: [(&str, &str); 2],
) -> Result<(), String> {
    let limit = |key: &str| schema.get(key).and_then(read);
    if limit(min).is_some_and(|m| measure < m) {
        return Err(format!("{at}: {below}"));
    }
    if limit(max).is_some_and(|m| measure > m) {
        return Err(format!("{at}: {above}"));
    }
    Ok(())
}

fn is_type(value: &Value, t: &str) -> bool {
    match t {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn required_properties_and_types_are_checked() {
        let schema = json!({"type":"object","required":["id"],"properties":{"id":{"type":"string"},"n":{"type":"integer","minimum":1}}});
        assert!(check(&schema, &json!({"id":"a","n":2})).is_ok());
        assert!(check(&schema, &json!({"n":2})).is_err());
        assert!(check(&schema, &json!({"id":1})).is_err());
        assert!(check(&schema, &json!({"id":"a","n":0})).is_err());
        assert!(check(&json!({}), &json!(null)).is_ok());
    }

    #[test]
    fn length_and_count_limits_are_checked() {
        let schema = json!({"minLength":2,"maxLength":3,"minItems":1,"maxItems":2,"maximum":5});
        let checked = |v: Value| check(&schema, &v).map_err(|e| e.replace("$: ", ""));
        assert_eq!(
            checked(json!("a")),
            Err("shorter than minLength".to_owned())
        );
        assert_eq!(
            checked(json!("abcd")),
            Err("longer than maxLength".to_owned())
        );
        assert_eq!(checked(json!("ab")), Ok(()));
        assert_eq!(checked(json!([])), Err("fewer than minItems".to_owned()));
        assert_eq!(
            checked(json!([1, 2, 3])),
            Err("more than maxItems".to_owned())
        );
        assert_eq!(checked(json!(6)), Err("above the maximum".to_owned()));
        assert_eq!(checked(json!(5)), Ok(()));
    }
}
