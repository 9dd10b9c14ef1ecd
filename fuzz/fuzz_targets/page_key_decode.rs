//! Page keys come from clients: decoding any string must answer Ok or a 400, never panic.
#![no_main]

use accountd_core::ids::AccountId;
use accountd_core::mac::MacKey;
use accountd_core::page::{PageKeys, PageKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let keys = PageKeys::new(MacKey::from_bytes([3; 32]));
        if let Some(account) = AccountId::parse("6a2d1f1e-3c44-4b8a-9a55-0c1e2f3a4b5c") {
            let _ = keys.decode(text, PageKind::Users, account);
        }
    }
});
