//! The typed model rules work on: a [`Workspace`] of files, topologies and deployments.

mod fqdn;
mod lower;
pub mod placeholder;
pub mod restore;
pub mod sql_support;
pub mod topology;
pub mod values;
pub mod worksheet;

pub use fqdn::Fqdn;
pub use lower::{Recognized, lower, read};
pub use topology::{Form, Host, HostRef, PoolRole, Product, Topology};
pub use worksheet::{Sheets, Worksheet};

use crate::source::{FileId, Files};
use crate::span::Span;

/// Everything read in one run.
#[derive(Debug, Default)]
pub struct Workspace {
    pub files: Files,
    pub topologies: Vec<Topology>,
    pub worksheets: Vec<Worksheet>,
    /// Problems met while reading files; the input rules report them.
    pub problems: Vec<InputProblem>,
    pub deployments: Vec<Deployment>,
}

/// One topology document and the worksheets beside it.
#[derive(Debug)]
pub struct Deployment {
    /// Index into [`Workspace::topologies`].
    pub topology: usize,
    /// The directory, as displayed (`.` for the working directory).
    pub dir: String,
    /// Indices into [`Workspace::worksheets`] of the worksheets beside the topology.
    pub worksheets: Vec<usize>,
    /// Their rows, merged by kind.
    pub sheets: Sheets,
}

impl Deployment {
    /// Whether worksheets were found beside the topology (the readiness rules need them).
    #[must_use]
    pub fn has_worksheets(&self) -> bool {
        !self.worksheets.is_empty()
    }
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
}
