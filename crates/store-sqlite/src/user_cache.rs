//! Users read by uid or email, kept until a write changes them.
//!
//! `GET /users/{uid}` is the hottest read of the API, and on SQLite most of its time went to the
//! store: two b-tree descents and, per statement, the WAL read lock. A user served from here
//! costs a hash lookup and a reference count (the store keeps `UserJson`s that share their
//! bytes here, and the response is written from them).
//!
//! Why this is safe: every write of this process goes through the one writer thread. After each
//! batch commits, and before it answers anyone, the writer hands over the uids of every user the
//! batch changed or removed ([`UserCache::users_changed`]): the `writer` module collects them
//! with triggers, and every change to what a user's JSON shows clears its kept doc, whichever
//! statement made it (the `docs` module), so a trigger on that catches them all. Those users
//! leave the cache at once; everyone else stays.
//!
//! A read races a write when its row was read before the commit and is kept after the writer
//! already dropped that user. So each batch counts one *generation*, a read notes the generation
//! before it reads the row, and a row read at an older generation is kept only when none of the
//! batches since changed that user (the cache remembers the last [`REMEMBERED_BATCHES`]).
//!
//! Writes from another process would go unnoticed, which is why the store holds an exclusive
//! lock on its database file (the `exclusive` module).

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};

use accountd_core::Result;
use accountd_core::ids::{AccountId, UserId, UserRef};

/// Most users kept when the store is opened without limits (`SqliteOptions::default`; the
/// server passes its own, `--sqlite-user-cache`): ~20 MB at ~420 bytes a user. A full cache
/// starts over (rather than tracking recency on every hit, which would cost the hot path a
/// write).
pub const DEFAULT_CAPACITY: usize = 50_000;

/// What an entry costs beyond its value's bytes ([`Keep::size`]): its key and value in the hash
/// table at the table's load, the shared allocation's counts and the allocator's rounding.
/// Measured with 1,104,000 users (JSON ~270 bytes): ~145 bytes beyond the JSON; right after the
/// table doubles its load is halved, so the table's share is twice as large. Counted high: a
/// budget should not be passed.
pub const ENTRY_OVERHEAD: usize = 192;

/// How much the cache may hold; reaching either limit starts it over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserCacheLimits {
    /// Most users (0 turns the cache off).
    pub users: usize,
    /// Most bytes, each user counted as its value's bytes plus `ENTRY_OVERHEAD` (192): a budget
    /// that holds whatever the users' JSON weighs (a user in fifty groups is ten times one in
    /// none).
    pub bytes: usize,
}

impl UserCacheLimits {
    /// At most `users` users, whatever they weigh.
    pub const fn users(users: usize) -> Self {
        Self {
            users,
            bytes: usize::MAX,
        }
    }
}

impl Default for UserCacheLimits {
    fn default() -> Self {
        Self::users(DEFAULT_CAPACITY)
    }
}

/// Batches whose changed users a read that straddles them is checked against; a read that began
/// before all of them keeps nothing (it still answers).
const REMEMBERED_BATCHES: usize = 64;

/// What a batch of writes changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    /// Exactly these users (changed or removed).
    Users(Vec<UserId>),
    /// Unknown, or too many to name: every user may have changed.
    Everyone,
}

struct Entries<V> {
    /// Batches committed so far.
    generation: u64,
    /// By uid, with the user's account (a uid is unique across accounts).
    by_uid: HashMap<UserId, (AccountId, V)>,
    /// By account and case-folded email key, with the user's uid.
    by_email: HashMap<AccountId, HashMap<String, (UserId, V)>>,
    /// The email key each user is kept under in `by_email`, so a change to the user drops it.
    email_of: HashMap<UserId, (AccountId, String)>,
    /// Entries in `by_uid` and `by_email` together.
    len: usize,
    /// What they weigh ([`cost`]).
    bytes: usize,
    /// What the last batches changed, oldest first: the batch that made generation `g` is at
    /// `g - recent_from`.
    recent: VecDeque<Changed>,
    recent_from: u64,
}

