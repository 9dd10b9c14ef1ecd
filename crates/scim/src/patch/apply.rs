//! The add, replace and remove rules of RFC 7644 §3.5.2.1–3 for one resolved path.
//!
//! `add` and `replace` differ only in two places: on a whole multi-valued attribute `add` appends
//! and `replace` replaces the list, and on filtered values without a sub-attribute `add` merges
//! and `replace` substitutes. A complex single-valued attribute is merged by both, as §3.5.2.3
//! says sub-attributes not given "are left unchanged".

use serde_json::{Map, Value};

use super::OpKind;
use super::coerce::{coerce_multi, coerce_single};
use super::elements::{
    element_from_equalities, put_array, removal_selects, same_element, settle_primary, take_array,
};
use super::target::{Target, check_mutability, resolve};
use crate::error::ScimError;
use crate::eval::element_matches;
use crate::json::{get_ci, get_ci_mut, remove_ci, set_canonical};
use crate::path::PatchPath;
use crate::schema::{Attribute, Schema};

/// Applies one operation on `path`. `from_values` marks a key of a path-less value object, where
/// unchanged readOnly attributes are tolerated and `null` unassigns.
pub(crate) fn apply_path(
    object: &mut Map<String, Value>,
    kind: OpKind,
    path: &PatchPath,
    value: Option<&Value>,
    schema: &Schema,
    from_values: bool,
) -> Result<(), ScimError> {
    let Some(target) = resolve(path, schema)? else {
        return Ok(());
    };
    if from_values
        && target.is_whole()
        && target.attr.is_read_only()
        && value.is_some_and(|value| unchanged(object, target.attr, value))
    {
        return Ok(());
    }
    check_mutability(&target)?;
    match (kind, value) {
        (OpKind::Remove, _) => remove(object, &target, value),
        (OpKind::Add, None) => Err(ScimError::invalid_value(format!(
            "'add' of '{}' needs a 'value'",
            target.label()
        ))),
        (_, None | Some(Value::Null)) => remove(object, &target, None),
        (_, Some(value)) => set(object, &target, value, kind),
    }
}

/// Whether writing `value` to the readOnly `attr` would change nothing.
fn unchanged(object: &Map<String, Value>, attr: &Attribute, value: &Value) -> bool {
    let coerced = if attr.multi_valued {
        coerce_multi(attr, value, &attr.name).map(Value::Array)
    } else {
        coerce_single(attr, value, &attr.name)
    };
    coerced.is_ok_and(|coerced| get_ci(object, &attr.name) == Some(&coerced))
}

/// A value for the sub-attribute `sub`.
fn coerce_sub(sub: &Attribute, value: &Value, label: &str) -> Result<Value, ScimError> {
    if sub.multi_valued {
        coerce_multi(sub, value, label).map(Value::Array)
    } else {
        coerce_single(sub, value, label)
    }
}

fn set(
    object: &mut Map<String, Value>,
    target: &Target<'_>,
    value: &Value,
    kind: OpKind,
) -> Result<(), ScimError> {
    let attr = target.attr;
    let label = target.label();
    match (target.filter, target.sub) {
        (None, None) if attr.multi_valued => {
            let new_items = coerce_multi(attr, value, &label)?;
            let mut items = match kind {
                OpKind::Add => take_array(object, attr),
                _ => Vec::new(),
            };
            let mut touched = Vec::new();
            for item in new_items {
                if !items
                    .iter()
                    .any(|existing| same_element(existing, &item, attr))
                {
                    items.push(item);
                    touched.push(items.len() - 1);
                }
            }
            settle_primary(&mut items, &touched);
            put_array(object, attr, items);
        }
        (None, None) if attr.is_complex() => {
            let new = coerce_single(attr, value, &label)?;
            let mut existing = match remove_ci(object, &attr.name) {
                Some(Value::Object(existing)) => existing,
                _ => Map::new(),
            };
            merge(&mut existing, new, value);
            if !existing.is_empty() {
                object.insert(attr.name.clone(), Value::Object(existing));
            }
        }
        (None, None) => set_canonical(object, &attr.name, coerce_single(attr, value, &label)?),
        (None, Some(sub)) if attr.multi_valued => {
            // `emails.value` without a filter addresses every value (or creates the first).
            let new = coerce_sub(sub, value, &label)?;
            let mut items = take_array(object, attr);
            if items.is_empty() {
                items.push(Value::Object(Map::from_iter([(sub.name.clone(), new)])));
            } else {
                for item in &mut items {
                    if let Value::Object(element) = item {
                        set_canonical(element, &sub.name, new.clone());
                    }
                }
            }
            let touched: Vec<usize> = (0..items.len()).collect();
            settle_primary(&mut items, &touched);
            put_array(object, attr, items);
        }
        (None, Some(sub)) => {
            let new = coerce_sub(sub, value, &label)?;
            let mut existing = match remove_ci(object, &attr.name) {
                Some(Value::Object(existing)) => existing,
                _ => Map::new(),
            };
            set_canonical(&mut existing, &sub.name, new);
            object.insert(attr.name.clone(), Value::Object(existing));
        }
        (Some(filter), sub) => {
            let mut items = take_array(object, attr);
            let matching: Vec<usize> = items
                .iter()
                .enumerate()
                .filter(|(_, item)| element_matches(filter, item, attr))
                .map(|(index, _)| index)
                .collect();
            let touched = if matching.is_empty() {
                items.push(new_element(target, filter, sub, value, &label)?);
                vec![items.len() - 1]
            } else {
                for &index in &matching {
                    if let Some(item) = items.get_mut(index) {
                        update_element(item, target, sub, value, kind, &label)?;
                    }
                }
                matching
            };
            settle_primary(&mut items, &touched);
            put_array(object, attr, items);
        }
    }
    Ok(())
}

