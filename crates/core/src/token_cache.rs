//! Verified access tokens, remembered until they expire, so the hot path skips the signature
//! check and the claims parse for a token it has already seen. Revocation is not affected: the
//! caller still checks that the token's client exists on every request.

use std::collections::HashMap;
use std::sync::RwLock;

use crate::token::VerifiedToken;

/// Most tokens remembered; past this, expired entries are dropped, and if that is not enough the
/// cache starts over (a miss only costs one signature check).
const CAPACITY: usize = 16_384;

#[derive(Debug, Default)]
pub struct TokenCache {
    entries: RwLock<HashMap<Box<str>, VerifiedToken>>,
}

impl TokenCache {
    /// The cached verification of `token`, if it has not expired at `now` (Unix seconds).
    pub fn get(&self, token: &str, now: i64) -> Option<VerifiedToken> {
        let entries = self
            .entries
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.get(token).filter(|v| v.expires_at > now).cloned()
    }

    pub fn insert(&self, token: &str, verified: VerifiedToken, now: i64) {
        let mut entries = self
            .entries
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if entries.len() >= CAPACITY {
            entries.retain(|_, v| v.expires_at > now);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(token.into(), verified);
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

    #[test]
    fn entries_expire_and_capacity_is_bounded() {
        let cache = TokenCache::default();
        cache.insert("t", verified(10), 0);
        assert!(cache.get("t", 9).is_some());
        assert!(cache.get("t", 10).is_none());
        for n in 0..CAPACITY + 10 {
            cache.insert(&format!("t{n}"), verified(100), 50);
        }
        let len = cache.entries.read().map(|e| e.len()).unwrap_or(0);
        assert!(len <= CAPACITY);
    }
}
