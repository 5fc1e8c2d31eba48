//! End-to-end tests through the real `topolint` binary: exit codes, output formats, rule
//! selection, fingerprints, encodings, hostile inputs, `rules`, `explain` and `inspect`
//! (SPEC §2, §3, §5).
//!
//! Every run removes `NO_COLOR`, `CI` and `COLUMNS` from the environment and starts in the
//! crate root, so paths in the output are `testdata/...`. Hostile inputs are generated in
//! temporary directories at test time; nothing hostile is committed.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::print_stderr,
    reason = "test helpers: a failed expectation is a panic"
)]

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use regex::Regex;
use serde_json::Value;

use common::run_clean as run;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// Upper bound for any single run; a hang is a failure, not a stuck test suite.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The failing fixture used wherever one failing topology is needed.
const FAIL_FIXTURE: &str = "testdata/rules/TP101/fail-duplicate-pool-fqdn";

/// A fixture whose only finding is a warning (TP104).
const WARNING_FIXTURE: &str = "testdata/rules/TP104/fail-netbios-wac-server";

/// The published-topology namespace.
const NS: &str = "urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008";

/// The concise line shape of SPEC §3.
const CONCISE_LINE: &str =
    r"^[^:]+:\d+:\d+: (error|warning|note)\[[A-Z]{2}\d{3}\] .+ \([a-z0-9-]+\)$";

/// `topolint` with a clean environment, started in the crate root, with a timeout guard.
fn topolint() -> Command {
    let mut cmd = Command::cargo_bin("topolint").expect("the topolint binary is built");
    cmd.env_remove("NO_COLOR")
        .env_remove("CI")
        .env_remove("COLUMNS")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .timeout(TIMEOUT);
    cmd
}

/// Runs `topolint ARGS` from the crate root.
fn run_args(args: &[&str]) -> Output {
    run(topolint().args(args))
}

/// `topolint check --color never ARGS`.
/// `topolint check` measured as of the fixtures' date (unless the test gives its own), so that
/// backup ages and expiry dates keep their meaning whatever the day.
fn check_args(args: &[&str]) -> Output {
    let mut cmd = topolint();
    cmd.args(["check", "--color", "never"]);
    if !args.contains(&"--as-of") {
        cmd.args(["--as-of", "2026-11-21"]);
    }
    run(cmd.args(args))
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited normally")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts the exit code, showing both streams when it differs.
fn assert_code(out: &Output, expected: i32, what: &str) {
    assert_eq!(
        code(out),
        expected,
        "{what}: wrong exit code\n--- stdout\n{}\n--- stderr\n{}",
        String::from_utf8_lossy(&out.stdout),
        stderr(out)
    );
}

fn parse_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\n--- stderr\n{}",
            String::from_utf8_lossy(&out.stdout),
            stderr(out)
        )
    })
}

/// `topolint check --color never --format json ARGS`, which must not fail as a run (exit 0 or 1).
fn json(args: &[&str]) -> Value {
    let mut cmd = topolint();
    cmd.args(["check", "--color", "never", "--format", "json"]);
    if !args.contains(&"--as-of") {
        cmd.args(["--as-of", "2026-11-21"]);
    }
    let out = run(cmd.args(args));
    assert_ne!(code(&out), 2, "the run failed:\n{}", stderr(&out));
    parse_json(&out)
}

/// `topolint inspect --format json ARGS`, which must succeed.
fn inspect_json(args: &[&str]) -> Value {
    let out = run(topolint().args(["inspect", "--format", "json"]).args(args));
    assert_code(&out, 0, "inspect");
    parse_json(&out)
}

fn findings(report: &Value) -> &Vec<Value> {
    report["findings"].as_array().expect("findings is an array")
}

fn codes(report: &Value) -> BTreeSet<String> {
    findings(report)
        .iter()
        .map(|f| f["code"].as_str().expect("code is a string").to_owned())
        .collect()
}

/// Codes of concise output lines (`...: error[TP101] ...`).
fn concise_codes(text: &str) -> BTreeSet<String> {
    let re = Regex::new(r": (?:error|warning|note)\[([A-Z]{2}\d{3})\] ").expect("regex");
    text.lines()
        .filter_map(|l| re.captures(l).map(|c| c[1].to_owned()))
        .collect()
}

fn has_escape(bytes: &[u8]) -> bool {
    bytes.contains(&0x1b)
}

/// A small valid published topology whose line 7 declares `pool01.contoso.com` a second
/// time, after `prefix` (an unknown attribute), so the TP101 label lands after it.
fn duplicate_fqdn_topology(prefix: &str) -> String {
    format!(
        r#"<Topology xmlns="{NS}">
  <Sites>
    <CentralSite SiteId="1"><Name>Redmond</Name></CentralSite>
  </Sites>
  <Clusters>
    <Cluster Fqdn="pool01.contoso.com"><ClusterId SiteId="1" Number="1" /><Machine OrdinalInCluster="1" Fqdn="fe01.contoso.com" /></Cluster>
    <Cluster Description="{prefix}" Fqdn="pool01.contoso.com"><ClusterId SiteId="1" Number="2" /><Machine OrdinalInCluster="1" Fqdn="fe02.contoso.com" /></Cluster>
  </Clusters>
</Topology>
"#
    )
}

/// UTF-16LE with a byte-order mark.
fn utf16le_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

/// The TP101 finding of a report (exactly one expected).
fn only_finding<'a>(report: &'a Value, rule: &str) -> &'a Value {
    let matching: Vec<&Value> = findings(report)
        .iter()
        .filter(|f| f["code"] == rule)
        .collect();
    assert_eq!(
        matching.len(),
        1,
        "expected one {rule} finding in {report:#}"
    );
    matching[0]
}

