//! Seed 000: listUsers, createUser, getUser, updateUser, deleteUser.

use accountd_core::authz::Principal;
use accountd_core::users::{PageRequest, UserInput};
use accountd_proto::{User, UserCollection, UserCreateRequest};
use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiResult;
use crate::extract::{Auth, JsonBody, ListParams, account_path};
use crate::json_bytes::JsonBytes;
use crate::openapi::{AccountUuid, PageQuery, TAG_USERS, UserId};
use crate::state::AppState;
use crate::wire;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes({
            // The real API's add-to-groups POST is routed here but is not an operation of the
            // document: the seed's user resource has GET, PUT and DELETE, and both the seed and
            // our document must agree with the `Allow` header. `openapi::finish` describes it
            // in the path's `x-real-api-post` extension.
            let (schemas, paths, methods) = routes!(get_user, update_user, delete_user);
            let methods = methods
                .post(super::memberships::add_user_to_groups)
                .fallback(user_method_not_allowed);
            (schemas, paths, methods)
        })
}

/// Other methods on a user: 405. `Allow` names the seed's methods only: POST exists here just as
/// the real API's add-to-groups call with an array body, which a seed client never sends.
async fn user_method_not_allowed(method: axum::http::Method) -> crate::error::ApiError {
    crate::error::ApiError::MethodNotAllowed {
        allow: "GET, HEAD, PUT, DELETE",
        message: format!(
            "method {method} is not allowed on this path; the Allow header lists the allowed methods"
        ),
    }
}

fn input(body: UserCreateRequest) -> UserInput {
    UserInput {
        email: body.email,
        first_name: body.first_name,
        last_name: body.last_name,
        groups: body.groups,
    }
}

/// Dynatrace List Users
///
/// Returns the users of the account, oldest first, in pages (keyset paging: a deep page costs the
/// same as the first). Service users are left out unless `service-users=true`.
#[utoipa::path(
    get,
    path = "/iam/v1/accounts/{accountUuid}/users",
    operation_id = "listUsers",
    tag = TAG_USERS,
    params(
        AccountUuid,
        PageQuery,
        ("email" = Option<String>, Query, format = Email, description = "Only the user with this email address (exact, case-insensitive); the filter travels in `nextPageKey`"),
        ("service-users" = Option<bool>, Query, description = "`true`: include service users (real API)"),
    ),
    responses(
        (status = 200, description = "A paginated list of users in the account", body = UserCollection),
        (status = 400, description = "A malformed `pageSize`, `nextPageKey` or `service-users`; a repeated parameter"),
    ),
    security(("oauth2" = ["account-idm-read"]), ("bearer" = []))
)]
async fn list_users(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path(account): Path<String>,
    RawQuery(query): RawQuery,
) -> ApiResult<JsonBytes> {
    let access = principal.idm_reader(account_path(&account)?)?;
    let params = ListParams::parse(query.as_deref())?;
    let listing = app
        .core
        .list_users(
            &access,
            PageRequest {
                size: params.page_size,
                key: params.page_key.as_deref(),
            },
            params.email.as_deref(),
            params.service_users,
        )
        .await?;
    Ok(JsonBytes::from(wire::user_json::rendered_collection(
        listing.next_page_key.as_deref(),
        listing.total,
        &listing.items,
    )))
}

/// Dynatrace Create User
///
/// Creates a user (`PENDING_INVITE`) and sends an invitation: by SMTP when configured, otherwise to
/// the outbox of the admin API.
#[utoipa::path(
    post,
    path = "/iam/v1/accounts/{accountUuid}/users",
    operation_id = "createUser",
    tag = TAG_USERS,
    params(AccountUuid),
    request_body(content = UserCreateRequest, description = "The user to create"),
    responses(
        (status = 200, description = "The user was successfully created", body = User),
        (status = 400, description = "A malformed body, an invalid email or name, or an unknown group id"),
        (status = 409, description = "A user with this email address already exists in the account"),
    ),
    security(("oauth2" = ["account-idm-write"]), ("bearer" = []))
)]
async fn create_user(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path(account): Path<String>,
    JsonBody(body): JsonBody<UserCreateRequest>,
) -> ApiResult<Json<User>> {
    let access = principal.idm_writer(account_path(&account)?)?;
    let user = app.core.create_user(&access, &input(body)).await?;
    Ok(Json(wire::user(user)))
}

/// Dynatrace Get User
///
/// Returns the user named by uid or email address.
#[utoipa::path(
    get,
    path = "/iam/v1/accounts/{accountUuid}/users/{userId}",
    operation_id = "getUser",
    tag = TAG_USERS,
    params(AccountUuid, UserId),
    responses(
        (status = 200, description = "The user details", body = User),
        (status = 404, description = "No such user in the account"),
    ),
    security(("oauth2" = ["account-idm-read"]), ("bearer" = []))
)]
async fn get_user(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path((account, user)): Path<(String, String)>,
) -> ApiResult<JsonBytes> {
    get_user_json(&app, principal, &account, &user).await
}

/// `getUser`'s path as the router matches it: its metrics label, also used by the requests the
/// `direct` module answers without the router.
pub const GET_USER_ROUTE: &str = "/iam/v1/accounts/{accountUuid}/users/{userId}";

/// `getUser` once the caller is authenticated: shared by the routed handler and the `direct`
/// module, which take the path's two segments each their own way.
pub async fn get_user_json(
    app: &AppState,
    principal: Principal,
    account: &str,
    user: &str,
) -> ApiResult<JsonBytes> {
    let access = principal.idm_reader(account_path(account)?)?;
    let user = app.core.get_user(&access, user).await?;
    Ok(JsonBytes::from(user))
}

/// Dynatrace Update User
///
/// Replaces the user's profile and group memberships. **Omitting `groups` clears every
/// membership**: to add a group, read the user first and send its groups plus the new one (or
/// use `POST .../users/{email}`, which only adds). The status is kept.
#[utoipa::path(
    put,
    path = "/iam/v1/accounts/{accountUuid}/users/{userId}",
    operation_id = "updateUser",
    tag = TAG_USERS,
    params(AccountUuid, UserId),
    request_body(content = UserCreateRequest, description = "The updated user data"),
    responses(
        (status = 200, description = "The user was successfully updated", body = User),
        (status = 400, description = "A malformed body, an invalid email or name, or an unknown group id"),
        (status = 404, description = "No such user in the account"),
        (status = 409, description = "Another user of the account has this email address"),
    ),
    security(("oauth2" = ["account-idm-write"]), ("bearer" = []))
)]
async fn update_user(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path((account, user)): Path<(String, String)>,
    JsonBody(body): JsonBody<UserCreateRequest>,
) -> ApiResult<Json<User>> {
    let access = principal.idm_writer(account_path(&account)?)?;
    Ok(Json(wire::user(
        app.core.update_user(&access, &user, &input(body)).await?,
    )))
}

/// Dynatrace Delete User
///
/// Permanently removes the user and its memberships.
#[utoipa::path(
    delete,
    path = "/iam/v1/accounts/{accountUuid}/users/{userId}",
    operation_id = "deleteUser",
    tag = TAG_USERS,
    params(AccountUuid, UserId),
    responses(
        (status = 204, description = "The user was successfully deleted"),
        (status = 404, description = "No such user in the account"),
    ),
    security(("oauth2" = ["account-idm-write"]), ("bearer" = []))
)]
async fn delete_user(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path((account, user)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let access = principal.idm_writer(account_path(&account)?)?;
    app.core.delete_user(&access, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}
