//! Evidence from the backup runs, end to end through the binary: a copy of the example
//! deployment beside a copy of its backup share (`--backup-share`), the backup-time topology
//! read from the run's Export-CsConfiguration archive, links out of the copy, files and folders
//! left as they were, and the usage errors of the new options.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;

use common::{AS_OF, root, run_clean};

const SHARE: &str = r"\\backup01.contoso.com\lync=share";

fn topolint(cwd: &Path) -> Command {
    common::topolint(cwd, Duration::from_secs(20))
}

/// A ZIP archive holding `members`.
fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in members {
        writer.start_file(*name, options).unwrap();
        writer.write_all(data).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// What Export-CsConfiguration writes, as far as topolint reads it: `DocItemSet.xml` with the
/// topology inside a `DocItem`'s `Data`, after another document.
fn configuration_archive(topology: &str) -> Vec<u8> {
    let doc = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<DocItemSet>\n  <DocItem Name=\"urn:xds:policy\">\n    <Data><ClientPolicies /></Data>\n  </DocItem>\n  <DocItem Name=\"urn:xds:topology\">\n    <Data>\n{}\n    </Data>\n  </DocItem>\n</DocItemSet>\n",
        topology.trim()
    );
    zip_of(&[("DocItemSet.xml", doc.as_bytes())])
}

fn example(name: &str) -> String {
    fs::read_to_string(root().join("testdata/example").join(name)).unwrap()
}

/// A folder holding `deploy/` (the example deployment) and `share/2026-11-20/` (a complete run,
/// its configuration archive holding the example topology).
fn deployment_and_share() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let deploy = dir.path().join("deploy");
    fs::create_dir_all(&deploy).unwrap();
    for entry in fs::read_dir(root().join("testdata/example")).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, deploy.join(path.file_name().unwrap())).unwrap();
    }
    let run = dir.path().join("share/2026-11-20");
    fs::create_dir_all(run.join("filestore/1-WebServices-1")).unwrap();
    fs::write(
        run.join("CsConfiguration.zip"),
        configuration_archive(&example("topology.xml")),
    )
    .unwrap();
    let other = zip_of(&[("DocItemSet.xml", b"<DocItemSet />")]);
    for name in [
        "CsLisConfiguration.zip",
        "RgsConfiguration.zip",
        "UserData-pool01.zip",
    ] {
        fs::write(run.join(name), &other).unwrap();
    }
    for name in ["LcsLog.bak", "LcsCdr.bak", "QoEMetrics.bak"] {
        fs::write(run.join(name), b"backup").unwrap();
    }
    fs::write(run.join("filestore/1-WebServices-1/x.dat"), b"x").unwrap();
    dir
}

/// Every file under `dir` with its bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let entry = entry.unwrap();
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_file() {
                out.insert(entry.path(), fs::read(entry.path()).unwrap());
            }
        }
    }
    out
}

