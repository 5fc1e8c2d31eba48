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
pub(crate) use lower::lowercase;
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
    /// Files found that topolint does not read (an archive, a workbook, a CSV file that is no
    /// worksheet): until the deployments are known, all of them; then
    /// ([`crate::load::form_deployments`]) those reported leave the list, and it holds the files
    /// a walk met outside every deployment folder and skipped.
    pub unread: Vec<Unread>,
    /// XML files that could be their folder's topology but could not be read (unreadable,
    /// undecodable, ill-formed, or in no topology namespace).
    pub broken_topologies: Vec<FileId>,
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
    /// Worksheets in the folder that could not be joined with this topology, because another
    /// topology document shares the folder: its readiness cannot be judged.
    pub unjoined: usize,
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
    /// The finding's own severity, when it is not the rule's default.
    pub severity: Option<crate::finding::Severity>,
    /// What the primary label says, when it is not the rule's usual label.
    pub label: Option<String>,
    /// More places to show: in this file or another (the other topology of a folder).
    pub related: Vec<crate::finding::Label>,
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
