//! CI integration through the real binary (SPEC §2–§4, IN007): one run writing every format,
//! SARIF checked against the OASIS schema, JUnit, annotations, `topolint.toml` validation,
//! exemptions and baselines.
//!
//! The broken deployment is the example with two facts changed: edge01 has no replacement
//! (RS301, an error) and the mirrored store has no witness (HA401, a warning).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::print_stderr,
    reason = "test helpers: a failed expectation is a panic"
)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

use common::{AS_OF, root};

/// `topolint` started in `cwd`, with a clean environment.
fn topolint(cwd: &Path) -> Command {
    common::topolint(cwd, Duration::from_secs(60))
}

/// A working directory holding `deploy/`: the example, broken as described above.
fn broken() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let deploy = dir.path().join("deploy");
    fs::create_dir(&deploy).unwrap();
    for entry in fs::read_dir(root().join("testdata/example")).unwrap() {
        let path = entry.unwrap().path();
        let mut text = fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name == "servers.csv" {
            let from = "edge01.contoso.com,Edge,ready";
            assert!(text.contains(from));
            text = text.replace(from, "edge01.contoso.com,Edge,none");
        }
        if name == "sql-instances.csv" {
            let from = r"sql04.contoso.com\witness,7022";
            assert!(text.contains(from));
            text = text.replace(from, ",");
        }
        fs::write(deploy.join(name), text).unwrap();
    }
    dir
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// Runs `check deploy --as-of AS_OF` with extra arguments in `dir`.
fn check(dir: &Path, extra: &[&str]) -> std::process::Output {
    let output = topolint(dir)
        .args(["check", "deploy", "--as-of", AS_OF])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        matches!(output.status.code(), Some(0..=2)),
        "exit {:?}: {}",
        output.status,
        stderr(&output)
    );
    output
}

/// The OASIS SARIF 2.1.0 schema, when this machine has it (`.ci/run` fetches it); `None`
/// otherwise, after saying the validation is skipped.
fn sarif_schema() -> Option<Value> {
    let path = std::env::var_os("TOPOLINT_SARIF_SCHEMA").map_or_else(
        || root().join("target/sarif-schema/sarif-2.1.0.json"),
        PathBuf::from,
    );
    match fs::read_to_string(&path) {
        Ok(text) => Some(serde_json::from_str(&text).expect("the schema is JSON")),
        Err(e) if std::env::var_os("TOPOLINT_REQUIRE_SARIF_SCHEMA").is_some() => {
            panic!("the SARIF schema is required here: {}: {e}", path.display())
        }
        Err(_) => {
            eprintln!(
                "skipped: SARIF schema validation: no schema at {} (.ci/run fetches it)",
                path.display()
            );
            None
        }
    }
}

