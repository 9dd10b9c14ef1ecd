//! Working with the values of a multi-valued attribute: taking them out and putting them back
//! under the canonical name, deciding when two values are "the same", keeping at most one
//! `primary` (RFC 7643 §2.4), and building a value from a filter's equalities.

use serde_json::{Map, Value};

use crate::filter::{CompValue, CompareOp, Filter};
use crate::json::{get_ci, remove_ci, set_canonical};
use crate::schema::{Attribute, Mutability};

/// Removes the attribute and returns its values (a stray single value counts as one element).
pub(crate) fn take_array(object: &mut Map<String, Value>, attr: &Attribute) -> Vec<Value> {
    match remove_ci(object, &attr.name) {
        Some(Value::Array(items)) => items,
        Some(Value::Null) | None => Vec::new(),
        Some(single) => vec![single],
    }
}

/// Stores the values under the canonical name, or unassigns the attribute when none are left
/// (RFC 7644 §3.5.2.2: "If no other values remain ... considered unassigned").
pub(crate) fn put_array(object: &mut Map<String, Value>, attr: &Attribute, items: Vec<Value>) {
    if items.is_empty() {
        remove_ci(object, &attr.name);
    } else {
        set_canonical(object, &attr.name, Value::Array(items));
    }
}

/// Compares two `value` sub-attributes honouring `caseExact`.
fn same_text(a: Option<&Value>, b: Option<&Value>, case_exact: bool) -> bool {
    match (a, b) {
        (Some(Value::String(a)), Some(Value::String(b))) if !case_exact => {
            a.to_lowercase() == b.to_lowercase()
        }
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// Whether adding `new` would duplicate `existing` ("if the value already exists, no change"
/// in RFC 7644 §3.5.2.1). When the `value` sub-attribute is immutable it is a reference to another
/// resource (a group member) and identifies the element on its own; otherwise values must be
/// equal as a whole.
pub(crate) fn same_element(existing: &Value, new: &Value, attr: &Attribute) -> bool {
    if let Some(value_def) = attr.sub_attribute("value")
        && value_def.mutability == Mutability::Immutable
        && let (Value::Object(a), Value::Object(b)) = (existing, new)
    {
        return same_text(get_ci(a, "value"), get_ci(b, "value"), value_def.case_exact);
    }
    existing == new
}

/// Whether `selector`, one item of a `remove` operation's value, selects `element`: by the
/// `value` sub-attribute when it has one (Entra ID's `[{"value": "id"}]`), else by equality.
pub(crate) fn removal_selects(element: &Value, selector: &Value, attr: &Attribute) -> bool {
    if let Value::Object(wanted) = selector
        && let Some(wanted_value) = get_ci(wanted, "value")
    {
        let case_exact = attr
            .sub_attribute("value")
            .is_some_and(|def| def.case_exact);
        return match element {
            Value::Object(element) => {
                same_text(get_ci(element, "value"), Some(wanted_value), case_exact)
            }
            _ => false,
        };
    }
    element == selector
}

/// Keeps at most one element with `"primary": true`: the last one this operation touched if it
/// is primary, else the last primary one.
pub(crate) fn settle_primary(items: &mut [Value], touched: &[usize]) {
    let is_primary = |item: &Value| item.get("primary") == Some(&Value::Bool(true));
    let primaries = items.iter().filter(|item| is_primary(item)).count();
    if primaries <= 1 {
        return;
    }
    let keep = touched
        .iter()
        .rev()
        .copied()
        .find(|&index| items.get(index).is_some_and(is_primary))
        .or_else(|| items.iter().rposition(is_primary));
    for (index, item) in items.iter_mut().enumerate() {
        if Some(index) != keep
            && let Value::Object(map) = item
            && map.get("primary") == Some(&Value::Bool(true))
        {
            map.insert("primary".to_owned(), Value::Bool(false));
        }
    }
}

/// A new element from a filter made only of `sub eq value` joined by `and`, e.g.
/// `type eq "work"` → `{"type": "work"}`; `None` for any other filter.
pub(crate) fn element_from_equalities(
    filter: &Filter,
    attr: &Attribute,
) -> Option<Map<String, Value>> {
    let mut element = Map::new();
    collect_equalities(filter, attr, &mut element).then_some(element)
}

fn collect_equalities(filter: &Filter, attr: &Attribute, out: &mut Map<String, Value>) -> bool {
    match filter {
        Filter::Compare {
            path,
            op: CompareOp::Eq,
            value,
        } if path.urn.is_none() && path.sub.is_none() => {
            let Some(sub) = attr.sub_attribute(&path.name) else {
                return false;
            };
            let json = match value {
                CompValue::String(text) => Value::from(text.as_str()),
                CompValue::Number(number) => Value::Number(number.clone()),
                CompValue::Bool(flag) => Value::Bool(*flag),
                CompValue::Null => return false,
            };
            out.insert(sub.name.clone(), json);
            true
        }
        Filter::And(left, right) => {
            collect_equalities(left, attr, out) && collect_equalities(right, attr, out)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::parse_filter;
    use crate::schema::{group_schema, user_schema};
    use serde_json::json;

    fn attr(schema: &crate::schema::Schema, name: &str) -> Attribute {
        schema
            .attribute(name)
            .cloned()
            .unwrap_or_else(|| panic!("no {name}"))
    }

    #[test]
    fn members_are_identified_by_value() {
        let members = attr(&group_schema(), "members");
        assert!(same_element(
            &json!({"value": "u1", "type": "User"}),
            &json!({"value": "u1"}),
            &members
        ));
        assert!(!same_element(
            &json!({"value": "u1"}),
            &json!({"value": "U1"}),
            &members
        ));
        let emails = attr(&user_schema(), "emails");
        assert!(!same_element(
            &json!({"value": "a@x", "type": "work"}),
            &json!({"value": "a@x"}),
            &emails
        ));
    }

    #[test]
    fn removal_by_value() {
        let members = attr(&group_schema(), "members");
        assert!(removal_selects(
            &json!({"value": "u1", "type": "User"}),
            &json!({"value": "u1"}),
            &members
        ));
        assert!(!removal_selects(
            &json!({"value": "u1"}),
            &json!({"value": "u2"}),
            &members
        ));
        let emails = attr(&user_schema(), "emails");
        assert!(removal_selects(
            &json!({"value": "A@x"}),
            &json!({"value": "a@X"}),
            &emails
        ));
    }

    #[test]
    fn one_primary_survives() {
        let mut items = vec![
            json!({"value": "a", "primary": true}),
            json!({"value": "b", "primary": true}),
            json!({"value": "c"}),
        ];
        settle_primary(&mut items, &[0]);
        assert_eq!(items[0]["primary"], true);
        assert_eq!(items[1]["primary"], false);
        settle_primary(&mut items, &[]);
        assert_eq!(items[0]["primary"], true);
    }

    #[test]
    fn equalities_build_an_element() {
        let emails = attr(&user_schema(), "emails");
        let filter = parse_filter(r#"TYPE eq "work" and primary eq true"#);
        let element = filter
            .ok()
            .and_then(|filter| element_from_equalities(&filter, &emails));
        assert_eq!(
            element.map(Value::Object),
            Some(json!({"type": "work", "primary": true}))
        );
        for other in [
            r#"type ne "work""#,
            r#"type eq "a" or type eq "b""#,
            r#"display eq "x""#,
        ] {
            let filter = parse_filter(other);
            assert!(
                filter
                    .ok()
                    .and_then(|f| element_from_equalities(&f, &emails))
                    .is_none()
            );
        }
    }
}
