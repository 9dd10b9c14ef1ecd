//! SCIM: bearer tokens, users with their SCIM attributes, groups with their members.

use std::sync::Arc;

use accountd_core::Error;
use accountd_core::audit::{AuditFilter, EventType};
use accountd_core::authz::Actor;
use accountd_core::ids::{AccountId, Email, GroupId, UserId, UserRef};
use accountd_core::model::{Group, GroupOwner, ServiceUser, User, UserStatus};
use accountd_core::page::PageQuery;
use accountd_core::scim::{
    GroupRef, Replaced, ScimGroup, ScimGroupChange, ScimKey, ScimQuery, ScimSlice, ScimToken,
    ScimUser, ScimUserAttrs, ScimUserChange,
};
use accountd_core::secret::Secret;
use accountd_core::store::Store;
use serde_json::{Map, Value, json};
use time::Duration;

use crate::fixtures::*;

fn token(account: AccountId, id: &str) -> ScimToken {
    ScimToken {
        id: id.to_owned(),
        account,
        name: format!("token {id}"),
        digest: Secret::new(format!("dt0s01.{id}.secret")).digest(),
        created_at: now(),
    }
}

fn attrs(user_name: Option<&str>, external_id: Option<&str>) -> ScimUserAttrs {
    ScimUserAttrs {
        user_name: user_name.map(str::to_owned),
        external_id: external_id.map(str::to_owned),
        extra: Map::new(),
    }
}

/// A user as SCIM creates one: active, without memberships.
fn scim_user(email: &str) -> User {
    User {
        status: UserStatus::Active,
        ..user(email, vec![])
    }
}

fn scim_group(name: &str, external_id: Option<&str>, members: Vec<UserId>) -> ScimGroup {
    ScimGroup {
        group: Group {
            owner: GroupOwner::Scim,
            ..group(name)
        },
        external_id: external_id.map(str::to_owned),
        members,
    }
}

fn all() -> ScimQuery {
    ScimQuery {
        key: None,
        offset: 0,
        limit: None,
    }
}

fn by(key: ScimKey) -> ScimQuery {
    ScimQuery {
        key: Some(key),
        ..all()
    }
}

fn window(offset: u64, limit: Option<u64>) -> ScimQuery {
    ScimQuery {
        key: None,
        offset,
        limit,
    }
}

fn scim_ctx() -> accountd_core::audit::AuditContext {
    accountd_core::audit::AuditContext {
        actor: Actor::Scim("TOKENID".into()),
        at: now(),
    }
}

/// The uids of a listing, and its total.
fn user_uids(slice: &ScimSlice<ScimUser>) -> (u64, Vec<UserId>) {
    (
        slice.total,
        slice.items.iter().map(|u| u.user.uid).collect(),
    )
}

fn group_ids(slice: &ScimSlice<ScimGroup>) -> (u64, Vec<GroupId>) {
    (
        slice.total,
        slice.items.iter().map(|g| g.group.id).collect(),
    )
}

async fn audit_events(
    store: &dyn Store,
    account: AccountId,
    resource_type: &str,
) -> Vec<accountd_core::audit::AuditEvent> {
    store
        .list_audit_events(
            account,
            &PageQuery {
                after: None,
                limit: 100,
            },
            &AuditFilter {
                resource_type: Some(resource_type.to_owned()),
                ..AuditFilter::default()
            },
        )
        .await
        .expect("audit")
        .items
}

async fn create_service_user(store: &dyn Store, account: AccountId) -> UserId {
    let uid = UserId::generate();
    let own_group = group(&format!("Service user {uid}"));
    let service_user = ServiceUser {
        uid,
        email: Email::parse(&format!("{uid}@service.sso.dynatrace.com")).expect("email"),
        name: "svc".into(),
        description: String::new(),
        group: Some(own_group.id),
        status: UserStatus::Active,
        created_at: now(),
    };
    store
        .create_service_user(account, &service_user, &own_group, &ctx())
        .await
        .expect("service user");
    uid
}

