//! Waivers: the exemptions of `topolint.toml` and the baseline file.
//!
//! An exemption waives the findings of one rule about one entity until a date: they are still
//! reported, marked suppressed, and no longer fail the run. A baseline lists the fingerprints of
//! findings accepted when the linter was adopted: those findings are left out of the report
//! (and counted), so only new ones show, unless they got worse since: each entry records the
//! finding's severity and state (expiring, expired), and a finding more severe or further along
//! than its entry is reported as new. Exemptions and baseline entries that no longer do
//! anything are reported by IN007.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::input::source::FileId;
use crate::input::span::Span;
use crate::lint::draft::{Severity, State};
use crate::lint::finding::Finding;
use crate::model::date::Date;

/// One `[[exemptions]]` entry: waives the findings of `rule` about `entity` until `expires`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exemption {
    /// The rule's code (names are resolved to codes when the file is read).
    pub rule: &'static str,
    /// The entity, as findings name it (`edge01.contoso.com`, `sql01.contoso.com\rtc`).
    pub entity: String,
    pub reason: String,
    /// The last day the exemption applies.
    pub expires: Date,
    /// The entry in the file (its `rule = ...` line).
    pub span: Span,
    /// The `expires` value in the file.
    pub expires_span: Span,
}

/// What a run waives.
#[derive(Clone, Copy, Debug, Default)]
pub struct Waivers<'a> {
    pub exemptions: &'a [Exemption],
    /// The configuration file the exemptions were read from, when it is in the workspace.
    pub config_file: Option<FileId>,
    pub baseline: BaselineUse<'a>,
}

/// What to do with a baseline.
#[derive(Clone, Copy, Debug, Default)]
pub enum BaselineUse<'a> {
    #[default]
    None,
    /// Leave out the findings it lists; report its entries that match nothing.
    Apply(&'a Baseline),
    /// Record every finding (`--write-baseline`): all are left out of this run's report.
    Record,
}

/// A read baseline file.
#[derive(Clone, Debug, Default)]
pub struct Baseline {
    /// The file in the workspace, for pointing at a stale entry.
    pub file: Option<FileId>,
    pub entries: Vec<BaselineEntry>,
}

/// One accepted finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub code: String,
    pub entity: String,
    /// The message when it was recorded, for readers of the file; not used for matching.
    #[serde(default)]
    pub message: String,
    /// The finding's severity when it was recorded (absent from baselines written before it
    /// was recorded: the rule's default severity is assumed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// How far along the finding was (`expiring`, `expired`), when it can get worse.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Where the entry's fingerprint is in the file.
    #[serde(skip)]
    pub span: Span,
}

/// A baseline file as it is written and read.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineFile {
    schema_version: u32,
    #[serde(default)]
    tool: String,
    findings: Vec<BaselineEntry>,
}

/// The most bytes read from a baseline file (256 MiB: about a million entries); a larger one is
/// exit 2.
pub const MAX_BASELINE_BYTES: u64 = 256 << 20;

/// A baseline file as read: each entry kept as its text, to know where it is.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineText<'a> {
    schema_version: u32,
    #[serde(default, rename = "tool")]
    _tool: serde::de::IgnoredAny,
    #[serde(borrow)]
    findings: Vec<&'a serde_json::value::RawValue>,
}

/// The version of the baseline file format.
pub const BASELINE_VERSION: u32 = 1;

