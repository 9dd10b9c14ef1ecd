//! The user cache and the writer together: a batch drops from the cache exactly the users it
//! changed, as the writer's triggers note them (unit tests of the cache alone are in
//! `user_cache`; that every write is seen through the cache is the conformance stories' job).

use accountd_core::audit::AuditContext;
use accountd_core::authz::Actor;
use accountd_core::clock::from_millis;
use accountd_core::ids::{AccountId, Email, GroupId, UserId, UserRef};
use accountd_core::model::{Account, Group, GroupOwner, User, UserStatus};
use accountd_core::store::{Store, UserReplacement};

use crate::SqliteStore;

fn ctx() -> AuditContext {
    AuditContext {
        actor: Actor::Admin,
        at: from_millis(1_700_000_000_000),
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    store: SqliteStore,
    account: AccountId,
    group: GroupId,
    ada: User,
    grace: User,
}

fn user(email: &str) -> User {
    User {
        uid: UserId::generate(),
        email: Email::parse(email).unwrap(),
        first_name: "First".into(),
        last_name: "Last".into(),
        groups: Vec::new(),
        status: UserStatus::Active,
        created_at: from_millis(0),
        modified_at: from_millis(0),
    }
}

/// A store in a temporary directory (dropped with it) holding one account.
async fn store_with_account() -> (tempfile::TempDir, SqliteStore, AccountId) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("db")).unwrap();
    let account = AccountId::generate();
    let acme = Account {
        id: account,
        name: "Acme".into(),
        created_at: from_millis(0),
        rate_limit: None,
    };
    store.create_account(&acme, &ctx()).await.unwrap();
    (dir, store, account)
}

/// An account with a group and two users, both read by uid and by email (so cached).
async fn fixture() -> Fixture {
    let (dir, store, account) = store_with_account().await;
    let group = Group {
        id: GroupId::generate(),
        name: "One".into(),
        description: String::new(),
        owner: GroupOwner::Local,
        created_at: from_millis(0),
        updated_at: from_millis(0),
    };
    store.create_group(account, &group, &ctx()).await.unwrap();
    let (ada, grace) = (user("ada@example.com"), user("grace@example.com"));
    for u in [&ada, &grace] {
        store.create_user(account, u, &ctx()).await.unwrap();
    }
    let f = Fixture {
        _dir: dir,
        store,
        account,
        group: group.id,
        ada,
        grace,
    };
    for u in [&f.ada, &f.grace] {
        for by in [UserRef::Uid(u.uid), UserRef::Email(u.email.clone())] {
            assert!(f.store.get_user_json(account, &by).await.unwrap().is_some());
        }
        assert!(f.cached(u), "{} is cached after a read", u.email);
    }
    f
}

impl Fixture {
    /// The JSON the store answers for `uid` now (through the cache), as text.
    async fn json_of(&self, uid: UserId) -> String {
        let json = self
            .store
            .get_user_json(self.account, &UserRef::Uid(uid))
            .await
            .unwrap()
            .unwrap();
        String::from_utf8(json.into_bytes()).unwrap()
    }

    /// Whether `user` is held by uid and by email.
    fn cached(&self, user: &User) -> bool {
        let by_uid = self
            .store
            .users
            .holds(self.account, &UserRef::Uid(user.uid));
        let by_email = self
            .store
            .users
            .holds(self.account, &UserRef::Email(user.email.clone()));
        assert_eq!(
            by_uid, by_email,
            "{} is held both ways or neither",
            user.email
        );
        by_uid
    }
}

#[tokio::test]
async fn a_membership_added_drops_that_user_and_keeps_the_other() {
    let f = fixture().await;
    f.store
        .add_members(f.account, f.group, &[f.ada.uid], &ctx())
        .await
        .unwrap()
        .unwrap();
    assert!(!f.cached(&f.ada));
    assert!(f.cached(&f.grace));
    assert!(
        f.json_of(f.ada.uid).await.contains(&f.group.to_string()),
        "the new membership shows"
    );
}

#[tokio::test]
async fn writes_that_change_no_user_keep_everyone() {
    let f = fixture().await;
    let other = Group {
        id: GroupId::generate(),
        name: "Two".into(),
        description: String::new(),
        owner: GroupOwner::Local,
        created_at: from_millis(0),
        updated_at: from_millis(0),
    };
    f.store
        .create_group(f.account, &other, &ctx())
        .await
        .unwrap();
    f.store
        .create_user(f.account, &user("hedy@example.com"), &ctx())
        .await
        .unwrap();
    assert!(f.cached(&f.ada));
    assert!(f.cached(&f.grace));
}

#[tokio::test]
async fn a_replaced_user_is_dropped_and_read_again_with_its_new_email() {
    let f = fixture().await;
    let change = UserReplacement {
        email: Email::parse("augusta@example.com").unwrap(),
        first_name: "Augusta".into(),
        last_name: "King".into(),
        groups: Vec::new(),
        status: None,
        modified_at: from_millis(1),
    };
    f.store
        .replace_user(f.account, &UserRef::Uid(f.ada.uid), &change, &ctx())
        .await
        .unwrap()
        .unwrap();
    assert!(!f.cached(&f.ada));
    assert!(f.cached(&f.grace));
    let old = UserRef::Email(f.ada.email.clone());
    assert!(
        f.store
            .get_user_json(f.account, &old)
            .await
            .unwrap()
            .is_none()
    );
    let new = UserRef::Email(change.email.clone());
    let json = f
        .store
        .get_user_json(f.account, &new)
        .await
        .unwrap()
        .unwrap();
    assert!(String::from_utf8_lossy(json.as_bytes()).contains("Augusta"));
}

