//! Concurrency: races lose cleanly, and concurrent changes never lose an update.

use std::sync::Arc;

use accountd_core::Error;
use accountd_core::ids::{GroupId, UserId, UserRef};
use accountd_core::store::{MemberRemoval, Store};

use crate::fixtures::*;

pub async fn concurrent_creates_of_one_email_yield_exactly_one_success(store: Arc<dyn Store>) {
    let acc = account(&*store).await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let store = store.clone();
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

pub async fn concurrent_membership_changes_converge_without_lost_updates(store: Arc<dyn Store>) {
    let acc = account(&*store).await;
    let g = group("G");
    store.create_group(acc, &g, &ctx()).await.expect("group");
    let mut uids = Vec::new();
    for n in 0..40 {
        let u = user(&format!("u{n}@b.co"), vec![]);
        store.create_user(acc, &u, &ctx()).await.expect("user");
        uids.push(u.uid);
    }
    // Everyone is added concurrently; then the even ones are removed concurrently.
    let mut tasks = tokio::task::JoinSet::new();
    for uid in uids.clone() {
        let store = store.clone();
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
        let store = store.clone();
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
    let members = store
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

pub async fn concurrent_membership_adds_and_removes_from_both_sides_converge(
    store: Arc<dyn Store>,
) {
    use accountd_core::audit::AuditFilter;
    use accountd_core::store::GroupsChange;
    let acc = account(&*store).await;
    let groups: Vec<_> = (0..12).map(|n| group(&format!("G{n:02}"))).collect();
    for g in &groups {
        store.create_group(acc, g, &ctx()).await.expect("group");
    }
    let ids: Vec<GroupId> = groups.iter().map(|g| g.id).collect();
    let u = user("a@b.co", ids[6..].to_vec());
    store.create_user(acc, &u, &ctx()).await.expect("user");
    let who = UserRef::Uid(u.uid);
    // Group-side adds (0..3), user-side adds (3..6), group-side removes (6..9) and user-side
    // removes (9..12) of one user, all at once.
    let mut tasks = tokio::task::JoinSet::new();
    for (n, g) in ids.iter().copied().enumerate() {
        let store = store.clone();
        let who = who.clone();
        tasks.spawn(async move {
            let ctx = ctx_at(now());
            match n {
                0..3 => store
                    .add_members(acc, g, &[u.uid], &ctx)
                    .await
                    .map(|done| assert!(done.is_some())),
                3..6 => store
                    .change_user_groups(acc, &who, &GroupsChange::Add(vec![g]), &ctx)
                    .await
                    .map(|done| assert!(done.is_some())),
                6..9 => store
                    .remove_member(acc, g, &who, &ctx)
                    .await
                    .map(|done| assert_eq!(done, MemberRemoval::Removed)),
                _ => store
                    .change_user_groups(acc, &who, &GroupsChange::Remove(vec![g]), &ctx)
                    .await
                    .map(|done| assert!(done.is_some())),
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("task").expect("membership change");
    }
    let after = store.get_user(acc, &who).await.expect("get").expect("user");
    assert_eq!(after.groups, ids[..6].to_vec());
    // Every change changed something, so each recorded one event.
    let only_users = AuditFilter {
        resource_type: Some("user".into()),
        ..AuditFilter::default()
    };
    let events = store
        .list_audit_events(acc, &first(100), &only_users)
        .await
        .expect("events");
    assert_eq!(events.total, 13);
}

pub async fn concurrent_permission_grants_to_one_group_all_land(store: Arc<dyn Store>) {
    use accountd_core::audit::AuditFilter;
    use accountd_core::ids::EnvironmentId;
    use accountd_core::model::{PermissionAssignment, PermissionScope};
    let acc = account(&*store).await;
    let g = group("G");
    store.create_group(acc, &g, &ctx()).await.expect("group");
    let wanted: Vec<PermissionAssignment> = (0..20)
        .map(|n| PermissionAssignment {
            group: g.id,
            name: "tenant-viewer".into(),
            scope: PermissionScope::Tenant(EnvironmentId::parse(&format!("env{n}")).expect("env")),
        })
        .collect();
    let mut tasks = tokio::task::JoinSet::new();
    for permission in wanted.clone() {
        let store = store.clone();
        tasks.spawn(async move {
            store
                .add_group_permissions(acc, g.id, &[permission], &ctx_at(now()))
                .await
        });
    }
    while let Some(done) = tasks.join_next().await {
        assert!(done.expect("task").expect("grant"));
    }
    let mut granted = store.list_permissions(acc).await.expect("list");
    let key = |p: &PermissionAssignment| p.scope.scope_string();
    granted.sort_by_key(key);
    let mut expected = wanted;
    expected.sort_by_key(key);
    assert_eq!(granted, expected);
    let only = AuditFilter {
        resource_type: Some("group_permissions".into()),
        ..AuditFilter::default()
    };
    let events = store
        .list_audit_events(acc, &first(100), &only)
        .await
        .expect("events");
    assert_eq!(events.total, 20);
}

pub async fn concurrent_first_starts_agree_on_server_keys_and_flags(store: Arc<dyn Store>) {
    let mut keys = tokio::task::JoinSet::new();
    for n in 0..10u8 {
        let store = store.clone();
        keys.spawn(async move { store.server_key("signing", [n; 32]).await });
    }
    let mut seen = Vec::new();
    while let Some(done) = keys.join_next().await {
        seen.push(done.expect("task").expect("key"));
    }
    assert!(seen.iter().all(|k| *k == seen[0]), "{seen:?}");
    assert!((0..10u8).any(|n| seen[0] == [n; 32]));

    let mut flags = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let store = store.clone();
        flags.spawn(async move { store.claim_flag("demo").await });
    }
    let mut claimed = 0;
    while let Some(done) = flags.join_next().await {
        if done.expect("task").expect("flag") {
            claimed += 1;
        }
    }
    assert_eq!(claimed, 1);
}

/// The pool's status (exported as `store_pool_*` metrics) counts connections while they serve
/// and gives them all back: after a burst of concurrent reads nothing is left in use or waiting.
pub async fn pool_status_returns_to_idle_after_concurrent_reads(store: Arc<dyn Store>) {
    let acc = account(&*store).await;
    let at_rest = store.pool_status();
    assert!(
        at_rest.max_size >= 1 && (1..=at_rest.max_size).contains(&at_rest.open),
        "{at_rest:?}"
    );
    assert_eq!((at_rest.in_use, at_rest.waiting), (0, 0), "{at_rest:?}");

    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..32 {
        let store = store.clone();
        tasks.spawn(async move { store.get_account(acc).await });
    }
    while let Some(result) = tasks.join_next().await {
        assert!(result.expect("task").expect("read").is_some());
    }
    let after = store.pool_status();
    assert_eq!((after.in_use, after.waiting), (0, 0), "{after:?}");
    assert!(after.open <= after.max_size, "{after:?}");
}
