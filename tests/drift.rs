//! Drift since the backup, end to end through the binary: `check --backup-topology` (and the
//! `[options] backup-topology` key) against variants of the example deployment built in
//! temporary folders, `inspect --diff`, and a tree of several deployments checked in one run.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

use common::{AS_OF, root};

/// `topolint` started in `cwd`, with a clean environment.
fn topolint(cwd: &Path) -> Command {
    common::topolint(cwd, Duration::from_secs(20))
}

fn example_topology() -> String {
    fs::read_to_string(root().join("testdata/example/topology.xml")).unwrap()
}

/// Copies the example deployment into `dir`.
fn copy_example(dir: &Path) {
    fs::create_dir_all(dir).unwrap();
    for entry in fs::read_dir(root().join("testdata/example")).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
}

/// A folder holding `deploy/` (a copy of the example, its topology edited) and
/// `backups/2026-11-20/topology.xml` (the example topology as exported with the backup).
fn variant(edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_example(&dir.path().join("deploy"));
    let now = edit(&example_topology());
    fs::write(dir.path().join("deploy/topology.xml"), now).unwrap();
    let backups = dir.path().join("backups/2026-11-20");
    fs::create_dir_all(&backups).unwrap();
    fs::write(backups.join("topology.xml"), example_topology()).unwrap();
    dir
}

const BACKUP: &str = "backups/2026-11-20/topology.xml";

fn output_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: stdout {}\nstderr {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// `check deploy --backup-topology BACKUP --format json` in `dir`.
fn check_drift(dir: &Path) -> (i32, Value) {
    let out = topolint(dir)
        .args(["check", "deploy", "--backup-topology", BACKUP])
        .args(["--as-of", AS_OF, "--format", "json"])
        .output()
        .unwrap();
    (out.status.code().expect("exit code"), output_json(&out))
}

fn dr_findings(json: &Value) -> Vec<&Value> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"].as_str().unwrap().starts_with("DR"))
        .collect()
}

fn dr_codes(json: &Value) -> BTreeSet<String> {
    dr_findings(json)
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

/// Asserts that the only DR rule firing is `code`, and that each of its findings points at
/// the current topology with the backup-time one as a related location.
fn assert_only(json: &Value, code: &str) -> Vec<Value> {
    assert_eq!(
        dr_codes(json),
        BTreeSet::from([code.to_string()]),
        "{json:#}"
    );
    let findings: Vec<Value> = dr_findings(json).into_iter().cloned().collect();
    for f in &findings {
        assert_eq!(f["location"]["path"], "deploy/topology.xml", "{f:#}");
        let related: Vec<&str> = f["related"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["path"].as_str().unwrap())
            .collect();
        assert!(related.contains(&BACKUP), "{f:#}");
    }
    findings
}

#[test]
fn an_identical_backup_topology_gives_no_drift_finding() {
    let dir = variant(ToString::to_string);
    let (code, json) = check_drift(dir.path());
    assert!(dr_codes(&json).is_empty(), "{json:#}");
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["verdict"], "ready");
    assert_eq!(json["backup_topology"], BACKUP);
    assert_eq!(
        json["summary"]["topologies"], 1,
        "the backup is no deployment"
    );
}

#[test]
fn an_identical_backup_topology_is_said_to_be_identical() {
    let dir = variant(ToString::to_string);
    let out = topolint(dir.path())
        .args(["check", "deploy", "--backup-topology", BACKUP])
        .args(["--as-of", AS_OF, "--color", "never"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "Compared with the backup-time topology backups/2026-11-20/topology.xml: identical to today's, so nothing changed since the backup."
        ),
        "{text}"
    );
}

#[test]
fn the_deployments_own_topology_as_backup_topology_is_a_usage_error() {
    let dir = variant(ToString::to_string);
    // Named as the input and as the backup; met by the walk of its folder; and through a
    // symbolic link to it.
    let mut cases = vec![
        vec![
            "deploy/topology.xml",
            "--backup-topology",
            "deploy/topology.xml",
        ],
        vec!["deploy", "--backup-topology", "deploy/topology.xml"],
        vec![
            "deploy",
            "--backup-topology",
            "./deploy/../deploy/topology.xml",
        ],
    ];
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            dir.path().join("deploy/topology.xml"),
            dir.path().join("link.xml"),
        )
        .unwrap();
        cases.push(vec!["deploy", "--backup-topology", "link.xml"]);
    }
    for args in cases {
        let out = topolint(dir.path())
            .args(["check", "--as-of", AS_OF])
            .args(&args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("--backup-topology"), "{args:?}: {stderr}");
        assert!(
            stderr.contains("the topology of the deployment being checked")
                || stderr.contains("the deployment's own topology file (`deploy/topology.xml`)"),
            "{args:?}: {stderr}"
        );
        assert!(out.stdout.is_empty(), "{args:?}: no report is written");
    }
}

