#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]
//! Store conformance: the behaviour every `Store` implementation must have, written against
//! `dyn Store` so the same stories can run on another backend.

use std::sync::Arc;

use accountd_core::Error;
use accountd_core::audit::AuditContext;
use accountd_core::authz::Actor;
use accountd_core::ids::{AccountId, Email, EnvironmentId, GroupId, UserId, UserRef};
use accountd_core::model::{
    Account, Environment, EnvironmentStatus, Group, GroupOwner, OAuthClient, PermissionAssignment,
    PermissionScope, User, UserStatus,
};
use accountd_core::page::PageQuery;
use accountd_core::scope::ScopeSet;
use accountd_core::secret::Secret;
use accountd_core::store::{GroupChange, Store, UserFilter, UserReplacement};
use accountd_store_sqlite::SqliteStore;
use time::OffsetDateTime;

struct Fixture {
    store: Arc<dyn Store>,
    _dir: tempfile::TempDir,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SqliteStore::open(&dir.path().join("store.db")).expect("open store");
    Fixture {
        store: Arc::new(store),
        _dir: dir,
    }
}

fn ctx() -> AuditContext {
    ctx_at(now())
}

fn ctx_at(at: OffsetDateTime) -> AuditContext {
    AuditContext {
        actor: Actor::Admin,
        at,
    }
}

fn now() -> OffsetDateTime {
    // Millisecond precision: what the store keeps.
    accountd_core::clock::from_millis(accountd_core::clock::to_millis(OffsetDateTime::now_utc()))
}

async fn account(store: &dyn Store) -> AccountId {
    let account = Account {
        id: AccountId::generate(),
        name: "Acme".into(),
        created_at: now(),
        rate_limit: None,
    };
    store
        .create_account(&account, &ctx())
        .await
        .expect("create account");
    account.id
}

fn user(email: &str, groups: Vec<GroupId>) -> User {
    User {
        uid: UserId::generate(),
        email: Email::parse(email).expect("email"),
        first_name: "Ada".into(),
        last_name: "Lovelace".into(),
        groups,
        status: UserStatus::PendingInvite,
        created_at: now(),
        modified_at: now(),
    }
}

fn group(name: &str) -> Group {
    Group {
        id: GroupId::generate(),
        name: name.into(),
        description: String::new(),
        owner: GroupOwner::Local,
        created_at: now(),
        updated_at: now(),
    }
}

#[tokio::test]
async fn users_round_trip_and_are_found_by_uid_or_email_case_insensitively() {
    let f = fixture();
    let acc = account(&*f.store).await;
    let g = group("Admins");
    f.store.create_group(acc, &g, &ctx()).await.expect("group");
    let u = user("Ada@Example.com", vec![g.id]);
    f.store.create_user(acc, &u, &ctx()).await.expect("user");
    assert_eq!(
        f.store
            .get_user(acc, &UserRef::Uid(u.uid))
            .await
            .expect("get"),
        Some(u.clone())
    );
    let by_email = UserRef::Email(Email::parse("ada@EXAMPLE.com").expect("email"));
    assert_eq!(
        f.store.get_user(acc, &by_email).await.expect("get"),
        Some(u.clone())
    );
    // Another account sees nothing.
    let other = account(&*f.store).await;
    assert_eq!(
        f.store
            .get_user(other, &UserRef::Uid(u.uid))
            .await
            .expect("get"),
        None
    );
}

