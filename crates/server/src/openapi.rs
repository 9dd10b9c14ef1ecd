//! The served OpenAPI 3.1 document (`GET /openapi.json`, `/openapi.yaml`) and the docs page
//! (`GET /docs`).
//!
//! Each handler declares its path, parameters, body and responses with `#[utoipa::path]`, and the
//! router registers it through `utoipa_axum::routes!`, so a route cannot be served without being
//! documented (or documented under another path). This module adds what every operation of a kind
//! shares (the error envelope on every error, 401/403/429 on every OAuth-protected operation,
//! 400/413 wherever a body is read, 500/503 wherever the database is), the security schemes and the
//! tags. The document is a superset of seed 000 (`tests/openapi.rs` checks it against the seed).

use std::sync::OnceLock;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::security::{
    ClientCredentials, Flow, HttpAuthScheme, HttpBuilder, OAuth2, Scopes, SecurityScheme,
};
use utoipa::openapi::{
    ContentBuilder, HeaderBuilder, OpenApi, Ref, RefOr, ResponseBuilder, Server,
};
use utoipa::{IntoParams, Modify, OpenApi as _};

use crate::error::envelope;

/// The four OAuth scopes and what they allow.
pub const SCOPES: [(&str, &str); 4] = [
    (
        "account-idm-read",
        "Read users, groups, memberships, permissions, service users and the audit log",
    ),
    (
        "account-idm-write",
        "Create, change and delete users, groups, memberships, permissions and service users",
    ),
    ("account-env-read", "Read the account's environments"),
    (
        "account-env-write",
        "Change environment settings; also accepted for tenant-scoped permission writes",
    ),
];

pub const TAG_USERS: &str = "Users";
pub const TAG_GROUPS: &str = "Groups";
pub const TAG_PERMISSIONS: &str = "Permissions";
pub const TAG_ENVIRONMENTS: &str = "Environments";
pub const TAG_MEMBERSHIPS: &str = "Memberships";
pub const TAG_GROUP_PERMISSIONS: &str = "Group permissions";
pub const TAG_SERVICE_USERS: &str = "Service users";
pub const TAG_AUDIT: &str = "Audit";
pub const TAG_OAUTH: &str = "OAuth";
pub const TAG_INVITATIONS: &str = "Invitations";
pub const TAG_ADMIN: &str = "Admin";
pub const TAG_OPERATIONS: &str = "Operations";

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "accountd: Dynatrace Account Management API",
        description = "The Dynatrace Account Management API as accountd serves it: every operation of \
the seed specification (users, groups, permissions, environments) with the same operation ids, \
parameters, bodies and responses, plus the membership, group-permission and service-user routes \
of the real API, the OAuth2 token endpoint, the audit log, the admin API and health checks.\n\n\
Beyond the seed: duplicates answer 409; malformed query parameters and bodies answer 400 on every \
operation; bodies over 1 MiB answer 413; rate limits (when configured) answer 429 with \
`Retry-After`; an unavailable database answers 503. Every error body is \
`{\"error\": {\"code\": <status>, \"message\": \"...\"}}` (the token endpoint answers RFC 6749 \
errors). Get a token with `POST /sso/oauth2/token` (client credentials).",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    tags(
        (name = "Users", description = "Operations for managing account users (seed)"),
        (name = "Groups", description = "Operations for managing user groups (seed)"),
        (name = "Permissions", description = "Operations for querying account-level permissions (seed)"),
        (name = "Environments", description = "Operations for listing environments in the account (seed)"),
        (name = "Memberships", description = "Group membership, from the group side (seed 002) and the user side (real API)"),
        (name = "Group permissions", description = "The permissions of a group (real API)"),
        (name = "Service users", description = "Service users: listing as seed 003, CRUD as the real API"),
        (name = "Audit", description = "Every change to the account (accountd)"),
        (name = "OAuth", description = "The OAuth2 client-credentials token endpoint"),
        (name = "Invitations", description = "Accepting an invitation (the link in the invitation message)"),
        (name = "Admin", description = "The admin API (accountd): what Dynatrace manages in its UI. Off unless accountd runs with --admin-token"),
        (name = "Operations", description = "Health checks, metrics and this document"),
    ),
)]
struct ApiDoc;

