//! Every REST error leaves through here: an exhaustive mapping from domain errors to status codes
//! and the seed 000 envelope `{"error":{"code":..,"message":..}}`.

use accountd_core::Error;
use accountd_proto::ErrorEnvelope;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::rate_limit::RateInfo;

/// An error answered by a REST route.
#[derive(Debug)]
pub enum ApiError {
    Domain(Error),
    /// A malformed body or query (the message says what is wrong).
    BadRequest(String),
    PayloadTooLarge,
    /// No route matches the path.
    RouteNotFound,
    /// The caller's rate limit is used up.
    RateLimited(RateInfo),
    /// The method is not served for this request (with the `Allow` header value).
    MethodNotAllowed {
        allow: &'static str,
        message: String,
    },
}

impl From<Error> for ApiError {
    fn from(err: Error) -> Self {
        Self::Domain(err)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The envelope response for a status and message.
pub fn envelope(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(ErrorEnvelope::new(status.as_u16(), message))).into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Domain(err) => domain_response(err),
            ApiError::BadRequest(message) => envelope(StatusCode::BAD_REQUEST, message),
            ApiError::PayloadTooLarge => envelope(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "the request body is larger than the limit of {} bytes",
                    crate::BODY_LIMIT_BYTES
                ),
            ),
            ApiError::RateLimited(info) => {
                let wait = info.retry_after.unwrap_or(1);
                let mut response = envelope(
                    StatusCode::TOO_MANY_REQUESTS,
                    format!(
                        "rate limit of {} requests exceeded; retry after {wait} s",
                        info.limit
                    ),
                );
                info.write_headers(response.headers_mut());
                response
            }
            ApiError::RouteNotFound => envelope(
                StatusCode::NOT_FOUND,
                "no such route: check the method and the path (GET /openapi.json lists the routes; \
                 GET /docs/ shows them)",
            ),
            ApiError::MethodNotAllowed { allow, message } => {
                let mut response = envelope(StatusCode::METHOD_NOT_ALLOWED, message);
                response
                    .headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static(allow));
                response
            }
        }
    }
}

fn domain_response(err: Error) -> Response {
    let message = err.to_string();
    match err {
        Error::NotFound(_) => envelope(StatusCode::NOT_FOUND, message),
        Error::Conflict(_) => envelope(StatusCode::CONFLICT, message),
        Error::Invalid { .. } => envelope(StatusCode::BAD_REQUEST, message),
        Error::Unauthenticated(_) => {
            let mut response = envelope(StatusCode::UNAUTHORIZED, message);
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"accountd\", error=\"invalid_token\""),
            );
            response
        }
        Error::Forbidden(_) => envelope(StatusCode::FORBIDDEN, message),
        Error::Unavailable(cause) => {
            tracing::warn!(%cause, "answering 503");
            let mut response = envelope(
                StatusCode::SERVICE_UNAVAILABLE,
                "the service is temporarily unavailable; retry shortly",
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            response
        }
        Error::Internal(cause) => {
            let error_id = uuid::Uuid::new_v4();
            tracing::error!(%error_id, %cause, "internal error");
            envelope(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!(
                    "internal server error (error id {error_id}); the cause is in the server log"
                ),
            )
        }
    }
}

/// The 401 for a request with no usable `Authorization` header.
pub fn missing_token(message: &str) -> ApiError {
    ApiError::Domain(Error::Unauthenticated(message.to_owned()))
}
