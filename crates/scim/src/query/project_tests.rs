use serde_json::{Value, json};

use super::*;
use crate::schema::{group_schema, user_schema};

fn user() -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": "u1",
        "externalId": "e1",
        "userName": "bjensen",
        "name": {"givenName": "Barbara", "familyName": "Jensen"},
        "emails": [{"value": "a@x", "type": "work", "primary": true}, {"value": "b@x", "type": "home"}],
        "active": true,
        "meta": {"resourceType": "User", "version": "W/\"1\""}
    })
}

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| (*name).to_owned()).collect()
}

fn projected(attributes: &[&str], excluded: &[&str]) -> Value {
    let mut resource = user();
    project(
        &mut resource,
        &strings(attributes),
        &strings(excluded),
        &user_schema(),
    );
    resource
}

#[test]
fn nothing_requested_keeps_everything() {
    assert_eq!(projected(&[], &[]), user());
}

#[test]
fn attributes_keep_only_the_listed_plus_always_returned() {
    assert_eq!(
        projected(&["userName"], &[]),
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "id": "u1",
            "userName": "bjensen"
        })
    );
    let with_meta = projected(&["USERNAME", "meta", "unknown"], &[]);
    assert_eq!(with_meta["meta"], user()["meta"]);
    assert!(with_meta.get("externalId").is_none());
}

#[test]
fn sub_attributes_and_urn_qualified_names() {
    let out = projected(
        &[
            "name.givenName",
            "urn:ietf:params:scim:schemas:core:2.0:User:emails.value",
        ],
        &[],
    );
    assert_eq!(out["name"], json!({"givenName": "Barbara"}));
    assert_eq!(out["emails"], json!([{"value": "a@x"}, {"value": "b@x"}]));
    let whole = projected(&["name.givenName", "name"], &[]);
    assert_eq!(whole["name"], user()["name"]);
    let other_schema = projected(
        &["urn:ietf:params:scim:schemas:core:2.0:Group:userName"],
        &[],
    );
    assert!(other_schema.get("userName").is_none());
}

#[test]
fn whole_schema_urn_keeps_its_attributes() {
    let out = projected(&["urn:ietf:params:scim:schemas:core:2.0:User"], &[]);
    assert_eq!(out["userName"], "bjensen");
    assert!(
        out.get("meta").is_none(),
        "meta is a common attribute, not the schema's"
    );
}

#[test]
fn excluded_attributes() {
    let out = projected(&[], &["emails", "name.familyName", "id", "meta"]);
    assert!(out.get("emails").is_none());
    assert!(out.get("meta").is_none());
    assert_eq!(out["id"], "u1", "returned: always cannot be excluded");
    assert_eq!(out["name"], json!({"givenName": "Barbara"}));
    let out = projected(
        &[],
        &[
            "emails.value",
            "emails.type",
            "emails.primary",
            "name.givenName",
            "name.familyName",
        ],
    );
    assert!(
        out.get("emails").is_none(),
        "emptied multi-valued attributes disappear"
    );
    assert!(out.get("name").is_none());
}

#[test]
fn group_members_can_be_excluded() {
    let mut group = json!({"id": "g", "displayName": "G", "members": [{"value": "u1"}]});
    project(&mut group, &[], &strings(&["members"]), &group_schema());
    assert_eq!(group, json!({"id": "g", "displayName": "G"}));
}

#[test]
fn never_and_request_returned_attributes() {
    let mut schema = user_schema();
    for attr in &mut schema.attributes {
        if attr.name == "displayName" {
            attr.returned = Returned::Never;
        }
        if attr.name == "active" {
            attr.returned = Returned::Request;
        }
    }
    let mut resource = user();
    if let Value::Object(map) = &mut resource {
        map.insert("displayName".to_owned(), json!("Babs"));
    }
    let mut default = resource.clone();
    project(&mut default, &[], &[], &schema);
    assert!(default.get("displayName").is_none());
    assert!(default.get("active").is_none());
    let mut requested = resource;
    project(
        &mut requested,
        &strings(&["active", "displayName"]),
        &[],
        &schema,
    );
    assert_eq!(requested["active"], true);
    assert!(requested.get("displayName").is_none());
}

#[test]
fn odd_names_are_ignored() {
    let out = projected(
        &["aaa\u{e9}", "urn:", "urn:x:", "", " userName ", "name..x"],
        &["\u{e9}\u{e9}\u{e9}"],
    );
    assert_eq!(out["userName"], "bjensen");
    assert!(out.get("name").is_none());
}

#[test]
fn non_objects_are_left_alone() {
    let mut value = json!([1]);
    project(&mut value, &strings(&["id"]), &[], &user_schema());
    assert_eq!(value, json!([1]));
}