// ---------------------------------------------------------------------------------------------
// 1. Exit codes (SPEC §2)
// ---------------------------------------------------------------------------------------------

#[test]
fn exit_0_when_nothing_reaches_fail_on() {
    let out = check_args(&["testdata/example", "--as-of", "2026-11-21"]);
    assert_code(&out, 0, "testdata/example");
}

#[test]
fn exit_1_on_a_failing_fixture() {
    let out = check_args(&[FAIL_FIXTURE]);
    assert_code(&out, 1, FAIL_FIXTURE);
}

#[test]
fn fail_on_warning_makes_warnings_fail() {
    let report = json(&[WARNING_FIXTURE]);
    assert!(
        findings(&report).iter().all(|f| f["severity"] == "warning")
            && !findings(&report).is_empty(),
        "the fixture must hold warnings only: {report:#}"
    );
    let default = check_args(&[WARNING_FIXTURE]);
    assert_code(&default, 0, "default --fail-on error, warnings only");
    let warning = check_args(&["--fail-on", "warning", WARNING_FIXTURE]);
    assert_code(&warning, 1, "--fail-on warning");
    let note = check_args(&["--fail-on", "note", WARNING_FIXTURE]);
    assert_code(&note, 1, "--fail-on note");
}

#[test]
fn fail_on_never_passes_errors() {
    let out = check_args(&["--fail-on", "never", FAIL_FIXTURE]);
    assert_code(&out, 0, "--fail-on never");
    assert!(stdout(&out).contains("TP101"), "findings are still shown");
}

#[test]
fn exit_2_for_a_missing_path() {
    let out = check_args(&["testdata/no-such-directory"]);
    assert_code(&out, 2, "missing path");
    assert!(
        stderr(&out).contains("`testdata/no-such-directory`"),
        "stderr names the path as it was given, not made absolute: {}",
        stderr(&out)
    );
}

#[test]
fn exit_2_when_no_file_is_a_topology() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("other.csv"), "a,b\n1,2\n").expect("write");
    fs::write(dir.path().join("feed.xml"), "<rss version=\"2.0\"/>").expect("write");
    let out = run(topolint()
        .current_dir(dir.path())
        .args(["check", "--color", "never", "."]));
    assert_code(
        &out,
        2,
        "a directory whose files are neither topologies nor broken",
    );
    assert!(
        stderr(&out).contains("no topology document found"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn exit_2_for_an_unknown_rule_with_a_suggestion() {
    for (wrong, right) in [("TP10l", "TP101"), ("duplicate-fdqn", "duplicate-fqdn")] {
        let out = check_args(&["--select", wrong, "testdata/example"]);
        assert_code(&out, 2, &format!("--select {wrong}"));
        let err = stderr(&out);
        assert!(
            err.contains("did you mean"),
            "--select {wrong}: no suggestion in\n{err}"
        );
        assert!(
            err.contains(right),
            "--select {wrong}: `{right}` not suggested in\n{err}"
        );
    }
    let out = check_args(&["--ignore", "TP10l", "testdata/example"]);
    assert_code(&out, 2, "--ignore TP10l");
}

#[test]
fn exit_2_for_a_bad_flag() {
    let out = check_args(&["--no-such-flag", "testdata/example"]);
    assert_code(&out, 2, "unknown flag");
    let out = check_args(&["--fail-on", "sometimes", "testdata/example"]);
    assert_code(&out, 2, "bad --fail-on value");
}

#[test]
fn exit_2_for_a_directory_without_inputs() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("notes.txt"), "not a topology\n").expect("write");
    let out = run(topolint()
        .current_dir(dir.path())
        .args(["check", "--color", "never", "."]));
    assert_code(&out, 2, "directory with only a .txt");
}

#[test]
fn exit_2_for_two_formats_on_stdout() {
    let out = check_args(&[
        "--format",
        "json",
        "--format",
        "concise",
        "testdata/example",
    ]);
    assert_code(&out, 2, "two --format, no --output");
    let out = check_args(&[
        "--format",
        "json",
        "--output",
        "-",
        "--format",
        "concise",
        "testdata/example",
    ]);
    assert_code(&out, 2, "json to `-` and concise to stdout by default");
}

// ---------------------------------------------------------------------------------------------
// 2. Default subcommand
// ---------------------------------------------------------------------------------------------

