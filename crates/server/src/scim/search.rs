//! POST `/.search` (RFC 7644 §3.4.3): a query in the body, on one resource type or, at the
//! root, on all of them (users first, then groups, as one list).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use accountd_scim::query::list_response;
use serde_json::{Map, Value};

use super::auth::ScimAuth;
use super::body::{ScimBody, scim_json};
use super::error::ScimResult;
use super::groups::Groups;
use super::kind::{Resources, ScimKind};
use super::query::{self, ListParams, Lister};
use super::users::Users;
use crate::state::AppState;

/// POST `/<Kind>/.search`: a listing of one kind, its query in the body.
async fn one_kind<K: ScimKind>(
    state: &AppState,
    auth: &ScimAuth,
    body: &Map<String, Value>,
) -> ScimResult<Response> {
    let params = ListParams::from_search(body)?;
    let resources = Resources::<K>::new(state, &auth.agent, &auth.base);
    Ok(scim_json(
        StatusCode::OK,
        &query::list(&resources, &params).await?,
    ))
}

pub async fn users(
    State(state): State<AppState>,
    auth: ScimAuth,
    ScimBody(body): ScimBody,
) -> ScimResult<Response> {
    one_kind::<Users>(&state, &auth, &body).await
}

pub async fn groups(
    State(state): State<AppState>,
    auth: ScimAuth,
    ScimBody(body): ScimBody,
) -> ScimResult<Response> {
    one_kind::<Groups>(&state, &auth, &body).await
}

pub async fn root(
    State(state): State<AppState>,
    auth: ScimAuth,
    ScimBody(body): ScimBody,
) -> ScimResult<Response> {
    let params = ListParams::from_search(&body)?;
    let users = Resources::<Users>::new(&state, &auth.agent, &auth.base);
    let groups = Resources::<Groups>::new(&state, &auth.agent, &auth.base);
    let (user_window, user_total) = query::find(&users, &params).await?;
    // The groups' part of the window starts where the users end.
    let mut group_params = params.clone();
    let start = params.start();
    if start > user_total {
        group_params.start_index = i64::try_from(start - user_total).ok();
    } else {
        group_params.start_index = Some(1);
        group_params.count =
            i64::try_from(params.count().saturating_sub(user_window.len() as u64)).ok();
    }
    let (group_window, group_total) = query::find(&groups, &group_params).await?;
    let resources = user_window
        .into_iter()
        .map(|r| query::projected(r, &params, users.schema()))
        .chain(
            group_window
                .into_iter()
                .map(|r| query::projected(r, &params, groups.schema())),
        )
        .collect();
    Ok(scim_json(
        StatusCode::OK,
        &list_response(resources, user_total + group_total, start),
    ))
}
