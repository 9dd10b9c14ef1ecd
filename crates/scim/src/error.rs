//! The SCIM error response (RFC 7644 §3.12).
//!
//! Every fallible function in this crate returns [`ScimError`], already carrying the HTTP status
//! and the `scimType` the RFC prescribes, so the server renders it without having to know which
//! parser or operation failed.

use std::fmt;

use serde_json::{Map, Value};

use crate::schema::ERROR;

/// The `scimType` keywords of RFC 7644 §3.12, Table 9.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScimType {
    InvalidFilter,
    TooMany,
    Uniqueness,
    Mutability,
    InvalidSyntax,
    InvalidPath,
    NoTarget,
    InvalidValue,
    InvalidVers,
    Sensitive,
}

impl ScimType {
    /// The keyword exactly as RFC 7644 §3.12 spells it on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidFilter => "invalidFilter",
            Self::TooMany => "tooMany",
            Self::Uniqueness => "uniqueness",
            Self::Mutability => "mutability",
            Self::InvalidSyntax => "invalidSyntax",
            Self::InvalidPath => "invalidPath",
            Self::NoTarget => "noTarget",
            Self::InvalidValue => "invalidValue",
            Self::InvalidVers => "invalidVers",
            Self::Sensitive => "sensitive",
        }
    }
}

impl fmt::Display for ScimType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A SCIM error: HTTP status, optional `scimType`, and a human-readable detail.
///
/// The detail is written for the administrator reading an identity provider's provisioning log,
/// so it names the attribute, offset or operation at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimError {
    pub status: u16,
    pub scim_type: Option<ScimType>,
    pub detail: String,
}

impl ScimError {
    fn bad_request(scim_type: ScimType, detail: impl Into<String>) -> Self {
        Self {
            status: 400,
            scim_type: Some(scim_type),
            detail: detail.into(),
        }
    }

    /// 400 `invalidFilter`: the filter syntax was invalid or the operator does not fit the
    /// attribute (e.g. `gt` on a boolean).
    pub fn invalid_filter(detail: impl Into<String>) -> Self {
        Self::bad_request(ScimType::InvalidFilter, detail)
    }

    /// 400 `invalidPath`: a PATCH `path` is malformed.
    pub fn invalid_path(detail: impl Into<String>) -> Self {
        Self::bad_request(ScimType::InvalidPath, detail)
    }

    /// 400 `noTarget`: a PATCH path selected nothing where something was required.
    pub fn no_target(detail: impl Into<String>) -> Self {
        Self::bad_request(ScimType::NoTarget, detail)
    }

    /// 400 `invalidValue`: a value is missing, of the wrong type, or otherwise unacceptable.
    pub fn invalid_value(detail: impl Into<String>) -> Self {
        Self::bad_request(ScimType::InvalidValue, detail)
    }

    /// 400 `invalidSyntax`: the request body does not follow the message schema.
    pub fn invalid_syntax(detail: impl Into<String>) -> Self {
        Self::bad_request(ScimType::InvalidSyntax, detail)
    }

    /// 400 `mutability`: the request would change a readOnly or immutable attribute.
    pub fn mutability(detail: impl Into<String>) -> Self {
        Self::bad_request(ScimType::Mutability, detail)
    }

    /// 409 `uniqueness`: a unique attribute value is already taken (RFC 7644 §3.3).
    pub fn uniqueness(detail: impl Into<String>) -> Self {
        Self {
            status: 409,
            scim_type: Some(ScimType::Uniqueness),
            detail: detail.into(),
        }
    }

    /// 400 `tooMany`: the request asks for more than the server is willing to process.
    pub fn too_many(detail: impl Into<String>) -> Self {
        Self::bad_request(ScimType::TooMany, detail)
    }

    /// 404 without a `scimType`: the resource or endpoint does not exist.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self {
            status: 404,
            scim_type: None,
            detail: detail.into(),
        }
    }

    /// 412 without a `scimType`: an `If-Match` version did not match (RFC 7644 §3.14).
    pub fn precondition_failed(detail: impl Into<String>) -> Self {
        Self {
            status: 412,
            scim_type: None,
            detail: detail.into(),
        }
    }

    /// 401 without a `scimType`: no or bad credentials.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self {
            status: 401,
            scim_type: None,
            detail: detail.into(),
        }
    }

    /// The error body of RFC 7644 §3.12. `status` is a string there, not a number, and
    /// `scimType` is left out when there is none.
    pub fn to_json(&self) -> Value {
        let mut body = Map::new();
        body.insert("schemas".to_owned(), Value::from(vec![ERROR]));
        body.insert("status".to_owned(), Value::from(self.status.to_string()));
        if let Some(scim_type) = self.scim_type {
            body.insert("scimType".to_owned(), Value::from(scim_type.as_str()));
        }
        body.insert("detail".to_owned(), Value::from(self.detail.as_str()));
        Value::Object(body)
    }
}

impl fmt::Display for ScimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.scim_type {
            Some(scim_type) => write!(f, "{} {}: {}", self.status, scim_type, self.detail),
            None => write!(f, "{}: {}", self.status, self.detail),
        }
    }
}

impl std::error::Error for ScimError {}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn body_has_string_status_and_scim_type() {
        let err = ScimError::invalid_filter("bad");
        assert_eq!(
            err.to_json(),
            json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
                "status": "400",
                "scimType": "invalidFilter",
                "detail": "bad"
            })
        );
    }

    #[test]
    fn scim_type_is_omitted_when_none() {
        let body = ScimError::not_found("no such user").to_json();
        assert_eq!(body["status"], "404");
        assert!(body.get("scimType").is_none());
    }

    #[test]
    fn constructors_pick_the_rfc_status() {
        assert_eq!(ScimError::uniqueness("x").status, 409);
        assert_eq!(ScimError::precondition_failed("x").status, 412);
        assert_eq!(ScimError::unauthorized("x").status, 401);
        assert_eq!(ScimError::too_many("x").status, 400);
        assert_eq!(
            ScimError::mutability("x").scim_type,
            Some(ScimType::Mutability)
        );
    }

    #[test]
    fn keywords_are_camel_case() {
        let all = [
            (ScimType::InvalidFilter, "invalidFilter"),
            (ScimType::TooMany, "tooMany"),
            (ScimType::Uniqueness, "uniqueness"),
            (ScimType::Mutability, "mutability"),
            (ScimType::InvalidSyntax, "invalidSyntax"),
            (ScimType::InvalidPath, "invalidPath"),
            (ScimType::NoTarget, "noTarget"),
            (ScimType::InvalidValue, "invalidValue"),
            (ScimType::InvalidVers, "invalidVers"),
            (ScimType::Sensitive, "sensitive"),
        ];
        for (scim_type, text) in all {
            assert_eq!(scim_type.as_str(), text);
        }
    }

    #[test]
    fn display_names_status_type_and_detail() {
        assert_eq!(
            ScimError::no_target("nothing").to_string(),
            "400 noTarget: nothing"
        );
        assert_eq!(ScimError::not_found("gone").to_string(), "404: gone");
    }
}
