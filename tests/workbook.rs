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

use common::{AS_OF, example_copy, rewrite_part, root, run_clean};

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
            (
                s("code"),
                s("entity"),
                s("fingerprint"),
                s("severity"),
                s("message"),
            )
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
    /// A formula in place of one cell: the column, the row (1-based, the header being 1), the
    /// formula and the value Excel saved with it.
    formula: Option<(&'static str, u32, &'static str, &'static str)>,
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
    let parts: Vec<i64> = iso
        .split('-')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [y, m, d] = parts[..] else { return None };
    let epoch = if date1904 {
        days(1904, 1, 1)
    } else {
        days(1899, 12, 30)
    };
    Some((days(y, m, d) - epoch) as f64)
}

/// The example's worksheets as one workbook.
fn example_workbook(layout: Layout) -> Vec<u8> {
    workbook_of(&root().join("testdata/example"), layout)
}

/// The CSV worksheets of a folder as one workbook.
fn workbook_of(folder: &Path, layout: Layout) -> Vec<u8> {
    let mut files: Vec<_> = fs::read_dir(folder)
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
        notes
            .write_string(0, 0, "Backup worksheets of the Contoso deployment")
            .unwrap();
        notes
            .write_string(2, 0, "Kept by the Lync team; reviewed monthly.")
            .unwrap();
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
                if let Some((name, row, formula, result)) = layout.formula {
                    if column == name && r + 1 == row {
                        let formula = Formula::new(formula).set_result(result);
                        sheet.write_formula(r, c, formula).unwrap();
                        continue;
                    }
                }
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
                    sheet
                        .write_number(r, c, value.parse::<f64>().unwrap())
                        .unwrap();
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
            // A formula's saved value is read.
            formula: Some(("Replacement server", 2, "=LOWER(\"READY\")", "ready")),
        },
    ];
    for (n, layout) in layouts.into_iter().enumerate() {
        // A macro-enabled workbook is read the same way (its macros are never run).
        let name = if n == 1 {
            "Backup worksheets.xlsm"
        } else {
            "Backup worksheets.xlsx"
        };
        let dir = deployment(&[(name, &example_workbook(layout))]);
        let (code, json) = check_json(dir.path());
        assert_eq!(json["findings"], serde_json::json!([]), "layout {n}");
        assert_eq!(json["verdict"], "ready", "layout {n}");
        assert_eq!(json["summary"]["worksheets"], 7, "layout {n}");
        assert_eq!(code, 0, "layout {n}");
    }
}

/// `worksheet init topology.xml --out . --format FORMAT` plus `extra` in `dir`.
fn run_init(dir: &Path, format: &str, extra: &[&str]) -> std::process::Output {
    run_clean(
        topolint(dir)
            .args([
                "worksheet",
                "init",
                "topology.xml",
                "--out",
                ".",
                "--format",
                format,
            ])
            .args(extra),
    )
}

/// `worksheet init topology.xml --out . --format FORMAT` in `dir`, which must succeed.
fn init(dir: &Path, format: &str) {
    let out = run_init(dir, format, &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_workbook_template_gives_the_findings_of_the_csv_template() {
    let csv = deployment(&[]);
    init(csv.path(), "csv");
    let xlsx = deployment(&[]);
    init(xlsx.path(), "xlsx");
    let names: Vec<String> = fs::read_dir(xlsx.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(names, ["topology.xml", "worksheets.xlsx"]);
    let (csv_code, csv_json) = check_json(csv.path());
    let (xlsx_code, xlsx_json) = check_json(xlsx.path());
    let expected = identities(&csv_json);
    assert!(expected.len() > 20, "{expected:?}");
    assert_eq!(identities(&xlsx_json), expected);
    assert_eq!((csv_code, xlsx_code), (1, 1));
    // A sheet for each kind.
    assert_eq!(xlsx_json["summary"]["worksheets"], 8);
    assert_eq!(xlsx_json["summary"]["files"], 2);
    // Each finding on a worksheet points at a cell of the workbook, named as Excel names it.
    let mut cells = 0;
    for f in xlsx_json["findings"].as_array().unwrap() {
        let at = &f["location"];
        if at["path"] != "worksheets.xlsx" {
            continue;
        }
        cells += 1;
        let sheet = at["sheet"].as_str().unwrap();
        assert!(
            csv_json["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["location"]["path"] == format!("{sheet}.csv")
                    && c["location"]["line"] == at["line"]
                    && c["fingerprint"] == f["fingerprint"]),
            "{f}"
        );
        let cell = at["cell"].as_str().unwrap();
        let column = at["column"].as_u64().unwrap();
        let letters: String = cell.chars().take_while(char::is_ascii_uppercase).collect();
        assert_eq!(
            letters
                .bytes()
                .fold(0, |n, b| n * 26 + u64::from(b - b'A' + 1)),
            column,
            "{cell}"
        );
        assert!(cell.ends_with(&at["line"].to_string()), "{cell} {at}");
    }
    assert!(cells > 20);
}

/// The text of each part of a workbook, by name.
fn parts(bytes: &[u8]) -> std::collections::BTreeMap<String, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut part = archive.by_index(i).unwrap();
            let mut text = String::new();
            part.read_to_string(&mut text).unwrap();
            (part.name().to_string(), text)
        })
        .collect()
}

