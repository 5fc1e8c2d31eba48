//! Findings: what rules report, as plain data (file ids and spans, no source text).

use serde::{Deserialize, Serialize};

use crate::rules::RuleMeta;
use crate::source::FileId;
use crate::span::Span;

/// How bad a finding is.
///
/// `error`: a restore would fail or lose data; `warning`: a restore is slower, manual or riskier;
/// `note`: worth knowing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Note => "note",
        }
    }
}

/// How far along a finding that can get worse is: a backup set or certificate that is
/// expiring, then expired. A baseline records it, so that a finding that got worse since is
/// reported again even when its severity did not change (a rule set to `warning` in the
/// configuration).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    Expiring,
    Expired,
}

impl State {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Expiring => "expiring",
            Self::Expired => "expired",
        }
    }

    /// The state a baseline file names (`None` for a name this version does not know).
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Expiring, Self::Expired]
            .into_iter()
            .find(|s| s.as_str() == name)
    }
}

/// A place in a file, with what to say about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

impl Label {
    pub fn new(file: FileId, span: Span, message: impl Into<String>) -> Self {
        Self {
            file,
            span,
            message: message.into(),
        }
    }
}

/// What a rule reports, before the engine stamps it with the rule's identity.
#[derive(Clone, Debug)]
pub struct Draft {
    pub entity: String,
    pub message: String,
    pub primary: Option<Label>,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
    /// This finding's own severity, when it differs from the rule's default (an expired backup
    /// set is an error where one about to expire is a warning). A severity set in the
    /// configuration wins over it.
    pub severity: Option<Severity>,
    /// How far along it is, for a finding that can get worse.
    pub state: Option<State>,
}

impl Draft {
    /// A finding about `entity` (the FQDN, `fqdn\instance`, `\\host\share`, database or file it
    /// is about).
    pub fn new(entity: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            entity: entity.into(),
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
            severity: None,
            state: None,
        }
    }

    /// The primary location.
    #[must_use]
    pub fn at(mut self, file: FileId, span: Span, label: impl Into<String>) -> Self {
        self.primary = Some(Label::new(file, span, label));
        self
    }

    /// A second location (in the same file or another one).
    #[must_use]
    pub fn also(mut self, file: FileId, span: Span, label: impl Into<String>) -> Self {
        self.secondary.push(Label::new(file, span, label));
        self
    }

    /// This finding's severity, when it is not the rule's default.
    #[must_use]
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }

    /// How far along it is (expiring, expired), for a finding that can get worse.
    #[must_use]
    pub fn state(mut self, state: State) -> Self {
        self.state = Some(state);
        self
    }

    /// What to do about it, when it says more than the rule's general advice.
    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// A reported finding.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: &'static RuleMeta,
    /// Effective severity (after configuration).
    pub severity: Severity,
    pub entity: String,
    pub message: String,
    pub help: String,
    pub primary: Option<Label>,
    pub secondary: Vec<Label>,
    /// Stable identity: rule, scope and entity; never a line number.
    pub fingerprint: String,
    /// Set when an exemption waives this finding: it is still reported, but counted as
    /// suppressed, and it neither fails the run nor changes the verdict.
    pub suppression: Option<Suppression>,
    /// How far along it is, for a finding that can get worse.
    pub state: Option<State>,
}

/// Why a finding is waived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// The exemption's required reason.
    pub reason: String,
    /// The last day the exemption applies.
    pub expires: crate::date::Date,
}

impl Finding {
    #[must_use]
    pub fn url(&self) -> String {
        self.rule.url()
    }

    /// The finding counts: it is not waived by an exemption.
    #[must_use]
    pub fn is_active(&self) -> bool {
        self.suppression.is_none()
    }
}

/// A value quoted in a message, cut to a readable length (a hostile 32 MB attribute must not be
/// repeated in full).
#[must_use]
pub fn shown(value: &str) -> std::borrow::Cow<'_, str> {
    const MAX: usize = 80;
    match value.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &value[..cut]).into(),
        None => value.into(),
    }
}

/// `text` cut to at most `max` characters, with `…` at the cut: what bounds every message, label
/// and entity of a finding, whatever a rule quoted in it.
#[must_use]
pub fn cut(text: String, max: usize) -> String {
    match text.char_indices().nth(max) {
        // A new string: a truncated one would keep the whole allocation.
        Some(_) => cut_str(&text, max),
        None => text,
    }
}

/// [`cut`] of a borrowed text, copying only what is kept.
#[must_use]
pub fn cut_str(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// A 64-bit FNV-1a hash of the parts, as 16 hex digits: stable across runs, platforms and
/// versions (unlike `std`'s hasher).
#[must_use]
pub fn fingerprint(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_stable_and_separates_parts() {
        assert_eq!(
            fingerprint(&["TP101", "pool01.contoso.com"]),
            fingerprint(&["TP101", "pool01.contoso.com"])
        );
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
        // Pinned: changing the hash would silently invalidate every baseline.
        assert_eq!(fingerprint(&[""]), "af63bd4c8601b7df");
    }

    #[test]
    fn long_values_are_cut_on_a_character_boundary() {
        assert_eq!(shown("fe01.contoso.com"), "fe01.contoso.com");
        let long = "é".repeat(100);
        assert_eq!(shown(&long).chars().count(), 81);
    }

    #[test]
    fn cut_bounds_text_on_a_character_boundary() {
        assert_eq!(cut("short".to_string(), 10), "short");
        assert_eq!(cut("ééé".to_string(), 2), "éé…");
        assert_eq!(cut("x".repeat(5000), 1000).chars().count(), 1001);
        assert!(
            cut("x".repeat(5000), 10).capacity() < 100,
            "the cut text keeps no spare room"
        );
        assert_eq!(cut_str("ééé", 2), "éé…");
    }

    #[test]
    fn severities_order_by_gravity() {
        assert!(Severity::Error > Severity::Warning && Severity::Warning > Severity::Note);
    }
}
