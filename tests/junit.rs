//! `check --format junit` through the real binary: one test case per rule and entity it
//! checked, so a test tab lists what passed as well as what failed. The documents are parsed
//! back (they must be well-formed XML) and their counts must add up.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeSet;

use assert_cmd::Command;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

/// Runs `topolint check ... --format junit` in the crate root; returns stdout and the exit code.
fn junit(args: &[&str]) -> (String, i32) {
    let output = Command::cargo_bin("topolint")
        .expect("the topolint binary is built")
        .env_remove("NO_COLOR")
        .env_remove("CI")
        .env_remove("COLUMNS")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "--as-of", "2026-11-21", "--format", "junit"])
        .args(args)
        .output()
        .expect("topolint runs");
    let code = output.status.code().expect("exited normally");
    (String::from_utf8(output.stdout).expect("UTF-8"), code)
}

fn attr(e: &BytesStart<'_>, name: &str) -> String {
    e.attributes()
        .map(|a| a.expect("well-formed attribute"))
        .find(|a| a.key.as_ref() == name)
        .map(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .expect("escaped value")
                .into_owned()
        })
        .unwrap_or_else(|| panic!("no `{name}` attribute"))
}

fn count(e: &BytesStart<'_>, name: &str) -> usize {
    attr(e, name).parse().expect("a count")
}

/// What a JUnit document holds, counted from its elements.
#[derive(Debug, Default, PartialEq)]
struct Counts {
    tests: usize,
    failures: usize,
    skipped: usize,
}

/// Parses the document, checks that every `<testsuite>` and the `<testsuites>` root state the
/// counts their elements add up to, and that no rule has two cases with one name; returns the
/// totals and the names of the failing cases (`CODE entity`).
fn check_document(xml: &str) -> (Counts, Vec<String>) {
    let mut reader = Reader::from_str(xml);
    let mut stated_total = None;
    let mut stated_suite = None;
    let mut suite = Counts::default();
    let mut total = Counts::default();
    let mut case: Option<String> = None;
    let mut names = BTreeSet::new();
    let mut failing = Vec::new();
    let mut suites = 0;
    loop {
        let event = reader.read_event().unwrap_or_else(|e| {
            panic!("not well-formed at byte {}: {e}", reader.buffer_position())
        });
        match event {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "testsuites" => {
                    stated_total = Some(Counts {
                        tests: count(&e, "tests"),
                        failures: count(&e, "failures"),
                        skipped: count(&e, "skipped"),
                    });
                }
                "testsuite" => {
                    suites += 1;
                    suite = Counts::default();
                    stated_suite = Some(Counts {
                        tests: count(&e, "tests"),
                        failures: count(&e, "failures"),
                        skipped: count(&e, "skipped"),
                    });
                }
                "testcase" => {
                    suite.tests += 1;
                    let name = format!("{} {}", attr(&e, "classname"), attr(&e, "name"));
                    assert!(names.insert(name.clone()), "two cases named {name}");
                    case = Some(name);
                }
                "failure" => {
                    suite.failures += 1;
                    failing.push(case.clone().expect("a failure inside a case"));
                }
                "skipped" => suite.skipped += 1,
                _ => {}
            },
            Event::End(e) if e.name().as_ref() == "testsuite" => {
                assert_eq!(Some(&suite), stated_suite.as_ref(), "suite counts");
                total.tests += suite.tests;
                total.failures += suite.failures;
                total.skipped += suite.skipped;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(suites > 0, "no test suite");
    assert_eq!(Some(&total), stated_total.as_ref(), "totals");
    (total, failing)
}

#[test]
fn junit_example_lists_every_checked_entity_as_a_passing_case() {
    let (xml, code) = junit(&["testdata/example"]);
    assert_eq!(code, 0);
    let (counts, failing) = check_document(&xml);
    assert!(failing.is_empty(), "{failing:?}");
    assert_eq!(counts.failures, 0);
    // Far more cases than rules: each rule has one per server, share, row... it checked.
    assert!(counts.tests > 300, "{counts:?}");
    assert!(xml.contains(
        r#"<testcase name="fe02.contoso.com" classname="RS301 no-same-fqdn-replacement" time="0.000"/>"#
    ));
    insta::assert_snapshot!("junit_example", xml);
}

#[test]
fn junit_failing_fixture_fails_one_case_and_passes_the_other_servers() {
    let (xml, code) = junit(&[
        "testdata/rules/RS301/fail-replacement-none",
        "--select",
        "RS301",
    ]);
    assert_eq!(code, 1);
    let (counts, failing) = check_document(&xml);
    // The finding fails its case, and the deployment's verdict fails with it.
    assert_eq!(
        failing,
        [
            "RS301 no-same-fqdn-replacement fe02.contoso.com",
            "topolint verdict testdata/rules/RS301/fail-replacement-none/topology.xml"
        ]
    );
    assert_eq!(counts.failures, 2);
    // The topology has ten servers to rebuild, the mirror and the witness included (they hold
    // no store): one case each, and one for the verdict.
    assert_eq!(counts.tests, 11, "{counts:?}");
    insta::assert_snapshot!("junit_rs301_fail_replacement_none", xml);
}
