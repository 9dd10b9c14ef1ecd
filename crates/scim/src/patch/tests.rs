//! RFC 7644 §3.5.2 behaviour, mutability, coercion and limits.

use serde_json::{Value, json};

use super::*;
use crate::error::ScimType;
use crate::schema::{group_schema, user_schema};

pub(super) fn user() -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": "2819c223-7f76-453a-919d-413861904646",
        "userName": "bjensen@example.com",
        "name": {"givenName": "Barbara", "familyName": "Jensen"},
        "displayName": "Babs",
        "active": true,
        "emails": [
            {"value": "bjensen@example.com", "type": "work", "primary": true},
            {"value": "babs@jensen.org", "type": "home"}
        ],
        "groups": [{"value": "g1", "display": "Admins", "type": "direct"}],
        "meta": {"resourceType": "User", "version": "W/\"1\""}
    })
}

pub(super) fn group() -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "id": "e9e30dba-f08f-4109-8486-d5c6a331660a",
        "displayName": "Tour Guides",
        "members": [
            {"value": "2819c223-7f76-453a-919d-413861904646", "type": "User"},
            {"value": "902c246b-6245-4190-8e05-00816be7344a", "type": "User"}
        ]
    })
}

pub(super) fn ops(value: Value) -> Vec<PatchOperation> {
    serde_json::from_value::<PatchRequest>(json!({
        "schemas": [PATCH_OP],
        "Operations": value
    }))
    .map(|request| request.operations)
    .unwrap_or_else(|err| panic!("bad operations: {err}"))
}

pub(super) fn patched(mut resource: Value, schema: &Schema, operations: Value) -> Value {
    if let Err(err) = apply_patch(&mut resource, &ops(operations), schema) {
        panic!("patch failed: {err}");
    }
    resource
}

pub(super) fn failure(resource: Value, schema: &Schema, operations: Value) -> ScimError {
    let mut copy = resource.clone();
    match apply_patch(&mut copy, &ops(operations), schema) {
        Ok(()) => panic!("patch succeeded: {copy}"),
        Err(err) => {
            assert_eq!(
                copy, resource,
                "a failed patch must leave the resource untouched"
            );
            err
        }
    }
}

#[test]
fn rfc_add_member() {
    let out = patched(
        group(),
        &group_schema(),
        json!([{"op": "add", "path": "members", "value": [{
            "display": "Babs Jensen",
            "$ref": "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646",
            "value": "2819c223-7f76-453a-919d-413861904646"
        }, {"value": "new-1"}]}]),
    );
    let members = out["members"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        members.len(),
        3,
        "existing member not duplicated: {members:?}"
    );
    assert_eq!(members[2], json!({"value": "new-1"}));
}

#[test]
fn rfc_add_without_path() {
    let out = patched(
        user(),
        &user_schema(),
        json!([{"op": "add", "value": {
            "emails": [{"value": "babs@jensen.org", "type": "home"}, {"value": "b@w.org", "type": "other"}],
            "nickname": "Babs"
        }}]),
    );
    assert_eq!(out["emails"].as_array().map(Vec::len), Some(3));
    assert!(
        out.get("nickname").is_none(),
        "unknown attributes are ignored"
    );
}

#[test]
fn rfc_remove_single_member_and_all_members() {
    let one = patched(
        group(),
        &group_schema(),
        json!([{"op": "remove", "path": "members[value eq \"2819c223-7f76-453a-919d-413861904646\"]"}]),
    );
    assert_eq!(
        one["members"],
        json!([{"value": "902c246b-6245-4190-8e05-00816be7344a", "type": "User"}])
    );
    let all = patched(
        group(),
        &group_schema(),
        json!([{"op": "remove", "path": "members"}]),
    );
    assert!(all.get("members").is_none());
    let again = patched(
        one,
        &group_schema(),
        json!([{"op": "remove", "path": "members[value eq \"2819c223-7f76-453a-919d-413861904646\"]"}]),
    );
    assert_eq!(
        again["members"].as_array().map(Vec::len),
        Some(1),
        "idempotent"
    );
}

