//! User JSON freshness: `get_user_json` (served from a user cache on SQLite) must answer every
//! user as it is after each acknowledged write, for the users a write changed and for the users
//! it did not (bystanders), by uid and by email, across the write paths that change users
//! indirectly or several at once (SCIM, service users, groups, memberships, invitations,
//! accounts). A cache that drops only the users a write changed must name them all.
//!
//! Each story reads every watched user (so a caching store has it cached) before each write and
//! again after: the JSON must be the domain user rendered (`UserJson::of(get_user(..))`), the
//! users the write changed must show the concrete new values, and every other user must read
//! exactly as before.

use std::collections::HashMap;
use std::sync::Arc;

use accountd_core::ids::{AccountId, Email, GroupId, UserId, UserRef};
use accountd_core::model::{
    Group, GroupOwner, InvitationOutcome, NewInvitation, SERVICE_USER_SURNAME, ServiceUser, User,
    UserStatus,
};
use accountd_core::scim::{Replaced, ScimGroup, ScimGroupChange, ScimUserAttrs, ScimUserChange};
use accountd_core::secret::Secret;
use accountd_core::store::{GroupsChange, MemberRemoval, ServiceUserChange, Store};
use accountd_core::user_json::UserJson;
use time::Duration;

use crate::fixtures::*;

/// `email` with the case of every ASCII letter flipped: the same user, asked for differently
/// from how it is stored.
fn other_case(email: &Email) -> Email {
    let flipped: String = email
        .as_str()
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    assert_ne!(flipped, email.as_str(), "no letters to flip in {email:?}");
    Email::parse(&flipped).expect("email")
}

fn email(text: &str) -> Email {
    Email::parse(text).expect("email")
}

/// One user under watch, of `account`, stored with `email`.
#[derive(Debug, Clone)]
struct Watched {
    who: String,
    account: AccountId,
    uid: UserId,
    email: Email,
}

/// What every watched user read as, by uid.
type Reads = HashMap<UserId, Option<User>>;

/// The users a story reads around each write.
struct Watch {
    store: Arc<dyn Store>,
    people: Vec<Watched>,
}

impl Watch {
    fn new(store: &Arc<dyn Store>) -> Self {
        Self {
            store: Arc::clone(store),
            people: Vec::new(),
        }
    }

    /// Watches a user, which need not exist yet (its reads are `None` until it does).
    fn add(&mut self, who: &str, account: AccountId, uid: UserId, email: &Email) {
        self.people.push(Watched {
            who: who.to_owned(),
            account,
            uid,
            email: email.clone(),
        });
    }

    fn person(&self, uid: UserId) -> &Watched {
        self.people
            .iter()
            .find(|p| p.uid == uid)
            .expect("a watched user")
    }

    /// The user's email from now on (after a write that changed it).
    fn set_email(&mut self, uid: UserId, email: &Email) {
        let person = self.people.iter_mut().find(|p| p.uid == uid).expect("user");
        person.email = email.clone();
    }

    /// One lookup: its JSON must be the user `get_user` finds, rendered.
    async fn lookup(&self, when: &str, who: &str, account: AccountId, r: &UserRef) -> Option<User> {
        let json = self
            .store
            .get_user_json(account, r)
            .await
            .unwrap_or_else(|e| panic!("{when}: get_user_json of {who} by {r:?}: {e}"));
        let found = self
            .store
            .get_user(account, r)
            .await
            .unwrap_or_else(|e| panic!("{when}: get_user of {who} by {r:?}: {e}"));
        let expected = found.as_ref().map(UserJson::of);
        if json != expected {
            let text = |j: &Option<UserJson>| {
                j.as_ref()
                    .map(|j| String::from_utf8_lossy(j.as_bytes()).into_owned())
            };
            panic!(
                "{when}: get_user_json of {who} by {r:?} is not the user as stored\n \
                 get_user_json: {:?}\n      get_user: {:?}",
                text(&json),
                text(&expected)
            );
        }
        found
    }

