//! The typed model rules work on: a [`Workspace`] of files, topologies and deployments.

pub mod drift;
mod fqdn;
mod lower;
pub mod placeholder;
pub mod restore;
pub mod sql_support;
pub mod topology;
pub mod valid;
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
    /// The topology exported with the last backup (`--backup-topology`), read for comparison
    /// only: it is never a deployment of its own.
    pub backup: Option<Topology>,
    /// Files read for the run that are not inputs (the configuration, the baseline): findings
    /// may point into them, but no input rule reads them.
    pub auxiliary: Vec<FileId>,
}

impl Workspace {
    /// The input files: every file but the auxiliary ones, in reading order.
    pub fn inputs(&self) -> impl Iterator<Item = &crate::source::SourceFile> {
        self.files
            .iter()
            .filter(|f| !self.auxiliary.contains(&f.id))
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Encoding;

    #[test]
    fn inputs_leave_out_the_auxiliary_files() {
        let mut ws = Workspace::default();
        let mut add = |name: &str| {
            ws.files
                .add(name.into(), name.to_string(), String::new(), Encoding::Utf8)
        };
        add("topology.xml");
        let config = add("topolint.toml");
        add("servers.csv");
        ws.auxiliary.push(config);
        let inputs: Vec<&str> = ws.inputs().map(|f| f.display.as_str()).collect();
        assert_eq!(inputs, ["topology.xml", "servers.csv"]);
    }
}