#[test]
fn rfc_remove_then_add_replaces_members() {
    let out = patched(
        group(),
        &group_schema(),
        json!([
            {"op": "remove", "path": "members[value eq \"2819c223-7f76-453a-919d-413861904646\"]"},
            {"op": "add", "path": "members", "value": [{"value": "u3"}]}
        ]),
    );
    assert_eq!(out["members"].as_array().map(Vec::len), Some(2));
}

#[test]
fn rfc_replace_members_and_sub_attribute() {
    let out = patched(
        group(),
        &group_schema(),
        json!([{"op": "replace", "path": "members", "value": [{"value": "only"}]}]),
    );
    assert_eq!(out["members"], json!([{"value": "only"}]));
    let out = patched(
        user(),
        &user_schema(),
        json!([{"op": "replace", "path": "emails[type eq \"work\"]", "value": {"type": "work", "value": "new@x.com"}}]),
    );
    assert_eq!(
        out["emails"][0],
        json!({"type": "work", "value": "new@x.com"})
    );
    let out = patched(
        user(),
        &user_schema(),
        json!([{"op": "replace", "path": "emails[type eq \"home\"].value", "value": "h@x.org"}]),
    );
    assert_eq!(
        out["emails"][1],
        json!({"value": "h@x.org", "type": "home"})
    );
}

#[test]
fn replace_complex_merges_sub_attributes() {
    let out = patched(
        user(),
        &user_schema(),
        json!([{"op": "replace", "path": "name", "value": {"givenName": "Babs"}}]),
    );
    assert_eq!(
        out["name"],
        json!({"givenName": "Babs", "familyName": "Jensen"})
    );
    let out = patched(
        user(),
        &user_schema(),
        json!([{"op": "replace", "value": {"name": {"familyName": null, "GIVENNAME": "B"}}}]),
    );
    assert_eq!(out["name"], json!({"givenName": "B"}));
}

#[test]
fn filter_without_match_is_no_target_unless_equalities_with_sub() {
    let err = failure(
        user(),
        &user_schema(),
        json!([{"op": "replace", "path": "emails[type eq \"other\"]", "value": {"value": "x@y"}}]),
    );
    assert_eq!(err.scim_type, Some(ScimType::NoTarget));
    assert!(
        err.detail
            .contains("no value of 'emails' matches 'type eq \"other\"'"),
        "{}",
        err.detail
    );
    let err = failure(
        user(),
        &user_schema(),
        json!([{"op": "replace", "path": "emails[value co \"zzz\"].type", "value": "work"}]),
    );
    assert_eq!(err.scim_type, Some(ScimType::NoTarget));
    let out = patched(
        user(),
        &user_schema(),
        json!([{"op": "replace", "path": "emails[type eq \"other\" and primary eq false].value", "value": "o@x"}]),
    );
    assert_eq!(
        out["emails"][2],
        json!({"type": "other", "primary": false, "value": "o@x"})
    );
}

#[test]
fn remove_needs_a_path() {
    let err = failure(user(), &user_schema(), json!([{"op": "remove"}]));
    assert_eq!(err.scim_type, Some(ScimType::NoTarget));
    assert!(
        err.detail.starts_with("Operations[0] (remove):"),
        "{}",
        err.detail
    );
}

#[test]
fn remove_sub_attributes() {
    let out = patched(
        user(),
        &user_schema(),
        json!([
            {"op": "remove", "path": "name.givenName"},
            {"op": "remove", "path": "emails[type eq \"work\"].primary"},
            {"op": "remove", "path": "displayName"}
        ]),
    );
    assert_eq!(out["name"], json!({"familyName": "Jensen"}));
    assert_eq!(
        out["emails"][0],
        json!({"value": "bjensen@example.com", "type": "work"})
    );
    assert!(out.get("displayName").is_none());
    let out = patched(
        out,
        &user_schema(),
        json!([{"op": "remove", "path": "name.familyName"}]),
    );
    assert!(
        out.get("name").is_none(),
        "an empty complex attribute is unassigned"
    );
}