#[test]
fn check_is_the_default_subcommand() {
    for target in ["testdata/example", FAIL_FIXTURE] {
        let implicit = run_args(&["--color", "never", "--as-of", "2026-11-21", target]);
        let explicit = check_args(&[target]);
        assert_eq!(
            code(&implicit),
            code(&explicit),
            "{target}: exit codes differ"
        );
        assert_eq!(
            stdout(&implicit),
            stdout(&explicit),
            "{target}: outputs differ"
        );
        assert!(!stdout(&explicit).is_empty(), "{target}: no output at all");
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Output formats (SPEC §3)
// ---------------------------------------------------------------------------------------------

#[test]
fn human_format() {
    let out = check_args(&[FAIL_FIXTURE]);
    assert_code(&out, 1, "human");
    let text = stdout(&out);
    assert!(
        !has_escape(text.as_bytes()),
        "--color never printed an escape"
    );
    for needle in [
        "TP101",
        "testdata/rules/TP101/fail-duplicate-pool-fqdn/topology.xml:31:68",
        r#"Fqdn="Pool01.Contoso.com.""#,
        "declared again here",
        "help:",
        "NOT READY FOR RESTORE",
    ] {
        assert!(
            text.contains(needle),
            "human output lacks `{needle}`:\n{text}"
        );
    }
    insta::assert_snapshot!("human_tp101_fail_duplicate_pool_fqdn", text);
}

#[test]
fn concise_format() {
    let out = check_args(&[
        "--format",
        "concise",
        "--as-of",
        "2026-11-21",
        "testdata/rules",
    ]);
    assert_code(&out, 1, "concise over testdata/rules");
    let text = stdout(&out);
    let re = Regex::new(CONCISE_LINE).expect("regex");
    assert!(!text.is_empty(), "no concise output");
    // One line per finding, then the closing line with the counts and the verdict.
    let (findings, last) = text.trim_end().rsplit_once('\n').expect("lines");
    for line in findings.lines() {
        assert!(re.is_match(line), "not a concise line: {line:?}");
    }
    assert!(
        Regex::new(r"^topolint: \d+ errors, \d+ warnings, \d+ notes: NOT READY FOR RESTORE$")
            .expect("regex")
            .is_match(last),
        "{last:?}"
    );
    // `--quiet` leaves the closing line out.
    let quiet = check_args(&["--format", "concise", "-q", "testdata/rules"]);
    assert_eq!(stdout(&quiet), format!("{findings}\n"));
    insta::assert_snapshot!("concise_testdata_rules", text);
}

#[test]
fn json_format() {
    let report = json(&["testdata/rules"]);
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["tool"]["name"], "topolint");
    assert_eq!(report["tool"]["version"], env!("CARGO_PKG_VERSION"));
    assert!(report["as_of"].is_string(), "as_of: {}", report["as_of"]);
    assert_eq!(report["verdict"], "not-ready");

    let summary = &report["summary"];
    for key in [
        "files",
        "topologies",
        "worksheets",
        "errors",
        "warnings",
        "notes",
        "suppressed",
    ] {
        assert!(
            summary[key].is_u64(),
            "summary.{key} is not a count: {summary}"
        );
    }
    let list = findings(&report);
    assert!(!list.is_empty());
    for (severity, key) in [
        ("error", "errors"),
        ("warning", "warnings"),
        ("note", "notes"),
    ] {
        let n = list.iter().filter(|f| f["severity"] == severity).count();
        assert_eq!(summary[key], n, "summary.{key} differs from the findings");
    }

    let position = ["line", "column", "end_line", "end_column"];
    let mut keys = Vec::new();
    for f in list {
        for key in [
            "code",
            "name",
            "severity",
            "message",
            "help",
            "url",
            "fingerprint",
        ] {
            assert!(
                f[key].as_str().is_some_and(|s| !s.is_empty()),
                "finding.{key} missing or empty: {f:#}"
            );
        }
        assert!(f.get("entity").is_some(), "finding.entity missing: {f:#}");
        assert!(
            f["related"].is_array(),
            "finding.related is not an array: {f:#}"
        );
        let loc = &f["location"];
        let path = loc["path"].as_str().expect("location.path");
        assert!(
            !path.starts_with('/') && !path.contains('\\') && path.starts_with("testdata/rules/"),
            "location.path is not relative with `/`: {path}"
        );
        for key in position {
            assert!(
                loc[key].as_u64().is_some_and(|n| n >= 1),
                "location.{key}: {f:#}"
            );
        }
        for r in f["related"].as_array().expect("related") {
            let rpath = r["path"].as_str().expect("related.path");
            assert!(
                !rpath.starts_with('/') && !rpath.contains('\\'),
                "related.path: {rpath}"
            );
            for key in position {
                assert!(
                    r[key].as_u64().is_some_and(|n| n >= 1),
                    "related.{key}: {r:#}"
                );
            }
            assert!(r["message"].is_string(), "related.message: {r:#}");
        }
        keys.push((
            path.to_owned(),
            loc["line"].as_u64().expect("line"),
            loc["column"].as_u64().expect("column"),
        ));
    }
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(
        keys, sorted,
        "findings are not sorted by (path, line, column)"
    );
}

#[test]
fn json_to_a_file_and_concise_to_stdout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("r.json");
    let file_arg = file.to_str().expect("UTF-8 temp path");
    let out = check_args(&[
        "--format",
        "json",
        "--output",
        file_arg,
        "--format",
        "concise",
        FAIL_FIXTURE,
    ]);
    assert_code(&out, 1, "json to a file, concise to stdout");
    let concise_only = check_args(&["--format", "concise", FAIL_FIXTURE]);
    assert_eq!(
        stdout(&out),
        stdout(&concise_only),
        "stdout is not the concise report"
    );

    let written = fs::read(&file).expect("the JSON file was written");
    assert!(!has_escape(&written), "the JSON file holds an ANSI escape");
    let from_file: Value = serde_json::from_slice(&written).expect("the file is JSON");
    assert_eq!(
        from_file,
        json(&[FAIL_FIXTURE]),
        "the file differs from --format json"
    );

    // Colour on the terminal stream never leaks into a file.
    let coloured = dir.path().join("coloured.json");
    let out = run_args(&[
        "check",
        "--as-of",
        "2026-11-21",
        "--color",
        "always",
        "--format",
        "human",
        "--format",
        "json",
        "--output",
        "-",
        "--output",
        coloured.to_str().expect("UTF-8 temp path"),
        FAIL_FIXTURE,
    ]);
    assert_code(&out, 1, "human to stdout, json to a file");
    let written = fs::read(&coloured).expect("the JSON file was written");
    assert!(
        !has_escape(&written),
        "--color always put an escape into the JSON file"
    );
    assert_eq!(
        written,
        fs::read(&file).expect("r.json"),
        "the two JSON files differ"
    );
}

