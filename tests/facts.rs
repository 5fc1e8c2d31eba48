//! Every fact of the example deployment (`testdata/example`) counts: deleting any data row of its
//! worksheets, or blanking any required cell, turns the verdict NOT READY. A fact topolint does
//! not check cannot hide behind a READY verdict.
//!
//! The cases are generated from the worksheets themselves: every data row of every worksheet
//! file, and every cell of every column its kind requires (`Kind::columns`). One group of cells
//! is one fact: a certificate's three recovery columns (`Private key exportable`, `Backup
//! location`, `Re-enroll from internal CA`) are its way back, and either way back is enough, so
//! they are blanked together. The run log is history except for its newest run: BK212 judges
//! the backups by the newest run, and which runs came before it is no fact a restore needs, so
//! deleting an older run must leave the deployment READY.
//!
//! Every case runs in-process (`load::from_memory`, `engine::run`); a few also run through the
//! binary, which must agree.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use std::fs;
use std::time::Duration;

use topolint::lint::engine::{self, RuleSet, Verdict};
use topolint::lint::options::Options;
use topolint::model::date::Date;
use topolint::model::load;
use topolint::model::worksheet::Kind;

use common::{AS_OF, example_copy, root};

/// Columns that hold one fact together, by worksheet kind.
const ONE_FACT: &[(Kind, &[&str])] = &[(
    Kind::Certificates,
    &[
        "Private key exportable",
        "Backup location",
        "Re-enroll from internal CA",
    ],
)];

/// One worksheet file of the example, as CSV records.
struct Sheet {
    file: String,
    kind: Kind,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Sheet {
    /// The position of a column in the header (matched as topolint matches headers: case and
    /// surrounding spaces aside).
    fn position(&self, column: &str) -> Option<usize> {
        self.header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(column))
    }

    /// The CSV text with these rows.
    fn csv(&self, rows: &[Vec<String>]) -> String {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        writer.write_record(&self.header).unwrap();
        for row in rows {
            writer.write_record(row).unwrap();
        }
        String::from_utf8(writer.into_inner().unwrap()).unwrap()
    }

    /// The groups of required columns, each one fact, as header positions.
    fn facts(&self) -> Vec<(String, Vec<usize>)> {
        let together: &[&str] = ONE_FACT
            .iter()
            .find(|(k, _)| *k == self.kind)
            .map_or(&[], |(_, columns)| columns);
        let mut facts = Vec::new();
        let mut grouped = false;
        for column in self.kind.columns().iter().filter(|c| c.required) {
            let at = self.position(column.header).unwrap_or_else(|| {
                panic!(
                    "{}: the required column `{}` is missing",
                    self.file, column.header
                )
            });
            if together.contains(&column.header) {
                if !grouped {
                    let positions = together
                        .iter()
                        .map(|c| self.position(c).expect("grouped column"))
                        .collect();
                    facts.push((together.join(" + "), positions));
                    grouped = true;
                }
            } else {
                facts.push((column.header.to_string(), vec![at]));
            }
        }
        facts
    }

    /// Rows of the run log older than its newest run.
    fn history(&self) -> Vec<usize> {
        if self.kind != Kind::BackupRuns {
            return Vec::new();
        }
        let at = self.position("Date").expect("Date column");
        let dates: Vec<Option<Date>> = self.rows.iter().map(|r| Date::parse(&r[at])).collect();
        let newest = dates.iter().flatten().max().copied();
        (0..self.rows.len())
            .filter(|&i| dates[i].is_some() && dates[i] < newest)
            .collect()
    }
}

/// The example's files, and its worksheets read as CSV with their kinds.
fn example() -> (Vec<(String, Vec<u8>)>, Vec<Sheet>) {
    let dir = root().join("testdata/example");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    let mut files = Vec::new();
    let mut sheets = Vec::new();
    for name in names {
        let bytes = fs::read(dir.join(&name)).unwrap();
        if name.ends_with(".csv") {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(bytes.as_slice());
            let mut records: Vec<Vec<String>> = reader
                .records()
                .map(|r| r.unwrap().iter().map(str::to_string).collect())
                .collect();
            let header = records.remove(0);
            let kind = Kind::ALL
                .into_iter()
                .find(|k| {
                    k.columns().iter().filter(|c| c.required).all(|c| {
                        header
                            .iter()
                            .any(|h| h.trim().eq_ignore_ascii_case(c.header))
                    })
                })
                .unwrap_or_else(|| panic!("{name} is no worksheet kind"));
            sheets.push(Sheet {
                file: name.clone(),
                kind,
                header,
                rows: records,
            });
        }
        files.push((name, bytes));
    }
    (files, sheets)
}

