//! The one request answered without axum's router: `GET /iam/v1/accounts/{accountUuid}/users/{userId}`,
//! the API's hottest (automation reads users one at a time: access reviews, SCIM sync checks).
//!
//! Why: for this request the router's own work was about a fifth of the server's instructions
//! (matching the path, percent-decoding both parameters into reference-counted strings, two boxed
//! service clones per request; docs/benchmarks.md, eleventh session). Here the path is split by
//! hand and the request goes to the same handler code ([`users::get_user_json`]) through the same
//! middleware ([`super::with_layers`]), recorded under the same metrics route.
//!
//! Only paths the router would hand over unchanged come here: both segments non-empty and free of
//! `%` (so percent-decoding leaves them as they are) and of `/`. Everything else, HEAD and other
//! methods included, goes to the router, which answers exactly as before.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::extract::{FromRequestParts, Request};
use axum::http::Method;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use futures_util::future::Either;
use tower::Service;

use super::users;
use crate::error::{ApiError, ApiResult};
use crate::extract::Auth;
use crate::json_bytes::JsonBytes;
use crate::state::AppState;

/// The `(accountUuid, userId)` segments of a `getUser` path, if the router would pass them on
/// as they are.
pub fn get_user_path(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix("/iam/v1/accounts/")?;
    let (account, rest) = rest.split_once('/')?;
    let user = rest.strip_prefix("users/")?;
    let plain = |segment: &str| !segment.is_empty() && !segment.contains(['/', '%']);
    (plain(account) && plain(user)).then_some((account, user))
}

/// The server's service: `getUser` requests of the plain shape to `get_user`, the rest to
/// `routed` (the router).
#[derive(Clone)]
pub struct Dispatch<R, D> {
    routed: R,
    get_user: D,
}

impl<R, D> Dispatch<R, D> {
    pub fn new(routed: R, get_user: D) -> Self {
        Self { routed, get_user }
    }
}

impl<R, D> Service<Request> for Dispatch<R, D>
where
    R: Service<Request, Response = Response, Error = Infallible>,
    D: Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<D::Future, R::Future>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // Both are always ready (axum's router is; the layered `GetUser` clones per call).
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        if request.method() == Method::GET && get_user_path(request.uri().path()).is_some() {
            Either::Left(self.get_user.call(request))
        } else {
            Either::Right(self.routed.call(request))
        }
    }
}

/// `getUser` as a service, for requests [`Dispatch`] sends it.
#[derive(Clone)]
pub struct GetUser(pub AppState);

impl Service<Request> for GetUser {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let app = self.0.clone();
        Box::pin(async move {
            // The body is not read: a GET's body means nothing here, as in the routed handler.
            let (mut parts, _body) = request.into_parts();
            Ok(get_user(&app, &mut parts).await.into_response())
        })
    }
}

/// The routed handler's steps in its order: the token (and rate limit) first, then the path.
async fn get_user(app: &AppState, parts: &mut Parts) -> ApiResult<JsonBytes> {
    let Auth(principal) = Auth::from_request_parts(parts, app).await?;
    // `Dispatch` sends only paths of this shape; anything else is a path no route has.
    let (account, user) = get_user_path(parts.uri.path()).ok_or(ApiError::RouteNotFound)?;
    users::get_user_json(app, principal, account, user).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_get_user_paths_are_split_into_their_segments() {
        let account = "7e1f0c2a-3c44-4b8a-9a55-0c1e2f3a4b5c";
        let path = format!("/iam/v1/accounts/{account}/users/5b0c1a2e-0000-4000-8000-000000000001");
        assert_eq!(
            get_user_path(&path),
            Some((account, "5b0c1a2e-0000-4000-8000-000000000001"))
        );
        // An email is a user segment too: `+`, `@` and `.` need no decoding.
        let by_email = format!("/iam/v1/accounts/{account}/users/ann+ops@example.com");
        assert_eq!(
            get_user_path(&by_email),
            Some((account, "ann+ops@example.com"))
        );
        // Not validated here: a malformed account is the handler's to refuse, as when routed.
        assert_eq!(
            get_user_path("/iam/v1/accounts/not-a-uuid/users/x"),
            Some(("not-a-uuid", "x"))
        );
    }

    #[test]
    fn other_paths_are_left_to_the_router() {
        for path in [
            "/iam/v1/accounts/a/users",
            "/iam/v1/accounts/a/users/",
            "/iam/v1/accounts/a/users/u/",
            "/iam/v1/accounts/a/users/u/groups",
            "/iam/v1/accounts/a/users/ann%40example.com",
            "/iam/v1/accounts/a%2Db/users/u",
            "/iam/v1/accounts//users/u",
            "/iam/v1/accounts/a/groups/g",
            "/iam/v1/accounts/a/service-users/u",
            "/admin/v1/accounts/a/users/u",
            "/iam/v1/accounts/a/b/users/u",
            "/IAM/v1/accounts/a/users/u",
        ] {
            assert_eq!(get_user_path(path), None, "{path}");
        }
    }

    /// The router must have no other route a plain `getUser` path could match (a static
    /// `.../users/count` would win over `{userId}` there, and be lost here), and `getUser`'s
    /// route must be the label `direct` records.
    #[test]
    fn get_user_is_the_only_route_of_its_shape() {
        let document = super::super::api_router().into_openapi();
        let shaped: Vec<&String> = document
            .paths
            .paths
            .keys()
            .filter(|path| get_user_path(path).is_some())
            .collect();
        assert_eq!(shaped, vec![users::GET_USER_ROUTE]);
        let operation = document.paths.paths[users::GET_USER_ROUTE]
            .get
            .as_ref()
            .and_then(|get| get.operation_id.as_deref());
        assert_eq!(operation, Some("getUser"));
    }
}
