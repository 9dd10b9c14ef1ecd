//! Identifier newtypes, so a user id can never be passed where a group id is expected.

use std::fmt;

use uuid::Uuid;

use crate::{Error, Result};

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Uuid);

        impl $name {
            pub fn generate() -> Self {
                Self(Uuid::new_v4())
            }

            pub fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// Parses the canonical hyphenated form (case-insensitive).
            pub fn parse(text: &str) -> Option<Self> {
                if text.len() != 36 {
                    return None;
                }
                Uuid::try_parse(text).ok().map(Self)
            }

            pub fn as_uuid(&self) -> &Uuid {
                &self.0
            }

            /// The canonical text (lowercase, hyphenated), formatted on the stack.
            pub fn text(&self) -> UuidText {
                UuidText::of(&self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }
    };
}

/// A uuid's canonical text without an allocation: the stores bind ids as text, a point lookup
/// binds two, and `to_string` allocated and went through the formatting machinery for each.
#[derive(Clone, Copy)]
pub struct UuidText([u8; uuid::fmt::Hyphenated::LENGTH]);

impl UuidText {
    pub fn of(uuid: &Uuid) -> Self {
        let mut text = [0; uuid::fmt::Hyphenated::LENGTH];
        uuid.hyphenated().encode_lower(&mut text);
        Self(text)
    }

    pub fn as_str(&self) -> &str {
        // `encode_lower` writes ASCII hex digits and hyphens only, so this never fails.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Debug for UuidText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

uuid_id!(
    /// A Dynatrace account (`accountUuid`).
    AccountId
);
uuid_id!(
    /// A user's `uid`.
    UserId
);
uuid_id!(
    /// A group's `groupId`.
    GroupId
);

/// An environment (tenant) id such as `abc12345`: lowercase letters, digits and `-`, 1 to 64 chars.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EnvironmentId(String);

impl EnvironmentId {
    pub fn parse(text: &str) -> Result<Self> {
        let valid = !text.is_empty()
            && text.len() <= 64
            && text
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if valid {
            Ok(Self(text.to_owned()))
        } else {
            Err(Error::invalid(
                "id",
                format!(
                    "'{text}' is not a valid environment id (1 to 64 lowercase letters, digits or '-')"
                ),
            ))
        }
    }

    /// A random id in Dynatrace's tenant-id style: 8 lowercase letters and digits.
    pub fn generate() -> Self {
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        let bytes = crate::secret::random_bytes::<8>();
        let id = bytes
            .iter()
            .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
            .collect();
        Self(id)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EnvironmentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An email address as the user typed it, compared case-insensitively through [`Email::key`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email {
    address: String,
    /// The case-folded address, `None` when that is the address itself (most addresses are
    /// typed in lower case, and every user read from the store builds one of these).
    folded: Option<String>,
}

/// The case-folded `text`, or `None` when folding leaves it as it is.
fn fold(text: &str) -> Option<String> {
    if text.is_ascii() {
        return text
            .bytes()
            .any(|b| b.is_ascii_uppercase())
            .then(|| text.to_ascii_lowercase());
    }
    let folded = text.to_lowercase();
    (folded != text).then_some(folded)
}

impl Email {
    /// Validates an address in the practical subset of RFC 5321 that mail systems accept:
    /// `local@domain`, no spaces or control characters, a dotted domain of valid labels.
    pub fn parse(text: &str) -> Result<Self> {
        let bad = |why: &str| {
            Err(Error::invalid(
                "email",
                format!("'{text}' is not a valid email address: {why}"),
            ))
        };
        if text.len() > 254 {
            return bad("longer than 254 characters");
        }
        let Some((local, domain)) = text.rsplit_once('@') else {
            return bad("it has no '@'");
        };
        if local.is_empty() || local.len() > 64 {
            return bad("the part before '@' must be 1 to 64 characters");
        }
        if local.contains('@') {
            return bad("it has more than one '@'");
        }
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return bad("it contains whitespace or control characters");
        }
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            return bad("the part before '@' has a misplaced '.'");
        }
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2 {
            return bad("the domain must contain a '.'");
        }
        let label_ok = |label: &&str| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        };
        if !labels.iter().all(label_ok) {
            return bad("the domain is not a valid host name");
        }
        Ok(Self {
            address: text.to_owned(),
            folded: fold(text),
        })
    }

    /// An address read back from the store, which validated it when it was written: only the
    /// case-folded key is computed (full validation per row was a visible part of a listing's
    /// time). `None` when it is not even `local@domain`: the database was changed outside accountd.
    pub fn from_stored(text: &str) -> Option<Self> {
        let (local, domain) = text.rsplit_once('@')?;
        (!local.is_empty() && !domain.is_empty()).then(|| Self {
            address: text.to_owned(),
            folded: fold(text),
        })
    }

    /// The address as given.
    pub fn as_str(&self) -> &str {
        &self.address
    }

    /// The case-folded form that uniqueness and lookups use.
    pub fn key(&self) -> &str {
        self.folded.as_deref().unwrap_or(&self.address)
    }

    /// The address as given, without a copy (responses move it out).
    pub fn into_address(self) -> String {
        self.address
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.address)
    }
}

/// How a user is addressed in a path: `{userId}` is a uid or an email address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserRef {
    Uid(UserId),
    Email(Email),
}