    /// The user by uid and by its email in another case; both lookups must agree.
    async fn read(&self, when: &str, person: &Watched) -> Option<User> {
        let by_uid = self
            .lookup(when, &person.who, person.account, &UserRef::Uid(person.uid))
            .await;
        let by_email = self
            .lookup(
                when,
                &person.who,
                person.account,
                &UserRef::Email(other_case(&person.email)),
            )
            .await;
        assert_eq!(
            by_uid, by_email,
            "{when}: {} by uid and by email ({}) differ",
            person.who, person.email
        );
        by_uid
    }

    /// Reads every watched user before `write`, so that a caching store holds them all.
    async fn before(&self, write: &str) -> Reads {
        let when = format!("before {write}");
        let mut reads = Reads::new();
        for person in &self.people {
            reads.insert(person.uid, self.read(&when, person).await);
        }
        reads
    }

    /// Reads every watched user after `write`: each one not in `changed` must read exactly as
    /// it did `before`.
    async fn after(&self, write: &str, before: &Reads, changed: &[UserId]) -> Reads {
        let when = format!("after {write}");
        let mut reads = Reads::new();
        for person in &self.people {
            let now = self.read(&when, person).await;
            if !changed.contains(&person.uid) {
                assert_eq!(
                    now, before[&person.uid],
                    "{when}: {}, which the write does not touch, reads differently",
                    person.who
                );
            }
            reads.insert(person.uid, now);
        }
        reads
    }

    /// No longer watches the user (deleted, so that its email may be taken by another).
    fn forget(&mut self, uid: UserId) {
        self.people.retain(|p| p.uid != uid);
    }

    /// The user as `reads` (around `write`) found it; it must have been found.
    fn found(&self, reads: &Reads, write: &str, uid: UserId) -> User {
        reads[&uid].clone().unwrap_or_else(|| {
            panic!(
                "{write}: {} is not found by uid or email",
                self.person(uid).who
            )
        })
    }

    /// Asserts that `reads` (around `write`) found the user with exactly `groups`, in order.
    fn has_groups(&self, reads: &Reads, write: &str, uid: UserId, groups: &[GroupId]) {
        assert_eq!(
            self.found(reads, write, uid).groups,
            groups,
            "{write}: groups of {}",
            self.person(uid).who
        );
    }

    /// Asserts that `reads` (around `write`) found the user by nobody, by uid or email.
    fn gone(&self, reads: &Reads, write: &str, uid: UserId) {
        assert_eq!(
            reads[&uid],
            None,
            "{write}: {} is still found",
            self.person(uid).who
        );
    }
}

/// A user as SCIM creates one: active, without memberships.
fn scim_user(address: &str) -> User {
    User {
        status: UserStatus::Active,
        ..user(address, vec![])
    }
}

fn scim_group(name: &str, members: Vec<UserId>) -> ScimGroup {
    ScimGroup {
        group: Group {
            owner: GroupOwner::Scim,
            ..group(name)
        },
        external_id: None,
        members,
    }
}

/// A service user with its own group, created.
async fn service_user(store: &dyn Store, account: AccountId, name: &str) -> ServiceUser {
    let uid = UserId::generate();
    let own = group(&format!("Service user {uid}"));
    let service_user = ServiceUser {
        uid,
        email: email(&format!("{uid}@service.sso.dynatrace.com")),
        name: name.into(),
        description: String::new(),
        group: Some(own.id),
        status: UserStatus::Active,
        created_at: now(),
    };
    store
        .create_service_user(account, &service_user, &own, &ctx())
        .await
        .expect("service user");
    service_user
}

/// The user's current `modifiedAt`, which a SCIM replacement must be computed from.
async fn modified_at(store: &dyn Store, account: AccountId, uid: UserId) -> time::OffsetDateTime {
    store
        .get_scim_user(account, uid)
        .await
        .expect("get")
        .expect("scim user")
        .user
        .modified_at
}

