//! The schema and message URNs of RFC 7643 §8.7 and RFC 7644 §3, in one place so that a typo is
//! a compile error rather than a client that silently rejects our documents.

/// RFC 7643 §4.1: the core User resource.
pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// RFC 7643 §4.2: the core Group resource.
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
/// RFC 7644 §3.4.2: a query response.
pub const LIST_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
/// RFC 7644 §3.5.2: a PATCH request body.
pub const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
/// RFC 7644 §3.12: an error response.
pub const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
/// RFC 7644 §3.4.3: a `POST .search` body.
pub const SEARCH_REQUEST: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
/// RFC 7644 §3.7: a bulk request body.
pub const BULK_REQUEST: &str = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
/// RFC 7644 §3.7: a bulk response body.
pub const BULK_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";
/// RFC 7643 §5: the service provider configuration resource.
pub const SERVICE_PROVIDER_CONFIG: &str =
    "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
/// RFC 7643 §6: a resource type definition.
pub const RESOURCE_TYPE: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
/// RFC 7643 §7: a schema definition.
pub const SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";
