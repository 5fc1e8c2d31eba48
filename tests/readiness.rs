//! The verdict end to end, through the real binary, on files written the way Windows tools
//! write them: worksheet dialects and their positions, files that are not read, deployments
//! that cannot be judged, the three verdicts and their exit codes, baselines that must not hide
//! a finding that got worse, reports named by their extension, `--statistics` and the to-do
//! list of a fresh template.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers: a failed expectation is a panic"
)]

mod common;

use std::fs;
use std::path::Path;
use std::process::Output;
use std::time::Duration;

use serde_json::Value;

use common::{AS_OF, example_copy, root, run_clean};

/// `topolint ARGS` started in `dir`, run to completion.
fn run(dir: &Path, args: &[&str]) -> Output {
    run_clean(common::topolint(dir, Duration::from_secs(60)).args(args))
}

/// `topolint check --color never --as-of AS_OF ARGS` in `dir`.
fn check(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["check", "--color", "never", "--as-of", AS_OF];
    all.extend_from_slice(args);
    run(dir, &all)
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited normally")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            stderr(out)
        )
    })
}

/// The findings of a JSON report as `(code, path:line:column)`.
fn places(report: &Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let l = &f["location"];
            (
                f["code"].as_str().unwrap().to_string(),
                format!(
                    "{}:{}:{}",
                    l["path"].as_str().unwrap(),
                    l["line"],
                    l["column"]
                ),
            )
        })
        .collect()
}