pub async fn scim_tokens_are_limited_rotated_found_and_deleted(store: Arc<dyn Store>) {
    let acc = account(&*store).await;
    let other = account(&*store).await;
    let (t1, t2, t3) = (token(acc, "T1"), token(acc, "T2"), token(acc, "T3"));
    assert!(
        store
            .create_scim_token(&t1, 2, false, &ctx())
            .await
            .expect("t1")
    );
    assert!(
        store
            .create_scim_token(&t2, 2, false, &ctx())
            .await
            .expect("t2")
    );
    let over = store.create_scim_token(&t3, 2, false, &ctx()).await;
    assert!(
        matches!(&over, Err(Error::Conflict(m)) if m.contains("already has 2 SCIM tokens")),
        "{over:?}"
    );
    // An id is unique across accounts.
    let again = store
        .create_scim_token(&token(other, "T1"), 10, false, &ctx())
        .await;
    assert!(matches!(again, Err(Error::Conflict(_))), "{again:?}");
    assert!(
        !store
            .create_scim_token(&token(AccountId::generate(), "T9"), 10, false, &ctx())
            .await
            .expect("no account")
    );
    let o1 = token(other, "O1");
    assert!(
        store
            .create_scim_token(&o1, 2, false, &ctx())
            .await
            .expect("o1")
    );

    assert_eq!(
        store.list_scim_tokens(acc).await.expect("list"),
        vec![t1.clone(), t2.clone()]
    );
    assert_eq!(store.find_scim_token("T1").await.expect("find"), Some(t1));
    assert_eq!(store.find_scim_token("T3").await.expect("find"), None);

    // Rotation: the new token replaces every other of its account (and only of its account),
    // whatever the limit.
    assert!(
        store
            .create_scim_token(&t3, 1, true, &ctx())
            .await
            .expect("rotate")
    );
    assert_eq!(
        store.list_scim_tokens(acc).await.expect("list"),
        vec![t3.clone()]
    );
    assert_eq!(store.find_scim_token("T2").await.expect("find"), None);
    assert_eq!(
        store.list_scim_tokens(other).await.expect("list"),
        vec![o1.clone()]
    );

    // Deleting: only in the token's own account, once.
    assert!(
        !store
            .delete_scim_token(other, "T3", &ctx())
            .await
            .expect("delete")
    );
    assert!(
        store
            .delete_scim_token(acc, "T3", &ctx())
            .await
            .expect("delete")
    );
    assert!(
        !store
            .delete_scim_token(acc, "T3", &ctx())
            .await
            .expect("delete")
    );
    assert_eq!(store.list_scim_tokens(acc).await.expect("list"), vec![]);

    // Every change is audited; no digest ever appears.
    let events = audit_events(&*store, acc, "scim_token").await;
    let seen: Vec<(EventType, &str)> = events
        .iter()
        .map(|e| (e.event_type, e.resource_id.as_str()))
        .collect();
    assert_eq!(
        seen,
        vec![
            (EventType::Delete, "T3"),
            (EventType::Create, "T3"),
            (EventType::Delete, "T2"),
            (EventType::Delete, "T1"),
            (EventType::Create, "T2"),
            (EventType::Create, "T1"),
        ]
    );
    let created = events[5].after.as_ref().expect("after");
    assert_eq!(created["id"], "T1");
    assert_eq!(created["name"], "token T1");
    assert!(created.get("createdAt").is_some(), "{created}");
    for event in &events {
        for state in [&event.before, &event.after].into_iter().flatten() {
            assert!(state.get("digest").is_none(), "{state}");
        }
    }

    // A reset keeps an account's tokens; deleting the account takes them.
    assert!(store.reset_account(other, &ctx()).await.expect("reset"));
    assert_eq!(store.find_scim_token("O1").await.expect("find"), Some(o1));
    assert!(store.delete_account(other).await.expect("delete"));
    assert_eq!(store.find_scim_token("O1").await.expect("find"), None);
    assert_eq!(store.list_scim_tokens(other).await.expect("list"), vec![]);
}

