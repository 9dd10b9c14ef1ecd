//! Evaluating a filter against a resource rendered as SCIM JSON (RFC 7644 §3.4.2.2).
//!
//! The schema decides the semantics: attribute names are matched case-insensitively
//! (RFC 7643 §2.1), strings compare case-insensitively unless the attribute is `caseExact`, and a
//! multi-valued attribute matches when any of its values does. Attributes the schema does not
//! know (including other schemas' URNs) simply match nothing: identity providers probe for
//! attributes freely and expect an empty result, not an error.
//!
//! Ordering on `dateTime` attributes compares the RFC 3339 strings. That is correct here because
//! every timestamp accountd renders uses one UTC format with a fixed number of fraction digits;
//! a client's value in another offset would compare textually, which RFC 7644 leaves to the
//! service provider.

use std::borrow::Cow;
use std::cmp::Ordering;

use serde_json::{Map, Number, Value};

use crate::error::ScimError;
use crate::filter::{AttrPath, CompValue, CompareOp, Filter};
use crate::json::{get_ci, is_empty_value};
use crate::schema::{AttrType, Attribute, Schema};

/// Whether `resource` matches `filter`. Errors (`invalidFilter`) come from operator/type
/// mismatches such as `active gt true`, and are raised whatever the resource holds.
pub fn matches(filter: &Filter, resource: &Value, schema: &Schema) -> Result<bool, ScimError> {
    validate(filter, schema)?;
    let Value::Object(object) = resource else {
        return Ok(false);
    };
    Ok(eval(filter, object, Scope::Resource(schema)))
}

/// Checks `filter` against `schema` without a resource: the errors [`matches()`] would raise. The
/// server calls it once before scanning or translating a filter.
pub fn validate(filter: &Filter, schema: &Schema) -> Result<(), ScimError> {
    check(filter, Scope::Resource(schema))
}

/// Checks a value filter whose paths name sub-attributes of `parent` (a PATCH `attr[filter]`).
pub(crate) fn validate_element_filter(
    filter: &Filter,
    parent: &Attribute,
) -> Result<(), ScimError> {
    check(filter, Scope::Element(parent))
}

/// Whether one value of the complex attribute `parent` matches a value filter; call
/// [`validate_element_filter`] first.
pub(crate) fn element_matches(filter: &Filter, element: &Value, parent: &Attribute) -> bool {
    match element {
        Value::Object(object) => eval(filter, object, Scope::Element(parent)),
        _ => false,
    }
}

/// What the paths of a filter are relative to: the resource, or the elements of a complex
/// attribute inside `attr[...]`.
#[derive(Clone, Copy)]
enum Scope<'s> {
    Resource(&'s Schema),
    Element(&'s Attribute),
}

/// The top-level (or, in an element scope, sub-) attribute a path names, and the sub-attribute.
fn resolve<'s>(
    scope: Scope<'s>,
    path: &AttrPath,
) -> Option<(&'s Attribute, Option<&'s Attribute>)> {
    match scope {
        Scope::Resource(schema) => schema
            .resolve(path)
            .map(|resolved| (resolved.attribute, resolved.sub)),
        Scope::Element(parent) => {
            if path.urn.is_some() || path.sub.is_some() {
                return None;
            }
            parent.sub_attribute(&path.name).map(|sub| (sub, None))
        }
    }
}

/// The definition the compared values follow: the sub-attribute if named, else the `value`
/// sub-attribute of a multi-valued complex attribute (RFC 7644 §3.4.2.2: `emails co "x"`
/// compares `emails.value`), else the attribute itself.
fn leaf_def<'s>(attribute: &'s Attribute, sub: Option<&'s Attribute>) -> Option<&'s Attribute> {
    match sub {
        Some(sub) => Some(sub),
        None if attribute.is_complex() && attribute.multi_valued => {
            attribute.sub_attribute("value")
        }
        None if attribute.is_complex() => None,
        None => Some(attribute),
    }
}

