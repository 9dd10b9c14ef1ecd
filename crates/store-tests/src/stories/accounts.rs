//! Accounts, server keys, flags, OAuth clients and rate-limit overrides.

use std::sync::Arc;

use accountd_core::Error;
use accountd_core::ids::AccountId;
use accountd_core::model::OAuthClient;
use accountd_core::page::PageQuery;
use accountd_core::scope::ScopeSet;
use accountd_core::secret::Secret;
use accountd_core::store::{GroupChange, Store, UserFilter};

use crate::fixtures::*;

pub async fn deleting_an_account_removes_everything_and_reset_keeps_clients(store: Arc<dyn Store>) {
    let acc = account(&*store).await;
    let client = OAuthClient {
        client_id: "dt0s02.TEST".into(),
        account: acc,
        name: "t".into(),
        secret_digest: Secret::new("s").digest(),
        scopes: ScopeSet::all(),
        created_at: now(),
    };
    store
        .put_client(&client, false, &ctx())
        .await
        .expect("client");
    let g = group("G");
    store.create_group(acc, &g, &ctx()).await.expect("group");
    store
        .create_user(acc, &user("a@b.co", vec![g.id]), &ctx())
        .await
        .expect("user");

    assert!(store.reset_account(acc, &ctx()).await.expect("reset"));
    let page = store
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
        store
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
        store.find_client("dt0s02.TEST").await.expect("find"),
        Some(client)
    );

    assert!(store.delete_account(acc).await.expect("delete"));
    assert_eq!(store.find_client("dt0s02.TEST").await.expect("find"), None);
    assert_eq!(store.get_account(acc).await.expect("get"), None);
}

pub async fn server_keys_and_flags_are_stable(store: Arc<dyn Store>) {
    let first = store.server_key("k", [1; 32]).await.expect("key");
    let second = store.server_key("k", [2; 32]).await.expect("key");
    assert_eq!((first, second), ([1; 32], [1; 32]));
    assert!(store.claim_flag("demo").await.expect("flag"));
    assert!(!store.claim_flag("demo").await.expect("flag"));
}

pub async fn group_updates_and_clients_replace(store: Arc<dyn Store>) {
    let acc = account(&*store).await;
    let (a, b) = (group("A"), group("B"));
    store.create_group(acc, &a, &ctx()).await.expect("a");
    store.create_group(acc, &b, &ctx()).await.expect("b");
    let change = GroupChange {
        name: "B".into(),
        description: "d".into(),
        updated_at: now(),
    };
    assert!(matches!(
        store.update_group(acc, a.id, &change, &ctx()).await,
        Err(Error::Conflict(_))
    ));
    let change = GroupChange {
        name: "A2".into(),
        description: "d".into(),
        updated_at: now(),
    };
    let updated = store
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
    store
        .put_client(&client, false, &ctx())
        .await
        .expect("create");
    assert!(matches!(
        store.put_client(&client, false, &ctx()).await,
        Err(Error::Conflict(_))
    ));
    let rotated = OAuthClient {
        secret_digest: Secret::new("two").digest(),
        ..client.clone()
    };
    store
        .put_client(&rotated, true, &ctx())
        .await
        .expect("replace");
    let found = store
        .find_client("dt0s02.X")
        .await
        .expect("find")
        .expect("client");
    assert!(found.secret_digest.matches(&Secret::new("two")));
    let other = account(&*store).await;
    let stolen = OAuthClient {
        account: other,
        ..client
    };
    assert!(matches!(
        store.put_client(&stolen, true, &ctx()).await,
        Err(Error::Conflict(_))
    ));
}

pub async fn account_rate_limit_overrides_are_stored_and_cleared(store: Arc<dyn Store>) {
    use accountd_core::rate_limit::RateLimit;
    let acc = account(&*store).await;
    let limit = RateLimit::parse("100/min").expect("limit");
    assert!(
        store
            .set_account_rate_limit(acc, Some(limit), &ctx())
            .await
            .expect("set")
    );
    assert_eq!(
        store
            .get_account(acc)
            .await
            .expect("get")
            .and_then(|a| a.rate_limit),
        Some(limit)
    );
    assert!(
        store
            .set_account_rate_limit(acc, None, &ctx())
            .await
            .expect("clear")
    );
    assert_eq!(
        store
            .get_account(acc)
            .await
            .expect("get")
            .and_then(|a| a.rate_limit),
        None
    );
    assert!(
        !store
            .set_account_rate_limit(AccountId::generate(), None, &ctx())
            .await
            .expect("missing")
    );
}

