//! `attributes` and `excludedAttributes` (RFC 7644 §3.9, RFC 7643 §2.2 "returned").
//!
//! - `schemas` and attributes with `returned: always` (`id`) are always kept and cannot be
//!   excluded;
//! - `returned: never` attributes are always dropped; `returned: request` ones only appear when
//!   listed in `attributes`;
//! - with `attributes`, everything else not listed is dropped, so `meta` (returned by default)
//!   only appears when asked for; `name.givenName` keeps just that sub-attribute;
//! - `excludedAttributes` removes attributes or sub-attributes from what remains.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::resolve_name;
use crate::json::remove_ci;
use crate::schema::{Attribute, Returned, Schema};

/// What `attributes` asks to keep of one top-level attribute.
enum Keep {
    Whole,
    Subs(Vec<String>),
}

/// Projects `resource` (a SCIM JSON object of `schema`) in place. Both lists hold attribute
/// names as the query parameters give them, already split at commas.
pub fn project(resource: &mut Value, attributes: &[String], excluded: &[String], schema: &Schema) {
    let Value::Object(object) = resource else {
        return;
    };
    drop_never_returned(object, schema);
    let requested: Vec<&String> = attributes
        .iter()
        .filter(|name| !name.trim().is_empty())
        .collect();
    if requested.is_empty() {
        drop_request_only(object, schema);
    } else {
        keep_only(object, &requested, schema);
    }
    for name in excluded {
        exclude(object, name, schema);
    }
}

fn drop_never_returned(object: &mut Map<String, Value>, schema: &Schema) {
    let keys: Vec<String> = object.keys().cloned().collect();
    for key in keys {
        let Some(attr) = schema.top_level(&key) else {
            continue;
        };
        if attr.returned == Returned::Never {
            object.remove(&key);
            continue;
        }
        for sub in &attr.sub_attributes {
            if sub.returned == Returned::Never {
                remove_sub(object.get_mut(&key), &sub.name);
            }
        }
    }
}

fn drop_request_only(object: &mut Map<String, Value>, schema: &Schema) {
    object.retain(|key, _| {
        schema
            .top_level(key)
            .is_none_or(|attr| attr.returned != Returned::Request)
    });
}

fn keep_only(object: &mut Map<String, Value>, requested: &[&String], schema: &Schema) {
    let mut keep: BTreeMap<String, Keep> = BTreeMap::new();
    for name in requested {
        if schema.is(name.trim()) {
            for attr in &schema.attributes {
                keep.insert(attr.name.clone(), Keep::Whole);
            }
            continue;
        }
        let Some(resolved) = resolve_name(name, schema) else {
            continue;
        };
        let entry = keep
            .entry(resolved.attribute.name.clone())
            .or_insert_with(|| Keep::Subs(Vec::new()));
        match (resolved.sub, &mut *entry) {
            (None, _) => *entry = Keep::Whole,
            (Some(sub), Keep::Subs(subs)) => subs.push(sub.name.clone()),
            (Some(_), Keep::Whole) => {}
        }
    }
    let keys: Vec<String> = object.keys().cloned().collect();
    for key in keys {
        if key == "schemas" {
            continue;
        }
        let Some(attr) = schema.top_level(&key) else {
            object.remove(&key);
            continue;
        };
        if attr.returned == Returned::Always {
            continue;
        }
        match keep.get(&attr.name) {
            Some(Keep::Whole) => {}
            Some(Keep::Subs(subs)) => keep_subs(object.get_mut(&key), attr, subs),
            None => {
                object.remove(&key);
            }
        }
    }
}

/// Keeps only the listed sub-attributes (and `returned: always` ones) of a complex value or of
/// every element of a multi-valued one.
fn keep_subs(value: Option<&mut Value>, attr: &Attribute, subs: &[String]) {
    let retain = |element: &mut Map<String, Value>| {
        element.retain(|key, _| {
            attr.sub_attribute(key).is_some_and(|sub| {
                sub.returned == Returned::Always || subs.iter().any(|name| name == &sub.name)
            })
        });
    };
    match value {
        Some(Value::Object(element)) => retain(element),
        Some(Value::Array(items)) => {
            for item in items.iter_mut() {
                if let Value::Object(element) = item {
                    retain(element);
                }
            }
        }
        _ => {}
    }
}

fn exclude(object: &mut Map<String, Value>, name: &str, schema: &Schema) {
    let Some(resolved) = resolve_name(name, schema) else {
        return;
    };
    if resolved.attribute.returned == Returned::Always {
        return;
    }
    match resolved.sub {
        None => {
            remove_ci(object, &resolved.attribute.name);
        }
        Some(sub) if sub.returned != Returned::Always => {
            let key = crate::json::key_ci(object, &resolved.attribute.name);
            if let Some(key) = key {
                remove_sub(object.get_mut(&key), &sub.name);
                let emptied = match object.get(&key) {
                    Some(Value::Object(map)) => map.is_empty(),
                    Some(Value::Array(items)) => items.is_empty(),
                    _ => false,
                };
                if emptied {
                    object.remove(&key);
                }
            }
        }
        Some(_) => {}
    }
}

/// Removes a sub-attribute from a complex value or from every element of a multi-valued one;
/// elements left empty are dropped.
fn remove_sub(value: Option<&mut Value>, sub: &str) {
    match value {
        Some(Value::Object(element)) => {
            remove_ci(element, sub);
        }
        Some(Value::Array(items)) => {
            for item in items.iter_mut() {
                if let Value::Object(element) = item {
                    remove_ci(element, sub);
                }
            }
            items.retain(|item| !matches!(item, Value::Object(map) if map.is_empty()));
        }
        _ => {}
    }
}

#[cfg(test)]
#[path = "project_tests.rs"]
mod tests;
