//! Bytes → decoded text → both XML readers, which must agree (the same tree or the same error).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(disagreement) = topolint::fuzzing::xml(data) {
        panic!("{disagreement}");
    }
});
