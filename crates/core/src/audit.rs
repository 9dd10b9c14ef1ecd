//! The audit log: every change appends an event in the same store transaction as the change,
//! with the actor, the resource, and the resource before and after as JSON.

use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::authz::{Actor, IdmReader};
use crate::clock::rfc3339;
use crate::model::{
    Account, Environment, Group, OAuthClient, PermissionAssignment, ServiceUser, User,
};
use crate::page::{Listing, PageKind};
use crate::service::Accountd;
use crate::{Error, Result};

/// Who makes a change, and when: passed to every store write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditContext {
    pub actor: Actor,
    pub at: OffsetDateTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Create,
    Update,
    Delete,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Create => "CREATE",
            EventType::Update => "UPDATE",
            EventType::Delete => "DELETE",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "CREATE" => Some(Self::Create),
            "UPDATE" => Some(Self::Update),
            "DELETE" => Some(Self::Delete),
            _ => None,
        }
    }
}

/// Resource types as the audit log names them (and filters on).
pub const RESOURCE_TYPES: [&str; 10] = [
    "account",
    "account_data",
    "environment",
    "oauth_client",
    "user",
    "invitation",
    "group",
    "group_permissions",
    "service_user",
    "scim_token",
];

/// One recorded change.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    /// Increasing with time; the sort and paging key.
    pub id: i64,
    pub at: OffsetDateTime,
    /// `client:<id>`, `admin`, `bootstrap`, `invitation`, or `scim:<token id>`.
    pub actor: String,
    pub event_type: EventType,
    pub resource_type: String,
    pub resource_id: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// A new event, as the store writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEvent<'a> {
    pub event_type: EventType,
    pub resource_type: &'static str,
    pub resource_id: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub context: &'a AuditContext,
}

/// Narrows an audit listing.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AuditFilter {
    #[serde(rename = "s", default, skip_serializing_if = "Option::is_none")]
    pub start_ms: Option<i64>,
    #[serde(rename = "e", default, skip_serializing_if = "Option::is_none")]
    pub end_ms: Option<i64>,
    #[serde(rename = "r", default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
}

impl Actor {
    /// The actor as the audit log records it.
    pub fn label(&self) -> String {
        match self {
            Actor::Client(id) => format!("client:{id}"),
            Actor::Admin => "admin".to_owned(),
            Actor::Bootstrap => "bootstrap".to_owned(),
            Actor::Invitation => "invitation".to_owned(),
            Actor::Scim(token) => format!("scim:{token}"),
        }
    }
}

/// JSON snapshots of resources for `before`/`after`. Secrets never appear.
pub mod snapshot {
    use super::*;

    pub fn account(a: &Account) -> Value {
        json!({"uuid": a.id.to_string(), "name": a.name, "rateLimit": a.rate_limit.map(|l| l.to_string())})
    }

    pub fn environment(e: &Environment) -> Value {
        json!({"id": e.id.as_str(), "name": e.name, "status": e.status.as_str(), "trial": e.trial})
    }

    pub fn client(c: &OAuthClient) -> Value {
        let scopes: Vec<&str> = c.scopes.iter().map(|s| s.as_str()).collect();
        json!({"clientId": c.client_id, "name": c.name, "scopes": scopes})
    }

    pub fn user(u: &User) -> Value {
        let groups: Vec<String> = u.groups.iter().map(ToString::to_string).collect();
        json!({
            "uid": u.uid.to_string(), "email": u.email.as_str(), "firstName": u.first_name,
            "lastName": u.last_name, "groups": groups, "userStatus": u.status.as_str(),
            "createdAt": rfc3339(u.created_at), "lastModifiedAt": rfc3339(u.modified_at),
        })
    }

    pub fn group(g: &Group) -> Value {
        json!({
            "groupId": g.id.to_string(), "name": g.name, "description": g.description,
            "owner": g.owner.as_str(), "createdAt": rfc3339(g.created_at), "updatedAt": rfc3339(g.updated_at),
        })
    }

    pub fn permissions(list: &[PermissionAssignment]) -> Value {
        Value::Array(
            list.iter()
                .map(|p| json!({"permissionName": p.name, "scope": p.scope.scope_string(), "scopeType": p.scope.type_name()}))
                .collect(),
        )
    }

    pub fn service_user(s: &ServiceUser) -> Value {
        json!({
            "uid": s.uid.to_string(), "email": s.email.as_str(), "name": s.name, "description": s.description,
            "groupUuid": s.group.map(|g| g.to_string()), "userStatus": s.status.as_str(),
        })
    }
}

impl Accountd {
    /// The context of a change made now by `actor`.
    pub(crate) fn audit(&self, actor: &Actor) -> AuditContext {
        AuditContext {
            actor: actor.clone(),
            at: self.now(),
        }
    }

    /// `GET /audit/v1/accounts/{a}`: newest first, optionally within `[start, end]` and of one
    /// resource type.
    pub async fn list_audit_events(
        &self,
        access: &IdmReader,
        page: crate::users::PageRequest<'_>,
        start: Option<&str>,
        end: Option<&str>,
        resource_type: Option<&str>,
    ) -> Result<Listing<AuditEvent>> {
        let parse_time = |field: &'static str, text: &str| {
            OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
                .map(crate::clock::to_millis)
                .map_err(|_| {
                    Error::invalid(
                        field,
                        format!(
                            "'{text}' is not an RFC 3339 timestamp (e.g. 2026-01-31T12:00:00Z)"
                        ),
                    )
                })
        };
        if let Some(kind) = resource_type
            && !RESOURCE_TYPES.contains(&kind)
        {
            return Err(Error::invalid(
                "resourceType",
                format!(
                    "'{kind}' is not a resource type; use one of: {}",
                    RESOURCE_TYPES.join(", ")
                ),
            ));
        }
        let filter = AuditFilter {
            start_ms: start.map(|t| parse_time("startTime", t)).transpose()?,
            end_ms: end.map(|t| parse_time("endTime", t)).transpose()?,
            resource_type: resource_type.map(str::to_owned),
        };
        let encoded = (filter != AuditFilter::default())
            .then(|| serde_json::to_string(&filter).unwrap_or_default());
        self.list_page(
            access.account(),
            PageKind::Audit,
            page.size,
            page.key,
            encoded.as_deref(),
            |query, filter| {
                let store = self.store.clone();
                let account = access.account();
                async move {
                    let filter: AuditFilter = match filter {
                        Some(text) => serde_json::from_str(&text).map_err(|_| {
                            Error::invalid(
                                "nextPageKey",
                                "the page key is malformed; start again from the first page",
                            )
                        })?,
                        None => AuditFilter::default(),
                    };
                    store.list_audit_events(account, &query, &filter).await
                }
            },
        )
        .await
    }
}