/// SCIM writes (user create, PUT and PATCH, group create, PUT and PATCH of members, user DELETE,
/// an email freed and taken again) reach `get_user_json` for every user they change, by uid
/// and by email, while users they do not change (another account's user with the same email
/// included) keep reading exactly as before.
pub async fn scim_writes_reach_the_user_json_of_every_user_they_change_and_no_other(
    store: Arc<dyn Store>,
) {
    let acc = account(&*store).await;
    let elsewhere = account(&*store).await;
    let mut watch = Watch::new(&store);

    let local = group("Local");
    store
        .create_group(acc, &local, &ctx())
        .await
        .expect("local group");
    let (ada, bob, cy) = (
        scim_user("Ada@Example.com"),
        scim_user("bob@example.com"),
        scim_user("cy@example.com"),
    );
    for u in [&ada, &bob, &cy] {
        store
            .create_scim_user(acc, u, &ScimUserAttrs::default(), &ctx())
            .await
            .expect("scim user");
    }
    let dee = user("Dee@Example.com", vec![local.id]);
    store.create_user(acc, &dee, &ctx()).await.expect("dee");
    // Another account's user with ada's email (in another case).
    let far = user("ada@example.COM", vec![]);
    store
        .create_user(elsewhere, &far, &ctx())
        .await
        .expect("far");
    watch.add("ada", acc, ada.uid, &ada.email);
    watch.add("bob", acc, bob.uid, &bob.email);
    watch.add("cy", acc, cy.uid, &cy.email);
    watch.add("dee (not SCIM)", acc, dee.uid, &dee.email);
    watch.add(
        "far (another account, ada's email)",
        elsewhere,
        far.uid,
        &far.email,
    );

    // A user read (and not found) before it is created is found after.
    let write = "create_scim_user of eve";
    let eve = scim_user("Eve@Example.com");
    watch.add("eve", acc, eve.uid, &eve.email);
    let before = watch.before(write).await;
    watch.gone(&before, write, eve.uid);
    store
        .create_scim_user(acc, &eve, &ScimUserAttrs::default(), &ctx())
        .await
        .expect("eve");
    let after = watch.after(write, &before, &[eve.uid]).await;
    assert_eq!(watch.found(&after, write, eve.uid), eve, "{write}");

    // SCIM PUT of a user: new names, email and status.
    let write = "replace_scim_user of ada (PUT: names, email, status)";
    let before = watch.before(write).await;
    let old_email = ada.email.clone();
    let new_email = email("Augusta.King@Example.com");
    let put = ScimUserChange {
        email: new_email.clone(),
        first_name: "Augusta".into(),
        last_name: "King".into(),
        status: UserStatus::Inactive,
        attrs: ScimUserAttrs {
            user_name: None,
            external_id: Some("ext-ada".into()),
            extra: Default::default(),
        },
        modified_at: now() + Duration::seconds(1),
        expected_modified_at: modified_at(&*store, acc, ada.uid).await,
    };
    let replaced = store
        .replace_scim_user(acc, ada.uid, &put, &ctx())
        .await
        .expect("replace");
    assert!(
        matches!(replaced, Replaced::Done(_)),
        "{write}: {replaced:?}"
    );
    watch.set_email(ada.uid, &new_email);
    let after = watch.after(write, &before, &[ada.uid]).await;
    let now_ada = watch.found(&after, write, ada.uid);
    assert_eq!(
        (
            now_ada.email.as_str(),
            now_ada.first_name.as_str(),
            now_ada.last_name.as_str(),
            now_ada.status,
            now_ada.modified_at,
            now_ada.groups.clone(),
        ),
        (
            "Augusta.King@Example.com",
            "Augusta",
            "King",
            UserStatus::Inactive,
            put.modified_at,
            vec![],
        ),
        "{write}"
    );
    // The old email (read, so cached, before the write) finds nobody in ada's account; far, in
    // another account, still has it.
    for old in [old_email.clone(), other_case(&old_email)] {
        assert_eq!(
            watch
                .lookup(
                    &format!("after {write}"),
                    "ada's old email",
                    acc,
                    &UserRef::Email(old)
                )
                .await,
            None,
            "after {write}: ada's old email still finds a user"
        );
    }
    assert_eq!(watch.found(&after, write, far.uid), far, "{write}");

    // A SCIM PATCH is a replacement computed from the current state: here only `active`.
    let write = "replace_scim_user of bob (PATCH: active=false)";
    let before = watch.before(write).await;
    let bob_then = watch.found(&before, write, bob.uid);
    let patch = ScimUserChange {
        email: bob_then.email.clone(),
        first_name: bob_then.first_name.clone(),
        last_name: bob_then.last_name.clone(),
        status: UserStatus::Inactive,
        attrs: ScimUserAttrs::default(),
        modified_at: now() + Duration::seconds(2),
        expected_modified_at: bob_then.modified_at,
    };
    let patched = store
        .replace_scim_user(acc, bob.uid, &patch, &ctx())
        .await
        .expect("patch");
    assert!(matches!(patched, Replaced::Done(_)), "{write}: {patched:?}");
    let after = watch.after(write, &before, &[bob.uid]).await;
    assert_eq!(
        watch.found(&after, write, bob.uid),
        User {
            status: UserStatus::Inactive,
            modified_at: patch.modified_at,
            ..bob_then
        },
        "{write}"
    );

    // A SCIM group created with members gives each of them the group.
    let write = "create_scim_group Team with ada and bob";
    let team = scim_group("Team", vec![ada.uid, bob.uid]);
    let before = watch.before(write).await;
    store
        .create_scim_group(acc, &team, &ctx())
        .await
        .expect("team");
    let after = watch.after(write, &before, &[ada.uid, bob.uid]).await;
    for uid in [ada.uid, bob.uid] {
        watch.has_groups(&after, write, uid, &[team.group.id]);
    }

    // SCIM PUT of a group: renamed, cy added, bob removed (ada stays a member).
    let write = "replace_scim_group Team (PUT: rename, add cy, remove bob)";
    let before = watch.before(write).await;
    let put = ScimGroupChange {
        name: "Crew".into(),
        external_id: Some("ext-crew".into()),
        add_members: vec![cy.uid],
        remove_members: vec![bob.uid],
        updated_at: now() + Duration::seconds(3),
    };
    let crew = store
        .replace_scim_group(acc, team.group.id, &put, &ctx())
        .await
        .expect("replace group")
        .expect("group");
    assert_eq!(crew.members, vec![ada.uid, cy.uid], "{write}");
    // ada is still a member: her JSON must be current whether the store rewrote her or not.
    let after = watch
        .after(write, &before, &[bob.uid, cy.uid, ada.uid])
        .await;
    watch.has_groups(&after, write, cy.uid, &[team.group.id]);
    watch.has_groups(&after, write, bob.uid, &[]);
    watch.has_groups(&after, write, ada.uid, &[team.group.id]);

    // SCIM PATCH of a group's members only: dee added, ada removed.
    let write = "replace_scim_group Crew (PATCH: add dee, remove ada)";
    let before = watch.before(write).await;
    let patch = ScimGroupChange {
        name: "Crew".into(),
        external_id: Some("ext-crew".into()),
        add_members: vec![dee.uid],
        remove_members: vec![ada.uid],
        updated_at: now() + Duration::seconds(4),
    };
    let crew = store
        .replace_scim_group(acc, team.group.id, &patch, &ctx())
        .await
        .expect("patch group")
        .expect("group");
    assert_eq!(crew.members, vec![cy.uid, dee.uid], "{write}");
    let after = watch
        .after(write, &before, &[ada.uid, dee.uid, cy.uid])
        .await;
    watch.has_groups(&after, write, dee.uid, &[local.id, team.group.id]);
    watch.has_groups(&after, write, ada.uid, &[]);
    watch.has_groups(&after, write, cy.uid, &[team.group.id]);

    // SCIM DELETE of a user (the store's delete_user): gone by uid and email; the group's other
    // member, dee, reads as before.
    let write = "delete_user of cy (SCIM DELETE)";
    let before = watch.before(write).await;
    assert!(
        store
            .delete_user(acc, &UserRef::Uid(cy.uid), &ctx())
            .await
            .expect("delete"),
        "{write}"
    );
    let after = watch.after(write, &before, &[cy.uid]).await;
    watch.gone(&after, write, cy.uid);
    watch.forget(cy.uid);

    // cy's email freed and taken by a new user: the email finds the newcomer.
    let write = "create_scim_user of a new user with cy's old email";
    let cy2 = scim_user("CY@example.com");
    watch.add("cy's successor", acc, cy2.uid, &cy2.email);
    let before = watch.before(write).await;
    store
        .create_scim_user(acc, &cy2, &ScimUserAttrs::default(), &ctx())
        .await
        .expect("cy2");
    let after = watch.after(write, &before, &[cy2.uid]).await;
    assert_eq!(watch.found(&after, write, cy2.uid), cy2, "{write}");
    assert_eq!(
        watch
            .lookup(&format!("after {write}"), "cy", acc, &UserRef::Uid(cy.uid))
            .await,
        None,
        "after {write}: the deleted cy is found by uid"
    );
}

