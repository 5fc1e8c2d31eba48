//! Excel workbooks end to end: `worksheet init --format xlsx` writes one that reads back as the
//! CSV template does; the example deployment's worksheets kept as a workbook in another layout
//! (written here with rust_xlsxwriter: sheets in another order, extra sheets, dates as date cells
//! or as text, both date systems, booleans, numbers, a formula's saved value) give the findings the
//! CSV files give; findings point at the sheet and cell in every format; a workbook that is
//! damaged, encrypted, not a workbook, or made to exhaust memory is a finding, never a crash.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::io::{Cursor, Read, Write};
use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use rust_xlsxwriter::{Format, Formula, Workbook};
use serde_json::Value;

use common::{AS_OF, root, run_clean};

fn topolint(cwd: &Path) -> Command {
    common::topolint(cwd, Duration::from_secs(30))
}

/// `check . --as-of AS_OF --format json` in `dir`: the exit code and the report.
fn check_json(dir: &Path) -> (i32, Value) {
    let out = run_clean(topolint(dir).args(["check", ".", "--as-of", AS_OF, "--format", "json"]));
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), json)
}

/// What must not change between a CSV file and a workbook sheet: each finding's rule, entity,
/// fingerprint, severity and message.
fn identities(json: &Value) -> BTreeSet<(String, String, String, String, String)> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (s("code"), s("entity"), s("fingerprint"), s("severity"), s("message"))
        })
        .collect()
}

/// How the example's worksheets are laid out in a workbook.
#[derive(Clone, Copy, Default)]
struct Layout {
    /// Sheets in the reverse order of the file names, under names that are not the kinds'.
    reversed: bool,
    /// A sheet of prose first, and an empty sheet.
    extra_sheets: bool,
    /// Dates as date cells (numbers with a date format) rather than text.
    date_cells: bool,
    /// The 1904 date system (Excel for Mac's former default).
    date1904: bool,
    /// yes/no as booleans, ports as numbers.
    typed: bool,
}

const DATE_COLUMNS: &[&str] = &["Last backup", "Backup set expiration", "Expires", "Date"];
const YES_NO_COLUMNS: &[&str] = &["Private key exportable", "Re-enroll from internal CA"];
const PORT_COLUMNS: &[&str] = &["Mirroring port", "Witness port"];

/// Days from 1970-01-01 to `y-m-d` (proleptic Gregorian).
fn days(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

/// Excel's serial number of an ISO date, in the 1900 or the 1904 system.
fn serial(iso: &str, date1904: bool) -> Option<f64> {
    let parts: Vec<i64> = iso.split('-').map(|p| p.parse().ok()).collect::<Option<_>>()?;
    let [y, m, d] = parts[..] else { return None };
    let epoch = if date1904 { days(1904, 1, 1) } else { days(1899, 12, 30) };
    Some((days(y, m, d) - epoch) as f64)
}

/// The example's worksheets as one workbook.
fn example_workbook(layout: Layout) -> Vec<u8> {
    let mut files: Vec<_> = fs::read_dir(root().join("testdata/example"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    if layout.reversed {
        files.reverse();
    }
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    if layout.extra_sheets {
        let notes = book.add_worksheet();
        notes.set_name("Read me").unwrap();
        notes.write_string(0, 0, "Backup worksheets of the Contoso deployment").unwrap();
        notes.write_string(2, 0, "Kept by the Lync team; reviewed monthly.").unwrap();
        book.add_worksheet().set_name("Empty").unwrap();
    }
    for (n, path) in files.iter().enumerate() {
        let sheet = book.add_worksheet();
        let name = if layout.reversed {
            format!("Table {}", n + 1)
        } else {
            path.file_stem().unwrap().to_string_lossy().into_owned()
        };
        sheet.set_name(name).unwrap();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(path)
            .unwrap();
        let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let header: Vec<String> = records[0].iter().map(str::to_string).collect();
        for (r, record) in records.iter().enumerate() {
            for (c, value) in record.iter().enumerate() {
                let (r, c) = (u32::try_from(r).unwrap(), u16::try_from(c).unwrap());
                let column = header[c as usize].as_str();
                if r > 0 && value.is_empty() {
                    continue;
                }
                if r > 0 && layout.date_cells && DATE_COLUMNS.contains(&column) {
                    if let Some(serial) = serial(value, layout.date1904) {
                        sheet.write_number_with_format(r, c, serial, &date).unwrap();
                        continue;
                    }
                }
                if r > 0 && layout.typed && YES_NO_COLUMNS.contains(&column) {
                    sheet.write_boolean(r, c, value == "yes").unwrap();
                    continue;
                }
                if r > 0 && layout.typed && PORT_COLUMNS.contains(&column) {
                    sheet.write_number(r, c, value.parse::<f64>().unwrap()).unwrap();
                    continue;
                }
                sheet.write_string(r, c, value).unwrap();
            }
        }
    }
    let bytes = book.save_to_buffer().unwrap();
    if layout.date1904 {
        rewrite_part(&bytes, "xl/workbook.xml", |xml| {
            xml.replacen("<workbookPr", "<workbookPr date1904=\"1\"", 1)
        })
    } else {
        bytes
    }
}

/// The workbook with one part's text changed.
fn rewrite_part(bytes: &[u8], name: &str, change: impl Fn(&str) -> String) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let mut found = false;
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).unwrap();
        let mut data = Vec::new();
        part.read_to_end(&mut data).unwrap();
        let part_name = part.name().to_string();
        if part_name == name {
            let text = String::from_utf8(data).unwrap();
            let changed = change(&text);
            assert_ne!(changed, text, "{name} is unchanged");
            data = changed.into_bytes();
            found = true;
        }
        out.start_file(part_name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    assert!(found, "no part {name}");
    out.finish().unwrap().into_inner()
}

/// A folder holding the example's topology and `files`.
fn deployment(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(
        root().join("testdata/example/topology.xml"),
        dir.path().join("topology.xml"),
    )
    .unwrap();
    for (name, bytes) in files {
        fs::write(dir.path().join(name), bytes).unwrap();
    }
    dir
}

#[test]
fn the_example_as_a_workbook_is_ready_in_every_layout() {
    let layouts = [
        Layout::default(),
        Layout {
            reversed: true,
            extra_sheets: true,
            ..Layout::default()
        },
        Layout {
            date_cells: true,
            typed: true,
            ..Layout::default()
        },
        Layout {
            reversed: true,
            date_cells: true,
            date1904: true,
            typed: true,
            extra_sheets: true,
        },
    ];
    for (n, layout) in layouts.into_iter().enumerate() {
        let dir = deployment(&[("Backup worksheets.xlsx", &example_workbook(layout))]);
        let (code, json) = check_json(dir.path());
        assert_eq!(json["findings"], serde_json::json!([]), "layout {n}");
        assert_eq!(json["verdict"], "ready", "layout {n}");
        assert_eq!(json["summary"]["worksheets"], 7, "layout {n}");
        assert_eq!(code, 0, "layout {n}");
    }
}
