//! SCIM request bodies and responses: `application/scim+json` out, `application/scim+json` or
//! `application/json` in (RFC 7644 §3.1; clients also send no content type at all).

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::Value;

use super::error::{ScimApiError, invalid_syntax};
use accountd_scim::ScimError;

pub const SCIM_CONTENT_TYPE: &str = "application/scim+json";

/// A response with a SCIM JSON body.
pub fn scim_json(status: StatusCode, body: &Value) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(SCIM_CONTENT_TYPE),
    );
    response
}

/// A JSON object request body, as a `serde_json` value (the SCIM layer interprets it).
pub struct ScimBody(pub serde_json::Map<String, Value>);

fn acceptable(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/scim+json" || essence == "application/json" || essence.is_empty()
}

impl<S: Send + Sync> FromRequest<S> for ScimBody {
    type Rejection = ScimApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(content_type) = req.headers().get(header::CONTENT_TYPE) {
            let text = content_type.to_str().unwrap_or_default();
            if !acceptable(text) {
                return Err(ScimApiError(ScimError {
                    status: 415,
                    scim_type: None,
                    detail: format!(
                        "the request body must be application/scim+json or application/json, not '{text}'"
                    ),
                }));
            }
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ScimApiError(ScimError {
                    status: 413,
                    scim_type: None,
                    detail: format!(
                        "the request body is larger than the limit of {} bytes",
                        crate::BODY_LIMIT_BYTES
                    ),
                })
            } else {
                invalid_syntax(format!("the request body could not be read: {rejection}"))
            }
        })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(invalid_syntax("a JSON request body is required"));
        }
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(map)) => Ok(Self(map)),
            Ok(_) => Err(invalid_syntax("the request body must be a JSON object")),
            Err(err) => Err(invalid_syntax(format!(
                "the request body is not valid JSON: {err}"
            ))),
        }
    }
}