#[test]
fn read_only_attributes_are_mutability_errors() {
    for (path, value) in [
        ("id", json!("x")),
        ("meta", json!({"version": "2"})),
        ("meta.version", json!("2")),
        ("groups", json!([{"value": "g2"}])),
        ("groups[value eq \"g1\"].display", json!("x")),
    ] {
        for op in ["add", "replace", "remove"] {
            let err = failure(
                user(),
                &user_schema(),
                json!([{"op": op, "path": path, "value": value}]),
            );
            assert_eq!(err.scim_type, Some(ScimType::Mutability), "{op} {path}");
            assert!(err.detail.contains("readOnly"), "{}", err.detail);
        }
    }
    let err = failure(
        user(),
        &user_schema(),
        json!([{"op": "replace", "value": {"id": "other"}}]),
    );
    assert_eq!(err.scim_type, Some(ScimType::Mutability));
}

#[test]
fn immutable_member_sub_attributes() {
    let err = failure(
        group(),
        &group_schema(),
        json!([{"op": "replace", "path": "members[value eq \"902c246b-6245-4190-8e05-00816be7344a\"].value", "value": "z"}]),
    );
    assert_eq!(err.scim_type, Some(ScimType::Mutability));
    assert!(err.detail.contains("immutable"));
}

#[test]
fn schemas_key_and_schema_urn_objects_in_path_less_values() {
    let out = patched(
        user(),
        &user_schema(),
        json!([{"op": "replace", "value": {
            "schemas": ["whatever"],
            "urn:ietf:params:scim:schemas:core:2.0:User": {"displayName": "Core"},
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "7"},
            "urn:ietf:params:scim:schemas:core:2.0:User:userName": "qualified@example.com"
        }}]),
    );
    assert_eq!(out["displayName"], "Core");
    assert_eq!(out["userName"], "qualified@example.com");
    assert_eq!(out["schemas"], user()["schemas"]);
    assert!(out.get("employeeNumber").is_none());
}

#[test]
fn canonical_names_are_written() {
    let out = patched(
        user(),
        &user_schema(),
        json!([{"op": "replace", "path": "USERNAME", "value": "a@b"}, {"op": "add", "path": "ExternalID", "value": "e1"}]),
    );
    assert_eq!(out["userName"], "a@b");
    assert_eq!(out["externalId"], "e1");
    assert!(out.get("USERNAME").is_none() && out.get("ExternalID").is_none());
    let mut mixed = user();
    if let Value::Object(map) = &mut mixed {
        map.remove("displayName");
        map.insert("DISPLAYNAME".to_owned(), json!("old"));
    }
    let out = patched(
        mixed,
        &user_schema(),
        json!([{"op": "replace", "path": "displayName", "value": "new"}]),
    );
    assert_eq!(out["displayName"], "new");
    assert!(out.get("DISPLAYNAME").is_none());
}

#[test]
fn values_of_the_wrong_type_are_invalid_value() {
    for (path, value, detail) in [
        (
            "userName",
            json!({"a": 1}),
            "'userName' must be a string, not an object",
        ),
        (
            "active",
            json!("maybe"),
            "'active' must be a boolean, not a string",
        ),
        (
            "name",
            json!("Babs"),
            "'name' must be an object, not a string",
        ),
        (
            "emails",
            json!(["a@b"]),
            "'emails' must be an object, not a string",
        ),
        (
            "name.givenName",
            json!(3),
            "'name.givenName' must be a string, not a number",
        ),
    ] {
        let err = failure(
            user(),
            &user_schema(),
            json!([{"op": "replace", "path": path, "value": value}]),
        );
        assert_eq!(err.scim_type, Some(ScimType::InvalidValue), "{path}");
        assert!(err.detail.ends_with(detail), "{}", err.detail);
    }
}

#[test]
fn null_unassigns_and_required_attributes_stay() {
    let out = patched(
        user(),
        &user_schema(),
        json!([{"op": "replace", "path": "displayName", "value": null}, {"op": "replace", "value": {"active": null}}]),
    );
    assert!(out.get("displayName").is_none());
    assert!(out.get("active").is_none());
    let err = failure(
        user(),
        &user_schema(),
        json!([{"op": "remove", "path": "userName"}]),
    );
    assert_eq!(err.scim_type, Some(ScimType::InvalidValue));
    assert!(err.detail.contains("required"));
    let err = failure(
        group(),
        &group_schema(),
        json!([{"op": "replace", "value": {"displayName": null}}]),
    );
    assert!(err.detail.contains("required"));
    let err = failure(
        user(),
        &user_schema(),
        json!([{"op": "add", "path": "displayName"}]),
    );
    assert!(err.detail.contains("needs a 'value'"));
}

