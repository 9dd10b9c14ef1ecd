use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON object request body. Any content type is read as JSON (clients often omit it);
/// malformed JSON, an array or scalar where an object belongs, or a wrong shape is a 400 saying
/// where; an oversized body is a 413.
pub struct JsonBody<T>(pub T);

/// A JSON array request body (membership and permission lists).
pub struct JsonArray<T>(pub Vec<T>);

/// The body of the real API's `POST .../users/{email}` (add the user to groups): a JSON array of
/// group ids. The seed declares no POST on a user, so any other body (none, an object, a scalar)
/// is a request for a method the seed's user resource does not have: 405 with
/// `Allow: GET, HEAD, PUT, DELETE`.
pub struct UserGroupsBody(pub Vec<String>);

#[derive(Clone, Copy)]
enum Shape {
    Object,
    Array,
    ArrayOr405,
}

async fn read<T: DeserializeOwned, S: Send + Sync>(
    req: Request,
    state: &S,
    shape: Shape,
) -> Result<T, ApiError> {
    let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge
        } else {
            ApiError::BadRequest(format!("the request body could not be read: {rejection}"))
        }
    })?;
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if matches!(shape, Shape::ArrayOr405) && first != Some(&b'[') {
        return Err(ApiError::MethodNotAllowed {
            allow: "GET, HEAD, PUT, DELETE",
            message: "POST on a user is only the real API's 'add to groups' call, whose body is a \
                      JSON array of group ids; to change a user, use PUT"
                .to_owned(),
        });
    }
    let Some(first) = first else {
        return Err(ApiError::BadRequest(
            "a JSON request body is required".to_owned(),
        ));
    };
    // serde's derived structs also accept arrays of field values; the API's bodies are objects.
    match (shape, first) {
        (Shape::Object, b'{') | (Shape::Array | Shape::ArrayOr405, b'[') => {}
        (Shape::Object, _) => {
            return Err(ApiError::BadRequest(
                "the request body must be a JSON object".to_owned(),
            ));
        }
        (Shape::Array | Shape::ArrayOr405, _) => {
            return Err(ApiError::BadRequest(
                "the request body must be a JSON array".to_owned(),
            ));
        }
    }
    let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        let place = if path == "." || path == "?" {
            String::new()
        } else {
            format!(" at '{path}'")
        };
        ApiError::BadRequest(format!("the request body is not valid{place}: {inner}"))
    })?;
    deserializer
        .end()
        .map_err(|err| ApiError::BadRequest(format!("the request body is not valid: {err}")))?;
    Ok(value)
}

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        read(req, state, Shape::Object).await.map(JsonBody)
    }
}

impl<S, T> FromRequest<S> for JsonArray<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        read(req, state, Shape::Array).await.map(JsonArray)
    }
}

impl<S> FromRequest<S> for UserGroupsBody
where
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        read(req, state, Shape::ArrayOr405)
            .await
            .map(UserGroupsBody)
    }
}
