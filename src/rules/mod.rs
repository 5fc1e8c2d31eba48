//! The rule catalogue: one file per rule, registered by one line in [`ALL`].
//!
//! A rule file declares its metadata and documentation with [`declare_rule!`], implements a
//! check over the [`Context`] (typed model values with spans; never raw XML, never printing),
//! and carries its unit tests.

use std::collections::BTreeMap;

use crate::config::Options;
use crate::finding::{Draft, Finding, Label, Severity, cut};
use crate::model::worksheet::Kind;
use crate::model::{Deployment, InputProblem, ProblemKind, Product, Sheets, Topology, Workspace};
use crate::source::SourceFile;

mod bk201_backup_share_in_pool;
mod bk202_backup_share_reused;
mod bk203_backup_destination_local;
mod bk204_user_data_backup_missing;
mod bk205_cms_backup_missing;
mod bk206_rgs_config_backup_missing;
mod bk207_archiving_monitoring_backup_missing;
mod bk208_persistent_chat_backup_missing;
mod bk209_file_store_backup_missing;
mod bk210_meeting_active_not_excluded;
mod bk211_backup_schedule_missing;
mod bk212_backup_stale;
mod bk213_backup_set_expiring;
mod bk214_worksheet_unknown_server;
mod bk215_worksheet_field_blank;
mod bk216_unneeded_database_backup;
mod dr501_fqdn_changed_since_backup;
mod dr502_file_store_path_changed;
mod dr503_sql_instance_changed;
mod dr504_cms_moved;
mod dr505_added_since_backup;
mod ha401_mirror_without_witness;
mod ha402_witness_on_partner_host;
mod ha403_mirror_on_same_host;
mod ha404_mirror_version_mismatch;
mod ha405_mirror_cross_domain;
mod ha406_mirror_port_conflict;
mod ha407_mirroring_unsupported;
mod ha412_shared_witness;
mod ha413_witness_shares_partner_fate;
mod in001_io_error;
mod in002_decode_error;
mod in003_xml_syntax;
mod in004_unrecognized_document;
mod in005_worksheet_syntax;
mod in006_unresolved_placeholder;
mod in007_stale_exemption;
mod in008_ambiguous_deployment;
mod in009_invalid_value;
mod rs301_no_same_fqdn_replacement;
mod rs302_sql_instance_unrecorded;
mod rs303_certificate_not_backed_up;
mod rs304_certificate_expiring;
mod rs305_sql_version_unsupported;
mod rs306_computer_account_not_retained;
mod tp101_duplicate_fqdn;
mod tp102_dangling_reference;
mod tp103_missing_fqdn;
mod tp104_single_label_host;
mod tp105_no_central_management_store;
mod tp106_file_store_on_front_end;
mod tp107_shared_sql_backend;
mod tp108_legacy_pool_present;

#[cfg(test)]
pub(crate) mod test_util;

