//! Bytes → ZIP archive (central directory, member names, DocItemSet.xml inflated within its cap)
//! → the topology inside.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = topolint::fuzzing::archive(data);
});
