//! The filter syntax tree. `Display` writes it back in RFC 7644 syntax, which the server uses in
//! logs and error details.

use std::fmt;

/// An attribute path: `[urn ":"] name ["." sub]` (RFC 7644 §3.10).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AttrPath {
    /// The schema URN prefix, as written (compared case-insensitively).
    pub urn: Option<String>,
    /// The attribute name, as written (compared case-insensitively).
    pub name: String,
    /// The sub-attribute name, as written.
    pub sub: Option<String>,
}

impl AttrPath {
    /// An unqualified path to a top-level attribute.
    pub fn new(name: &str) -> Self {
        Self {
            urn: None,
            name: name.to_owned(),
            sub: None,
        }
    }

    /// An unqualified path to a sub-attribute.
    pub fn with_sub(name: &str, sub: &str) -> Self {
        Self {
            urn: None,
            name: name.to_owned(),
            sub: Some(sub.to_owned()),
        }
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(urn) = &self.urn {
            write!(f, "{urn}:")?;
        }
        f.write_str(&self.name)?;
        if let Some(sub) = &self.sub {
            write!(f, ".{sub}")?;
        }
        Ok(())
    }
}

/// The binary comparison operators of RFC 7644 §3.4.2.2, Table 3 (`pr` is [`Filter::Present`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompareOp {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

impl CompareOp {
    /// The operator for a keyword, case-insensitively (RFC 7644 §3.4.2.2: "case insensitive").
    pub fn parse(keyword: &str) -> Option<Self> {
        let op = match keyword.to_ascii_lowercase().as_str() {
            "eq" => Self::Eq,
            "ne" => Self::Ne,
            "co" => Self::Co,
            "sw" => Self::Sw,
            "ew" => Self::Ew,
            "gt" => Self::Gt,
            "ge" => Self::Ge,
            "lt" => Self::Lt,
            "le" => Self::Le,
            _ => return None,
        };
        Some(op)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eq => "eq",
            Self::Ne => "ne",
            Self::Co => "co",
            Self::Sw => "sw",
            Self::Ew => "ew",
            Self::Gt => "gt",
            Self::Ge => "ge",
            Self::Lt => "lt",
            Self::Le => "le",
        }
    }
}

impl fmt::Display for CompareOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A comparison value (`compValue` in RFC 7644 §3.4.2.2).
#[derive(Debug, Clone, PartialEq)]
pub enum CompValue {
    String(String),
    Number(serde_json::Number),
    Bool(bool),
    Null,
}

impl fmt::Display for CompValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::String(text) => {
                let quoted = serde_json::Value::from(text.as_str());
                write!(f, "{quoted}")
            }
            Self::Number(number) => write!(f, "{number}"),
            Self::Bool(value) => write!(f, "{value}"),
            Self::Null => f.write_str("null"),
        }
    }
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `path op value`.
    Compare {
        path: AttrPath,
        op: CompareOp,
        value: CompValue,
    },
    /// `path pr`.
    Present(AttrPath),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    /// `attr[filter]`: the inner filter applies to each value of a (usually multi-valued complex)
    /// attribute, and its paths name sub-attributes of `attr`.
    ValuePath {
        attr: AttrPath,
        filter: Box<Filter>,
    },
}

impl Filter {
    /// The attribute and value when the whole filter is a single `attr eq "string"`: the shape
    /// identity providers use to look a resource up (`userName eq "..."`,
    /// `externalId eq "..."`), which the server answers from an index instead of a scan.
    pub fn as_equality(&self) -> Option<(&AttrPath, &str)> {
        match self {
            Filter::Compare {
                path,
                op: CompareOp::Eq,
                value: CompValue::String(value),
            } => Some((path, value)),
            _ => None,
        }
    }

    fn precedence(&self) -> u8 {
        match self {
            Filter::Or(..) => 0,
            Filter::And(..) => 1,
            _ => 2,
        }
    }

    fn fmt_operand(&self, f: &mut fmt::Formatter<'_>, min: u8) -> fmt::Result {
        if self.precedence() < min {
            write!(f, "({self})")
        } else {
            write!(f, "{self}")
        }
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Filter::Compare { path, op, value } => write!(f, "{path} {op} {value}"),
            Filter::Present(path) => write!(f, "{path} pr"),
            Filter::And(left, right) => {
                left.fmt_operand(f, 1)?;
                f.write_str(" and ")?;
                right.fmt_operand(f, 1)
            }
            Filter::Or(left, right) => {
                left.fmt_operand(f, 0)?;
                f.write_str(" or ")?;
                right.fmt_operand(f, 0)
            }
            Filter::Not(inner) => write!(f, "not ({inner})"),
            Filter::ValuePath { attr, filter } => write!(f, "{attr}[{filter}]"),
        }
    }
}
