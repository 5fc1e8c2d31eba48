//! JUnit XML for test-result tabs (Azure DevOps `PublishTestResults`, Jenkins, GitLab).
//!
//! One `<testsuite>` per rule category, one `<testcase>` per rule and entity it checked, so the
//! tab shows what passed as well as what failed. A case fails when it has a finding at or above
//! `--fail-on`, so the tab is red exactly when the exit code is 1; findings below the threshold
//! are written to the passing case's `<system-out>`. A case whose findings are all exempted is
//! `<skipped>`, with the reason. A rule that names no entity it checked gets one case per place
//! it ran (a topology, or `inputs`).
//!
//! A last suite, `verdict`, has a case per deployment: it passes when the deployment is READY,
//! fails when what makes it not ready fails the run (its errors at or above `--fail-on`, or,
//! with `--require-readiness`, readiness not judged), and is skipped with the verdict otherwise
//! (STRUCTURE ONLY, or NOT READY through errors the baseline waived).

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::time::Duration;

use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};

use super::{Position, primary_position};
use crate::lint::draft::Severity;
use crate::lint::engine::{DeploymentSummary, Report, RuleRun, Verdict};
use crate::lint::finding::Finding;
use crate::model::Workspace;

/// Writes the report as one `<testsuites>` document.
///
/// # Errors
/// Propagates write errors.
pub fn render(
    out: &mut dyn Write,
    ws: &Workspace,
    report: &Report,
    fail_on: Option<Severity>,
    require_readiness: bool,
) -> io::Result<()> {
    let mut suites: BTreeMap<&str, TestSuite> = BTreeMap::new();
    for run in &report.runs {
        let suite = suites
            .entry(run.rule.prefix())
            .or_insert_with(|| suite(format!("{} {}", run.rule.prefix(), run.rule.category())));
        for (entity, findings) in cases(run, report) {
            suite.add_test_case(case(ws, run, &entity, &findings, fail_on));
        }
    }
    // After every category (its key sorts after the two-letter prefixes).
    let verdicts = suites
        .entry("~verdict")
        .or_insert_with(|| suite("verdict".to_string()));
    for d in &report.summary.deployments {
        verdicts.add_test_case(verdict(d, fail_on, require_readiness));
    }
    let mut document = quick_junit::Report::new("topolint");
    document.set_time(Duration::ZERO);
    document.add_test_suites(suites.into_values());
    let xml = document.to_string().map_err(io::Error::other)?;
    out.write_all(escape(&xml).as_bytes())
}

fn suite(name: String) -> TestSuite {
    let mut suite = TestSuite::new(name);
    suite.set_time(Duration::ZERO);
    suite
}

/// The cases of one rule: each checked entity with its findings, sorted by entity.
fn cases<'r>(run: &RuleRun, report: &'r Report) -> BTreeMap<String, Vec<&'r Finding>> {
    let mut cases: BTreeMap<String, Vec<&Finding>> = BTreeMap::new();
    for entity in &run.checked {
        cases.entry(entity.clone()).or_default();
    }
    for f in report
        .findings
        .iter()
        .filter(|f| f.rule.code == run.rule.code)
    {
        cases.entry(f.entity.clone()).or_default().push(f);
    }
    if cases.is_empty() {
        for place in &run.contexts {
            cases.entry(place.clone()).or_default();
        }
    }
    cases
}

/// A deployment's verdict as a case: passed when READY; failed when it fails the run;
/// skipped, with the verdict, otherwise.
fn verdict(d: &DeploymentSummary, fail_on: Option<Severity>, require_readiness: bool) -> TestCase {
    let errors_fail = fail_on.is_some_and(|t| Severity::Error >= t);
    let mut text = d.verdict.headline().to_string();
    if d.baselined_errors > 0 {
        text.push_str(&format!(" ({})", super::known_errors(d.baselined_errors)));
    }
    if let Some(why) = d.unjudged_because() {
        text.push_str(&format!(": readiness not judged: {why}"));
    }
    let fails = match d.verdict {
        Verdict::Ready => None,
        // As the exit code: its own errors, or readiness required and not judged.
        Verdict::NotReady => {
            Some((errors_fail && d.errors > 0) || (require_readiness && d.baselined_errors == 0))
        }
        Verdict::StructureOnly => Some(require_readiness),
    };
    let status = match fails {
        None => TestCaseStatus::success(),
        Some(true) => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status
                .set_message(text.as_str())
                .set_type(d.verdict.as_str())
                .set_description(text.as_str());
            status
        }
        Some(false) => {
            let mut status = TestCaseStatus::skipped();
            status.set_message(text);
            status
        }
    };
    let mut case = TestCase::new(d.topology.as_str(), status);
    case.set_classname("topolint verdict")
        .set_time(Duration::ZERO);
    case
}

