//! HMAC-SHA256 with a server key, shared by page keys and access tokens.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// A 256-bit server key. Kept in the database so every instance sharing it agrees.
#[derive(Clone)]
pub struct MacKey([u8; 32]);

impl MacKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    pub fn sign(&self, data: &[u8]) -> [u8; 32] {
        self.mac(data).finalize().into_bytes().into()
    }

    /// Constant-time check of a signature over `data`.
    pub fn verify(&self, data: &[u8], signature: &[u8]) -> bool {
        self.mac(data).verify_slice(signature).is_ok()
    }

    fn mac(&self, data: &[u8]) -> Hmac<Sha256> {
        // HMAC accepts keys of any length, so this cannot fail for a 32-byte key.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(data);
        mac
    }
}

impl std::fmt::Debug for MacKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MacKey(<redacted>)")
    }
}