#[tokio::test]
async fn uniqueness_is_enforced_as_conflict() {
    let f = fixture();
    let acc = account(&*f.store).await;
    f.store
        .create_user(acc, &user("a@b.co", vec![]), &ctx())
        .await
        .expect("first");
    let dup = f
        .store
        .create_user(acc, &user("A@B.CO", vec![]), &ctx())
        .await;
    assert!(matches!(dup, Err(Error::Conflict(_))), "{dup:?}");
    // The same email in another account is fine.
    let other = account(&*f.store).await;
    f.store
        .create_user(other, &user("a@b.co", vec![]), &ctx())
        .await
        .expect("other account");

    f.store
        .create_group(acc, &group("Admins"), &ctx())
        .await
        .expect("group");
    assert!(matches!(
        f.store.create_group(acc, &group("Admins"), &ctx()).await,
        Err(Error::Conflict(_))
    ));

    let env = Environment {
        id: EnvironmentId::parse("abc12345").expect("id"),
        name: "Prod".into(),
        status: EnvironmentStatus::Active,
        trial: false,
    };
    f.store
        .create_environment(acc, &env, &ctx())
        .await
        .expect("env");
    assert!(matches!(
        f.store.create_environment(other, &env, &ctx()).await,
        Err(Error::Conflict(_))
    ));

    let again = Account {
        id: acc,
        name: "x".into(),
        created_at: now(),
        rate_limit: None,
    };
    assert!(matches!(
        f.store.create_account(&again, &ctx()).await,
        Err(Error::Conflict(_))
    ));
}

#[tokio::test]
async fn unknown_group_ids_are_invalid_and_nothing_is_applied() {
    let f = fixture();
    let acc = account(&*f.store).await;
    let foreign = account(&*f.store).await;
    let foreign_group = group("Theirs");
    f.store
        .create_group(foreign, &foreign_group, &ctx())
        .await
        .expect("group");
    let u = user("a@b.co", vec![foreign_group.id]);
    let err = f.store.create_user(acc, &u, &ctx()).await;
    assert!(
        matches!(&err, Err(Error::Invalid { reason, .. }) if reason.contains(&foreign_group.id.to_string())),
        "{err:?}"
    );
    assert_eq!(
        f.store
            .get_user(acc, &UserRef::Uid(u.uid))
            .await
            .expect("get"),
        None
    );
}

#[tokio::test]
async fn replace_user_sets_memberships_exactly_and_keeps_status() {
    let f = fixture();
    let acc = account(&*f.store).await;
    let (g1, g2) = (group("One"), group("Two"));
    f.store.create_group(acc, &g1, &ctx()).await.expect("g1");
    f.store.create_group(acc, &g2, &ctx()).await.expect("g2");
    let u = user("a@b.co", vec![g1.id]);
    f.store.create_user(acc, &u, &ctx()).await.expect("user");
    let change = UserReplacement {
        email: Email::parse("new@b.co").expect("email"),
        first_name: "Grace".into(),
        last_name: "Hopper".into(),
        groups: vec![g2.id],
        status: None,
        modified_at: now(),
    };
    let replaced = f
        .store
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
        f.store
            .get_user(acc, &UserRef::Uid(u.uid))
            .await
            .expect("get"),
        Some(replaced)
    );
    let cleared = UserReplacement {
        groups: vec![],
        ..change
    };
    let replaced = f
        .store
        .replace_user(acc, &UserRef::Uid(u.uid), &cleared, &ctx())
        .await
        .expect("replace")
        .expect("found");
    assert!(replaced.groups.is_empty());
    let missing = f
        .store
        .replace_user(acc, &UserRef::Uid(UserId::generate()), &cleared, &ctx())
        .await
        .expect("replace");
    assert_eq!(missing, None);
}

