//! Verified access tokens, remembered until they expire, so the hot path skips the signature
//! check and, for up to [`REVALIDATE_MS`], the store lookups that prove the token's client and
//! account still exist.
//!
//! Revocation stays prompt: deleting a client or an account, or changing an account's rate
//! limit, through this process bumps a generation that invalidates every remembered check at
//! once; another instance on the same database notices within [`REVALIDATE_MS`].

use std::collections::HashMap;
use std::collections::hash_map::{DefaultHasher, RandomState};
use std::hash::{BuildHasher, Hasher};
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::authz::Principal;
use crate::token::VerifiedToken;

/// Most tokens remembered; past this, expired entries are dropped, and if that is not enough the
/// cache starts over (a miss only costs one signature check and two lookups).
const CAPACITY: usize = 16_384;
/// How long a successful check of a token's client and account is trusted.
pub const REVALIDATE_MS: i64 = 1_000;

#[derive(Debug, Clone)]
struct Entry {
    token: VerifiedToken,
    principal: Principal,
    checked_at_ms: i64,
    generation: u64,
}

#[derive(Debug, Default)]
pub struct TokenCache {
    entries: RwLock<HashMap<Box<str>, Entry, TailHashing>>,
    generation: AtomicU64,
}

/// What the cache knows about a token.
pub enum Cached {
    /// Verified and recently checked against the store: use as is.
    Fresh(Principal),
    /// Signature verified earlier; the store must be asked again.
    Verified(VerifiedToken),
    Unknown,
}

/// Bytes of a token's end that are hashed.
const HASHED_TAIL: usize = 32;

/// Hashes (with the standard keyed SipHash) only the last [`HASHED_TAIL`] bytes of each string.
///
/// A token ends in its HMAC signature, which nobody without the server key can predict, so its
/// tail spreads tokens as well as the whole would; hashing all of a ~370-byte token cost about a
/// twelfth of an authenticated `GET /users/{uid}`'s instructions (docs/benchmarks.md). Lookups
/// still compare whole tokens, and only tokens this server signed are ever inserted, so callers
/// cannot fill a bucket with strings of their choosing.
#[derive(Debug, Default, Clone)]
struct TailHashing(RandomState);

impl BuildHasher for TailHashing {
    type Hasher = TailHasher;

    fn build_hasher(&self) -> TailHasher {
        TailHasher(self.0.build_hasher())
    }
}

struct TailHasher(DefaultHasher);

impl Hasher for TailHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0
            .write(&bytes[bytes.len().saturating_sub(HASHED_TAIL)..]);
    }

    fn write_u8(&mut self, byte: u8) {
        self.0.write_u8(byte);
    }

    fn finish(&self) -> u64 {
        self.0.finish()
    }
}

impl TokenCache {
    /// `now_ms`: Unix milliseconds.
    pub fn get(&self, token: &str, now_ms: i64) -> Cached {
        let entries = self
            .entries
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let Some(entry) = entries.get(token) else {
            return Cached::Unknown;
        };
        if entry.token.expires_at * 1000 <= now_ms {
            return Cached::Unknown;
        }
        let fresh = now_ms - entry.checked_at_ms < REVALIDATE_MS
            && entry.generation == self.generation.load(Ordering::Acquire);
        if fresh {
            Cached::Fresh(entry.principal.clone())
        } else {
            Cached::Verified(entry.token.clone())
        }
    }

    pub fn insert(&self, token: &str, verified: VerifiedToken, principal: Principal, now_ms: i64) {
        let generation = self.generation.load(Ordering::Acquire);
        let mut entries = self
            .entries
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if entries.len() >= CAPACITY {
            entries.retain(|_, e| e.token.expires_at * 1000 > now_ms);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(
            token.into(),
            Entry {
                token: verified,
                principal,
                checked_at_ms: now_ms,
                generation,
            },
        );
    }

    /// Forgets every remembered store check (a client or account was deleted or changed).
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::AccountId;
    use crate::scope::ScopeSet;

    fn verified(expires_at: i64) -> VerifiedToken {
        VerifiedToken {
            client_id: "c".into(),
            account: AccountId::generate(),
            scopes: ScopeSet::all(),
            expires_at,
        }
    }

    fn principal(token: &VerifiedToken) -> Principal {
        Principal {
            client_id: token.client_id.clone(),
            account: token.account,
            scopes: token.scopes,
            rate_limit: None,
        }
    }

    #[test]
    fn checks_go_stale_expire_and_are_invalidated() {
        let cache = TokenCache::default();
        let token = verified(10);
        cache.insert("t", token.clone(), principal(&token), 0);
        assert!(matches!(cache.get("t", 500), Cached::Fresh(_)));
        assert!(matches!(
            cache.get("t", REVALIDATE_MS + 1),
            Cached::Verified(_)
        ));
        assert!(matches!(cache.get("t", 10_000), Cached::Unknown));
        cache.insert("t", token.clone(), principal(&token), 0);
        cache.invalidate();
        assert!(matches!(cache.get("t", 1), Cached::Verified(_)));
    }

    #[test]
    fn tokens_sharing_their_tail_are_told_apart() {
        let cache = TokenCache::default();
        let tail = "s".repeat(HASHED_TAIL * 2);
        let (first, second) = (verified(100), verified(100));
        cache.insert(&format!("a.{tail}"), first.clone(), principal(&first), 0);
        cache.insert(&format!("b.{tail}"), second.clone(), principal(&second), 0);
        let account_of = |token: &str| match cache.get(token, 1) {
            Cached::Fresh(principal) => Some(principal.account),
            _ => None,
        };
        assert_eq!(account_of(&format!("a.{tail}")), Some(first.account));
        assert_eq!(account_of(&format!("b.{tail}")), Some(second.account));
        assert_eq!(account_of(&format!("c.{tail}")), None);
        assert_eq!(account_of(&tail), None);
    }

    #[test]
    fn capacity_is_bounded() {
        let cache = TokenCache::default();
        for n in 0..CAPACITY + 10 {
            let token = verified(100);
            cache.insert(&format!("t{n}"), token.clone(), principal(&token), 50);
        }
        let len = cache.entries.read().map(|e| e.len()).unwrap_or(0);
        assert!(len <= CAPACITY);
    }
}
