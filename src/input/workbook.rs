//! Excel workbooks (`.xlsx`, `.xlsm`): the archive checked, then each sheet's cells read with
//! calamine into [`GridCell`]s, values as text.
//!
//! Nothing is inflated before the archive's declared sizes are checked: more than
//! [`MAX_UNPACKED`] bytes in all, more than [`MAX_ENTRIES`] parts, or a part that would grow more
//! than [`MAX_RATIO`] times, and the workbook is refused.
//! The deflate decoder does not stop at the declared size, so each part is then inflated once,
//! into nothing, up to one byte past its declared size: a part that would grow past it is refused
//! too. Only then does calamine read the workbook, from the same bytes. calamine reserves room
//! for as many shared strings as `sharedStrings.xml` announces: an announcement its part cannot
//! hold is refused first. The streaming cell reader is used (never a dense range, which a cell
//! at XFD1048576 would make 17 billion cells large), and formulas are never expanded or
//! evaluated: a formula cell is read by the value Excel saved with it.
//!
//! A password-protected workbook is not a ZIP archive but an OLE compound file holding an
//! `EncryptedPackage` stream; it is recognised by that stream's name, without parsing the
//! compound file.

use std::io::{self, Cursor, Read};

use calamine::{DataRef, Reader, SheetType, Xlsx, XlsxError};

use super::grid::{CellProblem, GridCell};

/// The largest workbook file read.
pub const MAX_FILE_BYTES: u64 = 256 << 20;
/// The most bytes all parts of a workbook may inflate to.
pub const MAX_UNPACKED: u64 = 1 << 30;
/// The most parts (files) a workbook may hold.
pub const MAX_ENTRIES: usize = 65_536;
/// The most a part may inflate, in times its packed size, once it is over [`MIN_BOMB`] bytes
/// (a worksheet's XML packs 5 to 30 times).
pub const MAX_RATIO: u64 = 100;
/// Parts this small are never taken for a bomb, whatever their ratio.
pub const MIN_BOMB: u64 = 1 << 20;
/// The most non-blank cells read from one workbook.
pub const MAX_CELLS: usize = 4_000_000;

/// Why a workbook is not read at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not an Office Open XML workbook: what it is instead, and what to do.
    NotAWorkbook { what: String, help: String },
    /// Encrypted with a password to open.
    Encrypted,
    /// Damaged, or made to exhaust memory: why, as a clause (`it is not a readable ZIP
    /// archive...`).
    Unreadable(String),
}

/// One sheet of a workbook, read.
#[derive(Debug)]
pub struct Sheet {
    pub name: String,
    /// The cells, or why the sheet could not be read.
    pub cells: Result<Vec<GridCell>, String>,
}

/// Reads a workbook's sheets (worksheets only: chart and dialog sheets hold no cells).
///
/// # Errors
/// The bytes are not a workbook, are encrypted, or cannot be read.
pub fn read(bytes: &[u8]) -> Result<Vec<Sheet>, Refusal> {
    if bytes.starts_with(&OLE) {
        return Err(if contains(bytes, &utf16("EncryptedPackage")) {
            Refusal::Encrypted
        } else {
            Refusal::NotAWorkbook {
                what: "an OLE compound file, not an Office Open XML workbook: an Excel 97-2003 workbook (.xls) under another name?".to_string(),
                help: "open it in Excel and save it as Excel Workbook (*.xlsx)".to_string(),
            }
        });
    }
    if !bytes.starts_with(b"PK\x03\x04") && !bytes.starts_with(b"PK\x05\x06") {
        return Err(Refusal::NotAWorkbook {
            what: "not a ZIP archive, which every .xlsx and .xlsm workbook is".to_string(),
            help: "save the workbook from Excel as Excel Workbook (*.xlsx); a CSV file belongs under a .csv name".to_string(),
        });
    }
    check_archive(bytes)?;
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(|e| match e {
        XlsxError::FileNotFound(_) | XlsxError::RelationshipNotFound => Refusal::NotAWorkbook {
            what: "a ZIP archive with no Excel workbook inside".to_string(),
            help: "keep only workbooks saved by Excel (*.xlsx, *.xlsm) under those names"
                .to_string(),
        },
        XlsxError::Password => Refusal::Encrypted,
        other => Refusal::Unreadable(format!("its workbook part cannot be read ({other})")),
    })?;
    let names: Vec<String> = workbook
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect();
    let mut budget = MAX_CELLS;
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let cells = read_sheet(&mut workbook, &name, &mut budget);
        sheets.push(Sheet { name, cells });
    }
    Ok(sheets)
}