#[test]
fn bad_ops_and_paths() {
    let err = failure(
        user(),
        &user_schema(),
        json!([{"op": "move", "path": "userName"}]),
    );
    assert_eq!(err.scim_type, Some(ScimType::InvalidSyntax));
    assert!(err.detail.contains("unknown op 'move'"));
    let err = failure(
        user(),
        &user_schema(),
        json!([{"op": "add", "path": "emails[type eq", "value": "x"}]),
    );
    assert_eq!(err.scim_type, Some(ScimType::InvalidPath));
    let err = failure(
        user(),
        &user_schema(),
        json!([{"op": "add", "path": "userName.x", "value": "x"}]),
    );
    assert_eq!(err.scim_type, Some(ScimType::InvalidPath));
    let err = failure(
        user(),
        &user_schema(),
        json!([{"op": "add", "path": "name[givenName eq \"B\"]", "value": {}}]),
    );
    assert_eq!(err.scim_type, Some(ScimType::InvalidPath));
    let err = failure(
        user(),
        &user_schema(),
        json!([{"op": "add", "path": "emails[primary gt true]", "value": {}}]),
    );
    assert_eq!(err.scim_type, Some(ScimType::InvalidFilter));
    let err = failure(user(), &user_schema(), json!([{"op": "add", "value": "x"}]));
    assert_eq!(err.scim_type, Some(ScimType::InvalidValue));
    let err = failure(
        user(),
        &user_schema(),
        json!([{"op": "add", "value": {"bad key": 1}}]),
    );
    assert_eq!(err.scim_type, Some(ScimType::InvalidPath));
}

#[test]
fn operations_are_all_or_nothing_and_limited() {
    let err = failure(
        user(),
        &user_schema(),
        json!([{"op": "replace", "path": "displayName", "value": "changed"}, {"op": "remove", "path": "id"}]),
    );
    assert!(err.detail.starts_with("Operations[1] (remove):"));
    let many: Vec<Value> = (0..=MAX_OPERATIONS)
        .map(|_| json!({"op": "replace", "path": "displayName", "value": "x"}))
        .collect();
    let err = failure(user(), &user_schema(), Value::Array(many));
    assert_eq!(err.scim_type, Some(ScimType::TooMany));
    let mut not_object = json!([1]);
    assert!(apply_patch(&mut not_object, &[], &user_schema()).is_err());
}

#[test]
fn only_one_primary_email() {
    let out = patched(
        user(),
        &user_schema(),
        json!([{"op": "add", "path": "emails", "value": [{"value": "n@x", "type": "other", "primary": true}]}]),
    );
    assert_eq!(out["emails"][0]["primary"], false);
    assert_eq!(out["emails"][2]["primary"], true);
}

#[test]
fn unknown_attributes_and_sub_attributes_are_ignored() {
    let out = patched(
        user(),
        &user_schema(),
        json!([
            {"op": "add", "path": "title", "value": "Boss"},
            {"op": "replace", "path": "name.formatted", "value": "Ms. B"},
            {"op": "remove", "path": "phoneNumbers[type eq \"work\"]"},
            {"op": "add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "R&D"}
        ]),
    );
    assert_eq!(out, user());
}

#[test]
fn request_validation() {
    let request: Result<PatchRequest, _> = serde_json::from_value(json!({"Operations": []}));
    let request = request.unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        request.validate().err().map(|e| e.scim_type),
        Some(Some(ScimType::InvalidSyntax))
    );
    let request: Result<PatchRequest, _> = serde_json::from_value(
        json!({"schemas": [PATCH_OP], "operations": [{"op": "add", "value": null}]}),
    );
    let request = request.unwrap_or_else(|err| panic!("{err}"));
    assert!(request.validate().is_ok());
    assert_eq!(request.operations[0].value, None);
}