#[test]
fn color_flag_and_no_color() {
    let always = run_args(&["check", "--color", "always", FAIL_FIXTURE]);
    assert!(
        has_escape(&always.stdout),
        "--color always printed no escape"
    );
    let never = check_args(&[FAIL_FIXTURE]);
    assert!(
        !has_escape(&never.stdout),
        "--color never printed an escape"
    );
    let no_color =
        run(topolint()
            .env("NO_COLOR", "1")
            .args(["check", "--color", "auto", FAIL_FIXTURE]));
    assert!(
        !has_escape(&no_color.stdout),
        "NO_COLOR=1 with --color auto printed an escape"
    );
    assert_eq!(
        stdout(&never),
        stdout(&no_color),
        "NO_COLOR output differs from --color never"
    );
}

// ---------------------------------------------------------------------------------------------
// 4. Rule selection and --quiet
// ---------------------------------------------------------------------------------------------

fn concise_rules(extra: &[&str]) -> BTreeSet<String> {
    let out = run(topolint()
        .args(["check", "--color", "never", "--format", "concise"])
        .args(extra)
        .arg("testdata/rules"));
    assert_ne!(code(&out), 2, "{extra:?}: {}", stderr(&out));
    concise_codes(&stdout(&out))
}

#[test]
fn select_and_ignore_change_the_codes() {
    let all = concise_rules(&[]);
    assert!(
        all.contains("TP101") && all.contains("TP104") && all.iter().any(|c| c.starts_with("IN")),
        "testdata/rules should fire IN and TP rules: {all:?}"
    );

    let tp1 = concise_rules(&["--select", "TP1"]);
    assert!(
        tp1.contains("TP101") && tp1.contains("TP104"),
        "--select TP1: {tp1:?}"
    );
    assert!(
        tp1.iter().all(|c| c.starts_with("TP1")),
        "--select TP1 let through {tp1:?}"
    );

    let ignored = concise_rules(&["--ignore", "TP101"]);
    assert!(
        !ignored.contains("TP101"),
        "--ignore TP101 still reports it"
    );
    let mut expected = all.clone();
    expected.remove("TP101");
    assert_eq!(ignored, expected, "--ignore TP101 changed other codes");

    let by_name = concise_rules(&["--select", "duplicate-fqdn"]);
    assert_eq!(
        by_name,
        BTreeSet::from(["TP101".to_owned()]),
        "--select duplicate-fqdn"
    );
    assert_eq!(
        concise_rules(&["--select", "TP101"]),
        by_name,
        "code and name select alike"
    );
}

#[test]
fn quiet_drops_the_summary() {
    let loud = stdout(&check_args(&[FAIL_FIXTURE]));
    let quiet_out = check_args(&["-q", FAIL_FIXTURE]);
    assert_code(&quiet_out, 1, "-q keeps the exit code");
    let quiet = stdout(&quiet_out);
    for summary in ["NOT READY FOR RESTORE", "Found 1 error"] {
        assert!(
            loud.contains(summary),
            "the summary lacks `{summary}`:\n{loud}"
        );
        assert!(
            !quiet.contains(summary),
            "-q still prints `{summary}`:\n{quiet}"
        );
    }
    assert!(quiet.contains("TP101"), "-q dropped the finding:\n{quiet}");
}

// ---------------------------------------------------------------------------------------------
// 5. Fingerprints
// ---------------------------------------------------------------------------------------------

#[test]
fn json_output_is_deterministic() {
    let first = check_args(&["--format", "json", "testdata/rules"]);
    let second = check_args(&["--format", "json", "testdata/rules"]);
    assert_eq!(
        stdout(&first),
        stdout(&second),
        "two runs gave different JSON"
    );
}

