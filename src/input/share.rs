//! Reading a backup share through a local copy or mount (`--backup-share UNC=DIR`), or as it is
//! (`--read-backups`): only the folders asked for, only regular files, never through a link.
//!
//! A folder is reached from the mapped directory one name at a time, each name checked to be a
//! plain folder name (no `..`, no drive, no separator) and each step checked to be a directory
//! that is not a link (a symlink, or on Windows a junction): nothing outside the mapped
//! directory is ever read. A walk visits at most [`MAX_ENTRIES`] entries, [`MAX_DEPTH`] folders
//! deep; what it could not visit is counted, never guessed at. Nothing is written, and files
//! are not opened (their size and time come from the directory entry).

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Most directory entries one walk visits.
pub const MAX_ENTRIES: usize = 200_000;
/// Deepest folder a walk enters, below the folder it starts from.
pub const MAX_DEPTH: usize = 32;

/// A regular file met in a walk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    /// The names from the walked folder down to the file.
    pub names: Vec<String>,
    pub size: u64,
    /// The last write time, when the platform gives one.
    pub modified: Option<SystemTime>,
}

/// What reaching a folder found.
#[derive(Debug, PartialEq, Eq)]
pub enum Reached {
    /// The folder is there.
    Folder(PathBuf),
    /// Nothing of that name (at `depth` names below the mapped directory).
    Missing { depth: usize },
    /// Something that cannot be entered: a file, a link, a name that is not a plain folder name.
    Refused { depth: usize, why: String },
    /// The file system refused (permissions, a lost mount).
    Error(String),
}

/// Reaches `names` below `base` (the mapped directory, which may itself be a link or mount
/// point: the user chose it), one plain name at a time.
#[must_use]
pub fn reach(base: &Path, names: &[String]) -> Reached {
    match std::fs::metadata(base) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Reached::Refused {
                depth: 0,
                why: "it is not a directory".to_string(),
            };
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Reached::Missing { depth: 0 },
        Err(e) => return Reached::Error(e.to_string()),
    }
    let mut path = base.to_path_buf();
    for (i, name) in names.iter().enumerate() {
        if !plain_name(name) {
            return Reached::Refused {
                depth: i + 1,
                why: format!("`{name}` is not a plain folder name"),
            };
        }
        path.push(name);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => {
                return Reached::Refused {
                    depth: i + 1,
                    why: "it is a link, which is never followed".to_string(),
                };
            }
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Reached::Refused {
                    depth: i + 1,
                    why: "it is a file, not a folder".to_string(),
                };
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Reached::Missing { depth: i + 1 };
            }
            Err(e) => return Reached::Error(e.to_string()),
        }
    }
    Reached::Folder(path)
}

/// Whether `name` is one plain file or folder name: not empty, not `.` or `..`, without a path
/// separator, a drive or stream colon, or a control character.
#[must_use]
pub fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', ':'])
        && !name.chars().any(char::is_control)
}

