//! Users read by uid or email, kept while this process writes nothing.
//!
//! `GET /users/{uid}` is the hottest read of the API, and on SQLite most of its time went to the
//! store: two b-tree descents and, per statement, the WAL read lock (a syscall). A user served
//! from here costs a hash lookup and a clone of its JSON (the store keeps `UserJson`s here).
//!
//! Why this is safe: every write of this process goes through the one writer thread, which
//! counts a new *write generation* after each batch commits and before it answers. An entry
//! records the generation read *before* its row was read; it is served only while that is
//! still the current generation, so no write can have landed since the row was read. Any write
//! at all retires every entry (per-user invalidation would need every write to name the users
//! it touches: renames, memberships, group deletions, SCIM PATCH). Writes from another process
//! would go unnoticed, which is why the store holds an exclusive lock on its database file
//! (the `exclusive` module).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use accountd_core::Result;
use accountd_core::ids::{AccountId, UserId, UserRef};

/// Most users kept by default: ~15 MB at ~300 bytes a user. A full cache starts over (rather than
/// tracking recency on every hit, which would cost the hot path a write).
pub const DEFAULT_CAPACITY: usize = 50_000;

/// How a user was asked for: a uid, or an email's case-folded key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum UserKey {
    Uid(UserId),
    Email(String),
}

impl UserKey {
    fn of(user: &UserRef) -> Self {
        match user {
            UserRef::Uid(uid) => Self::Uid(*uid),
            UserRef::Email(email) => Self::Email(email.key().to_owned()),
        }
    }
}

struct Entries<V> {
    /// The write generation every entry was read at.
    generation: u64,
    users: HashMap<(AccountId, UserKey), V>,
}

/// Values `V` of users (the store keeps their JSON), keyed by account and uid or email.
pub struct UserCache<V> {
    writes: Arc<AtomicU64>,
    capacity: usize,
    entries: Mutex<Entries<V>>,
    /// `store_user_cache_total`, resolved once rather than looked up by name on every read.
    hits: metrics::Counter,
    misses: metrics::Counter,
}

impl<V: Clone> UserCache<V> {
    /// A cache of at most `capacity` users (0 turns it off), invalidated by `writes`, the
    /// writer's generation.
    pub fn new(writes: Arc<AtomicU64>, capacity: usize) -> Self {
        Self {
            writes,
            capacity,
            entries: Mutex::new(Entries {
                generation: 0,
                users: HashMap::new(),
            }),
            hits: metrics::counter!("store_user_cache_total", "result" => "hit"),
            misses: metrics::counter!("store_user_cache_total", "result" => "miss"),
        }
    }

    /// The user from the cache, or from `load` (which then fills the cache). Users not found
    /// are not kept: a miss costs what it did without the cache.
    pub fn get_or_load(
        &self,
        account: AccountId,
        user: &UserRef,
        load: impl FnOnce() -> Result<Option<V>>,
    ) -> Result<Option<V>> {
        if self.capacity == 0 {
            return load();
        }
        let key = (account, UserKey::of(user));
        // Read before the row is: a write that lands while `load` runs moves it on.
        let generation = self.writes.load(Ordering::Acquire);
        {
            let entries = self.lock();
            if entries.generation == generation
                && let Some(found) = entries.users.get(&key)
            {
                self.hits.increment(1);
                return Ok(Some(found.clone()));
            }
        }
        self.misses.increment(1);
        let loaded = load()?;
        if let Some(found) = &loaded {
            self.keep(generation, key, found);
        }
        Ok(loaded)
    }

    fn keep(&self, generation: u64, key: (AccountId, UserKey), user: &V) {
        let mut entries = self.lock();
        if generation < entries.generation {
            // Read before a write that newer entries already reflect: possibly stale.
            return;
        }
        if generation > entries.generation || entries.users.len() >= self.capacity {
            // `clear` keeps the table's allocation: a cache that fills and starts over under a
            // spread-out load does not grow its table again (each growth copies every entry).
            entries.users.clear();
            entries.generation = generation;
        }
        entries.users.insert(key, user.clone());
    }

    fn lock(&self) -> MutexGuard<'_, Entries<V>> {
        // The map holds plain data and no code runs under the lock that can panic midway
        // through an update, so a poisoned lock still guards a consistent map.
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use accountd_core::ids::Email;
    use accountd_core::model::{User, UserStatus};

    use super::*;

    const ACCOUNT: &str = "7e1f0c2a-3c44-4b8a-9a55-0c1e2f3a4b5c";
    const UID: &str = "11111111-1111-4111-8111-111111111111";

    fn user(first_name: &str) -> User {
        User {
            uid: UserId::parse(UID).unwrap(),
            email: Email::parse("Ada@Example.com").unwrap(),
            first_name: first_name.to_owned(),
            last_name: "Lovelace".to_owned(),
            groups: Vec::new(),
            status: UserStatus::Active,
            created_at: time::OffsetDateTime::UNIX_EPOCH,
            modified_at: time::OffsetDateTime::UNIX_EPOCH,
        }
    }

    fn account() -> AccountId {
        AccountId::parse(ACCOUNT).unwrap()
    }

    fn by_uid() -> UserRef {
        UserRef::Uid(UserId::parse(UID).unwrap())
    }

