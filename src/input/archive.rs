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
    open_capped(reader, MAX_MEMBER_BYTES)
}

/// [`open`], inflating at most `cap` bytes of `DocItemSet.xml`.
fn open_capped<R: Read + Seek>(reader: R, cap: u64) -> Opened {
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
    if declared > cap {
        out.problems.push(Problem::TooLarge {
            name: DOC_ITEM_SET.to_string(),
            declared,
        });
        return out;
    }
    match archive.by_index(index) {
        Ok(member) => {
            let mut bytes = Vec::new();
            match member.take(cap + 1).read_to_end(&mut bytes) {
                Ok(n) if n as u64 > cap => out.problems.push(Problem::TooLarge {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in members {
            writer.start_file(*name, options).expect("member");
            writer.write_all(data).expect("data");
        }
        writer.finish().expect("zip").into_inner()
    }

    /// Rewrites every uncompressed size of the (single-member) archive to `size`.
    fn lie_about_size(mut bytes: Vec<u8>, size: u32) -> Vec<u8> {
        let mut i = 0;
        while i + 30 < bytes.len() {
            let sig = u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
            let at = match sig {
                0x0403_4b50 => Some(i + 22),
                0x0201_4b50 => Some(i + 24),
                _ => None,
            };
            if let Some(at) = at {
                bytes[at..at + 4].copy_from_slice(&size.to_le_bytes());
            }
            i += 1;
        }
        bytes
    }

    #[test]
    fn the_doc_item_set_is_read_and_other_members_listed() {
        let bytes = zip_of(&[
            ("DocItemSet.xml", b"<DocItemSet/>"),
            ("meta/x.xml", b"<x/>"),
        ]);
        let opened = open(Cursor::new(bytes));
        assert!(opened.problems.is_empty(), "{:?}", opened.problems);
        assert_eq!(opened.members, ["DocItemSet.xml", "meta/x.xml"]);
        assert_eq!(opened.doc_item_set.as_deref(), Some(&b"<DocItemSet/>"[..]));
    }

    #[test]
    fn bytes_that_are_no_zip_are_a_problem() {
        for bytes in [&b""[..], b"PK\x03\x04", b"hello, world", &[0xFF; 100]] {
            let opened = open(Cursor::new(bytes.to_vec()));
            assert!(
                matches!(opened.problems[..], [Problem::NotZip(_)]),
                "{bytes:?}"
            );
        }
        // Cut in its middle: the central directory is gone.
        let whole = zip_of(&[("DocItemSet.xml", &[b'x'; 4000])]);
        let opened = open(Cursor::new(whole[..whole.len() / 2].to_vec()));
        assert!(matches!(opened.problems[..], [Problem::NotZip(_)]));
    }

    #[test]
    fn a_directory_claiming_more_members_than_it_holds_is_refused_without_allocating_for_them() {
        // A ZIP64 end record claiming 2^40 members in a file of a hundred bytes.
        let mut bytes = Vec::new();
        bytes.extend(0x0606_4b50_u32.to_le_bytes());
        bytes.extend(44_u64.to_le_bytes());
        bytes.extend([45, 0, 45, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        for value in [1_u64 << 40, 1 << 40, 1 << 40, 0] {
            bytes.extend(value.to_le_bytes());
        }
        bytes.extend(0x0706_4b50_u32.to_le_bytes());
        bytes.extend(0_u32.to_le_bytes());
        bytes.extend(0_u64.to_le_bytes());
        bytes.extend(1_u32.to_le_bytes());
        bytes.extend(0x0605_4b50_u32.to_le_bytes());
        bytes.extend([0xFF; 8]);
        bytes.extend([0xFF; 8]);
        bytes.extend([0, 0]);
        let opened = open(Cursor::new(bytes));
        assert!(
            matches!(opened.problems[..], [Problem::NotZip(_)]),
            "{:?}",
            opened.problems
        );
    }

    #[test]
    fn a_member_larger_than_the_cap_is_refused_by_its_declared_size() {
        let bytes = zip_of(&[("DocItemSet.xml", &vec![b' '; 4096])]);
        let opened = open_capped(Cursor::new(bytes), 1024);
        assert_eq!(
            opened.problems,
            [Problem::TooLarge {
                name: DOC_ITEM_SET.to_string(),
                declared: 4096
            }]
        );
        assert!(opened.doc_item_set.is_none());
    }

    #[test]
    fn a_member_lying_about_its_size_is_not_inflated_past_the_cap() {
        // Two mebibytes of spaces that claim to be 100 bytes.
        let bytes = lie_about_size(zip_of(&[("DocItemSet.xml", &vec![b' '; 2 << 20])]), 100);
        let opened = open_capped(Cursor::new(bytes), 1 << 20);
        assert_eq!(opened.problems.len(), 1, "{:?}", opened.problems);
        assert!(
            matches!(
                &opened.problems[0],
                Problem::TooLarge { .. } | Problem::Member { .. }
            ),
            "{:?}",
            opened.problems
        );
        assert!(opened.doc_item_set.is_none());
    }

    #[test]
    fn member_names_climbing_out_are_found() {
        for name in [
            "../x",
            "a/../../x",
            "..\\x",
            "/etc/x",
            "\\x",
            "C:\\x",
            "c:x",
        ] {
            assert!(climbs(name), "{name}");
        }
        for name in ["DocItemSet.xml", "a/b.xml", "..x", "x..", "a/..b/c"] {
            assert!(!climbs(name), "{name}");
        }
        let bytes = zip_of(&[("DocItemSet.xml", b"<DocItemSet/>"), ("../x", b"x")]);
        let opened = open(Cursor::new(bytes));
        assert_eq!(opened.problems, [Problem::Climbs("../x".to_string())]);
        // What is wrong with a name does not stop the archive from being read.
        assert!(opened.doc_item_set.is_some());
    }
}
