//! Bytes → decoded text → line and column of a few offsets.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The last four bytes also choose one offset to look up, in range or not.
    let probe = data.last_chunk::<4>().map_or(0, |b| u32::from_le_bytes(*b));
    let _ = topolint::fuzzing::decode(data, probe);
});
