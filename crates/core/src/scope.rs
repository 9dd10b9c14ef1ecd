//! OAuth scopes of the Account Management API.

use std::fmt;

/// One scope. The names are Dynatrace's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// `account-idm-read`: reads of users, groups, memberships, permissions, service users.
    IdmRead,
    /// `account-idm-write`: writes of the same.
    IdmWrite,
    /// `account-env-read`: environments.
    EnvRead,
    /// `account-env-write`: environment settings and tenant-scoped permission writes.
    EnvWrite,
}

impl Scope {
    pub const ALL: [Scope; 4] = [
        Scope::IdmRead,
        Scope::IdmWrite,
        Scope::EnvRead,
        Scope::EnvWrite,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::IdmRead => "account-idm-read",
            Scope::IdmWrite => "account-idm-write",
            Scope::EnvRead => "account-env-read",
            Scope::EnvWrite => "account-env-write",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of scopes, as held by a client or granted to a token.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ScopeSet(u8);

impl ScopeSet {
    pub fn all() -> Self {
        Scope::ALL.into_iter().collect()
    }

    pub fn contains(self, scope: Scope) -> bool {
        self.0 & scope.bit() != 0
    }

    pub fn is_subset_of(self, other: ScopeSet) -> bool {
        self.0 & !other.0 == 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Scope> {
        Scope::ALL.into_iter().filter(move |s| self.contains(*s))
    }

    /// Parses a space-separated list (RFC 6749 §3.3). Unknown names are returned as the error.
    pub fn parse_space_separated(text: &str) -> Result<Self, String> {
        text.split(' ')
            .filter(|s| !s.is_empty())
            .map(|s| Scope::parse(s).ok_or_else(|| s.to_owned()))
            .collect()
    }

    /// The space-separated form, in a fixed order.
    pub fn to_space_separated(self) -> String {
        self.iter().map(Scope::as_str).collect::<Vec<_>>().join(" ")
    }
}

impl FromIterator<Scope> for ScopeSet {
    fn from_iter<I: IntoIterator<Item = Scope>>(iter: I) -> Self {
        Self(iter.into_iter().fold(0, |acc, s| acc | s.bit()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_sets_round_trip_through_text() {
        let set = ScopeSet::parse_space_separated("account-env-read  account-idm-read");
        assert_eq!(
            set,
            Ok([Scope::IdmRead, Scope::EnvRead].into_iter().collect())
        );
        let text = set.map(ScopeSet::to_space_separated);
        assert_eq!(text.as_deref(), Ok("account-idm-read account-env-read"));
        assert_eq!(
            ScopeSet::parse_space_separated("account-idm-read bogus"),
            Err("bogus".to_owned())
        );
        assert!(
            ScopeSet::parse_space_separated("account-idm-read")
                .is_ok_and(|s| s.is_subset_of(ScopeSet::all()))
        );
    }
}