impl Baseline {
    /// Reads a baseline file's text; `file` is its id in the workspace.
    ///
    /// # Errors
    /// Text that is not a baseline file, as a message naming what is wrong.
    pub fn parse(text: &str, file: Option<FileId>) -> Result<Self, String> {
        let parsed: BaselineText<'_> = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if parsed.schema_version != BASELINE_VERSION {
            return Err(format!(
                "schema_version {} is not supported (this version reads {BASELINE_VERSION})",
                parsed.schema_version
            ));
        }
        let mut entries = Vec::with_capacity(parsed.findings.len());
        for (i, raw) in parsed.findings.into_iter().enumerate() {
            let raw = raw.get();
            let mut entry: BaselineEntry = serde_json::from_str(raw)
                .map_err(|e| format!("finding {} of `findings`: {e}", i + 1))?;
            // Where the entry's fingerprint is written, looked for within the entry only (so
            // that reading stays linear however the file is laid out); the whole entry when it
            // is written with escapes.
            let start = crate::input::span::offset_in(text, raw).unwrap_or(0);
            let quoted = format!("\"{}\"", entry.fingerprint);
            entry.span = match raw.find(&quoted) {
                Some(at) => Span::new(start + at, start + at + quoted.len()),
                None => Span::new(start, start + raw.len()),
            };
            entries.push(entry);
        }
        Ok(Self { file, entries })
    }

    /// The baseline file recording `findings` (each fingerprint once), sorted by rule, entity
    /// and fingerprint so that it diffs cleanly; `crate::report::baseline` writes it.
    #[must_use]
    pub fn file<'f>(findings: impl IntoIterator<Item = &'f Finding>) -> BaselineFile {
        let mut seen = BTreeSet::new();
        let mut entries: Vec<BaselineEntry> = findings
            .into_iter()
            .filter(|f| seen.insert(f.fingerprint.clone()))
            .map(|f| BaselineEntry {
                fingerprint: f.fingerprint.clone(),
                code: f.rule.code.to_string(),
                entity: f.entity.clone(),
                message: f.message.clone(),
                severity: Some(f.severity),
                state: f.state.map(|s| s.as_str().to_string()),
                span: Span::default(),
            })
            .collect();
        entries.sort_by(|a, b| {
            (&a.code, &a.entity, &a.fingerprint).cmp(&(&b.code, &b.entity, &b.fingerprint))
        });
        BaselineFile {
            schema_version: BASELINE_VERSION,
            tool: env!("CARGO_PKG_NAME").to_string(),
            findings: entries,
        }
    }

    /// The entries by fingerprint (the first, when one is listed twice).
    #[must_use]
    pub fn by_fingerprint(&self) -> BTreeMap<&str, &BaselineEntry> {
        let mut map = BTreeMap::new();
        for e in &self.entries {
            map.entry(e.fingerprint.as_str()).or_insert(e);
        }
        map
    }
}

impl BaselineEntry {
    /// What this entry recorded, in words (`a warning`, `a warning (expiring)`), when
    /// `finding` got worse since: more severe, or further along (expiring, then expired);
    /// `None` when it is no worse. An entry written before severities were recorded is taken
    /// at the rule's default severity, and its state is not compared.
    #[must_use]
    pub fn worsened(&self, finding: &Finding) -> Option<String> {
        let recorded = self.severity.unwrap_or(finding.rule.severity);
        let then = match &self.state {
            Some(state) => format!("{} ({state})", a_severity(recorded)),
            None => a_severity(recorded).to_string(),
        };
        if finding.severity > recorded {
            return Some(then);
        }
        // An entry without a severity is older than states too.
        self.severity?;
        let state_then = self.state.as_deref().and_then(State::parse);
        match finding.state {
            Some(now) if state_then.is_none_or(|then| now > then) => Some(then),
            _ => None,
        }
    }
}

/// `an error`, `a warning`, `a note`.
fn a_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "an error",
        Severity::Warning => "a warning",
        Severity::Note => "a note",
    }
}

/// An exemption or baseline entry that no longer does anything; IN007 reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stale {
    /// Where it is written, when the file is in the workspace.
    pub at: Option<(FileId, Span)>,
    pub label: String,
    /// The rule and entity it names, as `RULE entity`.
    pub entity: String,
    pub message: String,
    pub help: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_entry_points_at_its_own_fingerprint_even_on_one_line() {
        // The second fingerprint is also the first entry's entity, and the third is written
        // with an escape: each span stays within its own entry.
        let text = concat!(
            r#"{"schema_version":1,"tool":"topolint","findings":["#,
            r#"{"fingerprint":"aaaa","code":"TP101","entity":"bbbb"},"#,
            r#"{"fingerprint":"bbbb","code":"TP101","entity":"y"},"#,
            r#"{"fingerprint":"\u0063ccc","code":"TP101","entity":"z"}]}"#
        );
        let baseline = Baseline::parse(text, None).expect("a baseline");
        let shown: Vec<&str> = baseline
            .entries
            .iter()
            .map(|e| &text[e.span.range()])
            .collect();
        assert_eq!(
            shown,
            [
                "\"aaaa\"",
                "\"bbbb\"",
                r#"{"fingerprint":"\u0063ccc","code":"TP101","entity":"z"}"#
            ]
        );
        assert_eq!(baseline.entries[2].fingerprint, "cccc");
        let err = Baseline::parse(
            r#"{"schema_version":1,"findings":[{"fingerprint":"a","code":"TP101","entity":"x"},{"code":3}]}"#,
            None,
        )
        .expect_err("a bad entry");
        assert!(err.starts_with("finding 2 of `findings`"), "{err}");
    }
}
