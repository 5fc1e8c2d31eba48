//! Bytes → decoded text → XML tree → topology model.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = topolint::fuzzing::topology(data);
});
