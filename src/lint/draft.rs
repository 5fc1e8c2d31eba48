//! What a rule reports, before the engine stamps it with the rule's identity: a [`Draft`] about
//! an entity, with the places it points at.

use serde::Serialize;

pub use crate::input::problem::{Label, Severity};
use crate::input::source::FileId;
use crate::input::span::Span;

/// Longest entity kept (an FQDN has at most 255 characters, a UNC path rarely more).
pub(crate) const MAX_ENTITY_CHARS: usize = 1024;
/// Longest message or help kept.
pub(crate) const MAX_MESSAGE_CHARS: usize = 2000;
/// Longest label kept.
pub(crate) const MAX_LABEL_CHARS: usize = 500;

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
