//! No input makes the pipeline panic: every fixture under testdata/, mutated many ways
//! (truncated, bytes flipped, multi-byte characters inserted, elements and rows duplicated, quotes
//! deleted, lines dropped), runs through decoding, parsing, every rule, every renderer, `inspect`
//! and restore plans in-process (`topolint::fuzzing::check`).
//!
//! The mutations come from a fixed-seed xorshift generator, so a failure names a case that can be
//! replayed exactly. The fuzz targets in fuzz/ search the same space at length; this test keeps a
//! quick, deterministic sample of it in `cargo test`.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers: a failed expectation is a panic"
)]

use std::collections::BTreeMap;
use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use topolint::fuzzing::{self, Checked};
use topolint::lint::draft::Severity;

/// xorshift64* (Vigna): small, fast, and the same sequence on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// One deployment: (file name, bytes), the topology first.
type Case = Vec<(String, Vec<u8>)>;

/// Every deployment under testdata/: the example, each rule case directory, and each single-file
/// case and input.
fn cases() -> BTreeMap<String, Case> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut cases = BTreeMap::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        let mut entries: Vec<PathBuf> = fs::read_dir(&dir)
            .expect("read testdata")
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        let files: Vec<&PathBuf> = entries.iter().filter(|p| p.is_file()).collect();
        let is_case_dir = files
            .iter()
            .any(|p| p.file_stem().is_some_and(|s| s == "topology"));
        for path in &entries {
            if path.is_dir() {
                dirs.push(path.clone());
            }
        }
        let name = |p: &Path| {
            p.strip_prefix(&root)
                .expect("under testdata")
                .display()
                .to_string()
        };
        let read = |p: &Path| {
            let file = p.file_name().expect("name").to_string_lossy().into_owned();
            (file, fs::read(p).expect("read fixture"))
        };
        if is_case_dir {
            // The topology first, then the worksheets beside it.
            let mut case: Case = files
                .iter()
                .filter(|p| p.extension().is_some_and(|e| e != "md"))
                .map(|p| read(p))
                .collect();
            case.sort_by_key(|(n, _)| !n.starts_with("topology."));
            cases.insert(name(&dir), case);
        } else {
            for p in files {
                if p.extension().is_some_and(|e| e == "xml" || e == "tbxml") {
                    cases.insert(name(p), vec![read(p)]);
                }
            }
        }
    }
    cases
}

/// The mutations of one file, each with a name that says how to replay it.
fn mutations(rng: &mut Rng, bytes: &[u8], rounds: usize) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let len = bytes.len();
    if len == 0 {
        return out;
    }
    // Truncation at evenly spaced points and at random ones.
    for i in 0..rounds {
        let cut = if i % 2 == 0 {
            len * i / rounds
        } else {
            rng.below(len)
        };
        out.push((format!("truncated at {cut}"), bytes[..cut].to_vec()));
    }
    // Byte flips: to a random byte, or to one that means something to XML or CSV.
    const TELLING: &[u8] = b"<>/\"'&;=,\n\r\0\xFF\xC3";
    for _ in 0..rounds {
        let mut m = bytes.to_vec();
        let flips = 1 + rng.below(4);
        let mut at = Vec::new();
        for _ in 0..flips {
            let i = rng.below(len);
            m[i] = if rng.below(2) == 0 {
                TELLING[rng.below(TELLING.len())]
            } else {
                (rng.next() >> 56) as u8
            };
            at.push(i);
        }
        out.push((format!("bytes flipped at {at:?}"), m));
    }
    // Characters of two, three and four bytes inserted (where a cut or a column is counted).
    for _ in 0..rounds {
        let at = rng.below(len + 1);
        let c = ["é", "匢", "😀", "\u{FEFF}"][rng.below(4)];
        let mut m = bytes.to_vec();
        let n = 1 + rng.below(200);
        m.splice(at..at, c.repeat(n).into_bytes());
        out.push((format!("{n} × {c:?} inserted at {at}"), m));
    }
    // An element (from one `<` to a later one) or a line (a row) duplicated in place.
    let opens: Vec<usize> = positions(bytes, b'<');
    let newlines: Vec<usize> = positions(bytes, b'\n');
    for i in 0..rounds {
        let marks = if i % 2 == 0 && opens.len() > 1 {
            &opens
        } else {
            &newlines
        };
        if marks.len() < 2 {
            continue;
        }
        let a = rng.below(marks.len() - 1);
        let b = a + 1 + rng.below((marks.len() - a - 1).min(8));
        let (from, to) = (marks[a], marks[b]);
        let mut m = bytes[..to].to_vec();
        m.extend_from_slice(&bytes[from..to]);
        m.extend_from_slice(&bytes[to..]);
        out.push((format!("{from}..{to} duplicated"), m));
    }
    // Quotes deleted: one, or every quote from a point on.
    let quotes = positions(bytes, b'"');
    if !quotes.is_empty() {
        for i in 0..rounds.div_ceil(2) {
            let q = quotes[rng.below(quotes.len())];
            let m: Vec<u8> = if i % 2 == 0 {
                [&bytes[..q], &bytes[q + 1..]].concat()
            } else {
                bytes[..q]
                    .iter()
                    .chain(bytes[q..].iter().filter(|&&c| c != b'"'))
                    .copied()
                    .collect()
            };
            out.push((
                format!("quote at {q} deleted (all after: {})", i % 2 == 1),
                m,
            ));
        }
    }
    // A range of lines dropped.
    if newlines.len() > 2 {
        let a = rng.below(newlines.len() - 1);
        let b = a + 1 + rng.below(newlines.len() - a - 1);
        let (from, to) = (newlines[a], newlines[b]);
        out.push((
            format!("{from}..{to} deleted"),
            [&bytes[..from], &bytes[to..]].concat(),
        ));
    }
    out
}

