//! Keyset pagination with opaque, tamper-evident page keys.
//!
//! A page key carries the resource it belongs to, the account, the last sort key seen, the page
//! size and any filter of the first request; it is signed with a server key stored in the
//! database, so it works on every instance sharing that database and cannot be forged or moved
//! to another account or resource.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::ids::AccountId;
use crate::mac::MacKey;
use crate::{Error, Result};

pub const DEFAULT_PAGE_SIZE: u32 = 100;
pub const MAX_PAGE_SIZE: u32 = 1000;
/// Longest page key we try to decode; anything longer is rejected before any work.
const MAX_KEY_LEN: usize = 1024;
const TAG_LEN: usize = 32;

/// Which listing a page key belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    Users,
    Groups,
    Environments,
    ServiceUsers,
    Audit,
}

/// The decoded content of a page key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    #[serde(rename = "k")]
    pub kind: PageKind,
    #[serde(rename = "a")]
    pub account: String,
    /// The sort key of the last item already returned.
    #[serde(rename = "p")]
    pub after: i64,
    #[serde(rename = "s")]
    pub page_size: u32,
    /// The filter of the listing that started the paging, if any.
    #[serde(rename = "f", default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
}

/// What a store needs to fetch one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageQuery {
    /// Return items whose sort key is greater than this (`None`: from the start).
    pub after: Option<i64>,
    pub limit: u32,
}

/// One page as a store returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Sort key of the last item, when more items follow.
    pub next_after: Option<i64>,
    /// Size of the whole (filtered) set.
    pub total: u64,
}

impl<T> Page<T> {
    /// The same page with each item mapped by `f`.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_after: self.next_after,
            total: self.total,
        }
    }
}

/// A page ready for the wire: items and the encoded key of the next page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub next_page_key: Option<String>,
    pub total: u64,
}

/// Validates a `pageSize` query value.
pub fn parse_page_size(raw: Option<&str>) -> Result<Option<u32>> {
    let Some(raw) = raw else { return Ok(None) };
    let invalid = || {
        Error::invalid(
            "pageSize",
            format!("'{raw}' is not a valid page size: use an integer from 1 to {MAX_PAGE_SIZE}"),
        )
    };
    let size: u32 = raw.parse().map_err(|_| invalid())?;
    if (1..=MAX_PAGE_SIZE).contains(&size) {
        Ok(Some(size))
    } else {
        Err(invalid())
    }
}

/// Signs and verifies page keys.
#[derive(Debug, Clone)]
pub struct PageKeys {
    key: MacKey,
}

impl PageKeys {
    pub fn new(key: MacKey) -> Self {
        Self { key }
    }

    pub fn encode(&self, cursor: &Cursor) -> String {
        let payload = serde_json::to_vec(cursor).unwrap_or_default();
        let mut signed = payload.clone();
        signed.extend_from_slice(&self.key.sign(&payload));
        URL_SAFE_NO_PAD.encode(signed)
    }

    /// Decodes a key and checks that it was issued for this kind of listing in this account.
    pub fn decode(&self, text: &str, kind: PageKind, account: AccountId) -> Result<Cursor> {
        let invalid = |why: &str| {
            Error::invalid(
                "nextPageKey",
                format!("the page key is {why}; start again from the first page"),
            )
        };
        if text.is_empty() || text.len() > MAX_KEY_LEN {
            return Err(invalid("malformed"));
        }
        let raw = URL_SAFE_NO_PAD
            .decode(text)
            .map_err(|_| invalid("malformed"))?;
        if raw.len() <= TAG_LEN {
            return Err(invalid("malformed"));
        }
        let (payload, tag) = raw.split_at(raw.len() - TAG_LEN);
        if !self.key.verify(payload, tag) {
            return Err(invalid("not valid (altered, or issued by another server)"));
        }
        let cursor: Cursor = serde_json::from_slice(payload).map_err(|_| invalid("malformed"))?;
        if cursor.kind != kind || cursor.account != account.to_string() {
            return Err(invalid("for a different listing or account"));
        }
        Ok(cursor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(byte: u8) -> PageKeys {
        PageKeys::new(MacKey::from_bytes([byte; 32]))
    }

    fn cursor(account: AccountId) -> Cursor {
        Cursor {
            kind: PageKind::Users,
            account: account.to_string(),
            after: 42,
            page_size: 7,
            filter: None,
        }
    }

    #[test]
    fn round_trips() {
        let account = AccountId::generate();
        let key = keys(1).encode(&cursor(account));
        assert_eq!(
            keys(1).decode(&key, PageKind::Users, account),
            Ok(cursor(account))
        );
    }

    #[test]
    fn rejects_tampering_foreign_keys_and_other_listings() {
        let account = AccountId::generate();
        let key = keys(1).encode(&cursor(account));
        assert!(keys(2).decode(&key, PageKind::Users, account).is_err());
        assert!(keys(1).decode(&key, PageKind::Groups, account).is_err());
        assert!(
            keys(1)
                .decode(&key, PageKind::Users, AccountId::generate())
                .is_err()
        );
        let mut tampered = key.into_bytes();
        tampered[3] = if tampered[3] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).unwrap_or_default();
        assert!(keys(1).decode(&tampered, PageKind::Users, account).is_err());
        assert!(keys(1).decode("!!!", PageKind::Users, account).is_err());
        assert!(keys(1).decode("", PageKind::Users, account).is_err());
    }

    #[test]
    fn page_sizes_are_bounded() {
        assert_eq!(parse_page_size(None), Ok(None));
        assert_eq!(parse_page_size(Some("1000")), Ok(Some(1000)));
        for bad in ["0", "1001", "", "abc", "-1", "1.5"] {
            assert!(parse_page_size(Some(bad)).is_err(), "{bad}");
        }
    }
}
