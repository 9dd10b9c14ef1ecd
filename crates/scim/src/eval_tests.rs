use serde_json::{Value, json};

use super::*;
use crate::error::ScimType;
use crate::filter::parse_filter;
use crate::schema::{group_schema, user_schema};

fn user() -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": "2819c223-7f76-453a-919d-413861904646",
        "externalId": "Ext-42",
        "userName": "Bjensen@Example.com",
        "name": {"givenName": "Barbara", "familyName": "O'Malley"},
        "displayName": "Babs Jensen",
        "active": true,
        "emails": [
            {"value": "bjensen@example.com", "type": "work", "primary": true},
            {"value": "babs@jensen.org", "type": "home"}
        ],
        "groups": [{"value": "g1", "display": "Admins", "type": "direct"}],
        "meta": {
            "resourceType": "User",
            "created": "2011-08-01T18:29:49.000Z",
            "lastModified": "2011-08-01T21:32:44.000Z",
            "version": "W/\"a330bc54f0671c9\""
        }
    })
}

fn check(filter: &str) -> bool {
    let parsed = match parse_filter(filter) {
        Ok(parsed) => parsed,
        Err(err) => panic!("{filter}: {err}"),
    };
    match matches(&parsed, &user(), &user_schema()) {
        Ok(result) => result,
        Err(err) => panic!("{filter}: {err}"),
    }
}

fn error(filter: &str) -> String {
    let parsed = parse_filter(filter).unwrap_or_else(|err| panic!("{filter}: {err}"));
    match matches(&parsed, &user(), &user_schema()) {
        Ok(result) => panic!("{filter} evaluated to {result}"),
        Err(err) => {
            assert_eq!(err.scim_type, Some(ScimType::InvalidFilter));
            err.detail
        }
    }
}

