//! The schema model of RFC 7643 §7, serialized exactly as `/Schemas` serves it.
//!
//! The same definitions drive filtering, PATCH and projection: whether a comparison is
//! case-exact, whether an attribute may be written, and what its canonical spelling is all come
//! from here, so the wire document and the behaviour cannot drift apart.

mod attribute;
mod core;
mod urns;

pub use attribute::{AttrType, Attribute, Mutability, Returned, Uniqueness};
pub use core::{common_attributes, group_schema, user_schema};
pub use urns::*;

use serde::Serialize;
use serde_json::{Value, json};

use crate::filter::AttrPath;

/// A resource schema (RFC 7643 §7): its URN, name and attribute definitions.
///
/// The common attributes `id`, `externalId` and `meta` are not listed (RFC 7643 §3.1 says they
/// belong to every resource, not to a schema), but [`Schema::resolve`] knows them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Schema {
    pub id: String,
    pub name: String,
    pub description: String,
    pub attributes: Vec<Attribute>,
}

/// An attribute path resolved against a schema: the top-level attribute and, for `name.givenName`,
/// the sub-attribute.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resolved<'s> {
    pub attribute: &'s Attribute,
    pub sub: Option<&'s Attribute>,
}

impl<'s> Resolved<'s> {
    /// The definition of the addressed value: the sub-attribute if there is one.
    pub fn leaf(&self) -> &'s Attribute {
        self.sub.unwrap_or(self.attribute)
    }
}

impl Schema {
    /// The schema's own attribute `name`, compared case-insensitively (RFC 7643 §2.1). Common
    /// attributes are not found here; use [`Schema::top_level`] for those too.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes
            .iter()
            .find(|attribute| attribute.name.eq_ignore_ascii_case(name))
    }

    /// A top-level attribute of a resource of this schema: its own attributes and the common
    /// ones (`id`, `externalId`, `meta`).
    pub fn top_level(&self, name: &str) -> Option<&Attribute> {
        self.attribute(name).or_else(|| {
            common_attributes()
                .iter()
                .find(|attribute| attribute.name.eq_ignore_ascii_case(name))
        })
    }

    /// Whether `urn` names this schema. URNs are compared case-insensitively, as RFC 7643 §2.1
    /// makes the schema URI part of the attribute name.
    pub fn is(&self, urn: &str) -> bool {
        self.id.eq_ignore_ascii_case(urn)
    }

    /// Resolves `path` (optional URN, attribute, optional sub-attribute). `None` when the URN is
    /// another schema's or an attribute is unknown, which callers treat as "no such attribute"
    /// rather than an error, because identity providers send extension attributes freely.
    pub fn resolve(&self, path: &AttrPath) -> Option<Resolved<'_>> {
        if let Some(urn) = &path.urn
            && !self.is(urn)
        {
            return None;
        }
        let attribute = self.top_level(&path.name)?;
        let sub = match &path.sub {
            Some(sub) => Some(attribute.sub_attribute(sub)?),
            None => None,
        };
        Some(Resolved { attribute, sub })
    }

    /// The `/Schemas/{id}` document: the schema plus `schemas` and `meta` (RFC 7643 §7 and §8.7.1).
    /// `location` is the absolute URL the server serves it at.
    pub fn to_json(&self, location: &str) -> Value {
        let mut body = serde_json::to_value(self).unwrap_or_else(|_| json!({}));
        if let Value::Object(map) = &mut body {
            map.insert("schemas".to_owned(), json!([SCHEMA]));
            map.insert(
                "meta".to_owned(),
                json!({"resourceType": "Schema", "location": location}),
            );
        }
        body
    }
}

#[cfg(test)]
mod tests;
