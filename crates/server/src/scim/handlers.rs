//! The handlers of `/Users` and `/Groups` and their `/Bulk` operations, once for both kinds.

use accountd_core::authz::ScimAgent;
use accountd_scim::patch::{PatchRequest, apply_patch};
use accountd_scim::schema::Schema;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Map, Value};

use super::auth::{ResourceId, ScimAuth};
use super::body::{ScimBody, scim_json};
use super::error::ScimResult;
use super::etag::{check_if_match, with_etag};
use super::kind::{Resources, ScimKind};
use super::query::{self, ListParams};
use super::{attrs, patch_body};
use crate::state::AppState;

/// A single resource, with `ETag`, honouring `attributes`/`excludedAttributes`.
fn resource_response(
    status: StatusCode,
    resource: &Value,
    params: &ListParams,
    schema: &Schema,
) -> Response {
    let shown = query::projected(resource.clone(), params, schema);
    let mut response = with_etag(scim_json(status, &shown), resource);
    if status == StatusCode::CREATED
        && let Some(location) = resource
            .pointer("/meta/location")
            .and_then(Value::as_str)
            .and_then(|l| HeaderValue::from_str(l).ok())
    {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// POST: creates the resource (shared with `/Bulk`).
pub async fn create_op<K: ScimKind>(
    state: &AppState,
    agent: &ScimAgent,
    base: &str,
    body: &Map<String, Value>,
) -> ScimResult<Value> {
    attrs::check_schemas(body, K::SCHEMA_URN)?;
    let input = K::for_create(K::read(body)?);
    let created = K::create(&state.core, agent, input).await?;
    Ok(K::render(&created, base))
}

/// PUT: replaces the resource (shared with `/Bulk`).
pub async fn replace_op<K: ScimKind>(
    state: &AppState,
    agent: &ScimAgent,
    base: &str,
    id: &str,
    headers: &HeaderMap,
    body: &Map<String, Value>,
) -> ScimResult<Value> {
    attrs::check_schemas(body, K::SCHEMA_URN)?;
    let input = K::read(body)?;
    let changed = K::update(&state.core, agent, id, |current| {
        check_if_match(headers, &K::render(current, base))?;
        Ok(input.clone())
    })
    .await?;
    Ok(K::render(&changed, base))
}

/// PATCH: applies RFC 7644 §3.5.2 operations to the resource (shared with `/Bulk`).
pub async fn patch_op<K: ScimKind>(
    state: &AppState,
    agent: &ScimAgent,
    base: &str,
    id: &str,
    headers: &HeaderMap,
    body: Map<String, Value>,
) -> ScimResult<Value> {
    let request: PatchRequest = patch_body(body)?;
    let changed = K::update(&state.core, agent, id, |current| {
        let mut resource = K::render(current, base);
        check_if_match(headers, &resource)?;
        apply_patch(&mut resource, &request.operations, K::schema())?;
        let Value::Object(patched) = resource else {
            return Err(super::error::invalid_syntax(format!(
                "the patched {} is not an object",
                K::NOUN
            )));
        };
        K::read(&patched)
    })
    .await?;
    Ok(K::render(&changed, base))
}

/// DELETE (shared with `/Bulk`).
pub async fn delete_op<K: ScimKind>(
    state: &AppState,
    agent: &ScimAgent,
    base: &str,
    id: &str,
    headers: &HeaderMap,
) -> ScimResult<()> {
    if headers.contains_key(header::IF_MATCH) {
        let current = K::get(&state.core, agent, id).await?;
        check_if_match(headers, &K::render(&current, base))?;
    }
    K::delete(&state.core, agent, id).await?;
    Ok(())
}

pub async fn list<K: ScimKind>(
    State(state): State<AppState>,
    auth: ScimAuth,
    RawQuery(query): RawQuery,
) -> ScimResult<Response> {
    let params = ListParams::from_query(query.as_deref())?;
    let resources = Resources::<K>::new(&state, &auth.agent, &auth.base);
    Ok(scim_json(
        StatusCode::OK,
        &query::list(&resources, &params).await?,
    ))
}

pub async fn create<K: ScimKind>(
    State(state): State<AppState>,
    auth: ScimAuth,
    RawQuery(query): RawQuery,
    ScimBody(body): ScimBody,
) -> ScimResult<Response> {
    let params = ListParams::from_query(query.as_deref())?;
    let created = create_op::<K>(&state, &auth.agent, &auth.base, &body).await?;
    Ok(resource_response(
        StatusCode::CREATED,
        &created,
        &params,
        K::schema(),
    ))
}

pub async fn get<K: ScimKind>(
    State(state): State<AppState>,
    auth: ScimAuth,
    ResourceId(id): ResourceId,
    RawQuery(query): RawQuery,
) -> ScimResult<Response> {
    let params = ListParams::from_query(query.as_deref())?;
    let found = K::get(&state.core, &auth.agent, &id).await?;
    Ok(resource_response(
        StatusCode::OK,
        &K::render(&found, &auth.base),
        &params,
        K::schema(),
    ))
}

pub async fn replace<K: ScimKind>(
    State(state): State<AppState>,
    auth: ScimAuth,
    ResourceId(id): ResourceId,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    ScimBody(body): ScimBody,
) -> ScimResult<Response> {
    let params = ListParams::from_query(query.as_deref())?;
    let changed = replace_op::<K>(&state, &auth.agent, &auth.base, &id, &headers, &body).await?;
    Ok(resource_response(
        StatusCode::OK,
        &changed,
        &params,
        K::schema(),
    ))
}

pub async fn patch<K: ScimKind>(
    State(state): State<AppState>,
    auth: ScimAuth,
    ResourceId(id): ResourceId,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    ScimBody(body): ScimBody,
) -> ScimResult<Response> {
    let params = ListParams::from_query(query.as_deref())?;
    let changed = patch_op::<K>(&state, &auth.agent, &auth.base, &id, &headers, body).await?;
    Ok(resource_response(
        StatusCode::OK,
        &changed,
        &params,
        K::schema(),
    ))
}

pub async fn delete<K: ScimKind>(
    State(state): State<AppState>,
    auth: ScimAuth,
    ResourceId(id): ResourceId,
    headers: HeaderMap,
) -> ScimResult<StatusCode> {
    delete_op::<K>(&state, &auth.agent, &auth.base, &id, &headers).await?;
    Ok(StatusCode::NO_CONTENT)
}
