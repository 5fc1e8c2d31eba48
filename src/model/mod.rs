//! The typed model rules work on: a [`Workspace`] of files, topologies and deployments.

mod fqdn;
mod lower;
pub mod placeholder;
pub mod topology;

pub use fqdn::Fqdn;
pub use lower::{Recognized, lower};
pub use topology::{Form, Host, HostRef, PoolRole, Product, Topology};

use crate::source::{FileId, Files};
use crate::span::Span;

/// Everything read in one run.
#[derive(Debug, Default)]
pub struct Workspace {
    pub files: Files,
    pub topologies: Vec<Topology>,
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
    /// Whether worksheets were found beside the topology (the readiness rules need them).
    pub has_worksheets: bool,
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
}

#[derive(Clone, Debug)]
pub struct InputProblem {
    pub kind: ProblemKind,
    pub file: FileId,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}
