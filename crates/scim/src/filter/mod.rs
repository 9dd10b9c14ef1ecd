//! SCIM filters (RFC 7644 §3.4.2.2): the syntax tree and its parser.
//!
//! Filters arrive in query strings and `.search` bodies from any client, so parsing is bounded:
//! at most [`MAX_FILTER_LEN`] bytes and [`MAX_DEPTH`] levels of parentheses, `not` and value
//! brackets. Chains of `and`/`or` are built as balanced trees, so the depth of the tree (and of
//! every recursive walk over it, including `Drop`) stays logarithmic in the input length.

mod ast;
pub(crate) mod lexer;
pub(crate) mod parser;

pub use ast::{AttrPath, CompValue, CompareOp, Filter};

use crate::error::ScimError;

/// The longest filter accepted, in bytes.
pub const MAX_FILTER_LEN: usize = 4096;

/// The deepest nesting of `( )`, `not ( )` and `[ ]` accepted.
pub const MAX_DEPTH: usize = 32;

/// Parses a filter expression (`filter=` query parameter or `.search` body).
///
/// Every failure is a 400 `invalidFilter` whose detail names the offset and what was expected,
/// e.g. `expected a comparison operator after 'userName' at offset 9`.
pub fn parse_filter(input: &str) -> Result<Filter, ScimError> {
    parser::parse_filter(input).map_err(ScimError::invalid_filter)
}

#[cfg(test)]
mod tests;
