//! Secrets: generated with high entropy, stored as SHA-256 digests, compared in constant time.
//!
//! A fast hash is right here because every secret we verify is machine-generated with at least
//! 128 bits of entropy (or declared by an operator in a bootstrap file for tests); a slow password
//! hash would only cost latency on the hot token endpoint.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A secret value. `Debug` and `Display` never print it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself; call only where it must leave the process (shown once to its owner).
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn digest(&self) -> SecretDigest {
        SecretDigest(Sha256::digest(self.0.as_bytes()).into())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// The SHA-256 digest of a secret: what is stored.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SecretDigest(pub [u8; 32]);

impl SecretDigest {
    /// Constant-time comparison with a presented secret.
    pub fn matches(&self, presented: &Secret) -> bool {
        bool::from(self.0.ct_eq(&presented.digest().0))
    }

    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        <[u8; 32]>::try_from(bytes).ok().map(Self)
    }
}

impl fmt::Debug for SecretDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretDigest(..)")
    }
}

/// Cryptographically secure random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // The OS RNG failing is unrecoverable and astronomically rare; a zeroed key would be a
    // silent security hole, so refuse to continue.
    if let Err(err) = getrandom::fill(&mut bytes) {
        tracing::error!(%err, "the operating system's random number generator failed");
        std::process::abort();
    }
    bytes
}

/// Random bytes, base64url-encoded without padding.
pub fn random_token<const N: usize>() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<N>())
}

/// Random uppercase letters and digits, the alphabet of Dynatrace client ids and secrets.
pub fn random_upper_alnum(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    // 32 symbols: each byte's low 5 bits index without bias.
    let mut out = String::with_capacity(len);
    while out.len() < len {
        for b in random_bytes::<32>() {
            if out.len() == len {
                break;
            }
            out.push(char::from(ALPHABET[usize::from(b & 31)]));
        }
    }
    out
}

/// Constant-time equality of two strings of possibly different length (compares their digests).
pub fn constant_time_str_eq(a: &str, b: &str) -> bool {
    Secret::new(a).digest().matches(&Secret::new(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_matches_only_the_same_secret() {
        let digest = Secret::new("dt0s02.A.B").digest();
        assert!(digest.matches(&Secret::new("dt0s02.A.B")));
        assert!(!digest.matches(&Secret::new("dt0s02.A.C")));
    }

    #[test]
    fn debug_never_shows_the_secret() {
        assert_eq!(
            format!("{:?}", Secret::new("hunter2")),
            "Secret(<redacted>)"
        );
    }

    #[test]
    fn generated_strings_have_the_requested_shape() {
        let s = random_upper_alnum(64);
        assert_eq!(s.len(), 64);
        assert!(
            s.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        );
        assert_ne!(random_upper_alnum(24), random_upper_alnum(24));
    }
}
