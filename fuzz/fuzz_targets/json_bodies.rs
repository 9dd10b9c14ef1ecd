//! Request bodies: every body type the API accepts, deserialized from arbitrary bytes, and the
//! email validation the user bodies go through.
#![no_main]

use accountd_core::ids::{Email, UserRef};
use accountd_proto::{GroupCreateRequest, GroupPermission, UserCreateRequest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(user) = serde_json::from_slice::<UserCreateRequest>(data) {
        let _ = Email::parse(&user.email);
        let _ = UserRef::parse(&user.email);
    }
    let _ = serde_json::from_slice::<GroupCreateRequest>(data);
    let _ = serde_json::from_slice::<Vec<GroupPermission>>(data);
    let _ = serde_json::from_slice::<Vec<String>>(data);
    let _ = serde_json::from_slice::<accountd_proto::service_users::ServiceUserRequest>(data);
});
