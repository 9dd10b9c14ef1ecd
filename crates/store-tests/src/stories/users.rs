//! Users: round trips, uniqueness, memberships on replace, paging, email lookups, status.

use std::sync::Arc;

use accountd_core::Error;
use accountd_core::ids::{Email, EnvironmentId, UserId, UserRef};
use accountd_core::model::{Account, Environment, EnvironmentStatus, UserStatus};
use accountd_core::page::PageQuery;
use accountd_core::store::{Store, UserFilter, UserReplacement};
use accountd_core::user_json::UserJson;

use crate::fixtures::*;

pub async fn users_round_trip_and_are_found_by_uid_or_email_case_insensitively(
    store: Arc<dyn Store>,
) {
    let acc = account(&*store).await;
    let g = group("Admins");
    store.create_group(acc, &g, &ctx()).await.expect("group");
    let u = user("Ada@Example.com", vec![g.id]);
    store.create_user(acc, &u, &ctx()).await.expect("user");
    assert_eq!(
        store
            .get_user(acc, &UserRef::Uid(u.uid))
            .await
            .expect("get"),
        Some(u.clone())
    );
    let by_email = UserRef::Email(Email::parse("ada@EXAMPLE.com").expect("email"));
    assert_eq!(
        store.get_user(acc, &by_email).await.expect("get"),
        Some(u.clone())
    );
    // Another account sees nothing.
    let other = account(&*store).await;
    assert_eq!(
        store
            .get_user(other, &UserRef::Uid(u.uid))
            .await
            .expect("get"),
        None
    );
}

pub async fn uniqueness_is_enforced_as_conflict(store: Arc<dyn Store>) {
    let acc = account(&*store).await;
    store
        .create_user(acc, &user("a@b.co", vec![]), &ctx())
        .await
        .expect("first");
    let dup = store
        .create_user(acc, &user("A@B.CO", vec![]), &ctx())
        .await;
    assert!(matches!(dup, Err(Error::Conflict(_))), "{dup:?}");
    // The same email in another account is fine.
    let other = account(&*store).await;
    store
        .create_user(other, &user("a@b.co", vec![]), &ctx())
        .await
        .expect("other account");

    store
        .create_group(acc, &group("Admins"), &ctx())
        .await
        .expect("group");
    assert!(matches!(
        store.create_group(acc, &group("Admins"), &ctx()).await,
        Err(Error::Conflict(_))
    ));

    let env = Environment {
        id: EnvironmentId::parse("abc12345").expect("id"),
        name: "Prod".into(),
        status: EnvironmentStatus::Active,
        trial: false,
    };
    store
        .create_environment(acc, &env, &ctx())
        .await
        .expect("env");
    assert!(matches!(
        store.create_environment(other, &env, &ctx()).await,
        Err(Error::Conflict(_))
    ));

    let again = Account {
        id: acc,
        name: "x".into(),
        created_at: now(),
        rate_limit: None,
    };
    assert!(matches!(
        store.create_account(&again, &ctx()).await,
        Err(Error::Conflict(_))
    ));
}

pub async fn unknown_group_ids_are_invalid_and_nothing_is_applied(store: Arc<dyn Store>) {
    let acc = account(&*store).await;
    let foreign = account(&*store).await;
    let foreign_group = group("Theirs");
    store
        .create_group(foreign, &foreign_group, &ctx())
        .await
        .expect("group");
    let u = user("a@b.co", vec![foreign_group.id]);
    let err = store.create_user(acc, &u, &ctx()).await;
    assert!(
        matches!(&err, Err(Error::Invalid { reason, .. }) if reason.contains(&foreign_group.id.to_string())),
        "{err:?}"
    );
    assert_eq!(
        store
            .get_user(acc, &UserRef::Uid(u.uid))
            .await
            .expect("get"),
        None
    );
}

