use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON request body. Any content type is read as JSON (clients often omit it); malformed
/// JSON or a wrong shape is a 400 saying where, an oversized body a 413.
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::BadRequest(format!("the request body could not be read: {rejection}"))
            }
        })?;
        if bytes.is_empty() {
            return Err(ApiError::BadRequest(
                "a JSON request body is required".to_owned(),
            ));
        }
        let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
            let path = err.path().to_string();
            let inner = err.into_inner();
            let place = if path == "." {
                String::new()
            } else {
                format!(" at '{path}'")
            };
            ApiError::BadRequest(format!("the request body is not valid{place}: {inner}"))
        })?;
        deserializer
            .end()
            .map_err(|err| ApiError::BadRequest(format!("the request body is not valid: {err}")))?;
        Ok(JsonBody(value))
    }
}
