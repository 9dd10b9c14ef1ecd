//! The bootstrap file: any text must parse or give a located error, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = accountd_server::bootstrap::parse(std::path::Path::new("fuzz.yaml"), text);
    }
});
