//! The user JSON writer lives in core (`accountd_core::user_json`), so the SQLite store can keep
//! users rendered; these tests hold it to the wire types, byte for byte.

pub use accountd_core::user_json::*;

#[cfg(test)]
mod tests {
    use accountd_core::clock::from_millis;
    use accountd_core::ids::{Email, GroupId, UserId};
    use accountd_core::model::{User, UserStatus};
    use accountd_proto as proto;

    use super::*;

    /// Every character class the escaping treats differently, in names and addresses.
    const AWKWARD: [&str; 9] = [
        "",
        "Jane",
        "O\"Brien \\ back\\slash",
        "line\nfeed\rreturn\ttab\u{8}bs\u{c}ff",
        "\u{0}\u{1}\u{1f} controls",
        "del\u{7f} stays",
        "Zoë 李 🦀",
        "/solidus/ is not escaped",
        "a\"",
    ];

    fn sample(n: usize, name: &str, status: UserStatus, groups: usize, millis: i64) -> User {
        User {
            uid: UserId::generate(),
            email: Email::from_stored(&format!("{}{n}@Example.com", name.replace('@', "")))
                .or_else(|| Email::from_stored("x@example.com"))
                .expect("an address"),
            first_name: name.to_owned(),
            last_name: format!("{name}{name}"),
            groups: (0..groups).map(|_| GroupId::generate()).collect(),
            status,
            created_at: from_millis(millis),
            modified_at: from_millis(millis + 1),
        }
    }

    fn awkward_users() -> Vec<User> {
        let statuses = [
            UserStatus::Active,
            UserStatus::Inactive,
            UserStatus::PendingInvite,
        ];
        // Times: the epoch, a usual one, before 1970, and year -1 (no four-digit form).
        let times = [0, 1_742_049_000_123, -86_400_001, -62_198_755_200_000];
        AWKWARD
            .iter()
            .enumerate()
            .map(|(n, name)| sample(n, name, statuses[n % 3], n % 4, times[n % 4]))
            .collect()
    }

    fn serde_bytes<T: serde::Serialize>(value: &T) -> Vec<u8> {
        serde_json::to_vec(value).expect("serializable")
    }

    #[test]
    fn a_user_is_written_exactly_as_serde_writes_its_wire_type() {
        for u in awkward_users() {
            assert_eq!(
                String::from_utf8(user(&u)).expect("utf-8"),
                String::from_utf8(serde_bytes(&crate::wire::user(u.clone()))).expect("utf-8"),
                "{u:?}"
            );
        }
    }

    #[test]
    fn a_page_of_rendered_users_is_exactly_what_serde_writes_for_its_wire_type_with_and_without_a_key()
     {
        let users = awkward_users();
        for key in [
            None,
            Some("eyJrIjoidXNlcnMifQ.sig"),
            Some("needs \"escaping\""),
        ] {
            for page in [&users[..0], &users[..1], &users[..]] {
                let expected = proto::UserCollection {
                    next_page_key: key.map(str::to_owned),
                    total_count: 1_000_000,
                    items: page.iter().cloned().map(crate::wire::user).collect(),
                };
                let rendered: Vec<UserJson> = page.iter().map(UserJson::of).collect();
                assert_eq!(
                    String::from_utf8(rendered_collection(key, 1_000_000, &rendered))
                        .expect("utf-8"),
                    String::from_utf8(serde_bytes(&expected)).expect("utf-8"),
                );
            }
        }
    }

    #[test]
    fn group_members_are_written_exactly_as_serde_writes_their_wire_type() {
        let users = awkward_users();
        for page in [&users[..0], &users[..]] {
            let expected = proto::memberships::GroupMembers {
                count: u64::try_from(page.len()).expect("small"),
                items: page.iter().cloned().map(crate::wire::user).collect(),
            };
            assert_eq!(group_members(page), serde_bytes(&expected));
        }
    }
}
