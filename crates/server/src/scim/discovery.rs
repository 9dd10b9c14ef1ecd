//! The discovery endpoints (RFC 7644 §4): `/ServiceProviderConfig`, `/ResourceTypes` and
//! `/Schemas`. They describe the server, not an account's data, so they are public.

use accountd_scim::ScimError;
use accountd_scim::query::list_response;
use accountd_scim::schema::{
    GROUP_SCHEMA, RESOURCE_TYPE, SERVICE_PROVIDER_CONFIG, USER_SCHEMA, group_schema, user_schema,
};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::auth::{ResourceId, base_url, path_account};
use super::body::scim_json;
use super::error::ScimResult;
use super::query::MAX_RESULTS;
use crate::state::AppState;

/// The most operations and bytes one `/Bulk` request may carry.
pub const BULK_MAX_OPERATIONS: usize = 1000;

async fn base(state: &AppState, request: Request) -> ScimResult<String> {
    let (mut parts, _) = request.into_parts();
    let account = path_account(&mut parts, state).await?;
    Ok(base_url(state, account.as_deref()))
}

pub async fn service_provider_config(
    State(state): State<AppState>,
    request: Request,
) -> ScimResult<Response> {
    let base = base(&state, request).await?;
    Ok(scim_json(
        StatusCode::OK,
        &json!({
            "schemas": [SERVICE_PROVIDER_CONFIG],
            "documentationUri": "https://github.com/accountd/accountd/blob/main/docs/scim.md",
            "patch": {"supported": true},
            "bulk": {
                "supported": true,
                "maxOperations": BULK_MAX_OPERATIONS,
                "maxPayloadSize": crate::BODY_LIMIT_BYTES,
            },
            "filter": {"supported": true, "maxResults": MAX_RESULTS},
            "changePassword": {"supported": false},
            "sort": {"supported": true},
            "etag": {"supported": true},
            "authenticationSchemes": [{
                "type": "oauthbearertoken",
                "name": "SCIM token",
                "description": "A SCIM token of the account (dt0s01.…), created through the accountd admin API or declared in the bootstrap file, sent as 'Authorization: Bearer <token>'",
                "primary": true,
            }],
            "meta": {
                "resourceType": "ServiceProviderConfig",
                "location": format!("{base}/ServiceProviderConfig"),
            },
        }),
    ))
}

fn resource_types(base: &str) -> Vec<Value> {
    [("User", "/Users", USER_SCHEMA, "The account's users"), ("Group", "/Groups", GROUP_SCHEMA, "The account's groups")]
        .into_iter()
        .map(|(id, endpoint, schema, description)| {
            json!({
                "schemas": [RESOURCE_TYPE],
                "id": id,
                "name": id,
                "endpoint": endpoint,
                "description": description,
                "schema": schema,
                "meta": {"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/{id}")},
            })
        })
        .collect()
}

fn schemas(base: &str) -> Vec<Value> {
    [user_schema(), group_schema()]
        .iter()
        .map(|schema| schema.to_json(&format!("{base}/Schemas/{}", schema.id)))
        .collect()
}

pub async fn list_resource_types(
    State(state): State<AppState>,
    request: Request,
) -> ScimResult<Response> {
    let all = resource_types(&base(&state, request).await?);
    let total = all.len() as u64;
    Ok(scim_json(StatusCode::OK, &list_response(all, total, 1)))
}

pub async fn get_resource_type(
    State(state): State<AppState>,
    ResourceId(id): ResourceId,
    request: Request,
) -> ScimResult<Response> {
    resource_types(&base(&state, request).await?)
        .into_iter()
        .find(|r| {
            r["id"]
                .as_str()
                .is_some_and(|r| r.eq_ignore_ascii_case(&id))
        })
        .map(|r| scim_json(StatusCode::OK, &r))
        .ok_or_else(|| {
            ScimError::not_found(format!("no resource type '{id}': there are User and Group"))
                .into()
        })
}

pub async fn list_schemas(State(state): State<AppState>, request: Request) -> ScimResult<Response> {
    let all = schemas(&base(&state, request).await?);
    let total = all.len() as u64;
    Ok(scim_json(StatusCode::OK, &list_response(all, total, 1)))
}

pub async fn get_schema(
    State(state): State<AppState>,
    ResourceId(id): ResourceId,
    request: Request,
) -> ScimResult<Response> {
    schemas(&base(&state, request).await?)
        .into_iter()
        .find(|s| {
            s["id"]
                .as_str()
                .is_some_and(|s| s.eq_ignore_ascii_case(&id))
        })
        .map(|s| scim_json(StatusCode::OK, &s))
        .ok_or_else(|| {
            ScimError::not_found(format!(
                "no schema '{id}': there are {USER_SCHEMA} and {GROUP_SCHEMA}"
            ))
            .into()
        })
}
