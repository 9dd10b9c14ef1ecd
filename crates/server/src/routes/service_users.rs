//! Service users: `GET .../service-users` exactly as seed 003 (`page`, `page-size`, `page-key`,
//! and `nextPageKey`, which the Terraform provider sends); CRUD as the real API.

use accountd_core::service_users::{ServiceUserInput, ServiceUserPage};
use accountd_proto::service_users::{ServiceUser, ServiceUserRequest, ServiceUsersPage};
use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, JsonBody, account_path};
use crate::openapi::{AccountUuid, TAG_SERVICE_USERS};
use crate::state::AppState;
use crate::wire;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_service_users, create_service_user))
        .routes(routes!(
            get_service_user,
            update_service_user,
            delete_service_user
        ))
}

/// `{userUuid}` of a service user.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
struct ServiceUserUuid {
    /// The uid of the service user. Anything that is not a service user's uid is a 404.
    #[param(rename = "userUuid")]
    user_uuid: String,
}

fn input(body: ServiceUserRequest) -> ServiceUserInput {
    ServiceUserInput {
        name: body.name,
        description: body.description,
    }
}

fn number(name: &str, value: &str) -> ApiResult<u32> {
    value.parse().map_err(|_| {
        ApiError::BadRequest(format!(
            "the query parameter '{name}' must be a positive integer, not '{value}'"
        ))
    })
}

/// List service users
///
/// Seed 003: `page` (from 1; skips pages when no key is given), `page-size`, `page-key`, and
/// `nextPageKey` (which the Terraform provider sends).
#[utoipa::path(
    get,
    path = "/iam/v1/accounts/{accountUuid}/service-users",
    operation_id = "listServiceUsers",
    tag = TAG_SERVICE_USERS,
    params(
        AccountUuid,
        ("page" = Option<i64>, Query, minimum = 1, maximum = 4294967295_i64, description = "The page number, from 1 (used when no page key is given)"),
        ("page-size" = Option<i64>, Query, minimum = 1, maximum = 1000, description = "The number of service users per page"),
        ("page-key" = Option<String>, Query, pattern = "^([A-Za-z0-9_-]{64,1024})?$", description = "The key of the next page (`nextPageKey` of the previous page); empty means none"),
        ("nextPageKey" = Option<String>, Query, pattern = "^([A-Za-z0-9_-]{64,1024})?$", description = "Same as `page-key`"),
    ),
    responses(
        (status = 200, description = "A page of service users", body = ServiceUsersPage),
        (status = 400, description = "A malformed page number, page size or page key"),
    ),
    security(("oauth2" = ["account-idm-read"]), ("bearer" = []))
)]
async fn list_service_users(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path(account): Path<String>,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<ServiceUsersPage>> {
    let access = principal.idm_reader(account_path(&account)?)?;
    let (mut page, mut page_size, mut page_key) = (None, None, None);
    for (name, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match name.as_ref() {
            "page" => page = Some(number("page", &value)?),
            "page-size" => page_size = Some(number("page-size", &value)?),
            "page-key" | "nextPageKey" if !value.is_empty() => page_key = Some(value.into_owned()),
            _ => {}
        }
    }
    let request = ServiceUserPage {
        page,
        page_size,
        page_key: page_key.as_deref(),
    };
    let listing = app.core.list_service_users(&access, request).await?;
    Ok(Json(ServiceUsersPage {
        results: listing
            .items
            .into_iter()
            .map(|u| wire::service_user(u, false))
            .collect(),
        next_page_key: listing.next_page_key,
        total_count: listing.total,
    }))
}

/// Create a service user
///
/// Also creates a group for it (`groupUuid`), of which the service user is the member.
#[utoipa::path(
    post,
    path = "/iam/v1/accounts/{accountUuid}/service-users",
    operation_id = "createServiceUser",
    tag = TAG_SERVICE_USERS,
    params(AccountUuid),
    request_body(content = ServiceUserRequest, description = "The service user to create"),
    responses(
        (status = 201, description = "The service user", body = ServiceUser),
        (status = 400, description = "A malformed body or an invalid name or description"),
    ),
    security(("oauth2" = ["account-idm-write"]), ("bearer" = []))
)]
async fn create_service_user(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path(account): Path<String>,
    JsonBody(body): JsonBody<ServiceUserRequest>,
) -> ApiResult<(StatusCode, Json<ServiceUser>)> {
    let access = principal.idm_writer(account_path(&account)?)?;
    let user = app.core.create_service_user(&access, &input(body)).await?;
    Ok((StatusCode::CREATED, Json(wire::service_user(user, true))))
}

/// Get a service user
#[utoipa::path(
    get,
    path = "/iam/v1/accounts/{accountUuid}/service-users/{userUuid}",
    operation_id = "getServiceUser",
    tag = TAG_SERVICE_USERS,
    params(AccountUuid, ServiceUserUuid),
    responses(
        (status = 200, description = "The service user", body = ServiceUser),
        (status = 404, description = "No such service user in the account"),
    ),
    security(("oauth2" = ["account-idm-read"]), ("bearer" = []))
)]
async fn get_service_user(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path((account, uid)): Path<(String, String)>,
) -> ApiResult<Json<ServiceUser>> {
    let access = principal.idm_reader(account_path(&account)?)?;
    Ok(Json(wire::service_user(
        app.core.get_service_user(&access, &uid).await?,
        true,
    )))
}

/// Update a service user
#[utoipa::path(
    put,
    path = "/iam/v1/accounts/{accountUuid}/service-users/{userUuid}",
    operation_id = "updateServiceUser",
    tag = TAG_SERVICE_USERS,
    params(AccountUuid, ServiceUserUuid),
    request_body(content = ServiceUserRequest, description = "The new name and description"),
    responses(
        (status = 200, description = "The service user", body = ServiceUser),
        (status = 400, description = "A malformed body or an invalid name or description"),
        (status = 404, description = "No such service user in the account"),
    ),
    security(("oauth2" = ["account-idm-write"]), ("bearer" = []))
)]
async fn update_service_user(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path((account, uid)): Path<(String, String)>,
    JsonBody(body): JsonBody<ServiceUserRequest>,
) -> ApiResult<Json<ServiceUser>> {
    let access = principal.idm_writer(account_path(&account)?)?;
    Ok(Json(wire::service_user(
        app.core
            .update_service_user(&access, &uid, &input(body))
            .await?,
        true,
    )))
}

/// Delete a service user
///
/// Also deletes its group.
#[utoipa::path(
    delete,
    path = "/iam/v1/accounts/{accountUuid}/service-users/{userUuid}",
    operation_id = "deleteServiceUser",
    tag = TAG_SERVICE_USERS,
    params(AccountUuid, ServiceUserUuid),
    responses(
        (status = 200, description = "The service user was deleted"),
        (status = 404, description = "No such service user in the account"),
    ),
    security(("oauth2" = ["account-idm-write"]), ("bearer" = []))
)]
async fn delete_service_user(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path((account, uid)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let access = principal.idm_writer(account_path(&account)?)?;
    app.core.delete_service_user(&access, &uid).await?;
    Ok(StatusCode::OK)
}