fn validate_sarif(sarif: &Value) {
    let Some(schema) = sarif_schema() else {
        return;
    };
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF is not valid: {errors:#?}");
}

#[test]
fn one_run_writes_every_ci_format_with_consistent_counts() {
    let dir = broken();
    let output = check(
        dir.path(),
        &[
            "--format",
            "concise",
            "--format",
            "json,sarif,junit,github,azure",
            "--output",
            "-",
            "--output",
            "out/report.json",
            "--output",
            "out/report.sarif",
            "--output",
            "out/junit.xml",
            "--output",
            "out/github.txt",
            "--output",
            "out/azure.txt",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let out = dir.path().join("out");
    let concise = stdout(&output);
    let json: Value =
        serde_json::from_str(&fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let sarif: Value =
        serde_json::from_str(&fs::read_to_string(out.join("report.sarif")).unwrap()).unwrap();
    let junit = fs::read_to_string(out.join("junit.xml")).unwrap();
    let github = fs::read_to_string(out.join("github.txt")).unwrap();
    let azure = fs::read_to_string(out.join("azure.txt")).unwrap();

    // The same two findings everywhere.
    assert_eq!(json["summary"]["errors"], 1);
    assert_eq!(json["summary"]["warnings"], 1);
    let codes: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["RS301", "HA401"]);
    // The two findings, then the counts and the verdict.
    assert_eq!(concise.lines().count(), 3, "{concise}");
    assert_eq!(
        concise.lines().last(),
        Some("topolint: 1 error, 1 warning, 0 notes: NOT READY FOR RESTORE"),
        "{concise}"
    );
    assert!(
        concise.contains("deploy/servers.csv:10:25: error[RS301]"),
        "{concise}"
    );

    validate_sarif(&sarif);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let levels: Vec<(&str, &str)> = results
        .iter()
        .map(|r| (r["ruleId"].as_str().unwrap(), r["level"].as_str().unwrap()))
        .collect();
    assert_eq!(levels, [("RS301", "error"), ("HA401", "warning")]);
    let rs301 = &results[0];
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let index = usize::try_from(rs301["ruleIndex"].as_u64().unwrap()).unwrap();
    assert_eq!(rules[index]["id"], "RS301");
    assert_eq!(rules[index]["defaultConfiguration"]["level"], "error");
    assert!(
        rules[index]["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("## How to fix")
    );
    let location = &rs301["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "deploy/servers.csv");
    assert_eq!(location["region"]["startLine"], 10);
    assert_eq!(location["region"]["startColumn"], 25);
    assert_eq!(location["region"]["endColumn"], 29);
    assert_eq!(
        rs301["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "deploy/topology.xml"
    );
    let fingerprint = json["findings"][0]["fingerprint"].as_str().unwrap();
    assert_eq!(rs301["partialFingerprints"]["topolint/v1"], fingerprint);

    // JUnit: passing cases besides the two failing ones; only the error fails with the
    // default --fail-on error, the warning is kept in the passing case's output. The
    // deployment's verdict is a case of its own, failing with the error.
    let tests: usize = attribute(&junit, "testsuites", "tests").parse().unwrap();
    assert!(tests > 40, "{tests} test cases");
    assert_eq!(attribute(&junit, "testsuites", "failures"), "2");
    assert!(junit.contains(
        r#"<failure message="NOT READY FOR RESTORE" type="not-ready">NOT READY FOR RESTORE</failure>"#
    ));
    assert!(junit.contains(r#"<failure message="edge01.contoso.com has no replacement server"#));
    assert!(
        junit.contains("<system-out>deploy/sql-instances.csv:2:"),
        "{junit}"
    );
    assert_well_formed(&junit);

    // Annotations in both dialects, then the counts and the verdict.
    assert!(github.contains(
        "::error file=deploy/servers.csv,line=10,endLine=10,col=25,endColumn=29,title=RS301 no-same-fqdn-replacement::"
    ), "{github}");
    assert!(
        github.contains("::warning file=deploy/sql-instances.csv,line=2,"),
        "{github}"
    );
    assert!(azure.contains(
        "##vso[task.logissue type=error;sourcepath=deploy/servers.csv;linenumber=10;columnnumber=25;code=RS301]"
    ), "{azure}");
    assert!(azure.contains(
        "##vso[task.logissue type=warning;sourcepath=deploy/sql-instances.csv;linenumber=2;"
    ));
    for text in [&github, &azure] {
        assert!(
            text.ends_with("topolint: 1 error, 1 warning, 0 notes: NOT READY FOR RESTORE\n"),
            "{text}"
        );
    }
}

/// The value of `name` on the first `<tag ...>`.
fn attribute(xml: &str, tag: &str, name: &str) -> String {
    let start = xml.find(&format!("<{tag} ")).expect("tag");
    let rest = &xml[start..];
    let at = rest.find(&format!(" {name}=\"")).expect("attribute") + name.len() + 3;
    rest[at..].split('"').next().unwrap().to_string()
}

fn assert_well_formed(xml: &str) {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed at {}: {e}", reader.buffer_position()),
        }
    }
}

#[test]
fn findings_in_a_workbook_give_valid_sarif_with_the_sheet_and_cell() {
    let dir = tempfile::tempdir().unwrap();
    let deploy = dir.path().join("deploy");
    fs::create_dir(&deploy).unwrap();
    fs::copy(
        root().join("testdata/example/topology.xml"),
        deploy.join("topology.xml"),
    )
    .unwrap();
    let init = topolint(dir.path())
        .args([
            "worksheet",
            "init",
            "deploy/topology.xml",
            "--out",
            "deploy",
        ])
        .args(["--format", "xlsx"])
        .output()
        .unwrap();
    assert_eq!(init.status.code(), Some(0), "{}", stderr(&init));
    let output = check(dir.path(), &["--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&stdout(&output)).unwrap();
    validate_sarif(&sarif);
    let regions: Vec<&Value> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["locations"][0]["physicalLocation"]["region"])
        .filter(|r| r.get("properties").is_some())
        .collect();
    assert!(regions.len() > 20, "{sarif}");
    for region in regions {
        let cell = region["properties"]["cell"].as_str().unwrap();
        assert!(region["properties"]["sheet"].is_string(), "{region}");
        assert!(cell.ends_with(&region["startLine"].to_string()), "{region}");
    }
}

#[test]
fn a_ready_deployment_gives_valid_sarif_without_results_and_junit_without_failures() {
    let output = topolint(&root())
        .args(["check", "testdata/example", "--as-of", AS_OF])
        .args(["--format", "sarif,junit", "--output", "-"])
        .args([
            "--output",
            &std::env::temp_dir()
                .join("topolint-ready-junit.xml")
                .to_string_lossy(),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let sarif: Value = serde_json::from_str(&stdout(&output)).unwrap();
    validate_sarif(&sarif);
    assert_eq!(
        sarif["runs"][0]["results"].as_array().map(Vec::len),
        Some(0)
    );
    let junit = fs::read_to_string(std::env::temp_dir().join("topolint-ready-junit.xml")).unwrap();
    assert_eq!(attribute(&junit, "testsuites", "failures"), "0");
    assert_well_formed(&junit);
}

#[test]
fn an_exemption_silences_exactly_its_finding_until_it_expires() {
    let dir = broken();
    let exemption = |expires: &str| {
        format!(
            "[[exemptions]]\nrule = \"RS301\"\nentity = \"edge01.contoso.com\"\nreason = \"edge is rebuilt from the image library\"\nexpires = {expires}\n"
        )
    };
    fs::write(dir.path().join("topolint.toml"), exemption("2027-03-31")).unwrap();
    let output = check(
        dir.path(),
        &[
            "--format",
            "json,concise,sarif",
            "--output",
            "-",
            "--output",
            "c.txt",
            "--output",
            "r.sarif",
        ],
    );
    // HA401 is a warning: with RS301 exempted nothing fails.
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["summary"]["errors"], 0);
    assert_eq!(json["summary"]["suppressed"], 1);
    let rs301 = &json["findings"][0];
    assert_eq!(rs301["code"], "RS301");
    assert_eq!(
        rs301["suppression"]["reason"],
        "edge is rebuilt from the image library"
    );
    assert_eq!(rs301["suppression"]["expires"], "2027-03-31");
    let concise = fs::read_to_string(dir.path().join("c.txt")).unwrap();
    assert!(concise.contains("suppressed[RS301]"), "{concise}");
    let sarif: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("r.sarif")).unwrap()).unwrap();
    validate_sarif(&sarif);
    assert_eq!(
        sarif["runs"][0]["results"][0]["suppressions"][0]["kind"],
        "external"
    );
    // Human output lists it apart, with its reason.
    let human = check(dir.path(), &[]);
    let text = stdout(&human);
    assert!(
        text.contains("Exempted (still listed, not counted):"),
        "{text}"
    );
    assert!(text.contains("exempted until 2027-03-31: edge is rebuilt from the image library"));
    assert!(
        text.contains("Found 0 errors, 1 warning, 0 notes; 1 exempted."),
        "{text}"
    );

    // Expired: the finding is back, and IN007 points at the date.
    fs::write(dir.path().join("topolint.toml"), exemption("2026-11-20")).unwrap();
    let output = check(dir.path(), &["--format", "concise"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.contains("error[RS301]"), "{text}");
    assert!(
        text.contains("topolint.toml:5:11: warning[IN007] the exemption of RS301 for edge01.contoso.com expired on 2026-11-20; the finding it waived is reported again (stale-exemption)"),
        "{text}"
    );
}

#[test]
fn an_exemption_that_matches_nothing_is_reported() {
    let dir = broken();
    fs::write(
        dir.path().join("topolint.toml"),
        "[[exemptions]]\nrule = \"no-same-fqdn-replacement\"\nentity = \"edge9.contoso.com\"\nreason = \"spare\"\nexpires = \"2027-01-31\"\n",
    )
    .unwrap();
    let output = check(dir.path(), &["--format", "concise"]);
    let text = stdout(&output);
    assert!(
        text.contains("topolint.toml:2:8: warning[IN007] the exemption of RS301 for edge9.contoso.com matches no finding"),
        "{text}"
    );
    assert!(text.contains("error[RS301] edge01.contoso.com"));
}

#[test]
fn a_baseline_hides_exactly_the_recorded_findings() {
    let dir = broken();
    // Recording: the file lists both findings and the run reports none of them.
    let output = check(dir.path(), &["--write-baseline", "baseline.json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("Found 0 errors, 0 warnings, 0 notes; 2 in the baseline."));
    let baseline: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("baseline.json")).unwrap())
            .unwrap();
    assert_eq!(baseline["schema_version"], 1);
    let recorded: Vec<&str> = baseline["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(recorded, ["HA401", "RS301"]);

    // A new gap shows; the recorded ones stay hidden.
    let servers = dir.path().join("deploy/servers.csv");
    let text = fs::read_to_string(&servers).unwrap();
    let from = "edge02.contoso.com,Edge,ready";
    assert!(text.contains(from));
    fs::write(&servers, text.replace(from, "edge02.contoso.com,Edge,none")).unwrap();
    let output = check(
        dir.path(),
        &["--baseline", "baseline.json", "--format", "json"],
    );
    assert_eq!(output.status.code(), Some(1));
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let entities: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["entity"].as_str().unwrap())
        .collect();
    assert_eq!(entities, ["edge02.contoso.com"]);
    assert_eq!(json["summary"]["baselined"], 2);

    // Fixing a recorded gap makes its entry stale (IN007 points into the baseline).
    let sql = dir.path().join("deploy/sql-instances.csv");
    fs::copy(root().join("testdata/example/sql-instances.csv"), &sql).unwrap();
    let output = check(
        dir.path(),
        &["--baseline", "baseline.json", "--format", "concise"],
    );
    let text = stdout(&output);
    assert!(
        text.contains("baseline.json:6:")
            && text.contains("warning[IN007] the baseline entry for HA401"),
        "{text}"
    );
}

#[test]
fn a_bad_baseline_is_a_usage_error() {
    let dir = broken();
    fs::write(dir.path().join("b.json"), "{\"findings\": 3}").unwrap();
    let output = check(dir.path(), &["--baseline", "b.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("`b.json` is not a topolint baseline"),
        "{}",
        stderr(&output)
    );
    let output = check(dir.path(), &["--baseline", "missing.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("missing.json"));
}

#[test]
fn config_mistakes_point_into_the_file_with_a_suggestion() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "[options]\nmax-backup-age = 2\n",
            "unknown field `max-backup-age`",
            &[
                "did you mean `max-backup-age-days` (in [options])?",
                "topolint.toml:2:1",
            ],
        ),
        (
            "[exemption]\nrule = \"RS301\"\n",
            "unknown field `exemption`",
            &["did you mean `exemptions` (in the top level)?"],
        ),
        (
            "[[exemptions]]\nrule = \"RS310\"\nentity = \"a\"\nreason = \"b\"\nexpires = 2027-01-01\n",
            "unknown rule `RS310` in [[exemptions]]",
            &["did you mean `RS301`?", "topolint.toml:2:8"],
        ),
        (
            "[[exemptions]]\nrule = \"RS301\"\nentity = \"a\"\nexpires = 2027-01-01\n",
            "missing field `reason`",
            &["every exemption needs a reason"],
        ),
        (
            "[[exemptions]]\nrule = \"RS301\"\nentity = \"a\"\nreason = \"b\"\n",
            "missing field `expires`",
            &["every exemption needs an expiry date"],
        ),
        (
            "[[exemptions]]\nrule = \"RS301\"\nentity = \"a\"\nreason = \"b\"\nexpires = \"31/03/2027\"\n",
            "`31/03/2027` is not a date",
            &["topolint.toml:5:11"],
        ),
        (
            "[[exemptions]]\nrule = \"RS301\"\nentity = \"a\"\nreason = \"  \"\nexpires = 2027-01-01\n",
            "an exemption needs a reason",
            &["topolint.toml:4:10"],
        ),
        (
            "[rules]\nBK211 = \"warn\"\n",
            "`warn` is not a severity",
            &["use error, warning, note or off"],
        ),
    ];
    for (config, message, hints) in cases {
        let dir = broken();
        fs::write(dir.path().join("topolint.toml"), config).unwrap();
        let output = check(dir.path(), &[]);
        assert_eq!(output.status.code(), Some(2), "{config}");
        let err = stderr(&output);
        assert!(err.contains(message), "{config}: {err}");
        for hint in *hints {
            assert!(err.contains(hint), "{config}: missing {hint:?} in {err}");
        }
        assert!(err.contains('│'), "a snippet of the file: {err}");
    }
}

#[test]
fn the_schema_check_rejects_a_broken_log() {
    let Some(schema) = sarif_schema() else {
        return;
    };
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let broken: Value = serde_json::json!({
        "version": "2.1.0",
        "runs": [{ "tool": { "driver": { "name": "topolint" } },
                   "results": [{ "level": "fatal", "message": { "text": "x" } }] }]
    });
    assert!(!validator.is_valid(&broken));
}

/// Every format of the broken deployment, with one exemption in force, pinned.
#[test]
fn snapshots_of_each_ci_format() {
    let dir = broken();
    fs::write(
        dir.path().join("topolint.toml"),
        "[[exemptions]]\nrule = \"HA401\"\nentity = \"sql01.contoso.com\\\\rtc\"\nreason = \"a witness is being ordered\"\nexpires = 2027-01-31\n",
    )
    .unwrap();
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path(root().join("tests/snapshots"));
    let _guard = settings.bind_to_scope();
    for format in ["concise", "github", "azure", "junit", "human"] {
        let output = check(dir.path(), &["--format", format]);
        assert_eq!(output.status.code(), Some(1), "{format}");
        insta::assert_snapshot!(format!("ci__{format}"), stdout(&output));
    }
    let output = check(dir.path(), &["--format", "sarif"]);
    let mut sarif: Value = serde_json::from_str(&stdout(&output)).unwrap();
    validate_sarif(&sarif);
    let driver = &mut sarif["runs"][0]["tool"]["driver"];
    let rules = driver["rules"].as_array().cloned().unwrap();
    // One rule descriptor in full; the others are the same shape.
    driver["rules"] = Value::Array(rules.into_iter().filter(|r| r["id"] == "RS301").collect());
    driver["semanticVersion"] = Value::from("[version]");
    insta::assert_json_snapshot!("ci__sarif", sarif);
}
