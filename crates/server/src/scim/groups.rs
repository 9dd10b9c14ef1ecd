//! `/Groups`: every group of the account, with its members.

use accountd_core::authz::ScimAgent;
use accountd_core::scim::{ScimKey, ScimQuery, ScimSlice};
use accountd_scim::filter::AttrPath;
use accountd_scim::patch::{PatchRequest, apply_patch};
use accountd_scim::schema::{GROUP_SCHEMA, Schema, group_schema};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde_json::{Map, Value};
use std::sync::LazyLock;

use super::auth::{ResourceId, ScimAuth};
use super::body::{ScimBody, scim_json};
use super::error::{ScimApiError, ScimResult};
use super::etag::check_if_match;
use super::query::{self, ListParams, Lister, Narrowed};
use super::resource::{read_group, render_group};
use super::users::resource_response;
use super::{attrs, patch_body};
use crate::state::AppState;

static SCHEMA: LazyLock<Schema> = LazyLock::new(group_schema);

pub struct Groups<'a> {
    pub state: &'a AppState,
    pub agent: &'a ScimAgent,
    pub base: &'a str,
}

impl Lister for Groups<'_> {
    fn schema(&self) -> &Schema {
        &SCHEMA
    }

    fn narrow(&self, attr: &AttrPath, value: &str) -> Option<Narrowed> {
        if attr.sub.is_some()
            || attr
                .urn
                .as_deref()
                .is_some_and(|urn| !urn.eq_ignore_ascii_case(GROUP_SCHEMA))
        {
            return None;
        }
        match attr.name.to_ascii_lowercase().as_str() {
            // displayName is not case-exact: the store compares it case-insensitively.
            "displayname" => Some(Narrowed::Key(ScimKey::DisplayName(value.to_owned()))),
            "externalid" => Some(Narrowed::Key(ScimKey::ExternalId(value.to_owned()))),
            "id" => Some(Narrowed::Id(value.to_owned())),
            _ => None,
        }
    }

    async fn fetch(&self, query: ScimQuery) -> ScimResult<ScimSlice<Value>> {
        let slice = self.state.core.scim_list_groups(self.agent, &query).await?;
        Ok(ScimSlice {
            total: slice.total,
            items: slice
                .items
                .iter()
                .map(|group| render_group(group, self.base))
                .collect(),
        })
    }

    async fn fetch_id(&self, id: String) -> ScimResult<Option<Value>> {
        match self.state.core.scim_get_group(self.agent, &id).await {
            Ok(group) => Ok(Some(render_group(&group, self.base))),
            Err(accountd_core::Error::NotFound(_)) => Ok(None),
            Err(other) => Err(other.into()),
        }
    }
}

pub async fn list(
    State(state): State<AppState>,
    auth: ScimAuth,
    RawQuery(query): RawQuery,
) -> ScimResult<Response> {
    let params = ListParams::from_query(query.as_deref())?;
    let groups = Groups {
        state: &state,
        agent: &auth.agent,
        base: &auth.base,
    };
    Ok(scim_json(
        StatusCode::OK,
        &query::list(&groups, &params).await?,
    ))
}

/// POST: creates the group (shared with `/Bulk`).
pub async fn create_op(
    state: &AppState,
    agent: &ScimAgent,
    base: &str,
    body: &Map<String, Value>,
) -> ScimResult<Value> {
    attrs::check_schemas(body, GROUP_SCHEMA)?;
    let created = state
        .core
        .scim_create_group(agent, &read_group(body)?)
        .await?;
    Ok(render_group(&created, base))
}

/// PUT: replaces the group (shared with `/Bulk`).
pub async fn replace_op(
    state: &AppState,
    agent: &ScimAgent,
    base: &str,
    id: &str,
    headers: &HeaderMap,
    body: &Map<String, Value>,
) -> ScimResult<Value> {
    attrs::check_schemas(body, GROUP_SCHEMA)?;
    let input = read_group(body)?;
    let changed = state
        .core
        .scim_update_group(agent, id, |current| -> Result<_, ScimApiError> {
            check_if_match(headers, &render_group(current, base))?;
            Ok(input)
        })
        .await?;
    Ok(render_group(&changed, base))
}

/// PATCH: applies RFC 7644 §3.5.2 operations to the group (shared with `/Bulk`).
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
        .scim_update_group(agent, id, |current| -> Result<_, ScimApiError> {
            let mut resource = render_group(current, base);
            check_if_match(headers, &resource)?;
            apply_patch(&mut resource, &request.operations, &SCHEMA)?;
            let Value::Object(patched) = resource else {
                return Err(super::error::invalid_syntax(
                    "the patched group is not an object",
                ));
            };
            Ok(read_group(&patched)?)
        })
        .await?;
    Ok(render_group(&changed, base))
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
        let current = state.core.scim_get_group(agent, id).await?;
        check_if_match(headers, &render_group(&current, base))?;
    }
    state.core.scim_delete_group(agent, id).await?;
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
    let found = state.core.scim_get_group(&auth.agent, &id).await?;
    Ok(resource_response(
        StatusCode::OK,
        &render_group(&found, &auth.base),
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