pub async fn replace_user_sets_memberships_exactly_and_keeps_status(store: Arc<dyn Store>) {
    let acc = account(&*store).await;
    let (g1, g2) = (group("One"), group("Two"));
    store.create_group(acc, &g1, &ctx()).await.expect("g1");
    store.create_group(acc, &g2, &ctx()).await.expect("g2");
    let u = user("a@b.co", vec![g1.id]);
    store.create_user(acc, &u, &ctx()).await.expect("user");
    let change = UserReplacement {
        email: Email::parse("new@b.co").expect("email"),
        first_name: "Grace".into(),
        last_name: "Hopper".into(),
        groups: vec![g2.id],
        status: None,
        modified_at: now(),
    };
    let replaced = store
        .replace_user(acc, &UserRef::Uid(u.uid), &change, &ctx())
        .await
        .expect("replace")
        .expect("found");
    assert_eq!(
        (
            replaced.groups.clone(),
            replaced.status,
            replaced.first_name.as_str()
        ),
        (vec![g2.id], UserStatus::PendingInvite, "Grace")
    );
    assert_eq!(
        store
            .get_user(acc, &UserRef::Uid(u.uid))
            .await
            .expect("get"),
        Some(replaced)
    );
    let cleared = UserReplacement {
        groups: vec![],
        ..change
    };
    let replaced = store
        .replace_user(acc, &UserRef::Uid(u.uid), &cleared, &ctx())
        .await
        .expect("replace")
        .expect("found");
    assert!(replaced.groups.is_empty());
    let missing = store
        .replace_user(acc, &UserRef::Uid(UserId::generate()), &cleared, &ctx())
        .await
        .expect("replace");
    assert_eq!(missing, None);
}

