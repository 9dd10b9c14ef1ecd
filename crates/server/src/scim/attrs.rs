//! Reading SCIM JSON the way RFC 7643 §2.1 asks: attribute names are case-insensitive, and
//! IdPs are loose with types (Entra ID sends booleans as the strings "True" and "False").

use accountd_scim::ScimError;
use serde_json::{Map, Value};

/// The value of `name` in `object`, matched case-insensitively; `null` counts as absent.
pub fn get<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    object
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
        .filter(|value| !value.is_null())
}

/// An optional string attribute.
pub fn string(object: &Map<String, Value>, name: &str) -> Result<Option<String>, ScimError> {
    match get(object, name) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(other) => Err(ScimError::invalid_value(format!(
            "'{name}' must be a string, not {}",
            kind(other)
        ))),
    }
}

/// An optional boolean attribute; "true"/"false" in any case are accepted as booleans.
pub fn boolean(object: &Map<String, Value>, name: &str) -> Result<Option<bool>, ScimError> {
    match get(object, name) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::String(text)) if text.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(Value::String(text)) if text.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(other) => Err(ScimError::invalid_value(format!(
            "'{name}' must be a boolean, not {}",
            kind(other)
        ))),
    }
}

/// An optional complex attribute.
pub fn object<'a>(
    object: &'a Map<String, Value>,
    name: &str,
) -> Result<Option<&'a Map<String, Value>>, ScimError> {
    match get(object, name) {
        None => Ok(None),
        Some(Value::Object(map)) => Ok(Some(map)),
        Some(other) => Err(ScimError::invalid_value(format!(
            "'{name}' must be an object, not {}",
            kind(other)
        ))),
    }
}

/// An optional multi-valued complex attribute (a single object is taken as a list of one).
pub fn objects<'a>(
    object: &'a Map<String, Value>,
    name: &str,
) -> Result<Vec<&'a Map<String, Value>>, ScimError> {
    let items: Vec<&Value> = match get(object, name) {
        None => return Ok(Vec::new()),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(single @ Value::Object(_)) => vec![single],
        Some(other) => {
            return Err(ScimError::invalid_value(format!(
                "'{name}' must be an array of objects, not {}",
                kind(other)
            )));
        }
    };
    items
        .into_iter()
        .filter(|item| !item.is_null())
        .map(|item| match item {
            Value::Object(map) => Ok(map),
            other => Err(ScimError::invalid_value(format!(
                "each entry of '{name}' must be an object, not {}",
                kind(other)
            ))),
        })
        .collect()
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The `schemas` of a request body, when given, must name `expected`.
pub fn check_schemas(body: &Map<String, Value>, expected: &str) -> Result<(), ScimError> {
    match get(body, "schemas") {
        None => Ok(()),
        Some(Value::Array(schemas))
            if schemas
                .iter()
                .any(|s| s.as_str().is_some_and(|s| s.eq_ignore_ascii_case(expected))) =>
        {
            Ok(())
        }
        Some(_) => Err(ScimError::invalid_syntax(format!(
            "'schemas' must be an array that contains '{expected}'"
        ))),
    }
}