#[tokio::test]
async fn deleting_a_group_removes_its_memberships_and_permissions() {
    let f = fixture();
    let acc = account(&*f.store).await;
    let (keep, drop) = (group("Keep"), group("Drop"));
    f.store
        .create_group(acc, &keep, &ctx())
        .await
        .expect("keep");
    f.store
        .create_group(acc, &drop, &ctx())
        .await
        .expect("drop");
    let u = user("a@b.co", vec![keep.id, drop.id]);
    f.store.create_user(acc, &u, &ctx()).await.expect("user");
    let perm = |g: GroupId| PermissionAssignment {
        group: g,
        name: "account-viewer".into(),
        scope: PermissionScope::Account(acc),
    };
    f.store
        .set_group_permissions(acc, keep.id, &[perm(keep.id)], &ctx())
        .await
        .expect("perm keep");
    f.store
        .set_group_permissions(acc, drop.id, &[perm(drop.id)], &ctx())
        .await
        .expect("perm drop");
    assert_eq!(f.store.list_permissions(acc).await.expect("list").len(), 2);

    assert!(
        f.store
            .delete_group(acc, drop.id, &ctx())
            .await
            .expect("delete")
    );
    assert!(
        !f.store
            .delete_group(acc, drop.id, &ctx())
            .await
            .expect("delete again")
    );
    let after = f
        .store
        .get_user(acc, &UserRef::Uid(u.uid))
        .await
        .expect("get")
        .expect("user");
    assert_eq!(after.groups, vec![keep.id]);
    assert_eq!(
        f.store.list_permissions(acc).await.expect("list"),
        vec![perm(keep.id)]
    );
}

#[tokio::test]
async fn deleting_an_account_removes_everything_and_reset_keeps_clients() {
    let f = fixture();
    let acc = account(&*f.store).await;
    let client = OAuthClient {
        client_id: "dt0s02.TEST".into(),
        account: acc,
        name: "t".into(),
        secret_digest: Secret::new("s").digest(),
        scopes: ScopeSet::all(),
        created_at: now(),
    };
    f.store
        .put_client(&client, false, &ctx())
        .await
        .expect("client");
    let g = group("G");
    f.store.create_group(acc, &g, &ctx()).await.expect("group");
    f.store
        .create_user(acc, &user("a@b.co", vec![g.id]), &ctx())
        .await
        .expect("user");

    assert!(f.store.reset_account(acc, &ctx()).await.expect("reset"));
    let page = f
        .store
        .list_users(
            acc,
            &PageQuery {
                after: None,
                limit: 10,
            },
            &UserFilter::default(),
        )
        .await
        .expect("list");
    assert_eq!(page.total, 0);
    assert_eq!(
        f.store
            .list_groups(
                acc,
                &PageQuery {
                    after: None,
                    limit: 10
                }
            )
            .await
            .expect("groups")
            .total,
        0
    );
    assert_eq!(
        f.store.find_client("dt0s02.TEST").await.expect("find"),
        Some(client)
    );

    assert!(f.store.delete_account(acc).await.expect("delete"));
    assert_eq!(
        f.store.find_client("dt0s02.TEST").await.expect("find"),
        None
    );
    assert_eq!(f.store.get_account(acc).await.expect("get"), None);
}

#[tokio::test]
async fn keyset_paging_returns_every_user_once() {
    let f = fixture();
    let acc = account(&*f.store).await;
    for n in 0..25 {
        f.store
            .create_user(acc, &user(&format!("u{n}@b.co"), vec![]), &ctx())
            .await
            .expect("user");
    }
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = f
            .store
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

#[tokio::test]
async fn concurrent_creates_of_one_email_yield_exactly_one_success() {
    let f = fixture();
    let acc = account(&*f.store).await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let store = f.store.clone();
        tasks.spawn(async move {
            store
                .create_user(acc, &user("race@b.co", vec![]), &ctx())
                .await
        });
    }
    let (mut ok, mut conflict) = (0, 0);
    while let Some(result) = tasks.join_next().await {
        match result.expect("task") {
            Ok(()) => ok += 1,
            Err(Error::Conflict(_)) => conflict += 1,
            Err(other) => panic!("unexpected error {other:?}"),
        }
    }
    assert_eq!((ok, conflict), (1, 19));
}

#[tokio::test]
async fn server_keys_and_flags_are_stable() {
    let f = fixture();
    let first = f.store.server_key("k", [1; 32]).await.expect("key");
    let second = f.store.server_key("k", [2; 32]).await.expect("key");
    assert_eq!((first, second), ([1; 32], [1; 32]));
    assert!(f.store.claim_flag("demo").await.expect("flag"));
    assert!(!f.store.claim_flag("demo").await.expect("flag"));
}