pub async fn scim_users_round_trip_and_user_names_are_unique_with_emails(store: Arc<dyn Store>) {
    let acc = account(&*store).await;
    let mut extra = Map::new();
    extra.insert("displayName".into(), json!("Ada L."));
    extra.insert(
        "emails".into(),
        json!([{"value": "ada@b.co", "primary": true, "type": "work"}]),
    );
    let ada = scim_user("ada@b.co");
    let ada_attrs = ScimUserAttrs {
        extra,
        ..attrs(Some("Ada.Lovelace"), Some("ext-ada"))
    };
    store
        .create_scim_user(acc, &ada, &ada_attrs, &scim_ctx())
        .await
        .expect("create");
    let found = store
        .get_scim_user(acc, ada.uid)
        .await
        .expect("get")
        .expect("ada");
    assert_eq!(
        found,
        ScimUser {
            user: ada.clone(),
            attrs: ada_attrs.clone(),
            groups: vec![],
        }
    );
    assert_eq!(found.user_name(), "Ada.Lovelace");
    // Also the REST API's user.
    assert_eq!(
        store
            .get_user(acc, &UserRef::Uid(ada.uid))
            .await
            .expect("get")
            .expect("user"),
        ada
    );
    let created = audit_events(&*store, acc, "user").await;
    assert_eq!(created.len(), 1);
    assert_eq!(
        (created[0].event_type, created[0].actor.as_str()),
        (EventType::Create, "scim:TOKENID")
    );

    // userNames are unique case-insensitively...
    let taken = store
        .create_scim_user(
            acc,
            &scim_user("other@b.co"),
            &attrs(Some("ADA.lovelace"), None),
            &ctx(),
        )
        .await;
    assert_eq!(
        taken,
        Err(Error::Conflict(
            "a user with the userName or email address 'ADA.lovelace' already exists in this account"
                .into()
        ))
    );
    // ...emails too...
    let taken = store
        .create_scim_user(
            acc,
            &scim_user("ADA@B.CO"),
            &attrs(Some("ada2"), None),
            &ctx(),
        )
        .await;
    assert!(matches!(taken, Err(Error::Conflict(_))), "{taken:?}");
    // ...and a userName with the emails of users without one of their own, both ways.
    let plain = scim_user("plain@b.co");
    store
        .create_scim_user(acc, &plain, &ScimUserAttrs::default(), &ctx())
        .await
        .expect("plain");
    assert_eq!(
        store
            .get_scim_user(acc, plain.uid)
            .await
            .expect("get")
            .expect("plain")
            .user_name(),
        "plain@b.co"
    );
    let taken = store
        .create_scim_user(
            acc,
            &scim_user("someone@b.co"),
            &attrs(Some("Plain@B.co"), None),
            &ctx(),
        )
        .await;
    assert!(matches!(taken, Err(Error::Conflict(_))), "{taken:?}");
    let named = scim_user("named-real@b.co");
    store
        .create_scim_user(acc, &named, &attrs(Some("named@b.co"), None), &ctx())
        .await
        .expect("named");
    let taken = store
        .create_scim_user(
            acc,
            &scim_user("Named@b.co"),
            &ScimUserAttrs::default(),
            &ctx(),
        )
        .await;
    assert!(matches!(taken, Err(Error::Conflict(_))), "{taken:?}");
    let taken = store
        .create_user(acc, &user("NAMED@B.CO", vec![]), &ctx())
        .await;
    assert!(matches!(taken, Err(Error::Conflict(_))), "{taken:?}");
    // An address that differs from every userName and email is fine, as in another account.
    store
        .create_scim_user(
            acc,
            &scim_user("ada.lovelace@b.co"),
            &ScimUserAttrs::default(),
            &ctx(),
        )
        .await
        .expect("distinct");
    let elsewhere = account(&*store).await;
    store
        .create_scim_user(
            elsewhere,
            &scim_user("ada@b.co"),
            &attrs(Some("Ada.Lovelace"), None),
            &ctx(),
        )
        .await
        .expect("another account");
    assert_eq!(
        store.get_scim_user(elsewhere, ada.uid).await.expect("get"),
        None
    );
    // Refused creates left nothing behind.
    assert_eq!(audit_events(&*store, acc, "user").await.len(), 4);

    // The groups of a SCIM user, in group creation order, with their names.
    let (first, second) = (group("First"), group("Second"));
    store
        .create_group(acc, &first, &ctx())
        .await
        .expect("first");
    store
        .create_group(acc, &second, &ctx())
        .await
        .expect("second");
    for g in [&second, &first] {
        store
            .add_members(acc, g.id, &[ada.uid], &ctx())
            .await
            .expect("add")
            .expect("group");
    }
    let found = store
        .get_scim_user(acc, ada.uid)
        .await
        .expect("get")
        .expect("ada");
    assert_eq!(
        found.groups,
        vec![
            GroupRef {
                id: first.id,
                name: "First".into()
            },
            GroupRef {
                id: second.id,
                name: "Second".into()
            }
        ]
    );
    assert_eq!(found.user.groups, vec![first.id, second.id]);
    assert_eq!(found.attrs, ada_attrs);

    // A user the REST API created is a SCIM user without SCIM attributes; a service user is
    // none.
    let rest = user("rest@b.co", vec![first.id]);
    store.create_user(acc, &rest, &ctx()).await.expect("rest");
    let found = store
        .get_scim_user(acc, rest.uid)
        .await
        .expect("get")
        .expect("rest");
    assert_eq!(found.attrs, ScimUserAttrs::default());
    assert_eq!(found.user, rest);
    assert_eq!(found.user_name(), "rest@b.co");
    let service = create_service_user(&*store, acc).await;
    assert_eq!(store.get_scim_user(acc, service).await.expect("get"), None);
    assert_eq!(
        store
            .get_scim_user(acc, UserId::generate())
            .await
            .expect("get"),
        None
    );
}

