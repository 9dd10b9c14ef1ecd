//! Environments, and the permissions that go with them.

use std::sync::Arc;

use accountd_core::ids::EnvironmentId;
use accountd_core::model::{Environment, EnvironmentStatus, PermissionAssignment, PermissionScope};
use accountd_core::page::PageQuery;
use accountd_core::store::Store;

use crate::fixtures::*;

fn environment(id: &str) -> Environment {
    Environment {
        id: EnvironmentId::parse(id).expect("environment id"),
        name: format!("env {id}"),
        status: EnvironmentStatus::Active,
        trial: false,
    }
}

pub async fn environments_page_update_and_take_their_permissions_when_deleted(
    store: Arc<dyn Store>,
) {
    let acc = account(&*store).await;
    let other = account(&*store).await;
    let (abc, abcd, xyz) = (environment("abc"), environment("abcd"), environment("xyz1"));
    for env in [&abc, &abcd, &xyz] {
        store
            .create_environment(acc, env, &ctx())
            .await
            .expect("environment");
    }
    let page = store.list_environments(acc, &first(2)).await.expect("page");
    assert_eq!(
        (page.items.clone(), page.total, page.next_after.is_some()),
        (vec![abc.clone(), abcd.clone()], 3, true)
    );
    let rest = store
        .list_environments(
            acc,
            &PageQuery {
                after: page.next_after,
                limit: 2,
            },
        )
        .await
        .expect("rest");
    assert_eq!((rest.items, rest.next_after), (vec![xyz.clone()], None));
    assert_eq!(
        store
            .list_environments(other, &first(10))
            .await
            .expect("other")
            .total,
        0
    );

    let renamed = Environment {
        name: "Production".into(),
        status: EnvironmentStatus::Suspended,
        trial: true,
        ..abc.clone()
    };
    assert!(
        store
            .update_environment(acc, &renamed, &ctx())
            .await
            .expect("update")
    );
    assert_eq!(
        store.get_environment(acc, &abc.id).await.expect("get"),
        Some(renamed.clone())
    );
    assert_eq!(
        store.get_environment(other, &abc.id).await.expect("get"),
        None
    );
    assert!(
        !store
            .update_environment(other, &renamed, &ctx())
            .await
            .expect("not theirs")
    );

    let g = group("G");
    store.create_group(acc, &g, &ctx()).await.expect("group");
    let perm = |scope: PermissionScope| PermissionAssignment {
        group: g.id,
        name: "tenant-viewer".into(),
        scope,
    };
    let zone = |env: &Environment, zone: &str| PermissionScope::ManagementZone {
        environment: env.id.clone(),
        zone: zone.into(),
    };
    let granted = vec![
        perm(PermissionScope::Tenant(abc.id.clone())),
        perm(zone(&abc, "zone1")),
        perm(PermissionScope::Tenant(abcd.id.clone())),
        perm(zone(&abcd, "z")),
        perm(PermissionScope::Account(acc)),
    ];
    store
        .set_group_permissions(acc, g.id, &granted, &ctx())
        .await
        .expect("permissions");
    assert!(
        !store
            .delete_environment(other, &abc.id, &ctx())
            .await
            .expect("not theirs")
    );
    assert!(
        store
            .delete_environment(acc, &abc.id, &ctx())
            .await
            .expect("delete")
    );
    assert!(
        !store
            .delete_environment(acc, &abc.id, &ctx())
            .await
            .expect("delete again")
    );
    // Only the deleted environment's permissions go; "abcd" merely starts with "abc".
    assert_eq!(
        store.list_permissions(acc).await.expect("permissions"),
        granted[2..].to_vec()
    );
    assert_eq!(
        store.get_environment(acc, &abc.id).await.expect("get"),
        None
    );
}
