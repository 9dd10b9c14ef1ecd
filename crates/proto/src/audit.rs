//! `GET /audit/v1/accounts/{accountUuid}`: the account's audit log (accountd; the real API has
//! no equivalent).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    pub id: String,
    /// RFC 3339.
    pub timestamp: String,
    /// `client:<client id>`, `admin`, `bootstrap`, `invitation`.
    pub actor: String,
    /// `CREATE`, `UPDATE` or `DELETE`.
    pub event_type: String,
    pub resource_type: String,
    pub resource_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
}

/// A page of events, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEventCollection {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_key: Option<String>,
    pub total_count: u64,
    pub items: Vec<AuditEvent>,
}
