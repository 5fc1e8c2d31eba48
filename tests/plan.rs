//! `topolint plan` end to end: one plan per restore scenario pinned as a snapshot, and the exit
//! codes (0 ready, 1 a prerequisite blocked, 2 an unknown target).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use std::fs;
use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;

use common::{AS_OF, root};

/// `topolint` started in `cwd`, with a clean environment.
fn topolint(cwd: &Path) -> Command {
    common::topolint(cwd, Duration::from_secs(20))
}

const EXAMPLE: &str = "testdata/example";
const MIXED: &str = "testdata/plan/mixed";

/// Runs `plan` for `failed` over `dir` (relative to `cwd`): exit code, stdout, stderr.
fn plan(cwd: &Path, dir: &str, failed: &[&str], extra: &[&str]) -> (i32, String, String) {
    let mut cmd = topolint(cwd);
    cmd.args(["plan", dir, "--as-of", AS_OF]);
    for f in failed {
        cmd.args(["--failed", f]);
    }
    let out = cmd.args(extra).output().unwrap();
    (
        out.status.code().expect("exit code"),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// One plan per scenario: (snapshot name, deployment, what failed).
const SCENARIOS: &[(&str, &str, &[&str])] = &[
    ("central_management", EXAMPLE, &["sql01.contoso.com"]),
    ("mirrored_mirror", EXAMPLE, &["sql03.contoso.com"]),
    ("monitoring_archiving", EXAMPLE, &["sql02.contoso.com"]),
    ("file_store", EXAMPLE, &["fs01.contoso.com"]),
    ("member_server_edge", EXAMPLE, &["edge01.contoso.com"]),
    ("pool", EXAMPLE, &["pool01.contoso.com"]),
    ("standard_edition", MIXED, &["se01.contoso.com"]),
    ("mirrored_primary", MIXED, &["sql21.contoso.com"]),
    (
        "back_end_primary_and_mirror",
        MIXED,
        &["sql21.contoso.com", "sql22.contoso.com"],
    ),
    ("persistent_chat", MIXED, &["sql31.contoso.com"]),
    (
        "archiving_database",
        MIXED,
        &["ArchivingStore:sql41.contoso.com"],
    ),
];

#[test]
fn one_plan_per_scenario() {
    for (name, dir, failed) in SCENARIOS {
        let (code, stdout, stderr) = plan(&root(), dir, failed, &[]);
        assert_eq!(code, 0, "{name}: {stdout}{stderr}");
        assert!(
            stdout.trim_end().ends_with("to confirm by hand"),
            "{name}: {stdout}"
        );
        insta::assert_snapshot!(*name, stdout);
    }
}

#[test]
fn markdown_and_json_hold_the_same_plan() {
    let failed = ["sql21.contoso.com"];
    let (code, markdown, _) = plan(&root(), MIXED, &failed, &["--format", "markdown"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("mirrored_primary_markdown", markdown);
    let (code, json, _) = plan(&root(), MIXED, &failed, &["--format", "json"]);
    assert_eq!(code, 0);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["schema_version"], 1);
    assert_eq!(value["blocked"], false);
    assert_eq!(value["sections"][0]["scenario"], "mirrored-primary");
    insta::assert_json_snapshot!("mirrored_primary_json", value);
}

/// Copies the example deployment with one text replaced.
fn example_with(file: &str, from: &str, to: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(root().join(EXAMPLE)).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    let path = dir.path().join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} lacks {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
    dir
}

#[test]
fn a_blocked_prerequisite_names_its_finding_and_exits_1() {
    let dir = example_with(
        "servers.csv",
        "fe02.contoso.com,Front End,ready",
        "fe02.contoso.com,Front End,none",
    );
    let (code, stdout, _) = plan(dir.path(), ".", &["fe02.contoso.com"], &[]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("[BLOCKED]  server with the same FQDN: fe02.contoso.com"),
        "{stdout}"
    );
    assert!(
        stdout.contains("- RS301 error: fe02.contoso.com has no replacement server"),
        "{stdout}"
    );
    assert!(
        stdout.trim_end().starts_with("Restore plan")
            && stdout.contains("BLOCKED: 1 prerequisite is blocked"),
        "{stdout}"
    );

    // A backup the steps need that no row records.
    let dir = example_with(
        "database.csv",
        "rtcxds,sql01.contoso.com",
        "rtcxds,sql03.contoso.com",
    );
    let (code, stdout, _) = plan(
        dir.path(),
        ".",
        &["sql01.contoso.com"],
        &["--format", "json"],
    );
    assert_eq!(code, 1, "{stdout}");
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let blocked: Vec<&serde_json::Value> = value["prerequisites"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["status"] == "blocked")
        .collect();
    assert_eq!(blocked.len(), 1, "{stdout}");
    assert_eq!(blocked[0]["check"], "backup-artefact");
    assert_eq!(blocked[0]["findings"][0]["code"], "BK204");
    // The command still names the pool, and says the file is not recorded.
    assert!(
        stdout.contains("Import-CsUserData -PoolFqdn 'pool01.contoso.com' -FileName '<no user data export (Export-CsUserData) recorded>'"),
        "{stdout}"
    );
}

#[test]
fn an_unknown_target_exits_2_with_close_names() {
    let (code, stdout, stderr) = plan(&root(), EXAMPLE, &["fe04.contoso.com"], &[]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(
        stderr
            .contains("`--failed fe04.contoso.com` names nothing in testdata/example/topology.xml"),
        "{stderr}"
    );
    assert!(
        stderr
            .contains("did you mean `fe01.contoso.com`, `fe02.contoso.com` or `fe03.contoso.com`?"),
        "{stderr}"
    );
    let (code, _, stderr) = plan(&root(), EXAMPLE, &[], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--failed"), "{stderr}");
}

#[test]
fn a_deployment_without_worksheets_blocks_every_recorded_prerequisite() {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(
        root().join(EXAMPLE).join("topology.xml"),
        dir.path().join("topology.xml"),
    )
    .unwrap();
    let (code, stdout, _) = plan(dir.path(), ".", &["fe01.contoso.com"], &[]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("no worksheets beside the topology record it"),
        "{stdout}"
    );
}

#[test]
fn an_exempted_finding_blocks_nothing() {
    let dir = example_with(
        "servers.csv",
        "fe02.contoso.com,Front End,ready",
        "fe02.contoso.com,Front End,none",
    );
    fs::write(
        dir.path().join("topolint.toml"),
        "[[exemptions]]\nrule = \"RS301\"\nentity = \"fe02.contoso.com\"\nreason = \"spare hardware is ordered on failure\"\nexpires = 2027-03-31\n",
    )
    .unwrap();
    let (code, stdout, stderr) = plan(dir.path(), ".", &["fe02.contoso.com"], &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("[ok]       server with the same FQDN: fe02.contoso.com"),
        "{stdout}"
    );
}