pub async fn replace_scim_user_applies_only_to_the_state_it_was_computed_from(
    store: Arc<dyn Store>,
) {
    let acc = account(&*store).await;
    let g = group("G");
    store.create_group(acc, &g, &ctx()).await.expect("group");
    let u = scim_user("u@b.co");
    store
        .create_scim_user(acc, &u, &attrs(Some("u"), Some("ext-u")), &ctx())
        .await
        .expect("create");
    let other = scim_user("other@b.co");
    store
        .create_scim_user(acc, &other, &attrs(Some("other"), None), &ctx())
        .await
        .expect("other");
    store
        .add_members(
            acc,
            g.id,
            &[u.uid],
            &ctx_at(now() + Duration::milliseconds(5)),
        )
        .await
        .expect("add")
        .expect("group");
    let current = store
        .get_scim_user(acc, u.uid)
        .await
        .expect("get")
        .expect("u");

    let mut extra = Map::new();
    extra.insert("displayName".into(), Value::String("Uma U.".into()));
    let change = ScimUserChange {
        email: Email::parse("Uma@b.co").expect("email"),
        first_name: "Uma".into(),
        last_name: "U".into(),
        status: UserStatus::Inactive,
        attrs: ScimUserAttrs {
            user_name: None,
            external_id: Some("ext-uma".into()),
            extra,
        },
        modified_at: current.user.modified_at + Duration::seconds(1),
        // The stored precision is what counts: a finer reading of the same instant matches.
        expected_modified_at: current.user.modified_at + Duration::microseconds(300),
    };
    let replaced = store
        .replace_scim_user(acc, u.uid, &change, &ctx())
        .await
        .expect("replace");
    let Replaced::Done(after) = replaced else {
        panic!("not applied: {replaced:?}");
    };
    assert_eq!(after.user.email.as_str(), "Uma@b.co");
    assert_eq!(
        (
            after.user.first_name.as_str(),
            after.user.last_name.as_str()
        ),
        ("Uma", "U")
    );
    assert_eq!(after.user.status, UserStatus::Inactive);
    assert_eq!(after.user.modified_at, change.modified_at);
    assert_eq!(after.user.created_at, u.created_at);
    assert_eq!(after.attrs, change.attrs);
    assert_eq!(after.user_name(), "Uma@b.co");
    // Memberships stay as they are.
    assert_eq!(after.user.groups, vec![g.id]);
    assert_eq!(
        after.groups,
        vec![GroupRef {
            id: g.id,
            name: "G".into()
        }]
    );
    assert_eq!(
        store.get_scim_user(acc, u.uid).await.expect("get"),
        Some(after.clone())
    );
    let updated = &audit_events(&*store, acc, "user").await[0];
    assert_eq!(updated.event_type, EventType::Update);
    assert_eq!(
        updated.before.as_ref().map(|b| b["email"].clone()),
        Some(json!("u@b.co"))
    );
    assert_eq!(
        updated.after.as_ref().map(|a| a["email"].clone()),
        Some(json!("Uma@b.co"))
    );

    // The same change again was computed from a state that is gone.
    assert_eq!(
        store
            .replace_scim_user(acc, u.uid, &change, &ctx())
            .await
            .expect("replace"),
        Replaced::Stale
    );
    assert_eq!(
        store.get_scim_user(acc, u.uid).await.expect("get"),
        Some(after.clone())
    );

    // A taken userName or email is a conflict and changes nothing.
    let clash = ScimUserChange {
        attrs: attrs(Some("OTHER"), None),
        expected_modified_at: after.user.modified_at,
        ..change.clone()
    };
    let refused = store.replace_scim_user(acc, u.uid, &clash, &ctx()).await;
    assert!(matches!(refused, Err(Error::Conflict(_))), "{refused:?}");
    let clash = ScimUserChange {
        email: Email::parse("OTHER@b.co").expect("email"),
        attrs: attrs(Some("uma"), None),
        expected_modified_at: after.user.modified_at,
        ..change.clone()
    };
    let refused = store.replace_scim_user(acc, u.uid, &clash, &ctx()).await;
    assert!(matches!(refused, Err(Error::Conflict(_))), "{refused:?}");
    assert_eq!(
        store.get_scim_user(acc, u.uid).await.expect("get"),
        Some(after.clone())
    );
    // Taking back its own userName in another case is no conflict.
    let recase = ScimUserChange {
        attrs: attrs(Some("UMA@B.CO"), None),
        expected_modified_at: after.user.modified_at,
        modified_at: after.user.modified_at + Duration::seconds(1),
        ..change.clone()
    };
    assert!(matches!(
        store
            .replace_scim_user(acc, u.uid, &recase, &ctx())
            .await
            .expect("recase"),
        Replaced::Done(_)
    ));

    // No such user, or not a SCIM user.
    assert_eq!(
        store
            .replace_scim_user(acc, UserId::generate(), &change, &ctx())
            .await
            .expect("replace"),
        Replaced::NotFound
    );
    let service = create_service_user(&*store, acc).await;
    assert_eq!(
        store
            .replace_scim_user(acc, service, &change, &ctx())
            .await
            .expect("replace"),
        Replaced::NotFound
    );
    let elsewhere = account(&*store).await;
    assert_eq!(
        store
            .replace_scim_user(elsewhere, u.uid, &change, &ctx())
            .await
            .expect("replace"),
        Replaced::NotFound
    );
}