#[tokio::test]
async fn group_updates_and_clients_replace() {
    let f = fixture();
    let acc = account(&*f.store).await;
    let (a, b) = (group("A"), group("B"));
    f.store.create_group(acc, &a, &ctx()).await.expect("a");
    f.store.create_group(acc, &b, &ctx()).await.expect("b");
    let change = GroupChange {
        name: "B".into(),
        description: "d".into(),
        updated_at: now(),
    };
    assert!(matches!(
        f.store.update_group(acc, a.id, &change, &ctx()).await,
        Err(Error::Conflict(_))
    ));
    let change = GroupChange {
        name: "A2".into(),
        description: "d".into(),
        updated_at: now(),
    };
    let updated = f
        .store
        .update_group(acc, a.id, &change, &ctx())
        .await
        .expect("update")
        .expect("found");
    assert_eq!(
        (
            updated.name.as_str(),
            updated.description.as_str(),
            updated.created_at
        ),
        ("A2", "d", a.created_at)
    );

    let client = OAuthClient {
        client_id: "dt0s02.X".into(),
        account: acc,
        name: "x".into(),
        secret_digest: Secret::new("one").digest(),
        scopes: ScopeSet::all(),
        created_at: now(),
    };
    f.store
        .put_client(&client, false, &ctx())
        .await
        .expect("create");
    assert!(matches!(
        f.store.put_client(&client, false, &ctx()).await,
        Err(Error::Conflict(_))
    ));
    let rotated = OAuthClient {
        secret_digest: Secret::new("two").digest(),
        ..client.clone()
    };
    f.store
        .put_client(&rotated, true, &ctx())
        .await
        .expect("replace");
    let found = f
        .store
        .find_client("dt0s02.X")
        .await
        .expect("find")
        .expect("client");
    assert!(found.secret_digest.matches(&Secret::new("two")));
    let other = account(&*f.store).await;
    let stolen = OAuthClient {
        account: other,
        ..client
    };
    assert!(matches!(
        f.store.put_client(&stolen, true, &ctx()).await,
        Err(Error::Conflict(_))
    ));
}

#[tokio::test]
async fn member_adds_are_all_or_nothing_and_removals_report_why() {
    use accountd_core::store::MemberRemoval;
    let f = fixture();
    let acc = account(&*f.store).await;
    let g = group("G");
    f.store.create_group(acc, &g, &ctx()).await.expect("group");
    let u = user("a@b.co", vec![]);
    f.store.create_user(acc, &u, &ctx()).await.expect("user");
    let stranger = UserId::generate();
    let err = f
        .store
        .add_members(acc, g.id, &[u.uid, stranger], &ctx_at(now()))
        .await;
    assert!(
        matches!(&err, Err(Error::Invalid { reason, .. }) if reason.contains(&stranger.to_string())),
        "{err:?}"
    );
    assert_eq!(
        f.store.list_members(acc, g.id).await.expect("members"),
        Some(vec![])
    );
    assert_eq!(
        f.store
            .add_members(acc, GroupId::generate(), &[u.uid], &ctx_at(now()))
            .await
            .expect("add"),
        None
    );

    f.store
        .add_members(acc, g.id, &[u.uid], &ctx_at(now()))
        .await
        .expect("add")
        .expect("group exists");
    f.store
        .add_members(acc, g.id, &[u.uid], &ctx_at(now()))
        .await
        .expect("add again")
        .expect("group exists");
    let members = f
        .store
        .list_members(acc, g.id)
        .await
        .expect("members")
        .expect("group");
    assert_eq!(
        members.iter().map(|m| m.uid).collect::<Vec<_>>(),
        vec![u.uid]
    );
    assert_eq!(members[0].groups, vec![g.id]);

    let by_uid = UserRef::Uid(u.uid);
    assert_eq!(
        f.store
            .remove_member(acc, g.id, &by_uid, &ctx_at(now()))
            .await
            .expect("remove"),
        MemberRemoval::Removed
    );
    assert_eq!(
        f.store
            .remove_member(acc, g.id, &by_uid, &ctx_at(now()))
            .await
            .expect("remove"),
        MemberRemoval::NotAMember
    );
    let nobody = UserRef::Uid(UserId::generate());
    assert_eq!(
        f.store
            .remove_member(acc, g.id, &nobody, &ctx_at(now()))
            .await
            .expect("remove"),
        MemberRemoval::NoSuchUser
    );
    assert_eq!(
        f.store
            .remove_member(acc, GroupId::generate(), &by_uid, &ctx_at(now()))
            .await
            .expect("remove"),
        MemberRemoval::NoSuchGroup
    );
}

