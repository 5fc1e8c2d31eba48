//! A topology and worksheets (split at `topolint::fuzzing::SEPARATOR`) → every rule → every
//! output format and `inspect`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parts = topolint::fuzzing::split(data);
    let files: Vec<(&str, &[u8])> = parts.iter().map(|(n, b)| (n.as_str(), *b)).collect();
    let _ = topolint::fuzzing::check(&files);
});