pub async fn scim_user_listings_narrow_by_key_and_window_with_the_total(store: Arc<dyn Store>) {
    let acc = account(&*store).await;
    let g = group("G");
    store.create_group(acc, &g, &ctx()).await.expect("group");
    let mut uids = Vec::new();
    for n in 0..5 {
        let u = scim_user(&format!("u{n}@b.co"));
        let a = match n {
            1 => attrs(Some("u1-Name"), Some("Ext-1")),
            2 => attrs(None, Some("Ext-2")),
            3 => attrs(Some("u3-name"), None),
            _ => ScimUserAttrs::default(),
        };
        store
            .create_scim_user(acc, &u, &a, &ctx())
            .await
            .expect("user");
        uids.push(u.uid);
        if n == 0 {
            // Service users are no SCIM users, and users of other accounts are not listed.
            create_service_user(&*store, acc).await;
            let elsewhere = account(&*store).await;
            store
                .create_scim_user(elsewhere, &scim_user("u0@b.co"), &a, &ctx())
                .await
                .expect("elsewhere");
        }
    }
    store
        .add_members(acc, g.id, &[uids[2]], &ctx())
        .await
        .expect("add")
        .expect("group");

    let listed = store.list_scim_users(acc, &all()).await.expect("list");
    assert_eq!(user_uids(&listed), (5, uids.clone()));
    assert_eq!(listed.items[2].user.groups, vec![g.id]);
    assert_eq!(
        listed.items[2].groups,
        vec![GroupRef {
            id: g.id,
            name: "G".into()
        }]
    );
    assert_eq!(listed.items[1].attrs, attrs(Some("u1-Name"), Some("Ext-1")));

    let windowed = |offset, limit| {
        let store = store.clone();
        async move {
            user_uids(
                &store
                    .list_scim_users(acc, &window(offset, limit))
                    .await
                    .expect("list"),
            )
        }
    };
    assert_eq!(windowed(1, Some(2)).await, (5, uids[1..3].to_vec()));
    assert_eq!(windowed(3, None).await, (5, uids[3..].to_vec()));
    assert_eq!(windowed(4, Some(10)).await, (5, uids[4..].to_vec()));
    assert_eq!(windowed(5, Some(10)).await, (5, vec![]));
    assert_eq!(windowed(50, None).await, (5, vec![]));
    assert_eq!(windowed(0, Some(0)).await, (5, vec![]));

    let keyed = |key| {
        let store = store.clone();
        async move { user_uids(&store.list_scim_users(acc, &by(key)).await.expect("list")) }
    };
    // userName: case-insensitive, its own or else the email.
    assert_eq!(
        keyed(ScimKey::UserName("U1-NAME".into())).await,
        (1, vec![uids[1]])
    );
    assert_eq!(
        keyed(ScimKey::UserName("U2@B.co".into())).await,
        (1, vec![uids[2]])
    );
    assert_eq!(
        keyed(ScimKey::UserName("u1@b.co".into())).await,
        (0, vec![])
    );
    assert_eq!(keyed(ScimKey::UserName("nobody".into())).await, (0, vec![]));
    // externalId: exact.
    assert_eq!(
        keyed(ScimKey::ExternalId("Ext-2".into())).await,
        (1, vec![uids[2]])
    );
    assert_eq!(
        keyed(ScimKey::ExternalId("ext-2".into())).await,
        (0, vec![])
    );
    // Users have no displayName to narrow by.
    assert_eq!(keyed(ScimKey::DisplayName("G".into())).await, (0, vec![]));
    // A key and a window: the total is the narrowed set's.
    let narrowed = store
        .list_scim_users(
            acc,
            &ScimQuery {
                key: Some(ScimKey::UserName("U3-Name".into())),
                offset: 1,
                limit: Some(1),
            },
        )
        .await
        .expect("list");
    assert_eq!(user_uids(&narrowed), (1, vec![]));

    let empty = account(&*store).await;
    assert_eq!(
        user_uids(&store.list_scim_users(empty, &all()).await.expect("list")),
        (0, vec![])
    );
}

