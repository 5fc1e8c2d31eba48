//! Reading and decoding input files.
//!
//! Every position the tool reports is a byte span into the *decoded* text held here; lines and
//! columns (1-based, columns counted in characters) are computed from it on demand.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::input::span::Span;

/// Index of a file in [`Files`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// How the bytes of a file were encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    /// Bytes that are not UTF-8, in a worksheet: read as Windows-1252, the ANSI code page
    /// Excel's "CSV (Comma delimited)" writes in Western Europe and the Americas.
    Windows1252,
    /// A binary file (an archive, a workbook) that is not read as text.
    Binary,
    /// A sheet of an Excel workbook, laid out as text ([`crate::input::grid`]).
    Sheet,
}

impl Encoding {
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Utf8 => "UTF-8",
            Self::Utf8Bom => "UTF-8 with BOM",
            Self::Utf16Le => "UTF-16LE",
            Self::Utf16Be => "UTF-16BE",
            Self::Windows1252 => "Windows-1252",
            Self::Binary => "binary (not read as text)",
            Self::Sheet => "Excel workbook",
        }
    }
}

/// One input file: its path as shown to users and its decoded text.
#[derive(Debug)]
pub struct SourceFile {
    pub id: FileId,
    /// The path used to open the file.
    pub path: PathBuf,
    /// Relative to the working directory when possible, always with `/` separators.
    pub display: String,
    /// Decoded text (empty when the file could not be read).
    pub text: Arc<String>,
    pub encoding: Encoding,
    line_starts: OnceLock<Vec<u32>>,
    /// The number of characters before every [`CHAR_MARK`]-th byte, for columns on long lines.
    char_marks: OnceLock<Vec<u32>>,
    /// For a sheet of a workbook: which, and its header. Its text is the sheet laid out, a line
    /// for each row; `display` is the workbook's.
    pub sheet: Option<Sheet>,
}

/// A sheet of a workbook, read as a source of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sheet {
    /// The sheet's name, as the workbook gives it.
    pub name: String,
    /// The header row (1-based).
    pub header_row: usize,
    /// The header cells' texts, by column.
    pub headers: Vec<String>,
}

/// A cell of a sheet: its 1-based row and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CellAt {
    pub row: usize,
    pub column: usize,
}

impl CellAt {
    /// In A1 notation: `C7`.
    #[must_use]
    pub fn name(self) -> String {
        crate::input::grid::cell_name(self.row, self.column)
    }
}

/// Bytes between two entries of [`SourceFile`]'s character marks: a column is counted from the
/// nearest mark, never from the start of a long line (a minified document is one line).
const CHAR_MARK: usize = 1024;

/// Characters in `bytes` (valid UTF-8 cut anywhere): the bytes that do not continue a character.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

impl SourceFile {
    #[must_use]
    pub fn new(
        id: FileId,
        path: PathBuf,
        display: String,
        text: String,
        encoding: Encoding,
    ) -> Self {
        Self {
            id,
            path,
            display,
            text: Arc::new(text),
            encoding,
            line_starts: OnceLock::new(),
            char_marks: OnceLock::new(),
            sheet: None,
        }
    }

