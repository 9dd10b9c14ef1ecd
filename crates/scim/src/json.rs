//! Case-insensitive access to JSON objects.
//!
//! RFC 7643 §2.1 makes attribute names case-insensitive, so a resource may arrive (or a PATCH
//! may address it) as `USERNAME` while we store `userName`. These helpers are the one place that
//! decides how keys are matched.

use serde_json::{Map, Value};

/// The value under `name`, matching keys case-insensitively (an exact match wins).
pub(crate) fn get_ci<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    object.get(name).or_else(|| {
        object
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
    })
}

/// The key under which `name` is stored, if any, matching case-insensitively.
pub(crate) fn key_ci(object: &Map<String, Value>, name: &str) -> Option<String> {
    if object.contains_key(name) {
        return Some(name.to_owned());
    }
    object
        .keys()
        .find(|key| key.eq_ignore_ascii_case(name))
        .cloned()
}

/// Mutable access to the value under `name`, matching case-insensitively.
pub(crate) fn get_ci_mut<'a>(
    object: &'a mut Map<String, Value>,
    name: &str,
) -> Option<&'a mut Value> {
    let key = key_ci(object, name)?;
    object.get_mut(&key)
}

/// Removes every key equal to `name` case-insensitively and returns the first value removed.
pub(crate) fn remove_ci(object: &mut Map<String, Value>, name: &str) -> Option<Value> {
    let mut removed = None;
    while let Some(key) = key_ci(object, name) {
        let value = object.remove(&key);
        if removed.is_none() {
            removed = value;
        }
    }
    removed
}

/// Stores `value` under the canonical spelling `name`, dropping any differently cased key, so
/// that the resource ends up with exactly one key per attribute.
pub(crate) fn set_canonical(object: &mut Map<String, Value>, name: &str, value: Value) {
    remove_ci(object, name);
    object.insert(name.to_owned(), value);
}

/// Whether a value counts as unassigned (RFC 7643 §2.5: null, and RFC 7644 §3.4.2.2's `pr`
/// also treats empty strings and empty arrays as absent).
pub(crate) fn is_empty_value(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.is_empty(),
        Value::Array(items) => items.iter().all(is_empty_value),
        Value::Object(map) => map.values().all(is_empty_value),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn lookups_ignore_case() {
        let mut map = object(json!({"userName": "a", "Active": true}));
        assert_eq!(get_ci(&map, "USERNAME"), Some(&json!("a")));
        assert_eq!(key_ci(&map, "active").as_deref(), Some("Active"));
        set_canonical(&mut map, "active", json!(false));
        assert_eq!(map, object(json!({"userName": "a", "active": false})));
        assert_eq!(remove_ci(&mut map, "UserName"), Some(json!("a")));
        assert!(get_ci_mut(&mut map, "username").is_none());
    }

    #[test]
    fn emptiness() {
        assert!(is_empty_value(&json!(null)));
        assert!(is_empty_value(&json!("")));
        assert!(is_empty_value(&json!([])));
        assert!(is_empty_value(&json!({"a": null})));
        assert!(!is_empty_value(&json!(false)));
        assert!(!is_empty_value(&json!([{"value": "x"}])));
    }
}