#[test]
fn the_workbook_template_is_laid_out_for_excel() {
    use calamine::{Data, Reader};
    let dir = deployment(&[]);
    init(dir.path(), "xlsx");
    let bytes = fs::read(dir.path().join("worksheets.xlsx")).unwrap();
    // The sheets are the kinds, in order, with the CSV files' cells, all text.
    let csv = deployment(&[]);
    init(csv.path(), "csv");
    let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(Cursor::new(&bytes)).unwrap();
    let names = book.sheet_names();
    assert_eq!(
        names,
        [
            "database",
            "file-store",
            "settings",
            "servers",
            "sql-instances",
            "certificates",
            "backup-runs",
            "pool-pairs"
        ]
    );
    for name in &names {
        let range = book.worksheet_range(name).unwrap();
        let sheet: Vec<Vec<String>> = range
            .rows()
            .map(|row| {
                row.iter()
                    .map(|c| match c {
                        Data::String(s) => s.clone(),
                        Data::Empty => String::new(),
                        other => panic!("{name}: {other:?} is not text"),
                    })
                    .collect()
            })
            .collect();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(csv.path().join(format!("{name}.csv")))
            .unwrap();
        let file: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect();
        assert_eq!(sheet, file, "{name}");
    }
    let parts = parts(&bytes);
    let sheet = |n: usize| parts[&format!("xl/worksheets/sheet{n}.xml")].as_str();
    for n in 1..=names.len() {
        // The header row frozen, and in bold (style 1).
        assert!(
            sheet(n).contains(
                r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
            ),
            "sheet {n}"
        );
        assert!(sheet(n).contains(r#"<c r="A1" s="1" t="s">"#), "sheet {n}");
        assert!(sheet(n).contains(r#" customWidth="1"/>"#), "sheet {n}");
    }
    assert!(parts["xl/styles.xml"].contains("<b/>"));
    assert!(parts["xl/styles.xml"].contains(r#"<numFmt numFmtId="165" formatCode="yyyy-mm-dd"/>"#));
    assert!(parts["xl/styles.xml"].contains(r#"<numFmt numFmtId="164" formatCode="@"/>"#));
    // servers: the drop-down lists of the closed columns.
    assert!(sheet(4).contains(r#"sqref="C2:C1048576"><formula1>"ready,planned,none"</formula1>"#));
    assert!(sheet(4).contains(r#"sqref="D2:D1048576"><formula1>"yes,no,n/a"</formula1>"#));
    // sql-instances: editions to choose from, ports as whole numbers.
    assert!(sheet(5).contains(
        r#"sqref="D2:D1048576"><formula1>"Standard,Enterprise,Express,Datacenter,Developer,Web,Workgroup"</formula1>"#
    ));
    assert!(sheet(5).contains(r#"type="whole""#));
    // certificates: the date column formatted as a date, with a message saying so; yes/no lists.
    assert!(
        sheet(6).contains(
            r#"promptTitle="Expires" prompt="A date: type it as 2026-11-21 (YYYY-MM-DD).""#
        )
    );
    let style = |sheet: &str, col: usize| -> usize {
        let tag = format!(r#"<col min="{col}" max="{col}" "#);
        let at = sheet.find(&tag).unwrap();
        let col = &sheet[at..at + sheet[at..].find("/>").unwrap()];
        let at = col.find(r#"style=""#).unwrap() + 7;
        col[at..at + col[at..].find('"').unwrap()].parse().unwrap()
    };
    let formats: Vec<&str> = parts["xl/styles.xml"]
        .split("<cellXfs")
        .nth(1)
        .unwrap()
        .split("<xf ")
        .skip(1)
        .collect();
    assert!(
        formats[style(sheet(6), 4)].starts_with(r#"numFmtId="165""#),
        "Expires"
    );
    assert!(
        formats[style(sheet(6), 1)].starts_with(r#"numFmtId="164""#),
        "Server FQDN"
    );
    assert!(sheet(6).contains(r#"sqref="E2:E1048576"><formula1>"yes,no"</formula1>"#));
    // Each header cell carries its column's meaning as a note.
    assert!(parts["xl/comments4.xml"].contains(
        "Replacement server (required): write ready (a clean server that can take the same FQDN stands by)"
    ));
    assert!(parts["xl/comments4.xml"].contains("<author>topolint</author>"));
}

/// The bytes with the sizes the archive declares for `part` (local header and central directory)
/// set to `size`.
fn declare_size(bytes: &[u8], part: &str, size: u32) -> Vec<u8> {
    let mut bytes = bytes.to_vec();
    let name = part.as_bytes();
    let mut patched = 0;
    for (signature, name_at, size_at) in [(b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24)] {
        let mut at = 0;
        while let Some(found) = bytes[at..].windows(4).position(|w| w == signature) {
            let start = at + found;
            if bytes[start + name_at..].starts_with(name) {
                bytes[start + size_at..start + size_at + 4].copy_from_slice(&size.to_le_bytes());
                patched += 1;
            }
            at = start + 4;
        }
    }
    assert_eq!(patched, 2, "{part}");
    bytes
}

/// A ZIP archive of `parts` small parts, each declared `size` bytes large.
fn many_parts(parts: usize, size: u32) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for n in 0..parts {
        zip.start_file(format!("p{n:05}.xml"), stored).unwrap();
        zip.write_all(b"<x/>").unwrap();
    }
    let mut bytes = zip.finish().unwrap().into_inner();
    for n in 0..parts {
        bytes = declare_size(&bytes, &format!("p{n:05}.xml"), size);
    }
    bytes
}

/// An OLE compound file holding `streams`, as the cfb crate writes it.
fn compound_file(streams: &[&str]) -> Vec<u8> {
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    for name in streams {
        file.create_stream(format!("/{name}"))
            .unwrap()
            .write_all(&[7u8; 5000])
            .unwrap();
    }
    file.flush().unwrap();
    file.into_inner().into_inner()
}

#[test]
fn a_workbook_that_cannot_be_read_is_a_finding_on_it() {
    let good = example_workbook(Layout::default());
    let mut small_zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    small_zip
        .start_file("notes.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    small_zip.write_all(b"not a workbook").unwrap();
    let small_zip = small_zip.finish().unwrap().into_inner();
    let cases: Vec<(&str, Vec<u8>, &str, &str)> = vec![
        (
            "text",
            b"Name,Address\nAlice,Paris\n".to_vec(),
            "IN004",
            "is named like an Excel workbook, but it is not a ZIP archive",
        ),
        (
            "zip",
            small_zip,
            "IN004",
            "is named like an Excel workbook, but it is a ZIP archive with no Excel workbook inside",
        ),
        (
            "xls",
            compound_file(&["Workbook"]),
            "IN004",
            "is named like an Excel workbook, but it is an OLE compound file",
        ),
        (
            "encrypted",
            compound_file(&["EncryptionInfo", "EncryptedPackage"]),
            "IN001",
            "cannot read `book.xlsx`: it is an Excel workbook encrypted with a password to open",
        ),
        (
            "truncated",
            good[..good.len() / 2].to_vec(),
            "IN001",
            "cannot read `book.xlsx`: it is not a readable ZIP archive, which every workbook is",
        ),
        (
            "bomb",
            declare_size(&good, "xl/sharedStrings.xml", 0xC000_0000),
            "IN001",
            "cannot read `book.xlsx`: its part `xl/sharedStrings.xml` would inflate ",
        ),
        (
            "huge",
            many_parts(1100, 1_000_000),
            "IN001",
            "cannot read `book.xlsx`: its parts would inflate to 1100000000 bytes; topolint refuses more than",
        ),
        (
            "lying",
            declare_size(&good, "xl/sharedStrings.xml", 100),
            "IN001",
            "its part `xl/sharedStrings.xml` inflates past the 100 bytes the archive declares for it",
        ),
        (
            "strings",
            rewrite_part(&good, "xl/sharedStrings.xml", |xml| {
                let at = xml.find("uniqueCount=\"").unwrap() + 13;
                let end = at + xml[at..].find('"').unwrap();
                format!("{}99999999999999{}", &xml[..at], &xml[end..])
            }),
            "IN001",
            "its shared strings announce 99999999999999 strings",
        ),
        (
            "sheet",
            rewrite_part(&good, "xl/worksheets/sheet4.xml", |xml| {
                xml[..xml.find("</sheetData>").unwrap() - 20].to_string()
            }),
            "IN001",
            "cannot read `book.xlsx`: its sheet `file-store` cannot be read (",
        ),
    ];
    for (case, bytes, code, message) in cases {
        let dir = deployment(&[("book.xlsx", &bytes)]);
        let (exit, json) = check_json(dir.path());
        let findings = json["findings"].as_array().unwrap();
        let found = findings
            .iter()
            .find(|f| f["location"]["path"] == "book.xlsx")
            .unwrap_or_else(|| panic!("{case}: {json}"));
        assert_eq!(found["code"], code, "{case}: {found}");
        assert!(
            found["message"].as_str().unwrap().contains(message),
            "{case}: {found}"
        );
        // In a deployment folder: an unread file is a warning when met in a walk, an
        // unreadable one an error.
        let severity = if code == "IN004" { "warning" } else { "error" };
        assert_eq!(found["severity"], severity, "{case}");
        assert_eq!(exit, i32::from(severity == "error"), "{case}");
        // Named on the command line, every one fails the run.
        let out = run_clean(topolint(dir.path()).args([
            "check",
            "book.xlsx",
            "--as-of",
            AS_OF,
            "--format",
            "concise",
        ]));
        assert_eq!(out.status.code(), Some(1), "{case}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(&format!("error[{code}]")), "{case}: {text}");
    }
}

/// `check . --as-of AS_OF --format FORMAT --color never` in `dir`: what it printed.
fn check_as(dir: &Path, format: &str) -> String {
    let out = run_clean(topolint(dir).args([
        "check", ".", "--as-of", AS_OF, "--format", format, "--color", "never",
    ]));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_finding_names_the_workbook_sheet_and_cell_in_every_format() {
    let edited = example_copy(&[(
        "servers.csv",
        "edge01.contoso.com,Edge,ready",
        "edge01.contoso.com,Edge,none",
    )]);
    let csv = check_json(edited.path()).1;
    let book = workbook_of(edited.path(), Layout::default());
    let dir = deployment(&[("Backup worksheets.xlsx", &book)]);
    let (code, json) = check_json(dir.path());
    assert_eq!(code, 1);
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{json}");
    let f = &findings[0];
    assert_eq!(f["code"], "RS301");
    assert_eq!(
        f["location"],
        serde_json::json!({
            "path": "Backup worksheets.xlsx", "sheet": "servers", "cell": "C10",
            "line": 10, "column": 3, "end_line": 10, "end_column": 4,
        })
    );
    assert_eq!(f["fingerprint"], csv["findings"][0]["fingerprint"]);
    assert_eq!(f["entity"], csv["findings"][0]["entity"]);

    let sarif: Value = serde_json::from_str(&check_as(dir.path(), "sarif")).unwrap();
    let location = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(
        location["region"],
        serde_json::json!({
            "startLine": 10, "startColumn": 3, "endLine": 10, "endColumn": 4,
            "properties": { "sheet": "servers", "cell": "C10" },
        })
    );
    assert_eq!(
        location["artifactLocation"]["uri"],
        "Backup%20worksheets.xlsx"
    );

    let concise = check_as(dir.path(), "concise");
    assert!(
        concise.starts_with(
            "Backup worksheets.xlsx:10:3: error[RS301] 'servers'!C10: edge01.contoso.com has no replacement server"
        ),
        "{concise}"
    );
    for (format, expected) in [
        ("github", "line=10,endLine=10,col=3,endColumn=4,"),
        ("github", "::'servers'!C10: edge01.contoso.com"),
        (
            "azure",
            "linenumber=10;columnnumber=3;code=RS301]'servers'!C10: edge01",
        ),
        (
            "junit",
            "Backup worksheets.xlsx:10:3: error[RS301] &apos;servers&apos;!C10: edge01",
        ),
        (
            "html",
            "Backup worksheets.xlsx:10:3 (&#39;servers&#39;!C10)",
        ),
    ] {
        let output = check_as(dir.path(), format);
        assert!(output.contains(expected), "{format}: {expected}\n{output}");
    }
    let human = check_as(dir.path(), "human");
    for part in [
        "╭─[Backup worksheets.xlsx › servers:10:3]",
        "10 │ edge01.contoso.com │ Edge",
        "│ none ",
        "╰── Replacement server: no replacement",
    ] {
        assert!(human.contains(part), "{part}:\n{human}");
    }
}

#[test]
fn an_error_value_is_one_finding_on_its_cell() {
    let book = example_workbook(Layout {
        formula: Some(("Expires", 3, "=NA()", "#N/A")),
        ..Layout::default()
    });
    let dir = deployment(&[("book.xlsx", &book)]);
    let (code, json) = check_json(dir.path());
    assert_eq!(code, 1);
    let findings = json["findings"].as_array().unwrap();
    let at_cell: Vec<&Value> = findings
        .iter()
        .filter(|f| f["location"]["cell"] == "D3")
        .collect();
    assert_eq!(at_cell.len(), 1, "{json}");
    assert_eq!(at_cell[0]["code"], "IN005");
    assert_eq!(at_cell[0]["location"]["sheet"], "certificates");
    assert_eq!(
        at_cell[0]["message"],
        "cell D3 holds the error value `#N/A`: the formula behind it failed, so the cell has no value"
    );
}

#[test]
fn sheets_that_are_no_worksheet_are_left_alone_unless_they_come_close() {
    let mut book = Workbook::new();
    let notes = book.add_worksheet();
    notes.set_name("Contacts").unwrap();
    notes.write_string(0, 0, "Name").unwrap();
    notes.write_string(0, 1, "Phone").unwrap();
    notes.write_string(1, 0, "Helpdesk").unwrap();
    let near = book.add_worksheet();
    near.set_name("Replacements").unwrap();
    for (c, header) in ["Server", "Role", "Replacement", "Computer account retained"]
        .iter()
        .enumerate()
    {
        near.write_string(2, u16::try_from(c).unwrap(), *header)
            .unwrap();
    }
    near.write_string(3, 0, "fe01.contoso.com").unwrap();
    let near_book = book.save_to_buffer().unwrap();
    let mut book = Workbook::new();
    let notes = book.add_worksheet();
    notes.set_name("Contacts").unwrap();
    notes.write_string(0, 0, "Name").unwrap();
    book.add_worksheet().set_name("Empty").unwrap();
    let no_worksheet = book.save_to_buffer().unwrap();

    let dir = deployment(&[("near.xlsx", &near_book), ("contacts.xlsx", &no_worksheet)]);
    let (_, json) = check_json(dir.path());
    let in004: Vec<&Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "IN004")
        .collect();
    assert_eq!(in004.len(), 2, "{in004:#?}");
    assert_eq!(in004[0]["location"]["path"], "contacts.xlsx");
    assert_eq!(
        in004[0]["message"],
        "`contacts.xlsx` is an Excel workbook, but none of its sheets (`Contacts` and `Empty`) starts with a worksheet's header row"
    );
    // The header row is the sheet's first with a value; the cell that differs is pointed at.
    assert_eq!(in004[1]["location"]["sheet"], "Replacements");
    assert_eq!(in004[1]["location"]["cell"], "A3");
    assert!(
        in004[1]["message"].as_str().unwrap().starts_with(
            "sheet `Replacements` of the workbook `near.xlsx` was read, but its header row matches no worksheet kind: the closest is the servers worksheet"
        ),
        "{}",
        in004[1]
    );
    assert!(in004.iter().all(|f| f["severity"] == "warning"));
    let human = check_as(dir.path(), "human");
    assert!(human.contains("did you mean `Server FQDN`?"), "{human}");
    assert!(
        human.contains("did you mean `Replacement server`?"),
        "{human}"
    );
}

/// Whatever a workbook's bytes are made into, reading it ends in findings, never a panic.
#[test]
fn damaged_workbooks_never_panic() {
    let good = example_workbook(Layout {
        date_cells: true,
        typed: true,
        formula: Some(("Expires", 3, "=NA()", "#N/A")),
        ..Layout::default()
    });
    let mut cases: Vec<Vec<u8>> = Vec::new();
    // Cut at many lengths.
    for n in (0..good.len()).step_by(good.len() / 41 + 1) {
        cases.push(good[..n].to_vec());
    }
    // A byte changed at many places (a xorshift keeps the places the same in every run).
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..120 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let mut bytes = good.clone();
        let at = usize::try_from(state % good.len() as u64).unwrap();
        bytes[at] ^= u8::try_from(state >> 56).unwrap() | 1;
        cases.push(bytes);
    }
    // Parts of the workbook's XML changed in ways a hand could.
    for (part, from, to) in [
        (
            "xl/workbook.xml",
            "<sheets>",
            "<sheets><sheet name=\"x\" r:id=\"rId99\"/>",
        ),
        (
            "xl/styles.xml",
            "numFmtId=\"164\" fontId",
            "numFmtId=\"999999999999\" fontId",
        ),
        (
            "xl/worksheets/sheet2.xml",
            "<c r=\"D3\"",
            "<c r=\"XFD1048576\"",
        ),
        (
            "xl/worksheets/sheet2.xml",
            "<c r=\"D3\"",
            "<c r=\"ZZZZ99999999\"",
        ),
        ("xl/worksheets/sheet2.xml", "t=\"s\"", "t=\"q\""),
        ("xl/sharedStrings.xml", "<si>", "<si><si><si>"),
    ] {
        cases.push(rewrite_part(&good, part, |xml| xml.replacen(from, to, 1)));
    }
    // The whole pipeline beside the topology: every output format, inspect and the plans.
    let topology = fs::read(root().join("testdata/example/topology.xml")).unwrap();
    let mut unread = 0;
    for (n, bytes) in cases.iter().enumerate() {
        let checked =
            topolint::fuzzing::check(&[("topology.xml", &topology), ("book.xlsx", bytes)]);
        let ws = &checked.workspace;
        unread += usize::from(ws.worksheets.is_empty());
        assert!(
            ws.worksheets.len() <= 8,
            "case {n}: {} worksheets",
            ws.worksheets.len()
        );
        assert!(!checked.output.is_empty(), "case {n}");
    }
    // Most cuts and many changed bytes leave no worksheet readable; some changes leave all.
    assert!(
        unread > 40 && unread < cases.len(),
        "{unread} of {}",
        cases.len()
    );
}

#[test]
fn one_form_is_never_written_beside_the_other() {
    for (first, second, existing) in [
        ("csv", "xlsx", "servers.csv"),
        ("xlsx", "csv", "worksheets.xlsx"),
    ] {
        let dir = deployment(&[]);
        init(dir.path(), first);
        let out = run_init(dir.path(), second, &["--force"]);
        assert_eq!(out.status.code(), Some(2), "{second}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(existing) && stderr.contains("in the other form"),
            "{second}: {stderr}"
        );
        let names: BTreeSet<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        // The topology, and a CSV file per kind or the workbook.
        assert_eq!(names.len(), if first == "csv" { 9 } else { 2 }, "{names:?}");
    }
}

#[test]
fn a_plan_names_the_rows_of_a_workbook_as_excel_does() {
    let plan = |dir: &Path| {
        let out = run_clean(topolint(dir).args([
            "plan",
            "--failed",
            "sql01.contoso.com",
            ".",
            "--as-of",
            AS_OF,
        ]));
        String::from_utf8(out.stdout).unwrap()
    };
    let csv = plan(&root().join("testdata/example"));
    let dir = deployment(&[("book.xlsx", &example_workbook(Layout::default()))]);
    let book = plan(dir.path());
    let csv_places: Vec<&str> = csv
        .split(['(', ')'])
        .filter(|p| p.starts_with("servers.csv:"))
        .collect();
    assert!(!csv_places.is_empty(), "{csv}");
    for place in csv_places {
        let row = &place["servers.csv:".len()..];
        let expected = format!("(book.xlsx 'servers'!{row}:{row})");
        assert!(book.contains(&expected), "{expected}:\n{book}");
    }
}