#[test]
fn fingerprints_survive_a_line_shift() {
    let original =
        fs::read_to_string(Path::new(FAIL_FIXTURE).join("topology.xml")).expect("fixture");
    let shifted = format!("\n\n\n{original}");
    let mut results = Vec::new();
    for text in [&original, &shifted] {
        let dir = tempfile::tempdir().expect("tempdir");
        let case = dir.path().join("case");
        fs::create_dir(&case).expect("mkdir");
        fs::write(case.join("topology.xml"), text).expect("write");
        let out = run(topolint()
            .current_dir(dir.path())
            .args(["check", "--color", "never", "--format", "json", "case"]));
        assert_code(&out, 1, "copied fixture");
        let report = parse_json(&out);
        let prints: Vec<(String, Value)> = findings(&report)
            .iter()
            .map(|f| {
                (
                    f["fingerprint"].as_str().expect("fp").to_owned(),
                    f["location"]["line"].clone(),
                )
            })
            .collect();
        results.push(prints);
    }
    let (before, after) = (&results[0], &results[1]);
    assert!(!before.is_empty(), "the copy has no finding");
    assert_eq!(
        before.len(),
        after.len(),
        "a line shift changed the findings"
    );
    for ((fp_before, line_before), (fp_after, line_after)) in before.iter().zip(after) {
        assert_eq!(
            line_after.as_u64(),
            line_before.as_u64().map(|l| l + 3),
            "the blank lines did not move the finding"
        );
        assert_eq!(
            fp_before, fp_after,
            "the fingerprint depends on the line number"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 6. Encodings
// ---------------------------------------------------------------------------------------------

#[test]
fn utf16_and_bom_inputs_are_read() {
    let files = [
        "testdata/rules/IN002/pass-utf16le-bom-crlf.xml",
        "testdata/rules/IN002/pass-utf8-bom.xml",
        "testdata/inputs/utf16be-bom.xml",
    ];
    let report = inspect_json(&files);
    let topologies = report["topologies"].as_array().expect("topologies");
    let paths: BTreeSet<&str> = topologies
        .iter()
        .map(|t| t["path"].as_str().expect("path"))
        .collect();
    assert_eq!(
        paths,
        BTreeSet::from(files),
        "not every file was read as a topology"
    );
    for t in topologies {
        let pools = t["pools"].as_array().expect("pools");
        assert!(
            pools.iter().any(|p| p["fqdn"] == "se01.contoso.com"),
            "{}: pool se01.contoso.com not understood: {t:#}",
            t["path"]
        );
    }
    let check = json(&files);
    let input_codes: Vec<String> = codes(&check)
        .into_iter()
        .filter(|c| c == "IN002" || c == "IN003")
        .collect();
    assert!(
        input_codes.is_empty(),
        "decode/syntax findings on valid files: {check:#}"
    );
}

#[test]
fn columns_count_characters_in_utf8_and_utf16() {
    // Two-byte, three-byte and four-byte UTF-8 (the last one is two UTF-16 code units).
    let prefix = "Zürich – 東京 ☃ 😀";
    let text = duplicate_fqdn_topology(prefix);
    let line = text.lines().nth(6).expect("line 7");
    let byte_idx = line.find(r#"Fqdn=""#).expect("Fqdn attribute") + r#"Fqdn=""#.len();
    let char_column = line[..byte_idx].chars().count() as u64 + 1;
    assert_ne!(
        char_column,
        byte_idx as u64 + 1,
        "the prefix must hold multi-byte characters"
    );

    let dir = tempfile::tempdir().expect("tempdir");
    for (sub, bytes) in [
        ("utf8", text.clone().into_bytes()),
        ("utf16le", utf16le_bom(&text)),
    ] {
        fs::create_dir(dir.path().join(sub)).expect("mkdir");
        fs::write(dir.path().join(sub).join("topology.xml"), bytes).expect("write");
    }
    let mut locations = Vec::new();
    for sub in ["utf8", "utf16le"] {
        let out = run(topolint()
            .current_dir(dir.path())
            .args(["check", "--color", "never", "--format", "json", sub]));
        assert_code(&out, 1, sub);
        let report = parse_json(&out);
        let loc = only_finding(&report, "TP101")["location"].clone();
        assert_eq!(loc["line"], 7, "{sub}: wrong line in {loc}");
        assert_eq!(
            loc["column"], char_column,
            "{sub}: column is not in characters: {loc}"
        );
        assert_eq!(
            loc["end_column"],
            char_column + "pool01.contoso.com".len() as u64,
            "{sub}: end_column is not in characters: {loc}"
        );
        locations.push((
            loc["line"].clone(),
            loc["column"].clone(),
            loc["end_line"].clone(),
            loc["end_column"].clone(),
        ));
    }
    assert_eq!(
        locations[0], locations[1],
        "UTF-8 and UTF-16LE positions differ"
    );
}

// ---------------------------------------------------------------------------------------------
// 7. Hostile inputs
// ---------------------------------------------------------------------------------------------

/// A hostile file written into a fresh temporary directory.
struct Hostile {
    dir: tempfile::TempDir,
    name: &'static str,
    bytes: Vec<u8>,
}

impl Hostile {
    fn new(name: &'static str, bytes: Vec<u8>) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::write(dir.path().join(name), &bytes).expect("write hostile input");
        Self { dir, name, bytes }
    }

    /// Runs `topolint ARGS FILE` in the directory; checks no crash and no change to the file.
    fn run(&self, args: &[&str]) -> Output {
        let out = run(topolint()
            .current_dir(self.dir.path())
            .args(args)
            .arg(self.name));
        let after = fs::read(self.dir.path().join(self.name)).expect("read back");
        assert!(
            after == self.bytes,
            "topolint modified its input {}",
            self.name
        );
        out
    }

    /// `check --format json FILE`: exit 0 or 1 and a JSON report.
    fn check(&self) -> (i32, Value) {
        let out = self.run(&["check", "--color", "never", "--format", "json"]);
        assert_ne!(
            code(&out),
            2,
            "{}: the run failed:\n{}",
            self.name,
            stderr(&out)
        );
        (code(&out), parse_json(&out))
    }
}

/// 64 KiB from a fixed-seed 64-bit LCG (Knuth's MMIX constants), high bytes only.
fn lcg_bytes(len: usize) -> Vec<u8> {
    let mut state: u64 = 0x5EED_1234_ABCD_0042;
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 56) as u8
        })
        .collect()
}

fn assert_input_finding(report: &Value, allowed: &[&str], what: &str) {
    let found = codes(report);
    assert!(
        allowed.iter().any(|c| found.contains(*c)),
        "{what}: expected one of {allowed:?}, got {report:#}"
    );
}

#[test]
fn hostile_empty_file() {
    let h = Hostile::new("t.xml", Vec::new());
    let (exit, report) = h.check();
    assert_eq!(exit, 1, "an empty file is an error");
    let f = only_finding(&report, "IN003");
    assert!(
        f["message"].as_str().is_some_and(|m| m.contains("empty")),
        "the IN003 message should say the file is empty: {f:#}"
    );
}

#[test]
fn hostile_random_bytes() {
    let h = Hostile::new("t.xml", lcg_bytes(64 * 1024));
    let (exit, report) = h.check();
    assert_eq!(exit, 1);
    assert_input_finding(&report, &["IN002", "IN003"], "random bytes");
}

#[test]
fn hostile_invalid_utf8() {
    let mut bytes = format!("<Topology xmlns=\"{NS}\">\n  <Sites Name=\"").into_bytes();
    bytes.extend([0xC3, 0x28, 0xFF]);
    bytes.extend(b"\" />\n</Topology>\n");
    let h = Hostile::new("t.xml", bytes);
    let (exit, report) = h.check();
    assert_eq!(exit, 1);
    let f = only_finding(&report, "IN002");
    assert_eq!(
        f["location"]["line"], 2,
        "IN002 should point at line 2: {f:#}"
    );
}

#[test]
fn hostile_utf16le_without_bom() {
    let text = duplicate_fqdn_topology("x");
    let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let h = Hostile::new("t.xml", bytes);
    let (exit, report) = h.check();
    assert_eq!(exit, 1);
    only_finding(&report, "IN002");
}

#[test]
fn hostile_truncated_topology() {
    let text = duplicate_fqdn_topology("x");
    let cut = text.find("fe02.con").expect("cut point");
    let h = Hostile::new("t.xml", text.as_bytes()[..cut].to_vec());
    let (exit, report) = h.check();
    assert_eq!(exit, 1);
    only_finding(&report, "IN003");
}

#[test]
fn hostile_deep_nesting() {
    const DEPTH: usize = 200_000;
    let mut text = format!("<Topology xmlns=\"{NS}\">");
    text.push_str(&"<a>".repeat(DEPTH));
    text.push_str(&"</a>".repeat(DEPTH));
    text.push_str("</Topology>");
    let h = Hostile::new("t.xml", text.into_bytes());
    // `run` fails on a signal (stack overflow) and on a panic.
    let (_exit, report) = h.check();
    // Well-formed XML: unknown elements are kept out of the way, never an error (SPEC §1.1).
    assert!(
        !codes(&report).contains("IN003"),
        "a well-formed, deeply nested document was reported as ill-formed: {report:#}"
    );
    let out = h.run(&["inspect", "--format", "json"]);
    assert_code(&out, 0, "inspect on deep nesting");
    let inventory = parse_json(&out);
    let topologies = inventory["topologies"].as_array().expect("topologies");
    assert_eq!(
        topologies.len(),
        1,
        "the document is not listed: {inventory:#}"
    );
    let unmodelled = topologies[0]["unmodelled"].as_array().expect("unmodelled");
    assert!(
        unmodelled.iter().any(|u| u["path"] == "Topology/a"),
        "`Topology/a` is not listed as unmodelled: {inventory:#}"
    );
}

#[test]
fn hostile_32_mib_attribute() {
    let huge = "a".repeat(32 * 1024 * 1024);
    let text = duplicate_fqdn_topology("x").replacen(
        "Fqdn=\"pool01.contoso.com\"",
        &format!("Fqdn=\"{huge}.contoso.com\""),
        1,
    );
    let h = Hostile::new("t.xml", text.into_bytes());
    let out = h.run(&["check", "--color", "never", "--format", "concise", "-q"]);
    assert!(
        matches!(code(&out), 0 | 1),
        "exit {}: {}",
        code(&out),
        stderr(&out)
    );
    let re = Regex::new(CONCISE_LINE).expect("regex");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines().all(|l| re.is_match(l)),
        "malformed concise output with a 32 MiB attribute"
    );
}

