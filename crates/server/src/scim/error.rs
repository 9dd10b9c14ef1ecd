//! Every SCIM error leaves through here, in RFC 7644 §3.12's error schema (`status` as a
//! string, `scimType` where the RFC defines one) with `Content-Type: application/scim+json`.
//! Domain errors are mapped exhaustively; internal ones are opaque.

use accountd_core::Error;
use accountd_scim::{ScimError, ScimType};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::body::scim_json;

/// An error answered by a SCIM route.
#[derive(Debug)]
pub struct ScimApiError(pub ScimError);

pub type ScimResult<T> = Result<T, ScimApiError>;

impl From<ScimError> for ScimApiError {
    fn from(err: ScimError) -> Self {
        Self(err)
    }
}

impl From<Error> for ScimApiError {
    fn from(err: Error) -> Self {
        Self(match err {
            Error::NotFound(detail) => ScimError::not_found(detail),
            Error::Conflict(detail) => {
                // Ownership rules are conflicts too, but only a taken name is `uniqueness`.
                let mut error = ScimError::uniqueness(detail);
                if !error.detail.contains("already exists") {
                    error.scim_type = None;
                }
                error
            }
            Error::Invalid { field, reason } => {
                ScimError::invalid_value(format!("{field}: {reason}"))
            }
            Error::Unauthenticated(detail) => ScimError::unauthorized(detail),
            Error::Forbidden(detail) => ScimError {
                status: 403,
                scim_type: None,
                detail,
            },
            Error::Unavailable(detail) => {
                tracing::warn!(%detail, "SCIM request answered 503");
                ScimError {
                    status: 503,
                    scim_type: None,
                    detail: "the service is temporarily unavailable; retry shortly".to_owned(),
                }
            }
            Error::Internal(detail) => {
                tracing::error!(%detail, "internal error on a SCIM route");
                ScimError {
                    status: 500,
                    scim_type: None,
                    detail: "internal error".to_owned(),
                }
            }
        })
    }
}

impl IntoResponse for ScimApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = scim_json(status, &self.0.to_json());
        match status {
            StatusCode::UNAUTHORIZED => {
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"scim\""),
                );
            }
            StatusCode::SERVICE_UNAVAILABLE => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            _ => {}
        }
        response
    }
}

/// A request with no route under a SCIM base path.
pub fn unknown_endpoint() -> ScimApiError {
    ScimApiError(ScimError::not_found(
        "no such SCIM endpoint: the base serves /Users, /Groups, /Bulk, /.search, \
         /ServiceProviderConfig, /ResourceTypes and /Schemas",
    ))
}

/// `invalidSyntax` for a body that is not the expected JSON.
pub fn invalid_syntax(detail: impl Into<String>) -> ScimApiError {
    ScimApiError(ScimError {
        status: 400,
        scim_type: Some(ScimType::InvalidSyntax),
        detail: detail.into(),
    })
}