fn check(filter: &Filter, scope: Scope<'_>) -> Result<(), ScimError> {
    match filter {
        Filter::Compare { path, op, value } => {
            let leaf = resolve(scope, path).and_then(|(attribute, sub)| leaf_def(attribute, sub));
            check_compare(path, *op, value, leaf)
        }
        Filter::Present(_) => Ok(()),
        Filter::And(left, right) | Filter::Or(left, right) => {
            check(left, scope)?;
            check(right, scope)
        }
        Filter::Not(inner) => check(inner, scope),
        Filter::ValuePath { attr, filter } => match resolve(scope, attr) {
            Some((attribute, None)) if attribute.is_complex() => {
                check(filter, Scope::Element(attribute))
            }
            _ => Ok(()),
        },
    }
}

fn check_compare(
    path: &AttrPath,
    op: CompareOp,
    value: &CompValue,
    leaf: Option<&Attribute>,
) -> Result<(), ScimError> {
    let ordering = matches!(
        op,
        CompareOp::Gt | CompareOp::Ge | CompareOp::Lt | CompareOp::Le
    );
    let substring = matches!(op, CompareOp::Co | CompareOp::Sw | CompareOp::Ew);
    if (ordering || substring) && *value == CompValue::Null {
        return Err(ScimError::invalid_filter(format!(
            "'{path} {op} null': '{op}' cannot compare with null"
        )));
    }
    if substring && !matches!(value, CompValue::String(_)) {
        return Err(ScimError::invalid_filter(format!(
            "'{path} {op} {value}': '{op}' needs a quoted string"
        )));
    }
    if ordering {
        let boolean = matches!(value, CompValue::Bool(_))
            || leaf.is_some_and(|leaf| matches!(leaf.type_, AttrType::Boolean | AttrType::Binary));
        if boolean {
            return Err(ScimError::invalid_filter(format!(
                "'{path} {op} {value}': '{op}' cannot order boolean or binary values"
            )));
        }
    }
    Ok(())
}

fn eval(filter: &Filter, object: &Map<String, Value>, scope: Scope<'_>) -> bool {
    match filter {
        Filter::Compare { path, op, value } => compare(path, *op, value, object, scope),
        Filter::Present(path) => present(path, object, scope),
        Filter::And(left, right) => eval(left, object, scope) && eval(right, object, scope),
        Filter::Or(left, right) => eval(left, object, scope) || eval(right, object, scope),
        Filter::Not(inner) => !eval(inner, object, scope),
        Filter::ValuePath { attr, filter } => {
            let Some((attribute, None)) = resolve(scope, attr) else {
                return false;
            };
            if !attribute.is_complex() {
                return false;
            }
            values(get_ci(object, &attribute.name))
                .filter_map(Value::as_object)
                .any(|element| eval(filter, element, Scope::Element(attribute)))
        }
    }
}

/// The values of an attribute: the items of an array, or the single value.
fn values(value: Option<&Value>) -> impl Iterator<Item = &Value> {
    let items: &[Value] = match value {
        Some(Value::Array(items)) => items,
        Some(value) => std::slice::from_ref(value),
        None => &[],
    };
    items.iter()
}

/// The leaf values a comparison looks at: `attr`, `attr.sub` of every value, or `attr.value` of
/// every value for a multi-valued complex attribute.
fn leaves<'v>(
    object: &'v Map<String, Value>,
    attribute: &Attribute,
    sub_name: Option<&str>,
) -> Vec<&'v Value> {
    let top = get_ci(object, &attribute.name);
    match sub_name {
        Some(sub) => values(top)
            .filter_map(Value::as_object)
            .flat_map(|element| values(get_ci(element, sub)))
            .filter(|value| !value.is_null())
            .collect(),
        None => values(top).filter(|value| !value.is_null()).collect(),
    }
}

fn present(path: &AttrPath, object: &Map<String, Value>, scope: Scope<'_>) -> bool {
    let Some((attribute, sub)) = resolve(scope, path) else {
        return false;
    };
    let sub_name = sub.map(|sub| sub.name.as_str());
    leaves(object, attribute, sub_name)
        .into_iter()
        .any(|value| !is_empty_value(value))
}