#[test]
fn a_renamed_machine_is_dr501() {
    let dir = variant(|t| t.replace("fe03.contoso.com", "fe04.contoso.com"));
    let (code, json) = check_drift(dir.path());
    let findings = assert_only(&json, "DR501");
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["entity"], "fe03.contoso.com");
    assert_eq!(code, 1);
}

#[test]
fn a_renamed_share_is_dr502() {
    let dir = variant(|t| t.replace("ShareName=\"LyncShare\"", "ShareName=\"LyncShare2\""));
    let (_, json) = check_drift(dir.path());
    let findings = assert_only(&json, "DR502");
    assert_eq!(findings[0]["entity"], "\\\\fs01.contoso.com\\LyncShare");
}

#[test]
fn an_instance_recreated_under_another_name_is_dr503() {
    let dir = variant(|t| t.replace("Name=\"monitoring\"", "Name=\"mon2\""));
    let (_, json) = check_drift(dir.path());
    let findings = assert_only(&json, "DR503");
    assert_eq!(findings.len(), 1, "one finding for the instance");
    assert_eq!(findings[0]["entity"], "sql02.contoso.com\\monitoring");
}

/// The example with the Central Management store moved to sql02\monitoring.
fn cms_moved(t: &str) -> String {
    let cms = "<ServiceId SiteId=\"1\" RoleName=\"CentralMgmtStore\" Instance=\"1\" />\n      <DependsOn />\n      <InstalledOn>\n        <SqlInstanceId Name=\"rtc\">\n          <ClusterId SiteId=\"1\" Number=\"2\" />";
    assert!(t.contains(cms));
    t.replacen(
        cms,
        &cms.replace("Name=\"rtc\"", "Name=\"monitoring\"")
            .replace("Number=\"2\"", "Number=\"3\""),
        1,
    )
}

#[test]
fn a_moved_central_management_store_is_dr504() {
    let dir = variant(cms_moved);
    let (_, json) = check_drift(dir.path());
    let findings = assert_only(&json, "DR504");
    assert_eq!(findings[0]["entity"], "sql01.contoso.com\\rtc");
}

/// The example with a Director pool added.
fn pool_added(t: &str) -> String {
    t.replacen(
        "  </Clusters>",
        "    <Cluster RequiresReplication=\"true\" RequiresSetup=\"true\" Fqdn=\"dir01.contoso.com\">\n      <ClusterId SiteId=\"1\" Number=\"9\" />\n      <Machine OrdinalInCluster=\"1\" Fqdn=\"dir01.contoso.com\" />\n    </Cluster>\n  </Clusters>",
        1,
    )
}

#[test]
fn an_added_pool_is_dr505() {
    let dir = variant(pool_added);
    let (_, json) = check_drift(dir.path());
    let findings = assert_only(&json, "DR505");
    assert_eq!(findings[0]["entity"], "dir01.contoso.com");
    assert_eq!(findings[0]["severity"], "warning");
}