/// The folders directly in `dir` (not links), sorted; at most [`MAX_ENTRIES`] entries read.
///
/// # Errors
/// The directory cannot be read.
pub fn folders(dir: &Path) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| e.to_string())?;
    for entry in entries.take(MAX_ENTRIES) {
        let Ok(entry) = entry else { continue };
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() && !kind.is_symlink() {
            if let Ok(name) = entry.file_name().into_string() {
                out.push(name);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// What a walk found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Walk {
    /// Regular files, in sorted order of their names.
    pub files: Vec<Seen>,
    /// Links met and not followed.
    pub links: usize,
    /// Folders that could not be read, with the reason.
    pub unreadable: Vec<(Vec<String>, String)>,
    /// The walk stopped at [`MAX_ENTRIES`] entries or [`MAX_DEPTH`] folders deep: files may be
    /// missing from it.
    pub cut_short: bool,
}

/// Walks `dir` (reached with [`reach`]): every regular file below it, never through a link.
/// The walk keeps its own stack, so no folder depth reaches the call stack.
#[must_use]
pub fn walk(dir: &Path) -> Walk {
    let mut out = Walk::default();
    let mut visited = 0usize;
    // (path, names below `dir`)
    let mut stack: Vec<(PathBuf, Vec<String>)> = vec![(dir.to_path_buf(), Vec::new())];
    while let Some((path, names)) = stack.pop() {
        let entries = match std::fs::read_dir(&path) {
            Ok(entries) => entries,
            Err(e) => {
                out.unreadable.push((names, e.to_string()));
                continue;
            }
        };
        let mut here: Vec<(String, std::fs::FileType, Option<std::fs::Metadata>)> = Vec::new();
        for entry in entries {
            visited += 1;
            if visited > MAX_ENTRIES {
                out.cut_short = true;
                break;
            }
            let Ok(entry) = entry else { continue };
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            let meta = if kind.is_file() {
                entry.metadata().ok()
            } else {
                None
            };
            here.push((name, kind, meta));
        }
        // Sorted, and folders pushed in reverse so that they are visited in order.
        here.sort_by(|a, b| a.0.cmp(&b.0));
        let mut subfolders = Vec::new();
        for (name, kind, meta) in here {
            let mut below = names.clone();
            below.push(name.clone());
            if kind.is_symlink() {
                out.links += 1;
            } else if kind.is_dir() {
                if names.len() + 1 > MAX_DEPTH {
                    out.cut_short = true;
                } else {
                    subfolders.push((path.join(&name), below));
                }
            } else if kind.is_file() {
                if let Some(meta) = meta {
                    out.files.push(Seen {
                        names: below,
                        size: meta.len(),
                        modified: meta.modified().ok(),
                    });
                }
            }
        }
        if out.cut_short && visited > MAX_ENTRIES {
            break;
        }
        stack.extend(subfolders.into_iter().rev());
    }
    out.files.sort_by(|a, b| a.names.cmp(&b.names));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn only_plain_names_are_followed() {
        let dir = tempfile::tempdir().expect("dir");
        std::fs::create_dir_all(dir.path().join("run/filestore")).expect("dirs");
        assert_eq!(
            reach(dir.path(), &names(&["run", "filestore"])),
            Reached::Folder(dir.path().join("run/filestore"))
        );
        for bad in ["..", ".", "a/b", "a\\b", "C:", "", "x\u{7}"] {
            assert!(
                matches!(
                    reach(dir.path(), &names(&["run", bad])),
                    Reached::Refused { depth: 2, .. }
                ),
                "{bad:?}"
            );
        }
        assert_eq!(
            reach(dir.path(), &names(&["run", "missing"])),
            Reached::Missing { depth: 2 }
        );
        std::fs::write(dir.path().join("run/file"), b"x").expect("file");
        assert!(matches!(
            reach(dir.path(), &names(&["run", "file"])),
            Reached::Refused { .. }
        ));
    }

    #[test]
    fn a_walk_lists_regular_files_in_order() {
        let dir = tempfile::tempdir().expect("dir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("b/c")).expect("dirs");
        std::fs::write(root.join("b/c/deep.bak"), b"12345").expect("file");
        std::fs::write(root.join("a.zip"), b"").expect("file");
        let walk = walk(root);
        let found: Vec<(Vec<String>, u64)> = walk
            .files
            .iter()
            .map(|s| (s.names.clone(), s.size))
            .collect();
        assert_eq!(
            found,
            [(names(&["a.zip"]), 0), (names(&["b", "c", "deep.bak"]), 5)]
        );
        assert!(!walk.cut_short);
        assert!(walk.files.iter().all(|s| s.modified.is_some()));
    }

    #[cfg(unix)]
    #[test]
    fn links_are_never_followed() {
        let outside = tempfile::tempdir().expect("dir");
        std::fs::write(outside.path().join("secret.bak"), b"secret").expect("file");
        let dir = tempfile::tempdir().expect("dir");
        let root = dir.path();
        std::fs::create_dir(root.join("run")).expect("dir");
        std::os::unix::fs::symlink(outside.path(), root.join("run/out")).expect("link");
        std::os::unix::fs::symlink(outside.path().join("secret.bak"), root.join("run/s.bak"))
            .expect("link");
        std::os::unix::fs::symlink(outside.path(), root.join("linked")).expect("link");
        let walk = walk(&root.join("run"));
        assert!(walk.files.is_empty(), "{:?}", walk.files);
        assert_eq!(walk.links, 2);
        assert!(matches!(
            reach(root, &names(&["linked"])),
            Reached::Refused { depth: 1, .. }
        ));
        assert!(matches!(
            reach(root, &names(&["run", "out"])),
            Reached::Refused { depth: 2, .. }
        ));
        assert_eq!(
            folders(&root.join("run")).expect("read"),
            Vec::<String>::new()
        );
    }
}
