//! What tasker's server does to a task context before it stores it: limits, then sanitizing.

use serde_json::{Map, Value};

const MAX_DEPTH: usize = 10;
const MAX_KEYS: usize = 1000;
const MAX_STRING_CHARS: usize = 10_000;
const MAX_BYTES: usize = 1 << 20;

/// Checks tasker's limits on a context: an object, at most 1 MiB of JSON, nesting depth at most
/// 10, at most 1000 keys, strings at most 10 000 characters.
pub(crate) fn check_limits(context: &Value) -> Result<(), String> {
    if !context.is_object() {
        return Err("context must be a JSON object".to_owned());
    }
    let size = serde_json::to_string(context).map_or(usize::MAX, |s| s.len());
    if size > MAX_BYTES {
        return Err(format!(
            "context is {size} bytes; at most {MAX_BYTES} are allowed"
        ));
    }
    let mut keys = 0usize;
    walk(context, 1, &mut keys)
}

fn walk(value: &Value, depth: usize, keys: &mut usize) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err(format!("context nests deeper than {MAX_DEPTH} levels"));
    }
    match value {
        Value::Object(map) => {
            *keys += map.len();
            if *keys > MAX_KEYS {
                return Err(format!("context has more than {MAX_KEYS} keys"));
            }
            map.values().try_for_each(|v| walk(v, depth + 1, keys))
        }
        Value::Array(items) => items.iter().try_for_each(|v| walk(v, depth + 1, keys)),
        Value::String(s) if s.chars().count() > MAX_STRING_CHARS => Err(format!(
            "context holds a string longer than {MAX_STRING_CHARS} characters"
        )),
        _ => Ok(()),
    }
}

/// tasker's sanitizing: drops keys `script`, `eval`, `function` and any key starting with `on`
/// (case-insensitive), recursively; in strings escapes `<script>`/`</script>`, removes
/// `javascript:` and turns `data:text/html` into `data:text/plain`. Handlers see the result.
pub(crate) fn sanitize(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(k, _)| {
                    let lower = k.to_ascii_lowercase();
                    !(lower == "script"
                        || lower == "eval"
                        || lower == "function"
                        || lower.starts_with("on"))
                })
                .map(|(k, v)| (k, sanitize(v)))
                .collect::<Map<String, Value>>(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(sanitize).collect()),
        Value::String(s) => Value::String(
            s.replace("<script>", "&lt;script&gt;")
                .replace("</script>", "&lt;/script&gt;")
                .replace("javascript:", "")
                .replace("data:text/html", "data:text/plain"),
        ),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sanitizing_drops_handler_keys_and_defuses_strings() {
        let clean = sanitize(
            json!({"onclick": 1, "Script": 2, "keep": {"eval": 3, "x": "<script>javascript:a</script>"}}),
        );
        assert_eq!(
            clean,
            json!({"keep": {"x": "&lt;script&gt;a&lt;/script&gt;"}})
        );
    }

    #[test]
    fn limits_reject_non_objects_and_deep_nesting() {
        assert!(check_limits(&json!([])).is_err());
        let mut deep = json!(1);
        for _ in 0..11 {
            deep = json!({ "a": deep });
        }
        assert!(check_limits(&deep).is_err());
        assert!(check_limits(&json!({"a": {"b": 1}})).is_ok());
    }
}