#[tokio::test]
async fn user_side_group_changes_add_remove_and_replace() {
    use accountd_core::store::GroupsChange;
    let f = fixture();
    let acc = account(&*f.store).await;
    let (a, b, c) = (group("A"), group("B"), group("C"));
    for g in [&a, &b, &c] {
        f.store.create_group(acc, g, &ctx()).await.expect("group");
    }
    let u = user("a@b.co", vec![a.id]);
    f.store.create_user(acc, &u, &ctx()).await.expect("user");
    let r = UserRef::Email(Email::parse("A@B.CO").expect("email"));
    let after = f
        .store
        .change_user_groups(
            acc,
            &r,
            &GroupsChange::Add(vec![b.id, a.id]),
            &ctx_at(now()),
        )
        .await
        .expect("add");
    assert_eq!(after.map(|u| u.groups), Some(vec![a.id, b.id]));
    let after = f
        .store
        .change_user_groups(acc, &r, &GroupsChange::Remove(vec![a.id]), &ctx_at(now()))
        .await
        .expect("remove");
    assert_eq!(after.map(|u| u.groups), Some(vec![b.id]));
    let after = f
        .store
        .change_user_groups(acc, &r, &GroupsChange::Replace(vec![c.id]), &ctx_at(now()))
        .await
        .expect("replace");
    assert_eq!(after.map(|u| u.groups), Some(vec![c.id]));
    let unknown = f
        .store
        .change_user_groups(
            acc,
            &r,
            &GroupsChange::Add(vec![GroupId::generate()]),
            &ctx_at(now()),
        )
        .await;
    assert!(matches!(unknown, Err(Error::Invalid { .. })));
    let nobody = UserRef::Uid(UserId::generate());
    assert_eq!(
        f.store
            .change_user_groups(acc, &nobody, &GroupsChange::Replace(vec![]), &ctx_at(now()))
            .await
            .expect("none"),
        None
    );
}

