//! PATCH bodies as Microsoft Entra ID and Okta send them.

use serde_json::json;

use super::tests::{failure, group, patched, user};
use crate::error::ScimType;
use crate::schema::{group_schema, user_schema};

#[test]
fn entra_user_update() {
    let out = patched(
        user(),
        &user_schema(),
        json!([
            {"op": "Replace", "path": "userName", "value": "babs@contoso.com"},
            {"op": "Replace", "path": "active", "value": "False"},
            {"op": "Add", "path": "externalId", "value": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"},
            {"op": "Replace", "path": "name.givenName", "value": "Barbara"},
            {"op": "Replace", "path": "name.familyName", "value": "J."},
            {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "babs@contoso.com"},
            {"op": "Add", "path": "title", "value": "Tour Guide"},
            {"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", "value": "42"}
        ]),
    );
    assert_eq!(out["userName"], "babs@contoso.com");
    assert_eq!(out["active"], false, "stored as a JSON boolean");
    assert_eq!(out["externalId"], "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef");
    assert_eq!(
        out["name"],
        json!({"givenName": "Barbara", "familyName": "J."})
    );
    assert_eq!(out["emails"][0]["value"], "babs@contoso.com");
    assert_eq!(out["emails"].as_array().map(Vec::len), Some(2));
}

#[test]
fn entra_adds_a_work_email_to_a_user_without_one() {
    let bare = json!({"id": "u1", "userName": "x@contoso.com"});
    let out = patched(
        bare,
        &user_schema(),
        json!([{"op": "Add", "path": "emails[type eq \"work\"].value", "value": "x@contoso.com"}]),
    );
    assert_eq!(
        out["emails"],
        json!([{"type": "work", "value": "x@contoso.com"}])
    );
}

#[test]
fn entra_path_less_replace_with_dotted_keys() {
    let out = patched(
        user(),
        &user_schema(),
        json!([{"op": "replace", "value": {
            "name.givenName": "Babs",
            "name.familyName": "Jay",
            "active": "True",
            "displayName": "Babs Jay"
        }}]),
    );
    assert_eq!(
        out["name"],
        json!({"givenName": "Babs", "familyName": "Jay"})
    );
    assert_eq!(out["active"], true);
    assert_eq!(out["displayName"], "Babs Jay");
}

#[test]
fn entra_disable_user() {
    let out = patched(
        user(),
        &user_schema(),
        json!([{"op": "Replace", "path": "active", "value": "False"}]),
    );
    assert_eq!(out["active"], false);
}

#[test]
fn entra_group_membership() {
    let out = patched(
        group(),
        &group_schema(),
        json!([
            {"op": "Add", "path": "members", "value": [{"value": "a1"}, {"value": "a2"}]},
            {"op": "Remove", "path": "members", "value": [{"value": "2819c223-7f76-453a-919d-413861904646"}, {"value": "a2"}]}
        ]),
    );
    assert_eq!(
        out["members"],
        json!([
            {"value": "902c246b-6245-4190-8e05-00816be7344a", "type": "User"},
            {"value": "a1"}
        ])
    );
    let emptied = patched(
        out,
        &group_schema(),
        json!([{"op": "Remove", "path": "members", "value": [
            {"value": "902c246b-6245-4190-8e05-00816be7344a"}, {"value": "a1"}
        ]}]),
    );
    assert!(emptied.get("members").is_none());
}

#[test]
fn entra_group_rename() {
    let out = patched(
        group(),
        &group_schema(),
        json!([{"op": "Replace", "path": "displayName", "value": "Guides"}]),
    );
    assert_eq!(out["displayName"], "Guides");
}

#[test]
fn okta_deactivate_user() {
    let out = patched(
        user(),
        &user_schema(),
        json!([{"op": "replace", "value": {"active": false}}]),
    );
    assert_eq!(out["active"], false);
}

#[test]
fn okta_group_rename_sends_the_unchanged_id() {
    let out = patched(
        group(),
        &group_schema(),
        json!([{"op": "replace", "value": {
            "id": "e9e30dba-f08f-4109-8486-d5c6a331660a",
            "displayName": "Test SCIMv2"
        }}]),
    );
    assert_eq!(out["displayName"], "Test SCIMv2");
    assert_eq!(out["id"], "e9e30dba-f08f-4109-8486-d5c6a331660a");
    let err = failure(
        group(),
        &group_schema(),
        json!([{"op": "replace", "value": {"id": "another", "displayName": "x"}}]),
    );
    assert_eq!(err.scim_type, Some(ScimType::Mutability));
}

#[test]
fn okta_group_membership() {
    let out = patched(
        group(),
        &group_schema(),
        json!([
            {"op": "add", "path": "members", "value": [{"value": "00u1", "display": "user@example.com"}]},
            {"op": "remove", "path": "members[value eq \"2819c223-7f76-453a-919d-413861904646\"]"}
        ]),
    );
    assert_eq!(
        out["members"],
        json!([
            {"value": "902c246b-6245-4190-8e05-00816be7344a", "type": "User"},
            {"value": "00u1"}
        ])
    );
}

#[test]
fn okta_replace_all_members() {
    let out = patched(
        group(),
        &group_schema(),
        json!([{"op": "replace", "path": "members", "value": []}]),
    );
    assert!(out.get("members").is_none());
}
