//! What a rule is: its metadata and its check ([`RuleDef`], declared with [`declare_rule!`]),
//! what the check sees ([`Context`]: typed model values with spans, never raw XML), and how it
//! reports ([`Emitter`]). The rules themselves, and their registry, are the next stage
//! (`crate::rules`); the engine takes the registry as a [`Registry`].

use super::draft::{Draft, MAX_ENTITY_CHARS};
use super::meta::RuleMeta;
use super::options::Options;
use super::waiver::Stale;
use crate::analysis::drift::{self, Diff};
use crate::analysis::evidence::Evidence;
use crate::analysis::facts::Facts;
use crate::analysis::restore::Server;
use crate::input::problem::{InputProblem, ProblemKind};
use crate::input::source::SourceFile;
use crate::input::text::cut;
use crate::model::{Deployment, Product, Sheets, Topology, Workspace};

/// A rule: its metadata and its check.
pub struct RuleDef {
    pub meta: RuleMeta,
    pub check: fn(&Context<'_>, &mut Emitter<'_>),
}

/// What a check sees: the whole workspace and, except for input rules, one deployment.
pub struct Context<'a> {
    pub workspace: &'a Workspace,
    pub deployment: Option<&'a Deployment>,
    /// What analysis derives from the deployment's topology (none for input rules).
    pub facts: Option<&'a Facts<'a>>,
    pub options: &'a Options,
    /// Exemptions and baseline entries that waive nothing (for IN007; empty for other rules).
    pub stale: &'a [Stale],
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

    /// The servers a restore of the deployment would rebuild (none for input rules).
    #[must_use]
    pub fn servers(&self) -> &'a [Server] {
        self.facts.map_or(&[], Facts::servers)
    }

    /// The deployment's topology (none for input rules).
    #[must_use]
    pub fn topology(&self) -> Option<&'a Topology> {
        self.deployment
            .map(|d| &self.workspace.topologies[d.topology])
    }

    /// The topology exported with the last backup (`--backup-topology`, else the one inside the
    /// latest run's Export-CsConfiguration archive); none for input rules and when there is
    /// none.
    #[must_use]
    pub fn backup(&self) -> Option<&'a Topology> {
        let d = self.deployment?;
        self.workspace.backup.as_ref().or_else(|| {
            d.archive
                .and_then(|i| self.workspace.archives.get(i))
                .and_then(|a| a.topology.as_ref())
        })
    }

    /// The index of the deployment in [`Workspace::deployments`] (none for input rules).
    #[must_use]
    pub fn deployment_index(&self) -> Option<usize> {
        let d = self.deployment?;
        self.workspace
            .deployments
            .iter()
            .position(|other| std::ptr::eq(other, d))
    }

    /// What the evidence of the backup runs shows of the deployment (EV rules): `None` for
    /// input rules, and when there is no evidence (no `backup-listing` worksheet, no share
    /// read).
    #[must_use]
    pub fn evidence(&self) -> Option<&'a Evidence> {
        let d = self.deployment?;
        self.facts?.evidence(d)
    }

    /// The deployment's topology, the backup-time one, and how they differ (DR rules).
    #[must_use]
    pub fn drift(&self) -> Option<Drift<'a>> {
        let now = self.topology()?;
        let then = self.backup()?;
        Some(Drift {
            now,
            then,
            diff: drift::diff(then, now),
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
    pub diff: Diff,
}

/// Collects a rule's drafts, and the entities it checked (for JUnit's passing test cases).
pub struct Emitter<'a> {
    pub(crate) drafts: &'a mut Vec<Draft>,
    /// `None` when no report shows the checked entities ([`Options::record_checked`]).
    ///
    /// [`Options::record_checked`]: crate::lint::options::Options::record_checked
    pub(crate) checked: Option<&'a mut Vec<String>>,
}

impl Emitter<'_> {
    /// Reports a finding; its entity counts as checked.
    pub fn emit(&mut self, draft: Draft) {
        if let Some(checked) = self.checked.as_deref_mut() {
            checked.push(cut(&draft.entity, MAX_ENTITY_CHARS + 1).into_owned());
        }
        self.drafts.push(draft);
    }

    /// Records that the rule looked at `entity` (named as its findings would name it), whether
    /// or not it found anything.
    pub fn checked(&mut self, entity: impl AsRef<str>) {
        if let Some(checked) = self.checked.as_deref_mut() {
            // Cut as the entity of a finding is, so that the two still match (and copied only
            // as far as it is kept).
            checked.push(cut(entity.as_ref(), MAX_ENTITY_CHARS + 1).into_owned());
        }
    }

    /// Whether [`Emitter::checked`] records anything: a rule that must work to name what it
    /// checked can skip that work otherwise.
    #[must_use]
    pub fn records_checked(&self) -> bool {
        self.checked.is_some()
    }
}

/// The rules a run knows: the registry of the rules stage, in code order.
#[derive(Clone, Copy)]
pub struct Registry(pub &'static [&'static RuleDef]);

impl Registry {
    pub fn iter(self) -> impl Iterator<Item = &'static RuleDef> {
        self.0.iter().copied()
    }

    /// A rule by code or name (case-insensitive).
    #[must_use]
    pub fn find(self, key: &str) -> Option<&'static RuleDef> {
        self.iter().find(|r| {
            r.meta.code.eq_ignore_ascii_case(key) || r.meta.name.eq_ignore_ascii_case(key)
        })
    }

    /// The closest code or name to a mistyped one, if any is close.
    #[must_use]
    pub fn suggest(self, key: &str) -> Option<&'static str> {
        let key = key.to_ascii_lowercase();
        self.iter()
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

    /// A rule's place in the registry (SARIF's `ruleIndex`).
    #[must_use]
    pub fn position(self, code: &str) -> Option<usize> {
        self.iter().position(|r| r.meta.code == code)
    }
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.iter().map(|r| r.meta.code))
            .finish()
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
        pub static RULE: $crate::lint::rule::RuleDef = $crate::lint::rule::RuleDef {
            meta: $crate::lint::meta::RuleMeta {
                code: $code,
                name: $name,
                severity: $crate::lint::draft::Severity::$severity,
                scope: $crate::lint::meta::Scope::$scope,
                summary: $summary,
                help: $help,
                docs: concat!($($doc, "\n"),*),
            },
            check: $check,
        };
    };
}
pub(crate) use declare_rule;