/// The document without the routes: info, tags, security schemes, and the modifiers that run
/// after the routes are added (see [`finish`]).
pub fn base() -> OpenApi {
    ApiDoc::openapi()
}

/// Applies the cross-cutting parts once every route has been merged in.
pub fn finish(mut api: OpenApi) -> OpenApi {
    real_api_post(&mut api);
    SharedResponses.modify(&mut api);
    SecuritySchemes.modify(&mut api);
    api.servers = Some(vec![Server::new("/")]);
    api
}

/// The document served at `/openapi.json`: the routes of [`crate::routes::api_router`].
pub fn document() -> OpenApi {
    finish(crate::routes::api_router().into_openapi())
}

/// The user path's POST (the real API's add-to-groups call) as the extension `x-real-api-post`:
/// described with everything an operation has, but not an operation of the document, because the
/// seed's user resource has no POST (see `routes::users`).
fn real_api_post(api: &mut OpenApi) {
    let path = crate::routes::add_user_to_groups_path();
    let path = path.as_str();
    let mut operation = crate::routes::add_user_to_groups_operation();
    // The shared error responses, as on every other operation.
    let mut scratch = OpenApi::default();
    let mut item = PathItem::default();
    item.post = Some(operation.clone());
    scratch.paths.paths.insert(path.to_owned(), item);
    SharedResponses.modify(&mut scratch);
    if let Some(post) = scratch
        .paths
        .paths
        .get_mut(path)
        .and_then(|item| item.post.take())
    {
        operation = post;
    }
    let Ok(value) = serde_json::to_value(&operation) else {
        return;
    };
    if let Some(item) = api.paths.paths.get_mut(path) {
        item.description = Some(
            "A user of the account. Besides the seed's GET, PUT and DELETE, this path serves the real \
             API's add-to-groups call: `POST` with a JSON array of group ids (201). It is described in \
             `x-real-api-post` rather than as an operation because the seed declares no POST on a \
             user; a POST whose body is not a JSON array is answered 405."
                .to_owned(),
        );
        let extensions = item.extensions.get_or_insert_with(Default::default);
        extensions.insert("x-real-api-post".to_owned(), value);
    }
}

struct Rendered {
    json: String,
    yaml: String,
}

fn rendered() -> Result<&'static Rendered, String> {
    static RENDERED: OnceLock<Result<Rendered, String>> = OnceLock::new();
    RENDERED
        .get_or_init(|| {
            let api = document();
            let json = serde_json::to_string_pretty(&api).map_err(|e| e.to_string())?;
            let yaml = yaml_serde::to_string(&api).map_err(|e| e.to_string())?;
            Ok(Rendered { json, yaml })
        })
        .as_ref()
        .map_err(Clone::clone)
}

fn serve(content_type: &'static str, pick: fn(&'static Rendered) -> &'static str) -> Response {
    match rendered() {
        Ok(docs) => (
            [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
            pick(docs),
        )
            .into_response(),
        Err(cause) => {
            tracing::error!(%cause, "cannot render the OpenAPI document");
            envelope(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the OpenAPI document could not be rendered; the cause is in the server log",
            )
        }
    }
}

/// This document, as JSON.
#[utoipa::path(
    get,
    path = "/openapi.json",
    operation_id = "getOpenApiJson",
    tag = TAG_OPERATIONS,
    responses((status = 200, description = "The OpenAPI 3.1 document of this server", content_type = "application/json", body = Object))
)]
pub async fn openapi_json() -> Response {
    serve("application/json", |d| d.json.as_str())
}

/// This document, as YAML.
#[utoipa::path(
    get,
    path = "/openapi.yaml",
    operation_id = "getOpenApiYaml",
    tag = TAG_OPERATIONS,
    responses((status = 200, description = "The OpenAPI 3.1 document of this server", content_type = "application/yaml", body = Object))
)]
pub async fn openapi_yaml() -> Response {
    serve("application/yaml", |d| d.yaml.as_str())
}