/// Every rule, sorted by code.
pub static ALL: &[&RuleDef] = &[
    &bk201_backup_share_in_pool::RULE,
    &bk202_backup_share_reused::RULE,
    &bk203_backup_destination_local::RULE,
    &bk204_user_data_backup_missing::RULE,
    &bk205_cms_backup_missing::RULE,
    &bk206_rgs_config_backup_missing::RULE,
    &bk207_archiving_monitoring_backup_missing::RULE,
    &bk208_persistent_chat_backup_missing::RULE,
    &bk209_file_store_backup_missing::RULE,
    &bk210_meeting_active_not_excluded::RULE,
    &bk211_backup_schedule_missing::RULE,
    &bk212_backup_stale::RULE,
    &bk213_backup_set_expiring::RULE,
    &bk214_worksheet_unknown_server::RULE,
    &bk215_worksheet_field_blank::RULE,
    &bk216_unneeded_database_backup::RULE,
    &dr501_fqdn_changed_since_backup::RULE,
    &dr502_file_store_path_changed::RULE,
    &dr503_sql_instance_changed::RULE,
    &dr504_cms_moved::RULE,
    &dr505_added_since_backup::RULE,
    &ha401_mirror_without_witness::RULE,
    &ha402_witness_on_partner_host::RULE,
    &ha403_mirror_on_same_host::RULE,
    &ha404_mirror_version_mismatch::RULE,
    &ha405_mirror_cross_domain::RULE,
    &ha406_mirror_port_conflict::RULE,
    &ha407_mirroring_unsupported::RULE,
    &ha412_shared_witness::RULE,
    &ha413_witness_shares_partner_fate::RULE,
    &in001_io_error::RULE,
    &in002_decode_error::RULE,
    &in003_xml_syntax::RULE,
    &in004_unrecognized_document::RULE,
    &in005_worksheet_syntax::RULE,
    &in006_unresolved_placeholder::RULE,
    &in007_stale_exemption::RULE,
    &in008_ambiguous_deployment::RULE,
    &in009_invalid_value::RULE,
    &rs301_no_same_fqdn_replacement::RULE,
    &rs302_sql_instance_unrecorded::RULE,
    &rs303_certificate_not_backed_up::RULE,
    &rs304_certificate_expiring::RULE,
    &rs305_sql_version_unsupported::RULE,
    &rs306_computer_account_not_retained::RULE,
    &tp101_duplicate_fqdn::RULE,
    &tp102_dangling_reference::RULE,
    &tp103_missing_fqdn::RULE,
    &tp104_single_label_host::RULE,
    &tp105_no_central_management_store::RULE,
    &tp106_file_store_on_front_end::RULE,
    &tp107_shared_sql_backend::RULE,
    &tp108_legacy_pool_present::RULE,
];

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
    /// deployment, and only when a backup-time topology is given (`--backup-topology`).
    Drift,
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

/// A rule: its metadata and its check.
pub struct RuleDef {
    pub meta: RuleMeta,
    pub check: fn(&Context<'_>, &mut Emitter<'_>),
}

/// What a check sees: the whole workspace and, except for input rules, one deployment.
pub struct Context<'a> {
    pub workspace: &'a Workspace,
    pub deployment: Option<&'a Deployment>,
    pub options: &'a Options,
    /// Exemptions and baseline entries that waive nothing (for IN007; empty for other rules).
    pub stale: &'a [crate::waiver::Stale],
}

impl<'a> Context<'a> {
    /// The deployment's worksheets, merged by kind (empty for input rules).
    #[must_use]
    pub fn sheets(&self) -> &'a Sheets {
        static EMPTY: std::sync::LazyLock<Sheets> = std::sync::LazyLock::new(Sheets::default);
        self.deployment.map_or(&EMPTY, |d| &d.sheets)
    }

    /// The product the rules assume: `[options] product`, else the topology's.
    #[must_use]
    pub fn product(&self) -> Product {
        self.options
            .product
            .or_else(|| self.topology().map(Topology::product))
            .unwrap_or(Product::Unknown)
    }

    /// The deployment's topology (none for input rules).
    #[must_use]
    pub fn topology(&self) -> Option<&'a Topology> {
        self.deployment
            .map(|d| &self.workspace.topologies[d.topology])
    }

    /// The topology exported with the last backup (`--backup-topology`); none for input rules
    /// and when no backup-time topology was given.
    #[must_use]
    pub fn backup(&self) -> Option<&'a Topology> {
        self.deployment.and(self.workspace.backup.as_ref())
    }

    /// The deployment's topology, the backup-time one, and how they differ (DR rules).
    #[must_use]
    pub fn drift(&self) -> Option<Drift<'a>> {
        let now = self.topology()?;
        let then = self.backup()?;
        Some(Drift {
            now,
            then,
            diff: crate::model::drift::diff(then, now),
        })
    }

    #[must_use]
    pub fn file(&self, topology: &Topology) -> &'a SourceFile {
        self.workspace.files.get(topology.file)
    }

    /// Input problems of one kind, with their files.
    pub fn problems(
        &self,
        kind: ProblemKind,
    ) -> impl Iterator<Item = (&'a InputProblem, &'a SourceFile)> {
        let ws = self.workspace;
        ws.problems
            .iter()
            .filter(move |p| p.kind == kind)
            .map(move |p| (p, ws.files.get(p.file)))
    }
}