fn compare(
    path: &AttrPath,
    op: CompareOp,
    value: &CompValue,
    object: &Map<String, Value>,
    scope: Scope<'_>,
) -> bool {
    let Some((attribute, sub)) = resolve(scope, path) else {
        // Unknown attributes match nothing, whatever the operator.
        return false;
    };
    let Some(leaf) = leaf_def(attribute, sub) else {
        return false;
    };
    let sub_name = match sub {
        Some(sub) => Some(sub.name.as_str()),
        None if attribute.is_complex() => Some(leaf.name.as_str()),
        None => None,
    };
    let candidates = leaves(object, attribute, sub_name);
    match op {
        // `ne` is the negation of `eq` over the whole attribute: a multi-valued attribute is
        // "not equal" only when none of its values is equal, and an absent one always is.
        CompareOp::Eq => equal_any(&candidates, value, leaf),
        CompareOp::Ne => !equal_any(&candidates, value, leaf),
        _ => candidates
            .iter()
            .any(|candidate| compare_one(candidate, op, value, leaf)),
    }
}

fn equal_any(candidates: &[&Value], value: &CompValue, leaf: &Attribute) -> bool {
    if *value == CompValue::Null {
        return candidates.iter().all(|candidate| is_empty_value(candidate));
    }
    candidates
        .iter()
        .any(|candidate| equals(candidate, value, leaf))
}

fn fold(text: &str, case_exact: bool) -> Cow<'_, str> {
    if case_exact {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.to_lowercase())
    }
}

/// A boolean written as a string: Entra ID sends `"True"`/`"False"`.
fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

fn equals(candidate: &Value, value: &CompValue, leaf: &Attribute) -> bool {
    match (candidate, value) {
        (Value::String(have), CompValue::String(want)) => {
            if leaf.type_ == AttrType::Boolean {
                return parse_bool(have).is_some() && parse_bool(have) == parse_bool(want);
            }
            fold(have, leaf.case_exact) == fold(want, leaf.case_exact)
        }
        (Value::String(have), CompValue::Bool(want)) => parse_bool(have) == Some(*want),
        (Value::Bool(have), CompValue::Bool(want)) => have == want,
        (Value::Bool(have), CompValue::String(want)) => parse_bool(want) == Some(*have),
        (Value::Number(have), CompValue::Number(want)) => {
            compare_numbers(have, want) == Some(Ordering::Equal)
        }
        _ => false,
    }
}

fn compare_one(candidate: &Value, op: CompareOp, value: &CompValue, leaf: &Attribute) -> bool {
    let ordering = match (candidate, value) {
        (Value::String(have), CompValue::String(want)) => {
            let have = fold(have, leaf.case_exact);
            let want = fold(want, leaf.case_exact);
            match op {
                CompareOp::Co => return have.contains(want.as_ref()),
                CompareOp::Sw => return have.starts_with(want.as_ref()),
                CompareOp::Ew => return have.ends_with(want.as_ref()),
                _ => have.cmp(&want),
            }
        }
        (Value::Number(have), CompValue::Number(want)) => match compare_numbers(have, want) {
            Some(ordering) => ordering,
            None => return false,
        },
        _ => return false,
    };
    match op {
        CompareOp::Gt => ordering == Ordering::Greater,
        CompareOp::Ge => ordering != Ordering::Less,
        CompareOp::Lt => ordering == Ordering::Less,
        CompareOp::Le => ordering != Ordering::Greater,
        CompareOp::Eq => ordering == Ordering::Equal,
        CompareOp::Ne => ordering != Ordering::Equal,
        CompareOp::Co | CompareOp::Sw | CompareOp::Ew => false,
    }
}

/// Numbers compare exactly when both are integers, and as `f64` otherwise.
pub(crate) fn compare_numbers(a: &Number, b: &Number) -> Option<Ordering> {
    if let (Some(a), Some(b)) = (a.as_i64(), b.as_i64()) {
        return Some(a.cmp(&b));
    }
    if let (Some(a), Some(b)) = (a.as_u64(), b.as_u64()) {
        return Some(a.cmp(&b));
    }
    a.as_f64()?.partial_cmp(&b.as_f64()?)
}

#[cfg(test)]
#[path = "eval_tests.rs"]
mod tests;
