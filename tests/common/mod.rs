//! What the end-to-end tests share: the crate root, the fixtures' date, a `topolint` command with
//! a clean environment, a run that must end cleanly, and copies of the example deployment.

#![allow(
    dead_code,
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "each test file uses part of this; a failed expectation is a panic"
)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;

/// The date fixtures are checked as of, so that their backup and expiry dates keep their meaning.
pub const AS_OF: &str = "2026-11-21";

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `topolint` started in `dir`, without `NO_COLOR`, `CI` or `COLUMNS` from the outside, and
/// stopped after `timeout` (a hang is a failure, not a stuck suite).
pub fn topolint(dir: &Path, timeout: Duration) -> Command {
    let mut cmd = Command::cargo_bin("topolint").expect("the topolint binary is built");
    cmd.env_remove("NO_COLOR")
        .env_remove("CI")
        .env_remove("COLUMNS")
        .current_dir(dir)
        .timeout(timeout);
    cmd
}

/// Runs to completion and checks it ended cleanly: exit 0, 1 or 2 (not 101, a panic), no
/// signal, no mention of a panic or an internal error.
pub fn run_clean(cmd: &mut Command) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("topolint did not finish in time: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code().unwrap_or_else(|| {
        panic!(
            "topolint was killed by a signal ({:?}); stderr:\n{stderr}",
            out.status
        )
    });
    assert!(
        (0..=2).contains(&code),
        "exit code {code} is not 0, 1 or 2 (101 is a panic); stderr:\n{stderr}"
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("internal error"),
        "topolint crashed:\n{stderr}"
    );
    out
}

/// A fresh directory holding the example deployment with (file, from, to) edits applied; each
/// `from` must be there.
pub fn example_copy(edits: &[(&str, &str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(root().join("testdata/example")).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    for (name, from, to) in edits {
        let path = dir.path().join(name);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{name} does not contain {from:?}");
        fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
    dir
}

/// An Excel workbook (a ZIP archive) with the text of one part changed.
pub fn rewrite_part(bytes: &[u8], name: &str, change: impl Fn(&str) -> String) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut found = false;
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).unwrap();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut part, &mut data).unwrap();
        let part_name = part.name().to_string();
        if part_name == name {
            let text = String::from_utf8(data).unwrap();
            let changed = change(&text);
            assert_ne!(changed, text, "{name} is unchanged");
            data = changed.into_bytes();
            found = true;
        }
        out.start_file(part_name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut out, &data).unwrap();
    }
    assert!(found, "no part {name}");
    out.finish().unwrap().into_inner()
}