/// The first bytes of an OLE compound file.
const OLE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fn utf16(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// The archive's declared sizes, then each part inflated up to one byte past its declared
/// size, and the shared strings' announced count.
fn check_archive(bytes: &[u8]) -> Result<(), Refusal> {
    let unreadable = |e: zip::result::ZipError| {
        Refusal::Unreadable(format!(
            "it is not a readable ZIP archive, which every workbook is ({e})"
        ))
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    if archive.len() > MAX_ENTRIES {
        return Err(Refusal::Unreadable(format!(
            "it holds {} parts; topolint reads workbooks of at most {MAX_ENTRIES}",
            archive.len()
        )));
    }
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let part = archive.by_index_raw(i).map_err(unreadable)?;
        let (size, packed) = (part.size(), part.compressed_size());
        if size > MIN_BOMB && size / MAX_RATIO > packed {
            return Err(Refusal::Unreadable(format!(
                "its part `{}` would inflate {packed} bytes to {size}, more than {MAX_RATIO} times: no workbook's XML packs that tight, an archive bomb does",
                crate::input::text::shown(part.name())
            )));
        }
        total = total.saturating_add(size);
    }
    if total > MAX_UNPACKED {
        return Err(Refusal::Unreadable(format!(
            "its parts would inflate to {total} bytes; topolint refuses more than {MAX_UNPACKED} (1 GiB) before inflating anything"
        )));
    }
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).map_err(unreadable)?;
        let declared = part.size();
        let name = part.name().to_string();
        let inflated =
            io::copy(&mut (&mut part).take(declared + 1), &mut io::sink()).map_err(|e| {
                Refusal::Unreadable(format!(
                    "its part `{}` cannot be inflated ({e})",
                    crate::input::text::shown(&name)
                ))
            })?;
        if inflated > declared {
            return Err(Refusal::Unreadable(format!(
                "its part `{}` inflates past the {declared} bytes the archive declares for it (a damaged archive, or one made to exhaust memory)",
                crate::input::text::shown(&name)
            )));
        }
        drop(part);
        if is_part(&name, "xl/sharedStrings.xml") {
            let mut part = archive.by_index(i).map_err(unreadable)?;
            if let Some(count) = announced_strings(&mut part) {
                // A shared string takes at least `<si/>`: five bytes.
                if count > declared / 5 + 1 {
                    return Err(Refusal::Unreadable(format!(
                        "its shared strings announce {count} strings, more than their {declared} bytes can hold"
                    )));
                }
            }
        }
    }
    Ok(())
}

/// Whether a part's name is `path`, as calamine looks parts up (case aside, `\` as `/`).
fn is_part(name: &str, path: &str) -> bool {
    name.trim_start_matches('/')
        .replace('\\', "/")
        .eq_ignore_ascii_case(path)
}

/// The `uniqueCount` the first `sst` element of a shared strings part announces, as calamine
/// reads it (its digits, as written).
fn announced_strings(part: &mut impl Read) -> Option<u64> {
    let mut reader = quick_xml::Reader::from_reader(io::BufReader::new(part));
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf).ok()? {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                // calamine takes the first `sst` element wherever it is.
                if e.local_name().as_ref() != "sst" {
                    continue;
                }
                let value = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.local_name().as_ref() == "uniqueCount")?
                    .value
                    .into_owned();
                let digits = value.strip_prefix('+').unwrap_or(&value);
                if digits.is_empty() || !digits.bytes().all(|d| d.is_ascii_digit()) {
                    return None;
                }
                return Some(digits.bytes().fold(0u64, |n, d| {
                    n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
                }));
            }
            quick_xml::events::Event::Eof => return None,
            _ => {}
        }
    }
}

