//! Whether two paths name the same file, whatever the spelling: a symlink, a `..`, another case
//! on Windows, a hard link. Used so that no output replaces a file the run reads, and so that a
//! file named twice is read once.
//!
//! On Unix a file is its device and inode number, read without opening it (a FIFO would
//! block). On Windows it is the volume serial number and file index (read through a handle
//! with `winapi-util`), or, when no handle can be opened, the canonical path compared without
//! regard to case.

use std::path::{Path, PathBuf};

/// What identifies an existing file.
#[derive(Debug, PartialEq, Eq)]
pub struct Identity(Inner);

#[derive(Debug, PartialEq, Eq)]
enum Inner {
    #[cfg(unix)]
    Inode { dev: u64, ino: u64 },
    #[cfg(windows)]
    Index { volume: u64, index: u64 },
    /// The canonical path, lower-cased where the file system ignores case.
    #[cfg(not(unix))]
    Path(PathBuf),
}

impl Identity {
    /// The identity of the file `path` names (symlinks followed), or `None` when it does not
    /// exist or cannot be reached.
    #[must_use]
    pub fn of(path: &Path) -> Option<Self> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let meta = std::fs::metadata(path).ok()?;
            Some(Self(Inner::Inode {
                dev: meta.dev(),
                ino: meta.ino(),
            }))
        }
        #[cfg(not(unix))]
        {
            #[cfg(windows)]
            if let Ok(info) = winapi_util::Handle::from_path_any(path)
                .and_then(|handle| winapi_util::file::information(&handle))
            {
                return Some(Self(Inner::Index {
                    volume: info.volume_serial_number(),
                    index: info.file_index(),
                }));
            }
            let canonical = path.canonicalize().ok()?;
            let folded = if cfg!(any(windows, target_os = "macos")) {
                PathBuf::from(canonical.to_string_lossy().to_lowercase())
            } else {
                canonical
            };
            Some(Self(Inner::Path(folded)))
        }
    }
}

/// Whether `a` and `b` name the same existing file (or are the same path).
#[must_use]
pub fn same_file(a: &Path, b: &Path) -> bool {
    a == b || matches!((Identity::of(a), Identity::of(b)), (Some(x), Some(y)) if x == y)
}

/// The first of `reads` that `path` would replace, if any.
#[must_use]
pub fn replaces<'a>(path: &Path, reads: &'a [(PathBuf, Identity)]) -> Option<&'a Path> {
    let target = Identity::of(path)?;
    reads
        .iter()
        .find(|(_, id)| *id == target)
        .map(|(p, _)| p.as_path())
}

/// The identities of the files a run reads (those that exist).
#[must_use]
pub fn of_all<'a>(paths: impl IntoIterator<Item = &'a Path>) -> Vec<(PathBuf, Identity)> {
    paths
        .into_iter()
        .filter_map(|p| Identity::of(p).map(|id| (p.to_path_buf(), id)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_spelling_of_a_file_is_the_same_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("topology.xml");
        std::fs::write(&file, "<x/>").expect("write");
        std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
        let other = dir.path().join("sub").join("..").join("topology.xml");
        assert!(same_file(&file, &other));
        let sibling = dir.path().join("other.xml");
        std::fs::write(&sibling, "<x/>").expect("write");
        assert!(!same_file(&file, &sibling));
        assert!(!same_file(&file, &dir.path().join("missing.xml")));
        let reads = of_all([file.as_path()]);
        assert_eq!(replaces(&other, &reads), Some(file.as_path()));
        assert_eq!(replaces(&sibling, &reads), None);
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_and_hard_links_are_the_file_they_reach() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("servers.csv");
        std::fs::write(&file, "x").expect("write");
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&file, &link).expect("symlink");
        let hard = dir.path().join("hard.csv");
        std::fs::hard_link(&file, &hard).expect("hard link");
        assert!(same_file(&file, &link));
        assert!(same_file(&file, &hard));
    }
}
