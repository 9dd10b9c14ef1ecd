//! Service users: `GET .../service-users` exactly as seed 003 (`page`, `page-size`, `page-key`,
//! and `nextPageKey`, which the Terraform provider sends); CRUD as the real API.

use accountd_core::service_users::{ServiceUserInput, ServiceUserPage};
use accountd_proto::service_users::{ServiceUser, ServiceUserRequest, ServiceUsersPage};
use axum::Json;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::get;

use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, JsonBody, account_path};
use crate::state::AppState;
use crate::wire;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/iam/v1/accounts/{accountUuid}/service-users",
            get(list_service_users).post(create_service_user),
        )
        .route(
            "/iam/v1/accounts/{accountUuid}/service-users/{userUuid}",
            get(get_service_user)
                .put(update_service_user)
                .delete(delete_service_user),
        )
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

async fn delete_service_user(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path((account, uid)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let access = principal.idm_writer(account_path(&account)?)?;
    app.core.delete_service_user(&access, &uid).await?;
    Ok(StatusCode::OK)
}