/// Today's topology, the one exported with the last backup, and their differences.
pub struct Drift<'a> {
    pub now: &'a Topology,
    pub then: &'a Topology,
    pub diff: crate::model::drift::Diff,
}

/// Collects a rule's drafts, and the entities it checked (for JUnit's passing test cases).
pub struct Emitter<'a> {
    pub(crate) drafts: &'a mut Vec<Draft>,
    /// `None` when no report shows the checked entities ([`Options::record_checked`]).
    ///
    /// [`Options::record_checked`]: crate::config::Options::record_checked
    pub(crate) checked: Option<&'a mut Vec<String>>,
}

impl Emitter<'_> {
    /// Reports a finding; its entity counts as checked.
    pub fn emit(&mut self, draft: Draft) {
        if let Some(checked) = self.checked.as_deref_mut() {
            checked.push(crate::finding::cut_str(&draft.entity, MAX_ENTITY_CHARS));
        }
        self.drafts.push(draft);
    }

    /// Records that the rule looked at `entity` (named as its findings would name it), whether
    /// or not it found anything.
    pub fn checked(&mut self, entity: impl AsRef<str>) {
        if let Some(checked) = self.checked.as_deref_mut() {
            // Cut as the entity of a finding is, so that the two still match (and copied only
            // as far as it is kept).
            checked.push(crate::finding::cut_str(entity.as_ref(), MAX_ENTITY_CHARS));
        }
    }

    /// Whether [`Emitter::checked`] records anything: a rule that must work to name what it
    /// checked can skip that work otherwise.
    #[must_use]
    pub fn records_checked(&self) -> bool {
        self.checked.is_some()
    }
}

/// Drafts keyed by entity, so that two findings of one rule never share one: a later finding
/// about the same entity becomes a related location of the first (or takes its place, when it
/// is more severe).
pub(crate) struct Unique {
    default: Severity,
    drafts: BTreeMap<String, Draft>,
}

impl Unique {
    /// No drafts yet; `default` is the rule's severity, for drafts that set none.
    pub(crate) fn new(default: Severity) -> Self {
        Self {
            default,
            drafts: BTreeMap::new(),
        }
    }

    /// Adds a draft; `again` labels its place when the entity already has a finding.
    pub(crate) fn push(&mut self, mut draft: Draft, again: &str) {
        let severity = |d: &Draft| d.severity.unwrap_or(self.default);
        // The entity moves into the key (it is put back when the draft is emitted): a value of
        // megabytes is not copied.
        let entity = std::mem::take(&mut draft.entity);
        match self.drafts.remove(&entity) {
            None => {
                self.drafts.insert(entity, draft);
            }
            Some(first) => {
                let (mut kept, other) = if severity(&draft) > severity(&first) {
                    (draft, first)
                } else {
                    (first, draft)
                };
                if let Some(label) = other.primary {
                    kept = kept.also(label.file, label.span, again);
                }
                self.drafts.insert(entity, kept);
            }
        }
    }

    /// Emits the drafts, sorted by entity.
    pub(crate) fn emit(self, out: &mut Emitter<'_>) {
        for (entity, mut draft) in self.drafts {
            draft.entity = entity;
            out.emit(draft);
        }
    }
}

/// Points a finding about a missing worksheet row at where the row would go: the header of the
/// deployment's first worksheet of `kind`, labelled `none_here`. When the deployment has no such
/// worksheet, the message says so instead (`: the deployment has no database worksheet`).
pub(crate) fn missing_row(
    draft: Draft,
    sheets: &Sheets,
    kind: Kind,
    none_here: impl Into<String>,
) -> Draft {
    match sheets.header(kind) {
        Some((file, span)) => draft.also(file, span, none_here),
        None => {
            let mut draft = draft;
            draft.message.push_str(&format!(
                ": the deployment has no {} worksheet",
                kind.name()
            ));
            draft
        }
    }
}

