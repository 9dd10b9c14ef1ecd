//! SCIM filters: any text must parse or give `invalidFilter`, never panic or overflow the stack;
//! a parsed filter must evaluate against a sample user and group without panicking, and print
//! back as a filter that parses to something that evaluates the same way.
#![no_main]

use accountd_scim::{group_schema, matches, parse_filter, user_schema};
use libfuzzer_sys::fuzz_target;
use serde_json::json;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let filter = match parse_filter(text) {
        Ok(filter) => filter,
        Err(err) => {
            assert_eq!(err.status, 400);
            return;
        }
    };
    let _ = filter.as_equality();
    let user = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": "2819c223-7f76-453a-919d-413861904646",
        "externalId": "Ext-1",
        "userName": "bjensen@example.com",
        "name": {"givenName": "Barbara", "familyName": "Jensen"},
        "displayName": "Babs",
        "active": true,
        "emails": [{"value": "b@x.com", "type": "work", "primary": true}, {"value": "c@y.org"}],
        "groups": [{"value": "g1", "display": "Admins", "type": "direct"}],
        "meta": {"resourceType": "User", "created": "2024-01-01T00:00:00Z", "version": "W/\"1\""}
    });
    let group = json!({
        "id": "g1",
        "displayName": "Admins",
        "members": [{"value": "2819c223-7f76-453a-919d-413861904646", "type": "User"}]
    });
    let user_result = matches(&filter, &user, &user_schema());
    let _ = matches(&filter, &group, &group_schema());
    // Printing must give a filter with the same meaning (when it still fits the limits).
    if let Ok(reparsed) = parse_filter(&filter.to_string()) {
        assert_eq!(
            matches(&reparsed, &user, &user_schema()).ok(),
            user_result.ok(),
            "{text:?} printed as {filter}"
        );
    }
});
