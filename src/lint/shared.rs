//! What several rule checks share: one finding per entity, pointing at where a missing row
//! would go, input problems as findings, days in words.

use std::collections::BTreeMap;

use crate::input::problem::{InputProblem, ProblemKind};
use crate::input::source::SourceFile;
use crate::lint::draft::{Draft, Severity};
use crate::lint::rule::{Context, Emitter};
use crate::model::Sheets;
use crate::model::worksheet::Kind;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::source::FileId;
    use crate::input::span::Span;

    fn draft(entity: &str, line: usize) -> Draft {
        Draft::new(entity, format!("about {entity}")).at(FileId(0), Span::at(line), "here")
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
    fn days_in_words() {
        assert_eq!(
            (days(1), days(0), days(19)),
            ("1 day".into(), "0 days".into(), "19 days".into())
        );
    }
}
