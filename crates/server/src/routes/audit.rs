//! `GET /audit/v1/accounts/{accountUuid}`: every change to the account, newest first, with
//! `startTime`/`endTime` (RFC 3339), `resourceType`, `pageSize` and `nextPageKey`. Needs
//! `account-idm-read`.

use accountd_core::users::PageRequest;
use accountd_proto::audit::{AuditEvent, AuditEventCollection};
use axum::Json;
use axum::extract::{Path, RawQuery, State};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiResult;
use crate::extract::{Auth, ListParams, account_path};
use crate::openapi::{AccountUuid, PageQuery, TAG_AUDIT};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_audit_events))
}

/// A resource type of the audit log, as a schema (the values of `RESOURCE_TYPES`).
fn resource_type_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(accountd_core::audit::RESOURCE_TYPES))
        .build()
}

/// The filters of the audit log (documentation only; the handler parses the raw query).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct AuditQuery {
    /// Only events at or after this time (RFC 3339).
    #[param(rename = "startTime", format = DateTime, nullable = false)]
    start_time: Option<String>,
    /// Only events before this time (RFC 3339).
    #[param(rename = "endTime", format = DateTime, nullable = false)]
    end_time: Option<String>,
    /// Only events about this kind of resource.
    #[param(rename = "resourceType", schema_with = resource_type_schema, required = false)]
    resource_type: Option<String>,
}

/// List the audit log
///
/// Every change to the account, newest first: actor, event type, resource and the resource
/// before and after the change. The filters travel in `nextPageKey`.
#[utoipa::path(
    get,
    path = "/audit/v1/accounts/{accountUuid}",
    operation_id = "listAuditEvents",
    tag = TAG_AUDIT,
    params(AccountUuid, PageQuery, AuditQuery),
    responses(
        (status = 200, description = "A page of events", body = AuditEventCollection),
        (status = 400, description = "A malformed time, resource type, page size or page key"),
    ),
    security(("oauth2" = ["account-idm-read"]), ("bearer" = []))
)]
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
