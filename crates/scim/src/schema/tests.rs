use serde_json::json;

use super::*;
use crate::filter::AttrPath;

fn path(urn: Option<&str>, name: &str, sub: Option<&str>) -> AttrPath {
    AttrPath {
        urn: urn.map(str::to_owned),
        name: name.to_owned(),
        sub: sub.map(str::to_owned),
    }
}

#[test]
fn attribute_serializes_in_the_schemas_wire_format() {
    let schema = user_schema();
    let emails = serde_json::to_value(schema.attribute("emails")).unwrap_or_default();
    assert_eq!(emails["type"], "complex");
    assert_eq!(emails["multiValued"], true);
    assert_eq!(emails["mutability"], "readWrite");
    assert_eq!(emails["returned"], "default");
    assert_eq!(emails["uniqueness"], "none");
    assert_eq!(emails["subAttributes"][1]["name"], "type");
    assert_eq!(
        emails["subAttributes"][1]["canonicalValues"],
        json!(["work", "home", "other"])
    );
    // Empty lists are left out.
    assert!(emails.get("canonicalValues").is_none());
    assert!(emails["subAttributes"][0].get("subAttributes").is_none());
    assert!(emails.get("referenceTypes").is_none());
}

#[test]
fn date_time_type_is_camel_case() {
    let meta = common_attributes()
        .iter()
        .find(|attribute| attribute.name == "meta");
    let created = meta.and_then(|meta| meta.sub_attribute("created"));
    let json = serde_json::to_value(created).unwrap_or_default();
    assert_eq!(json["type"], "dateTime");
    assert_eq!(json["mutability"], "readOnly");
}

#[test]
fn schema_document_carries_schemas_and_meta() {
    let doc = group_schema().to_json("https://x/scim/v2/Schemas/g");
    assert_eq!(doc["schemas"], json!([SCHEMA]));
    assert_eq!(doc["id"], GROUP_SCHEMA);
    assert_eq!(doc["name"], "Group");
    assert_eq!(doc["meta"]["resourceType"], "Schema");
    assert_eq!(doc["meta"]["location"], "https://x/scim/v2/Schemas/g");
    let members = &doc["attributes"][1];
    assert_eq!(members["name"], "members");
    let subs: Vec<&str> = members["subAttributes"]
        .as_array()
        .map(|subs| subs.iter().filter_map(|s| s["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(subs, ["value", "$ref", "type"]);
    assert_eq!(
        members["subAttributes"][1]["referenceTypes"],
        json!(["User"])
    );
}

#[test]
fn user_schema_lists_exactly_the_stored_attributes() {
    let names: Vec<String> = user_schema()
        .attributes
        .iter()
        .map(|attribute| attribute.name.clone())
        .collect();
    assert_eq!(
        names,
        [
            "userName",
            "name",
            "displayName",
            "emails",
            "active",
            "groups"
        ]
    );
    let schema = user_schema();
    let user_name = schema.attribute("username");
    assert!(user_name.is_some_and(|a| a.required && !a.case_exact));
    assert!(
        schema
            .attribute("groups")
            .is_some_and(Attribute::is_read_only)
    );
    assert!(
        schema.attribute("id").is_none(),
        "common attributes are not listed"
    );
}

#[test]
fn lookups_are_case_insensitive_and_know_common_attributes() {
    let schema = user_schema();
    assert_eq!(schema.top_level("ID").map(|a| a.name.as_str()), Some("id"));
    assert_eq!(
        schema.top_level("externalid").map(|a| a.case_exact),
        Some(true)
    );
    let resolved = schema.resolve(&path(None, "NAME", Some("GIVENNAME")));
    assert_eq!(resolved.map(|r| r.leaf().name.as_str()), Some("givenName"));
    let meta = schema.resolve(&path(None, "meta", Some("lastModified")));
    assert_eq!(meta.map(|r| r.leaf().type_), Some(AttrType::DateTime));
}

#[test]
fn resolve_checks_the_urn() {
    let schema = user_schema();
    let lower = USER_SCHEMA.to_ascii_lowercase();
    assert!(
        schema
            .resolve(&path(Some(&lower), "userName", None))
            .is_some()
    );
    assert!(
        schema
            .resolve(&path(Some(GROUP_SCHEMA), "userName", None))
            .is_none()
    );
    assert!(schema.resolve(&path(None, "nickName", None)).is_none());
    assert!(
        schema
            .resolve(&path(None, "name", Some("middleName")))
            .is_none()
    );
}
