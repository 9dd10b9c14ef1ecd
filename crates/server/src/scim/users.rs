//! `/Users`: the account's human users.

use accountd_core::authz::ScimAgent;
use accountd_core::scim::{ScimKey, ScimQuery, ScimSlice};
use accountd_scim::filter::AttrPath;
use accountd_scim::patch::{PatchRequest, apply_patch};
use accountd_scim::schema::{Schema, USER_SCHEMA, user_schema};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Map, Value};
use std::sync::LazyLock;

use super::auth::{ResourceId, ScimAuth};
use super::body::{ScimBody, scim_json};
use super::error::{ScimApiError, ScimResult};
use super::etag::{check_if_match, with_etag};
use super::query::{self, ListParams, Lister, Narrowed};
use super::resource::{read_user, render_user};
use super::{attrs, patch_body};
use crate::state::AppState;

static SCHEMA: LazyLock<Schema> = LazyLock::new(user_schema);

pub struct Users<'a> {
    pub state: &'a AppState,
    pub agent: &'a ScimAgent,
    pub base: &'a str,
}

impl Lister for Users<'_> {
    fn schema(&self) -> &Schema {
        &SCHEMA
    }

    fn narrow(&self, attr: &AttrPath, value: &str) -> Option<Narrowed> {
        if attr.sub.is_some()
            || attr
                .urn
                .as_deref()
                .is_some_and(|urn| !urn.eq_ignore_ascii_case(USER_SCHEMA))
        {
            return None;
        }
        match attr.name.to_ascii_lowercase().as_str() {
            "username" => Some(Narrowed::Key(ScimKey::UserName(value.to_owned()))),
            "externalid" => Some(Narrowed::Key(ScimKey::ExternalId(value.to_owned()))),
            "id" => Some(Narrowed::Id(value.to_owned())),
            _ => None,
        }
    }

    async fn fetch(&self, query: ScimQuery) -> ScimResult<ScimSlice<Value>> {
        let slice = self.state.core.scim_list_users(self.agent, &query).await?;
        Ok(ScimSlice {
            total: slice.total,
            items: slice
                .items
                .iter()
                .map(|user| render_user(user, self.base))
                .collect(),
        })
    }

    async fn fetch_id(&self, id: String) -> ScimResult<Option<Value>> {
        match self.state.core.scim_get_user(self.agent, &id).await {
            Ok(user) => Ok(Some(render_user(&user, self.base))),
            Err(accountd_core::Error::NotFound(_)) => Ok(None),
            Err(other) => Err(other.into()),
        }
    }
}