/// One fact taken away: which file, its new text, and whether the deployment stays ready.
struct Case {
    what: String,
    /// The first cell of the row the fact was taken from.
    subject: String,
    file: String,
    text: String,
    ready: bool,
}

fn cases(sheets: &[Sheet]) -> Vec<Case> {
    let mut out = Vec::new();
    for sheet in sheets {
        let history = sheet.history();
        for (i, row) in sheet.rows.iter().enumerate() {
            let line = i + 2;
            let mut rows = sheet.rows.clone();
            rows.remove(i);
            out.push(Case {
                what: format!("{} line {line} deleted", sheet.file),
                subject: row[0].clone(),
                file: sheet.file.clone(),
                text: sheet.csv(&rows),
                ready: history.contains(&i),
            });
            for (fact, positions) in sheet.facts() {
                if positions.iter().all(|&p| row[p].trim().is_empty()) {
                    continue;
                }
                let mut rows = sheet.rows.clone();
                for &p in &positions {
                    rows[i][p] = String::new();
                }
                out.push(Case {
                    what: format!("{} line {line}: {fact} blanked", sheet.file),
                    subject: row[0].clone(),
                    file: sheet.file.clone(),
                    text: sheet.csv(&rows),
                    ready: false,
                });
            }
        }
    }
    out
}

/// The verdict on the example with one file's text replaced.
fn verdict(files: &[(String, Vec<u8>)], file: &str, text: &str) -> (Verdict, Vec<String>) {
    let inputs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(name, bytes)| {
            let bytes = if name == file {
                text.as_bytes()
            } else {
                bytes.as_slice()
            };
            (name.as_str(), bytes)
        })
        .collect();
    let ws = load::from_memory(&inputs);
    let options = Options::new(Date::parse(AS_OF).unwrap());
    let report = engine::run(&ws, &RuleSet::all(topolint::rules::REGISTRY), &options);
    let codes = report
        .findings
        .iter()
        .map(|f| f.rule.code.to_string())
        .collect();
    (report.summary.verdict, codes)
}

#[test]
fn removing_any_fact_of_the_example_makes_it_not_ready() {
    let (files, sheets) = example();
    assert_eq!(sheets.len(), 7, "the example has the seven worksheets");
    // Written back unchanged, the example is ready: what changes a verdict is the fact taken away.
    for sheet in &sheets {
        let (v, codes) = verdict(&files, &sheet.file, &sheet.csv(&sheet.rows));
        assert_eq!(v, Verdict::Ready, "{} rewritten: {codes:?}", sheet.file);
    }
    let cases = cases(&sheets);
    let rows: usize = sheets.iter().map(|s| s.rows.len()).sum();
    assert!(
        cases.len() > rows * 4,
        "{} cases for {rows} rows: every row and its required cells",
        cases.len()
    );
    let mut wrong = Vec::new();
    for case in &cases {
        let (v, codes) = verdict(&files, &case.file, &case.text);
        let expected = if case.ready {
            Verdict::Ready
        } else {
            Verdict::NotReady
        };
        if v != expected {
            wrong.push(format!(
                "{}: expected {expected:?}, got {v:?} {codes:?}",
                case.what
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} cases:\n{}",
        wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
}

#[test]
fn the_binary_agrees_on_a_sample_of_the_cases() {
    let (files, sheets) = example();
    let cases = cases(&sheets);
    // The first case of each worksheet, and every deleted row of the mirror and the witness.
    let mut sample: Vec<&Case> = Vec::new();
    for case in cases.iter().filter(|c| !c.ready) {
        let first_of_file = sample.iter().all(|s| s.file != case.file);
        let partner = case.what.ends_with("deleted")
            && ["sql03.contoso.com", "sql04.contoso.com"].contains(&case.subject.as_str());
        if first_of_file || partner {
            sample.push(case);
        }
    }
    assert_eq!(
        sample.len(),
        7 + 4,
        "one case per worksheet, and four partner rows"
    );
    for case in sample {
        let (in_process, _) = verdict(&files, &case.file, &case.text);
        let dir = example_copy(&[]);
        fs::write(dir.path().join(&case.file), &case.text).unwrap();
        let out = common::run_clean(
            common::topolint(dir.path(), Duration::from_secs(30))
                .args(["check", ".", "--as-of", AS_OF, "--format", "json"]),
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(1), "{}: {json}", case.what);
        assert_eq!(json["verdict"], "not-ready", "{}", case.what);
        assert_eq!(in_process, Verdict::NotReady, "{}", case.what);
    }
}
