//! `GET /audit/v1/accounts/{accountUuid}`: every change to the account, newest first, with
//! `startTime`/`endTime` (RFC 3339), `resourceType`, `pageSize` and `nextPageKey`. Needs
//! `account-idm-read`.

use accountd_core::users::PageRequest;
use accountd_proto::audit::{AuditEvent, AuditEventCollection};
use axum::Json;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::routing::get;

use crate::error::ApiResult;
use crate::extract::{Auth, ListParams, account_path};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/audit/v1/accounts/{accountUuid}", get(list_audit_events))
}

async fn list_audit_events(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path(account): Path<String>,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<AuditEventCollection>> {
    let access = principal.idm_reader(account_path(&account)?)?;
    let params = ListParams::parse(query.as_deref())?;
    let (mut start, mut end, mut resource_type) = (None, None, None);
    for (name, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match name.as_ref() {
            "startTime" => start = Some(value.into_owned()),
            "endTime" => end = Some(value.into_owned()),
            "resourceType" => resource_type = Some(value.into_owned()),
            _ => {}
        }
    }
    let page = PageRequest {
        size: params.page_size,
        key: params.page_key.as_deref(),
    };
    let listing = app
        .core
        .list_audit_events(
            &access,
            page,
            start.as_deref(),
            end.as_deref(),
            resource_type.as_deref(),
        )
        .await?;
    Ok(Json(AuditEventCollection {
        next_page_key: listing.next_page_key,
        total_count: listing.total,
        items: listing
            .items
            .into_iter()
            .map(|e| AuditEvent {
                id: e.id.to_string(),
                timestamp: accountd_core::clock::rfc3339(e.at),
                actor: e.actor,
                event_type: e.event_type.as_str().to_owned(),
                resource_type: e.resource_type,
                resource_id: e.resource_id,
                before: e.before,
                after: e.after,
            })
            .collect(),
    }))
}