fn check(dir: &Path, extra: &[&str]) -> (i32, String) {
    let out = run_clean(
        topolint(dir)
            .args(["check", "deploy", "--as-of", AS_OF, "--backup-share", SHARE])
            .args(extra),
    );
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn a_complete_run_is_ready_and_the_summary_names_it_and_its_archive() {
    let dir = deployment_and_share();
    // A SQL backup of the user store beside its export: no archive, and not opened as one.
    fs::write(
        dir.path().join("share/2026-11-20/rtcxds_full.bak"),
        b"backup",
    )
    .unwrap();
    let before = tree(dir.path());
    let (code, out) = check(dir.path(), &["--color", "never"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("Backup run checked: the run of 2026-11-20 in `\\\\backup01.contoso.com\\lync\\2026-11-20` (the newest `backup-runs` row)."),
        "{out}"
    );
    assert!(
        out.contains("Compared with the backup-time topology share/2026-11-20/CsConfiguration.zip!DocItemSet.xml, read from the latest backup run's Export-CsConfiguration archive."),
        "{out}"
    );
    assert!(out.contains("READY"), "{out}");
    // The HTML report says it too.
    let reports = tempfile::tempdir().unwrap();
    let html = reports.path().join("report.html");
    check(dir.path(), &["--output", html.to_str().unwrap()]);
    let page = fs::read_to_string(&html).unwrap();
    assert!(
        page.contains("Backup run checked for <code>deploy/topology.xml</code>: the run of 2026-11-20 in \\\\backup01.contoso.com\\lync\\2026-11-20 (the newest backup-runs row)."),
        "{page}"
    );
    // Without an EV rule, no run was checked, and the summary does not say one was.
    let (_, out) = check(dir.path(), &["--color", "never", "--select", "TP"]);
    assert!(!out.contains("Backup run checked"), "{out}");
    // Nothing was written, nothing changed.
    assert_eq!(tree(dir.path()), before);
}

#[test]
fn drift_is_found_against_the_topology_in_the_archive_with_positions_in_its_member() {
    let dir = deployment_and_share();
    let today = example("topology.xml").replace("fe03.contoso.com", "fe04.contoso.com");
    fs::write(dir.path().join("deploy/topology.xml"), today).unwrap();
    let (code, out) = check(dir.path(), &["--format", "json", "--select", "DR501"]);
    assert_eq!(code, 1, "{out}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let finding = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "DR501" && f["message"].as_str().unwrap().contains("fe03"))
        .unwrap_or_else(|| panic!("no DR501 about fe03:\n{out}"));
    // The machine as it was at backup time is shown where the archive's member declares it.
    let then = finding["related"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["path"].as_str().unwrap() == "share/2026-11-20/CsConfiguration.zip!DocItemSet.xml"
        })
        .unwrap_or_else(|| panic!("no location in the archive's member:\n{finding}"));
    let line = usize::try_from(then["line"].as_u64().unwrap()).unwrap();
    let mut doc = String::new();
    std::io::Read::read_to_string(
        &mut zip::ZipArchive::new(Cursor::new(
            fs::read(dir.path().join("share/2026-11-20/CsConfiguration.zip")).unwrap(),
        ))
        .unwrap()
        .by_name("DocItemSet.xml")
        .unwrap(),
        &mut doc,
    )
    .unwrap();
    let text = doc.lines().nth(line - 1).unwrap();
    assert!(text.contains("fe03.contoso.com"), "line {line}: {text}");
}

#[test]
fn missing_empty_and_stale_artefacts_on_the_share_are_found() {
    let dir = deployment_and_share();
    let run = dir.path().join("share/2026-11-20");
    fs::remove_file(run.join("CsLisConfiguration.zip")).unwrap();
    fs::write(run.join("LcsCdr.bak"), b"").unwrap();
    // The user data export was last written a week before the date the worksheet claims.
    let week_before = std::time::UNIX_EPOCH + Duration::from_secs(1_763_078_400); // 2025-11-14
    fs::File::options()
        .write(true)
        .open(run.join("UserData-pool01.zip"))
        .unwrap()
        .set_modified(week_before)
        .unwrap();
    // The file store copy holds nothing.
    fs::remove_dir_all(run.join("filestore")).unwrap();
    fs::create_dir(run.join("filestore")).unwrap();
    let (code, out) = check(dir.path(), &["--format", "concise", "--select", "EV"]);
    assert_eq!(code, 1, "{out}");
    let codes: Vec<&str> = out
        .lines()
        .filter_map(|l| l.split_once("[").map(|(_, r)| &r[..5]))
        .collect();
    assert!(
        out.contains("error[EV601] `CsLisConfiguration.zip` is not in the latest backup run"),
        "{out}"
    );
    assert!(out.contains("error[EV602] `\\\\backup01.contoso.com\\lync\\2026-11-20\\LcsCdr.bak` of the latest backup run has zero bytes"), "{out}");
    assert!(out.contains("error[EV602] the file store copy `\\\\backup01.contoso.com\\lync\\2026-11-20\\filestore` holds no file"), "{out}");
    assert!(out.contains("warning[EV603] `Last backup` says 2026-11-20, but the newest file of it in the latest run, `\\\\backup01.contoso.com\\lync\\2026-11-20\\UserData-pool01.zip`, was written 2025-11-14"), "{out}");
    assert_eq!(codes.len(), 4, "{out}");
}

#[test]
fn without_backup_runs_the_newest_dated_folder_is_the_run() {
    let dir = deployment_and_share();
    fs::remove_file(dir.path().join("deploy/backup-runs.csv")).unwrap();
    // The settings name the share; the scripts write a dated folder into it each night.
    let settings = example("settings.csv").replace(r"\lync\2026-11-20,", r"\lync,");
    fs::write(dir.path().join("deploy/settings.csv"), settings).unwrap();
    // An older, complete run beside the newest, which lacks the Response Group export.
    let old = dir.path().join("share/2026-11-19");
    fs::create_dir_all(&old).unwrap();
    fs::write(
        old.join("RgsConfiguration.zip"),
        zip_of(&[("DocItemSet.xml", b"<x/>")]),
    )
    .unwrap();
    fs::remove_file(dir.path().join("share/2026-11-20/RgsConfiguration.zip")).unwrap();
    let (code, out) = check(dir.path(), &["--select", "EV", "--color", "never"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("`RgsConfiguration.zip` is not in the latest backup run"),
        "{out}"
    );
    assert!(
        out.contains("Backup run checked: `\\\\backup01.contoso.com\\lync\\2026-11-20` (the newest dated folder, no `backup-runs` row)."),
        "{out}"
    );
}

#[cfg(unix)]
#[test]
fn a_link_out_of_the_mapped_folder_is_never_followed() {
    let dir = deployment_and_share();
    // The run's folder is a link to a complete copy elsewhere: it is not read.
    let elsewhere = tempfile::tempdir().unwrap();
    fs::rename(
        dir.path().join("share/2026-11-20"),
        elsewhere.path().join("run"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        elsewhere.path().join("run"),
        dir.path().join("share/2026-11-20"),
    )
    .unwrap();
    let out = run_clean(topolint(dir.path()).args(["inspect", "deploy", "--backup-share", SHARE]));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("not judged: `share` was not read: it is a link, which is never followed"),
        "{text}"
    );
    assert!(!text.contains("present in"), "{text}");
    let (_, out) = check(dir.path(), &["--format", "concise", "--select", "EV"]);
    assert!(
        !out.contains("EV60"),
        "nothing judged, nothing reported:\n{out}"
    );
}

#[cfg(unix)]
#[test]
fn a_link_inside_the_run_is_counted_and_never_followed() {
    let dir = deployment_and_share();
    let elsewhere = tempfile::tempdir().unwrap();
    fs::write(elsewhere.path().join("LcsCdr.bak"), b"secret backup").unwrap();
    let run = dir.path().join("share/2026-11-20");
    fs::remove_file(run.join("LcsCdr.bak")).unwrap();
    // The backup of LcsCdr is only a link to a file elsewhere: it does not count.
    std::os::unix::fs::symlink(elsewhere.path().join("LcsCdr.bak"), run.join("LcsCdr.bak"))
        .unwrap();
    let out = run_clean(topolint(dir.path()).args(["inspect", "deploy", "--backup-share", SHARE]));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("links met and not followed: 1"), "{text}");
    assert!(
        text.contains("lcscdr@sql02.contoso.com\\monitoring: missing in"),
        "{text}"
    );
    let (code, out) = check(dir.path(), &["--format", "concise", "--select", "EV"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("error[EV601] the latest backup run has no backup of lcscdr"),
        "{out}"
    );
}

#[test]
fn a_listing_with_dates_readable_both_ways_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["topology.xml", "settings.csv", "backup-runs.csv"] {
        fs::write(dir.path().join(name), example(name)).unwrap();
    }
    fs::write(
        dir.path().join("backup-listing.csv"),
        "FullName,Length,LastWriteTime\r\n\\\\backup01.contoso.com\\lync\\2026-11-20\\CsConfiguration.zip,10,3/4/2026 10:00:00\r\n\\\\backup01.contoso.com\\lync\\2026-11-20\\CsLisConfiguration.zip,10,3/4/2026 10:00:05\r\n",
    )
    .unwrap();
    let out = run_clean(topolint(dir.path()).args([
        "check", ".", "--as-of", AS_OF, "--format", "concise", "--select", "IN005",
    ]));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "error[IN005] `3/4/2026 10:00:00` can be read with the day or the month first, and no time of the listing shows which its culture writes (nor does it for 1 more time)"
        ),
        "{text}"
    );
    assert_eq!(
        text.matches("IN005").count(),
        1,
        "one finding for the listing: {text}"
    );
}

