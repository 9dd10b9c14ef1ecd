//! Bearer tokens come from clients: verifying any string must answer Ok or a rejection.
#![no_main]

use accountd_core::mac::MacKey;
use accountd_core::token::TokenSigner;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let signer = TokenSigner::new(MacKey::from_bytes([5; 32]));
        let _ = signer.verify(text, 1_800_000_000);
    }
});