/// The non-blank cells of one sheet, at most `budget` of them (the budget shrinks by as many).
fn read_sheet(
    workbook: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
    budget: &mut usize,
) -> Result<Vec<GridCell>, String> {
    let mut reader = workbook
        .worksheet_cells_reader(name)
        .map_err(|e| e.to_string())?;
    let mut cells = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(|e| e.to_string())? {
        let (row, col) = cell.get_position();
        let Some((text, problem)) = value(cell.get_value()) else {
            continue;
        };
        if *budget == 0 {
            return Err(format!(
                "the workbook holds more than {MAX_CELLS} cells; topolint reads no more"
            ));
        }
        *budget -= 1;
        cells.push(GridCell {
            row,
            col,
            text,
            problem,
        });
    }
    Ok(cells)
}

/// A cell's value as text, and what is wrong with it; `None` for a blank cell.
///
/// Text is trimmed; numbers are written as Excel's General format shows them; booleans as
/// `TRUE`/`FALSE`; a number formatted as a date as `YYYY-MM-DD` in either date system (the
/// time of day left out: topolint's dates are days), or `HH:MM` for a time alone; an error value
/// as Excel shows it (`#N/A`), with a problem.
fn value(data: &DataRef<'_>) -> Option<(String, Option<CellProblem>)> {
    let text = match data {
        DataRef::Empty => return None,
        DataRef::String(s) => s.trim().to_string(),
        DataRef::SharedString(s) => s.trim().to_string(),
        DataRef::Int(n) => n.to_string(),
        DataRef::Float(f) => number(*f),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        DataRef::DateTime(dt) if dt.is_datetime() => return Some(date(dt)),
        DataRef::DateTime(dt) => number(dt.as_f64()),
        DataRef::DateTimeIso(s) => {
            let s = s.trim();
            match s.get(..10) {
                Some(day) if is_iso_day(day) => day.to_string(),
                _ => s.to_string(),
            }
        }
        DataRef::DurationIso(s) => s.trim().to_string(),
        DataRef::Error(e) => return Some((e.to_string(), Some(CellProblem::Error))),
    };
    (!text.is_empty()).then_some((text, None))
}

/// Whether `text` is written `YYYY-MM-DD` (whether it is a real day is the reader's to say).
fn is_iso_day(text: &str) -> bool {
    text.bytes().enumerate().all(|(i, b)| {
        if i == 4 || i == 7 {
            b == b'-'
        } else {
            b.is_ascii_digit()
        }
    }) && text.len() == 10
}

/// A number as Excel's General format shows it: whole numbers without decimals.
fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
        format!("{f:.0}")
    } else {
        f.to_string()
    }
}

/// The last serial number of a day Excel shows (9999-12-31 in the 1900 system).
const LAST_SERIAL: f64 = 2_958_466.0;

/// A date cell's value.
fn date(dt: &calamine::ExcelDateTime) -> (String, Option<CellProblem>) {
    let serial = dt.as_f64();
    if !(0.0..LAST_SERIAL).contains(&serial) {
        let shown = number(serial);
        return (shown.clone(), Some(CellProblem::NotADate(shown)));
    }
    let (year, month, day, hour, minute, _, _) = dt.to_ymd_hms_milli();
    if serial < 1.0 {
        return (format!("{hour:02}:{minute:02}"), None);
    }
    (format!("{year:04}-{month:02}-{day:02}"), None)
}

#[cfg(test)]
mod tests {
    use calamine::{CellErrorType, ExcelDateTime, ExcelDateTimeType};

    use super::*;

    fn date_cell(serial: f64, date1904: bool) -> (String, Option<CellProblem>) {
        let dt = ExcelDateTime::new(serial, ExcelDateTimeType::DateTime, date1904);
        value(&DataRef::DateTime(dt)).expect("a value")
    }