/// A copy of one of the `testdata/inputs/windows` deployments, with byte edits applied.
fn windows_copy(name: &str, edits: &[(&str, &[u8], &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(root().join("testdata/inputs/windows").join(name)).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    for (file, from, to) in edits {
        let path = dir.path().join(file);
        let bytes = fs::read(&path).unwrap();
        let at = bytes
            .windows(from.len())
            .position(|w| w == *from)
            .unwrap_or_else(|| panic!("{file} does not hold {from:?}"));
        let mut edited = bytes[..at].to_vec();
        edited.extend_from_slice(to);
        edited.extend_from_slice(&bytes[at + from.len()..]);
        fs::write(&path, edited).unwrap();
    }
    dir
}

/// UTF-16LE bytes of a text (no BOM), for editing an Excel "Unicode Text" file.
fn utf16(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

// ---------------------------------------------------------------------------------------------
// Worksheets as PowerShell and Excel write them
// ---------------------------------------------------------------------------------------------

#[test]
fn worksheets_written_by_powershell_and_excel_are_read_and_the_deployment_is_ready() {
    for name in [
        "powershell-export-csv",
        "excel-semicolon-1252",
        "excel-unicode-text",
    ] {
        let dir = root().join("testdata/inputs/windows").join(name);
        let out = check(&dir, &["--format", "json", "."]);
        let report = json(&out);
        assert_eq!(code(&out), 0, "{name}: {report:#}");
        assert_eq!(report["verdict"], "ready", "{name}");
        assert_eq!(report["summary"]["worksheets"], 7, "{name}");
        assert!(places(&report).is_empty(), "{name}: {report:#}");
    }
}

#[test]
fn inspect_says_how_each_worksheet_was_read() {
    let out = run(
        &root(),
        &["inspect", "--format", "json", "testdata/inputs/windows"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let report = json(&out);
    let read: Vec<(String, String, String)> = report["worksheets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| {
            let path = w["path"].as_str().unwrap();
            path.ends_with("/servers.csv") || path.ends_with("/servers.txt")
        })
        .map(|w| {
            (
                w["path"].as_str().unwrap().to_string(),
                w["encoding"].as_str().unwrap().to_string(),
                w["dialect"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        read,
        [
            (
                "testdata/inputs/windows/excel-semicolon-1252/servers.csv".to_string(),
                "Windows-1252".to_string(),
                "semicolon-separated".to_string()
            ),
            (
                "testdata/inputs/windows/excel-unicode-text/servers.txt".to_string(),
                "UTF-16LE".to_string(),
                "tab-separated".to_string()
            ),
            (
                "testdata/inputs/windows/powershell-export-csv/servers.csv".to_string(),
                "UTF-8".to_string(),
                "comma-separated, after Export-Csv's #TYPE line".to_string()
            ),
        ]
    );
    let text = stdout(&run(
        &root(),
        &["inspect", "testdata/inputs/windows/excel-semicolon-1252"],
    ));
    assert!(
        text.contains("servers.csv (servers, 10 rows; read as Windows-1252: the bytes are not UTF-8, semicolon-separated)"),
        "{text}"
    );
}

/// A byte edit of one file: the file, the bytes there, the bytes to write instead.
type Edit = (&'static str, Vec<u8>, Vec<u8>);

#[test]
fn findings_point_at_the_right_cell_in_every_dialect() {
    // (deployment, edit, the finding expected and where: line and column in characters)
    let cases: Vec<(&str, Edit, &str, &str)> = vec![
        (
            "powershell-export-csv",
            (
                "servers.csv",
                b"\"edge01.contoso.com\",\"Edge\",\"ready\"".to_vec(),
                b"\"edge01.contoso.com\",\"Edge\",\"none\"".to_vec(),
            ),
            "RS301",
            // After the #TYPE line and the header: line 11; inside the quotes.
            "servers.csv:11:30",
        ),
        (
            "excel-semicolon-1252",
            (
                "servers.csv",
                b"fe01.contoso.com;Serveur frontal (Gen\xE8ve);ready".to_vec(),
                b"fe01.contoso.com;Serveur frontal (Gen\xE8ve);none".to_vec(),
            ),
            "RS301",
            // `è` is one byte in Windows-1252, two in UTF-8, one character: column 43.
            "servers.csv:2:43",
        ),
        (
            "excel-semicolon-1252",
            (
                "database.csv",
                b"2026-11-20;2026-11-20;sauvegarde compl\xE8te\r\nqoemetrics".to_vec(),
                b"2026-11-20;20/11/2026;sauvegarde compl\xE8te\r\nqoemetrics".to_vec(),
            ),
            // Excel rewrote a date cell in the locale's short form: refused, not guessed.
            "IN005",
            "database.csv:4:140",
        ),
        (
            "excel-unicode-text",
            (
                "servers.txt",
                utf16("edge01.contoso.com\tEdge\tready"),
                utf16("edge01.contoso.com\tEdge\tnone"),
            ),
            "RS301",
            "servers.txt:10:25",
        ),
    ];
    for (name, (file, from, to), rule, place) in cases {
        let dir = windows_copy(name, &[(file, &from, &to)]);
        let out = check(dir.path(), &["--format", "json", "."]);
        let report = json(&out);
        assert_eq!(code(&out), 1, "{name}: {report:#}");
        assert_eq!(
            places(&report),
            [(rule.to_string(), place.to_string())],
            "{name}"
        );
        // The human snippet underlines that line, numbered as in the file.
        let human = stdout(&check(dir.path(), &["."]));
        let line = place.split(':').nth(1).unwrap();
        assert!(
            human.contains(&format!("─[{place}]")),
            "{name}: no snippet at {place}:\n{human}"
        );
        assert!(human.contains(&format!("\n {line} │ ")), "{name}:\n{human}");
    }
}

// ---------------------------------------------------------------------------------------------
// No file in a deployment folder is dropped in silence
// ---------------------------------------------------------------------------------------------

#[test]
fn files_not_read_in_a_deployment_folder_are_warnings_that_say_what_they_were_taken_for() {
    let dir = example_copy(&[]);
    fs::write(
        dir.path().join("CsConfiguration.zip"),
        b"PK\x03\x04\x14\x00rest",
    )
    .unwrap();
    // A CSV file saved under a workbook's name.
    fs::write(
        dir.path().join("Backup worksheets.xlsx"),
        b"Name,Phone\r\nHelpdesk,555-0100\r\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("replacements.csv"),
        "Server,Role,Replacement,Computer account retained\r\nfe01.contoso.com,Front End,ready,yes\r\n",
    )
    .unwrap();
    // Elsewhere in the tree, unrelated files stay unmentioned.
    fs::create_dir_all(dir.path().join("scripts")).unwrap();
    fs::write(dir.path().join("scripts/phones.csv"), "Name,Phone\nA,1\n").unwrap();
    fs::write(dir.path().join("scripts/tools.zip"), b"PK\x03\x04").unwrap();
    let out = check(dir.path(), &["--format", "json", "."]);
    let report = json(&out);
    // Warnings only: the deployment itself is ready, and the run passes.
    assert_eq!(code(&out), 0, "{report:#}");
    assert_eq!(report["verdict"], "ready");
    let in004: Vec<(&str, &str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "IN004")
        .map(|f| {
            (
                f["location"]["path"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(in004.len(), 3, "{in004:#?}");
    assert_eq!(in004[0].0, "Backup worksheets.xlsx");
    assert_eq!(
        in004[0].2,
        "`Backup worksheets.xlsx` is named like an Excel workbook, but it is not a ZIP archive, which every .xlsx and .xlsm workbook is"
    );
    assert_eq!(in004[1].0, "CsConfiguration.zip");
    assert!(
        in004[1]
            .2
            .contains("is a ZIP archive (its name ends in .zip)")
    );
    assert_eq!(in004[2].0, "replacements.csv");
    assert!(
        in004[2].2.contains(
            "the closest is the servers worksheet (2 of its 4 required columns; `Server` for `Server FQDN` and `Replacement` for `Replacement server`)"
        ),
        "{}",
        in004[2].2
    );
    assert!(in004.iter().all(|(_, severity, _)| *severity == "warning"));
    // The did-you-mean is on the header cell that differs.
    let human = stdout(&check(dir.path(), &["."]));
    assert!(human.contains("did you mean `Server FQDN`?"), "{human}");
}

#[test]
fn a_zip_named_on_the_command_line_is_never_decoded_as_text() {
    let dir = tempfile::tempdir().unwrap();
    // The start of a real archive: a local file header, then deflated (binary) bytes.
    let mut zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00".to_vec();
    zip.extend_from_slice(b"\xE1\x9C\x00\xFF\x80DocItemSet.xml\x00\x9F");
    fs::write(dir.path().join("CsConfiguration.zip"), &zip).unwrap();
    fs::write(dir.path().join("renamed.csv"), &zip).unwrap();
    for name in ["CsConfiguration.zip", "renamed.csv"] {
        let out = check(dir.path(), &["--format", "concise", name]);
        let text = stdout(&out);
        assert_eq!(code(&out), 1, "{name}: {text}");
        assert!(text.contains("error[IN004]"), "{name}: {text}");
        assert!(text.contains("is a ZIP archive"), "{name}: {text}");
        assert!(
            !text.contains("UTF-8") && !text.contains("IN002"),
            "{name}: {text}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Deployments that cannot be judged
// ---------------------------------------------------------------------------------------------

#[test]
fn a_second_topology_beside_worksheets_is_one_error_naming_both() {
    let dir = example_copy(&[]);
    fs::copy(
        dir.path().join("topology.xml"),
        dir.path().join("topology-old.xml"),
    )
    .unwrap();
    let out = check(dir.path(), &["--format", "json", "."]);
    let report = json(&out);
    assert_eq!(code(&out), 1);
    assert_eq!(report["verdict"], "not-ready");
    let in008: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "IN008")
        .collect();
    assert_eq!(in008.len(), 1, "no cascade: {in008:#?}");
    assert_eq!(in008[0]["severity"], "error");
    assert_eq!(
        in008[0]["message"],
        "`topology.xml` is a second topology document in `.` beside `topology-old.xml`: the 7 worksheets there cannot be joined with either, so the readiness of neither is judged"
    );
    let verdicts: Vec<&str> = report["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(verdicts, ["not-ready", "not-ready"]);
}

#[test]
fn a_topology_that_cannot_be_read_beside_worksheets_is_an_error_not_a_cascade() {
    let dir = example_copy(&[]);
    let path = dir.path().join("topology.xml");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, &text[..text.len() / 2]).unwrap();
    let out = check(dir.path(), &["--format", "json", "."]);
    let report = json(&out);
    assert_eq!(code(&out), 1);
    assert_eq!(report["verdict"], "not-ready");
    let codes: Vec<(String, String)> = places(&report);
    let in008: Vec<&(String, String)> = codes.iter().filter(|(c, _)| c == "IN008").collect();
    assert_eq!(in008.len(), 1, "{codes:?}");
    assert_eq!(in008[0].1, "topology.xml:1:1");
    assert!(codes.iter().any(|(c, _)| c == "IN003"), "{codes:?}");
    let message = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "IN008")
        .unwrap()["message"]
        .as_str()
        .unwrap();
    assert!(
        message.contains("`topology.xml` could not be read"),
        "{message}"
    );
    assert!(!message.contains("no topology beside"), "{message}");
}

#[test]
fn naming_the_topology_file_still_joins_the_worksheets_beside_it() {
    let out = check(
        &root(),
        &["--format", "json", "testdata/example/topology.xml"],
    );
    let report = json(&out);
    assert_eq!(code(&out), 0, "{report:#}");
    assert_eq!(report["verdict"], "ready");
    assert_eq!(report["summary"]["worksheets"], 7);
    assert_eq!(report["deployments"][0]["readiness_checked"], true);
}

// ---------------------------------------------------------------------------------------------
// The three verdicts and the exit code
// ---------------------------------------------------------------------------------------------

#[test]
fn a_topology_alone_is_structure_only_and_fails_only_when_readiness_is_required() {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(
        root().join("testdata/example/topology.xml"),
        dir.path().join("topology.xml"),
    )
    .unwrap();
    let out = check(dir.path(), &["."]);
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    assert!(text.ends_with("\nSTRUCTURE ONLY\n"), "{text}");
    assert!(
        text.contains(
            "Readiness rules (BK, RS, HA) did not run for topology.xml: no worksheets beside it."
        ),
        "{text}"
    );
    assert_eq!(
        json(&check(dir.path(), &["--format", "json", "."]))["verdict"],
        "structure-only"
    );

    let required = check(dir.path(), &["--require-readiness", "."]);
    assert_eq!(code(&required), 1, "{}", stdout(&required));
    // The same from the configuration file.
    fs::write(
        dir.path().join("topolint.toml"),
        "[options]\nrequire-readiness = true\n",
    )
    .unwrap();
    assert_eq!(code(&check(dir.path(), &["."])), 1);
    // JUnit shows why the run failed.
    let junit = stdout(&check(dir.path(), &["--format", "junit", "."]));
    assert!(
        junit.contains(r#"<failure message="STRUCTURE ONLY: readiness not judged: no worksheets beside it" type="structure-only">"#),
        "{junit}"
    );
    // A ready deployment passes with it.
    let ready = check(&root(), &["--require-readiness", "testdata/example"]);
    assert_eq!(code(&ready), 0, "{}", stdout(&ready));
}

#[test]
fn the_html_headline_says_each_verdict() {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(
        root().join("testdata/example/topology.xml"),
        dir.path().join("topology.xml"),
    )
    .unwrap();
    let html = stdout(&check(dir.path(), &["--format", "html", "."]));
    assert!(
        html.contains(r#"<h1 id="verdict" class="verdict structure-only">STRUCTURE ONLY</h1>"#),
        "{html}"
    );
}

// ---------------------------------------------------------------------------------------------
// Baselines
// ---------------------------------------------------------------------------------------------

/// The example in `dir` with its rtcxds backup set expiring on `date`.
fn expiring_on(dir: &Path, date: &str) {
    let path = dir.join("database.csv");
    let text = fs::read_to_string(&path).unwrap();
    let edited: Vec<String> = text
        .lines()
        .map(|line| {
            if !line.starts_with("rtcxds,") {
                return line.to_string();
            }
            let mut cells: Vec<&str> = line.split(',').collect();
            // Database, Server, SQL instance, schedule, tool, set name, set expiration...
            cells[6] = date;
            cells.join(",")
        })
        .collect();
    assert_ne!(edited.join("\n"), text.trim_end());
    fs::write(&path, edited.join("\n") + "\n").unwrap();
}

/// The JSON report of a check of `dir` with its `baseline.json`.
fn with_baseline(dir: &Path) -> Value {
    json(&check(
        dir,
        &["--baseline", "baseline.json", "--format", "json", "."],
    ))
}

#[test]
fn a_finding_that_got_worse_since_the_baseline_is_new() {
    let dir = example_copy(&[]);
    expiring_on(dir.path(), "2026-12-10");
    let out = check(dir.path(), &["--write-baseline", "baseline.json", "."]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let baseline: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("baseline.json")).unwrap())
            .unwrap();
    let entry = &baseline["findings"][0];
    assert_eq!(
        (&entry["code"], &entry["severity"], &entry["state"]),
        (&"BK213".into(), &"warning".into(), &"expiring".into())
    );

    // Unchanged: hidden.
    let same = with_baseline(dir.path());
    assert_eq!(same["summary"]["baselined"], 1);
    assert_eq!(same["verdict"], "ready");

    // The backup set has expired since: an error, reported as new, pointing at the entry.
    expiring_on(dir.path(), "2026-11-15");
    let out = check(
        dir.path(),
        &["--baseline", "baseline.json", "--format", "json", "."],
    );
    let report = json(&out);
    assert_eq!(code(&out), 1, "{report:#}");
    assert_eq!(report["summary"]["baselined"], 0);
    let f = &report["findings"][0];
    assert_eq!(
        (&f["code"], &f["severity"]),
        (&"BK213".into(), &"error".into())
    );
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .ends_with("(worse than when the baseline was written: a warning (expiring) then)"),
        "{f:#}"
    );
    assert_eq!(f["related"][0]["path"], "baseline.json");

    // With the rule set to error, expiring and expired have one severity: the state tells.
    let dir = example_copy(&[]);
    fs::write(
        dir.path().join("topolint.toml"),
        "[rules]\nBK213 = \"error\"\n",
    )
    .unwrap();
    expiring_on(dir.path(), "2026-12-10");
    check(dir.path(), &["--write-baseline", "baseline.json", "."]);
    let same = with_baseline(dir.path());
    assert_eq!(same["summary"]["baselined"], 1, "{same:#}");
    expiring_on(dir.path(), "2026-11-15");
    let report = with_baseline(dir.path());
    assert_eq!(report["summary"]["baselined"], 0, "{report:#}");
    assert_eq!(report["summary"]["errors"], 1);
    assert!(
        report["findings"][0]["message"]
            .as_str()
            .unwrap()
            .ends_with("(worse than when the baseline was written: an error (expiring) then)"),
        "{report:#}"
    );
}

#[test]
fn a_baseline_written_before_severities_were_recorded_is_still_read() {
    let dir = example_copy(&[]);
    expiring_on(dir.path(), "2026-12-10");
    check(dir.path(), &["--write-baseline", "baseline.json", "."]);
    // The file as an earlier version wrote it: no severity, no state.
    let mut baseline: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("baseline.json")).unwrap())
            .unwrap();
    for entry in baseline["findings"].as_array_mut().unwrap() {
        let entry = entry.as_object_mut().unwrap();
        entry.remove("severity");
        entry.remove("state");
    }
    fs::write(dir.path().join("baseline.json"), baseline.to_string()).unwrap();
    // At the rule's default severity (warning) it still hides the expiring set...
    let report = with_baseline(dir.path());
    assert_eq!(report["summary"]["baselined"], 1, "{report:#}");
    // ... and not an expired one, an error.
    expiring_on(dir.path(), "2026-11-15");
    let report = with_baseline(dir.path());
    assert_eq!(report["summary"]["baselined"], 0, "{report:#}");
    assert_eq!(report["summary"]["errors"], 1);
}

#[test]
fn errors_all_in_the_baseline_exit_0_but_the_verdict_is_not_ready_in_every_format() {
    let dir = example_copy(&[(
        "servers.csv",
        "edge01.contoso.com,Edge,ready",
        "edge01.contoso.com,Edge,none",
    )]);
    check(dir.path(), &["--write-baseline", "baseline.json", "."]);
    let formats = [
        ("human", "human.txt"),
        ("concise", "concise.txt"),
        ("json", "report.json"),
        ("sarif", "report.sarif"),
        ("junit", "junit.xml"),
        ("github", "github.txt"),
        ("azure", "azure.txt"),
        ("html", "report.html"),
    ];
    let mut args = vec!["--baseline", "baseline.json", "."];
    for (format, file) in formats {
        args.extend(["--format", format, "--output", file]);
    }
    let out = check(dir.path(), &args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let read = |file: &str| fs::read_to_string(dir.path().join(file)).unwrap();
    let said = "NOT READY FOR RESTORE (1 known error in the baseline)";
    assert!(
        read("human.txt").ends_with(&format!("\n{said}\n")),
        "{}",
        read("human.txt")
    );
    assert_eq!(
        read("concise.txt"),
        format!("topolint: 0 errors, 0 warnings, 0 notes, 1 in the baseline: {said}\n")
    );
    for file in ["github.txt", "azure.txt"] {
        assert!(
            read(file).ends_with(&format!(": {said}\n")),
            "{file}: {}",
            read(file)
        );
    }
    let report: Value = serde_json::from_str(&read("report.json")).unwrap();
    assert_eq!(report["verdict"], "not-ready");
    assert_eq!(report["summary"]["baselined_errors"], 1);
    assert_eq!(report["deployments"][0]["verdict"], "not-ready");
    assert_eq!(report["deployments"][0]["baselined_errors"], 1);
    let sarif: Value = serde_json::from_str(&read("report.sarif")).unwrap();
    assert_eq!(sarif["runs"][0]["properties"]["verdict"], "not-ready");
    assert_eq!(sarif["runs"][0]["properties"]["verdictText"], said);
    assert_eq!(sarif["runs"][0]["properties"]["baselinedErrors"], 1);
    let junit = read("junit.xml");
    assert!(
        junit.contains(&format!(r#"<skipped message="{said}"/>"#)),
        "{junit}"
    );
    assert!(
        junit.contains(r#"failures="0""#),
        "the tab stays green: exit 0"
    );
    let html = read("report.html");
    assert!(
        html.contains(&format!(
            r#"<h1 id="verdict" class="verdict not-ready">{said}</h1>"#
        )),
        "{html}"
    );
    assert!(
        html.contains(&format!("<title>{said}: ")),
        "the page title too"
    );
    // Exemptions keep their meaning: an exempted error leaves the verdict READY.
    let exempt = example_copy(&[(
        "servers.csv",
        "edge01.contoso.com,Edge,ready",
        "edge01.contoso.com,Edge,none",
    )]);
    fs::write(
        exempt.path().join("topolint.toml"),
        "[[exemptions]]\nrule = \"RS301\"\nentity = \"edge01.contoso.com\"\nreason = \"rebuilt from the image library\"\nexpires = 2027-03-31\n",
    )
    .unwrap();
    let report = json(&check(exempt.path(), &["--format", "json", "."]));
    assert_eq!(report["verdict"], "ready");
    assert_eq!(report["summary"]["suppressed"], 1);
}

// ---------------------------------------------------------------------------------------------
// Reports named by their extension
// ---------------------------------------------------------------------------------------------

#[test]
fn an_output_without_a_format_takes_it_from_its_extension_or_is_refused() {
    let dir = example_copy(&[]);
    let out = check(
        dir.path(),
        &[
            ".", "--output", "r.json", "--output", "r.sarif", "--output", "r.xml", "--output",
            "r.html",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "every report went to its file");
    let read = |f: &str| fs::read_to_string(dir.path().join(f)).unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&read("r.json")).unwrap()["verdict"],
        "ready"
    );
    assert_eq!(
        serde_json::from_str::<Value>(&read("r.sarif")).unwrap()["version"],
        "2.1.0"
    );
    assert!(read("r.xml").contains("<testsuites name=\"topolint\""));
    assert!(read("r.html").starts_with("<!DOCTYPE html>"));

    // A format given for the first, the second taken from its name.
    let out = check(
        dir.path(),
        &[
            ".",
            "--format",
            "concise",
            "--output",
            "-",
            "--output",
            "more.json",
        ],
    );
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).starts_with("topolint: 0 errors"));
    assert!(read("more.json").starts_with('{'));

    // An extension that names no format: exit 2, and nothing written.
    for name in ["report.txt", "report.md", "report"] {
        let out = check(dir.path(), &[".", "--output", name]);
        assert_eq!(code(&out), 2, "{name}");
        assert!(
            stderr(&out).contains("its extension does not name one"),
            "{name}: {}",
            stderr(&out)
        );
        assert!(!dir.path().join(name).exists(), "{name} was written");
    }
}

// ---------------------------------------------------------------------------------------------
// A fresh template is a to-do list
// ---------------------------------------------------------------------------------------------

/// A fresh template: the example's topology and the worksheets `worksheet init` writes.
fn fresh_template() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(
        root().join("testdata/example/topology.xml"),
        dir.path().join("topology.xml"),
    )
    .unwrap();
    let out = run(
        dir.path(),
        &["worksheet", "init", "topology.xml", "--out", "."],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    dir
}

#[test]
fn statistics_count_the_findings_of_each_rule() {
    let dir = fresh_template();
    let out = check(dir.path(), &["--statistics", "."]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    let table: Vec<&str> = text.lines().take_while(|l| !l.is_empty()).collect();
    assert_eq!(
        table,
        [
            "29  BK215  error    worksheet-field-blank",
            "10  RS301  error    no-same-fqdn-replacement",
            "10  RS306  error    computer-account-not-retained",
            " 8  BK211  error    backup-schedule-missing",
            " 7  RS303  error    certificate-not-backed-up",
        ]
    );
    assert!(!text.contains('×'), "no finding is drawn: {text}");
    assert!(text.ends_with("Found 64 errors, 0 warnings, 0 notes.\nNOT READY FOR RESTORE\n"));
    // The counts add up to the findings of the JSON report.
    let report = json(&check(dir.path(), &["--format", "json", "."]));
    assert_eq!(report["summary"]["errors"], 64);
    let concise = stdout(&check(
        dir.path(),
        &["--format", "concise", "--statistics", "-q", "."],
    ));
    assert_eq!(concise.lines().collect::<Vec<_>>(), table);
}

#[test]
fn a_fresh_template_lists_each_row_once_with_its_blank_columns() {
    let dir = fresh_template();
    let text = stdout(&check(dir.path(), &["."]));
    // A servers row has two blank cells, owned by two rules: one entry, both columns named,
    // each cell labelled, and what to write in each.
    let at = text
        .find("the servers row `edge01.contoso.com@edge`")
        .unwrap_or_else(|| panic!("no entry for edge01:\n{text}"));
    // The heading names both rules.
    assert!(
        text[..at].ends_with("RS301, RS306\n\n  × "),
        "{}",
        &text[..at]
    );
    let entry = &text[at..at + text[at..].find("\n\n").unwrap()];
    // The message, its wrapped lines joined.
    let message = entry.split("\n   ╭").next().unwrap().replace("\n  │ ", " ");
    assert_eq!(
        message,
        "the servers row `edge01.contoso.com@edge` has 2 blank cells to fill in: `Replacement server` and `Computer account retained`"
    );
    assert!(
        entry.contains("Replacement server (RS301)")
            && entry.contains("Computer account retained (RS306)"),
        "{entry}"
    );
    assert!(
        entry.contains("- Replacement server: `ready` (a clean server"),
        "{entry}"
    );
    assert!(
        entry.contains("- Computer account retained: `yes` when"),
        "{entry}"
    );
    // 64 findings, far fewer entries: one per row with several blank cells (10 servers,
    // 7 certificates, 4 database, 4 sql-instances, 3 settings and 1 file-store rows).
    let joined = text.replace("\n  │ ", " ");
    let entries = joined.matches("blank cells to fill in").count();
    assert_eq!(entries, 29, "{text}");
    // Every finding is still there for machines.
    let concise = stdout(&check(dir.path(), &["--format", "concise", "-q", "."]));
    assert_eq!(concise.lines().count(), 64);
}
