//! Resolving a PATCH path against the schema, and the mutability rules of RFC 7644 §3.5.2
//! ("a client MUST NOT modify an attribute that has mutability readOnly or immutable").

use crate::error::ScimError;
use crate::eval::validate_element_filter;
use crate::filter::Filter;
use crate::path::PatchPath;
use crate::schema::{Attribute, Mutability, Schema};

/// What a PATCH path addresses: a top-level attribute, optionally a value filter on it, and
/// optionally one sub-attribute.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target<'a> {
    pub attr: &'a Attribute,
    pub filter: Option<&'a Filter>,
    pub sub: Option<&'a Attribute>,
}

impl Target<'_> {
    /// How the target reads in error details, in canonical spelling.
    pub fn label(&self) -> String {
        match (self.filter, self.sub) {
            (Some(filter), Some(sub)) => format!("{}[{filter}].{}", self.attr.name, sub.name),
            (Some(filter), None) => format!("{}[{filter}]", self.attr.name),
            (None, Some(sub)) => format!("{}.{}", self.attr.name, sub.name),
            (None, None) => self.attr.name.clone(),
        }
    }

    /// Whether the path names the whole attribute.
    pub fn is_whole(&self) -> bool {
        self.filter.is_none() && self.sub.is_none()
    }
}

/// Resolves `path`. `Ok(None)` means "an attribute accountd does not store" (another schema's
/// URN, an unknown attribute or sub-attribute): the caller ignores the operation.
pub(crate) fn resolve<'a>(
    path: &'a PatchPath,
    schema: &'a Schema,
) -> Result<Option<Target<'a>>, ScimError> {
    if let Some(urn) = &path.attr.urn
        && !schema.is(urn)
    {
        return Ok(None);
    }
    let Some(attr) = schema.top_level(&path.attr.name) else {
        return Ok(None);
    };
    let sub = match path.sub_attribute() {
        Some(name) => {
            if !attr.is_complex() {
                return Err(ScimError::invalid_path(format!(
                    "'{}' has no sub-attributes, so '{}.{name}' addresses nothing",
                    attr.name, attr.name
                )));
            }
            match attr.sub_attribute(name) {
                Some(sub) => Some(sub),
                None => return Ok(None),
            }
        }
        None => None,
    };
    let filter = path.filter.as_ref();
    if let Some(filter) = filter {
        if !(attr.is_complex() && attr.multi_valued) {
            return Err(ScimError::invalid_path(format!(
                "a value filter needs a multi-valued complex attribute; '{}' is not one",
                attr.name
            )));
        }
        validate_element_filter(filter, attr)?;
    }
    Ok(Some(Target { attr, filter, sub }))
}

/// Refuses writes to readOnly attributes and to immutable sub-attributes of existing values.
/// Whole new values of a complex attribute (a new member) may carry immutable sub-attributes:
/// RFC 7644 §3.5.2 allows setting an immutable value that did not exist before.
pub(crate) fn check_mutability(target: &Target<'_>) -> Result<(), ScimError> {
    let read_only = target.attr.is_read_only() || target.sub.is_some_and(Attribute::is_read_only);
    if read_only {
        return Err(ScimError::mutability(format!(
            "'{}' is readOnly and cannot be modified",
            target.label()
        )));
    }
    if let Some(sub) = target.sub
        && sub.mutability == Mutability::Immutable
    {
        return Err(ScimError::mutability(format!(
            "'{}' is immutable: add or remove whole values of '{}' instead",
            target.label(),
            target.attr.name
        )));
    }
    Ok(())
}