/// A number of days in words: `1 day`, `19 days`.
pub(crate) fn days(n: i64) -> String {
    if n == 1 {
        "1 day".to_string()
    } else {
        format!("{n} days")
    }
}

/// Parts of a sentence joined with commas and a final `and`: `a`, `a and b`, `a, b and c`.
pub(crate) fn and_list(parts: &[String]) -> String {
    match parts.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

/// Records the input files with one of `extensions` (every input file when none is given) as
/// checked, by their display path, as the input rules' findings name them.
pub(crate) fn checked_inputs(cx: &Context<'_>, out: &mut Emitter<'_>, extensions: &[&str]) {
    for file in cx.workspace.inputs() {
        let extension = file.path.extension().and_then(|e| e.to_str());
        let wanted = extensions.is_empty()
            || extension.is_some_and(|e| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)));
        if wanted {
            out.checked(&file.display);
        }
    }
}

/// Reports every input problem of one kind: the input rules differ only in wording.
pub(crate) fn report_problems(
    cx: &Context<'_>,
    out: &mut Emitter<'_>,
    kind: ProblemKind,
    label: &str,
    message: impl Fn(&InputProblem, &SourceFile) -> String,
) {
    for (problem, file) in cx.problems(kind) {
        let mut draft = Draft::new(&file.display, message(problem, file)).at(
            problem.file,
            problem.span,
            problem.label.as_deref().unwrap_or(label),
        );
        if let Some(help) = &problem.help {
            draft = draft.help(help.clone());
        }
        if let Some(severity) = problem.severity {
            draft = draft.severity(severity);
        }
        for related in &problem.related {
            draft = draft.also(related.file, related.span, related.message.clone());
        }
        out.emit(draft);
    }
}

/// Finds a rule by code or name (case-insensitive).
#[must_use]
pub fn find(key: &str) -> Option<&'static RuleDef> {
    ALL.iter()
        .copied()
        .find(|r| r.meta.code.eq_ignore_ascii_case(key) || r.meta.name.eq_ignore_ascii_case(key))
}

/// The closest code or name to a mistyped one, if any is close.
#[must_use]
pub fn suggest(key: &str) -> Option<&'static str> {
    let key = key.to_ascii_lowercase();
    ALL.iter()
        .flat_map(|r| [r.meta.code, r.meta.name])
        .map(|cand| {
            (
                strsim::damerau_levenshtein(&key, &cand.to_ascii_lowercase()),
                cand,
            )
        })
        .filter(|(d, cand)| *d <= 2.max(cand.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, cand)| cand)
}

/// Longest entity kept (an FQDN has at most 255 characters, a UNC path rarely more).
pub(crate) const MAX_ENTITY_CHARS: usize = 1024;
/// Longest message or help kept.
const MAX_MESSAGE_CHARS: usize = 2000;
/// Longest label kept.
const MAX_LABEL_CHARS: usize = 500;

/// Stamps a finding with its rule (used by the engine).
pub(crate) fn stamp(
    rule: &'static RuleMeta,
    draft: Draft,
    severity: Severity,
    scope: &str,
) -> Finding {
    let fingerprint =
        crate::finding::fingerprint(&[rule.code, scope, &crate::model::lowercase(&draft.entity)]);
    // A finding's own severity applies unless the configuration changed the rule's.
    let severity = match draft.severity {
        Some(own) if severity == rule.severity => own,
        _ => severity,
    };
    // Whatever a rule quoted, a finding stays readable: a hostile 32 MB value is cut (the
    // fingerprint above still tells entities apart by their whole text).
    let bounded = |label: Label| Label {
        message: cut(label.message, MAX_LABEL_CHARS),
        ..label
    };
    Finding {
        rule,
        severity,
        help: cut(
            draft.help.unwrap_or_else(|| rule.help.to_string()),
            MAX_MESSAGE_CHARS,
        ),
        entity: cut(draft.entity, MAX_ENTITY_CHARS),
        message: cut(draft.message, MAX_MESSAGE_CHARS),
        primary: draft.primary.map(bounded),
        secondary: draft.secondary.into_iter().map(bounded).collect(),
        fingerprint,
        suppression: None,
        state: draft.state,
    }
}

