//! PATCH (RFC 7644 §3.5.2) applied to a resource rendered as SCIM JSON.
//!
//! The server renders the stored resource as JSON, applies the operations here, and maps the
//! result back: one implementation of the RFC's add/replace/remove rules for Users and Groups,
//! driven by the schema for mutability, canonical names and value types.
//!
//! Dialects this module accepts on purpose, because the identity providers that call accountd
//! send them:
//! - op names in any case (`Add`, `Replace`, `Remove` from Entra ID);
//! - dotted and URN-qualified keys in a path-less value (`{"name.givenName": "x"}`);
//! - booleans as strings (`"active": "False"`), stored as JSON booleans;
//! - `remove` of a multi-valued attribute with a `value` array removes just those elements
//!   (Entra ID's member removal);
//! - `add`/`replace` on `attr[a eq "x" and b eq "y"].sub` that matches nothing appends a new
//!   element built from the equalities (Entra ID's `emails[type eq "work"].value`);
//! - `readOnly` attributes in a path-less value are accepted when unchanged (Okta sends the
//!   group's `id` with a rename);
//! - attributes, sub-attributes and schema URNs accountd does not store are ignored rather than
//!   refused, so that a provider's default attribute mapping does not break provisioning.
//!
//! Operations apply all or nothing: on any error the resource is left untouched.

mod apply;
mod coerce;
mod elements;
mod target;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::ScimError;
use crate::path::parse_path;
use crate::schema::{PATCH_OP, Schema};

/// The most operations one PATCH request may carry.
pub const MAX_OPERATIONS: usize = 1000;

/// A PATCH request body (RFC 7644 §3.5.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatchRequest {
    #[serde(default)]
    pub schemas: Vec<String>,
    #[serde(rename = "Operations", alias = "operations")]
    pub operations: Vec<PatchOperation>,
}

impl PatchRequest {
    /// RFC 7644 §3.5.2 requires the PatchOp schema URN; a body without it is `invalidSyntax`.
    pub fn validate(&self) -> Result<(), ScimError> {
        if self
            .schemas
            .iter()
            .any(|urn| urn.eq_ignore_ascii_case(PATCH_OP))
        {
            Ok(())
        } else {
            Err(ScimError::invalid_syntax(format!(
                "a PATCH body must list \"{PATCH_OP}\" in 'schemas'"
            )))
        }
    }
}

/// One operation. `value` is `None` both when absent and when `null`, which for `replace` means
/// "unassign" (RFC 7643 §2.5 treats null as unassigned).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatchOperation {
    pub op: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OpKind {
    Add,
    Replace,
    Remove,
}

impl OpKind {
    fn parse(op: &str) -> Result<Self, ScimError> {
        if op.eq_ignore_ascii_case("add") {
            Ok(Self::Add)
        } else if op.eq_ignore_ascii_case("replace") {
            Ok(Self::Replace)
        } else if op.eq_ignore_ascii_case("remove") {
            Ok(Self::Remove)
        } else {
            Err(ScimError::invalid_syntax(format!(
                "unknown op '{op}': expected 'add', 'replace' or 'remove'"
            )))
        }
    }
}

/// Applies `operations` in order to `resource` (a SCIM JSON object of `schema`). On error the
/// resource is unchanged and the detail names the failing operation by index.
pub fn apply_patch(
    resource: &mut Value,
    operations: &[PatchOperation],
    schema: &Schema,
) -> Result<(), ScimError> {
    if operations.len() > MAX_OPERATIONS {
        return Err(ScimError::too_many(format!(
            "the request has {} operations; at most {MAX_OPERATIONS} are accepted",
            operations.len()
        )));
    }
    let Value::Object(original) = resource else {
        return Err(ScimError::invalid_value(
            "the resource is not a JSON object",
        ));
    };
    let mut working = original.clone();
    for (index, operation) in operations.iter().enumerate() {
        apply_operation(&mut working, operation, schema).map_err(|mut err| {
            err.detail = format!("Operations[{index}] ({}): {}", operation.op, err.detail);
            err
        })?;
    }
    *original = working;
    Ok(())
}

fn apply_operation(
    object: &mut Map<String, Value>,
    operation: &PatchOperation,
    schema: &Schema,
) -> Result<(), ScimError> {
    let kind = OpKind::parse(&operation.op)?;
    match (&operation.path, kind) {
        (Some(path), _) => {
            let path = parse_path(path)?;
            apply::apply_path(object, kind, &path, operation.value.as_ref(), schema, false)
        }
        (None, OpKind::Remove) => Err(ScimError::no_target(
            "'remove' needs a 'path' (RFC 7644 §3.5.2.2)",
        )),
        (None, OpKind::Add | OpKind::Replace) => match &operation.value {
            Some(Value::Object(values)) => apply_values(object, kind, values, schema),
            Some(_) => Err(ScimError::invalid_value(
                "without a 'path', 'value' must be an object of attributes",
            )),
            None => Err(ScimError::invalid_value(
                "without a 'path', 'value' must be an object of attributes; none was given",
            )),
        },
    }
}

/// A path-less add/replace: every key is a path (RFC 7644 §3.5.2.1, §3.5.2.3). A key naming the
/// schema itself holds attributes of that schema (the extension style); `schemas` is ignored.
fn apply_values(
    object: &mut Map<String, Value>,
    kind: OpKind,
    values: &Map<String, Value>,
    schema: &Schema,
) -> Result<(), ScimError> {
    let mut entries: Vec<(&String, &Value)> = Vec::new();
    for (key, value) in values {
        match value {
            Value::Object(inner) if schema.is(key) => entries.extend(inner.iter()),
            _ => entries.push((key, value)),
        }
    }
    for (key, value) in entries {
        if key.eq_ignore_ascii_case("schemas") || schema.is(key) {
            continue;
        }
        let path = parse_path(key)?;
        apply::apply_path(object, kind, &path, Some(value), schema, true)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_idp;
