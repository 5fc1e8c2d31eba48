//! What was read of the backup runs themselves: files on a backup share (from a mapped copy or
//! mount, or the share itself), and the Export-Cs* archives opened. The `backup-listing`
//! worksheet's rows are the other source; [`crate::analysis::evidence`] reads both alike.

use std::fmt;

use super::Fqdn;
use super::stamp::Stamp;
use crate::input::source::FileId;
use crate::input::span::Span;

/// A path on a Windows file share, `\\host\share\folder\file`, compared as Windows compares
/// names: without regard to case, a single-label host matching an FQDN that starts with it.
#[derive(Clone, Debug)]
pub struct SharePath {
    pub host: Fqdn,
    /// The share, then each folder and file name, as written.
    pub names: Vec<String>,
}

impl SharePath {
    /// Reads `\\host\share[\path]` (either separator after the leading `\\`); `None` for
    /// anything else: a local path, a device path (`\\?\`, `\\.\`), a `.` or `..` name.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let rest = text.trim().strip_prefix("\\\\")?;
        let mut parts = rest.split(['\\', '/']).filter(|p| !p.is_empty());
        let host = parts.next()?.trim();
        if host == "?" || host == "." || host.contains(':') || host.contains(char::is_whitespace) {
            return None;
        }
        let names: Vec<String> = parts.map(str::to_string).collect();
        let plain = |n: &String| n != "." && n != ".." && !n.chars().any(char::is_control);
        if names.is_empty() || !names.iter().all(plain) {
            return None;
        }
        Some(Self {
            host: Fqdn::new(host),
            names,
        })
    }

    /// `\\host\share`.
    #[must_use]
    pub fn share(&self) -> Self {
        Self {
            host: self.host.clone(),
            names: self.names[..1].to_vec(),
        }
    }

    /// The last name (the file's, or the folder's).
    #[must_use]
    pub fn name(&self) -> &str {
        self.names.last().map_or("", String::as_str)
    }

    /// This path with one more name.
    #[must_use]
    pub fn join(&self, name: &str) -> Self {
        let mut names = self.names.clone();
        names.push(name.to_string());
        Self {
            host: self.host.clone(),
            names,
        }
    }

    /// Whether both name the same host: the same FQDN, or a single label and an FQDN that
    /// starts with it.
    #[must_use]
    pub fn same_host(&self, other: &Self) -> bool {
        let (a, b) = (self.host.as_str(), other.host.as_str());
        if a == b {
            return true;
        }
        let first = |h: &str| h.split('.').next().unwrap_or(h).to_string();
        (!a.contains('.') || !b.contains('.')) && first(a) == first(b)
    }

    /// Whether this path is `folder` or below it.
    #[must_use]
    pub fn within(&self, folder: &Self) -> bool {
        self.same_host(folder)
            && self.names.len() >= folder.names.len()
            && self
                .names
                .iter()
                .zip(&folder.names)
                .all(|(a, b)| same_name(a, b))
    }

    /// The names below `folder`, when this path is within it.
    #[must_use]
    pub fn below<'p>(&'p self, folder: &Self) -> Option<&'p [String]> {
        self.within(folder)
            .then(|| &self.names[folder.names.len()..])
    }
}

/// Whether two file or folder names are the same name on Windows (case-insensitively).
#[must_use]
pub fn same_name(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.eq_ignore_ascii_case(b) || a.to_lowercase() == b.to_lowercase()
}

impl PartialEq for SharePath {
    fn eq(&self, other: &Self) -> bool {
        self.names.len() == other.names.len() && self.within(other)
    }
}

impl fmt::Display for SharePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\\\\{}", self.host)?;
        for name in &self.names {
            write!(f, "\\{name}")?;
        }
        Ok(())
    }
}

/// A file on a backup share, as read.
#[derive(Clone, Debug)]
pub struct ShareFile {
    pub path: SharePath,
    pub size: u64,
    pub time: Option<Stamp>,
    /// Where it was read, as shown (`backups/2026-11-20/CsConfiguration.zip`).
    pub shown: String,
    /// The path it was read at.
    pub local: std::path::PathBuf,
}

/// One folder of a backup share read, and what reading it found.
#[derive(Clone, Debug)]
pub struct ShareFolder {
    pub path: SharePath,
    /// Where it was read, as shown.
    pub shown: String,
    pub state: FolderState,
}

/// What reading a folder found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FolderState {
    /// Read: its files are in [`Backups::files`]. `cut_short` when the walk stopped at its caps.
    Read { cut_short: bool, links: usize },
    /// Not there.
    Missing,
    /// Not entered: a link, a file, a name that is no plain folder name.
    Refused(String),
    /// The file system refused.
    Error(String),
}

/// What was read of one deployment's backup share(s).
#[derive(Clone, Debug, Default)]
pub struct Backups {
    /// The folders read, in the order read.
    pub folders: Vec<ShareFolder>,
    /// The folders found directly in a location the worksheets name (to find the newest dated
    /// one), each with its parent.
    pub subfolders: Vec<SharePath>,
    /// Every regular file met, sorted by path.
    pub files: Vec<ShareFile>,
}

/// An Export-Cs* archive opened.
#[derive(Debug)]
pub struct Archive {
    /// The archive file (binary: findings point at the file).
    pub file: FileId,
    /// Its `DocItemSet.xml`, decoded, when read.
    pub member: Option<FileId>,
    /// Which cmdlet wrote it, as the worksheets say (`Export-CsConfiguration`); `None` for an
    /// archive named on the command line.
    pub cmdlet: Option<&'static str>,
    /// The worksheet cell that names it.
    pub named_at: Option<(FileId, Span)>,
    /// What is wrong with it: empty when it is a readable ZIP.
    pub problems: Vec<String>,
    /// Where in `DocItemSet.xml` a problem is, when it is there.
    pub problem_span: Option<Span>,
    /// The topology inside, for an Export-CsConfiguration archive (taken out into
    /// [`super::Workspace::backup`] when the archive is `--backup-topology`'s).
    pub topology: Option<super::Topology>,
    /// Whether `DocItemSet.xml` holds a topology.
    pub has_topology: bool,
    /// Index into [`super::Workspace::deployments`] of the deployment whose run it is in.
    pub deployment: Option<usize>,
}
