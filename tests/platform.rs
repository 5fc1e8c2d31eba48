//! How paths and frames are shown: human output with `\` paths and ASCII frames (what Windows
//! with a legacy code page gets), and, through the binary, paths outside the working directory
//! in every format. `.ci/windows-smoke.sh` runs the same under Wine with Windows paths.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a failed expectation is a panic"
)]

mod common;

use std::time::Duration;

use common::{AS_OF, example_copy, run_clean, topolint};
use topolint::lint::engine::Report;
use topolint::lint::engine::{self, RuleSet};
use topolint::lint::options::Options;
use topolint::model::Workspace;
use topolint::model::date::Date;
use topolint::model::load;
use topolint::report::{concise, human};

/// The example with fe02 left without a replacement (RS301), read from memory under `folder`.
fn broken_in(folder: &str) -> (Workspace, Report) {
    let example = common::root().join("testdata/example");
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for entry in std::fs::read_dir(&example).unwrap() {
        let path = entry.unwrap().path();
        let mut bytes = std::fs::read(&path).unwrap();
        if path.ends_with("servers.csv") {
            let text = String::from_utf8(bytes).unwrap();
            bytes = text
                .replace(
                    "fe02.contoso.com,Front End,ready,",
                    "fe02.contoso.com,Front End,none,",
                )
                .into_bytes();
        }
        let name = format!("{folder}/{}", path.file_name().unwrap().to_string_lossy());
        files.push((name, bytes));
    }
    files.sort();
    let named: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let ws = load::from_memory(&named);
    let report = engine::run(
        &ws,
        &RuleSet::all(topolint::rules::REGISTRY),
        &Options::new(Date::parse(AS_OF).unwrap()),
    );
    (ws, report)
}

fn human(style: human::Style) -> String {
    let (ws, report) = broken_in("deploy/contoso");
    let mut out = Vec::new();
    human::render(&mut out, &ws, &report, style).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn legacy_code_page_output_is_ascii_with_backslash_paths() {
    let text = human(human::Style {
        color: false,
        width: 100,
        quiet: false,
        ascii: true,
        backslashes: true,
        statistics: false,
    });
    assert!(
        text.contains(r",-[deploy\contoso\servers.csv:3:28]"),
        "{text}"
    );
    assert!(text.contains("fe02.contoso.com has no replacement server"));
    assert!(text.ends_with("NOT READY FOR RESTORE\n"));
    let other: Vec<char> = text.chars().filter(|c| !c.is_ascii()).collect();
    assert!(other.is_empty(), "not ASCII: {other:?}\n{text}");
}

#[test]
fn utf8_output_keeps_unicode_frames_and_portable_paths() {
    let text = human(human::Style {
        color: false,
        width: 100,
        quiet: false,
        ascii: false,
        backslashes: false,
        statistics: false,
    });
    assert!(
        text.contains("╭─[deploy/contoso/servers.csv:3:28]"),
        "{text}"
    );
    assert!(!text.contains('\\'), "{text}");
}

#[test]
fn concise_paths_take_the_separator_typed() {
    let (ws, report) = broken_in("deploy/contoso");
    for (backslashes, path) in [
        (true, r"deploy\contoso\servers.csv:3:28: error[RS301]"),
        (false, "deploy/contoso/servers.csv:3:28: error[RS301]"),
    ] {
        let mut out = Vec::new();
        let style = human::Style {
            color: false,
            width: 100,
            quiet: true,
            ascii: false,
            backslashes,
            statistics: false,
        };
        concise::render(&mut out, &ws, &report, style).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(path), "{text}");
    }
}

/// Unix paths; `.ci/windows-smoke.sh` checks drive letters and shares the same way.
#[cfg(unix)]
#[test]
fn files_outside_the_working_directory_are_absolute_and_sarif_has_file_uris() {
    let dir = example_copy(&[(
        "servers.csv",
        "fe02.contoso.com,Front End,ready,",
        "fe02.contoso.com,Front End,none,",
    )]);
    let elsewhere = tempfile::tempdir().unwrap();
    let abs = dir
        .path()
        .join("servers.csv")
        .to_string_lossy()
        .into_owned();
    let out = run_clean(
        topolint(elsewhere.path(), Duration::from_secs(60))
            .arg("check")
            .arg(dir.path())
            .args(["--as-of", AS_OF, "--format", "concise,json,sarif"])
            .args(["--output", "-", "--output", "r.json", "--output", "r.sarif"]),
    );
    assert_eq!(out.status.code(), Some(1));
    let concise = String::from_utf8(out.stdout).unwrap();
    assert!(
        concise.contains(&format!("{abs}:3:28: error[RS301]")),
        "{concise}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(elsewhere.path().join("r.json")).unwrap()).unwrap();
    let paths: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["location"]["path"].as_str())
        .collect();
    assert!(paths.contains(&abs.as_str()), "{paths:?}");
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(elsewhere.path().join("r.sarif")).unwrap()).unwrap();
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    let want = format!("file://{abs}");
    assert!(uris.contains(&want.as_str()), "{uris:?}");

    // From the folder itself the same files are relative, in every format.
    let out = run_clean(
        topolint(dir.path(), Duration::from_secs(60))
            .args(["check", ".", "--as-of", AS_OF, "--format", "sarif"]),
    );
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let uri = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"];
    assert_eq!(uri, "servers.csv");
}
