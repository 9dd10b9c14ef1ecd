//! `POST /sso/oauth2/token`: the client-credentials grant (RFC 6749 §4.4, errors per §5.2).

use accountd_core::oauth::{GrantError, GrantRequest};
use accountd_core::secret::Secret;
use accountd_proto::{OAuthErrorResponse, TokenRequest, TokenResponse};
use axum::Json;
use axum::body::Bytes;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequest, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(issue_token))
}

fn oauth_error(status: StatusCode, code: &str, description: impl Into<String>) -> Response {
    let mut response = (
        status,
        Json(OAuthErrorResponse {
            error: code.to_owned(),
            error_description: description.into(),
        }),
    )
        .into_response();
    no_store(response.headers_mut());
    response
}

/// RFC 6749 §5.1: token responses must not be cached.
fn no_store(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}

fn invalid_request(description: impl Into<String>) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, "invalid_request", description)
}

/// Credentials from `Authorization: Basic` (RFC 6749 §2.3.1: both parts form-urlencoded).
/// The error is the `invalid_request` description.
fn basic_credentials(headers: &HeaderMap) -> Result<Option<(String, String)>, &'static str> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let malformed = || "the Authorization header must be 'Basic base64(client_id:client_secret)'";
    let text = value.to_str().map_err(|_| malformed())?;
    let (scheme, encoded) = text.split_once(' ').ok_or_else(malformed)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(malformed());
    }
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| malformed())?;
    let decoded = String::from_utf8(decoded).map_err(|_| malformed())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(malformed)?;
    let unescape = |part: &str| {
        form_urlencoded::parse(format!("x={part}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
    };
    Ok(Some((
        unescape(id).unwrap_or_default(),
        unescape(secret).unwrap_or_default(),
    )))
}

/// Get an access token
///
/// The OAuth2 client-credentials grant (RFC 6749 §4.4). The client credentials come in the form
/// or as HTTP Basic (`Authorization: Basic base64(client_id:client_secret)`), not both. The token
/// is bound to the client's account (or the one `resource` names, which must be the same).
/// Failed client authentications are counted per address; past the limit the address gets 429
/// `slow_down`.
#[utoipa::path(
    post,
    path = "/sso/oauth2/token",
    operation_id = "getToken",
    tag = crate::openapi::TAG_OAUTH,
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded", description = "The token request"),
    responses(
        (status = 200, description = "The access token", body = TokenResponse,
            headers(("Cache-Control" = String, description = "`no-store`"))),
        (status = 400, description = "`invalid_request`, `unsupported_grant_type`, `invalid_scope` or `invalid_target`", body = OAuthErrorResponse),
        (status = 401, description = "`invalid_client`: unknown client or wrong secret", body = OAuthErrorResponse,
            headers(("WWW-Authenticate" = String, description = "`Basic realm=\"accountd\"` when HTTP Basic was used"))),
        (status = 413, description = "The request body is larger than 1 MiB", body = OAuthErrorResponse),
        (status = 429, description = "`slow_down`: too many failed client authentications from this address", body = OAuthErrorResponse,
            headers(("Retry-After" = i64, description = "Seconds to wait"))),
        (status = 500, description = "`server_error`", body = OAuthErrorResponse),
        (status = 503, description = "`server_error`: the database is unavailable", body = OAuthErrorResponse),
    )
)]
async fn issue_token(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    if let Some(wait) = app.auth_failures.blocked_for(peer.ip()) {
        crate::metrics::record_rate_limited("auth_failure");
        return too_many_failures(wait);
    }
    let headers = request.headers().clone();
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type
        .to_ascii_lowercase()
        .starts_with("application/x-www-form-urlencoded")
    {
        return invalid_request(
            "the token request must be sent as application/x-www-form-urlencoded",
        );
    }
    let body = match Bytes::from_request(request, &()).await {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return oauth_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "invalid_request",
                "the request body is too large",
            );
        }
        Err(_) => return invalid_request("the request body could not be read"),
    };

    let mut fields: Vec<(String, String)> = Vec::new();
    for (name, value) in form_urlencoded::parse(&body) {
        if fields.iter().any(|(seen, _)| *seen == name) {
            return invalid_request(format!("the parameter '{name}' was sent more than once"));
        }
        fields.push((name.into_owned(), value.into_owned()));
    }
    let field = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };

    let basic = match basic_credentials(&headers) {
        Ok(basic) => basic,
        Err(description) => return invalid_request(description),
    };
    let (client_id, client_secret, via_basic) = match basic {
        Some(_) if field("client_secret").is_some() => {
            return invalid_request(
                "send the client credentials either with HTTP Basic or in the body, not both",
            );
        }
        Some((id, secret)) => (Some(id), Some(secret), true),
        None => (field("client_id"), field("client_secret"), false),
    };

    let grant = GrantRequest {
        grant_type: field("grant_type"),
        client_id,
        client_secret: client_secret.map(Secret::new),
        scope: field("scope"),
        resource: field("resource"),
        via_basic,
    };
    match app.core.grant_token(grant).await {
        Ok(token) => {
            crate::metrics::record_token_grant("ok");
            let mut response = Json(TokenResponse {
                access_token: token.access_token,
                token_type: "Bearer".to_owned(),
                expires_in: token.expires_in,
                scope: token.scopes.to_space_separated(),
                resource: format!("{}{}", accountd_core::token::RESOURCE_PREFIX, token.account),
            })
            .into_response();
            no_store(response.headers_mut());
            response
        }
        Err(err @ GrantError::InvalidClient { .. }) => {
            match app.auth_failures.record_failure(peer.ip()) {
                Some(wait) => {
                    crate::metrics::record_token_grant("invalid_client");
                    crate::metrics::record_rate_limited("auth_failure");
                    too_many_failures(wait)
                }
                None => grant_error(err),
            }
        }
        Err(err) => grant_error(err),
    }
}

/// Brute-force protection: this address failed client authentication too often.
fn too_many_failures(wait: u64) -> Response {
    let mut response = oauth_error(
        StatusCode::TOO_MANY_REQUESTS,
        "slow_down",
        format!("too many failed client authentications from this address; retry after {wait} s"),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(wait));
    response
}

fn grant_error(err: GrantError) -> Response {
    let code = err.code();
    crate::metrics::record_token_grant(code);
    match err {
        GrantError::InvalidClient { message, via_basic } => {
            let mut response = oauth_error(StatusCode::UNAUTHORIZED, code, message);
            if via_basic {
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Basic realm=\"accountd\""),
                );
            }
            response
        }
        GrantError::InvalidRequest(message)
        | GrantError::UnsupportedGrantType(message)
        | GrantError::InvalidScope(message)
        | GrantError::InvalidTarget(message) => oauth_error(StatusCode::BAD_REQUEST, code, message),
        GrantError::Store(inner) => {
            let error_id = uuid::Uuid::new_v4();
            tracing::error!(%error_id, cause = %inner, "token endpoint failed");
            let status = match inner {
                accountd_core::Error::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            oauth_error(
                status,
                "server_error",
                format!("the server could not issue a token (error id {error_id})"),
            )
        }
    }
}