/// Sets the sub-attributes of `new` in `existing`; a `null` in the raw value unassigns one.
fn merge(existing: &mut Map<String, Value>, new: Value, raw: &Value) {
    if let Value::Object(new) = new {
        for (key, value) in new {
            set_canonical(existing, &key, value);
        }
    }
    if let Value::Object(raw) = raw {
        for (key, value) in raw {
            if value.is_null() {
                remove_ci(existing, key);
            }
        }
    }
}

/// The filter matched no value. With a sub-attribute and a filter of `and`-ed equalities, append
/// a value built from them (Entra ID's `emails[type eq "work"].value` on a user without a work
/// email); RFC 7644 §3.5.2.3 would answer `noTarget`, which breaks Entra provisioning.
fn new_element(
    target: &Target<'_>,
    filter: &crate::filter::Filter,
    sub: Option<&Attribute>,
    value: &Value,
    label: &str,
) -> Result<Value, ScimError> {
    let built = sub.and_then(|sub| {
        let mut element = element_from_equalities(filter, target.attr)?;
        element.insert(sub.name.clone(), value.clone());
        Some(element)
    });
    match built {
        Some(element) => coerce_single(target.attr, &Value::Object(element), label),
        None => Err(ScimError::no_target(format!(
            "no value of '{}' matches '{filter}'",
            target.attr.name
        ))),
    }
}

fn update_element(
    item: &mut Value,
    target: &Target<'_>,
    sub: Option<&Attribute>,
    value: &Value,
    kind: OpKind,
    label: &str,
) -> Result<(), ScimError> {
    match sub {
        Some(sub) => {
            let new = coerce_sub(sub, value, label)?;
            if let Value::Object(element) = item {
                set_canonical(element, &sub.name, new);
            }
        }
        None => {
            let new = coerce_single(target.attr, value, label)?;
            match (kind, item) {
                (OpKind::Add, Value::Object(element)) => merge(element, new, value),
                (_, item) => *item = new,
            }
        }
    }
    Ok(())
}

fn remove(
    object: &mut Map<String, Value>,
    target: &Target<'_>,
    value: Option<&Value>,
) -> Result<(), ScimError> {
    let attr = target.attr;
    match (target.filter, target.sub) {
        (None, None) => match value {
            Some(selectors) if attr.multi_valued && !selectors.is_null() => {
                let selectors: Vec<&Value> = match selectors {
                    Value::Array(items) => items.iter().collect(),
                    one => vec![one],
                };
                let mut items = take_array(object, attr);
                items.retain(|item| {
                    !selectors
                        .iter()
                        .any(|selector| removal_selects(item, selector, attr))
                });
                put_array(object, attr, items);
            }
            _ => {
                if attr.required {
                    return Err(ScimError::invalid_value(format!(
                        "'{}' is required and cannot be removed",
                        attr.name
                    )));
                }
                remove_ci(object, &attr.name);
            }
        },
        (None, Some(sub)) if !attr.multi_valued => {
            if let Some(Value::Object(existing)) = get_ci_mut(object, &attr.name) {
                remove_ci(existing, &sub.name);
                if existing.is_empty() {
                    remove_ci(object, &attr.name);
                }
            }
        }
        (filter, sub) => {
            let mut items = take_array(object, attr);
            let selected = |item: &Value| filter.is_none_or(|f| element_matches(f, item, attr));
            match sub {
                None => items.retain(|item| !selected(item)),
                Some(sub) => {
                    for item in &mut items {
                        if selected(item)
                            && let Value::Object(element) = item
                        {
                            remove_ci(element, &sub.name);
                        }
                    }
                    items.retain(|item| !matches!(item, Value::Object(map) if map.is_empty()));
                }
            }
            put_array(object, attr, items);
        }
    }
    Ok(())
}