impl<V: Keep> Entries<V> {
    /// Whether a row read at `generation` is still current for `uid`.
    fn unchanged_since(&self, generation: u64, uid: UserId) -> bool {
        if generation == self.generation {
            return true;
        }
        // Batches generation+1 ..= self.generation must all be remembered.
        if generation + 1 < self.recent_from {
            return false;
        }
        let first = usize::try_from(generation + 1 - self.recent_from).unwrap_or(usize::MAX);
        self.recent.iter().skip(first).all(|changed| match changed {
            Changed::Users(uids) => !uids.contains(&uid),
            Changed::Everyone => false,
        })
    }

    fn remove(&mut self, uid: UserId) {
        if let Some((_, value)) = self.by_uid.remove(&uid) {
            self.forget(&value);
        }
        if let Some((account, email)) = self.email_of.remove(&uid) {
            self.remove_email(account, &email);
        }
    }

    /// Drops the entry of `email` in `account`, if any.
    fn remove_email(&mut self, account: AccountId, email: &str) {
        if let Some((_, value)) = self
            .by_email
            .get_mut(&account)
            .and_then(|emails| emails.remove(email))
        {
            self.forget(&value);
        }
    }

    /// Counts one entry of `value` in.
    fn count(&mut self, value: &V) {
        self.len += 1;
        self.bytes += cost(value);
    }

    /// Counts one entry of `value` out.
    fn forget(&mut self, value: &V) {
        self.len -= 1;
        self.bytes = self.bytes.saturating_sub(cost(value));
    }

    /// Empties the cache and hands back what it held, to be dropped once the lock is released
    /// ([`drop_off_the_lock`]). The tables are replaced by empty ones of the same size: a cache
    /// that fills and starts over does not grow its tables again (each growth copies every
    /// entry under the lock).
    #[must_use = "what the cache held is dropped by `drop_off_the_lock`"]
    fn take_all(&mut self) -> Held<V> {
        let sized = HashMap::with_capacity(self.by_uid.capacity());
        let by_uid = std::mem::replace(&mut self.by_uid, sized);
        let by_email = std::mem::take(&mut self.by_email);
        let sized = HashMap::with_capacity(self.email_of.capacity());
        let email_of = std::mem::replace(&mut self.email_of, sized);
        self.len = 0;
        self.bytes = 0;
        Held {
            by_uid,
            by_email,
            email_of,
        }
    }
}

/// A cache's former entries.
struct Held<V> {
    by_uid: HashMap<UserId, (AccountId, V)>,
    by_email: HashMap<AccountId, HashMap<String, (UserId, V)>>,
    email_of: HashMap<UserId, (AccountId, String)>,
}

/// Entries whose drop is left to the caller's thread: a thread costs more than freeing this many.
const DROP_IN_PLACE: usize = 4_096;

/// Frees a cache's former entries without holding anyone up: a million users take tens of
/// milliseconds to free, which neither the readers (waiting on the lock) nor the writer (which
/// empties the cache after a large batch, before it answers) should wait for.
fn drop_off_the_lock<V: Send + 'static>(held: Held<V>) {
    let emails: usize = held.by_email.values().map(HashMap::len).sum();
    if held.by_uid.len() + emails + held.email_of.len() <= DROP_IN_PLACE {
        return;
    }
    // If no thread can be started, `spawn` drops the closure, and with it the entries, here.
    let _ = std::thread::Builder::new()
        .name("user-cache-free".to_owned())
        .spawn(move || drop(held));
}

/// What the cache keeps: a value turned, once, into a form that is cheap to clone (every hit
/// clones it).
pub trait Keep: Clone {
    fn to_keep(self) -> Self;
    /// The bytes it holds, for the cache's byte budget.
    fn size(&self) -> usize;
}

