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
use std::fmt::Write as _;
use std::io::{self, Write};

use super::primary_position;
use crate::engine::{DeploymentSummary, Report, RuleRun, Verdict};
use crate::finding::{Finding, Severity};
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
    let mut suites: BTreeMap<&str, Suite> = BTreeMap::new();
    for run in &report.runs {
        let suite = suites.entry(run.rule.prefix()).or_insert_with(|| Suite {
            name: format!("{} {}", run.rule.prefix(), run.rule.category()),
            ..Suite::default()
        });
        for (entity, findings) in cases(run, report) {
            suite.add(ws, run, &entity, &findings, fail_on);
        }
    }
    // After every category (its key sorts after the two-letter prefixes).
    let verdicts = suites.entry("~verdict").or_insert_with(|| Suite {
        name: "verdict".to_string(),
        ..Suite::default()
    });
    for d in &report.summary.deployments {
        verdicts.verdict(d, fail_on, require_readiness);
    }
    let total = |f: fn(&Suite) -> usize| suites.values().map(f).sum::<usize>();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="topolint" tests="{}" failures="{}" errors="0" skipped="{}" time="0">"#,
        total(|s| s.tests),
        total(|s| s.failures),
        total(|s| s.skipped)
    )?;
    for suite in suites.values() {
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{}" errors="0" skipped="{}" time="0">"#,
            escape(&suite.name),
            suite.tests,
            suite.failures,
            suite.skipped
        )?;
        out.write_all(suite.body.as_bytes())?;
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
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

#[derive(Default)]
struct Suite {
    name: String,
    tests: usize,
    failures: usize,
    skipped: usize,
    body: String,
}

impl Suite {
    /// A deployment's verdict as a case: passed when READY; failed when it fails the run;
    /// skipped, with the verdict, otherwise.
    fn verdict(
        &mut self,
        d: &DeploymentSummary,
        fail_on: Option<Severity>,
        require_readiness: bool,
    ) {
        self.tests += 1;
        let _ = write!(
            self.body,
            r#"    <testcase name="{}" classname="topolint verdict" time="0""#,
            escape(&d.topology)
        );
        let errors_fail = fail_on.is_some_and(|t| Severity::Error >= t);
        let mut text = d.verdict.headline().to_string();
        if d.baselined_errors > 0 {
            text.push_str(&format!(" ({})", super::known_errors(d.baselined_errors)));
        }
        if let Some(why) = d.unjudged_because() {
            text.push_str(&format!(": readiness not judged: {why}"));
        }
        let fails = match d.verdict {
            Verdict::Ready => {
                self.body.push_str("/>\n");
                return;
            }
            // As the exit code: its own errors, or readiness required and not judged.
            Verdict::NotReady => {
                (errors_fail && d.errors > 0) || (require_readiness && d.baselined_errors == 0)
            }
            Verdict::StructureOnly => require_readiness,
        };
        if fails {
            self.failures += 1;
            let _ = writeln!(
                self.body,
                ">\n      <failure message=\"{0}\" type=\"{1}\">{0}</failure>\n    </testcase>",
                escape(&text),
                d.verdict.as_str()
            );
        } else {
            self.skipped += 1;
            let _ = writeln!(
                self.body,
                ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                escape(&text)
            );
        }
    }

    fn add(
        &mut self,
        ws: &Workspace,
        run: &RuleRun,
        entity: &str,
        findings: &[&Finding],
        fail_on: Option<Severity>,
    ) {
        self.tests += 1;
        let classname = format!("{} {}", run.rule.code, run.rule.name);
        let _ = write!(
            self.body,
            r#"    <testcase name="{}" classname="{}" time="0""#,
            escape(entity),
            escape(&classname)
        );
        if findings.is_empty() {
            self.body.push_str("/>\n");
            return;
        }
        self.body.push_str(">\n");
        let (active, waived): (Vec<&Finding>, Vec<&Finding>) =
            findings.iter().partition(|f| f.is_active());
        let failing: Vec<&Finding> = active
            .iter()
            .copied()
            .filter(|f| fail_on.is_some_and(|t| f.severity >= t))
            .collect();
        if let Some(first) = failing.first() {
            self.failures += 1;
            let text: Vec<String> = failing.iter().map(|f| detail(ws, f)).collect();
            let _ = writeln!(
                self.body,
                r#"      <failure message="{}" type="{}">{}</failure>"#,
                escape(&first.message),
                first.severity.as_str(),
                escape(&text.join("\n\n"))
            );
        } else if active.is_empty() {
            self.skipped += 1;
            let reasons: Vec<String> = waived
                .iter()
                .filter_map(|f| f.suppression.as_ref())
                .map(|s| format!("exempted until {}: {}", s.expires, s.reason))
                .collect();
            let _ = writeln!(
                self.body,
                r#"      <skipped message="{}"/>"#,
                escape(&reasons.join("; "))
            );
        }
        let below: Vec<String> = active
            .iter()
            .filter(|f| fail_on.is_none_or(|t| f.severity < t))
            .map(|f| detail(ws, f))
            .collect();
        if !below.is_empty() {
            let _ = writeln!(
                self.body,
                "      <system-out>{}</system-out>",
                escape(&below.join("\n\n"))
            );
        }
        self.body.push_str("    </testcase>\n");
    }
}

/// A finding in full: place, severity, message, help and documentation.
fn detail(ws: &Workspace, f: &Finding) -> String {
    let place = primary_position(ws, f)
        .map(|p| format!("{}:{}:{}: ", p.path, p.line, p.column))
        .unwrap_or_default();
    format!(
        "{place}{}[{}] {}\nhelp: {}\nsee: {}",
        f.severity.as_str(),
        f.rule.code,
        f.message,
        f.help,
        f.url()
    )
}

/// Text made safe for XML content and attribute values; characters XML 1.0 cannot hold,
/// controls, line separators and bidirectional controls are replaced with U+FFFD, a line break
/// is a character reference (no value starts a line of the file), and
/// the `#` that would complete a CI logging command (`##vso[`, `##[`) is written `&#35;`, which
/// reads back as the same text.
#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        match c {
            '#' if crate::escape::completes_command(text, i) => out.push_str("&#35;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => out.push(' '),
            c if crate::escape::is_hidden(c) || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {
                out.push('\u{FFFD}');
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_characters_xml_cannot_hold() {
        assert_eq!(
            escape("<a href=\"x\">&'\u{1}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;\u{FFFD}"
        );
        assert_eq!(escape("a\nb"), "a&#10;b");
        assert_eq!(
            escape("x ##vso[task.complete result=Failed]##[error]"),
            "x #&#35;vso[task.complete result=Failed]#&#35;[error]"
        );
    }
}