    #[test]
    fn dates_in_both_systems_are_days() {
        // 2026-11-20 is 46,346 days after 1899-12-30, and 44,884 after 1904-01-01.
        assert_eq!(date_cell(46_346.0, false), ("2026-11-20".to_string(), None));
        assert_eq!(date_cell(44_884.0, true), ("2026-11-20".to_string(), None));
        // The time of day is left out; a time alone is a time.
        assert_eq!(date_cell(46_346.75, false).0, "2026-11-20");
        assert_eq!(date_cell(0.9375, false).0, "22:30");
        // Excel's 1900-02-29, which never was, is written as Excel shows it (the date reader
        // refuses it); the day after is 1900-03-01.
        assert_eq!(date_cell(60.0, false).0, "1900-02-29");
        assert_eq!(date_cell(61.0, false).0, "1900-03-01");
        // No date Excel can show.
        for serial in [-1.0, 2_958_466.0, f64::NAN, f64::INFINITY] {
            let (text, problem) = date_cell(serial, false);
            assert!(
                matches!(problem, Some(CellProblem::NotADate(ref v)) if *v == text),
                "{serial}"
            );
        }
    }

    #[test]
    fn values_are_read_as_excel_shows_them() {
        let text = |d: DataRef<'_>| value(&d).map(|(t, _)| t);
        assert_eq!(text(DataRef::Empty), None);
        assert_eq!(text(DataRef::String("  \t".into())), None);
        assert_eq!(
            text(DataRef::SharedString(" fe01.contoso.com ")),
            Some("fe01.contoso.com".into())
        );
        assert_eq!(text(DataRef::Int(5022)), Some("5022".into()));
        assert_eq!(text(DataRef::Float(5022.0)), Some("5022".into()));
        assert_eq!(text(DataRef::Float(2.5)), Some("2.5".into()));
        assert_eq!(text(DataRef::Float(1e300)), Some(1e300f64.to_string()));
        assert_eq!(text(DataRef::Bool(true)), Some("TRUE".into()));
        assert_eq!(
            text(DataRef::DateTimeIso("2026-11-20T22:00:00".into())),
            Some("2026-11-20".into())
        );
        assert_eq!(
            text(DataRef::DateTimeIso("22:00:00".into())),
            Some("22:00:00".into())
        );
        assert_eq!(
            value(&DataRef::Error(CellErrorType::NA)),
            Some(("#N/A".to_string(), Some(CellProblem::Error)))
        );
    }

    #[test]
    fn what_is_not_a_workbook_is_told_apart() {
        assert!(matches!(
            read(b"Server FQDN,Role\n"),
            Err(Refusal::NotAWorkbook { .. })
        ));
        let mut encrypted = OLE.to_vec();
        encrypted.extend_from_slice(&[0; 100]);
        encrypted.extend(utf16("EncryptedPackage"));
        assert_eq!(read(&encrypted).err(), Some(Refusal::Encrypted));
        assert!(matches!(
            read(&OLE),
            Err(Refusal::NotAWorkbook { what, .. }) if what.contains("OLE compound file")
        ));
        assert!(matches!(
            read(b"PK\x03\x04garbage"),
            Err(Refusal::Unreadable(_))
        ));
    }

    #[test]
    fn the_announced_count_of_shared_strings_is_read_as_calamine_reads_it() {
        let count = |xml: &str| announced_strings(&mut xml.as_bytes());
        assert_eq!(
            count(r#"<?xml version="1.0"?><sst count="3" uniqueCount="2">"#),
            Some(2)
        );
        assert_eq!(count(r#"<x:sst xmlns:x="ns" uniqueCount="+7"/>"#), Some(7));
        // The first `sst` wherever it is, as calamine finds it.
        assert_eq!(
            count(r#"<a><b/><sst uniqueCount="99999999999999999999999"/></a>"#),
            Some(u64::MAX)
        );
        assert_eq!(count(r#"<sst uniqueCount="&#49;"/>"#), None);
        assert_eq!(count(r#"<sst/>"#), None);
        assert_eq!(count(""), None);
    }

    #[test]
    fn parts_are_found_as_calamine_finds_them() {
        assert!(is_part("xl/sharedStrings.xml", "xl/sharedStrings.xml"));
        assert!(is_part("XL\\SHAREDSTRINGS.XML", "xl/sharedStrings.xml"));
        assert!(is_part("/xl/sharedstrings.xml", "xl/sharedStrings.xml"));
        assert!(!is_part("xl/sharedStrings.xml.bak", "xl/sharedStrings.xml"));
    }
}