#[test]
fn equality_is_case_insensitive_unless_case_exact() {
    assert!(check(r#"userName eq "bjensen@example.com""#));
    assert!(check(r#"USERNAME EQ "BJENSEN@EXAMPLE.COM""#));
    assert!(check(r#"externalId eq "Ext-42""#));
    assert!(!check(r#"externalId eq "ext-42""#));
    assert!(check(r#"id eq "2819c223-7f76-453a-919d-413861904646""#));
    assert!(!check(r#"id eq "2819C223-7F76-453A-919D-413861904646""#));
    assert!(check(r#"userName ne "someone""#));
    assert!(!check(r#"userName ne "BJENSEN@example.com""#));
}

#[test]
fn urn_prefix_must_name_the_schema() {
    assert!(check(
        r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "bj""#
    ));
    assert!(check(
        r#"URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:name.familyName co "mall""#
    ));
    assert!(!check(
        r#"urn:ietf:params:scim:schemas:core:2.0:Group:userName sw "bj""#
    ));
    assert!(!check(
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "1""#
    ));
}

#[test]
fn substring_operators() {
    assert!(check(r#"name.familyName co "O'Malley""#));
    assert!(check(r#"userName sw "BJ""#));
    assert!(check(r#"userName ew ".COM""#));
    assert!(!check(r#"userName ew "example""#));
    assert!(check(r#"displayName co "jens""#));
}

#[test]
fn presence() {
    assert!(check("userName pr"));
    assert!(check("name.givenName pr"));
    assert!(check("emails pr"));
    assert!(check("emails.type pr"));
    assert!(!check("title pr"));
    assert!(!check("name.middleName pr"));
    let empty = json!({"userName": "", "emails": [], "name": {"givenName": null}});
    let schema = user_schema();
    for filter in ["userName pr", "emails pr", "name.givenName pr", "name pr"] {
        let parsed = parse_filter(filter).unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(matches(&parsed, &empty, &schema), Ok(false), "{filter}");
    }
}

#[test]
fn multi_valued_attributes_match_any_value() {
    assert!(check(r#"emails co "jensen.org""#));
    assert!(check(r#"emails.value co "example.com""#));
    assert!(check(r#"emails.type eq "home""#));
    assert!(!check(r#"emails.type eq "other""#));
    assert!(check(
        r#"emails[type eq "work" and value co "@example.com"]"#
    ));
    assert!(!check(
        r#"emails[type eq "home" and value co "@example.com"]"#
    ));
    assert!(check(r#"emails[not (type eq "work")]"#));
    assert!(check(r#"emails[primary eq true]"#));
    assert!(check(r#"groups.display eq "admins""#));
    assert!(!check(r#"emails ne "babs@jensen.org""#));
}

#[test]
fn logical_operators_and_precedence() {
    assert!(check(
        r#"userName eq "x" or active eq true and displayName pr"#
    ));
    assert!(!check(
        r#"(userName eq "x" or active eq true) and title pr"#
    ));
    assert!(check(r#"not (userName eq "x")"#));
    assert!(!check(r#"not (userName pr)"#));
    assert!(check(
        r#"userType eq "Employee" or (emails co "example.com" or emails.value co "example.org")"#
    ));
}

#[test]
fn booleans_accept_strings_from_entra() {
    assert!(check("active eq true"));
    assert!(check(r#"active eq "True""#));
    assert!(!check(r#"active eq "false""#));
    assert!(!check(r#"active eq "yes""#));
    assert!(check("active ne false"));
    let stored_as_text = json!({"active": "False"});
    let parsed = parse_filter("active eq false").unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(matches(&parsed, &stored_as_text, &user_schema()), Ok(true));
}

#[test]
fn ordering_of_date_times_strings_and_numbers() {
    assert!(check(r#"meta.lastModified gt "2011-05-13T04:42:34Z""#));
    assert!(check(r#"meta.lastModified ge "2011-08-01T21:32:44.000Z""#));
    assert!(!check(r#"meta.lastModified lt "2011-08-01T21:32:44.000Z""#));
    assert!(check(r#"meta.created le "2011-08-01T21:32:44.000Z""#));
    assert!(check(r#"userName gt "A""#), "case-folded: 'b' > 'a'");
    assert!(check(r#"userName lt "c""#));
    let numbers = json!({"userName": 5});
    let parsed = parse_filter("userName gt 4.5").unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        matches(&parsed, &numbers, &user_schema()),
        Ok(true),
        "numbers compare numerically"
    );
    assert_eq!(
        compare_numbers(
            &Number::from(5),
            &Number::from_f64(4.5).unwrap_or(Number::from(0))
        ),
        Some(Ordering::Greater)
    );
    assert_eq!(
        compare_numbers(&Number::from(u64::MAX), &Number::from(-1)),
        Some(Ordering::Greater)
    );
}

#[test]
fn operator_type_mismatches_are_invalid_filter() {
    assert!(error("active gt true").contains("cannot order boolean"));
    assert!(error("active lt 1").contains("cannot order boolean"));
    assert!(error("emails.primary ge false").contains("cannot order boolean"));
    assert!(error("userName co 3").contains("needs a quoted string"));
    assert!(error("userName gt null").contains("cannot compare with null"));
    // Raised even when the other branch already decided the result.
    assert!(error(r#"userName pr or active gt true"#).contains("cannot order"));
    assert!(error(r#"emails[primary gt true]"#).contains("cannot order"));
}

#[test]
fn null_and_unknown_attributes() {
    assert!(!check("title eq null"), "unknown attributes never match");
    assert!(!check(r#"title ne "x""#));
    assert!(!check("displayName eq null"));
    assert!(check("displayName ne null"));
    let bare = json!({"userName": "x"});
    let parsed = parse_filter("displayName eq null").unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(matches(&parsed, &bare, &user_schema()), Ok(true));
}

#[test]
fn group_members_are_case_exact() {
    let group = json!({
        "displayName": "Admins",
        "members": [{"value": "AbC", "type": "User"}, {"value": "def"}]
    });
    let schema = group_schema();
    let run = |filter: &str| {
        let parsed = parse_filter(filter).unwrap_or_else(|err| panic!("{err}"));
        matches(&parsed, &group, &schema).unwrap_or_else(|err| panic!("{err}"))
    };
    assert!(run(r#"members[value eq "AbC"]"#));
    assert!(!run(r#"members[value eq "abc"]"#));
    assert!(run(r#"members eq "def""#));
    assert!(run(r#"displayName eq "admins""#));
    assert!(!run(r#"userName eq "admins""#));
}

#[test]
fn non_objects_match_nothing() {
    let parsed = parse_filter("userName pr").unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(matches(&parsed, &json!([1, 2]), &user_schema()), Ok(false));
    assert_eq!(matches(&parsed, &json!(null), &user_schema()), Ok(false));
}
