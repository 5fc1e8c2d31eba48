//! A rule's identity and documentation, and what it looks at.

use super::draft::Severity;

/// What a rule looks at, which decides when it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Problems found while reading files; runs once per run.
    Input,
    /// One topology document; runs for every deployment.
    Topology,
    /// A topology joined with its worksheets; runs only for deployments that have worksheets.
    Deployment,
    /// A topology compared with the one exported with the last backup; runs for every
    /// deployment that has one (`--backup-topology`, or the latest run's
    /// Export-CsConfiguration archive).
    Drift,
    /// The backup runs themselves; runs for every deployment with evidence of them (a
    /// `backup-listing` worksheet, a share read, an archive opened).
    Evidence,
    /// The run's exemptions and baseline, after every other rule; runs once per run.
    Waivers,
}

/// A rule's identity and documentation.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable code, never reused (`TP101`).
    pub code: &'static str,
    /// Stable kebab-case name (`duplicate-fqdn`).
    pub name: &'static str,
    pub severity: Severity,
    pub scope: Scope,
    /// One line, lower-case start, no trailing period.
    pub summary: &'static str,
    /// General advice, used when a finding has none more specific.
    pub help: &'static str,
    /// Markdown body: what it checks, why it breaks a restore, example, how to fix, source.
    pub docs: &'static str,
}

impl RuleMeta {
    /// The family prefix (`TP`), also the rule category.
    #[must_use]
    pub fn prefix(&self) -> &'static str {
        self.code.get(..2).unwrap_or(self.code)
    }

    /// The category the prefix stands for.
    #[must_use]
    pub fn category(&self) -> &'static str {
        match self.prefix() {
            "IN" => "input",
            "TP" => "topology structure",
            "BK" => "backup coverage",
            "RS" => "restore readiness",
            "HA" => "SQL mirroring high availability",
            "DR" => "drift since the backup",
            "EV" => "evidence from the backup runs",
            _ => "other",
        }
    }

    /// Where the rule's page lives.
    #[must_use]
    pub fn url(&self) -> String {
        format!(
            "{}/blob/main/rules/{}.md",
            env!("CARGO_PKG_REPOSITORY"),
            self.code
        )
    }

    /// The TechNet IDs of the Microsoft pages its `## Source` section cites (`Hh202184`,
    /// `JJ205248`), each once, in the order cited.
    #[must_use]
    pub fn sources(&self) -> Vec<&'static str> {
        let section = self
            .docs
            .split_once("## Source")
            .map_or("", |(_, rest)| rest);
        let mut ids: Vec<&'static str> = Vec::new();
        for word in section.split(|c: char| !c.is_ascii_alphanumeric()) {
            let bytes = word.as_bytes();
            let is_id = bytes.len() == 8
                && bytes[..2].iter().all(u8::is_ascii_alphabetic)
                && bytes[0].is_ascii_uppercase()
                && bytes[2..].iter().all(u8::is_ascii_digit);
            if is_id && !ids.contains(&word) {
                ids.push(word);
            }
        }
        ids
    }

    /// The documentation body with the one leading space of each doc-comment line removed.
    #[must_use]
    pub fn docs_markdown(&self) -> String {
        let mut out = String::new();
        for line in self.docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim().to_string()
    }
}
