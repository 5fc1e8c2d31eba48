//! Reading the ZIP archives the Export-Cs* cmdlets write, with the zip crate, never trusting
//! them: the central directory is read, each member's name is checked, and only
//! `DocItemSet.xml` is inflated, after its declared size is checked against [`MAX_MEMBER_BYTES`]
//! and while reading no more than that. Nothing from an archive is ever written to disk, and no
//! member name is ever used as a path.

use std::io::{Read, Seek};

/// Largest `DocItemSet.xml` inflated (declared, and read).
pub const MAX_MEMBER_BYTES: u64 = 256 * 1024 * 1024;
/// Most members listed.
pub const MAX_MEMBERS: usize = 65_536;
/// The member holding the exported documents.
pub const DOC_ITEM_SET: &str = "DocItemSet.xml";

/// What reading an archive found.
#[derive(Debug, Default)]
pub struct Opened {
    /// Every member's name, as stored.
    pub members: Vec<String>,
    /// The bytes of `DocItemSet.xml`, when the archive has one that could be read.
    pub doc_item_set: Option<Vec<u8>>,
    /// What is wrong with the archive; empty when it is a readable ZIP.
    pub problems: Vec<Problem>,
}

/// Something wrong with an archive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Not a ZIP archive, or one whose central directory cannot be read.
    NotZip(String),
    /// More members than are listed.
    TooManyMembers(usize),
    /// A member whose name is a path out of the archive (`../x`, `/x`, `C:\x`).
    Climbs(String),
    /// A member that cannot be read (bad data, bad checksum, unsupported compression).
    Member { name: String, why: String },
    /// `DocItemSet.xml` declares or inflates to more than [`MAX_MEMBER_BYTES`].
    TooLarge { name: String, declared: u64 },
}

/// Reads an archive from `reader` (a file, or bytes in memory).
pub fn open<R: Read + Seek>(reader: R) -> Opened {
    let mut out = Opened::default();
    let mut archive = match zip::ZipArchive::new(reader) {
        Ok(a) => a,
        Err(e) => {
            out.problems.push(Problem::NotZip(e.to_string()));
            return out;
        }
    };
    if archive.len() > MAX_MEMBERS {
        out.problems.push(Problem::TooManyMembers(archive.len()));
        return out;
    }
    let mut doc = None;
    for i in 0..archive.len() {
        let Ok(member) = archive.by_index_raw(i) else {
            out.problems.push(Problem::Member {
                name: format!("#{}", i + 1),
                why: "its header cannot be read".to_string(),
            });
            continue;
        };
        let name = member.name().to_string();
        if climbs(&name) {
            out.problems.push(Problem::Climbs(name.clone()));
        }
        if name.eq_ignore_ascii_case(DOC_ITEM_SET) {
            doc.get_or_insert((i, member.size()));
        }
        out.members.push(name);
    }
    let Some((index, declared)) = doc else {
        return out;
    };
    if declared > MAX_MEMBER_BYTES {
        out.problems.push(Problem::TooLarge {
            name: DOC_ITEM_SET.to_string(),
            declared,
        });
        return out;
    }
    match archive.by_index(index) {
        Ok(member) => {
            let mut bytes = Vec::new();
            match member.take(MAX_MEMBER_BYTES + 1).read_to_end(&mut bytes) {
                Ok(n) if n as u64 > MAX_MEMBER_BYTES => out.problems.push(Problem::TooLarge {
                    name: DOC_ITEM_SET.to_string(),
                    declared,
                }),
                Ok(_) => out.doc_item_set = Some(bytes),
                Err(e) => out.problems.push(Problem::Member {
                    name: DOC_ITEM_SET.to_string(),
                    why: e.to_string(),
                }),
            }
        }
        Err(e) => out.problems.push(Problem::Member {
            name: DOC_ITEM_SET.to_string(),
            why: e.to_string(),
        }),
    }
    out
}

/// Whether a member name is a path out of the archive: absolute, with a drive, or with a `..`
/// component (with either separator).
#[must_use]
pub fn climbs(name: &str) -> bool {
    name.starts_with(['/', '\\'])
        || name.as_bytes().get(1) == Some(&b':')
        || name.split(['/', '\\']).any(|part| part == "..")
}

/// Opens the archive at `path` (a regular file: see [`super::source::open_regular`]).
#[must_use]
pub fn open_file(path: &std::path::Path) -> Opened {
    match super::source::open_regular(path) {
        Ok((file, _)) => open(std::io::BufReader::new(file)),
        Err(why) => Opened {
            problems: vec![Problem::NotZip(why)],
            ..Opened::default()
        },
    }
}