impl UserRef {
    /// `None` when the text is neither a uid nor an email: such a user cannot exist (a 404).
    pub fn parse(text: &str) -> Option<Self> {
        if let Some(uid) = UserId::parse(text) {
            return Some(Self::Uid(uid));
        }
        Email::parse(text).ok().map(Self::Email)
    }
}

impl fmt::Display for UserRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Uid(uid) => uid.fmt(f),
            Self::Email(email) => email.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_text_is_the_display_form() {
        for _ in 0..100 {
            let uid = UserId::generate();
            assert_eq!(uid.text().as_str(), uid.to_string());
        }
        let parsed = AccountId::parse("7E1F0C2A-3C44-4B8A-9A55-0C1E2F3A4B5C").unwrap();
        assert_eq!(
            parsed.text().as_str(),
            "7e1f0c2a-3c44-4b8a-9a55-0c1e2f3a4b5c"
        );
    }

    #[test]
    fn emails_accept_common_forms_and_reject_broken_ones() {
        for ok in ["a@b.co", "Ada.Lovelace+x@Example.COM", "x_y@sub.domain.io"] {
            assert!(Email::parse(ok).is_ok(), "{ok} should be valid");
        }
        for bad in [
            "",
            "plain",
            "a@b",
            "@b.co",
            "a@@b.co",
            "a b@c.de",
            "a@-b.co",
            "a..b@c.de",
            "a@b..co",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be invalid");
        }
        assert_eq!(
            Email::parse("Ada@Example.com").map(|e| e.key().to_owned()),
            Ok("ada@example.com".to_owned())
        );
    }

    #[test]
    fn email_keys_fold_case_and_keep_the_address_as_typed() {
        for (typed, key) in [
            ("ada@example.com", "ada@example.com"),
            ("Ada@Example.COM", "ada@example.com"),
            ("jürgen@example.de", "jürgen@example.de"),
            ("JÜRGEN@Example.de", "jürgen@example.de"),
        ] {
            for email in [
                Email::parse(typed).unwrap(),
                Email::from_stored(typed).unwrap(),
            ] {
                assert_eq!((email.as_str(), email.key()), (typed, key));
            }
        }
        assert_eq!(
            Email::parse("Ada@Example.com").unwrap(),
            Email::from_stored("Ada@Example.com").unwrap()
        );
        assert_ne!(
            Email::parse("Ada@Example.com").unwrap(),
            Email::parse("ada@example.com").unwrap()
        );
    }

    #[test]
    fn user_refs_are_uids_or_emails() {
        let uid = UserId::generate();
        assert_eq!(UserRef::parse(&uid.to_string()), Some(UserRef::Uid(uid)));
        assert!(matches!(UserRef::parse("a@b.co"), Some(UserRef::Email(_))));
        assert_eq!(UserRef::parse("not-an-id"), None);
    }

    #[test]
    fn environment_ids_are_validated() {
        assert!(EnvironmentId::parse("abc12345").is_ok());
        assert!(EnvironmentId::parse("ABC").is_err());
        assert!(EnvironmentId::parse("").is_err());
        assert_eq!(EnvironmentId::generate().as_str().len(), 8);
    }
}
