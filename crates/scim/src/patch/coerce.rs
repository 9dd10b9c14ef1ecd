//! Bringing a PATCH value into the schema's shape before it is stored: JSON types checked
//! (RFC 7643 §2.3), booleans sent as strings converted, sub-attribute names put in canonical case,
//! and sub-attributes the schema does not define dropped.

use serde_json::{Map, Value};

use crate::error::ScimError;
use crate::schema::{AttrType, Attribute};

/// The values of a multi-valued attribute: an array's non-null items, or one value.
pub(crate) fn coerce_multi(
    attr: &Attribute,
    value: &Value,
    label: &str,
) -> Result<Vec<Value>, ScimError> {
    match value {
        Value::Array(items) => items
            .iter()
            .filter(|item| !item.is_null())
            .map(|item| coerce_single(attr, item, label))
            .collect(),
        Value::Null => Ok(Vec::new()),
        single => Ok(vec![coerce_single(attr, single, label)?]),
    }
}

/// One value of `attr` (for a multi-valued attribute: one element).
pub(crate) fn coerce_single(
    attr: &Attribute,
    value: &Value,
    label: &str,
) -> Result<Value, ScimError> {
    let wrong = |expected: &str| {
        ScimError::invalid_value(format!(
            "'{label}' must be {expected}, not {}",
            describe(value)
        ))
    };
    match attr.type_ {
        AttrType::String | AttrType::Reference | AttrType::DateTime | AttrType::Binary => {
            match value {
                Value::String(_) => Ok(value.clone()),
                _ => Err(wrong("a string")),
            }
        }
        AttrType::Boolean => match value {
            Value::Bool(_) => Ok(value.clone()),
            Value::String(text) if text.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
            Value::String(text) if text.eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
            _ => Err(wrong("a boolean")),
        },
        AttrType::Integer => match value {
            Value::Number(number) if number.is_i64() || number.is_u64() => Ok(value.clone()),
            _ => Err(wrong("an integer")),
        },
        AttrType::Decimal => match value {
            Value::Number(_) => Ok(value.clone()),
            _ => Err(wrong("a number")),
        },
        AttrType::Complex => match value {
            Value::Object(map) => coerce_complex(attr, map, label).map(Value::Object),
            _ => Err(wrong("an object")),
        },
    }
}

/// A complex value with canonical sub-attribute names. Unknown sub-attributes (Okta sends
/// `display` with group members) and nulls are dropped.
fn coerce_complex(
    attr: &Attribute,
    map: &Map<String, Value>,
    label: &str,
) -> Result<Map<String, Value>, ScimError> {
    let mut out = Map::new();
    for (key, value) in map {
        let Some(sub) = attr.sub_attribute(key) else {
            continue;
        };
        if value.is_null() {
            continue;
        }
        let sub_label = format!("{label}.{}", sub.name);
        let coerced = if sub.multi_valued {
            Value::Array(coerce_multi(sub, value, &sub_label)?)
        } else {
            coerce_single(sub, value, &sub_label)?
        };
        out.insert(sub.name.clone(), coerced);
    }
    Ok(out)
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{group_schema, user_schema};
    use serde_json::json;

    #[test]
    fn booleans_from_strings() {
        let schema = user_schema();
        let Some(active) = schema.attribute("active") else {
            panic!("no active");
        };
        assert_eq!(
            coerce_single(active, &json!("False"), "active"),
            Ok(json!(false))
        );
        assert_eq!(
            coerce_single(active, &json!("TRUE"), "active"),
            Ok(json!(true))
        );
        let err = coerce_single(active, &json!("yes"), "active").err();
        assert_eq!(
            err.map(|err| err.detail),
            Some("'active' must be a boolean, not a string".to_owned())
        );
    }

    #[test]
    fn complex_values_are_canonicalized() {
        let schema = group_schema();
        let Some(members) = schema.attribute("members") else {
            panic!("no members");
        };
        let value = json!([{"VALUE": "u1", "display": "Ann", "type": null}, null]);
        assert_eq!(
            coerce_multi(members, &value, "members"),
            Ok(vec![json!({"value": "u1"})])
        );
        let err = coerce_multi(members, &json!([{"value": 5}]), "members").err();
        assert_eq!(
            err.map(|err| err.detail),
            Some("'members.value' must be a string, not a number".to_owned())
        );
    }

    #[test]
    fn wrong_types_name_the_attribute() {
        let schema = user_schema();
        let Some(user_name) = schema.attribute("userName") else {
            panic!("no userName");
        };
        let err = coerce_single(user_name, &json!({"a": 1}), "userName").err();
        assert_eq!(
            err.map(|err| err.detail),
            Some("'userName' must be a string, not an object".to_owned())
        );
        let number = Attribute::new("n", AttrType::Integer, "");
        assert!(coerce_single(&number, &json!(1.5), "n").is_err());
        assert!(coerce_single(&number, &json!(7), "n").is_ok());
        let decimal = Attribute::new("d", AttrType::Decimal, "");
        assert!(coerce_single(&decimal, &json!(1.5), "d").is_ok());
        assert!(coerce_single(&decimal, &json!("1.5"), "d").is_err());
    }
}