/// One rule's case for one entity: failed by its findings at or above `--fail-on`, skipped
/// when every finding is exempted, passed otherwise (with the findings below the threshold in
/// its output).
fn case(
    ws: &Workspace,
    run: &RuleRun,
    entity: &str,
    findings: &[&Finding],
    fail_on: Option<Severity>,
) -> TestCase {
    let (active, waived): (Vec<&Finding>, Vec<&Finding>) =
        findings.iter().partition(|f| f.is_active());
    let failing: Vec<&Finding> = active
        .iter()
        .copied()
        .filter(|f| fail_on.is_some_and(|t| f.severity >= t))
        .collect();
    let status = if let Some(first) = failing.first() {
        let text: Vec<String> = failing.iter().map(|f| detail(ws, f)).collect();
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        status
            .set_message(first.message.as_str())
            .set_type(first.severity.as_str())
            .set_description(text.join("\n\n"));
        status
    } else if active.is_empty() && !waived.is_empty() {
        let reasons: Vec<String> = waived
            .iter()
            .filter_map(|f| f.suppression.as_ref())
            .map(|s| format!("exempted until {}: {}", s.expires, s.reason))
            .collect();
        let mut status = TestCaseStatus::skipped();
        status.set_message(reasons.join("; "));
        status
    } else {
        TestCaseStatus::success()
    };
    let mut case = TestCase::new(entity, status);
    case.set_classname(format!("{} {}", run.rule.code, run.rule.name))
        .set_time(Duration::ZERO);
    let below: Vec<String> = active
        .iter()
        .filter(|f| fail_on.is_none_or(|t| f.severity < t))
        .map(|f| detail(ws, f))
        .collect();
    if !below.is_empty() {
        case.set_system_out(below.join("\n\n"));
    }
    case
}

/// A finding in full: place, severity, message, help and documentation.
fn detail(ws: &Workspace, f: &Finding) -> String {
    let position = primary_position(ws, f);
    let place = position
        .as_ref()
        .map(|p| format!("{}:{}:{}: ", p.path, p.line, p.column))
        .unwrap_or_default();
    format!(
        "{place}{}[{}] {}\nhelp: {}\nsee: {}",
        f.severity.as_str(),
        f.rule.code,
        Position::with_reference(position.as_ref(), &f.message),
        f.help,
        f.url()
    )
}

/// The document as written, with what the inputs put in it made safe: every line break,
/// tab or carriage return inside a tag (an attribute value) or in a text that is not layout is a
/// character reference, so that no value starts a line of the file; characters XML 1.0 cannot
/// hold, controls, line separators and bidirectional controls become U+FFFD; and the `#` that
/// would complete a CI logging command (`##vso[`, `##[`) is written `&#35;`, which reads back
/// as the same text. quick-junit has escaped the markup of every value already.
#[must_use]
pub fn escape(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len() + 64);
    let mut in_tag = false;
    // The text since the last tag: the layout between elements, or a value.
    let mut text_start = 0;
    for (i, c) in xml.char_indices() {
        match c {
            '<' => {
                let text = &xml[text_start..i];
                push_text(&mut out, text);
                in_tag = true;
                out.push('<');
            }
            '>' if in_tag => {
                in_tag = false;
                out.push('>');
                text_start = i + 1;
            }
            _ if in_tag => match c {
                '\n' => out.push_str("&#10;"),
                '\r' => out.push_str("&#13;"),
                '\t' => out.push_str("&#9;"),
                '#' if crate::report::escape::completes_command(xml, i) => out.push_str("&#35;"),
                c if crate::input::text::is_hidden(c) || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {
                    out.push('\u{FFFD}');
                }
                c => out.push(c),
            },
            _ => {}
        }
    }
    if !in_tag {
        push_text(&mut out, &xml[text_start..]);
    }
    out
}

/// A text between tags: the layout kept as it is, a value escaped as [`escape`] says.
fn push_text(out: &mut String, text: &str) {
    if text.chars().all(char::is_whitespace) {
        out.push_str(text);
        return;
    }
    for (i, c) in text.char_indices() {
        match c {
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            '#' if crate::report::escape::completes_command(text, i) => out.push_str("&#35;"),
            c if crate::input::text::is_hidden(c) || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {
                out.push('\u{FFFD}');
            }
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_made_safe_and_the_layout_is_kept() {
        let xml = "<?xml version=\"1.0\"?>\n<a>\n    <b name=\"x\n##vso[y]\t\u{202e}\">one\ntwo ##[error]\u{FFFF}</b>\n</a>\n";
        assert_eq!(
            escape(xml),
            "<?xml version=\"1.0\"?>\n<a>\n    <b name=\"x&#10;#&#35;vso[y]&#9;\u{FFFD}\">one&#10;two #&#35;[error]\u{FFFD}</b>\n</a>\n"
        );
    }

    #[test]
    fn a_hostile_case_reads_back_as_written_and_starts_no_line() {
        let mut case = TestCase::new("a\n::error::x", TestCaseStatus::skipped());
        case.set_system_out("one\n##vso[task.complete]\n<b>&");
        let mut suite = suite("s".to_string());
        suite.add_test_case(case);
        let mut report = quick_junit::Report::new("topolint");
        report.add_test_suite(suite);
        let xml = escape(&report.to_string().expect("serialised"));
        for line in xml.lines() {
            let line = line.trim_start();
            assert!(line.is_empty() || line.starts_with('<'), "{xml}");
        }
        assert!(!xml.contains("##vso["), "{xml}");
        // Read back as an XML reader does: references resolved.
        let raw = |from: &str, to: &str| {
            let start = xml.find(from).expect("present") + from.len();
            let end = start + xml[start..].find(to).expect("closed");
            quick_xml::escape::unescape(&xml[start..end])
                .expect("references")
                .into_owned()
        };
        assert_eq!(raw("<testcase name=\"", "\""), "a\n::error::x");
        assert_eq!(
            raw("<system-out>", "</system-out>"),
            "one\n##vso[task.complete]\n<b>&"
        );
    }
}