#[test]
fn the_backup_topology_may_be_an_export_cs_configuration_archive() {
    let dir = common::example_copy(&[]);
    let outside = tempfile::tempdir().unwrap();
    let archive = outside.path().join("CsConfiguration.zip");
    fs::write(&archive, configuration_archive(&example("topology.xml"))).unwrap();
    let out = run_clean(topolint(dir.path()).args([
        "check",
        ".",
        "--as-of",
        AS_OF,
        "--color",
        "never",
        "--backup-topology",
        archive.to_str().unwrap(),
    ]));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("Compared with the backup-time topology ")
            && text.contains("CsConfiguration.zip!DocItemSet.xml."),
        "{text}"
    );
    // A corrupt one is a finding, not a crash.
    fs::write(&archive, b"PK\x03\x04 not really").unwrap();
    let out = run_clean(topolint(dir.path()).args([
        "check",
        ".",
        "--as-of",
        AS_OF,
        "--format",
        "concise",
        "--backup-topology",
        archive.to_str().unwrap(),
    ]));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("error[EV604]"), "{text}");
}

#[test]
fn malformed_share_options_are_usage_errors() {
    let dir = deployment_and_share();
    for bad in [
        "share",
        r"D:\backup=share",
        r"\\backup01.contoso.com\lync=no-such-folder",
    ] {
        let out = run_clean(topolint(dir.path()).args(["check", "deploy", "--backup-share", bad]));
        assert_eq!(out.status.code(), Some(2), "{bad}");
    }
    if !cfg!(windows) {
        let out = run_clean(topolint(dir.path()).args(["check", "deploy", "--read-backups"]));
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("only Windows opens"));
    }
}

