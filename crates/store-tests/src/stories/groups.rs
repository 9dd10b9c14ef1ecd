//! Groups, memberships and permissions.

use std::sync::Arc;

use accountd_core::Error;
use accountd_core::ids::{Email, EnvironmentId, GroupId, UserId, UserRef};
use accountd_core::model::{Group, PermissionAssignment, PermissionScope};
use accountd_core::page::PageQuery;
use accountd_core::store::{GroupChange, Store};

use crate::fixtures::*;

pub async fn deleting_a_group_removes_its_memberships_and_permissions(store: Arc<dyn Store>) {
    let acc = account(&*store).await;
    let (keep, drop) = (group("Keep"), group("Drop"));
    store.create_group(acc, &keep, &ctx()).await.expect("keep");
    store.create_group(acc, &drop, &ctx()).await.expect("drop");
    let u = user("a@b.co", vec![keep.id, drop.id]);
    store.create_user(acc, &u, &ctx()).await.expect("user");
    let perm = |g: GroupId| PermissionAssignment {
        group: g,
        name: "account-viewer".into(),
        scope: PermissionScope::Account(acc),
    };
    store
        .set_group_permissions(acc, keep.id, &[perm(keep.id)], &ctx())
        .await
        .expect("perm keep");
    store
        .set_group_permissions(acc, drop.id, &[perm(drop.id)], &ctx())
        .await
        .expect("perm drop");
    assert_eq!(store.list_permissions(acc).await.expect("list").len(), 2);

    assert!(
        store
            .delete_group(acc, drop.id, &ctx())
            .await
            .expect("delete")
    );
    assert!(
        !store
            .delete_group(acc, drop.id, &ctx())
            .await
            .expect("delete again")
    );
    let after = store
        .get_user(acc, &UserRef::Uid(u.uid))
        .await
        .expect("get")
        .expect("user");
    assert_eq!(after.groups, vec![keep.id]);
    assert_eq!(
        store.list_permissions(acc).await.expect("list"),
        vec![perm(keep.id)]
    );
}

pub async fn member_adds_are_all_or_nothing_and_removals_report_why(store: Arc<dyn Store>) {
    use accountd_core::store::MemberRemoval;
    let acc = account(&*store).await;
    let g = group("G");
    store.create_group(acc, &g, &ctx()).await.expect("group");
    let u = user("a@b.co", vec![]);
    store.create_user(acc, &u, &ctx()).await.expect("user");
    let stranger = UserId::generate();
    let err = store
        .add_members(acc, g.id, &[u.uid, stranger], &ctx_at(now()))
        .await;
    assert!(
        matches!(&err, Err(Error::Invalid { reason, .. }) if reason.contains(&stranger.to_string())),
        "{err:?}"
    );
    assert_eq!(
        store.list_members(acc, g.id).await.expect("members"),
        Some(vec![])
    );
    assert_eq!(
        store
            .add_members(acc, GroupId::generate(), &[u.uid], &ctx_at(now()))
            .await
            .expect("add"),
        None
    );

    store
        .add_members(acc, g.id, &[u.uid], &ctx_at(now()))
        .await
        .expect("add")
        .expect("group exists");
    store
        .add_members(acc, g.id, &[u.uid], &ctx_at(now()))
        .await
        .expect("add again")
        .expect("group exists");
    let members = store
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
        store
            .remove_member(acc, g.id, &by_uid, &ctx_at(now()))
            .await
            .expect("remove"),
        MemberRemoval::Removed
    );
    assert_eq!(
        store
            .remove_member(acc, g.id, &by_uid, &ctx_at(now()))
            .await
            .expect("remove"),
        MemberRemoval::NotAMember
    );
    let nobody = UserRef::Uid(UserId::generate());
    assert_eq!(
        store
            .remove_member(acc, g.id, &nobody, &ctx_at(now()))
            .await
            .expect("remove"),
        MemberRemoval::NoSuchUser
    );
    assert_eq!(
        store
            .remove_member(acc, GroupId::generate(), &by_uid, &ctx_at(now()))
            .await
            .expect("remove"),
        MemberRemoval::NoSuchGroup
    );
}

