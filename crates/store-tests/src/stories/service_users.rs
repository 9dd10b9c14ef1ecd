//! Service users: users of kind SERVICE with a group of their own.

use std::sync::Arc;

use accountd_core::ids::{Email, UserId, UserRef};
use accountd_core::model::UserStatus;
use accountd_core::page::PageQuery;
use accountd_core::store::{Store, UserFilter};

use crate::fixtures::*;

pub async fn service_users_are_users_with_a_group_and_are_listed_apart(store: Arc<dyn Store>) {
    use accountd_core::model::{SERVICE_USER_SURNAME, ServiceUser};
    use accountd_core::store::ServiceUserChange;
    let acc = account(&*store).await;
    store
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
        store
            .create_service_user(acc, &svc, &g, &ctx())
            .await
            .expect("service user");
        created.push(svc);
    }
    let first = &created[0];
    assert_eq!(
        store.get_service_user(acc, first.uid).await.expect("get"),
        Some(first.clone())
    );
    // A service user is a user: found by email, a member of its own group.
    let as_user = store
        .get_user(acc, &UserRef::Email(first.email.clone()))
        .await
        .expect("get")
        .expect("user");
    assert_eq!(
        (as_user.last_name.as_str(), as_user.groups.clone()),
        (SERVICE_USER_SURNAME, vec![first.group.expect("group")])
    );

    let humans = store
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
        store
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

    let page = store
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
    let skipped = store
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
    let updated = store
        .update_service_user(acc, first.uid, &change, &ctx())
        .await
        .expect("update")
        .expect("found");
    assert_eq!(
        (updated.name.as_str(), updated.description.as_str()),
        ("renamed", "d")
    );

    assert!(
        store
            .delete_service_user(acc, first.uid, &ctx())
            .await
            .expect("delete")
    );
    assert!(
        !store
            .delete_service_user(acc, first.uid, &ctx())
            .await
            .expect("delete again")
    );
    assert_eq!(
        store
            .get_group(acc, first.group.expect("group"))
            .await
            .expect("group"),
        None
    );
    // A human is not a service user.
    assert_eq!(
        store
            .get_service_user(acc, UserId::generate())
            .await
            .expect("get"),
        None
    );
}
