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
const SFB: &str = "testdata/plan/sfb2015";
const SE_CMS: &str = "testdata/plan/se-cms";
const PAIRED: &str = "testdata/plan/paired";

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
    // Its mirror still works: a fresh backup from it first.
    ("central_management", EXAMPLE, &["sql01.contoso.com"]),
    (
        "central_management_and_mirror",
        EXAMPLE,
        &["sql01.contoso.com", "sql03.contoso.com"],
    ),
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
    ("pool_two_front_ends", MIXED, &["pool02.contoso.com"]),
    ("standard_edition_cms", SE_CMS, &["se01.contoso.com"]),
    ("second_pool", SE_CMS, &["pool02.contoso.com"]),
    (
        "second_pool_mirror_survives",
        SE_CMS,
        &[
            "fe21.contoso.com",
            "fe22.contoso.com",
            "fe23.contoso.com",
            "sql21.contoso.com",
        ],
    ),
    ("sfb2015_pool", SFB, &["pool01.contoso.com"]),
    ("sfb2015_central_management", SFB, &["sql01.contoso.com"]),
    ("sfb2015_edge_pool", SFB, &["edgepool.contoso.com"]),
    (
        "sfb2015_monitoring",
        SFB,
        &["MonitoringStore:sql01.contoso.com"],
    ),
    // Paired pools: failed over first, failed back last.
    ("paired_pool_holding_cms", PAIRED, &["pool01.contoso.com"]),
    ("paired_pool", PAIRED, &["pool02.contoso.com"]),
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
        &["sql01.contoso.com", "sql03.contoso.com"],
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
    // The command still names the pool, and says the export is not recorded.
    assert!(
        stdout.contains("Copy-Item -Path '<no user data export (Export-CsUserData) recorded>' -Destination 'C:\\\\Restore'"),
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

#[test]
fn findings_about_other_things_are_notes_not_blockers() {
    // An unsupported SQL Server release on the instance rebuilt: an advisory, since the same
    // release ran before; and a stale backup of a store this restore does not touch.
    let dir = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(root().join(EXAMPLE)).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    let edit = |file: &str, from: &str, to: &str| {
        let path = dir.path().join(file);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} lacks {from:?}");
        fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    // The whole mirrored set on the same release: mirroring itself is consistent (HA404).
    for server in [
        "sql01.contoso.com,rtc",
        "sql03.contoso.com,rtc",
        "sql04.contoso.com,witness",
    ] {
        edit(
            "sql-instances.csv",
            &format!("{server},SQL Server 2012 SP4"),
            &format!("{server},SQL Server 2005"),
        );
    }
    edit(
        "database.csv",
        "LcsLog-full,2027-05-31,\\\\backup01.contoso.com\\lync\\2026-11-20,2026-11-20",
        "LcsLog-full,2027-05-31,\\\\backup01.contoso.com\\lync\\2026-11-20,2026-09-01",
    );
    let mut check = topolint(dir.path());
    let out = check
        .args(["check", ".", "--as-of", AS_OF, "--format", "concise"])
        .output()
        .unwrap();
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(
        report.contains("RS305") && report.contains("BK212"),
        "{report}"
    );

    let failed = ["sql01.contoso.com", "sql03.contoso.com"];
    let (code, stdout, _) = plan(dir.path(), ".", &failed, &[]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout
            .contains("[ok]       SQL Server with the same instance name: sql01.contoso.com\\rtc"),
        "{stdout}"
    );
    assert!(
        stdout.contains("- RS305 error (a note: it does not stop this restore):"),
        "{stdout}"
    );
    assert!(!stdout.contains("BK212"), "{stdout}");
    let (_, json, _) = plan(dir.path(), ".", &failed, &["--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rs305 = value["prerequisites"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["findings"].as_array().unwrap())
        .find(|f| f["code"] == "RS305")
        .expect("RS305 shown");
    assert_eq!(rs305["blocks"], false);

    // The instance name not on record stops the restore.
    edit(
        "sql-instances.csv",
        "sql01.contoso.com,rtc,SQL Server 2005",
        "sql01.contoso.com,,SQL Server 2005",
    );
    let (code, stdout, _) = plan(dir.path(), ".", &failed, &[]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("- RS302 error:"), "{stdout}");
}

#[test]
fn a_backup_is_recorded_not_present() {
    let (_, stdout, _) = plan(&root(), EXAMPLE, &["fs01.contoso.com"], &[]);
    assert!(
        stdout.contains("backup artefact recorded: \\\\fs01.contoso.com\\lyncshare"),
        "{stdout}"
    );
    assert!(!stdout.contains("present"), "{stdout}");
}