/// The Swagger UI page at `/docs/`, with its assets compiled into the binary (no CDN).
pub fn swagger_ui<S: Clone + Send + Sync + 'static>() -> axum::Router<S> {
    let config = utoipa_swagger_ui::Config::from("/openapi.json")
        .try_it_out_enabled(true)
        .persist_authorization(true);
    utoipa_swagger_ui::SwaggerUi::new("/docs")
        .config(config)
        .into()
}

// ---------------------------------------------------------------------------------------------
// Parameters shared by many operations (documentation only: the handlers parse the raw values and
// answer malformed ones with the documented error).

/// `{accountUuid}`.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct AccountUuid {
    /// The UUID of the Dynatrace account. A malformed or foreign account is a 403.
    #[param(
        rename = "accountUuid",
        format = "uuid",
        example = "6a2d1f1e-3c44-4b8a-9a55-0c1e2f3a4b5c"
    )]
    account_uuid: String,
}

/// `{accountUuid}` of the admin API.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct AdminAccountUuid {
    /// The UUID of the account. A malformed or unknown one is a 404.
    #[param(rename = "accountUuid", format = "uuid")]
    account_uuid: String,
}

/// `{userId}`.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct UserId {
    /// The user's uid (a UUID) or email address (matched case-insensitively). Anything else names
    /// no user: 404.
    #[param(rename = "userId", example = "jane.doe@example.com")]
    user_id: String,
}

/// `{groupId}`.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct GroupId {
    /// The unique identifier of the group (a UUID). Anything else names no group: 404.
    #[param(rename = "groupId")]
    group_id: String,
}

/// `pageSize` and `nextPageKey` of the seed's paged listings.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct PageQuery {
    /// The number of items per page.
    #[param(
        rename = "pageSize",
        nullable = false,
        value_type = Option<i64>,
        minimum = 1,
        maximum = 1000,
        default = 100,
        example = 100
    )]
    page_size: Option<u32>,
    /// The key of the next page, exactly as the previous page returned it (base64url). When it is
    /// sent, every other query parameter except `pageSize` is ignored. A malformed, altered or
    /// foreign key is a 400: start again from the first page.
    #[param(
        rename = "nextPageKey",
        nullable = false,
        min_length = 64,
        max_length = 1024,
        pattern = "^[A-Za-z0-9_-]+$"
    )]
    next_page_key: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Modifiers.

/// Error responses every operation of a kind shares, and the error envelope on every error
/// response that does not name its own body.
struct SharedResponses;

const OAUTH: &str = "oauth2";
const BEARER: &str = "bearer";
const ADMIN: &str = "adminToken";

fn error_response(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorEnvelope")))
                .build(),
        )
        .build()
}

fn header_doc(
    description: &str,
    schema: utoipa::openapi::schema::Type,
) -> RefOr<utoipa::openapi::Header> {
    RefOr::T(
        HeaderBuilder::new()
            .schema(Some(
                utoipa::openapi::ObjectBuilder::new().schema_type(schema),
            ))
            .description(Some(description))
            .build(),
    )
}

fn default_description(status: &str) -> &'static str {
    match status {
        "400" => "Bad request: a malformed query parameter or body; the message says what to fix",
        "401" => "Unauthorized: missing, invalid or expired access token",
        "403" => {
            "Forbidden: the token lacks the required scope, or is for another (or a malformed) account"
        }
        "404" => "Not found",
        "405" => "Method not allowed",
        "409" => "Conflict",
        "413" => "The request body is larger than 1 MiB",
        "429" => "Too many requests: the rate limit is used up; retry after `Retry-After` seconds",
        "500" => "Internal server error (the message carries an error id; the cause is in the log)",
        "503" => "The database is unavailable; retry after `Retry-After` seconds",
        _ => "Error",
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        item.get.as_mut(),
        item.put.as_mut(),
        item.post.as_mut(),
        item.delete.as_mut(),
        item.patch.as_mut(),
        item.head.as_mut(),
        item.options.as_mut(),
        item.trace.as_mut(),
    ]
    .into_iter()
    .flatten()
}

