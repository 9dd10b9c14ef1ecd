//! `sortBy` and `sortOrder` (RFC 7644 §3.4.2.3).
//!
//! Strings sort case-insensitively unless the attribute is `caseExact`; a multi-valued attribute
//! sorts by its primary value, else its first; resources without a value sort last in either
//! order, so a descending sort does not open with a page of blanks.

use std::cmp::Ordering;

use serde_json::Value;

use crate::error::ScimError;
use crate::filter::AttrPath;
use crate::json::get_ci;
use crate::schema::Schema;

/// `sortOrder`; ascending when absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    #[default]
    Ascending,
    Descending,
}

impl SortOrder {
    /// Parses `ascending`/`descending`, case-insensitively.
    pub fn parse(text: &str) -> Result<Self, ScimError> {
        if text.eq_ignore_ascii_case("ascending") {
            Ok(Self::Ascending)
        } else if text.eq_ignore_ascii_case("descending") {
            Ok(Self::Descending)
        } else {
            Err(ScimError::invalid_value(format!(
                "sortOrder '{text}' is neither 'ascending' nor 'descending'"
            )))
        }
    }
}

/// The value a resource sorts by. Values of different kinds order booleans, then numbers, then
/// strings, so that a mixed list still has a total order.
#[derive(Debug, Clone, PartialEq)]
pub enum SortKey {
    Bool(bool),
    Number(f64),
    /// Already case-folded unless the attribute is caseExact.
    Text(String),
}

impl SortKey {
    fn rank(&self) -> u8 {
        match self {
            Self::Bool(_) => 0,
            Self::Number(_) => 1,
            Self::Text(_) => 2,
        }
    }
}

impl Eq for SortKey {}

impl PartialOrd for SortKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SortKey {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Self::Bool(a), Self::Bool(b)) => a.cmp(b),
            (Self::Number(a), Self::Number(b)) => a.total_cmp(b),
            (Self::Text(a), Self::Text(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

/// The sort key of `resource` for `sort_by`, or `None` when it has no value (or the attribute is
/// unknown, or complex without a sub-attribute).
pub fn sort_key(resource: &Value, sort_by: &AttrPath, schema: &Schema) -> Option<SortKey> {
    let resolved = schema.resolve(sort_by)?;
    let attr = resolved.attribute;
    let object = resource.as_object()?;
    let top = get_ci(object, &attr.name)?;
    let (value, leaf) = match top {
        Value::Array(items) => {
            let chosen = items
                .iter()
                .find(|item| item.get("primary") == Some(&Value::Bool(true)))
                .or_else(|| items.first())?;
            if attr.is_complex() {
                let sub = resolved.sub.or_else(|| attr.sub_attribute("value"))?;
                (get_ci(chosen.as_object()?, &sub.name)?, sub)
            } else {
                (chosen, attr)
            }
        }
        Value::Object(map) => {
            let sub = resolved.sub?;
            (get_ci(map, &sub.name)?, sub)
        }
        scalar => (scalar, resolved.leaf()),
    };
    match value {
        Value::String(text) if leaf.case_exact => Some(SortKey::Text(text.clone())),
        Value::String(text) => Some(SortKey::Text(text.to_lowercase())),
        Value::Bool(flag) => Some(SortKey::Bool(*flag)),
        Value::Number(number) => number.as_f64().map(SortKey::Number),
        _ => None,
    }
}

/// Orders two resources for `sortBy`/`sortOrder`; use with `sort_by` on a slice. Computing
/// [`sort_key`] once per resource and sorting by it is cheaper for long lists.
pub fn compare_resources(
    a: &Value,
    b: &Value,
    sort_by: &AttrPath,
    schema: &Schema,
    order: SortOrder,
) -> Ordering {
    compare_keys(
        sort_key(a, sort_by, schema).as_ref(),
        sort_key(b, sort_by, schema).as_ref(),
        order,
    )
}

/// Orders two sort keys: missing ones last in either order.
pub fn compare_keys(a: Option<&SortKey>, b: Option<&SortKey>, order: SortOrder) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => match order {
            SortOrder::Ascending => a.cmp(b),
            SortOrder::Descending => b.cmp(a),
        },
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

#[cfg(test)]
#[path = "sort_tests.rs"]
mod tests;
