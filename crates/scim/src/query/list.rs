//! The ListResponse message (RFC 7644 §3.4.2). `Resources` has a capital R on the wire, and
//! `itemsPerPage` is the number of resources actually returned, not the requested `count`.

use serde::Serialize;
use serde_json::Value;

use crate::schema::LIST_RESPONSE;

/// A page of query results.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListResponse {
    pub schemas: Vec<String>,
    pub total_results: u64,
    pub items_per_page: u64,
    pub start_index: u64,
    #[serde(rename = "Resources")]
    pub resources: Vec<Value>,
}

impl ListResponse {
    /// `total` is the number of matches across all pages; `start_index` is 1-based.
    pub fn new(resources: Vec<Value>, total: u64, start_index: u64) -> Self {
        Self {
            schemas: vec![LIST_RESPONSE.to_owned()],
            total_results: total,
            items_per_page: resources.len() as u64,
            start_index,
            resources,
        }
    }

    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "schemas": self.schemas,
            "totalResults": self.total_results,
            "itemsPerPage": self.items_per_page,
            "startIndex": self.start_index,
            "Resources": self.resources,
        })
    }
}

/// The ListResponse body for a page of resources.
pub fn list_response(resources: Vec<Value>, total: u64, start_index: u64) -> Value {
    ListResponse::new(resources, total, start_index).to_json()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn envelope_shape() {
        let body = list_response(vec![json!({"id": "a"}), json!({"id": "b"})], 10, 3);
        assert_eq!(
            body,
            json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                "totalResults": 10,
                "itemsPerPage": 2,
                "startIndex": 3,
                "Resources": [{"id": "a"}, {"id": "b"}]
            })
        );
        let serialized = serde_json::to_value(ListResponse::new(Vec::new(), 0, 1));
        assert_eq!(serialized.ok(), Some(list_response(Vec::new(), 0, 1)));
    }
}