    /// The cell of a sheet a byte offset falls in (`None` for a file that is no sheet).
    #[must_use]
    pub fn cell(&self, offset: u32) -> Option<CellAt> {
        self.sheet.as_ref()?;
        let offset = crate::input::span::floor_char_boundary(&self.text, offset as usize);
        let line = self.line_index(offset);
        Some(CellAt {
            row: line + 1,
            column: crate::input::grid::column_at(
                &self.text,
                self.line_starts()[line] as usize,
                offset,
            ),
        })
    }

    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(
                self.text
                    .bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)),
            );
            starts
        })
    }

    /// 1-based line and character column of a byte offset (an offset inside a character counts
    /// as that character's).
    #[must_use]
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let text = self.text.as_str();
        let offset = crate::input::span::floor_char_boundary(text, offset as usize);
        let line = self.line_index(offset);
        let start = self.line_starts()[line] as usize;
        (
            line + 1,
            self.chars_before(offset) - self.chars_before(start) + 1,
        )
    }

    /// 1-based line of a byte offset (what [`SourceFile::line_col`] gives, without counting the
    /// column).
    #[must_use]
    pub fn line(&self, offset: u32) -> usize {
        self.line_index(crate::input::span::floor_char_boundary(
            &self.text,
            offset as usize,
        )) + 1
    }

    /// 0-based index of the line holding a byte offset.
    fn line_index(&self, offset: usize) -> usize {
        self.line_starts()
            .partition_point(|&s| s as usize <= offset)
            .saturating_sub(1)
    }

    /// The byte range of the line holding `offset`, its line break included.
    #[must_use]
    pub fn line_range(&self, offset: usize) -> std::ops::Range<usize> {
        let starts = self.line_starts();
        let line = self.line_index(offset.min(self.text.len()));
        let start = starts[line] as usize;
        let end = starts
            .get(line + 1)
            .map_or(self.text.len(), |&s| s as usize);
        start..end
    }

    /// Characters before a byte offset: counted from the nearest mark.
    fn chars_before(&self, offset: usize) -> usize {
        let bytes = self.text.as_bytes();
        let offset = offset.min(bytes.len());
        let block = offset / CHAR_MARK;
        if block == 0 {
            return count_chars(&bytes[..offset]);
        }
        let marks = self.char_marks.get_or_init(|| {
            let mut total = 0;
            let mut marks = vec![0];
            for chunk in bytes.chunks_exact(CHAR_MARK) {
                total += count_chars(chunk);
                marks.push(u32::try_from(total).unwrap_or(u32::MAX));
            }
            marks
        });
        marks[block] as usize + count_chars(&bytes[block * CHAR_MARK..offset])
    }

    /// The text covered by a span (empty if the span does not fall on character boundaries).
    #[must_use]
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
}

/// All files read in one run, addressed by [`FileId`].
#[derive(Debug, Default)]
pub struct Files {
    files: Vec<SourceFile>,
}

impl Files {
    /// Adds a file and returns its id.
    pub fn add(
        &mut self,
        path: PathBuf,
        display: String,
        text: String,
        encoding: Encoding,
    ) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files
            .push(SourceFile::new(id, path, display, text, encoding));
        id
    }

    /// Adds a sheet of a workbook: `text` is the sheet laid out by [`crate::input::grid`],
    /// `display` the workbook's path as shown.
    pub fn add_sheet(
        &mut self,
        path: PathBuf,
        display: String,
        text: String,
        sheet: Sheet,
    ) -> FileId {
        let id = self.add(path, display, text, Encoding::Sheet);
        if let Some(file) = self.files.last_mut() {
            file.sheet = Some(sheet);
        }
        id
    }

    /// The file with this id.
    ///
    /// Ids are only ever created by [`Files::add`], so every id names a file.
    #[must_use]
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn iter(&self) -> impl Iterator<Item = &SourceFile> {
        self.files.iter()
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.files.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// The result of decoding a file's bytes.
#[derive(Debug)]
pub struct Decoded {
    /// The text, with invalid sequences replaced by U+FFFD so that it can still be shown.
    pub text: String,
    pub encoding: Encoding,
    /// The first problem found, if any. A file with a problem is not parsed further.
    pub problem: Option<DecodeProblem>,
}

/// Why bytes could not be decoded, and where.
#[derive(Debug, PartialEq, Eq)]
pub struct DecodeProblem {
    /// Offset of the first bad byte in the original bytes.
    pub byte_offset: usize,
    /// Span in the decoded text (the replacement character, or the start of the text).
    pub span: Span,
    pub message: String,
    /// The text decoded fine but holds a NUL character.
    pub nul: bool,
}

/// Decodes bytes as UTF-8 (with or without BOM) or as UTF-16LE/BE announced by a BOM.
///
/// Anything else (invalid UTF-8, UTF-16 without BOM, unpaired surrogates, odd UTF-16 length,
/// NUL bytes) is reported as a [`DecodeProblem`] pointing at the first bad byte.
#[must_use]
pub fn decode(bytes: Vec<u8>) -> Decoded {
    decode_as(bytes, false)
}

/// Decodes a worksheet's bytes: as [`decode`] does, except that bytes without a BOM that are
/// not UTF-8 are read as Windows-1252 (what Excel's "CSV (Comma delimited)" writes), which
/// every byte sequence is: the text is kept, and [`Encoding::Windows1252`] says how it was read.
#[must_use]
pub fn decode_worksheet(bytes: Vec<u8>) -> Decoded {
    decode_as(bytes, true)
}

fn decode_as(mut bytes: Vec<u8>, windows_1252: bool) -> Decoded {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
        let mut decoded = decode_utf8(bytes);
        decoded.encoding = Encoding::Utf8Bom;
        if let Some(p) = &mut decoded.problem {
            p.byte_offset += 3;
        }
        return decoded;
    }
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return decode_utf16(&bytes[2..], Encoding::Utf16Le, 2);
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return decode_utf16(&bytes[2..], Encoding::Utf16Be, 2);
    }
    if let Some(le) = utf16_without_bom(&bytes) {
        let encoding = if le {
            Encoding::Utf16Le
        } else {
            Encoding::Utf16Be
        };
        let mut decoded = decode_utf16(&bytes, encoding, 0);
        decoded.problem = Some(DecodeProblem {
            byte_offset: 0,
            span: Span::at(0),
            nul: false,
            message: format!(
                "the file looks like {} without a byte-order mark; only UTF-8 and UTF-16 with a BOM are read",
                encoding.label()
            ),
        });
        return decoded;
    }
    if windows_1252 {
        return match String::from_utf8(bytes) {
            Ok(text) => utf8_text(text),
            Err(err) => {
                let bytes = err.into_bytes();
                let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes);
                let text = text.into_owned();
                let problem = nul_problem(&text, 0, "NUL byte in text: the file is binary");
                Decoded {
                    text,
                    encoding: Encoding::Windows1252,
                    problem,
                }
            }
        };
    }
    decode_utf8(bytes)
}