/// Declares a rule: its doc comments become its documentation page.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub static RULE = {
            code: $code:literal,
            name: $name:literal,
            severity: $severity:ident,
            scope: $scope:ident,
            summary: $summary:literal,
            help: $help:literal,
            check: $check:path $(,)?
        }
    ) => {
        pub static RULE: $crate::rules::RuleDef = $crate::rules::RuleDef {
            meta: $crate::rules::RuleMeta {
                code: $code,
                name: $name,
                severity: $crate::finding::Severity::$severity,
                scope: $crate::rules::Scope::$scope,
                summary: $summary,
                help: $help,
                docs: concat!($($doc, "\n"),*),
            },
            check: $check,
        };
    };
}
pub(crate) use declare_rule;

/// What rule files import.
pub(crate) mod prelude {
    pub(crate) use super::{
        Context, Drift, Emitter, Unique, and_list, checked_inputs, days, declare_rule, missing_row,
        report_problems,
    };
    pub(crate) use crate::finding::Draft;
    pub(crate) use crate::model::ProblemKind;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;
    use crate::span::Span;

    fn draft(entity: &str, line: usize) -> Draft {
        Draft::new(entity, format!("about {entity}")).at(FileId(0), Span::at(line), "here")
    }

    #[test]
    fn stamp_cuts_huge_text_but_fingerprints_all_of_it() {
        let huge = format!("{}.contoso.com", "a".repeat(1 << 20));
        let other = format!("{}b.contoso.com", "a".repeat(1 << 20));
        let rule = &ALL[0].meta;
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
    fn unique_keeps_one_draft_per_entity_preferring_the_more_severe() {
        let mut drafts = Unique::new(Severity::Warning);
        drafts.push(draft("b", 1), "again");
        drafts.push(draft("a", 2), "again");
        drafts.push(draft("b", 3).severity(Severity::Error), "again");
        let mut out = Vec::new();
        drafts.emit(&mut Emitter {
            drafts: &mut out,
            checked: Some(&mut Vec::new()),
        });
        let entities: Vec<&str> = out.iter().map(|d| d.entity.as_str()).collect();
        assert_eq!(entities, ["a", "b"]);
        let b = &out[1];
        assert_eq!(b.severity, Some(Severity::Error));
        assert_eq!(b.primary.as_ref().map(|l| l.span), Some(Span::at(3)));
        assert_eq!(b.secondary.len(), 1);
        assert_eq!(b.secondary[0].span, Span::at(1));
        assert_eq!(b.secondary[0].message, "again");
    }

    #[test]
    fn a_missing_row_points_at_the_worksheet_header_or_says_there_is_none() {
        let mut sheets = Sheets::default();
        let none = missing_row(draft("x", 0), &sheets, Kind::Database, "no row here");
        assert_eq!(
            none.message,
            "about x: the deployment has no database worksheet"
        );
        assert!(none.secondary.is_empty());
        sheets
            .headers
            .push((Kind::Database, FileId(1), Span::new(0, 8)));
        let some = missing_row(draft("x", 0), &sheets, Kind::Database, "no row here");
        assert_eq!(some.message, "about x");
        assert_eq!(some.secondary[0].file, FileId(1));
        assert_eq!(some.secondary[0].message, "no row here");
    }

    #[test]
    fn days_and_lists_in_words() {
        assert_eq!(
            (days(1), days(0), days(19)),
            ("1 day".into(), "0 days".into(), "19 days".into())
        );
        let list =
            |parts: &[&str]| and_list(&parts.iter().map(ToString::to_string).collect::<Vec<_>>());
        assert_eq!(list(&[]), "");
        assert_eq!(list(&["a"]), "a");
        assert_eq!(list(&["a", "b"]), "a and b");
        assert_eq!(list(&["a", "b", "c"]), "a, b and c");
    }
}