pub async fn scim_groups_are_created_with_their_members_all_or_nothing(store: Arc<dyn Store>) {
    let acc = account(&*store).await;
    let (a, b) = (scim_user("a@b.co"), scim_user("b@b.co"));
    for u in [&a, &b] {
        store
            .create_scim_user(acc, u, &ScimUserAttrs::default(), &ctx())
            .await
            .expect("user");
    }
    let stranger = UserId::generate();
    let refused = scim_group("Refused", Some("ext-r"), vec![a.uid, stranger]);
    let err = store.create_scim_group(acc, &refused, &ctx()).await;
    assert_eq!(
        err,
        Err(Error::invalid(
            "members",
            format!("'{stranger}' is not a user of this account")
        ))
    );
    assert_eq!(
        store
            .get_scim_group(acc, refused.group.id)
            .await
            .expect("get"),
        None
    );
    assert_eq!(
        store
            .find_group_by_name(acc, "Refused")
            .await
            .expect("find"),
        None
    );
    let a_now = store
        .get_scim_user(acc, a.uid)
        .await
        .expect("get")
        .expect("a");
    assert_eq!(a_now.groups, vec![]);
    assert_eq!(a_now.user.modified_at, a.modified_at);
    // A user of another account is no user of this one.
    let elsewhere = account(&*store).await;
    let foreign = scim_user("f@b.co");
    store
        .create_scim_user(elsewhere, &foreign, &ScimUserAttrs::default(), &ctx())
        .await
        .expect("foreign");
    let err = store
        .create_scim_group(acc, &scim_group("Foreign", None, vec![foreign.uid]), &ctx())
        .await;
    assert!(
        matches!(&err, Err(Error::Invalid { field, reason }) if field == "members" && reason.contains(&foreign.uid.to_string())),
        "{err:?}"
    );

    let team = scim_group("Team", Some("ext-team"), vec![a.uid, b.uid]);
    store
        .create_scim_group(acc, &team, &scim_ctx())
        .await
        .expect("create");
    assert_eq!(
        store.get_scim_group(acc, team.group.id).await.expect("get"),
        Some(team.clone())
    );
    // The REST API sees the same group, owned by SCIM.
    assert_eq!(
        store.get_group(acc, team.group.id).await.expect("get"),
        Some(team.group.clone())
    );
    let a_now = store
        .get_scim_user(acc, a.uid)
        .await
        .expect("get")
        .expect("a");
    assert_eq!(
        a_now.groups,
        vec![GroupRef {
            id: team.group.id,
            name: "Team".into()
        }]
    );
    let created = audit_events(&*store, acc, "group").await;
    assert_eq!(
        created
            .iter()
            .map(|e| (e.event_type, e.resource_id.clone()))
            .collect::<Vec<_>>(),
        vec![(EventType::Create, team.group.id.to_string())]
    );

    // A taken name is a conflict, whoever owns the group.
    let taken = store
        .create_scim_group(acc, &scim_group("Team", None, vec![]), &ctx())
        .await;
    assert!(matches!(taken, Err(Error::Conflict(_))), "{taken:?}");
    let local = group("Local");
    store
        .create_group(acc, &local, &ctx())
        .await
        .expect("local");
    let taken = store
        .create_scim_group(acc, &scim_group("Local", None, vec![b.uid]), &ctx())
        .await;
    assert!(matches!(taken, Err(Error::Conflict(_))), "{taken:?}");
    // A group without members, and one a REST group as SCIM sees it.
    let empty = scim_group("Empty", None, vec![]);
    store
        .create_scim_group(acc, &empty, &ctx())
        .await
        .expect("empty");
    assert_eq!(
        store
            .get_scim_group(acc, empty.group.id)
            .await
            .expect("get"),
        Some(empty)
    );
    assert_eq!(
        store.get_scim_group(acc, local.id).await.expect("get"),
        Some(ScimGroup {
            group: local,
            external_id: None,
            members: vec![],
        })
    );
    assert_eq!(
        store
            .get_scim_group(elsewhere, team.group.id)
            .await
            .expect("get"),
        None
    );
}