pub async fn user_side_group_changes_add_remove_and_replace(store: Arc<dyn Store>) {
    use accountd_core::store::GroupsChange;
    let acc = account(&*store).await;
    let (a, b, c) = (group("A"), group("B"), group("C"));
    for g in [&a, &b, &c] {
        store.create_group(acc, g, &ctx()).await.expect("group");
    }
    let u = user("a@b.co", vec![a.id]);
    store.create_user(acc, &u, &ctx()).await.expect("user");
    let r = UserRef::Email(Email::parse("A@B.CO").expect("email"));
    let after = store
        .change_user_groups(
            acc,
            &r,
            &GroupsChange::Add(vec![b.id, a.id]),
            &ctx_at(now()),
        )
        .await
        .expect("add");
    assert_eq!(after.map(|u| u.groups), Some(vec![a.id, b.id]));
    let after = store
        .change_user_groups(acc, &r, &GroupsChange::Remove(vec![a.id]), &ctx_at(now()))
        .await
        .expect("remove");
    assert_eq!(after.map(|u| u.groups), Some(vec![b.id]));
    let after = store
        .change_user_groups(acc, &r, &GroupsChange::Replace(vec![c.id]), &ctx_at(now()))
        .await
        .expect("replace");
    assert_eq!(after.map(|u| u.groups), Some(vec![c.id]));
    let unknown = store
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
        store
            .change_user_groups(acc, &nobody, &GroupsChange::Replace(vec![]), &ctx_at(now()))
            .await
            .expect("none"),
        None
    );
}

pub async fn groups_page_in_creation_order_and_are_found_by_name(store: Arc<dyn Store>) {
    let acc = account(&*store).await;
    let other = account(&*store).await;
    let created: Vec<Group> = (0..5).map(|n| group(&format!("G{n}"))).collect();
    for g in &created {
        store.create_group(acc, g, &ctx()).await.expect("group");
    }
    store
        .create_group(other, &group("G0"), &ctx())
        .await
        .expect("same name, other account");
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .list_groups(acc, &PageQuery { after, limit: 2 })
            .await
            .expect("page");
        assert_eq!(page.total, 5);
        seen.extend(page.items);
        match page.next_after {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, created);
    assert_eq!(
        store.find_group_by_name(acc, "G3").await.expect("find"),
        Some(created[3].clone())
    );
    // Names are compared exactly.
    assert_eq!(
        store.find_group_by_name(acc, "g3").await.expect("find"),
        None
    );
    assert_eq!(
        store.get_group(other, created[0].id).await.expect("get"),
        None
    );
    let change = GroupChange {
        name: "X".into(),
        description: String::new(),
        updated_at: now(),
    };
    assert_eq!(
        store
            .update_group(acc, GroupId::generate(), &change, &ctx())
            .await
            .expect("update missing"),
        None
    );
}