fn uses(operation: &Operation, scheme: &str) -> bool {
    operation.security.iter().flatten().any(|requirement| {
        serde_json::to_value(requirement)
            .ok()
            .and_then(|v| v.as_object().map(|o| o.contains_key(scheme)))
            .unwrap_or(false)
    })
}

impl Modify for SharedResponses {
    fn modify(&self, api: &mut OpenApi) {
        for (path, item) in api.paths.paths.iter_mut() {
            let store_backed = ["/iam/", "/env/", "/audit/", "/admin/", "/invite/"]
                .iter()
                .any(|prefix| path.starts_with(prefix));
            for operation in operations(item) {
                let mut add = Vec::new();
                if uses(operation, OAUTH) {
                    add.extend(["401", "403", "429"]);
                }
                if uses(operation, ADMIN) {
                    add.extend(["401", "404"]);
                }
                if operation.request_body.is_some() {
                    add.extend(["400", "413"]);
                }
                if store_backed {
                    add.extend(["500", "503"]);
                }
                let responses = &mut operation.responses.responses;
                for status in add {
                    responses
                        .entry(status.to_owned())
                        .or_insert_with(|| RefOr::T(error_response(default_description(status))));
                }
                for (status, response) in responses.iter_mut() {
                    let RefOr::T(response) = response else {
                        continue;
                    };
                    if !(status.starts_with('4') || status.starts_with('5')) {
                        continue;
                    }
                    if response.content.is_empty() {
                        response.content.insert(
                            "application/json".to_owned(),
                            RefOr::T(
                                ContentBuilder::new()
                                    .schema(Some(Ref::from_schema_name("ErrorEnvelope")))
                                    .build(),
                            ),
                        );
                    }
                    use utoipa::openapi::schema::Type;
                    match status.as_str() {
                        "401" => {
                            response
                                .headers
                                .entry("WWW-Authenticate".to_owned())
                                .or_insert_with(|| {
                                    header_doc(
                                        "`Bearer realm=\"accountd\"` (RFC 6750)",
                                        Type::String,
                                    )
                                });
                        }
                        "405" => {
                            response
                                .headers
                                .entry("Allow".to_owned())
                                .or_insert_with(|| {
                                    header_doc("The methods the path supports", Type::String)
                                });
                        }
                        "429" | "503" => {
                            response
                                .headers
                                .entry("Retry-After".to_owned())
                                .or_insert_with(|| {
                                    header_doc("Seconds to wait before retrying", Type::Integer)
                                });
                        }
                        _ => {}
                    }
                }
            }
        }
        let components = api.components.get_or_insert_with(Default::default);
        use utoipa::PartialSchema as _;
        components
            .schemas
            .entry("ErrorEnvelope".to_owned())
            .or_insert_with(accountd_proto::ErrorEnvelope::schema);
        components
            .schemas
            .entry("Error".to_owned())
            .or_insert_with(accountd_proto::ErrorBody::schema);
    }
}

/// OAuth2 client credentials (token URL on this server, the four scopes), plain bearer tokens, and
/// the admin token.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, api: &mut OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        let scopes = Scopes::from_iter(SCOPES);
        components.add_security_scheme(
            OAUTH,
            SecurityScheme::OAuth2(OAuth2::with_description(
                [Flow::ClientCredentials(ClientCredentials::new(
                    "/sso/oauth2/token",
                    scopes,
                ))],
                "OAuth 2.0 client credentials: POST the client id and secret to /sso/oauth2/token \
                 (optionally with `scope` and `resource=urn:dtaccount:<account uuid>`) and send the \
                 access token as `Authorization: Bearer <token>`. Reads need `account-idm-read` \
                 (`account-env-read` for environments), writes `account-idm-write`.",
            )),
        );
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "An access token from POST /sso/oauth2/token, sent as `Authorization: Bearer <token>`.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            ADMIN,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The admin token accountd was started with (--admin-token), sent as \
                         `Authorization: Bearer <admin token>`.",
                    ))
                    .build(),
            ),
        );
    }
}