pub async fn accounts_are_counted_listed_and_renamed_with_an_audit_trail(store: Arc<dyn Store>) {
    use accountd_core::audit::{AuditFilter, EventType};
    use accountd_core::model::Account;
    use accountd_core::rate_limit::RateLimit;
    assert_eq!(store.count_accounts().await.expect("count"), 0);
    let first_id = account(&*store).await;
    let second = Account {
        id: AccountId::generate(),
        name: "Beta".into(),
        created_at: now() + time::Duration::seconds(1),
        rate_limit: Some(RateLimit::parse("5/min").expect("limit")),
    };
    store
        .create_account(&second, &ctx())
        .await
        .expect("second account");
    assert_eq!(store.count_accounts().await.expect("count"), 2);
    let listed = store.list_accounts().await.expect("list");
    assert_eq!(
        listed.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![first_id, second.id]
    );
    assert_eq!(listed[1], second);

    assert!(
        store
            .rename_account(first_id, "Acme 2", &ctx())
            .await
            .expect("rename")
    );
    assert_eq!(
        store
            .get_account(first_id)
            .await
            .expect("get")
            .map(|a| a.name),
        Some("Acme 2".to_owned())
    );
    assert!(
        !store
            .rename_account(AccountId::generate(), "x", &ctx())
            .await
            .expect("rename missing")
    );
    let events = store
        .list_audit_events(first_id, &first(10), &AuditFilter::default())
        .await
        .expect("events");
    let renamed = &events.items[0];
    assert_eq!(
        (renamed.event_type, renamed.resource_type.as_str()),
        (EventType::Update, "account")
    );
    assert_eq!(
        (
            renamed.before.as_ref().map(|b| b["name"].clone()),
            renamed.after.as_ref().map(|a| a["name"].clone())
        ),
        (Some("Acme".into()), Some("Acme 2".into()))
    );
}

pub async fn clients_are_listed_and_deleted_per_account(store: Arc<dyn Store>) {
    use accountd_core::audit::{AuditFilter, EventType};
    let acc = account(&*store).await;
    let other = account(&*store).await;
    let client = |id: &str, account: AccountId, scopes: &str, offset_ms: i64| OAuthClient {
        client_id: id.into(),
        account,
        name: format!("client {id}"),
        secret_digest: Secret::new(id).digest(),
        scopes: ScopeSet::parse_space_separated(scopes).expect("scopes"),
        created_at: now() + time::Duration::milliseconds(offset_ms),
    };
    let one = client("dt0s02.ONE", acc, "account-idm-read", 0);
    let two = client("dt0s02.TWO", acc, "account-idm-read account-env-write", 1);
    let theirs = client("dt0s02.THEIRS", other, "account-env-read", 0);
    for c in [&one, &two, &theirs] {
        store.put_client(c, false, &ctx()).await.expect("client");
    }
    assert_eq!(
        store.list_clients(acc).await.expect("list"),
        vec![one.clone(), two.clone()]
    );
    assert!(
        !store
            .delete_client(other, &one.client_id, &ctx())
            .await
            .expect("not theirs")
    );
    assert_eq!(
        store.find_client(&one.client_id).await.expect("find"),
        Some(one.clone())
    );
    assert!(
        store
            .delete_client(acc, &one.client_id, &ctx())
            .await
            .expect("delete")
    );
    assert!(
        !store
            .delete_client(acc, &one.client_id, &ctx())
            .await
            .expect("delete again")
    );
    assert_eq!(
        store.list_clients(acc).await.expect("list"),
        vec![two.clone()]
    );
    let events = store
        .list_audit_events(acc, &first(10), &AuditFilter::default())
        .await
        .expect("events");
    let deleted = &events.items[0];
    assert_eq!(
        (
            deleted.event_type,
            deleted.resource_type.as_str(),
            deleted.resource_id.as_str()
        ),
        (EventType::Delete, "oauth_client", "dt0s02.ONE")
    );
    assert_eq!(
        deleted.before.as_ref().map(|b| b["scopes"].clone()),
        Some(serde_json::json!(["account-idm-read"]))
    );
    assert!(deleted.after.is_none());
}
