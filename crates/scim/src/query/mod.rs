//! Query response shaping (RFC 7644 §3.4.2, §3.9): `attributes`/`excludedAttributes`
//! projection, `sortBy`/`sortOrder`, and the ListResponse envelope.

mod list;
mod project;
mod sort;

pub use list::{ListResponse, list_response};
pub use project::project;
pub use sort::{SortKey, SortOrder, compare_keys, compare_resources, sort_key};

use crate::filter::AttrPath;
use crate::filter::parser::parse_attr_path;
use crate::schema::{Resolved, Schema};

/// Parses and resolves one name of an `attributes`-style list (`userName`, `name.givenName`,
/// `urn:...:User:emails.value`). Unknown or malformed names resolve to nothing: RFC 7644 §3.9
/// gives no error for them, and identity providers ask for attributes we do not store.
pub(crate) fn resolve_name<'s>(name: &str, schema: &'s Schema) -> Option<Resolved<'s>> {
    let path: AttrPath = parse_attr_path(name.trim(), 0).ok()?;
    schema.resolve(&path)
}
