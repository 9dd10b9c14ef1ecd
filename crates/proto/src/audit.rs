//! `GET /audit/v1/accounts/{accountUuid}`: the account's audit log (accountd; the real API has
//! no equivalent).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

/// One change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    pub id: String,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub timestamp: String,
    /// `client:<client id>`, `admin`, `bootstrap`, `invitation`.
    pub actor: String,
    /// `CREATE`, `UPDATE` or `DELETE`.
    pub event_type: String,
    pub resource_type: String,
    pub resource_id: String,
    /// The resource before the change (absent on `CREATE`).
    #[schema(value_type = Value, required = false)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    /// The resource after the change (absent on `DELETE`).
    #[schema(value_type = Value, required = false)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
}

/// A page of events, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditEventCollection {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_key: Option<String>,
    #[schema(format = Int64)]
    pub total_count: u64,
    pub items: Vec<AuditEvent>,
}