    /// Reads through the cache, counting how often the store was asked.
    fn read(cache: &UserCache<User>, user: &UserRef, stored: &str, loads: &Cell<u32>) -> String {
        cache
            .get_or_load(account(), user, || {
                loads.set(loads.get() + 1);
                Ok(Some(self::user(stored)))
            })
            .unwrap()
            .unwrap()
            .first_name
    }

    #[test]
    fn a_second_read_without_writes_is_served_from_the_cache() {
        let cache = UserCache::new(Arc::new(AtomicU64::new(0)), 10);
        let loads = Cell::new(0);
        assert_eq!(read(&cache, &by_uid(), "Ada", &loads), "Ada");
        assert_eq!(read(&cache, &by_uid(), "changed", &loads), "Ada");
        assert_eq!(loads.get(), 1);
    }

    #[test]
    fn any_write_retires_every_entry() {
        let writes = Arc::new(AtomicU64::new(0));
        let cache = UserCache::new(Arc::clone(&writes), 10);
        let loads = Cell::new(0);
        read(&cache, &by_uid(), "Ada", &loads);
        writes.fetch_add(1, Ordering::Release);
        assert_eq!(read(&cache, &by_uid(), "Augusta", &loads), "Augusta");
        assert_eq!(loads.get(), 2);
        assert_eq!(read(&cache, &by_uid(), "ignored", &loads), "Augusta");
        assert_eq!(loads.get(), 2);
    }

    #[test]
    fn a_row_read_while_a_write_landed_is_not_kept() {
        let writes = Arc::new(AtomicU64::new(0));
        let cache = UserCache::new(Arc::clone(&writes), 10);
        let found = cache
            .get_or_load(account(), &by_uid(), || {
                // The writer commits and counts while this read is under way.
                writes.fetch_add(1, Ordering::Release);
                Ok(Some(user("before the write")))
            })
            .unwrap();
        assert_eq!(found.unwrap().first_name, "before the write");
        let loads = Cell::new(0);
        assert_eq!(
            read(&cache, &by_uid(), "after the write", &loads),
            "after the write"
        );
        assert_eq!(loads.get(), 1);
    }

    #[test]
    fn a_late_insert_from_an_older_generation_does_not_replace_newer_entries() {
        let writes = Arc::new(AtomicU64::new(1));
        let cache = UserCache::new(Arc::clone(&writes), 10);
        let loads = Cell::new(0);
        read(&cache, &by_uid(), "new", &loads);
        cache.keep(0, (account(), UserKey::of(&by_uid())), &user("old"));
        assert_eq!(read(&cache, &by_uid(), "ignored", &loads), "new");
        assert_eq!(loads.get(), 1);
    }

    #[test]
    fn emails_are_keyed_case_insensitively_and_apart_from_uids() {
        let cache = UserCache::new(Arc::new(AtomicU64::new(0)), 10);
        let loads = Cell::new(0);
        let lower = UserRef::Email(Email::parse("ada@example.com").unwrap());
        let upper = UserRef::Email(Email::parse("ADA@EXAMPLE.COM").unwrap());
        read(&cache, &lower, "Ada", &loads);
        read(&cache, &upper, "Ada", &loads);
        assert_eq!(loads.get(), 1);
        read(&cache, &by_uid(), "Ada", &loads);
        assert_eq!(loads.get(), 2);
    }

    #[test]
    fn accounts_do_not_share_entries() {
        let cache = UserCache::new(Arc::new(AtomicU64::new(0)), 10);
        let other = AccountId::parse("22222222-2222-4222-8222-222222222222").unwrap();
        let loads = Cell::new(0);
        read(&cache, &by_uid(), "Ada", &loads);
        let found = cache.get_or_load(other, &by_uid(), || Ok(None)).unwrap();
        assert!(found.is_none());
    }

    #[test]
    fn missing_users_are_not_kept() {
        let cache = UserCache::new(Arc::new(AtomicU64::new(0)), 10);
        let found = cache
            .get_or_load(account(), &by_uid(), || Ok(None))
            .unwrap();
        assert!(found.is_none());
        let loads = Cell::new(0);
        assert_eq!(read(&cache, &by_uid(), "Ada", &loads), "Ada");
        assert_eq!(loads.get(), 1);
    }

    #[test]
    fn a_full_cache_starts_over_and_never_grows_past_its_capacity() {
        let cache = UserCache::new(Arc::new(AtomicU64::new(0)), 3);
        for n in 0..10u32 {
            let email = UserRef::Email(Email::parse(&format!("u{n}@example.com")).unwrap());
            cache
                .get_or_load(account(), &email, || Ok(Some(user("Ada"))))
                .unwrap();
            assert!(cache.lock().users.len() <= 3);
        }
    }

    #[test]
    fn capacity_zero_always_reads_the_store() {
        let cache = UserCache::new(Arc::new(AtomicU64::new(0)), 0);
        let loads = Cell::new(0);
        read(&cache, &by_uid(), "Ada", &loads);
        read(&cache, &by_uid(), "Ada", &loads);
        assert_eq!(loads.get(), 2);
        assert!(cache.lock().users.is_empty());
    }

    #[test]
    fn load_errors_pass_through_and_keep_nothing() {
        let cache: UserCache<User> = UserCache::new(Arc::new(AtomicU64::new(0)), 10);
        let failed = cache.get_or_load(account(), &by_uid(), || {
            Err(accountd_core::Error::Unavailable("disk".to_owned()))
        });
        assert!(failed.is_err());
        assert!(cache.lock().users.is_empty());
    }
}
