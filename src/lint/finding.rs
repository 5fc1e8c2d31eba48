//! Findings: what rules report, stamped with the rule's identity, as plain data (file ids and
//! spans, no source text).

use super::draft::{
    Draft, Label, MAX_ENTITY_CHARS, MAX_LABEL_CHARS, MAX_MESSAGE_CHARS, Severity, State,
};
use super::meta::RuleMeta;
use crate::input::text::cut_owned;

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
    pub expires: crate::model::date::Date,
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

/// Stamps a finding with its rule (used by the engine).
pub fn stamp(rule: &'static RuleMeta, draft: Draft, severity: Severity, scope: &str) -> Finding {
    let fingerprint = fingerprint(&[rule.code, scope, &crate::model::lowercase(&draft.entity)]);
    // A finding's own severity applies unless the configuration changed the rule's.
    let severity = match draft.severity {
        Some(own) if severity == rule.severity => own,
        _ => severity,
    };
    // Whatever a rule quoted, a finding stays readable: a hostile 32 MB value is cut (the
    // fingerprint above still tells entities apart by their whole text).
    let bounded = |label: Label| Label {
        message: cut_owned(label.message, MAX_LABEL_CHARS + 1),
        ..label
    };
    Finding {
        rule,
        severity,
        help: cut_owned(
            draft.help.unwrap_or_else(|| rule.help.to_string()),
            MAX_MESSAGE_CHARS + 1,
        ),
        entity: cut_owned(draft.entity, MAX_ENTITY_CHARS + 1),
        message: cut_owned(draft.message, MAX_MESSAGE_CHARS + 1),
        primary: draft.primary.map(bounded),
        secondary: draft.secondary.into_iter().map(bounded).collect(),
        fingerprint,
        suppression: None,
        state: draft.state,
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
    use crate::input::source::FileId;
    use crate::input::span::Span;

    #[test]
    fn stamp_cuts_huge_text_but_fingerprints_all_of_it() {
        let huge = format!("{}.contoso.com", "a".repeat(1 << 20));
        let other = format!("{}b.contoso.com", "a".repeat(1 << 20));
        let rule = &crate::rules::ALL[0].meta;
        let stamped = |entity: &str| {
            let d = Draft::new(entity, entity)
                .at(FileId(0), Span::at(0), entity)
                .also(FileId(0), Span::at(1), entity)
                .help(entity);
            stamp(rule, d, rule.severity, ".")
        };
        let f = stamped(&huge);
        assert_eq!(f.entity.chars().count(), MAX_ENTITY_CHARS + 1);
        assert_eq!(f.message.chars().count(), MAX_MESSAGE_CHARS + 1);
        assert_eq!(f.help.chars().count(), MAX_MESSAGE_CHARS + 1);
        for label in f.primary.iter().chain(&f.secondary) {
            assert_eq!(label.message.chars().count(), MAX_LABEL_CHARS + 1);
        }
        assert_ne!(f.fingerprint, stamped(&other).fingerprint);
        assert_eq!(stamped("fe01.contoso.com").entity, "fe01.contoso.com");
    }

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
}
