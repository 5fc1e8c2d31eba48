//! Finding input files: named files are always read; directories are walked in sorted order,
//! skipping hidden and ignored entries (`.gitignore`, `.ignore`) and never following symlinks.

use std::path::{Path, PathBuf};

use crate::input::paths::{self, Platform};

/// A file to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub path: PathBuf,
    /// Named on the command line (rather than found in a directory).
    pub explicit: bool,
}

/// A directory entry that could not be visited.
#[derive(Clone, Debug)]
pub struct WalkError {
    pub path: PathBuf,
    pub message: String,
}

/// File name endings a directory walk considers: topologies, worksheets (CSV, Excel's "Unicode
/// Text", workbooks) and the archives the Export-Cs* cmdlets write.
pub const EXTENSIONS: &[&str] = &["xml", "tbxml", "csv", "txt", "xlsx", "xlsm", "zip"];

/// The endings of the files that join a topology named on the command line: what can sit in
/// its deployment folder besides the topology itself.
pub const BESIDE_A_TOPOLOGY: &[&str] = &["csv", "txt", "xlsx", "xlsm", "zip"];

/// A path named on the command line that cannot be read: as the user wrote it, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotFound {
    pub path: String,
    pub reason: String,
}

/// Expands paths (relative ones resolved against `cwd`) into input files.
///
/// # Errors
/// A path that does not exist ends the run; it is reported as the user wrote it.
pub fn discover(
    paths: &[PathBuf],
    cwd: &Path,
    no_ignore: bool,
) -> Result<(Vec<Input>, Vec<WalkError>), NotFound> {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for given in paths {
        let path = cwd.join(given);
        let meta = std::fs::metadata(&path).map_err(|e| NotFound {
            path: given.display().to_string(),
            reason: e.to_string(),
        })?;
        if meta.is_dir() {
            walk(&path, no_ignore, &mut inputs, &mut errors);
        } else {
            inputs.push(Input {
                path,
                explicit: true,
            });
        }
    }
    dedup(&mut inputs);
    Ok((inputs, errors))
}

/// Reads a file named twice, or named and also found by a walk, once (named wins), then puts the
/// inputs in path order. Spellings of one path that the platform treats as the same (on Windows
/// `Deploy\TOPOLOGY.xml` and `deploy\topology.xml`) sort together by their [`paths::key`];
/// other routes to one file (a symlink) are caught by [`same_file`] where they sort together.
fn dedup(inputs: &mut Vec<Input>) {
    let mut keyed: Vec<(String, Input)> = inputs
        .drain(..)
        .map(|i| (paths::key(&i.path.to_string_lossy(), Platform::CURRENT), i))
        .collect();
    keyed.sort_by(|(ka, a), (kb, b)| ka.cmp(kb).then(b.explicit.cmp(&a.explicit)));
    keyed.dedup_by(|(kl, later), (kf, first)| kl == kf || same_file(&later.path, &first.path));
    inputs.extend(keyed.into_iter().map(|(_, i)| i));
    inputs.sort_by(|a, b| a.path.cmp(&b.path));
}

/// The files beside a topology named on the command line that belong to its deployment (its
/// worksheets, workbooks and archives), as a walk of its folder would find them, without
/// descending into subfolders; `known` are inputs already read, left out.
#[must_use]
pub fn beside(topology: &Path, no_ignore: bool, known: &[Input]) -> (Vec<Input>, Vec<WalkError>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    let Some(dir) = topology.parent() else {
        return (inputs, errors);
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    walk_with(
        dir,
        no_ignore,
        Some(1),
        BESIDE_A_TOPOLOGY,
        &mut inputs,
        &mut errors,
    );
    // Each path resolved once: a file named and also beside is read once.
    let resolved = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let known: std::collections::BTreeSet<PathBuf> =
        known.iter().map(|k| resolved(&k.path)).collect();
    inputs.retain(|i| !known.contains(&resolved(&i.path)));
    (inputs, errors)
}

fn walk(dir: &Path, no_ignore: bool, inputs: &mut Vec<Input>, errors: &mut Vec<WalkError>) {
    walk_with(dir, no_ignore, None, EXTENSIONS, inputs, errors);
}

fn walk_with(
    dir: &Path,
    no_ignore: bool,
    depth: Option<usize>,
    extensions: &[&str],
    inputs: &mut Vec<Input>,
    errors: &mut Vec<WalkError>,
) {
    let filters = !no_ignore;
    let walker = ignore::WalkBuilder::new(dir)
        .hidden(filters)
        .ignore(filters)
        .git_ignore(filters)
        .git_exclude(filters)
        .parents(filters)
        .git_global(false)
        .require_git(false)
        .follow_links(false)
        .max_depth(depth)
        .sort_by_file_name(Ord::cmp)
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                if is_file && has_extension(entry.path(), extensions) {
                    inputs.push(Input {
                        path: entry.into_path(),
                        explicit: false,
                    });
                }
            }
            Err(err) => errors.push(WalkError {
                path: error_path(&err).unwrap_or_else(|| dir.to_path_buf()),
                message: err.to_string(),
            }),
        }
    }
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