impl Keep for accountd_core::user_json::UserJson {
    /// Shared bytes: a hit is a reference count, and the response is written from them.
    fn to_keep(self) -> Self {
        self.shared()
    }

    fn size(&self) -> usize {
        self.as_bytes().len()
    }
}

/// What one entry of `value` counts against [`UserCacheLimits::bytes`].
fn cost<V: Keep>(value: &V) -> usize {
    value.size() + ENTRY_OVERHEAD
}

/// Values `V` of users (the store keeps their JSON), by uid or by account and email.
pub struct UserCache<V> {
    limits: UserCacheLimits,
    entries: Mutex<Entries<V>>,
    /// `store_user_cache_total`, resolved once rather than looked up by name on every read.
    hits: metrics::Counter,
    misses: metrics::Counter,
    /// `store_user_cache_entries`: users held now. With `store_user_cache_restarts_total` (a
    /// full cache starting over), what an operator sizes `--sqlite-user-cache` by.
    held: metrics::Gauge,
    /// `store_user_cache_bytes`: what they weigh ([`cost`]).
    weight: metrics::Gauge,
    restarts: metrics::Counter,
}

impl<V: Keep + Send + 'static> UserCache<V> {
    /// A cache within `limits` (0 users turns it off).
    pub fn new(limits: UserCacheLimits) -> Self {
        // What `--sqlite-user-cache` (or `auto`) came to; an unbounded limit is not exported.
        metrics::gauge!("store_user_cache_capacity").set(limits.users as f64);
        if limits.bytes != usize::MAX {
            metrics::gauge!("store_user_cache_capacity_bytes").set(limits.bytes as f64);
        }
        Self {
            limits,
            entries: Mutex::new(Entries {
                generation: 0,
                by_uid: HashMap::new(),
                by_email: HashMap::new(),
                email_of: HashMap::new(),
                len: 0,
                bytes: 0,
                recent: VecDeque::with_capacity(REMEMBERED_BATCHES),
                recent_from: 1,
            }),
            hits: metrics::counter!("store_user_cache_total", "result" => "hit"),
            misses: metrics::counter!("store_user_cache_total", "result" => "miss"),
            held: metrics::gauge!("store_user_cache_entries"),
            weight: metrics::gauge!("store_user_cache_bytes"),
            restarts: metrics::counter!("store_user_cache_restarts_total"),
        }
    }

    /// The user from the cache, or from `load` (which then fills the cache). `load` answers the
    /// user's uid with the value. Users not found are not kept: a miss costs what it did
    /// without the cache.
    pub fn get_or_load(
        &self,
        account: AccountId,
        user: &UserRef,
        load: impl FnOnce() -> Result<Option<(UserId, V)>>,
    ) -> Result<Option<V>> {
        if self.limits.users == 0 {
            return Ok(load()?.map(|(_, value)| value));
        }
        // Noted before the row is read: a batch that commits while `load` runs moves it on.
        let generation = {
            let entries = self.lock();
            let found = match user {
                UserRef::Uid(uid) => entries
                    .by_uid
                    .get(uid)
                    .filter(|(owner, _)| *owner == account)
                    .map(|(_, value)| value),
                UserRef::Email(email) => entries
                    .by_email
                    .get(&account)
                    .and_then(|emails| emails.get(email.key()))
                    .map(|(_, value)| value),
            };
            if let Some(found) = found {
                self.hits.increment(1);
                return Ok(Some(found.clone()));
            }
            entries.generation
        };
        self.misses.increment(1);
        let Some((uid, value)) = load()? else {
            return Ok(None);
        };
        let value = value.to_keep();
        self.keep(generation, account, user, uid, &value);
        Ok(Some(value))
    }

    /// Called by the writer after each batch commits and before it answers: drops the users
    /// the batch changed.
    pub fn users_changed(&self, changed: Changed) {
        let mut entries = self.lock();
        let dropped = match &changed {
            Changed::Users(uids) => {
                uids.iter().for_each(|uid| entries.remove(*uid));
                None
            }
            Changed::Everyone => Some(entries.take_all()),
        };
        entries.generation += 1;
        self.held.set(entries.len as f64);
        self.weight.set(entries.bytes as f64);
        if entries.recent.len() == REMEMBERED_BATCHES {
            entries.recent.pop_front();
            entries.recent_from += 1;
        }
        entries.recent.push_back(changed);
        drop(entries);
        if let Some(dropped) = dropped {
            drop_off_the_lock(dropped);
        }
    }

    fn keep(&self, generation: u64, account: AccountId, user: &UserRef, uid: UserId, value: &V) {
        let mut entries = self.lock();
        if !entries.unchanged_since(generation, uid) {
            // Read before a batch that changed this user: possibly stale.
            return;
        }
        let weight = cost(value);
        if weight > self.limits.bytes {
            // Larger than the whole budget: never kept.
            return;
        }
        let full = entries.len >= self.limits.users
            || entries.bytes.saturating_add(weight) > self.limits.bytes;
        let dropped = full.then(|| {
            self.restarts.increment(1);
            entries.take_all()
        });
        match user {
            UserRef::Uid(_) => {
                if let Some((_, old)) = entries.by_uid.insert(uid, (account, value.clone())) {
                    entries.forget(&old);
                }
                entries.count(value);
            }
            UserRef::Email(email) => {
                let key = email.key().to_owned();
                if let Some((old_account, old_key)) =
                    entries.email_of.insert(uid, (account, key.clone()))
                {
                    // Kept before, perhaps under another email: one entry per user and email.
                    entries.remove_email(old_account, &old_key);
                }
                let emails = entries.by_email.entry(account).or_default();
                if let Some((_, old)) = emails.insert(key, (uid, value.clone())) {
                    entries.forget(&old);
                }
                entries.count(value);
            }
        }
        self.weight.set(entries.bytes as f64);
        self.held.set(entries.len as f64);
        drop(entries);
        if let Some(dropped) = dropped {
            drop_off_the_lock(dropped);
        }
    }

    /// Whether `user` of `account` is held (tests).
    #[cfg(test)]
    pub fn holds(&self, account: AccountId, user: &UserRef) -> bool {
        let entries = self.lock();
        match user {
            UserRef::Uid(uid) => entries
                .by_uid
                .get(uid)
                .is_some_and(|(owner, _)| *owner == account),
            UserRef::Email(email) => entries
                .by_email
                .get(&account)
                .is_some_and(|emails| emails.contains_key(email.key())),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Entries<V>> {
        // The maps hold plain data and no code runs under the lock that can panic midway
        // through an update, so a poisoned lock still guards consistent maps.
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use accountd_core::ids::Email;

    use super::*;

    impl Keep for String {
        fn to_keep(self) -> Self {
            self
        }

        fn size(&self) -> usize {
            self.len()
        }
    }

    const ACCOUNT: &str = "7e1f0c2a-3c44-4b8a-9a55-0c1e2f3a4b5c";
    const ADA: &str = "11111111-1111-4111-8111-111111111111";
    const GRACE: &str = "33333333-3333-4333-8333-333333333333";

    fn account() -> AccountId {
        AccountId::parse(ACCOUNT).unwrap()
    }

    fn uid(text: &str) -> UserId {
        UserId::parse(text).unwrap()
    }

    fn by_uid(text: &str) -> UserRef {
        UserRef::Uid(uid(text))
    }

    fn by_email(email: &str) -> UserRef {
        UserRef::Email(Email::parse(email).unwrap())
    }

    /// Reads `user` (whose uid is `owner`) through the cache; the store would answer `stored`.
    /// Counts how often the store was asked in `loads`.
    fn read(
        cache: &UserCache<String>,
        user: &UserRef,
        owner: &str,
        stored: &str,
        loads: &Cell<u32>,
    ) -> String {
        cache
            .get_or_load(account(), user, || {
                loads.set(loads.get() + 1);
                Ok(Some((uid(owner), stored.to_owned())))
            })
            .unwrap()
            .unwrap()
    }

    fn changed(uids: &[&str]) -> Changed {
        Changed::Users(uids.iter().map(|text| uid(text)).collect())
    }

    #[test]
    fn a_second_read_without_writes_is_served_from_the_cache() {
        let cache = UserCache::new(UserCacheLimits::users(10));
        let loads = Cell::new(0);
        assert_eq!(read(&cache, &by_uid(ADA), ADA, "Ada", &loads), "Ada");
        assert_eq!(read(&cache, &by_uid(ADA), ADA, "changed", &loads), "Ada");
        assert_eq!(loads.get(), 1);
    }

    #[test]
    fn a_batch_drops_exactly_the_users_it_changed() {
        let cache = UserCache::new(UserCacheLimits::users(10));
        let loads = Cell::new(0);
        read(&cache, &by_uid(ADA), ADA, "Ada", &loads);
        read(&cache, &by_uid(GRACE), GRACE, "Grace", &loads);
        cache.users_changed(changed(&[ADA]));
        assert_eq!(
            read(&cache, &by_uid(ADA), ADA, "Augusta", &loads),
            "Augusta"
        );
        assert_eq!(
            read(&cache, &by_uid(GRACE), GRACE, "ignored", &loads),
            "Grace"
        );
        assert_eq!(loads.get(), 3);
        // Kept again after the change.
        assert_eq!(
            read(&cache, &by_uid(ADA), ADA, "ignored", &loads),
            "Augusta"
        );
        assert_eq!(loads.get(), 3);
    }

    #[test]
    fn a_batch_of_unknown_changes_drops_everyone() {
        let cache = UserCache::new(UserCacheLimits::users(10));
        let loads = Cell::new(0);
        read(&cache, &by_uid(ADA), ADA, "Ada", &loads);
        read(
            &cache,
            &by_email("grace@example.com"),
            GRACE,
            "Grace",
            &loads,
        );
        cache.users_changed(Changed::Everyone);
        assert_eq!(
            read(&cache, &by_uid(ADA), ADA, "Augusta", &loads),
            "Augusta"
        );
        assert_eq!(
            read(
                &cache,
                &by_email("grace@example.com"),
                GRACE,
                "Hopper",
                &loads
            ),
            "Hopper"
        );
        assert_eq!(loads.get(), 4);
    }

    #[test]
    fn a_change_to_a_user_drops_it_under_its_email_too() {
        let cache = UserCache::new(UserCacheLimits::users(10));
        let loads = Cell::new(0);
        read(&cache, &by_email("ada@example.com"), ADA, "Ada", &loads);
        read(
            &cache,
            &by_email("grace@example.com"),
            GRACE,
            "Grace",
            &loads,
        );
        cache.users_changed(changed(&[ADA]));
        assert_eq!(
            read(&cache, &by_email("ADA@example.com"), ADA, "Augusta", &loads),
            "Augusta"
        );
        assert_eq!(
            read(
                &cache,
                &by_email("grace@example.com"),
                GRACE,
                "ignored",
                &loads
            ),
            "Grace"
        );
        assert_eq!(loads.get(), 3);
        assert_eq!(cache.lock().len, 2);
    }

    #[test]
    fn a_user_found_under_a_new_email_leaves_its_old_one() {
        let cache = UserCache::new(UserCacheLimits::users(10));
        let loads = Cell::new(0);
        read(&cache, &by_email("ada@example.com"), ADA, "Ada", &loads);
        // Say the change was missed: a second email finding the same user replaces the first.
        read(
            &cache,
            &by_email("augusta@example.com"),
            ADA,
            "Augusta",
            &loads,
        );
        let entries = cache.lock();
        assert_eq!(entries.len, 1);
        assert!(!entries.by_email[&account()].contains_key("ada@example.com"));
    }

    #[test]
    fn a_row_read_while_a_batch_changed_that_user_is_not_kept() {
        let cache = UserCache::new(UserCacheLimits::users(10));
        let found = cache
            .get_or_load(account(), &by_uid(ADA), || {
                // The writer commits and hands over its changes while this read is under way.
                cache.users_changed(changed(&[ADA]));
                Ok(Some((uid(ADA), "before the write".to_owned())))
            })
            .unwrap();
        assert_eq!(found.as_deref(), Some("before the write"));
        let loads = Cell::new(0);
        assert_eq!(
            read(&cache, &by_uid(ADA), ADA, "after the write", &loads),
            "after the write"
        );
        assert_eq!(loads.get(), 1);
    }

    #[test]
    fn a_row_read_while_a_batch_changed_someone_else_is_kept() {
        let cache = UserCache::new(UserCacheLimits::users(10));
        cache
            .get_or_load(account(), &by_uid(ADA), || {
                cache.users_changed(changed(&[GRACE]));
                cache.users_changed(changed(&[]));
                Ok(Some((uid(ADA), "Ada".to_owned())))
            })
            .unwrap();
        let loads = Cell::new(0);
        assert_eq!(read(&cache, &by_uid(ADA), ADA, "ignored", &loads), "Ada");
        assert_eq!(loads.get(), 0);
    }

    #[test]
    fn a_row_read_across_more_batches_than_remembered_is_not_kept() {
        let cache = UserCache::new(UserCacheLimits::users(10));
        cache
            .get_or_load(account(), &by_uid(ADA), || {
                for _ in 0..=REMEMBERED_BATCHES {
                    cache.users_changed(changed(&[GRACE]));
                }
                Ok(Some((uid(ADA), "Ada".to_owned())))
            })
            .unwrap();
        assert!(cache.lock().by_uid.is_empty());
        // Exactly as many batches as remembered: still checked, and kept.
        cache
            .get_or_load(account(), &by_uid(ADA), || {
                for _ in 0..REMEMBERED_BATCHES {
                    cache.users_changed(changed(&[GRACE]));
                }
                Ok(Some((uid(ADA), "Ada".to_owned())))
            })
            .unwrap();
        assert_eq!(cache.lock().by_uid.len(), 1);
    }

    #[test]
    fn a_row_read_across_a_batch_of_unknown_changes_is_not_kept() {
        let cache = UserCache::new(UserCacheLimits::users(10));
        cache
            .get_or_load(account(), &by_uid(ADA), || {
                cache.users_changed(Changed::Everyone);
                Ok(Some((uid(ADA), "Ada".to_owned())))
            })
            .unwrap();
        assert!(cache.lock().by_uid.is_empty());
    }

    #[test]
    fn emails_are_keyed_case_insensitively_and_apart_from_uids() {
        let cache = UserCache::new(UserCacheLimits::users(10));
        let loads = Cell::new(0);
        read(&cache, &by_email("ada@example.com"), ADA, "Ada", &loads);
        read(&cache, &by_email("ADA@EXAMPLE.COM"), ADA, "Ada", &loads);
        assert_eq!(loads.get(), 1);
        read(&cache, &by_uid(ADA), ADA, "Ada", &loads);
        assert_eq!(loads.get(), 2);
    }

    #[test]
    fn accounts_do_not_share_entries() {
        let cache = UserCache::new(UserCacheLimits::users(10));
        let other = AccountId::parse("22222222-2222-4222-8222-222222222222").unwrap();
        let loads = Cell::new(0);
        read(&cache, &by_uid(ADA), ADA, "Ada", &loads);
        read(&cache, &by_email("ada@example.com"), ADA, "Ada", &loads);
        for user in [by_uid(ADA), by_email("ada@example.com")] {
            let found = cache.get_or_load(other, &user, || Ok(None)).unwrap();
            assert!(found.is_none(), "{user:?}");
        }
    }

    #[test]
    fn missing_users_are_not_kept() {
        let cache = UserCache::new(UserCacheLimits::users(10));
        let found = cache
            .get_or_load(account(), &by_uid(ADA), || Ok(None))
            .unwrap();
        assert!(found.is_none());
        let loads = Cell::new(0);
        assert_eq!(read(&cache, &by_uid(ADA), ADA, "Ada", &loads), "Ada");
        assert_eq!(loads.get(), 1);
    }

    #[test]
    fn a_full_cache_starts_over_and_never_grows_past_its_capacity() {
        let cache = UserCache::new(UserCacheLimits::users(3));
        let loads = Cell::new(0);
        for n in 0..10u32 {
            let owner = format!("11111111-1111-4111-8111-{n:012}");
            read(&cache, &by_uid(&owner), &owner, "Ada", &loads);
            read(
                &cache,
                &by_email(&format!("u{n}@example.com")),
                &owner,
                "Ada",
                &loads,
            );
            assert!(cache.lock().len <= 3);
        }
    }

    #[test]
    fn capacity_zero_always_reads_the_store() {
        let cache = UserCache::new(UserCacheLimits::users(0));
        let loads = Cell::new(0);
        read(&cache, &by_uid(ADA), ADA, "Ada", &loads);
        read(&cache, &by_uid(ADA), ADA, "Ada", &loads);
        assert_eq!(loads.get(), 2);
        assert!(cache.lock().by_uid.is_empty());
    }

    #[test]
    fn load_errors_pass_through_and_keep_nothing() {
        let cache: UserCache<String> = UserCache::new(UserCacheLimits::users(10));
        let failed = cache.get_or_load(account(), &by_uid(ADA), || {
            Err(accountd_core::Error::Unavailable("disk".to_owned()))
        });
        assert!(failed.is_err());
        assert!(cache.lock().by_uid.is_empty());
    }

    impl Keep for std::sync::Arc<str> {
        fn to_keep(self) -> Self {
            self
        }

        fn size(&self) -> usize {
            self.len()
        }
    }

    /// Whether every clone of `probe` but the caller's is dropped within a few seconds.
    fn freed(probe: &std::sync::Arc<str>) -> bool {
        for _ in 0..500 {
            if std::sync::Arc::strong_count(probe) == 1 {
                return true;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        false
    }

    /// More users than a thread costs: emptied at once, freed off the lock (by another thread),
    /// and the cache in use again right away.
    #[test]
    fn a_large_cache_is_emptied_at_once_and_freed_off_the_lock() {
        let users = DROP_IN_PLACE + 10;
        let cache: UserCache<std::sync::Arc<str>> =
            UserCache::new(UserCacheLimits::users(users * 2));
        let probe: std::sync::Arc<str> = std::sync::Arc::from("kept");
        let uids: Vec<UserId> = (0..users).map(|_| UserId::generate()).collect();
        for uid in &uids {
            let value = probe.clone();
            cache
                .get_or_load(account(), &UserRef::Uid(*uid), || Ok(Some((*uid, value))))
                .unwrap();
        }
        assert_eq!(std::sync::Arc::strong_count(&probe), users + 1);
        cache.users_changed(Changed::Everyone);
        assert!(cache.lock().by_uid.is_empty());
        assert_eq!(cache.lock().len, 0);
        // The tables keep their size for the users read next.
        assert!(cache.lock().by_uid.capacity() >= users);
        assert!(freed(&probe), "the old entries were never freed");
        let loads = Cell::new(0);
        read_arc(&cache, uids[0], &loads);
        read_arc(&cache, uids[0], &loads);
        assert_eq!(loads.get(), 1, "kept again after the clear");
    }

    /// A full cache that starts over frees what it held the same way.
    #[test]
    fn a_full_cache_frees_what_it_held_when_it_starts_over() {
        let capacity = DROP_IN_PLACE + 10;
        let cache: UserCache<std::sync::Arc<str>> =
            UserCache::new(UserCacheLimits::users(capacity));
        let probe: std::sync::Arc<str> = std::sync::Arc::from("kept");
        for _ in 0..capacity {
            let uid = UserId::generate();
            let value = probe.clone();
            cache
                .get_or_load(account(), &UserRef::Uid(uid), || Ok(Some((uid, value))))
                .unwrap();
        }
        let loads = Cell::new(0);
        let newcomer = UserId::generate();
        read_arc(&cache, newcomer, &loads);
        assert_eq!(cache.lock().len, 1, "started over with the newcomer");
        assert!(freed(&probe), "the old entries were never freed");
    }

    fn read_arc(cache: &UserCache<std::sync::Arc<str>>, uid: UserId, loads: &Cell<u32>) {
        cache
            .get_or_load(account(), &UserRef::Uid(uid), || {
                loads.set(loads.get() + 1);
                Ok(Some((uid, std::sync::Arc::from("fresh"))))
            })
            .unwrap();
    }

    /// A cache of `values` bytes of 100-byte values (and their overhead) at most, of any number of users.
    fn weighing(values: usize) -> UserCache<String> {
        UserCache::new(UserCacheLimits {
            users: 1_000,
            bytes: values * (100 + ENTRY_OVERHEAD),
        })
    }

    fn hundred_bytes() -> String {
        "x".repeat(100)
    }

    #[test]
    fn the_byte_budget_starts_the_cache_over_like_the_user_limit() {
        let cache = weighing(2);
        let loads = Cell::new(0);
        let value = hundred_bytes();
        read(&cache, &by_uid(ADA), ADA, &value, &loads);
        read(&cache, &by_uid(GRACE), GRACE, &value, &loads);
        assert_eq!(cache.lock().bytes, 2 * (100 + ENTRY_OVERHEAD));
        // A third does not fit: the cache starts over with it alone.
        let third = "44444444-4444-4444-8444-444444444444";
        read(&cache, &by_uid(third), third, &value, &loads);
        assert_eq!(cache.lock().len, 1);
        assert_eq!(cache.lock().bytes, 100 + ENTRY_OVERHEAD);
        assert!(cache.holds(account(), &by_uid(third)));
        assert!(!cache.holds(account(), &by_uid(ADA)));
    }

    #[test]
    fn the_weight_follows_every_entry_in_and_out() {
        let cache = weighing(10);
        let loads = Cell::new(0);
        let value = hundred_bytes();
        read(&cache, &by_uid(ADA), ADA, &value, &loads);
        read(&cache, &by_email("ada@example.com"), ADA, &value, &loads);
        read(&cache, &by_uid(GRACE), GRACE, "short", &loads);
        let full = 2 * (100 + ENTRY_OVERHEAD) + 5 + ENTRY_OVERHEAD;
        assert_eq!(cache.lock().bytes, full);
        // Ada found under another email: her old email's entry goes, the new one comes.
        read(&cache, &by_email("ada@example.org"), ADA, &value, &loads);
        assert_eq!(cache.lock().bytes, full);
        // A change to Ada drops both her entries; Grace stays.
        cache.users_changed(changed(&[ADA]));
        assert_eq!(cache.lock().bytes, 5 + ENTRY_OVERHEAD);
        cache.users_changed(Changed::Everyone);
        let entries = cache.lock();
        assert_eq!((entries.len, entries.bytes), (0, 0));
    }

    #[test]
    fn a_value_larger_than_the_whole_budget_is_never_kept() {
        let cache = weighing(1);
        let loads = Cell::new(0);
        let value = hundred_bytes();
        read(&cache, &by_uid(ADA), ADA, &value, &loads);
        let heavy = "y".repeat(200);
        assert_eq!(read(&cache, &by_uid(GRACE), GRACE, &heavy, &loads), heavy);
        read(&cache, &by_uid(GRACE), GRACE, &heavy, &loads);
        assert_eq!(
            loads.get(),
            3,
            "the heavy user is read from the store each time"
        );
        assert!(cache.holds(account(), &by_uid(ADA)), "and empties nothing");
    }
}