pub async fn replace_scim_group_renames_and_applies_the_member_difference(store: Arc<dyn Store>) {
    let acc = account(&*store).await;
    let mut users = Vec::new();
    for n in 0..4 {
        let u = scim_user(&format!("u{n}@b.co"));
        store
            .create_scim_user(acc, &u, &ScimUserAttrs::default(), &ctx())
            .await
            .expect("user");
        users.push(u.uid);
    }
    let (a, b, c, d) = (users[0], users[1], users[2], users[3]);
    let team = scim_group("Team", Some("ext-team"), vec![a, b]);
    store
        .create_scim_group(acc, &team, &ctx())
        .await
        .expect("team");
    store
        .create_group(acc, &group("Other"), &ctx())
        .await
        .expect("other");
    let id = team.group.id;

    let change = ScimGroupChange {
        name: "Crew".into(),
        external_id: None,
        // Adding a member twice, or removing a non-member or a non-user, is fine.
        add_members: vec![c, a],
        remove_members: vec![b, d, UserId::generate()],
        updated_at: now() + Duration::seconds(1),
    };
    let after = store
        .replace_scim_group(acc, id, &change, &ctx())
        .await
        .expect("replace")
        .expect("group");
    assert_eq!(after.group.name, "Crew");
    assert_eq!(after.external_id, None);
    assert_eq!(after.group.updated_at, change.updated_at);
    assert_eq!(after.group.created_at, team.group.created_at);
    assert_eq!(after.group.owner, GroupOwner::Scim);
    assert_eq!(after.members, vec![a, c]);
    assert_eq!(
        store.get_scim_group(acc, id).await.expect("get"),
        Some(after.clone())
    );
    let b_now = store.get_scim_user(acc, b).await.expect("get").expect("b");
    assert_eq!(b_now.groups, vec![]);
    let c_now = store.get_scim_user(acc, c).await.expect("get").expect("c");
    assert_eq!(
        c_now.groups,
        vec![GroupRef {
            id,
            name: "Crew".into()
        }]
    );
    let renamed = &audit_events(&*store, acc, "group").await[0];
    assert_eq!(
        (renamed.event_type, renamed.resource_id.as_str()),
        (EventType::Update, id.to_string().as_str())
    );
    assert_eq!(
        renamed.before.as_ref().map(|s| s["name"].clone()),
        Some(json!("Team"))
    );
    assert_eq!(
        renamed.after.as_ref().map(|s| s["name"].clone()),
        Some(json!("Crew"))
    );

    // An unknown uid to add is invalid, and nothing of the change is applied.
    let stranger = UserId::generate();
    let refused = ScimGroupChange {
        name: "Renamed".into(),
        external_id: Some("x".into()),
        add_members: vec![d, stranger],
        remove_members: vec![a],
        updated_at: now() + Duration::seconds(2),
    };
    let err = store.replace_scim_group(acc, id, &refused, &ctx()).await;
    assert_eq!(
        err,
        Err(Error::invalid(
            "members",
            format!("'{stranger}' is not a user of this account")
        ))
    );
    assert_eq!(
        store.get_scim_group(acc, id).await.expect("get"),
        Some(after.clone())
    );

    // A taken name is a conflict, and nothing of the change is applied.
    let clash = ScimGroupChange {
        name: "Other".into(),
        add_members: vec![d],
        ..refused.clone()
    };
    let err = store.replace_scim_group(acc, id, &clash, &ctx()).await;
    assert!(matches!(err, Err(Error::Conflict(_))), "{err:?}");
    assert_eq!(
        store.get_scim_group(acc, id).await.expect("get"),
        Some(after.clone())
    );

    // Only members.
    let members_only = ScimGroupChange {
        name: "Crew".into(),
        external_id: None,
        add_members: vec![d, b],
        remove_members: vec![a],
        updated_at: now() + Duration::seconds(3),
    };
    let later = store
        .replace_scim_group(acc, id, &members_only, &ctx())
        .await
        .expect("replace")
        .expect("group");
    assert_eq!(later.members, vec![b, c, d]);
    assert_eq!(later.group.name, "Crew");

    // No such group (in this account).
    assert_eq!(
        store
            .replace_scim_group(acc, GroupId::generate(), &members_only, &ctx())
            .await
            .expect("replace"),
        None
    );
    let elsewhere = account(&*store).await;
    assert_eq!(
        store
            .replace_scim_group(
                elsewhere,
                id,
                &ScimGroupChange {
                    add_members: vec![],
                    remove_members: vec![],
                    ..members_only.clone()
                },
                &ctx()
            )
            .await
            .expect("replace"),
        None
    );
}