/// A NUL character in decoded text: a binary or mislabelled file. `prefix` is the number of
/// bytes before the text (a BOM), for the byte offset of a single-byte encoding.
fn nul_problem(text: &str, prefix: usize, message: &str) -> Option<DecodeProblem> {
    text.find('\0').map(|at| DecodeProblem {
        byte_offset: prefix + at,
        span: Span::new(at, at + 1),
        nul: true,
        message: message.to_string(),
    })
}

/// `Some(true)` for UTF-16LE-looking bytes (`<` then NUL), `Some(false)` for UTF-16BE.
fn utf16_without_bom(bytes: &[u8]) -> Option<bool> {
    match bytes {
        [first, 0, ..] if *first != 0 => Some(true),
        [0, second, ..] if *second != 0 => Some(false),
        _ => None,
    }
}

/// Text that is valid UTF-8, unless it holds a NUL character.
fn utf8_text(text: String) -> Decoded {
    let problem = nul_problem(
        &text,
        0,
        "NUL byte in text: the file is binary or not UTF-8",
    );
    Decoded {
        text,
        encoding: Encoding::Utf8,
        problem,
    }
}

fn decode_utf8(bytes: Vec<u8>) -> Decoded {
    match String::from_utf8(bytes) {
        Ok(text) => utf8_text(text),
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            let bad = err.as_bytes().get(at).copied().unwrap_or_default();
            let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
            let width = text[at..].chars().next().map_or(0, char::len_utf8);
            Decoded {
                text,
                encoding: Encoding::Utf8,
                problem: Some(DecodeProblem {
                    byte_offset: at,
                    span: Span::new(at, at + width),
                    nul: false,
                    message: format!("invalid UTF-8: byte 0x{bad:02X} at offset {at}"),
                }),
            }
        }
    }
}

