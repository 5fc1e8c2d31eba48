//! Everything one run read: the files, the topologies and worksheets lowered from them, the
//! problems met, and the deployments they form.

use super::topology::Topology;
use super::worksheet::{Sheets, Worksheet};
use crate::input::problem::{InputProblem, Unread};
use crate::input::source::{FileId, Files};

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
    /// The Export-Cs* archives opened (a run's on a backup share, or one named with
    /// `--backup-topology`); a topology inside one is never a deployment of its own.
    pub archives: Vec<super::evidence::Archive>,
    /// Files read for the run that are not inputs (the configuration, the baseline): findings
    /// may point into them, but no input rule reads them.
    pub auxiliary: Vec<FileId>,
    /// Files found that topolint does not read (an archive, a workbook, a CSV file that is no
    /// worksheet): until the deployments are known, all of them; then
    /// ([`crate::model::load::form_deployments`]) those reported leave the list, and it holds the files
    /// a walk met outside every deployment folder and skipped.
    pub unread: Vec<Unread>,
    /// XML files that could be their folder's topology but could not be read (unreadable,
    /// undecodable, ill-formed, or in no topology namespace).
    pub broken_topologies: Vec<FileId>,
}

impl Workspace {
    /// The input files: every file but the auxiliary ones, in reading order (a workbook once,
    /// not once more for each of its sheets).
    pub fn inputs(&self) -> impl Iterator<Item = &crate::input::source::SourceFile> {
        self.files
            .iter()
            .filter(|f| !self.auxiliary.contains(&f.id) && f.sheet.is_none())
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
    /// What was read of its backup share(s) (`--backup-share`, `--read-backups`).
    pub backups: Option<super::evidence::Backups>,
    /// Index into [`Workspace::archives`] of the latest run's Export-CsConfiguration archive,
    /// when it holds a topology: the backup-time topology when `--backup-topology` is not given.
    pub archive: Option<usize>,
}

impl Deployment {
    /// Whether worksheets were found beside the topology (the readiness rules need them).
    #[must_use]
    pub fn has_worksheets(&self) -> bool {
        !self.worksheets.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::source::Encoding;

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
