//! One attribute definition (RFC 7643 §7, "attributes") and its characteristics (§2.2).
//!
//! The builder methods exist so that the schema definitions in `core.rs` read like the RFC's
//! tables: start from the RFC's defaults and state only what differs.

use serde::Serialize;

/// An attribute's data type (RFC 7643 §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum AttrType {
    String,
    Boolean,
    Decimal,
    Integer,
    DateTime,
    Reference,
    Complex,
    Binary,
}

/// Whether and when an attribute may be written (RFC 7643 §2.2, "mutability").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Mutability {
    ReadOnly,
    ReadWrite,
    Immutable,
    WriteOnly,
}

/// When an attribute is returned (RFC 7643 §2.2, "returned").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Returned {
    Always,
    Never,
    Default,
    Request,
}

/// How unique an attribute's value is (RFC 7643 §2.2, "uniqueness").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Uniqueness {
    None,
    Server,
    Global,
}

/// An attribute definition in the `/Schemas` wire format. Empty lists are left out of the JSON,
/// as the RFC 7643 §8.7.1 examples do.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attribute {
    pub name: String,
    #[serde(rename = "type")]
    pub type_: AttrType,
    pub multi_valued: bool,
    pub description: String,
    pub required: bool,
    pub case_exact: bool,
    pub mutability: Mutability,
    pub returned: Returned,
    pub uniqueness: Uniqueness,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sub_attributes: Vec<Attribute>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub canonical_values: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reference_types: Vec<String>,
}

impl Attribute {
    /// An attribute with the defaults of RFC 7643 §2.2: single-valued, optional, not case-exact,
    /// readWrite, returned by default, not unique.
    pub fn new(name: &str, type_: AttrType, description: &str) -> Self {
        Self {
            name: name.to_owned(),
            type_,
            multi_valued: false,
            description: description.to_owned(),
            required: false,
            case_exact: false,
            mutability: Mutability::ReadWrite,
            returned: Returned::Default,
            uniqueness: Uniqueness::None,
            sub_attributes: Vec::new(),
            canonical_values: Vec::new(),
            reference_types: Vec::new(),
        }
    }

    pub fn multi_valued(mut self) -> Self {
        self.multi_valued = true;
        self
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub fn case_exact(mut self) -> Self {
        self.case_exact = true;
        self
    }

    pub fn mutability(mut self, mutability: Mutability) -> Self {
        self.mutability = mutability;
        self
    }

    pub fn returned(mut self, returned: Returned) -> Self {
        self.returned = returned;
        self
    }

    pub fn uniqueness(mut self, uniqueness: Uniqueness) -> Self {
        self.uniqueness = uniqueness;
        self
    }

    pub fn sub_attributes(mut self, sub_attributes: Vec<Attribute>) -> Self {
        self.sub_attributes = sub_attributes;
        self
    }

    pub fn canonical_values(mut self, values: &[&str]) -> Self {
        self.canonical_values = values.iter().map(|value| (*value).to_owned()).collect();
        self
    }

    pub fn reference_types(mut self, types: &[&str]) -> Self {
        self.reference_types = types.iter().map(|value| (*value).to_owned()).collect();
        self
    }

    /// The sub-attribute `name`, compared case-insensitively (RFC 7643 §2.1).
    pub fn sub_attribute(&self, name: &str) -> Option<&Attribute> {
        self.sub_attributes
            .iter()
            .find(|sub| sub.name.eq_ignore_ascii_case(name))
    }

    /// Whether the attribute is complex (has sub-attributes).
    pub fn is_complex(&self) -> bool {
        self.type_ == AttrType::Complex
    }

    /// Whether clients may never write it.
    pub fn is_read_only(&self) -> bool {
        self.mutability == Mutability::ReadOnly
    }
}
