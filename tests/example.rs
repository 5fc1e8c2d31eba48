//! The example deployment (`testdata/example`) end to end: it is READY; breaking any single fact
//! in a copy of it produces exactly the rule that names that fact; `worksheet init` on its
//! topology gives a template that fails with a to-do list and passes once filled in.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

use common::{AS_OF, example_copy, root};

/// `topolint` started in `cwd`, with a clean environment.
fn topolint(cwd: &Path) -> Command {
    common::topolint(cwd, Duration::from_secs(20))
}

/// Runs `check . --as-of AS_OF --format json` plus `extra` in `dir`.
fn check_json(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let out: Output = topolint(dir)
        .args(["check", ".", "--as-of", AS_OF, "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let code = out.status.code().expect("exit code");
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (code, json)
}

fn codes(json: &Value) -> BTreeSet<String> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_example_is_ready() {
    let out = topolint(&root())
        .args([
            "check",
            "testdata/example",
            "--as-of",
            AS_OF,
            "--color",
            "never",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("Checked 1 topology and 7 worksheets in 8 files read"),
        "{stdout}"
    );
    assert!(stdout.trim_end().ends_with("READY"), "{stdout}");
    assert!(!stdout.contains("did not run"), "{stdout}");
}

/// One fact broken: (what, file, text, replacement, the one rule expected, its severity).
const BREAKS: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "backup share moved onto a Front End",
        "database.csv",
        r"UserData-pool01,2027-05-31,\\backup01.contoso.com\lync\2026-11-20",
        r"UserData-pool01,2027-05-31,\\fe01.contoso.com\backup\2026-11-20",
        "BK201",
        "error",
    ),
    (
        "backup run reusing the previous run's folder",
        "backup-runs.csv",
        r"2026-11-20,\\backup01.contoso.com\lync\2026-11-20",
        r"2026-11-20,\\backup01.contoso.com\lync\2026-11-19",
        "BK202",
        "warning",
    ),
    (
        "backup destination on a local drive",
        "settings.csv",
        r"CsLisConfiguration.zip,\\backup01.contoso.com\lync\2026-11-20",
        r"CsLisConfiguration.zip,D:\Backup\2026-11-20",
        "BK203",
        "error",
    ),
    (
        "user data row gone",
        "database.csv",
        "rtcxds,sql01.contoso.com",
        "rtcxds,sql03.contoso.com",
        "BK204",
        "error",
    ),
    (
        "Lis export not recorded",
        "settings.csv",
        "lis,sql01.contoso.com",
        "lis,sql03.contoso.com",
        "BK205",
        "error",
    ),
    (
        "file store share renamed in the worksheet",
        "file-store.csv",
        r"\\fs01.contoso.com\LyncShare",
        r"\\fs01.contoso.com\LyncShare2",
        "BK209",
        "error",
    ),
    (
        "Meeting.Active not excluded",
        "file-store.csv",
        r"LyncShare,Meeting.Active,\\backup01.contoso.com\lync\2026-11-20\filestore,2026-11-20,robocopy /MIR /XF Meeting.Active",
        r"LyncShare,,\\backup01.contoso.com\lync\2026-11-20\filestore,2026-11-20,robocopy /MIR",
        "BK210",
        "warning",
    ),
    (
        "a last backup older than the limit",
        "settings.csv",
        r"CsConfiguration.zip,\\backup01.contoso.com\lync\2026-11-20,2026-11-20",
        r"CsConfiguration.zip,\\backup01.contoso.com\lync\2026-11-20,2026-11-10",
        "BK212",
        "error",
    ),
    (
        "a backup set about to expire",
        "database.csv",
        "LcsLog-full,2027-05-31",
        "LcsLog-full,2026-12-01",
        "BK213",
        "warning",
    ),
    (
        "a replacement marked none",
        "servers.csv",
        "fe02.contoso.com,Front End,ready",
        "fe02.contoso.com,Front End,none",
        "RS301",
        "error",
    ),
    (
        "an instance name changed",
        "sql-instances.csv",
        "sql02.contoso.com,monitoring",
        "sql02.contoso.com,archive",
        "RS302",
        "error",
    ),
    (
        "a certificate without a recoverable key",
        "certificates.csv",
        r"yes,\\backup01.contoso.com\certs\fe03.pfx,yes",
        "no,,no",
        "RS303",
        "error",
    ),
    (
        "a certificate about to expire",
        "certificates.csv",
        "Edge internal,,2027-10-31",
        "Edge internal,,2026-12-10",
        "RS304",
        "warning",
    ),
    (
        "an unsupported SQL Server release",
        "sql-instances.csv",
        "sql02.contoso.com,monitoring,SQL Server 2012 SP4",
        "sql02.contoso.com,monitoring,SQL Server 2014",
        "RS305",
        "error",
    ),
    (
        "a computer account not kept",
        "servers.csv",
        "fs01.contoso.com,File server,ready,yes",
        "fs01.contoso.com,File server,ready,no",
        "RS306",
        "error",
    ),
    (
        "a witness removed",
        "sql-instances.csv",
        r"sql04.contoso.com\witness,7022",
        ",",
        "HA401",
        "warning",
    ),
    (
        "the witness on the mirror's host (in the mirror's own instance, which has its row)",
        "sql-instances.csv",
        r"sql04.contoso.com\witness,7022",
        r"sql03.contoso.com\rtc,7022",
        "HA402",
        "error",
    ),
    (
        "the mirror's servers row gone",
        "servers.csv",
        "sql03.contoso.com,SQL Back End (mirror),ready,yes,\n",
        "",
        "RS301",
        "error",
    ),
    (
        "the witness's servers row gone",
        "servers.csv",
        "sql04.contoso.com,SQL mirroring witness,planned,yes,\n",
        "",
        "RS301",
        "error",
    ),
    (
        "the mirror's replacement not recorded",
        "servers.csv",
        "sql03.contoso.com,SQL Back End (mirror),ready,",
        "sql03.contoso.com,SQL Back End (mirror),,",
        "RS301",
        "error",
    ),
    (
        "the witness's computer account not recorded",
        "servers.csv",
        "sql04.contoso.com,SQL mirroring witness,planned,yes",
        "sql04.contoso.com,SQL mirroring witness,planned,",
        "RS306",
        "error",
    ),
    (
        "the mirror's sql-instances row gone",
        "sql-instances.csv",
        "sql03.contoso.com,rtc,SQL Server 2012 SP4,Enterprise,,5022,,,mirror of sql01.contoso.com\\rtc\n",
        "",
        "RS302",
        "error",
    ),
    (
        "the witness's sql-instances row gone",
        "sql-instances.csv",
        "sql04.contoso.com,witness,SQL Server 2012 SP4,Standard,,,,,mirroring witness\n",
        "",
        "RS302",
        "error",
    ),
    (
        "the mirror's instance name not recorded",
        "sql-instances.csv",
        "sql03.contoso.com,rtc,",
        "sql03.contoso.com,,",
        "RS302",
        "error",
    ),
    (
        "an Edge Server's external certificate gone",
        "certificates.csv",
        "edge02.contoso.com,Edge external,,2027-09-30,yes,\\\\backup01.contoso.com\\certs\\edge-external.pfx,no,public CA; same certificate on edge01\n",
        "",
        "RS303",
        "error",
    ),
    (
        "mirror and principal on different releases",
        "sql-instances.csv",
        "sql03.contoso.com,rtc,SQL Server 2012 SP4",
        "sql03.contoso.com,rtc,SQL Server 2008 R2",
        "HA404",
        "error",
    ),
];

#[test]
fn breaking_one_fact_fires_exactly_the_rule_that_names_it() {
    let mut failures = Vec::new();
    for (what, file, from, to, code, severity) in BREAKS {
        let dir = example_copy(&[]);
        let path = dir.path().join(file);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{what}: {file} lacks {from:?}");
        fs::write(&path, text.replacen(from, to, 1)).unwrap();
        let (exit, json) = check_json(dir.path(), &[]);
        let got = codes(&json);
        let expected_exit = i32::from(*severity == "error");
        let findings = json["findings"].as_array().unwrap();
        if got != BTreeSet::from([(*code).to_string()]) || exit != expected_exit {
            failures.push(format!(
                "{what}: expected only {code} (exit {expected_exit}), got {got:?} (exit {exit})"
            ));
            continue;
        }
        if findings.iter().any(|f| f["severity"] != *severity) {
            failures.push(format!("{what}: expected severity {severity}"));
        }
        // An error is a deployment not ready for a restore; a warning leaves it ready.
        let verdict = if *severity == "error" {
            "not-ready"
        } else {
            "ready"
        };
        if json["verdict"] != verdict {
            failures.push(format!(
                "{what}: expected verdict {verdict}, got {}",
                json["verdict"]
            ));
        }
        // The finding points into a file and names what it is about.
        for f in findings {
            if f["location"].is_null() || f["entity"].as_str().unwrap_or("").is_empty() {
                failures.push(format!("{what}: {f} lacks a location or an entity"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_finding_joining_two_files_shows_both() {
    let dir = example_copy(&[]);
    let path = dir.path().join("database.csv");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        text.replacen(
            r"UserData-pool01,2027-05-31,\\backup01.contoso.com\lync\2026-11-20",
            r"UserData-pool01,2027-05-31,\\fe01.contoso.com\backup",
            1,
        ),
    )
    .unwrap();
    let (_, json) = check_json(dir.path(), &[]);
    let finding = &json["findings"][0];
    assert_eq!(finding["location"]["path"], "database.csv");
    assert_eq!(finding["location"]["line"], 2);
    assert_eq!(finding["related"][0]["path"], "topology.xml");
    let out = topolint(dir.path())
        .args(["check", ".", "--as-of", AS_OF, "--color", "never"])
        .output()
        .unwrap();
    let human = String::from_utf8_lossy(&out.stdout);
    assert!(human.contains("[database.csv:2:"), "{human}");
    assert!(human.contains("[topology.xml:"), "{human}");
    assert!(human.contains("NOT READY FOR RESTORE"), "{human}");
}

#[test]
fn as_of_decides_what_is_stale() {
    let dir = example_copy(&[]);
    let (exit, json) = check_json(dir.path(), &[]);
    assert_eq!((exit, json["as_of"].as_str()), (0, Some(AS_OF)));
    let out = topolint(dir.path())
        .args(["check", ".", "--as-of", "2026-12-05", "--format", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(codes(&json).contains("BK212"), "{:?}", codes(&json));
    let out = topolint(dir.path())
        .args(["check", ".", "--as-of", "21/11/2026"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("YYYY-MM-DD"));
}

#[test]
fn options_come_from_topolint_toml() {
    let dir = example_copy(&[]);
    fs::write(
        dir.path().join("topolint.toml"),
        "[options]\nmax-backup-age-days = 30\n",
    )
    .unwrap();
    let out = topolint(dir.path())
        .args(["check", ".", "--as-of", "2026-12-05", "--format", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!codes(&json).contains("BK212"), "{:?}", codes(&json));
    fs::write(
        dir.path().join("topolint.toml"),
        "[options]\nmax-backup-age = 30\n",
    )
    .unwrap();
    let out = topolint(dir.path()).args(["check", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("unknown field `max-backup-age`"),
        "{stderr}"
    );
    assert!(stderr.contains("topolint.toml:2:1"), "{stderr}");
}

/// Fills every blank cell a template leaves with a plausible answer.
fn fill(kind_file: &str, text: &str) -> String {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    let header = records.remove(0);
    for record in &mut records {
        let is_edge = record.iter().any(|c| c == "Edge");
        for (i, cell) in record.iter_mut().enumerate() {
            if !cell.is_empty() {
                continue;
            }
            *cell = match (kind_file, header[i].as_str()) {
                (_, "Backup schedule") => "daily".into(),
                (_, "Backup destination" | "Backup location") => {
                    r"\\backup01.contoso.com\lync\2026-11-20".into()
                }
                (_, "Database backup tool") => "SQL Server backup".into(),
                (_, "Configuration file name") => "export.zip".into(),
                (_, "Last backup") => "2026-11-20".into(),
                (_, "Replacement server") => "ready".into(),
                (_, "Computer account retained") => if is_edge { "n/a" } else { "yes" }.into(),
                (_, "SQL Server version") => "2012".into(),
                (_, "Edition") => "Enterprise".into(),
                (_, "Certificate") => "Default".into(),
                (_, "Expires") => "2027-10-31".into(),
                (_, "Private key exportable" | "Re-enroll from internal CA") => "yes".into(),
                _ => String::new(),
            };
        }
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&header).unwrap();
    for record in &records {
        writer.write_record(record).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

#[test]
fn a_fresh_template_lists_what_to_do_and_a_filled_one_passes() {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(
        root().join("testdata/example/topology.xml"),
        dir.path().join("topology.xml"),
    )
    .unwrap();
    let out = topolint(dir.path())
        .args(["worksheet", "init", "topology.xml", "--out", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let said = String::from_utf8_lossy(&out.stdout);
    // Eight servers with roles, and the mirror and the witness, which hold no store.
    assert!(said.contains("wrote servers.csv (10 rows)"), "{said}");
    assert!(said.contains("wrote sql-instances.csv (4 rows)"), "{said}");
    // Two certificates for each Edge Server, one for each Front End Server.
    assert!(said.contains("wrote certificates.csv (7 rows)"), "{said}");

    // Fresh: a precise to-do list, and not ready.
    let (exit, json) = check_json(dir.path(), &[]);
    assert_eq!(exit, 1);
    assert_eq!(
        codes(&json),
        BTreeSet::from(["BK211", "BK215", "RS301", "RS303", "RS306"].map(str::to_string))
    );
    assert_eq!(json["verdict"], "not-ready");

    // Init refuses to overwrite without --force.
    let out = topolint(dir.path())
        .args(["worksheet", "init", "topology.xml", "--out", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));

    // Filled in: ready.
    for entry in fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "csv") {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let text = fs::read_to_string(&path).unwrap();
            fs::write(&path, fill(&name, &text)).unwrap();
        }
    }
    let (exit, json) = check_json(dir.path(), &[]);
    assert_eq!((exit, codes(&json)), (0, BTreeSet::new()), "{json}");
    assert_eq!(json["verdict"], "ready");
}

#[test]
fn worksheets_are_read_in_utf16_with_bom() {
    let dir = example_copy(&[]);
    let path = dir.path().join("servers.csv");
    let text = fs::read_to_string(&path).unwrap();
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text
        .replace(
            "fe02.contoso.com,Front End,ready",
            "fe02.contoso.com,Front End,none",
        )
        .encode_utf16()
    {
        bytes.extend(unit.to_le_bytes());
    }
    fs::write(&path, bytes).unwrap();
    let (_, json) = check_json(dir.path(), &[]);
    assert_eq!(codes(&json), BTreeSet::from(["RS301".to_string()]));
    let f = &json["findings"][0];
    assert_eq!(f["location"]["path"], "servers.csv");
    assert_eq!(
        (
            f["location"]["line"].as_u64(),
            f["location"]["column"].as_u64()
        ),
        (Some(3), Some(28))
    );
}

#[test]
fn inspect_lists_the_worksheets() {
    let out = topolint(&root())
        .args(["inspect", "testdata/example", "--format", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<&str> = json["worksheets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "backup-runs",
            "certificates",
            "database",
            "file-store",
            "servers",
            "settings",
            "sql-instances"
        ]
    );
    assert_eq!(json["worksheets"][2]["rows"], 4);
}