#[test]
fn hostile_billion_laughs() {
    let mut doc = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE Topology [\n");
    doc.push_str("<!ENTITY lol \"lol\">\n");
    for i in 1..=9 {
        let prev = if i == 1 {
            "lol".to_owned()
        } else {
            format!("lol{}", i - 1)
        };
        doc.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    doc.push_str("]>\n");
    doc.push_str(&duplicate_fqdn_topology("&lol9;"));
    let h = Hostile::new("t.xml", doc.into_bytes());
    let start = Instant::now();
    let out = h.run(&["check", "--color", "never", "--format", "json"]);
    let elapsed = start.elapsed();
    assert!(
        matches!(code(&out), 0 | 1),
        "exit {}: {}",
        code(&out),
        stderr(&out)
    );
    assert!(
        elapsed < Duration::from_secs(5),
        "took {elapsed:?}: entities expanded?"
    );
    assert!(
        out.stdout.len() < 1024 * 1024,
        "{} bytes of output",
        out.stdout.len()
    );
    assert!(
        !stdout(&out).contains("lollollol"),
        "entities were expanded"
    );
    parse_json(&out);
}

#[test]
fn hostile_external_entity() {
    let doc = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE Topology [\n<!ENTITY ext SYSTEM \"file:///etc/passwd\">\n]>\n\
         <Topology xmlns=\"{NS}\">\n  <Sites>\n    <CentralSite SiteId=\"1\"><Name>&ext;</Name></CentralSite>\n  </Sites>\n</Topology>\n"
    );
    let h = Hostile::new("t.xml", doc.into_bytes());
    for args in [
        &["check", "--color", "never"][..],
        &["check", "--color", "never", "--format", "json"],
        &["inspect"],
        &["inspect", "--format", "json"],
    ] {
        let out = h.run(args);
        assert!(matches!(code(&out), 0 | 1), "{args:?}: exit {}", code(&out));
        for stream in [&out.stdout, &out.stderr] {
            assert!(
                !String::from_utf8_lossy(stream).contains("root:"),
                "{args:?}: /etc/passwd was read into the output"
            );
        }
    }
}

#[test]
fn hostile_malformed_csv() {
    let mut bytes =
        b"Database,Server name (FQDN),Backup schedule,Database backup tool,Backup destination\n\
                      rtcxds,\"sql01.contoso.com,daily\n"
            .to_vec();
    bytes.extend(lcg_bytes(256));
    let h = Hostile::new("t.csv", bytes);
    let (exit, report) = h.check();
    assert_eq!(exit, 1, "a named, malformed CSV is an error");
    assert_input_finding(&report, &["IN002", "IN004", "IN005"], "malformed CSV");
    assert!(
        findings(&report)
            .iter()
            .all(|f| f["location"].is_null() || f["location"]["path"] == "t.csv"),
        "findings point elsewhere: {report:#}"
    );
}

#[cfg(unix)]
#[test]
fn hostile_symlink_loop() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    fs::copy("testdata/example/topology.xml", root.join("topology.xml")).expect("copy");
    fs::create_dir(root.join("sub")).expect("mkdir");
    std::os::unix::fs::symlink(root, root.join("loop")).expect("symlink");
    std::os::unix::fs::symlink(root.join("sub"), root.join("sub").join("loop")).expect("symlink");
    let out = run(topolint()
        .current_dir(root)
        .args(["check", "--color", "never", "--format", "json", "."]));
    assert!(
        matches!(code(&out), 0 | 1),
        "exit {}: {}",
        code(&out),
        stderr(&out)
    );
    let report = parse_json(&out);
    assert_eq!(
        report["summary"]["topologies"], 1,
        "the topology is not found once: {report:#}"
    );
    let out = run(topolint()
        .current_dir(root)
        .args(["inspect", "--format", "json", "."]));
    assert_code(&out, 0, "inspect with a symlink loop");
    let inventory = parse_json(&out);
    let paths: Vec<&str> = inventory["topologies"]
        .as_array()
        .expect("topologies")
        .iter()
        .map(|t| t["path"].as_str().expect("path"))
        .collect();
    assert_eq!(
        paths,
        ["topology.xml"],
        "the topology is not found exactly once"
    );
}

#[test]
fn undefined_entity_is_an_xml_syntax_error() {
    // testdata/README.md: `fail-undefined-entity.xml` uses `&nbsp;` on line 7 (IN003).
    let report = json(&["testdata/rules/IN003/fail-undefined-entity.xml"]);
    let f = only_finding(&report, "IN003");
    assert_eq!(
        f["location"]["line"], 7,
        "IN003 should point at line 7: {f:#}"
    );
}

// ---------------------------------------------------------------------------------------------
// 8. rules and explain
// ---------------------------------------------------------------------------------------------

#[test]
fn rules_json_lists_the_spec_codes() {
    let out = run_args(&["rules", "--format", "json"]);
    assert_code(&out, 0, "rules --format json");
    let doc = parse_json(&out);
    let rules = doc["rules"].as_array().expect("rules is an array");
    let listed: BTreeSet<&str> = rules
        .iter()
        .map(|r| r["code"].as_str().expect("code"))
        .collect();
    for code in [
        "IN001", "IN002", "IN003", "IN004", "IN006", "TP101", "TP102", "TP103", "TP104", "TP105",
        "TP106", "TP107", "TP108",
    ] {
        assert!(
            listed.contains(code),
            "`rules --format json` lacks {code}: {listed:?}"
        );
    }
    let tp101 = rules.iter().find(|r| r["code"] == "TP101").expect("TP101");
    assert_eq!(tp101["name"], "duplicate-fqdn");
    assert_eq!(tp101["severity"], "error");
    let tp108 = rules.iter().find(|r| r["code"] == "TP108").expect("TP108");
    assert_eq!(tp108["name"], "legacy-pool-present");
    assert_eq!(tp108["severity"], "note");
}

#[test]
fn rules_text() {
    let out = run_args(&["rules"]);
    assert_code(&out, 0, "rules");
    let text = stdout(&out);
    assert!(text.contains("TP101") && text.contains("duplicate-fqdn"));
    insta::assert_snapshot!("rules_text", text);
}

#[test]
fn rules_markdown() {
    let out = run_args(&["rules", "--format", "markdown"]);
    assert_code(&out, 0, "rules --format markdown");
    let text = stdout(&out);
    assert!(
        text.starts_with("# Rules"),
        "markdown starts with:\n{}",
        &text[..text.len().min(200)]
    );
    assert!(text.contains("TP101"), "markdown lacks TP101");
}

#[test]
fn explain_by_code_and_name() {
    let by_code = run_args(&["explain", "TP101"]);
    assert_code(&by_code, 0, "explain TP101");
    let by_name = run_args(&["explain", "duplicate-fqdn"]);
    assert_code(&by_name, 0, "explain duplicate-fqdn");
    assert_eq!(
        stdout(&by_code),
        stdout(&by_name),
        "explain by name and by code differ"
    );
    let text = stdout(&by_code);
    assert!(
        text.contains("duplicate-fqdn"),
        "explain TP101 does not name the rule"
    );
    insta::assert_snapshot!("explain_tp101", text);
}

#[test]
fn explain_unknown_rule_exits_2() {
    let out = run_args(&["explain", "NOPE"]);
    assert_code(&out, 2, "explain NOPE");
    assert!(
        stderr(&out).contains("NOPE"),
        "stderr does not name the rule: {}",
        stderr(&out)
    );
}

// ---------------------------------------------------------------------------------------------
// 9. inspect
// ---------------------------------------------------------------------------------------------

/// The parts of an inventory that both dialects must agree on.
fn lowered(topology: &Value) -> (Vec<(Value, Value)>, Value, Value) {
    let pools = topology["pools"]
        .as_array()
        .expect("pools")
        .iter()
        .map(|p| (p["fqdn"].clone(), p["machines"].clone()))
        .collect();
    (
        pools,
        topology["sql_instances"].clone(),
        topology["file_stores"].clone(),
    )
}

#[test]
fn inspect_dialects_lower_alike() {
    let report = inspect_json(&[
        "testdata/inputs/dialects/published.xml",
        "testdata/inputs/dialects/builder.tbxml",
    ]);
    assert_eq!(report["schema_version"], 1);
    let topologies = report["topologies"].as_array().expect("topologies");
    assert_eq!(topologies.len(), 2, "two topologies expected: {report:#}");
    let formats: BTreeSet<&str> = topologies
        .iter()
        .map(|t| t["format"].as_str().expect("format"))
        .collect();
    assert_eq!(formats, BTreeSet::from(["published", "tbxml"]));
    let (a, b) = (lowered(&topologies[0]), lowered(&topologies[1]));
    assert!(!a.0.is_empty(), "no pools understood: {report:#}");
    assert_eq!(a.0, b.0, "pools differ between the dialects");
    assert_eq!(a.1, b.1, "sql_instances differ between the dialects");
    assert_eq!(a.2, b.2, "file_stores differ between the dialects");
    let pool01 =
        a.0.iter()
            .find(|(fqdn, _)| fqdn == "pool01.contoso.com")
            .expect("pool01");
    assert_eq!(
        pool01.1,
        serde_json::json!(["fe01.contoso.com", "fe02.contoso.com"])
    );
    assert_eq!(
        a.2,
        serde_json::json!([{ "unc": r"\\fs01.contoso.com\share" }])
    );
}

#[test]
fn inspect_text_mentions_every_pool() {
    let out = run_args(&["inspect", "testdata/example"]);
    assert_code(&out, 0, "inspect testdata/example");
    let text = stdout(&out);
    let report = inspect_json(&["testdata/example"]);
    let pools = report["topologies"][0]["pools"].as_array().expect("pools");
    assert!(
        pools.len() >= 6,
        "testdata/example has six pools: {report:#}"
    );
    for fqdn in [
        "pool01.contoso.com",
        "sql01.contoso.com",
        "sql02.contoso.com",
        "fs01.contoso.com",
        "edgepool.contoso.com",
        "wac01.contoso.com",
    ] {
        assert!(
            pools.iter().any(|p| p["fqdn"] == fqdn),
            "inspect --format json lacks pool {fqdn}"
        );
    }
    for p in pools {
        let fqdn = p["fqdn"].as_str().expect("fqdn");
        assert!(
            text.contains(fqdn),
            "inspect text does not mention pool {fqdn}:\n{text}"
        );
    }
}

#[test]
fn inspect_lists_paired_pools_from_the_worksheet() {
    let report = inspect_json(&["testdata/plan/paired"]);
    assert_eq!(
        report["topologies"][0]["pool_pairs"],
        serde_json::json!([
            {"pool": "pool01.contoso.com", "backup": "pool02.contoso.com", "source": "worksheet"},
            {"pool": "pool02.contoso.com", "backup": "pool01.contoso.com", "source": "worksheet"}
        ])
    );
    let out = run_args(&["inspect", "testdata/plan/paired"]);
    assert_code(&out, 0, "inspect testdata/plan/paired");
    assert!(stdout(&out).contains(
        "  paired pools:\n    pool01.contoso.com -> backup pool pool02.contoso.com (pool-pairs worksheet)\n    pool02.contoso.com -> backup pool pool01.contoso.com (pool-pairs worksheet)\n"
    ));
    // What looks like a backup pool in the topology is listed too, with its attribute.
    let report = inspect_json(&["testdata/rules/HA408/fail-topology-records-another-backup-pool"]);
    assert_eq!(
        report["topologies"][0]["pool_pairs"],
        serde_json::json!([
            {"pool": "pool01.contoso.com", "backup": "pool02.contoso.com", "source": "topology", "attribute": "BackupPoolFqdn"}
        ])
    );
    // A deployment that pairs nothing has no such entry.
    let example = inspect_json(&["testdata/example"]);
    assert!(example["topologies"][0].get("pool_pairs").is_none());
}

#[test]
fn the_paired_deployment_is_ready_and_a_one_sided_pairing_is_not() {
    let report = json(&["testdata/plan/paired"]);
    assert_eq!(report["verdict"], "ready", "{report:#}");
    assert!(findings(&report).is_empty(), "{report:#}");
    assert_eq!(report["summary"]["worksheets"], 8);
    // The same deployment with pool02's row left blank: HA408 at pool01's backup cell.
    let dir = tempfile::tempdir().expect("tempdir");
    for entry in fs::read_dir("testdata/plan/paired").expect("fixture") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("name").to_owned();
        let mut text = fs::read_to_string(&path).expect("text");
        if name == "pool-pairs.csv" {
            text = text.replace(
                "pool02.contoso.com,pool01.contoso.com,",
                "pool02.contoso.com,,",
            );
        }
        fs::write(dir.path().join(name), text).expect("write");
    }
    let report = json(&[dir.path().to_str().expect("utf-8 path")]);
    assert_eq!(report["verdict"], "not-ready");
    assert_eq!(codes(&report), BTreeSet::from(["HA408".to_string()]));
}