/// Service user updates and deletes, group deletions, member removals by uid and by email,
/// user-side membership removals and replacements, invitation renewal and acceptance and a
/// status change reach `get_user_json` for every user they change (the members of a deleted
/// group, a human member of a deleted service user's group), by uid and by email, while users
/// they do not change keep reading exactly as before.
pub async fn service_user_group_and_invitation_writes_reach_the_user_json_of_every_user_they_change(
    store: Arc<dyn Store>,
) {
    let acc = account(&*store).await;
    let mut watch = Watch::new(&store);
    let (g1, g2, g3) = (group("One"), group("Two"), group("Three"));
    for g in [&g1, &g2, &g3] {
        store.create_group(acc, g, &ctx()).await.expect("group");
    }
    let ann = user("Ann@Example.com", vec![g1.id, g2.id, g3.id]);
    store.create_user(acc, &ann, &ctx()).await.expect("ann");
    let ben = user("ben@example.com", vec![g1.id, g3.id]);
    store.create_user(acc, &ben, &ctx()).await.expect("ben");
    let col = user("Col@example.com", vec![]);
    let invitation = |token: &str| NewInvitation {
        token_digest: Secret::new(token).digest(),
        created_at: now(),
        expires_at: now() + Duration::days(7),
        outbox: None,
    };
    store
        .create_invited_user(acc, &col, &invitation("col-1"), &ctx())
        .await
        .expect("col");
    let svc1 = service_user(&*store, acc, "svc1").await;
    let svc2 = service_user(&*store, acc, "svc2").await;
    watch.add("ann", acc, ann.uid, &ann.email);
    watch.add("ben", acc, ben.uid, &ben.email);
    watch.add("col (invited)", acc, col.uid, &col.email);
    watch.add("svc1 (service user)", acc, svc1.uid, &svc1.email);
    watch.add("svc2 (service user)", acc, svc2.uid, &svc2.email);

    // A service user renamed: its first name is its name.
    let write = "update_service_user of svc1";
    let before = watch.before(write).await;
    let change = ServiceUserChange {
        name: "Renamed".into(),
        description: "new description".into(),
        modified_at: now() + Duration::seconds(1),
    };
    store
        .update_service_user(acc, svc1.uid, &change, &ctx())
        .await
        .expect("update")
        .expect("service user");
    let after = watch.after(write, &before, &[svc1.uid]).await;
    let now_svc1 = watch.found(&after, write, svc1.uid);
    assert_eq!(
        (
            now_svc1.first_name.as_str(),
            now_svc1.last_name.as_str(),
            now_svc1.modified_at,
            now_svc1.groups.clone()
        ),
        (
            "Renamed",
            SERVICE_USER_SURNAME,
            change.modified_at,
            vec![svc1.group.expect("group")]
        ),
        "{write}"
    );

    // ann joins svc2's group, so deleting svc2 (and its group) changes her too.
    let svc2_group = svc2.group.expect("group");
    let write = "add_members of ann to svc2's group";
    let before = watch.before(write).await;
    store
        .add_members(acc, svc2_group, &[ann.uid], &ctx())
        .await
        .expect("add")
        .expect("group");
    let after = watch.after(write, &before, &[ann.uid]).await;
    watch.has_groups(&after, write, ann.uid, &[g1.id, g2.id, g3.id, svc2_group]);

    let write = "delete_service_user of svc2 (ann is a member of its group)";
    let before = watch.before(write).await;
    assert!(
        store
            .delete_service_user(acc, svc2.uid, &ctx())
            .await
            .expect("delete"),
        "{write}"
    );
    let after = watch.after(write, &before, &[svc2.uid, ann.uid]).await;
    watch.gone(&after, write, svc2.uid);
    watch.has_groups(&after, write, ann.uid, &[g1.id, g2.id, g3.id]);

    // A group deleted: each of its members loses it.
    let write = "delete_group One (ann and ben are members)";
    let before = watch.before(write).await;
    assert!(
        store
            .delete_group(acc, g1.id, &ctx())
            .await
            .expect("delete"),
        "{write}"
    );
    let after = watch.after(write, &before, &[ann.uid, ben.uid]).await;
    watch.has_groups(&after, write, ann.uid, &[g2.id, g3.id]);
    watch.has_groups(&after, write, ben.uid, &[g3.id]);

    // A member removed from a group, named by email (in another case).
    let write = "remove_member of ann (by email) from Two";
    let before = watch.before(write).await;
    let removal = store
        .remove_member(acc, g2.id, &UserRef::Email(other_case(&ann.email)), &ctx())
        .await
        .expect("remove");
    assert_eq!(removal, MemberRemoval::Removed, "{write}");
    let after = watch.after(write, &before, &[ann.uid]).await;
    watch.has_groups(&after, write, ann.uid, &[g3.id]);

    // ... and named by uid.
    let write = "remove_member of ben (by uid) from Three";
    let before = watch.before(write).await;
    let removal = store
        .remove_member(acc, g3.id, &UserRef::Uid(ben.uid), &ctx())
        .await
        .expect("remove");
    assert_eq!(removal, MemberRemoval::Removed, "{write}");
    let after = watch.after(write, &before, &[ben.uid]).await;
    watch.has_groups(&after, write, ben.uid, &[]);

    // The user's side: memberships replaced, then one removed.
    let write = "change_user_groups of ann (Replace with Three, Two)";
    let before = watch.before(write).await;
    store
        .change_user_groups(
            acc,
            &UserRef::Uid(ann.uid),
            &GroupsChange::Replace(vec![g3.id, g2.id]),
            &ctx(),
        )
        .await
        .expect("change")
        .expect("user");
    let after = watch.after(write, &before, &[ann.uid]).await;
    watch.has_groups(&after, write, ann.uid, &[g2.id, g3.id]);

    let write = "change_user_groups of ann by email (Remove Three)";
    let before = watch.before(write).await;
    store
        .change_user_groups(
            acc,
            &UserRef::Email(other_case(&ann.email)),
            &GroupsChange::Remove(vec![g3.id]),
            &ctx(),
        )
        .await
        .expect("change")
        .expect("user");
    let after = watch.after(write, &before, &[ann.uid]).await;
    watch.has_groups(&after, write, ann.uid, &[g2.id]);

    // A renewed invitation leaves the user pending; whatever the store writes, the JSON is
    // current (checked by the reads) and the others read as before.
    let write = "renew_invitation of col";
    let before = watch.before(write).await;
    store
        .renew_invitation(acc, &UserRef::Uid(col.uid), &invitation("col-2"), &ctx())
        .await
        .expect("renew")
        .expect("user");
    let after = watch.after(write, &before, &[col.uid]).await;
    assert_eq!(
        watch.found(&after, write, col.uid).status,
        UserStatus::PendingInvite,
        "{write}"
    );

    // An accepted invitation (found by its token, not by a user) makes the user active.
    let write = "accept_invitation of col";
    let before = watch.before(write).await;
    let accepted = store
        .accept_invitation(&Secret::new("col-2").digest(), &ctx())
        .await
        .expect("accept");
    assert_eq!(
        accepted,
        InvitationOutcome::Accepted {
            account: acc,
            user: col.uid
        },
        "{write}"
    );
    let after = watch.after(write, &before, &[col.uid]).await;
    assert_eq!(
        watch.found(&after, write, col.uid).status,
        UserStatus::Active,
        "{write}"
    );

    // A status change of a user named by email.
    let write = "change_user_status of ben by email (to INACTIVE)";
    let before = watch.before(write).await;
    store
        .change_user_status(
            acc,
            &UserRef::Email(other_case(&ben.email)),
            &[UserStatus::PendingInvite],
            UserStatus::Inactive,
            &ctx(),
        )
        .await
        .expect("status")
        .expect("user")
        .expect("allowed");
    let after = watch.after(write, &before, &[ben.uid]).await;
    assert_eq!(
        watch.found(&after, write, ben.uid).status,
        UserStatus::Inactive,
        "{write}"
    );

    // A service user deleted without members besides itself.
    let write = "delete_service_user of svc1";
    let before = watch.before(write).await;
    assert!(
        store
            .delete_service_user(acc, svc1.uid, &ctx())
            .await
            .expect("delete"),
        "{write}"
    );
    let after = watch.after(write, &before, &[svc1.uid]).await;
    watch.gone(&after, write, svc1.uid);
}