pub use crate::input::identity::same_file;

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(path: &Path) {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, "<x/>").expect("write");
    }

    #[test]
    fn walks_sorted_skipping_hidden_ignored_and_other_extensions() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        for name in [
            "b/topology.xml",
            "a/t.tbxml",
            "a/w.CSV",
            "a/backup.zip",
            "a/book.xlsx",
            "notes.txt",
            "readme.md",
            ".hidden/x.xml",
            "build/x.xml",
        ] {
            touch(&root.join(name));
        }
        std::fs::write(root.join(".gitignore"), "build/\n").expect("gitignore");
        let (inputs, errors) = discover(&[root.to_path_buf()], root, false).expect("discover");
        assert!(errors.is_empty());
        let names: Vec<_> = inputs
            .iter()
            .map(|i| {
                i.path
                    .strip_prefix(root)
                    .expect("under root")
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        assert_eq!(
            names,
            [
                "a/backup.zip",
                "a/book.xlsx",
                "a/t.tbxml",
                "a/w.CSV",
                "b/topology.xml",
                "notes.txt"
            ]
        );

        let (all, _) = discover(&[root.to_path_buf()], root, true).expect("discover");
        assert_eq!(
            all.len(),
            8,
            "--no-ignore includes hidden and ignored entries"
        );
    }

    #[test]
    fn beside_a_named_topology_are_its_folders_worksheets_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        for name in [
            "d/topology.xml",
            "d/other.xml",
            "d/servers.csv",
            "d/book.xlsx",
            "d/sub/deeper.csv",
            "d/.hidden.csv",
        ] {
            touch(&root.join(name));
        }
        let named = Input {
            path: root.join("d/topology.xml"),
            explicit: true,
        };
        let also_named = Input {
            path: root.join("d/servers.csv"),
            explicit: true,
        };
        let (found, errors) = beside(&named.path, false, &[named.clone(), also_named]);
        assert!(errors.is_empty());
        let names: Vec<String> = found
            .iter()
            .map(|i| {
                i.path
                    .file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(names, ["book.xlsx"]);
        assert!(found.iter().all(|i| !i.explicit));
    }

    #[test]
    fn named_files_are_always_read_and_missing_paths_are_fatal() {
        let dir = tempfile::tempdir().expect("tempdir");
        let odd = dir.path().join(".hidden.txt");
        touch(&odd);
        let (inputs, _) =
            discover(&[odd.clone(), odd.clone()], dir.path(), false).expect("discover");
        assert_eq!(
            inputs,
            [Input {
                path: odd,
                explicit: true
            }]
        );
        match discover(&[PathBuf::from("missing.xml")], dir.path(), false) {
            Err(NotFound { path, .. }) => assert_eq!(path, "missing.xml"),
            other => panic!("expected a missing path, got {other:?}"),
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_not_followed() {
        let dir = tempfile::tempdir().expect("tempdir");
        touch(&dir.path().join("a/t.xml"));
        std::os::unix::fs::symlink(dir.path(), dir.path().join("a/loop")).expect("symlink");
        let (inputs, _) =
            discover(&[dir.path().to_path_buf()], dir.path(), false).expect("discover");
        assert_eq!(inputs.len(), 1);
    }
}
