//! A response whose JSON body is already written (see `wire::user_json`).

use accountd_core::user_json::{UserJson, UserJsonBytes};
use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// JSON bytes sent as they are, with `Content-Type: application/json`.
pub struct JsonBytes(pub Body);

impl From<Vec<u8>> for JsonBytes {
    fn from(bytes: Vec<u8>) -> Self {
        Self(Body::from(bytes))
    }
}

impl From<UserJson> for JsonBytes {
    /// Without a copy: a user shared with the store's cache is sent from the cache's bytes.
    fn from(user: UserJson) -> Self {
        Self(match user.into_inner() {
            UserJsonBytes::Owned(bytes) => Body::from(bytes),
            UserJsonBytes::Shared(bytes) => Body::from(Bytes::from_owner(bytes)),
        })
    }
}

impl IntoResponse for JsonBytes {
    fn into_response(self) -> Response {
        let mut response = Response::new(self.0);
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    }
}
