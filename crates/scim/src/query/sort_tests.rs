use serde_json::{Value, json};

use super::*;
use crate::schema::{group_schema, user_schema};

fn sorted(mut resources: Vec<Value>, by: AttrPath, order: SortOrder) -> Vec<Value> {
    let schema = user_schema();
    resources.sort_by(|a, b| compare_resources(a, b, &by, &schema, order));
    resources
}

fn ids(resources: &[Value]) -> Vec<&str> {
    resources.iter().filter_map(|r| r["id"].as_str()).collect()
}

#[test]
fn case_insensitive_ascending_with_missing_last() {
    let resources = vec![
        json!({"id": "1", "userName": "bob"}),
        json!({"id": "2"}),
        json!({"id": "3", "userName": "Alice"}),
        json!({"id": "4", "userName": "carol"}),
    ];
    let asc = sorted(
        resources.clone(),
        AttrPath::new("USERNAME"),
        SortOrder::Ascending,
    );
    assert_eq!(ids(&asc), ["3", "1", "4", "2"]);
    let desc = sorted(resources, AttrPath::new("userName"), SortOrder::Descending);
    assert_eq!(ids(&desc), ["4", "1", "3", "2"]);
}

#[test]
fn case_exact_attributes_sort_by_code_point() {
    let resources = vec![
        json!({"id": "a", "externalId": "b"}),
        json!({"id": "B", "externalId": "B"}),
    ];
    let out = sorted(resources, AttrPath::new("id"), SortOrder::Ascending);
    assert_eq!(ids(&out), ["B", "a"]);
}

#[test]
fn multi_valued_uses_primary_then_first() {
    let resources = vec![
        json!({"id": "1", "emails": [{"value": "z@x"}, {"value": "a@x", "primary": true}]}),
        json!({"id": "2", "emails": [{"value": "m@x"}, {"value": "b@x"}]}),
        json!({"id": "3", "emails": []}),
    ];
    let out = sorted(
        resources.clone(),
        AttrPath::new("emails"),
        SortOrder::Ascending,
    );
    assert_eq!(ids(&out), ["1", "2", "3"]);
    let out = sorted(
        resources,
        AttrPath::with_sub("emails", "value"),
        SortOrder::Descending,
    );
    assert_eq!(ids(&out), ["2", "1", "3"]);
}

#[test]
fn sub_attributes_dates_and_booleans() {
    let resources = vec![
        json!({"id": "1", "name": {"familyName": "Zeta"}, "meta": {"created": "2024-01-02T00:00:00Z"}, "active": true}),
        json!({"id": "2", "name": {"familyName": "alpha"}, "meta": {"created": "2023-12-31T00:00:00Z"}, "active": false}),
    ];
    let out = sorted(
        resources.clone(),
        AttrPath::with_sub("name", "familyName"),
        SortOrder::Ascending,
    );
    assert_eq!(ids(&out), ["2", "1"]);
    let out = sorted(
        resources.clone(),
        AttrPath::with_sub("meta", "created"),
        SortOrder::Descending,
    );
    assert_eq!(ids(&out), ["1", "2"]);
    let out = sorted(
        resources.clone(),
        AttrPath::new("active"),
        SortOrder::Ascending,
    );
    assert_eq!(ids(&out), ["2", "1"]);
    assert_eq!(
        sort_key(&resources[0], &AttrPath::new("name"), &user_schema()),
        None
    );
    assert_eq!(
        sort_key(&resources[0], &AttrPath::new("nickName"), &user_schema()),
        None
    );
}

#[test]
fn keys_of_mixed_kinds_have_a_total_order() {
    let mut keys = [
        SortKey::Text("a".into()),
        SortKey::Number(2.0),
        SortKey::Bool(true),
        SortKey::Number(f64::NAN),
        SortKey::Number(-1.0),
    ];
    keys.sort();
    assert_eq!(keys[0], SortKey::Bool(true));
    assert_eq!(keys[1], SortKey::Number(-1.0));
    assert_eq!(keys[4], SortKey::Text("a".into()));
    assert_eq!(
        sort_key(
            &json!({"members": [{"value": "Q"}]}),
            &AttrPath::new("members"),
            &group_schema()
        ),
        Some(SortKey::Text("Q".into()))
    );
}

#[test]
fn sort_order_parsing() {
    assert_eq!(SortOrder::parse("Descending"), Ok(SortOrder::Descending));
    assert_eq!(SortOrder::parse("ASCENDING"), Ok(SortOrder::Ascending));
    assert_eq!(SortOrder::default(), SortOrder::Ascending);
    assert!(SortOrder::parse("up").is_err());
}
