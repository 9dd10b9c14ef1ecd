//! The hand-written user JSON (`wire::user_json`, used by every user response) against serde's
//! rendering of the wire type it stands in for, on arbitrary names, addresses, ids, groups,
//! statuses and times: the bytes must be identical, and a page must read back as the wire type
//! the client decodes it with.
#![no_main]

use accountd_core::clock::from_millis;
use accountd_core::ids::{Email, GroupId, UserId};
use accountd_core::model::{User, UserStatus};
use accountd_proto::UserCollection;
use accountd_server::wire;
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use uuid::Uuid;

fn user(u: &mut Unstructured<'_>) -> Result<Option<User>> {
    let local: String = u.arbitrary()?;
    let domain: String = u.arbitrary()?;
    // Stored addresses are `local@domain` with neither part empty; anything else is not a user.
    let Some(email) = Email::from_stored(&format!("{local}@{domain}")) else {
        return Ok(None);
    };
    let groups = (0..u.int_in_range(0..=3u8)?)
        .map(|_| Ok(GroupId::from_uuid(Uuid::from_bytes(u.arbitrary()?))))
        .collect::<Result<Vec<_>>>()?;
    let status = *u.choose(&[
        UserStatus::Active,
        UserStatus::Inactive,
        UserStatus::PendingInvite,
    ])?;
    Ok(Some(User {
        uid: UserId::from_uuid(Uuid::from_bytes(u.arbitrary()?)),
        email,
        first_name: u.arbitrary()?,
        last_name: u.arbitrary()?,
        groups,
        status,
        // Any i64: times outside RFC 3339's four-digit years take the formatting fallback.
        created_at: from_millis(u.arbitrary()?),
        modified_at: from_millis(u.arbitrary()?),
    }))
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let mut users = Vec::new();
    // Bounded attempts: an exhausted `Unstructured` keeps answering empty values, not errors.
    for _ in 0..8 {
        match user(&mut u) {
            Ok(Some(found)) => users.push(found),
            Ok(None) => {}
            Err(_) => break,
        }
        if users.len() == 4 || u.is_empty() {
            break;
        }
    }
    for one in &users {
        let expected = serde_json::to_vec(&wire::user(one.clone())).unwrap();
        assert_eq!(
            wire::user_json::user(one),
            expected,
            "user {one:?} rendered differently"
        );
    }
    let key = (!users.is_empty()).then_some("page\"key\\");
    let rendered: Vec<_> = users.iter().map(wire::user_json::UserJson::of).collect();
    let page = wire::user_json::rendered_collection(key, users.len() as u64, &rendered);
    let parsed: UserCollection = serde_json::from_slice(&page).unwrap();
    assert_eq!(parsed.items.len(), users.len());
    assert_eq!(parsed.next_page_key.as_deref(), key);
});