#[test]
fn fingerprints_do_not_depend_on_the_backup_folder() {
    let fingerprint = |backup_dir: &str| {
        let dir = variant(|t| t.replace("fe03.contoso.com", "fe04.contoso.com"));
        let to = dir.path().join(backup_dir);
        fs::create_dir_all(&to).unwrap();
        fs::write(to.join("topology.xml"), example_topology()).unwrap();
        let out = topolint(dir.path())
            .args(["check", "deploy", "--select", "DR", "--format", "json"])
            .args(["--backup-topology", &format!("{backup_dir}/topology.xml")])
            .output()
            .unwrap();
        output_json(&out)["findings"][0]["fingerprint"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        fingerprint("backups/2026-11-21"),
        fingerprint("old/2026-10-01")
    );
}

#[test]
fn the_backup_topology_may_be_utf16_or_a_topology_builder_file() {
    let dir = variant(ToString::to_string);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(
        example_topology()
            .replace('\n', "\r\n")
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    fs::write(dir.path().join(BACKUP), utf16).unwrap();
    let (code, json) = check_drift(dir.path());
    assert!(dr_codes(&json).is_empty(), "{json:#}");
    assert_eq!(code, 0);

    // The same deployment in both document forms: no drift between them.
    let dialects = root().join("testdata/inputs/dialects");
    let out = topolint(&dialects)
        .args([
            "check",
            "published.xml",
            "--select",
            "DR",
            "--format",
            "json",
        ])
        .args(["--backup-topology", "builder.tbxml"])
        .output()
        .unwrap();
    let json = output_json(&out);
    assert_eq!(json["backup_topology"], "builder.tbxml");
    assert!(dr_codes(&json).is_empty(), "{json:#}");
}

#[test]
fn problems_of_the_backup_topology_are_findings_in_it() {
    let dir = variant(ToString::to_string);
    fs::write(
        dir.path().join(BACKUP),
        "<Topology xmlns=\"x\"><Clusters></Topology>",
    )
    .unwrap();
    let (code, json) = check_drift(dir.path());
    assert_eq!(code, 1);
    let findings = json["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["code"] == "IN003" && f["location"]["path"] == BACKUP),
        "{json:#}"
    );
}

#[test]
fn a_missing_backup_topology_is_a_usage_error() {
    let dir = variant(ToString::to_string);
    let out = topolint(dir.path())
        .args(["check", "deploy", "--backup-topology", "nowhere.xml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nowhere.xml"));
}

#[test]
fn a_backup_topology_inside_the_walked_folder_is_not_a_deployment() {
    let dir = tempfile::tempdir().unwrap();
    copy_example(dir.path());
    fs::write(dir.path().join("backup-topology.xml"), example_topology()).unwrap();
    let out = topolint(dir.path())
        .args(["check", ".", "--backup-topology", "backup-topology.xml"])
        .args(["--as-of", AS_OF, "--format", "json"])
        .output()
        .unwrap();
    let json = output_json(&out);
    assert_eq!(out.status.code(), Some(0), "{json:#}");
    assert_eq!(json["summary"]["topologies"], 1);
    assert_eq!(json["deployments"].as_array().unwrap().len(), 1);
}

#[test]
fn the_config_file_names_the_backup_topology_relative_to_itself() {
    let dir = variant(|t| t.replace("fe03.contoso.com", "fe04.contoso.com"));
    fs::write(
        dir.path().join("topolint.toml"),
        format!("[options]\nbackup-topology = \"{BACKUP}\"\n"),
    )
    .unwrap();
    // Run from inside the deployment: the path still resolves against the config's folder.
    let out = topolint(&dir.path().join("deploy"))
        .args(["check", ".", "--as-of", AS_OF, "--format", "json"])
        .output()
        .unwrap();
    let json = output_json(&out);
    assert_eq!(dr_codes(&json), BTreeSet::from(["DR501".to_string()]));

    fs::write(
        dir.path().join("topolint.toml"),
        "[options]\nbackup-topology = \"backups/missing.xml\"\n",
    )
    .unwrap();
    let out = topolint(dir.path())
        .args(["check", "deploy", "--color", "never"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("backup-topology `backups/missing.xml` is not a file")
            && stderr.contains("topolint.toml:2:"),
        "{stderr}"
    );
}

/// Three deployment folders: `east` complete, `lab` a topology alone, `west` with a stale
/// backup (an error).
fn three_deployments() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_example(&dir.path().join("east"));
    fs::create_dir_all(dir.path().join("lab")).unwrap();
    fs::write(dir.path().join("lab/topology.xml"), example_topology()).unwrap();
    copy_example(&dir.path().join("west"));
    let database = dir.path().join("west/database.csv");
    let text = fs::read_to_string(&database).unwrap();
    assert!(text.contains("2026-11-20"));
    fs::write(&database, text.replace("2026-11-20", "2026-10-01")).unwrap();
    dir
}

#[test]
fn a_tree_of_deployments_is_checked_in_one_run() {
    let dir = three_deployments();
    let out = topolint(dir.path())
        .args(["check", ".", "--as-of", AS_OF, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json = output_json(&out);
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["summary"]["topologies"], 3);
    let deployments = json["deployments"].as_array().unwrap();
    let rows: Vec<(String, String, bool)> = deployments
        .iter()
        .map(|d| {
            (
                d["topology"].as_str().unwrap().to_string(),
                d["verdict"].as_str().unwrap().to_string(),
                d["readiness_checked"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("east/topology.xml".into(), "ready".into(), true),
            ("lab/topology.xml".into(), "structure-only".into(), false),
            ("west/topology.xml".into(), "not-ready".into(), true),
        ]
    );
    assert_eq!(deployments[0]["errors"], 0);
    assert!(deployments[2]["errors"].as_u64().unwrap() > 0);
    // Every error of the run belongs to west.
    assert_eq!(deployments[2]["errors"], json["summary"]["errors"]);

    let out = topolint(dir.path())
        .args(["check", ".", "--as-of", AS_OF, "--color", "never"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let summary: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("Checked "))
        .collect();
    let west_errors = deployments[2]["errors"].as_u64().unwrap();
    assert!(
        summary[0].starts_with("Checked 3 topologies and 14 worksheets in 17 files read; "),
        "{text}"
    );
    assert_eq!(
        summary[1..],
        [
            "Deployments:",
            "  east/topology.xml: READY: 0 errors, 0 warnings, 0 notes",
            "  lab/topology.xml: STRUCTURE ONLY: 0 errors, 0 warnings, 0 notes; readiness not judged: no worksheets beside it",
            &format!(
                "  west/topology.xml: NOT READY FOR RESTORE: {west_errors} errors, 0 warnings, 0 notes"
            ),
            &format!("Found {west_errors} errors, 0 warnings, 0 notes."),
            "NOT READY FOR RESTORE",
        ]
    );
}

#[test]
fn a_backup_topology_with_several_deployments_is_a_usage_error() {
    let dir = three_deployments();
    fs::write(dir.path().join("backup.xml"), example_topology()).unwrap();
    let out = topolint(dir.path())
        .args([
            "check",
            ".",
            "--backup-topology",
            "backup.xml",
            "--color",
            "never",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("3 deployments were found")
            && stderr.contains("`east/topology.xml`, `lab/topology.xml`, `west/topology.xml`"),
        "{stderr}"
    );
}

/// Old and new topologies with one drift of each kind.
fn diff_pair() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("old.xml"), example_topology()).unwrap();
    let new = pool_added(&cms_moved(
        &example_topology()
            .replace("fe03.contoso.com", "fe04.contoso.com")
            .replace("ShareName=\"LyncShare\"", "ShareName=\"LyncShare2\"")
            .replace("Name=\"witness\"", "Name=\"quorum\""),
    ))
    .replace("Name=\"monitoring\"", "Name=\"mon2\"");
    fs::write(dir.path().join("new.xml"), new).unwrap();
    dir
}

fn inspect_diff(dir: &Path, format: &str, old: &str, new: &str) -> (i32, String) {
    let out = topolint(dir)
        .args(["inspect", "--format", format, "--diff", old, new])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn inspect_diff_lists_each_change_as_text() {
    let dir = diff_pair();
    let (code, text) = inspect_diff(dir.path(), "text", "old.xml", "new.xml");
    assert_eq!(code, 0);
    insta::assert_snapshot!("inspect_diff_text", text);
    let (_, same) = inspect_diff(dir.path(), "text", "old.xml", "old.xml");
    assert!(same.contains("no differences"), "{same}");
}

#[test]
fn inspect_diff_as_json() {
    let dir = diff_pair();
    let (code, text) = inspect_diff(dir.path(), "json", "old.xml", "new.xml");
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["identical"], false);
    assert_eq!(json["pools"]["added"][0]["name"], "dir01.contoso.com");
    insta::assert_json_snapshot!("inspect_diff_json", json);
}

#[test]
fn inspect_diff_refuses_what_is_not_a_topology() {
    let dir = diff_pair();
    fs::write(dir.path().join("sheet.csv"), "Date,Backup share\n").unwrap();
    let out = topolint(dir.path())
        .args(["inspect", "--diff", "old.xml", "sheet.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`sheet.csv` cannot be compared"));
}

/// The real exports, when `../shared/corpus/real` is there: each compared with a copy of
/// itself shows no drift; two versions of one lab show the gateway pool added between them.
#[test]
#[allow(clippy::print_stderr, reason = "a skipped test says so")]
fn real_exports_compared_with_themselves_and_with_an_earlier_version() {
    let corpus = root().join("../shared/corpus/real");
    if !corpus.is_dir() {
        eprintln!(
            "skipping: ../shared/corpus/real not found (looked for {})",
            corpus.display()
        );
        return;
    }
    let mut files: Vec<String> = fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".xml") || n.ends_with(".tbxml"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let backups = tempfile::tempdir().unwrap();
    for file in &files {
        // The export kept with the last backup is another file with the same content: the
        // deployment's own file named as its backup is a usage error.
        let backup = backups.path().join(file);
        fs::copy(corpus.join(file), &backup).unwrap();
        let out = topolint(&corpus)
            .args(["check", file, "--backup-topology"])
            .arg(&backup)
            .args(["--select", "DR", "--format", "json"])
            .output()
            .unwrap();
        let json = output_json(&out);
        assert!(dr_codes(&json).is_empty(), "{file}: {json:#}");
        let (code, text) = inspect_diff(&corpus, "text", file, file);
        assert_eq!(code, 0);
        assert!(text.contains("no differences"), "{file}: {text}");
    }
    let (old, new) = ("ibenbouzid-v3-3a075c1.xml", "ibenbouzid-v3-latest.xml");
    if corpus.join(old).is_file() && corpus.join(new).is_file() {
        let out = topolint(&corpus)
            .args(["check", new, "--backup-topology", old])
            .args(["--select", "DR", "--format", "json"])
            .output()
            .unwrap();
        let json = output_json(&out);
        let found: Vec<(&str, &str)> = dr_findings(&json)
            .iter()
            .map(|f| (f["code"].as_str().unwrap(), f["entity"].as_str().unwrap()))
            .collect();
        assert_eq!(found, [("DR505", "sbc1.contoso.com")]);
    }
}
