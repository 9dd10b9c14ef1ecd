//! Users written from the domain straight into the API's JSON bytes.
//!
//! Through `wire::user` and serde_json, each user of a page cost nine allocations (ids,
//! timestamps, group ids as `String`s) and a byte-by-byte escape scan of every string, even of
//! ids and timestamps that never need escaping: a fifth of a listing's CPU (perf, 100-user
//! pages). This writes, from borrowed domain values, exactly the bytes serde_json writes for
//! `proto::User`, `proto::UserCollection` and `proto::GroupMembers` (the tests compare them byte
//! for byte on awkward input), so the wire types stay the contract and the client reads these
//! bodies with them.

use std::sync::Arc;

use crate::clock::{rfc3339, rfc3339_bytes};
use crate::model::{User, UserStatus};
use time::OffsetDateTime;
use uuid::Uuid;

/// Bytes one user takes in a response, with room to spare (a typical one is ~270): the body is
/// allocated once, not grown by doubling.
const USER_BYTES: usize = 384;

/// One user written as the API's JSON: exactly `proto::User`'s serde bytes. A store that keeps
/// users rendered (SQLite, at write time) hands these out without decoding a row.
///
/// Owned, or shared with a cache ([`UserJson::shared`]): a user served from the SQLite store's
/// user cache is a reference count, not an allocation and a copy of bytes that are mostly no
/// longer in the CPU's caches (a cache of a million users).
#[derive(Debug, Clone)]
pub struct UserJson(UserJsonBytes);

/// The bytes of a [`UserJson`], for a response body that takes either without a copy.
#[derive(Debug, Clone)]
pub enum UserJsonBytes {
    Owned(Vec<u8>),
    Shared(Arc<[u8]>),
}

impl UserJson {
    pub fn of(user: &User) -> Self {
        Self(UserJsonBytes::Owned(self::user(user)))
    }

    /// Bytes a store kept from [`UserJson::of`] (taken as they are).
    pub fn from_stored(bytes: Vec<u8>) -> Self {
        Self(UserJsonBytes::Owned(bytes))
    }

    /// The same JSON, cheap to clone from now on (one copy now if it was owned).
    pub fn shared(self) -> Self {
        match self.0 {
            UserJsonBytes::Owned(bytes) => Self(UserJsonBytes::Shared(bytes.into())),
            shared @ UserJsonBytes::Shared(_) => Self(shared),
        }
    }

    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            UserJsonBytes::Owned(bytes) => bytes,
            UserJsonBytes::Shared(bytes) => bytes,
        }
    }

    /// The bytes as a `Vec` (a copy when shared).
    pub fn into_bytes(self) -> Vec<u8> {
        match self.0 {
            UserJsonBytes::Owned(bytes) => bytes,
            UserJsonBytes::Shared(bytes) => bytes.to_vec(),
        }
    }

    /// The bytes as they are held.
    pub fn into_inner(self) -> UserJsonBytes {
        self.0
    }
}

impl PartialEq for UserJson {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for UserJson {}

/// `proto::User`.
pub fn user(user: &User) -> Vec<u8> {
    let mut out = Vec::with_capacity(USER_BYTES);
    write_user(&mut out, user);
    out
}

/// `proto::UserCollection`: a page of users already written (a concatenation).
pub fn rendered_collection(
    next_page_key: Option<&str>,
    total_count: u64,
    users: &[UserJson],
) -> Vec<u8> {
    let items: usize = users.iter().map(|user| user.as_bytes().len() + 1).sum();
    let mut out = Vec::with_capacity(items + USER_BYTES);
    write_collection_head(&mut out, next_page_key, total_count);
    out.push(b'[');
    for (i, user) in users.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(user.as_bytes());
    }
    out.extend_from_slice(b"]}");
    out
}

/// `{"nextPageKey":…,"totalCount":…,"items":` (the key only when there is one).
fn write_collection_head(out: &mut Vec<u8>, next_page_key: Option<&str>, total_count: u64) {
    out.push(b'{');
    if let Some(key) = next_page_key {
        out.extend_from_slice(b"\"nextPageKey\":");
        write_str(out, key);
        out.push(b',');
    }
    out.extend_from_slice(b"\"totalCount\":");
    out.extend_from_slice(total_count.to_string().as_bytes());
    out.extend_from_slice(b",\"items\":");
}

