//! Bytes as an Excel workbook beside the example topology → the whole `check` pipeline, every
//! output format, `inspect` and the restore plans.
#![no_main]

use libfuzzer_sys::fuzz_target;

const TOPOLOGY: &[u8] = include_bytes!("../../testdata/example/topology.xml");

fuzz_target!(|data: &[u8]| {
    let _ = topolint::fuzzing::check(&[("topology.xml", TOPOLOGY), ("worksheets.xlsx", data)]);
});
