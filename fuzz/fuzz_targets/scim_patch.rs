//! SCIM PATCH: any bytes that deserialize as a PatchRequest must apply to a sample user and group
//! or fail with a SCIM error, never panic; a failed patch leaves the resource untouched.
#![no_main]

use accountd_scim::{PatchRequest, apply_patch, group_schema, user_schema};
use libfuzzer_sys::fuzz_target;
use serde_json::json;

fuzz_target!(|data: &[u8]| {
    let Ok(request) = serde_json::from_slice::<PatchRequest>(data) else {
        return;
    };
    let _ = request.validate();
    let user = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": "2819c223-7f76-453a-919d-413861904646",
        "userName": "bjensen@example.com",
        "name": {"givenName": "Barbara", "familyName": "Jensen"},
        "active": true,
        "emails": [{"value": "b@x.com", "type": "work", "primary": true}, {"value": "c@y.org"}],
        "groups": [{"value": "g1", "type": "direct"}],
        "meta": {"resourceType": "User", "version": "W/\"1\""}
    });
    let group = json!({
        "id": "g1",
        "displayName": "Admins",
        "members": [{"value": "2819c223-7f76-453a-919d-413861904646", "type": "User"}]
    });
    for (original, schema) in [(user, user_schema()), (group, group_schema())] {
        let mut resource = original.clone();
        match apply_patch(&mut resource, &request.operations, &schema) {
            Ok(()) => assert!(resource.is_object()),
            Err(err) => {
                assert!(err.status == 400, "{err}");
                assert_eq!(resource, original, "a failed patch changed the resource");
            }
        }
    }
});
