//! SCIM 2.0 for accountd: the parts of RFC 7643 (core schema) and RFC 7644 (protocol) that the
//! server needs but that are independent of HTTP and storage.
//!
//! Everything here works on resources rendered as SCIM JSON (`serde_json::Value`), so the server
//! can map its domain rows to JSON once and reuse one implementation of filtering, PATCH,
//! projection and sorting for Users and Groups. The crate is pure (no I/O, no clock), never
//! panics, and bounds its recursion by construction, because filters and PATCH bodies come
//! straight from identity providers and are fuzzed.

#![forbid(unsafe_code)]

pub mod error;
pub mod eval;
pub mod filter;
mod json;
pub mod patch;
pub mod path;
pub mod query;
pub mod schema;

pub use error::{ScimError, ScimType};
pub use eval::{matches, validate as validate_filter};
pub use filter::{AttrPath, CompValue, CompareOp, Filter, parse_filter};
pub use patch::{PatchOperation, PatchRequest, apply_patch};
pub use path::{PatchPath, parse_path};
pub use query::{
    ListResponse, SortKey, SortOrder, compare_keys, compare_resources, list_response, project,
    sort_key,
};
pub use schema::{
    AttrType, Attribute, Mutability, Returned, Schema, Uniqueness, group_schema, user_schema,
};