fn decode_utf16(bytes: &[u8], encoding: Encoding, bom_len: usize) -> Decoded {
    let codec = if encoding == Encoding::Utf16Le {
        encoding_rs::UTF_16LE
    } else {
        encoding_rs::UTF_16BE
    };
    let mut decoder = codec.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(
        decoder
            .max_utf8_buffer_length_without_replacement(bytes.len())
            .unwrap_or(bytes.len()),
    );
    let mut problem = None;
    let mut read = 0;
    loop {
        let (result, consumed) =
            decoder.decode_to_string_without_replacement(&bytes[read..], &mut text, true);
        read += consumed;
        match result {
            encoding_rs::DecoderResult::InputEmpty => break,
            encoding_rs::DecoderResult::OutputFull => text.reserve(bytes.len() - read + 8),
            encoding_rs::DecoderResult::Malformed(bad, after) => {
                let bad = usize::from(bad);
                let start = read.saturating_sub(usize::from(after) + bad);
                if problem.is_none() {
                    let at = text.len();
                    let message = if start + bad >= bytes.len() && bad == 1 {
                        format!(
                            "invalid {}: odd number of bytes, the file is truncated",
                            encoding.label()
                        )
                    } else {
                        let unit = bytes.get(start..start + 2).map_or(0, |pair| {
                            if encoding == Encoding::Utf16Le {
                                u16::from_le_bytes([pair[0], pair[1]])
                            } else {
                                u16::from_be_bytes([pair[0], pair[1]])
                            }
                        });
                        format!(
                            "invalid {}: unpaired surrogate 0x{unit:04X}",
                            encoding.label()
                        )
                    };
                    problem = Some(DecodeProblem {
                        byte_offset: bom_len + start,
                        span: Span::new(at, at + 3),
                        nul: false,
                        message,
                    });
                }
                text.push(char::REPLACEMENT_CHARACTER);
            }
        }
    }
    if problem.is_none() {
        if let Some(at) = text.find('\0') {
            problem = Some(DecodeProblem {
                byte_offset: bom_len + text[..at].encode_utf16().count() * 2,
                span: Span::new(at, at + 1),
                nul: true,
                message: "NUL character in text: the file is binary or mislabelled".to_string(),
            });
        }
    }
    Decoded {
        text,
        encoding,
        problem,
    }
}

/// The most bytes read from one input: a topology, a worksheet, the backup-time topology. A
/// larger file is an IN001 finding, and the run goes on without it.
pub const MAX_INPUT_BYTES: u64 = 1 << 30;

/// Reads a regular file of at most `cap` bytes.
///
/// Anything else (a directory, a FIFO, a socket, a device) is refused from its metadata, before
/// it is opened; the opened file is checked again, so that a FIFO swapped in meanwhile is
/// refused too (on Unix it is opened without blocking, so that opening it cannot hang). The cap
/// is checked while reading: a file that grows, or never ends, costs at most `cap + 1` bytes.
///
/// # Errors
/// Why the file was not read, in words.
pub fn read_file(path: &Path, cap: u64) -> Result<Vec<u8>, String> {
    let (file, len) = open_regular(path)?;
    read_capped(file, len, cap)
}

/// Opens a regular file for reading, as [`read_file`] does, without reading it: the file and
/// its length.
///
/// # Errors
/// Why the file was not opened, in words.
pub fn open_regular(path: &Path) -> Result<(std::fs::File, u64), String> {
    check_regular(path)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| e.to_string())?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    Ok((file, meta.len()))
}

