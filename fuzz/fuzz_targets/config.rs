//! `topolint.toml` text → configuration, or a rendered diagnostic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = topolint::fuzzing::config(text);
    }
});