/// Deleting an account, and resetting one, leave its users (humans and service users) found by
/// nobody, by uid or email, while the users of other accounts, which have the same emails,
/// keep reading exactly as before; a user created again with such an email is found.
pub async fn deleting_or_resetting_an_account_reaches_the_user_json_of_its_users_and_no_other(
    store: Arc<dyn Store>,
) {
    let mut watch = Watch::new(&store);
    let mut users_of = Vec::new();
    for (n, name) in ["a", "b", "c"].into_iter().enumerate() {
        let acc = account(&*store).await;
        let g = group("Team");
        store.create_group(acc, &g, &ctx()).await.expect("group");
        // The same two emails in every account, stored in different cases.
        let ada = user(
            if n == 1 {
                "ADA@example.com"
            } else {
                "Ada@Example.com"
            },
            vec![g.id],
        );
        let bo = user("bo@example.com", vec![]);
        store.create_user(acc, &ada, &ctx()).await.expect("ada");
        store.create_user(acc, &bo, &ctx()).await.expect("bo");
        let svc = service_user(&*store, acc, "svc").await;
        watch.add(&format!("ada of {name}"), acc, ada.uid, &ada.email);
        watch.add(&format!("bo of {name}"), acc, bo.uid, &bo.email);
        watch.add(&format!("svc of {name}"), acc, svc.uid, &svc.email);
        users_of.push((acc, vec![ada.uid, bo.uid, svc.uid]));
    }
    let (a, a_users) = users_of[0].clone();
    let (b, b_users) = users_of[1].clone();
    let (_, c_users) = users_of[2].clone();

    let write = "delete_account a";
    let before = watch.before(write).await;
    for uid in a_users.iter().chain(&b_users).chain(&c_users) {
        watch.found(&before, write, *uid);
    }
    assert!(store.delete_account(a).await.expect("delete"), "{write}");
    let after = watch.after(write, &before, &a_users).await;
    for uid in &a_users {
        watch.gone(&after, write, *uid);
    }

    let write = "reset_account b";
    let before = watch.before(write).await;
    assert!(
        store.reset_account(b, &ctx()).await.expect("reset"),
        "{write}"
    );
    let after = watch.after(write, &before, &b_users).await;
    for uid in &b_users {
        watch.gone(&after, write, *uid);
    }
    for uid in &c_users {
        watch.found(&after, write, *uid);
    }
    // Their emails are free in b now.
    for uid in &b_users {
        watch.forget(*uid);
    }

    // The reset account takes a user with the email it had again.
    let write = "create_user in reset account b with ada's email";
    let again = user("ada@EXAMPLE.com", vec![]);
    watch.add("ada again in b", b, again.uid, &again.email);
    let before = watch.before(write).await;
    store.create_user(b, &again, &ctx()).await.expect("again");
    let after = watch.after(write, &before, &[again.uid]).await;
    assert_eq!(watch.found(&after, write, again.uid), again, "{write}");
}