#[test]
fn the_configuration_maps_shares_inside_its_folder_only() {
    let dir = deployment_and_share();
    fs::write(
        dir.path().join("topolint.toml"),
        "[options]\nbackup-shares = { '\\\\backup01.contoso.com\\lync' = \"share\" }\n",
    )
    .unwrap();
    let out = run_clean(
        topolint(dir.path()).args(["check", "deploy", "--as-of", AS_OF, "--color", "never"]),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("Backup run checked"), "{text}");
    fs::write(
        dir.path().join("topolint.toml"),
        "[options]\nbackup-shares = { '\\\\backup01.contoso.com\\lync' = \"../elsewhere\" }\n",
    )
    .unwrap();
    let out = run_clean(topolint(dir.path()).args(["check", "deploy"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("climbs out of"));
}

/// `check .` of `dir` in the concise format: exit code and output.
fn concise(dir: &Path, extra: &[&str]) -> (i32, String) {
    let out = run_clean(
        topolint(dir)
            .args(["check", ".", "--as-of", AS_OF, "--format", "concise"])
            .args(extra),
    );
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

const LISTED: &str = "FullName,Length,LastWriteTimeUtc\r\n\"\\\\backup01.contoso.com\\SHARE\\2026-11-20\\CsConfiguration.zip\",\"182345\",\"2026-11-20T21:30:04Z\"\r\n\"\\\\backup01.contoso.com\\SHARE\\2026-11-20\\LcsCdr_20261120.bak\",\"5123\",\"2026-11-20T23:09:50Z\"\r\n";

#[test]
fn a_listing_on_a_share_no_worksheet_names_is_a_warning_not_a_silent_pass() {
    let dir = common::example_copy(&[]);
    fs::write(
        dir.path().join("backup-listing.csv"),
        LISTED.replace("SHARE", "LyncBackup"),
    )
    .unwrap();
    let before = tree(dir.path());
    let (code, out) = concise(dir.path(), &[]);
    // A warning: the worksheets were judged, the listing was not compared with them.
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("warning[IN008] the backup listing `backup-listing.csv` covers `\\\\backup01.contoso.com\\LyncBackup`, which no worksheet row names; the worksheets name `\\\\backup01.contoso.com\\lync`, so none of their rows is compared with the listing"),
        "{out}"
    );
    assert!(
        out.contains("backup-listing.csv:2:2"),
        "at the first FullName: {out}"
    );
    assert_eq!(out.matches("IN008").count(), 1, "{out}");
    let (code, out) = concise(dir.path(), &["--fail-on", "warning"]);
    assert_eq!(code, 1, "{out}");
    // The human output offers the share the worksheets name.
    let out =
        run_clean(topolint(dir.path()).args(["check", ".", "--as-of", AS_OF, "--color", "never"]));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("did you mean `\\\\backup01.contoso.com\\lync`?"),
        "{text}"
    );
    assert!(text.contains("READY"), "{text}");
    // On the share the worksheets name, it is compared and the warning goes.
    fs::write(
        dir.path().join("backup-listing.csv"),
        LISTED.replace("SHARE", "LYNC"),
    )
    .unwrap();
    let (code, out) = concise(dir.path(), &[]);
    assert!(!out.contains("IN008"), "{out}");
    assert_eq!(code, 1, "the listing now proves files missing: {out}");
    assert!(out.contains("error[EV601]"), "{out}");
    fs::write(
        dir.path().join("backup-listing.csv"),
        LISTED.replace("SHARE", "LyncBackup"),
    )
    .unwrap();
    assert_eq!(tree(dir.path()), before, "nothing written");
}

#[test]
fn a_listing_missing_one_of_the_named_shares_is_reported_once_for_it() {
    let dir = common::example_copy(&[]);
    let database = fs::read_to_string(dir.path().join("database.csv")).unwrap();
    let moved: Vec<String> = database
        .lines()
        .map(|l| {
            if l.starts_with("lcs") {
                l.replace(
                    "\\\\backup01.contoso.com\\lync\\2026-11-20",
                    "\\\\backup02.contoso.com\\sql\\2026-11-20",
                )
            } else {
                l.to_string()
            }
        })
        .collect();
    assert!(moved.iter().any(|l| l.contains("backup02")), "{database}");
    fs::write(dir.path().join("database.csv"), moved.join("\r\n")).unwrap();
    fs::write(
        dir.path().join("backup-listing.csv"),
        LISTED.replace("SHARE", "lync"),
    )
    .unwrap();
    let (_, out) = concise(dir.path(), &[]);
    assert!(
        out.contains("warning[IN008] the backup listing `backup-listing.csv` covers `\\\\backup01.contoso.com\\lync` but not `\\\\backup02.contoso.com\\sql`, which the worksheets name: the rows there are compared with nothing"),
        "{out}"
    );
    assert_eq!(out.matches("IN008").count(), 1, "{out}");
}

#[test]
fn a_mapping_of_a_share_no_worksheet_names_is_refused_or_reported() {
    let dir = deployment_and_share();
    // On the command line: typed for this run, so a usage error.
    let out = run_clean(topolint(dir.path()).args([
        "check",
        "deploy",
        "--as-of",
        AS_OF,
        "--backup-share",
        r"\\backup01.contoso.com\LyncBackup=share",
    ]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "--backup-share `\\\\backup01.contoso.com\\LyncBackup`: no worksheet of this run names that share"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("did you mean `\\\\backup01.contoso.com\\lync`?"),
        "{stderr}"
    );
    // Another case of the same share is the same share.
    let (code, out) = check(dir.path(), &[]);
    assert_eq!(code, 0, "{out}");
    let out = run_clean(topolint(dir.path()).args([
        "check",
        "deploy",
        "--as-of",
        AS_OF,
        "--backup-share",
        r"\\BACKUP01\LYNC=share",
    ]));
    assert_eq!(out.status.code(), Some(0));
    // In the configuration: a finding at the mapping.
    fs::write(
        dir.path().join("topolint.toml"),
        "[options]\nbackup-shares = { '\\\\backup01.contoso.com\\LyncBackup' = \"share\" }\n",
    )
    .unwrap();
    let out = run_clean(
        topolint(dir.path()).args(["check", "deploy", "--as-of", AS_OF, "--format", "concise"]),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("topolint.toml:2:")
            && text.contains("warning[IN008] `backup-shares` maps `\\\\backup01.contoso.com\\LyncBackup`, which no worksheet of this run names, so nothing is read there"),
        "{text}"
    );
    assert!(!text.contains("Backup run checked"), "{text}");
}