pub async fn keyset_paging_returns_every_user_once(store: Arc<dyn Store>) {
    let acc = account(&*store).await;
    for n in 0..25 {
        store
            .create_user(acc, &user(&format!("u{n}@b.co"), vec![]), &ctx())
            .await
            .expect("user");
    }
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .list_users(acc, &PageQuery { after, limit: 7 }, &UserFilter::default())
            .await
            .expect("page");
        assert_eq!(page.total, 25);
        assert!(page.items.len() <= 7);
        seen.extend(page.items.into_iter().map(|u| u.email.as_str().to_owned()));
        match page.next_after {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    let expected: Vec<String> = (0..25).map(|n| format!("u{n}@b.co")).collect();
    assert_eq!(seen, expected);
}

pub async fn listing_users_by_email_finds_at_most_one(store: Arc<dyn Store>) {
    let acc = account(&*store).await;
    store
        .create_user(acc, &user("Ada@B.co", vec![]), &ctx())
        .await
        .expect("user");
    store
        .create_user(acc, &user("other@b.co", vec![]), &ctx())
        .await
        .expect("user");
    let query = PageQuery {
        after: None,
        limit: 100,
    };
    let email = Email::parse("ada@b.CO").expect("email");
    let page = store
        .list_users(acc, &query, &by_email(&email))
        .await
        .expect("list");
    assert_eq!(
        (page.total, page.items.len(), page.next_after),
        (1, 1, None)
    );
    assert_eq!(page.items[0].email.as_str(), "Ada@B.co");
    let none = Email::parse("nobody@b.co").expect("email");
    assert_eq!(
        store
            .list_users(acc, &query, &by_email(&none))
            .await
            .expect("list")
            .total,
        0
    );
}

pub async fn user_status_changes_respect_the_allowed_sources(store: Arc<dyn Store>) {
    let acc = account(&*store).await;
    let u = user("a@b.co", vec![]);
    store.create_user(acc, &u, &ctx()).await.expect("user");
    let r = UserRef::Uid(u.uid);
    let refused = store
        .change_user_status(
            acc,
            &r,
            &[UserStatus::Inactive],
            UserStatus::Active,
            &ctx_at(now()),
        )
        .await
        .expect("change");
    assert_eq!(
        refused.map(|r| r.err()),
        Some(Some(UserStatus::PendingInvite))
    );
    let changed = store
        .change_user_status(
            acc,
            &r,
            &[UserStatus::PendingInvite],
            UserStatus::Inactive,
            &ctx_at(now()),
        )
        .await
        .expect("change");
    assert_eq!(
        changed.and_then(|r| r.ok()).map(|u| u.status),
        Some(UserStatus::Inactive)
    );
    let missing = UserRef::Uid(UserId::generate());
    let none = store
        .change_user_status(
            acc,
            &missing,
            &[UserStatus::Inactive],
            UserStatus::Active,
            &ctx_at(now()),
        )
        .await
        .expect("change");
    assert!(none.is_none());
}

/// Reads of one user, by uid and by email, between every kind of write that changes what a read
/// returns: a store that keeps users between reads (SQLite's user cache) must never answer
/// with the user as it was before a write it has acknowledged.
pub async fn a_user_read_again_reflects_every_write_in_between(store: Arc<dyn Store>) {
    use accountd_core::store::GroupsChange;
    let acc = account(&*store).await;
    let (g1, g2) = (group("One"), group("Two"));
    store.create_group(acc, &g1, &ctx()).await.expect("g1");
    store.create_group(acc, &g2, &ctx()).await.expect("g2");
    let u = user("ada@example.com", vec![]);
    store.create_user(acc, &u, &ctx()).await.expect("user");
    let uid = UserRef::Uid(u.uid);
    let old_email = UserRef::Email(Email::parse("Ada@Example.com").expect("email"));
    // Each read also holds the user's JSON (kept rendered on SQLite, and cached) and the
    // listing's to the domain user as read now: a doc not written again after a change shows.
    let read = |user: UserRef| {
        let store = Arc::clone(&store);
        async move {
            let found = store.get_user(acc, &user).await.expect("get");
            let json = store.get_user_json(acc, &user).await.expect("get json");
            assert_eq!(json, found.as_ref().map(UserJson::of), "{user:?}");
            let everyone = PageQuery {
                after: None,
                limit: 100,
            };
            for filter in [
                UserFilter::default(),
                UserFilter {
                    email: None,
                    include_service_users: true,
                },
            ] {
                let listed = store
                    .list_users(acc, &everyone, &filter)
                    .await
                    .expect("list");
                let listed_json = store
                    .list_users_json(acc, &everyone, &filter)
                    .await
                    .expect("list json");
                assert_eq!(
                    listed_json.items,
                    listed.items.iter().map(UserJson::of).collect::<Vec<_>>()
                );
                assert_eq!(
                    (listed_json.next_after, listed_json.total),
                    (listed.next_after, listed.total)
                );
            }
            found
        }
    };
    let groups_of = |user: UserRef| async move { read(user).await.map(|u| u.groups) };
    assert_eq!(groups_of(uid.clone()).await, Some(vec![]));
    assert_eq!(groups_of(old_email.clone()).await, Some(vec![]));

    // Membership added from the group's side.
    store
        .add_members(acc, g1.id, &[u.uid], &ctx())
        .await
        .expect("add")
        .expect("group");
    assert_eq!(groups_of(uid.clone()).await, Some(vec![g1.id]));
    assert_eq!(groups_of(old_email.clone()).await, Some(vec![g1.id]));

    // Membership added from the user's side.
    store
        .change_user_groups(acc, &uid, &GroupsChange::Add(vec![g2.id]), &ctx())
        .await
        .expect("change")
        .expect("user");
    assert_eq!(groups_of(uid.clone()).await, Some(vec![g1.id, g2.id]));

    // A group deleted takes its memberships with it.
    assert!(
        store
            .delete_group(acc, g1.id, &ctx())
            .await
            .expect("delete")
    );
    assert_eq!(groups_of(uid.clone()).await, Some(vec![g2.id]));
    assert_eq!(groups_of(old_email.clone()).await, Some(vec![g2.id]));

    // A status change.
    store
        .change_user_status(
            acc,
            &uid,
            &[UserStatus::PendingInvite],
            UserStatus::Active,
            &ctx(),
        )
        .await
        .expect("status")
        .expect("user")
        .expect("allowed");
    assert_eq!(
        read(uid.clone()).await.map(|u| u.status),
        Some(UserStatus::Active)
    );

    // A new name and email: the old email finds nobody, the new one finds the user.
    let change = UserReplacement {
        email: Email::parse("grace@example.com").expect("email"),
        first_name: "Grace".into(),
        last_name: "Hopper".into(),
        groups: vec![g2.id],
        status: None,
        modified_at: now(),
    };
    store
        .replace_user(acc, &uid, &change, &ctx())
        .await
        .expect("replace")
        .expect("found");
    assert_eq!(read(old_email.clone()).await, None);
    let new_email = UserRef::Email(Email::parse("GRACE@example.com").expect("email"));
    assert_eq!(
        read(new_email.clone()).await.map(|u| u.first_name),
        Some("Grace".to_owned())
    );
    assert_eq!(
        read(uid.clone()).await.map(|u| u.last_name),
        Some("Hopper".to_owned())
    );

    // Deleted: nobody by uid or email.
    assert!(store.delete_user(acc, &uid, &ctx()).await.expect("delete"));
    assert_eq!(read(uid).await, None);
    assert_eq!(read(new_email).await, None);
}

/// A page's users carry exactly their own groups, in group creation order, while users of another
/// account and service users (with groups of their own) were created in between: the page's
/// memberships are read as one range of users, which holds theirs too.
pub async fn paged_users_carry_their_own_groups_among_other_accounts_users(store: Arc<dyn Store>) {
    use accountd_core::ids::GroupId;
    use accountd_core::model::ServiceUser;
    let acc = account(&*store).await;
    let other = account(&*store).await;
    let mut ours = Vec::new();
    for n in 0..4 {
        let g = group(&format!("ours {n}"));
        store.create_group(acc, &g, &ctx()).await.expect("group");
        ours.push(g.id);
    }
    let theirs = group("theirs");
    store
        .create_group(other, &theirs, &ctx())
        .await
        .expect("group");
    let mut expected: Vec<(String, Vec<GroupId>)> = Vec::new();
    for n in 0..11_usize {
        // 0 to 3 of our groups, given in reverse: the store keeps creation order.
        let groups: Vec<GroupId> = ours.iter().copied().skip(n % 4).collect();
        let email = format!("u{n}@ours.co");
        let mut given = groups.clone();
        given.reverse();
        store
            .create_user(acc, &user(&email, given), &ctx())
            .await
            .expect("user");
        expected.push((email, groups));
        store
            .create_user(
                other,
                &user(&format!("u{n}@theirs.co"), vec![theirs.id]),
                &ctx(),
            )
            .await
            .expect("their user");
        if n % 3 == 0 {
            let uid = UserId::generate();
            let own = group(&format!("Service user {uid}"));
            let service_user = ServiceUser {
                uid,
                email: Email::parse(&format!("{uid}@service.sso.dynatrace.com")).expect("email"),
                name: format!("svc{n}"),
                description: String::new(),
                group: Some(own.id),
                status: UserStatus::Active,
                created_at: now(),
            };
            store
                .create_service_user(acc, &service_user, &own, &ctx())
                .await
                .expect("service user");
        }
    }
    let mut listed = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .list_users(acc, &PageQuery { after, limit: 4 }, &UserFilter::default())
            .await
            .expect("page");
        for u in page.items {
            // The same groups as a single read of the user gives.
            let alone = store
                .get_user(acc, &UserRef::Uid(u.uid))
                .await
                .expect("get")
                .expect("user");
            assert_eq!(u.groups, alone.groups, "{}", u.email.as_str());
            listed.push((u.email.as_str().to_owned(), u.groups));
        }
        match page.next_after {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(listed, expected);
}