pub async fn permissions_keep_grant_order_and_only_changes_are_audited(store: Arc<dyn Store>) {
    use accountd_core::audit::AuditFilter;
    let acc = account(&*store).await;
    let (g1, g2) = (group("One"), group("Two"));
    store.create_group(acc, &g1, &ctx()).await.expect("g1");
    store.create_group(acc, &g2, &ctx()).await.expect("g2");
    let env = EnvironmentId::parse("env1").expect("env");
    let perm = |g: &Group, name: &str, scope: PermissionScope| PermissionAssignment {
        group: g.id,
        name: name.into(),
        scope,
    };
    let viewer = perm(&g2, "account-viewer", PermissionScope::Account(acc));
    let b = perm(&g1, "tenant-viewer", PermissionScope::Tenant(env.clone()));
    let a = perm(&g1, "account-editor", PermissionScope::Account(acc));
    let c = perm(
        &g1,
        "tenant-viewer",
        PermissionScope::ManagementZone {
            environment: env.clone(),
            zone: "zone-7".into(),
        },
    );
    let add = |g: GroupId, list: Vec<PermissionAssignment>| {
        let store = store.clone();
        async move {
            store
                .add_group_permissions(acc, g, &list, &ctx())
                .await
                .expect("add")
        }
    };
    assert!(add(g2.id, vec![viewer.clone()]).await);
    assert!(add(g1.id, vec![b.clone(), a.clone()]).await);
    assert!(add(g1.id, vec![a.clone(), c.clone()]).await);
    // Already granted: nothing changes, nothing is recorded.
    assert!(add(g1.id, vec![a.clone()]).await);
    assert!(!add(GroupId::generate(), vec![a.clone()]).await);
    assert_eq!(
        store.list_permissions(acc).await.expect("list"),
        vec![b.clone(), a.clone(), c.clone(), viewer.clone()]
    );

    assert_eq!(
        store
            .remove_group_permission(acc, &a, &ctx())
            .await
            .expect("remove"),
        Some(true)
    );
    assert_eq!(
        store
            .remove_group_permission(acc, &a, &ctx())
            .await
            .expect("remove again"),
        Some(false)
    );
    let stray = PermissionAssignment {
        group: GroupId::generate(),
        ..a.clone()
    };
    assert_eq!(
        store
            .remove_group_permission(acc, &stray, &ctx())
            .await
            .expect("no group"),
        None
    );
    assert!(
        store
            .set_group_permissions(acc, g1.id, &[c.clone(), b.clone()], &ctx())
            .await
            .expect("set")
    );
    assert!(
        !store
            .set_group_permissions(acc, GroupId::generate(), &[], &ctx())
            .await
            .expect("set missing")
    );
    assert_eq!(
        store.list_permissions(acc).await.expect("list"),
        vec![c.clone(), b.clone(), viewer.clone()]
    );

    let only = AuditFilter {
        resource_type: Some("group_permissions".into()),
        ..AuditFilter::default()
    };
    let events = store
        .list_audit_events(acc, &first(20), &only)
        .await
        .expect("events");
    // Three grants that changed something, one removal, one replacement.
    assert_eq!(events.total, 5);
    let set = &events.items[0];
    assert_eq!(set.resource_id, g1.id.to_string());
    let names = |value: &Option<serde_json::Value>| -> Vec<String> {
        value
            .as_ref()
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .map(|p| format!("{}@{}", p["permissionName"], p["scopeType"]))
            .collect()
    };
    assert_eq!(
        names(&set.before),
        vec![
            "\"tenant-viewer\"@\"tenant\"",
            "\"tenant-viewer\"@\"management-zone\""
        ]
    );
    assert_eq!(
        names(&set.after),
        vec![
            "\"tenant-viewer\"@\"management-zone\"",
            "\"tenant-viewer\"@\"tenant\""
        ]
    );
}

/// A group's members, oldest first, each with every group it belongs to (in group creation
/// order), not only the one listed.
pub async fn members_are_listed_oldest_first_with_all_their_groups(store: Arc<dyn Store>) {
    let acc = account(&*store).await;
    let (listed, other, last) = (group("Listed"), group("Other"), group("Last"));
    for g in [&listed, &other, &last] {
        store.create_group(acc, g, &ctx()).await.expect("group");
    }
    let first = user("first@b.co", vec![last.id, listed.id, other.id]);
    let outsider = user("outsider@b.co", vec![other.id]);
    let second = user("second@b.co", vec![listed.id]);
    for u in [&first, &outsider, &second] {
        store.create_user(acc, u, &ctx()).await.expect("user");
    }
    let members = store
        .list_members(acc, listed.id)
        .await
        .expect("members")
        .expect("group");
    let seen: Vec<_> = members.iter().map(|m| (m.uid, m.groups.clone())).collect();
    assert_eq!(
        seen,
        vec![
            (first.uid, vec![listed.id, other.id, last.id]),
            (second.uid, vec![listed.id]),
        ]
    );
    assert_eq!(
        store
            .list_members(acc, GroupId::generate())
            .await
            .expect("members"),
        None
    );
}