/// `proto::GroupMembers`: every member of a group.
pub fn group_members(users: &[User]) -> Vec<u8> {
    let mut out = Vec::with_capacity(USER_BYTES * (users.len() + 1));
    out.extend_from_slice(b"{\"count\":");
    out.extend_from_slice(users.len().to_string().as_bytes());
    out.extend_from_slice(b",\"items\":");
    write_users(&mut out, users);
    out.push(b'}');
    out
}

fn write_users(out: &mut Vec<u8>, users: &[User]) {
    out.push(b'[');
    for (i, user) in users.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_user(out, user);
    }
    out.push(b']');
}

fn write_user(out: &mut Vec<u8>, user: &User) {
    out.extend_from_slice(b"{\"uid\":");
    write_uuid(out, user.uid.as_uuid());
    out.extend_from_slice(b",\"email\":");
    write_str(out, user.email.as_str());
    out.extend_from_slice(b",\"firstName\":");
    write_str(out, &user.first_name);
    out.extend_from_slice(b",\"lastName\":");
    write_str(out, &user.last_name);
    out.extend_from_slice(b",\"groups\":[");
    for (i, group) in user.groups.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_uuid(out, group.as_uuid());
    }
    out.extend_from_slice(b"],\"userStatus\":\"");
    out.extend_from_slice(status_name(user.status).as_bytes());
    out.extend_from_slice(b"\",\"createdAt\":");
    write_time(out, user.created_at);
    out.extend_from_slice(b",\"lastModifiedAt\":");
    write_time(out, user.modified_at);
    out.push(b'}');
}

/// The name serde gives `proto::UserStatus` (SCREAMING_SNAKE_CASE).
fn status_name(status: UserStatus) -> &'static str {
    match status {
        UserStatus::Active => "ACTIVE",
        UserStatus::Inactive => "INACTIVE",
        UserStatus::PendingInvite => "PENDING_INVITE",
    }
}

/// A hyphenated lower-case UUID: hex digits and hyphens, nothing to escape.
fn write_uuid(out: &mut Vec<u8>, id: &Uuid) {
    let mut buffer = Uuid::encode_buffer();
    out.push(b'"');
    out.extend_from_slice(id.hyphenated().encode_lower(&mut buffer).as_bytes());
    out.push(b'"');
}

fn write_time(out: &mut Vec<u8>, t: OffsetDateTime) {
    match rfc3339_bytes(t) {
        Some(bytes) => {
            out.push(b'"');
            out.extend_from_slice(&bytes);
            out.push(b'"');
        }
        None => write_str(out, &rfc3339(t)),
    }
}

/// A JSON string escaped as serde_json escapes it: `"`, `\` and the control characters below
/// U+0020, nothing else (non-ASCII and U+007F are written as they are).
fn write_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    // The common case, a string with nothing to escape, is one branch-free scan (which the
    // compiler vectorises) and one copy.
    let needs_escape = s.bytes().fold(false, |found, b| {
        found | (b < 0x20) | (b == b'"') | (b == b'\\')
    });
    if needs_escape {
        write_escaped(out, s);
    } else {
        out.extend_from_slice(s.as_bytes());
    }
    out.push(b'"');
}

fn write_escaped(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for b in s.bytes() {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            0x00..=0x1f => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xf)],
            ]),
            _ => out.push(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_json_is_the_same_json_and_clones_share_the_bytes() {
        let owned = UserJson::from_stored(br#"{"uid":"x"}"#.to_vec());
        let shared = owned.clone().shared();
        assert_eq!(shared, owned);
        assert_eq!(shared.as_bytes(), owned.as_bytes());
        let again = shared.clone().shared();
        match (shared.clone().into_inner(), again.into_inner()) {
            (UserJsonBytes::Shared(a), UserJsonBytes::Shared(b)) => assert!(Arc::ptr_eq(&a, &b)),
            other => panic!("both shared: {other:?}"),
        }
        assert_eq!(shared.into_bytes(), owned.into_bytes());
    }

    #[test]
    fn every_control_character_is_escaped_like_serde() {
        for c in (0u8..0x80).map(char::from) {
            let text = format!("a{c}b");
            let mut out = Vec::new();
            write_str(&mut out, &text);
            assert_eq!(
                out,
                serde_json::to_vec(&text).unwrap(),
                "U+{:04X}",
                u32::from(c)
            );
        }
    }
}