#[tokio::test]
async fn concurrent_membership_changes_converge_without_lost_updates() {
    let f = fixture();
    let acc = account(&*f.store).await;
    let g = group("G");
    f.store.create_group(acc, &g, &ctx()).await.expect("group");
    let mut uids = Vec::new();
    for n in 0..40 {
        let u = user(&format!("u{n}@b.co"), vec![]);
        f.store.create_user(acc, &u, &ctx()).await.expect("user");
        uids.push(u.uid);
    }
    // Everyone is added concurrently; then the even ones are removed concurrently.
    let mut tasks = tokio::task::JoinSet::new();
    for uid in uids.clone() {
        let store = f.store.clone();
        tasks.spawn(async move {
            store
                .add_members(acc, g.id, &[uid], &ctx_at(now()))
                .await
                .map(|_| ())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("task").expect("add");
    }
    for uid in uids.iter().step_by(2).copied() {
        let store = f.store.clone();
        tasks.spawn(async move {
            store
                .remove_member(acc, g.id, &UserRef::Uid(uid), &ctx_at(now()))
                .await
                .map(|_| ())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("task").expect("remove");
    }
    let members = f
        .store
        .list_members(acc, g.id)
        .await
        .expect("members")
        .expect("group");
    let expected: Vec<UserId> = uids.iter().skip(1).step_by(2).copied().collect();
    assert_eq!(
        members.into_iter().map(|m| m.uid).collect::<Vec<_>>(),
        expected
    );
}

#[tokio::test]
async fn listing_users_by_email_finds_at_most_one() {
    let f = fixture();
    let acc = account(&*f.store).await;
    f.store
        .create_user(acc, &user("Ada@B.co", vec![]), &ctx())
        .await
        .expect("user");
    f.store
        .create_user(acc, &user("other@b.co", vec![]), &ctx())
        .await
        .expect("user");
    let query = PageQuery {
        after: None,
        limit: 100,
    };
    let email = Email::parse("ada@b.CO").expect("email");
    let page = f
        .store
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
        f.store
            .list_users(acc, &query, &by_email(&none))
            .await
            .expect("list")
            .total,
        0
    );
}

fn by_email(email: &Email) -> UserFilter {
    UserFilter {
        email: Some(email.clone()),
        include_service_users: false,
    }
}

#[tokio::test]
async fn service_users_are_users_with_a_group_and_are_listed_apart() {
    use accountd_core::model::{SERVICE_USER_SURNAME, ServiceUser};
    use accountd_core::store::ServiceUserChange;
    let f = fixture();
    let acc = account(&*f.store).await;
    f.store
        .create_user(acc, &user("human@b.co", vec![]), &ctx())
        .await
        .expect("human");
    let mut created = Vec::new();
    for n in 0..3 {
        let uid = UserId::generate();
        let g = group(&format!("Service user {uid}"));
        let svc = ServiceUser {
            uid,
            email: Email::parse(&format!("{uid}@service.sso.dynatrace.com")).expect("email"),
            name: format!("svc{n}"),
            description: String::new(),
            group: Some(g.id),
            status: UserStatus::Active,
            created_at: now(),
        };
        f.store
            .create_service_user(acc, &svc, &g, &ctx())
            .await
            .expect("service user");
        created.push(svc);
    }
    let first = &created[0];
    assert_eq!(
        f.store.get_service_user(acc, first.uid).await.expect("get"),
        Some(first.clone())
    );
    // A service user is a user: found by email, a member of its own group.
    let as_user = f
        .store
        .get_user(acc, &UserRef::Email(first.email.clone()))
        .await
        .expect("get")
        .expect("user");
    assert_eq!(
        (as_user.last_name.as_str(), as_user.groups.clone()),
        (SERVICE_USER_SURNAME, vec![first.group.expect("group")])
    );

    let humans = f
        .store
        .list_users(
            acc,
            &PageQuery {
                after: None,
                limit: 10,
            },
            &UserFilter::default(),
        )
        .await
        .expect("list");
    assert_eq!(humans.total, 1);
    let everyone = UserFilter {
        email: None,
        include_service_users: true,
    };
    assert_eq!(
        f.store
            .list_users(
                acc,
                &PageQuery {
                    after: None,
                    limit: 10
                },
                &everyone
            )
            .await
            .expect("list")
            .total,
        4
    );

    let page = f
        .store
        .list_service_users(
            acc,
            &PageQuery {
                after: None,
                limit: 2,
            },
            0,
        )
        .await
        .expect("page");
    assert_eq!(
        (page.total, page.items.len(), page.next_after.is_some()),
        (3, 2, true)
    );
    let skipped = f
        .store
        .list_service_users(
            acc,
            &PageQuery {
                after: None,
                limit: 2,
            },
            2,
        )
        .await
        .expect("page");
    assert_eq!(skipped.items, vec![created[2].clone()]);

    let change = ServiceUserChange {
        name: "renamed".into(),
        description: "d".into(),
        modified_at: now(),
    };
    let updated = f
        .store
        .update_service_user(acc, first.uid, &change, &ctx())
        .await
        .expect("update")
        .expect("found");
    assert_eq!(
        (updated.name.as_str(), updated.description.as_str()),
        ("renamed", "d")
    );

    assert!(
        f.store
            .delete_service_user(acc, first.uid, &ctx())
            .await
            .expect("delete")
    );
    assert!(
        !f.store
            .delete_service_user(acc, first.uid, &ctx())
            .await
            .expect("delete again")
    );
    assert_eq!(
        f.store
            .get_group(acc, first.group.expect("group"))
            .await
            .expect("group"),
        None
    );
    // A human is not a service user.
    assert_eq!(
        f.store
            .get_service_user(acc, UserId::generate())
            .await
            .expect("get"),
        None
    );
}

#[tokio::test]
async fn account_rate_limit_overrides_are_stored_and_cleared() {
    use accountd_core::rate_limit::RateLimit;
    let f = fixture();
    let acc = account(&*f.store).await;
    let limit = RateLimit::parse("100/min").expect("limit");
    assert!(
        f.store
            .set_account_rate_limit(acc, Some(limit), &ctx())
            .await
            .expect("set")
    );
    assert_eq!(
        f.store
            .get_account(acc)
            .await
            .expect("get")
            .and_then(|a| a.rate_limit),
        Some(limit)
    );
    assert!(
        f.store
            .set_account_rate_limit(acc, None, &ctx())
            .await
            .expect("clear")
    );
    assert_eq!(
        f.store
            .get_account(acc)
            .await
            .expect("get")
            .and_then(|a| a.rate_limit),
        None
    );
    assert!(
        !f.store
            .set_account_rate_limit(AccountId::generate(), None, &ctx())
            .await
            .expect("missing")
    );
}

#[tokio::test]
async fn invitations_are_single_use_expire_and_renew() {
    use accountd_core::model::{InvitationOutcome, Message, NewInvitation};
    let f = fixture();
    let acc = account(&*f.store).await;
    let u = user("a@b.co", vec![]);
    let invitation = |token: &str, ttl: time::Duration| NewInvitation {
        token_digest: Secret::new(token).digest(),
        created_at: now(),
        expires_at: now() + ttl,
        outbox: Some(Message {
            recipient: u.email.clone(),
            subject: "s".into(),
            body: token.into(),
            created_at: now(),
        }),
    };
    f.store
        .create_invited_user(acc, &u, &invitation("one", time::Duration::days(7)), &ctx())
        .await
        .expect("create");
    assert_eq!(f.store.list_outbox(acc).await.expect("outbox").len(), 1);

    // Renewing replaces the unused link.
    let renewed = f
        .store
        .renew_invitation(
            acc,
            &UserRef::Uid(u.uid),
            &invitation("two", time::Duration::days(7)),
            &ctx(),
        )
        .await;
    assert!(matches!(renewed, Ok(Some(_))));
    let unknown = f
        .store
        .accept_invitation(&Secret::new("one").digest(), &ctx_at(now()))
        .await
        .expect("accept");
    assert_eq!(unknown, InvitationOutcome::Unknown);
    let accepted = f
        .store
        .accept_invitation(&Secret::new("two").digest(), &ctx_at(now()))
        .await
        .expect("accept");
    assert_eq!(
        accepted,
        InvitationOutcome::Accepted {
            account: acc,
            user: u.uid
        }
    );
    let again = f
        .store
        .accept_invitation(&Secret::new("two").digest(), &ctx_at(now()))
        .await
        .expect("accept");
    assert_eq!(again, InvitationOutcome::AlreadyUsed);
    let active = f
        .store
        .get_user(acc, &UserRef::Uid(u.uid))
        .await
        .expect("get")
        .expect("user");
    assert_eq!(active.status, UserStatus::Active);
    // An active user has nothing to renew.
    let conflict = f
        .store
        .renew_invitation(
            acc,
            &UserRef::Uid(u.uid),
            &invitation("three", time::Duration::days(1)),
            &ctx(),
        )
        .await;
    assert!(matches!(conflict, Err(Error::Conflict(_))));

    let late = user("late@b.co", vec![]);
    f.store
        .create_invited_user(
            acc,
            &late,
            &invitation("late", time::Duration::seconds(1)),
            &ctx(),
        )
        .await
        .expect("create");
    let expired = f
        .store
        .accept_invitation(
            &Secret::new("late").digest(),
            &ctx_at(now() + time::Duration::seconds(2)),
        )
        .await;
    assert_eq!(expired.expect("accept"), InvitationOutcome::Expired);
    // one, its renewal, and late; the refused renewal wrote nothing.
    assert_eq!(f.store.list_outbox(acc).await.expect("outbox").len(), 3);
}

#[tokio::test]
async fn user_status_changes_respect_the_allowed_sources() {
    let f = fixture();
    let acc = account(&*f.store).await;
    let u = user("a@b.co", vec![]);
    f.store.create_user(acc, &u, &ctx()).await.expect("user");
    let r = UserRef::Uid(u.uid);
    let refused = f
        .store
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
    let changed = f
        .store
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
    let none = f
        .store
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

#[tokio::test]
async fn every_change_is_audited_in_its_transaction_newest_first() {
    use accountd_core::audit::{AuditFilter, EventType};
    let f = fixture();
    let acc = account(&*f.store).await;
    let g = group("G");
    f.store.create_group(acc, &g, &ctx()).await.expect("group");
    let u = user("a@b.co", vec![g.id]);
    f.store.create_user(acc, &u, &ctx()).await.expect("user");
    // A refused change leaves no event.
    assert!(
        f.store
            .create_user(acc, &user("A@B.CO", vec![]), &ctx())
            .await
            .is_err()
    );
    f.store
        .delete_user(acc, &UserRef::Uid(u.uid), &ctx())
        .await
        .expect("delete");

    let all = f
        .store
        .list_audit_events(
            acc,
            &PageQuery {
                after: None,
                limit: 10,
            },
            &AuditFilter::default(),
        )
        .await
        .expect("list");
    let kinds: Vec<(EventType, &str)> = all
        .items
        .iter()
        .map(|e| (e.event_type, e.resource_type.as_str()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (EventType::Delete, "user"),
            (EventType::Create, "user"),
            (EventType::Create, "group"),
            (EventType::Create, "account")
        ]
    );
    assert_eq!(all.total, 4);
    let deleted = &all.items[0];
    assert_eq!(deleted.actor, "admin");
    assert_eq!(
        deleted.before.as_ref().and_then(|b| b["email"].as_str()),
        Some("a@b.co")
    );
    assert!(deleted.after.is_none());

    let page = f
        .store
        .list_audit_events(
            acc,
            &PageQuery {
                after: None,
                limit: 3,
            },
            &AuditFilter::default(),
        )
        .await
        .expect("page");
    let rest = f
        .store
        .list_audit_events(
            acc,
            &PageQuery {
                after: page.next_after,
                limit: 3,
            },
            &AuditFilter::default(),
        )
        .await
        .expect("rest");
    assert_eq!(
        (page.items.len(), rest.items.len(), rest.next_after),
        (3, 1, None)
    );

    let only_groups = AuditFilter {
        resource_type: Some("group".into()),
        ..AuditFilter::default()
    };
    let groups = f
        .store
        .list_audit_events(
            acc,
            &PageQuery {
                after: None,
                limit: 10,
            },
            &only_groups,
        )
        .await
        .expect("groups");
    assert_eq!(groups.total, 1);
    let future = AuditFilter {
        start_ms: Some(accountd_core::clock::to_millis(now()) + 60_000),
        ..AuditFilter::default()
    };
    assert_eq!(
        f.store
            .list_audit_events(
                acc,
                &PageQuery {
                    after: None,
                    limit: 10
                },
                &future
            )
            .await
            .expect("none")
            .total,
        0
    );
}