/// [`read_file`] for a file that must be UTF-8 text (a configuration, a baseline).
///
/// # Errors
/// As [`read_file`], and text that is not UTF-8.
pub fn read_text(path: &Path, cap: u64) -> Result<String, String> {
    String::from_utf8(read_file(path, cap)?).map_err(|e| {
        format!(
            "the file is not UTF-8 text (byte {} is not)",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Whether `path` names a regular file (following symbolic links), without opening it.
///
/// # Errors
/// What it is instead, or why its metadata could not be read.
pub fn check_regular(path: &Path) -> Result<(), String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if meta.is_file() {
        Ok(())
    } else {
        Err(not_regular(&meta))
    }
}

/// Why a file whose metadata is `meta` is not read.
fn not_regular(meta: &std::fs::Metadata) -> String {
    let kind = meta.file_type();
    let what = if kind.is_dir() {
        "a directory"
    } else {
        special_kind(kind)
    };
    format!("it is {what}, not a regular file; only regular files are read")
}

#[cfg(unix)]
fn special_kind(kind: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: std::fs::FileType) -> &'static str {
    "a special file"
}

/// Reads at most `cap` bytes from `reader`, `size` being what its metadata announced.
///
/// # Errors
/// More than `cap` bytes (the reading stops one byte past the cap), or a read error.
pub fn read_capped(reader: impl Read, size: u64, cap: u64) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::with_capacity(usize::try_from(size.min(cap)).unwrap_or(0));
    reader
        .take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > cap {
        return Err(format!(
            "the file is larger than {}, the most read from one file; it was not read",
            size_in_words(cap)
        ));
    }
    Ok(bytes)
}

/// A byte count in words: `1 GiB`, `4 MiB`, `100 bytes`.
#[must_use]
pub fn size_in_words(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => format!("{} GiB", b >> 30),
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// A path in portable form (see [`crate::input::paths`]): relative to `base` when under it, with `/`
/// separators.
#[must_use]
pub fn display_path(path: &Path, base: &Path) -> String {
    crate::input::paths::portable(
        &path.to_string_lossy(),
        &base.to_string_lossy(),
        crate::input::paths::Platform::CURRENT,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFF, 0xFE] } else { vec![] };
        out.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        out
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let plain = decode(b"<a/>".to_vec());
        assert_eq!(
            (plain.text.as_str(), plain.encoding),
            ("<a/>", Encoding::Utf8)
        );
        let bom = decode(b"\xEF\xBB\xBF<a/>".to_vec());
        assert_eq!(
            (bom.text.as_str(), bom.encoding),
            ("<a/>", Encoding::Utf8Bom)
        );
        assert!(bom.problem.is_none());
    }

    #[test]
    fn utf16_le_and_be_with_bom() {
        let le = decode(utf16le("<a>é</a>\r\n", true));
        assert_eq!(
            (le.text.as_str(), le.encoding),
            ("<a>é</a>\r\n", Encoding::Utf16Le)
        );
        assert!(le.problem.is_none());
        let mut be = vec![0xFE, 0xFF];
        be.extend("<a/>".encode_utf16().flat_map(u16::to_be_bytes));
        let be = decode(be);
        assert_eq!((be.text.as_str(), be.encoding), ("<a/>", Encoding::Utf16Be));
    }

    #[test]
    fn invalid_utf8_points_at_first_bad_byte() {
        let d = decode(b"<a>\n  x\xFFy</a>".to_vec());
        let p = d.problem.expect("problem");
        assert_eq!(p.byte_offset, 7);
        assert_eq!(&d.text[p.span.range()], "\u{FFFD}");
        assert!(p.message.contains("0xFF"), "{}", p.message);
    }

    #[test]
    fn utf16_without_bom_is_a_problem() {
        let d = decode(utf16le("<Topology/>", false));
        let p = d.problem.expect("problem");
        assert!(
            p.message.contains("without a byte-order mark"),
            "{}",
            p.message
        );
        assert_eq!(d.text, "<Topology/>");
    }

    #[test]
    fn odd_length_and_unpaired_surrogate() {
        let mut odd = utf16le("<a/>", true);
        odd.push(b'x');
        assert!(
            decode(odd)
                .problem
                .expect("odd")
                .message
                .contains("odd number")
        );
        let mut lone = vec![0xFF, 0xFE, b'<', 0];
        lone.extend(0xD800u16.to_le_bytes());
        let p = decode(lone).problem.expect("surrogate");
        assert_eq!(p.byte_offset, 4);
        assert!(p.message.contains("D800"));
    }

    #[test]
    fn an_unpaired_surrogate_inside_the_text_is_replaced_and_the_rest_kept() {
        let mut bytes = vec![0xFF, 0xFE, b'<', 0];
        bytes.extend(0xD800u16.to_le_bytes());
        bytes.extend([b'A', 0, b'B', 0]);
        let d = decode(bytes);
        assert_eq!(d.text, "<\u{FFFD}AB");
        let p = d.problem.expect("surrogate");
        assert_eq!((p.byte_offset, p.span), (4, Span::new(1, 4)));
    }

    #[test]
    fn worksheets_that_are_not_utf8_are_read_as_windows_1252() {
        // Excel's "CSV (Comma delimited)" in a Western European locale: `é` is 0xE9, `€` 0x80.
        let d = decode_worksheet(b"Caf\xE9;\x80\r\n".to_vec());
        assert_eq!(
            (d.text.as_str(), d.encoding),
            ("Café;€\r\n", Encoding::Windows1252)
        );
        assert!(d.problem.is_none());
        // UTF-8 stays UTF-8, and a topology is never guessed at.
        assert_eq!(
            decode_worksheet("é".as_bytes().to_vec()).encoding,
            Encoding::Utf8
        );
        assert!(decode(b"caf\xE9".to_vec()).problem.is_some());
        // A NUL byte is still a binary file.
        assert!(
            decode_worksheet(b"a\xE9\0".to_vec())
                .problem
                .is_some_and(|p| p.nul)
        );
    }

    #[test]
    fn nul_bytes_and_empty_input() {
        assert!(decode(b"ab\0c".to_vec()).problem.is_some());
        let empty = decode(Vec::new());
        assert!(empty.problem.is_none());
        assert_eq!(empty.text, "");
    }

    #[test]
    fn line_and_character_column() {
        let f = SourceFile::new(
            FileId(0),
            PathBuf::from("x"),
            "x".into(),
            "ab\r\nçé<x/>\n".into(),
            Encoding::Utf8,
        );
        assert_eq!(f.line_col(0), (1, 1));
        // "<x/>" starts after two 2-byte characters: byte 8, character column 3.
        assert_eq!(f.line_col(8), (2, 3));
        assert_eq!(f.line_col(1000), (3, 1));
        assert_eq!((f.line(3), f.line(4), f.line(1000)), (1, 2, 3));
        // Inside a character: that character's column.
        assert_eq!(f.line_col(5), (2, 1));
        assert_eq!(f.line_col(7), (2, 2));
        assert_eq!(f.line_range(5), 4..13);
        assert_eq!(f.line_range(13), 13..13);
    }

    #[test]
    fn columns_on_a_long_line_are_counted_from_marks() {
        let line: String = (0..5000).map(|i| ["a", "é", "匢", "😀"][i % 4]).collect();
        let text = format!("x\n{line}\n");
        let f = SourceFile::new(
            FileId(0),
            PathBuf::from("x"),
            "x".into(),
            text.clone(),
            Encoding::Utf8,
        );
        for (column, (at, _)) in text[2..].char_indices().enumerate().step_by(97) {
            let offset = u32::try_from(2 + at).expect("small");
            assert_eq!(f.line_col(offset), (2, column + 1), "byte {at}");
        }
        let end = u32::try_from(text.len() - 1).expect("small");
        assert_eq!(f.line_col(end), (2, 5001));
    }

    #[test]
    fn reads_stop_one_byte_past_the_cap() {
        // A source that never ends (as /dev/zero, or a file that keeps growing).
        let err = read_capped(std::io::repeat(b'x'), 0, 1000).expect_err("endless");
        assert!(err.contains("larger than 1000 bytes"), "{err}");
        let read = read_capped(&b"0123456789"[..], 10, 10).expect("at the cap");
        assert_eq!(read, b"0123456789");
        // The announced size does not matter: only what is read.
        assert!(read_capped(&b"0123456789"[..], 0, 9).is_err());
        assert_eq!(size_in_words(MAX_INPUT_BYTES), "1 GiB");
        assert_eq!(size_in_words(4 << 20), "4 MiB");
    }

    #[test]
    fn only_regular_files_are_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("t.xml");
        std::fs::write(&file, "0123456789").expect("write");
        assert_eq!(read_file(&file, 10).expect("read"), b"0123456789");
        let err = read_file(&file, 9).expect_err("over the cap");
        assert!(err.contains("larger than 9 bytes"), "{err}");
        let err = read_file(dir.path(), 10).expect_err("a directory");
        assert!(err.contains("it is a directory"), "{err}");
        assert!(read_file(&dir.path().join("missing"), 10).is_err());
    }

    #[cfg(unix)]
    #[test]
    #[allow(clippy::print_stderr, reason = "a skipped check says so")]
    fn fifos_sockets_and_devices_are_refused_without_opening_them() {
        let dir = tempfile::tempdir().expect("tempdir");
        let socket = dir.path().join("socket");
        let _listener = std::os::unix::net::UnixListener::bind(&socket).expect("bind");
        let err = read_file(&socket, 10).expect_err("a socket");
        assert!(err.contains("it is a socket"), "{err}");
        let err = read_file(Path::new("/dev/zero"), 10).expect_err("a device");
        assert!(err.contains("it is a character device"), "{err}");
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        if made {
            // Opening a FIFO with no writer for reading would block.
            let err = read_file(&fifo, 10).expect_err("a FIFO");
            assert!(err.contains("it is a FIFO"), "{err}");
        } else {
            eprintln!("skipped: the FIFO case: mkfifo is not available");
        }
    }

    #[test]
    fn display_paths_are_relative_with_slashes() {
        assert_eq!(
            display_path(Path::new("/w/a/b.xml"), Path::new("/w")),
            "a/b.xml"
        );
        assert_eq!(
            display_path(Path::new("./a/b.xml"), Path::new("/w")),
            "a/b.xml"
        );
        assert_eq!(
            display_path(Path::new("/elsewhere/b.xml"), Path::new("/w")),
            "/elsewhere/b.xml"
        );
    }
}
