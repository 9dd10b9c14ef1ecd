//! The audit log.

use std::sync::Arc;

use accountd_core::ids::UserRef;
use accountd_core::page::PageQuery;
use accountd_core::store::Store;

use crate::fixtures::*;

pub async fn every_change_is_audited_in_its_transaction_newest_first(store: Arc<dyn Store>) {
    use accountd_core::audit::{AuditFilter, EventType};
    let acc = account(&*store).await;
    let g = group("G");
    store.create_group(acc, &g, &ctx()).await.expect("group");
    let u = user("a@b.co", vec![g.id]);
    store.create_user(acc, &u, &ctx()).await.expect("user");
    // A refused change leaves no event.
    assert!(
        store
            .create_user(acc, &user("A@B.CO", vec![]), &ctx())
            .await
            .is_err()
    );
    store
        .delete_user(acc, &UserRef::Uid(u.uid), &ctx())
        .await
        .expect("delete");

    let all = store
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

    let page = store
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
    let rest = store
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
    let groups = store
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
        store
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
