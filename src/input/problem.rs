//! What can go wrong with an input, as plain data: the input rules report each problem as a
//! finding, and the run goes on.

use serde::{Deserialize, Serialize};

use crate::input::source::FileId;
use crate::input::span::Span;

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

/// A file found but not read as a topology or worksheet: what topolint took it for and why.
#[derive(Clone, Debug)]
pub struct Unread {
    pub file: FileId,
    /// Named on the command line (reported as an error), or met in a walk (reported as a
    /// warning, and only in a deployment folder).
    pub explicit: bool,
    pub span: Span,
    /// What the label at `span` says, when not the rule's usual label.
    pub label: Option<String>,
    pub message: String,
    pub help: String,
    /// More places in the file worth pointing at (header cells that nearly match a column).
    pub labels: Vec<(Span, String)>,
}

/// What went wrong while reading a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// The file could not be read.
    Io,
    /// The bytes are not valid UTF-8 or UTF-16 with a BOM.
    Decode,
    /// The XML is not well-formed.
    Xml,
    /// A named file is neither a topology nor a worksheet.
    Unrecognized,
    /// A worksheet is malformed: CSV structure, a missing column, a value that cannot be read.
    Worksheet,
    /// Worksheets beside no topology document, or beside several.
    Ambiguous,
}

#[derive(Clone, Debug)]
pub struct InputProblem {
    pub kind: ProblemKind,
    pub file: FileId,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
    /// The finding's own severity, when it is not the rule's default.
    pub severity: Option<Severity>,
    /// What the primary label says, when it is not the rule's usual label.
    pub label: Option<String>,
    /// More places to show: in this file or another (the other topology of a folder).
    pub related: Vec<Label>,
}

impl InputProblem {
    /// A problem of `kind` at `span`, with the rule's severity and label.
    #[must_use]
    pub fn new(
        kind: ProblemKind,
        file: FileId,
        span: Span,
        message: String,
        help: Option<String>,
    ) -> Self {
        Self {
            kind,
            file,
            span,
            message,
            help,
            severity: None,
            label: None,
            related: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_order_by_gravity() {
        assert!(Severity::Error > Severity::Warning && Severity::Warning > Severity::Note);
    }
}