pub async fn scim_group_listings_narrow_by_key_and_window_with_the_total(store: Arc<dyn Store>) {
    let acc = account(&*store).await;
    let u = scim_user("u@b.co");
    store
        .create_scim_user(acc, &u, &ScimUserAttrs::default(), &ctx())
        .await
        .expect("user");
    let mut ids = Vec::new();
    for n in 0..4 {
        let name = format!("G{n}");
        if n == 2 {
            // A group of the REST API is a SCIM group too.
            let g = group(&name);
            store.create_group(acc, &g, &ctx()).await.expect("group");
            ids.push(g.id);
        } else {
            let ext = format!("Ext-{n}");
            let members = if n == 1 { vec![u.uid] } else { vec![] };
            let g = scim_group(&name, Some(&ext), members);
            store
                .create_scim_group(acc, &g, &ctx())
                .await
                .expect("group");
            ids.push(g.group.id);
        }
    }
    let elsewhere = account(&*store).await;
    store
        .create_scim_group(elsewhere, &scim_group("G0", Some("Ext-0"), vec![]), &ctx())
        .await
        .expect("elsewhere");

    let listed = store.list_scim_groups(acc, &all()).await.expect("list");
    assert_eq!(group_ids(&listed), (4, ids.clone()));
    assert_eq!(listed.items[1].members, vec![u.uid]);
    assert_eq!(listed.items[1].external_id.as_deref(), Some("Ext-1"));
    assert_eq!(listed.items[2].external_id, None);

    let windowed = |offset, limit| {
        let store = store.clone();
        async move {
            group_ids(
                &store
                    .list_scim_groups(acc, &window(offset, limit))
                    .await
                    .expect("list"),
            )
        }
    };
    assert_eq!(windowed(1, Some(2)).await, (4, ids[1..3].to_vec()));
    assert_eq!(windowed(2, None).await, (4, ids[2..].to_vec()));
    assert_eq!(windowed(4, Some(1)).await, (4, vec![]));
    assert_eq!(windowed(0, Some(0)).await, (4, vec![]));

    let keyed = |key| {
        let store = store.clone();
        async move { group_ids(&store.list_scim_groups(acc, &by(key)).await.expect("list")) }
    };
    // displayName: case-insensitive (group names are unique case-sensitively, so a name may
    // find several).
    assert_eq!(
        keyed(ScimKey::DisplayName("G2".into())).await,
        (1, vec![ids[2]])
    );
    assert_eq!(
        keyed(ScimKey::DisplayName("g2".into())).await,
        (1, vec![ids[2]])
    );
    assert_eq!(keyed(ScimKey::DisplayName("G".into())).await, (0, vec![]));
    assert_eq!(
        keyed(ScimKey::ExternalId("Ext-3".into())).await,
        (1, vec![ids[3]])
    );
    assert_eq!(
        keyed(ScimKey::ExternalId("ext-3".into())).await,
        (0, vec![])
    );
    assert_eq!(keyed(ScimKey::UserName("u@b.co".into())).await, (0, vec![]));
    let narrowed = store
        .list_scim_groups(
            acc,
            &ScimQuery {
                key: Some(ScimKey::DisplayName("G1".into())),
                offset: 0,
                limit: Some(5),
            },
        )
        .await
        .expect("list");
    assert_eq!(group_ids(&narrowed), (1, vec![ids[1]]));
    assert_eq!(narrowed.items[0].members, vec![u.uid]);

    // Names that differ only in case are distinct groups, and one displayName finds them all.
    let upper = group("TEAM");
    store
        .create_group(acc, &upper, &ctx())
        .await
        .expect("upper");
    let lower = scim_group("team", None, vec![]);
    store
        .create_scim_group(acc, &lower, &ctx())
        .await
        .expect("lower");
    assert_eq!(
        keyed(ScimKey::DisplayName("Team".into())).await,
        (2, vec![upper.id, lower.group.id])
    );
    // A name beyond ASCII finds its group, at least when given exactly.
    let umlaut = scim_group("Ärzte", None, vec![]);
    store
        .create_scim_group(acc, &umlaut, &ctx())
        .await
        .expect("umlaut");
    assert_eq!(
        keyed(ScimKey::DisplayName("Ärzte".into())).await,
        (1, vec![umlaut.group.id])
    );
}

pub async fn concurrent_scim_member_changes_of_one_group_all_survive(store: Arc<dyn Store>) {
    let acc = account(&*store).await;
    let mut uids = Vec::new();
    for n in 0..24 {
        let u = scim_user(&format!("u{n}@b.co"));
        store
            .create_scim_user(acc, &u, &ScimUserAttrs::default(), &ctx())
            .await
            .expect("user");
        uids.push(u.uid);
    }
    let team = scim_group("Team", Some("ext"), vec![]);
    store
        .create_scim_group(acc, &team, &ctx())
        .await
        .expect("group");
    let id = team.group.id;
    let change = |add: Vec<UserId>, remove: Vec<UserId>| ScimGroupChange {
        name: "Team".into(),
        external_id: Some("ext".into()),
        add_members: add,
        remove_members: remove,
        updated_at: now(),
    };

    // Every SCIM client adds its own users at once, two at a time.
    let mut tasks = tokio::task::JoinSet::new();
    for pair in uids.chunks(2) {
        let (store, change) = (store.clone(), change(pair.to_vec(), vec![]));
        tasks.spawn(async move {
            store
                .replace_scim_group(acc, id, &change, &scim_ctx())
                .await
        });
    }
    while let Some(done) = tasks.join_next().await {
        assert!(done.expect("task").expect("add").is_some());
    }
    let members = store
        .get_scim_group(acc, id)
        .await
        .expect("get")
        .expect("group")
        .members;
    assert_eq!(members, uids);

    // Then some remove the even ones while others add back users that are members already.
    for (n, uid) in uids.iter().copied().enumerate() {
        let change = if n % 2 == 0 {
            change(vec![], vec![uid])
        } else {
            change(vec![uid], vec![])
        };
        let store = store.clone();
        tasks.spawn(async move {
            store
                .replace_scim_group(acc, id, &change, &scim_ctx())
                .await
        });
    }
    while let Some(done) = tasks.join_next().await {
        assert!(done.expect("task").expect("change").is_some());
    }
    let members = store
        .get_scim_group(acc, id)
        .await
        .expect("get")
        .expect("group")
        .members;
    let odd: Vec<UserId> = uids.iter().skip(1).step_by(2).copied().collect();
    assert_eq!(members, odd);
    for (n, uid) in uids.iter().enumerate() {
        let groups = store
            .get_scim_user(acc, *uid)
            .await
            .expect("get")
            .expect("user")
            .user
            .groups;
        assert_eq!(groups.is_empty(), n % 2 == 0, "user {n}");
    }
}