/// A single resource, with `ETag`, honouring `attributes`/`excludedAttributes`.
pub fn resource_response(
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

pub async fn list(
    State(state): State<AppState>,
    auth: ScimAuth,
    RawQuery(query): RawQuery,
) -> ScimResult<Response> {
    let params = ListParams::from_query(query.as_deref())?;
    let users = Users {
        state: &state,
        agent: &auth.agent,
        base: &auth.base,
    };
    Ok(scim_json(
        StatusCode::OK,
        &query::list(&users, &params).await?,
    ))
}

/// POST: creates the user (shared with `/Bulk`).
pub async fn create_op(
    state: &AppState,
    agent: &ScimAgent,
    base: &str,
    body: &Map<String, Value>,
) -> ScimResult<Value> {
    attrs::check_schemas(body, USER_SCHEMA)?;
    let mut input = read_user(body)?;
    // A new user without `active` is active, and shows it.
    input.extra.remove(super::resource::ACTIVE_UNASSIGNED);
    let created = state.core.scim_create_user(agent, input).await?;
    Ok(render_user(&created, base))
}

/// PUT: replaces the user (shared with `/Bulk`).
pub async fn replace_op(
    state: &AppState,
    agent: &ScimAgent,
    base: &str,
    id: &str,
    headers: &HeaderMap,
    body: &Map<String, Value>,
) -> ScimResult<Value> {
    attrs::check_schemas(body, USER_SCHEMA)?;
    let input = read_user(body)?;
    let changed = state
        .core
        .scim_update_user(agent, id, |current| -> Result<_, ScimApiError> {
            check_if_match(headers, &render_user(current, base))?;
            Ok(input.clone())
        })
        .await?;
    Ok(render_user(&changed, base))
}

/// PATCH: applies RFC 7644 §3.5.2 operations to the user (shared with `/Bulk`).
pub async fn patch_op(
    state: &AppState,
    agent: &ScimAgent,
    base: &str,
    id: &str,
    headers: &HeaderMap,
    body: Map<String, Value>,
) -> ScimResult<Value> {
    let request: PatchRequest = patch_body(body)?;
    let changed = state
        .core
        .scim_update_user(agent, id, |current| -> Result<_, ScimApiError> {
            let mut resource = render_user(current, base);
            check_if_match(headers, &resource)?;
            apply_patch(&mut resource, &request.operations, &SCHEMA)?;
            let Value::Object(patched) = resource else {
                return Err(super::error::invalid_syntax(
                    "the patched user is not an object",
                ));
            };
            Ok(read_user(&patched)?)
        })
        .await?;
    Ok(render_user(&changed, base))
}

/// DELETE (shared with `/Bulk`).
pub async fn delete_op(
    state: &AppState,
    agent: &ScimAgent,
    base: &str,
    id: &str,
    headers: &HeaderMap,
) -> ScimResult<()> {
    if headers.contains_key(header::IF_MATCH) {
        let current = state.core.scim_get_user(agent, id).await?;
        check_if_match(headers, &render_user(&current, base))?;
    }
    state.core.scim_delete_user(agent, id).await?;
    Ok(())
}

pub async fn create(
    State(state): State<AppState>,
    auth: ScimAuth,
    RawQuery(query): RawQuery,
    ScimBody(body): ScimBody,
) -> ScimResult<Response> {
    let params = ListParams::from_query(query.as_deref())?;
    let created = create_op(&state, &auth.agent, &auth.base, &body).await?;
    Ok(resource_response(
        StatusCode::CREATED,
        &created,
        &params,
        &SCHEMA,
    ))
}

pub async fn get(
    State(state): State<AppState>,
    auth: ScimAuth,
    ResourceId(id): ResourceId,
    RawQuery(query): RawQuery,
) -> ScimResult<Response> {
    let params = ListParams::from_query(query.as_deref())?;
    let found = state.core.scim_get_user(&auth.agent, &id).await?;
    Ok(resource_response(
        StatusCode::OK,
        &render_user(&found, &auth.base),
        &params,
        &SCHEMA,
    ))
}

pub async fn replace(
    State(state): State<AppState>,
    auth: ScimAuth,
    ResourceId(id): ResourceId,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    ScimBody(body): ScimBody,
) -> ScimResult<Response> {
    let params = ListParams::from_query(query.as_deref())?;
    let changed = replace_op(&state, &auth.agent, &auth.base, &id, &headers, &body).await?;
    Ok(resource_response(
        StatusCode::OK,
        &changed,
        &params,
        &SCHEMA,
    ))
}

pub async fn patch(
    State(state): State<AppState>,
    auth: ScimAuth,
    ResourceId(id): ResourceId,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    ScimBody(body): ScimBody,
) -> ScimResult<Response> {
    let params = ListParams::from_query(query.as_deref())?;
    let changed = patch_op(&state, &auth.agent, &auth.base, &id, &headers, body).await?;
    Ok(resource_response(
        StatusCode::OK,
        &changed,
        &params,
        &SCHEMA,
    ))
}

pub async fn delete(
    State(state): State<AppState>,
    auth: ScimAuth,
    ResourceId(id): ResourceId,
    headers: HeaderMap,
) -> ScimResult<StatusCode> {
    delete_op(&state, &auth.agent, &auth.base, &id, &headers).await?;
    Ok(StatusCode::NO_CONTENT)
}