#[tokio::test]
async fn a_deleted_user_is_dropped() {
    let f = fixture().await;
    assert!(
        f.store
            .delete_user(f.account, &UserRef::Uid(f.grace.uid), &ctx())
            .await
            .unwrap()
    );
    assert!(!f.cached(&f.grace));
    assert!(f.cached(&f.ada));
    let gone = UserRef::Uid(f.grace.uid);
    assert!(
        f.store
            .get_user_json(f.account, &gone)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_group_deleted_drops_its_members_only() {
    let f = fixture().await;
    f.store
        .add_members(f.account, f.group, &[f.ada.uid], &ctx())
        .await
        .unwrap()
        .unwrap();
    f.store
        .get_user_json(f.account, &UserRef::Uid(f.ada.uid))
        .await
        .unwrap();
    assert!(f.store.users.holds(f.account, &UserRef::Uid(f.ada.uid)));
    assert!(
        f.store
            .delete_group(f.account, f.group, &ctx())
            .await
            .unwrap()
    );
    assert!(!f.store.users.holds(f.account, &UserRef::Uid(f.ada.uid)));
    assert!(f.cached(&f.grace));
}

#[tokio::test]
async fn a_failed_job_changes_nobody_and_drops_nobody() {
    let f = fixture().await;
    let uid = f.ada.uid.to_string();
    // The job renames Ada (her doc is cleared, the writer notes her) and then fails: its
    // savepoint rolls back, and the note with it.
    let failed = f
        .store
        .writer
        .write(move |conn| {
            conn.execute("UPDATE users SET first_name = 'X' WHERE uid = ?1", [&uid])
                .map_err(crate::errors::internal)?;
            Err::<(), _>(accountd_core::Error::invalid(
                "users",
                "refused after the change",
            ))
        })
        .await;
    assert!(failed.is_err(), "{failed:?}");
    assert!(f.cached(&f.ada));
    assert!(f.cached(&f.grace));
    assert!(f.json_of(f.ada.uid).await.contains("\"First\""));
}

#[tokio::test]
async fn a_job_that_changes_a_user_and_succeeds_drops_it() {
    let f = fixture().await;
    let uid = f.ada.uid.to_string();
    f.store
        .writer
        .write(move |conn| {
            conn.execute(
                "UPDATE users SET first_name = 'Augusta' WHERE uid = ?1",
                [&uid],
            )
            .map_err(crate::errors::internal)
        })
        .await
        .unwrap();
    assert!(!f.cached(&f.ada));
    assert!(f.cached(&f.grace));
    assert!(f.json_of(f.ada.uid).await.contains("Augusta"));
}

/// Writers rename users while readers read every user through the cache, on a multi-threaded
/// runtime: after each acknowledged write its writer must read the new name, and once all stop,
/// every user reads through the cache exactly as stored, by uid and by email (no read that raced
/// a write kept what it read before the write).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reads_racing_writes_never_keep_a_stale_user() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use accountd_core::user_json::UserJson;

    const USERS: usize = 8;
    const WRITES: usize = 150;
    let (_dir, store, account) = store_with_account().await;
    let store = Arc::new(store);
    let mut people = Vec::new();
    for n in 0..USERS {
        let u = user(&format!("user{n}@example.com"));
        store.create_user(account, &u, &ctx()).await.unwrap();
        people.push(u);
    }
    let refs: Arc<Vec<UserRef>> = Arc::new(
        people
            .iter()
            .flat_map(|u| [UserRef::Uid(u.uid), UserRef::Email(u.email.clone())])
            .collect(),
    );
    let stop = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let (store, refs, stop) = (Arc::clone(&store), Arc::clone(&refs), Arc::clone(&stop));
            tokio::spawn(async move {
                let mut reads = 0_u64;
                while !stop.load(Ordering::Relaxed) {
                    for r in refs.iter() {
                        assert!(store.get_user_json(account, r).await.unwrap().is_some());
                        reads += 1;
                    }
                    tokio::task::yield_now().await;
                }
                reads
            })
        })
        .collect();
    let writers: Vec<_> = people
        .iter()
        .map(|u| {
            let (store, u) = (Arc::clone(&store), u.clone());
            tokio::spawn(async move {
                for n in 0..WRITES {
                    let name = format!("Name{n}");
                    let change = UserReplacement {
                        email: u.email.clone(),
                        first_name: name.clone(),
                        last_name: "Last".into(),
                        groups: Vec::new(),
                        status: None,
                        modified_at: from_millis(i64::try_from(n).unwrap() + 1),
                    };
                    store
                        .replace_user(account, &UserRef::Uid(u.uid), &change, &ctx())
                        .await
                        .unwrap()
                        .unwrap();
                    for r in [UserRef::Uid(u.uid), UserRef::Email(u.email.clone())] {
                        let json = store.get_user_json(account, &r).await.unwrap().unwrap();
                        let text = String::from_utf8(json.into_bytes()).unwrap();
                        assert!(
                            text.contains(&format!("\"{name}\"")),
                            "read after write {n} by {r:?}: {text}"
                        );
                    }
                }
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    let mut reads = 0;
    for reader in readers {
        reads += reader.await.unwrap();
    }
    assert!(reads > 0, "the readers ran");
    for r in refs.iter() {
        let stored = store.get_user(account, r).await.unwrap().unwrap();
        assert_eq!(stored.first_name, format!("Name{}", WRITES - 1));
        let json = store.get_user_json(account, r).await.unwrap();
        assert_eq!(json, Some(UserJson::of(&stored)), "{r:?}");
    }
}