fn positions(bytes: &[u8], byte: u8) -> Vec<usize> {
    bytes
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == byte)
        .map(|(i, _)| i)
        .collect()
}

/// Runs the pipeline; a panic becomes an error naming the case.
fn run(files: &[(String, Vec<u8>)], what: &str) -> Checked {
    let borrowed: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    match catch_unwind(AssertUnwindSafe(|| fuzzing::check(&borrowed))) {
        Ok(checked) => checked,
        Err(_) => panic!("the pipeline panicked on {what}"),
    }
}

/// What holds of every run, whatever the input: labels fall inside their file's text on
/// character boundaries, and the summary counts what was found.
fn check_invariants(checked: &Checked, what: &str) {
    let ws = &checked.workspace;
    for finding in &checked.report.findings {
        for label in finding.primary.iter().chain(&finding.secondary) {
            let text = &ws.files.get(label.file).text;
            assert!(
                text.get(label.span.range()).is_some(),
                "{what}: {} label {:?} is outside `{}` ({} bytes) or not on a character boundary",
                finding.rule.code,
                label.span,
                ws.files.get(label.file).display,
                text.len()
            );
        }
    }
    let summary = &checked.report.summary;
    let count = |s: Severity| {
        checked
            .report
            .findings
            .iter()
            .filter(|f| f.severity == s)
            .count()
    };
    assert_eq!(
        (summary.errors, summary.warnings, summary.notes),
        (
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Note)
        ),
        "{what}: the summary miscounts"
    );
    assert!(!checked.output.is_empty(), "{what}: no output at all");
}

#[test]
fn mutated_fixtures_never_panic() {
    let cases = cases();
    assert!(
        cases.contains_key("example") && cases.len() > 100,
        "testdata/ was not found whole: {} cases",
        cases.len()
    );
    let mut rng = Rng(0x7090_11E7_5EED_0006);
    let mut runs = 0;
    for (name, case) in &cases {
        // The example holds every worksheet kind: each of its files is mutated many ways, its
        // topology most. A rule case gets one mutation, of one of its files.
        let mut planned = Vec::new();
        if name == "example" {
            for (index, (_, bytes)) in case.iter().enumerate() {
                let rounds = if index == 0 { 6 } else { 2 };
                for m in mutations(&mut rng, bytes, rounds) {
                    planned.push((index, m));
                }
            }
        } else if rng.below(2) == 0 {
            // Half the rule cases, drawn by the fixed seed: a debug build runs the whole
            // pipeline, every format included, a few hundred times a second at most.
            let index = rng.below(case.len());
            let mut all = mutations(&mut rng, &case[index].1, 1);
            if !all.is_empty() {
                let pick = rng.below(all.len());
                planned.push((index, all.swap_remove(pick)));
            }
        }
        for (index, (how, mutated)) in planned {
            let mut files = case.clone();
            files[index].1 = mutated;
            let what = format!("{name}/{} {how}", files[index].0);
            check_invariants(&run(&files, &what), &what);
            runs += 1;
        }
    }
    assert!(runs > 120, "only {runs} runs");
}

#[test]
fn files_glued_together_never_panic() {
    // Worksheets with the topology's bytes in them, a topology followed by a worksheet, and the
    // whole deployment concatenated into one file under each name.
    let cases = cases();
    let example = &cases["example"];
    let all: Vec<u8> = example.iter().flat_map(|(_, b)| b.clone()).collect();
    for (file, _) in example {
        let mut files = example.clone();
        for (f, b) in &mut files {
            if f == file {
                b.clone_from(&all);
            }
        }
        let what = format!("example with {file} holding every file");
        check_invariants(&run(&files, &what), &what);
    }
}

#[test]
fn the_same_input_gives_the_same_output() {
    let cases = cases();
    let mut rng = Rng(0xD15C_0BE1_0000_0001);
    let example = &cases["example"];
    for (how, mutated) in mutations(&mut rng, &example[0].1, 3) {
        let mut files = example.clone();
        files[0].1 = mutated;
        let what = format!("example/topology.xml {how}");
        let first = run(&files, &what).output;
        let second = run(&files, &what).output;
        assert!(first == second, "{what}: two runs differ");
    }
}

#[test]
fn mutated_archives_never_panic() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/rules/EV604/pass-share-configuration-with-topology/share/2026-11-20");
    let archive = fs::read(dir.join("CsConfiguration.zip")).unwrap();
    assert_eq!(
        fuzzing::archive(&archive),
        0,
        "the fixture is a readable archive"
    );
    let mut rng = Rng(0x7090_11E7_5EED_0019);
    let mut runs = 0;
    for (how, bytes) in mutations(&mut rng, &archive, 40) {
        let outcome = catch_unwind(AssertUnwindSafe(|| fuzzing::archive(&bytes)));
        assert!(outcome.is_ok(), "CsConfiguration.zip {how} panicked");
        runs += 1;
    }
    // Every prefix of it too: a copy cut off anywhere.
    for len in (0..archive.len()).step_by(97) {
        let outcome = catch_unwind(AssertUnwindSafe(|| fuzzing::archive(&archive[..len])));
        assert!(outcome.is_ok(), "CsConfiguration.zip cut at {len} panicked");
        assert!(
            outcome.unwrap_or(0) > 0,
            "cut at {len}, it is no readable archive"
        );
        runs += 1;
    }
    assert!(runs > 40, "only {runs} runs");
}
