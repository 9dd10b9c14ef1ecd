//! ETags (RFC 7644 §3.14): `meta.version` in the body and the `ETag` header; `If-Match` on a
//! change must name the current version (or `*`), else 412.

use accountd_scim::ScimError;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use serde_json::Value;

use super::resource::version;

/// The opaque part of an entity tag, weak or strong (`W/"x"` and `"x"` compare equal: SCIM
/// versions are weak).
fn opaque(tag: &str) -> &str {
    tag.trim().trim_start_matches("W/").trim_matches('"')
}

/// Refuses a change whose `If-Match` does not name the resource's current version.
pub fn check_if_match(headers: &HeaderMap, current: &Value) -> Result<(), ScimError> {
    let Some(wanted) = headers.get(header::IF_MATCH) else {
        return Ok(());
    };
    let wanted = wanted.to_str().unwrap_or_default();
    let current = version(current).map(opaque).unwrap_or_default();
    if wanted
        .split(',')
        .any(|tag| tag.trim() == "*" || opaque(tag) == current)
    {
        Ok(())
    } else {
        Err(ScimError::precondition_failed(format!(
            "the resource's version is W/\"{current}\", not {wanted}: read it again and retry"
        )))
    }
}

/// Adds the resource's version as the `ETag` header.
pub fn with_etag(mut response: Response, resource: &Value) -> Response {
    if let Some(tag) = version(resource).and_then(|v| HeaderValue::from_str(v).ok()) {
        response.headers_mut().insert(header::ETAG, tag);
    }
    response
}
