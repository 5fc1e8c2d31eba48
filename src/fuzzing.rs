//! In-memory entry points for the fuzz targets (`fuzz/`) and the no-panic tests: each runs one
//! stage, or the whole `check` pipeline, over bytes instead of files, exercising every output.
//!
//! Nothing here touches the file system. The functions return what they produced so that a
//! caller can assert on it; their real purpose is to not panic, whatever the input.

use std::path::PathBuf;

use crate::commands;
use crate::commands::args::Format;
use crate::input::csv as table;
use crate::input::{source, xml};
use crate::lint::config;
use crate::lint::draft::Severity;
use crate::lint::engine::{self, Report, RuleSet};
use crate::lint::finding::Finding;
use crate::lint::options::Options;
use crate::model::date::Date;
use crate::model::load;
use crate::model::{self, Workspace, worksheet};
use crate::report::human;
use crate::report::{inspect, plan};

/// The date the whole-pipeline entry point measures against (that of `testdata/example`).
pub const AS_OF: Date = Date {
    year: 2026,
    month: 11,
    day: 21,
};

/// Decodes bytes, then asks for the line and column of a few offsets (the start, the end, the
/// middle, and `probe`, which may be out of range). Returns the decoded text's length.
#[must_use]
pub fn decode(bytes: &[u8], probe: u32) -> usize {
    let decoded = source::decode(bytes.to_vec());
    let len = decoded.text.len();
    let file = source::SourceFile::new(
        source::FileId(0),
        PathBuf::from("input"),
        "input".to_string(),
        decoded.text,
        decoded.encoding,
    );
    let end = u32::try_from(len).unwrap_or(u32::MAX);
    for offset in [0, end / 2, end, probe] {
        let _ = file.line_col(offset);
    }
    len
}

/// Decodes, parses and lowers a topology document; returns whether it was recognised as one.
#[must_use]
pub fn topology(bytes: &[u8]) -> bool {
    let decoded = source::decode(bytes.to_vec());
    let Ok(doc) = xml::parse(&decoded.text) else {
        return false;
    };
    matches!(
        model::lower(&doc, source::FileId(0)),
        model::Recognized::Topology(_)
    )
}

/// Decodes bytes and reads them with both XML readers: see [`xml_readers`].
///
/// # Errors
/// How the readers disagree.
pub fn xml(bytes: &[u8]) -> Result<bool, String> {
    xml_readers(&source::decode(bytes.to_vec()).text)
}

/// Reads `text` with the quick XML reader and with the thorough one, which must agree: the quick
/// one gives up, or gives what the thorough one gives (the same tree, or the same error); and
/// [`xml::parse`], which goes on with the thorough reader when the quick one gives up, gives
/// that too. Returns whether the quick reader read the text to its end.
///
/// # Errors
/// How the readers disagree (a bug: the fuzz target `xml` fails on it).
pub fn xml_readers(text: &str) -> Result<bool, String> {
    let mut parser = xml::Parser::new(text);
    let quick = loop {
        match parser.step() {
            Ok(xml::Step::Closed { .. }) => {}
            Ok(xml::Step::Eof) => break Some(Ok(parser.into_doc())),
            Ok(xml::Step::Unusual) => break None,
            Err(e) => break Some(Err(e)),
        }
    };
    let thorough = xml::parse_with(xml::Parser::thorough(text));
    if let Some(quick) = &quick {
        if *quick != thorough {
            return Err(format!(
                "the quick reader gives {quick:?}, the thorough one {thorough:?}"
            ));
        }
    }
    let parsed = xml::parse(text);
    if parsed != thorough {
        return Err(format!(
            "parse gives {parsed:?}, the thorough reader {thorough:?}"
        ));
    }
    Ok(quick.is_some())
}

/// Decodes, parses and lowers a worksheet; returns the number of problems found in it, or `None`
/// when the header row matches no worksheet kind.
#[must_use]
pub fn worksheet(bytes: &[u8]) -> Option<usize> {
    let decoded = source::decode(bytes.to_vec());
    match worksheet::lower(table::parse(&decoded.text), source::FileId(0)) {
        worksheet::Read::Worksheet(_, problems) => Some(problems.len()),
        worksheet::Read::Unrecognized { .. } => None,
    }
}

/// Opens bytes as an Export-Cs* archive and reads the topology inside its `DocItemSet.xml`, as
/// a backup run's archive is read; returns the number of problems found (none for a readable
/// archive holding a topology, or one without `DocItemSet.xml`).
#[must_use]
pub fn archive(bytes: &[u8]) -> usize {
    let opened = crate::input::archive::open(std::io::Cursor::new(bytes));
    let mut problems = opened.problems.len();
    if let Some(doc) = opened.doc_item_set {
        let decoded = source::decode(doc);
        match model::read_embedded(&decoded.text, source::FileId(0)) {
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => problems += 1,
        }
    }
    problems
}

/// Parses `topolint.toml` text and renders the error, if any, as the binary would. Returns the
/// rendered error (empty when the configuration is valid).
#[must_use]
pub fn config(text: &str) -> String {
    let mut rendered = String::new();
    match config::parse(text, "topolint.toml", crate::rules::REGISTRY) {
        Ok(config) => {
            let mut rules = RuleSet::all(crate::rules::REGISTRY);
            for (code, level) in &config.rules {
                rules.set(code, *level);
            }
            let _ = config.options(AS_OF);
        }
        Err(fatal) => rendered = crate::report::fatal::render(&fatal, false, true, 100),
    }
    rendered
}

/// What a whole-pipeline run produced.
#[derive(Debug)]
pub struct Checked {
    pub workspace: Workspace,
    pub report: Report,
    /// Every output format, one after another (human twice: plain, and coloured, narrow, in
    /// ASCII with `\` paths), then `inspect` as text and as JSON, then the restore plans.
    pub output: Vec<u8>,
}

/// Runs `check` with every rule over files given as (name, bytes), all named explicitly as on a
/// command line; renders the report in every format, `inspect`, and the restore plan (`plan`)
/// for a few of the topology's servers and pools.
#[must_use]
pub fn check(files: &[(&str, &[u8])]) -> Checked {
    let ws = load::from_memory(files);
    let report = engine::run(
        &ws,
        &RuleSet::all(crate::rules::REGISTRY),
        &Options::new(AS_OF),
    );
    let mut output = Vec::new();
    let plain = human::Style {
        color: false,
        width: 100,
        quiet: false,
        ascii: false,
        backslashes: false,
        statistics: false,
    };
    let narrow = human::Style {
        color: true,
        width: 40,
        quiet: false,
        ascii: true,
        backslashes: true,
        statistics: true,
    };
    for format in <Format as clap::ValueEnum>::value_variants() {
        let _ = commands::render(
            &mut output,
            *format,
            &ws,
            &report,
            AS_OF,
            Some(Severity::Error),
            false,
            plain,
        );
    }
    let _ = human::render(&mut output, &ws, &report, narrow);
    let inventory = inspect::inventory(&ws);
    let _ = inspect::render_text(&mut output, &inventory);
    let _ = inspect::render_json(&mut output, &inventory);
    plans(&ws, &report, &mut output);
    Checked {
        workspace: ws,
        report,
        output,
    }
}

/// Restore plans for the first pool and the first server of each topology.
fn plans(ws: &Workspace, report: &Report, output: &mut Vec<u8>) {
    let active: Vec<Finding> = report.active().cloned().collect();
    for topology in &ws.topologies {
        let pool = topology.pools.iter().find_map(|p| p.fqdn.as_ref());
        let machine = topology
            .pools
            .iter()
            .flat_map(|p| &p.machines)
            .find_map(|m| m.fqdn.as_ref());
        for target in pool.into_iter().chain(machine) {
            let failed = [target.value.as_str().to_string()];
            if let Ok(plan) = plan::build(ws, &active, &failed, AS_OF) {
                let _ = plan::render::text(output, &plan);
                let _ = plan::render::markdown(output, &plan);
                let _ = plan::render::json(output, &plan);
            }
        }
    }
}

/// Splits one fuzz input into files for [`check`]: the parts between [`SEPARATOR`]s are a
/// topology (`topology.xml`) and then worksheets (`worksheet-1.csv`, ...).
#[must_use]
pub fn split(data: &[u8]) -> Vec<(String, &[u8])> {
    let mut parts = Vec::new();
    let mut rest = data;
    loop {
        let name = if parts.is_empty() {
            "topology.xml".to_string()
        } else {
            format!("worksheet-{}.csv", parts.len())
        };
        match find(rest, SEPARATOR) {
            Some(at) => {
                parts.push((name, &rest[..at]));
                rest = &rest[at + SEPARATOR.len()..];
            }
            None => {
                parts.push((name, rest));
                return parts;
            }
        }
    }
}

/// What separates files in a whole-pipeline fuzz input (`fuzz/run.sh` writes it between the
/// files of a fixture).
pub const SEPARATOR: &[u8] = b"\n--topolint-next-file--\n";

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_names_a_topology_then_worksheets() {
        let data = [
            &b"<Topology/>"[..],
            SEPARATOR,
            b"a,b\n1,2\n",
            SEPARATOR,
            b"",
        ]
        .concat();
        let parts = split(&data);
        let names: Vec<&str> = parts.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["topology.xml", "worksheet-1.csv", "worksheet-2.csv"]
        );
        assert_eq!(parts[1].1, b"a,b\n1,2\n");
        assert_eq!(split(b"x").len(), 1);
    }

    #[test]
    fn the_example_is_ready_in_memory() {
        let files: Vec<(&str, &[u8])> = crate::rules::test_util::EXAMPLE
            .iter()
            .map(|(n, t)| (*n, t.as_bytes()))
            .collect();
        let checked = check(&files);
        assert_eq!(checked.report.summary.verdict, engine::Verdict::Ready);
        let output = String::from_utf8_lossy(&checked.output);
        assert!(
            output.contains("READY")
                && output.contains(crate::report::sarif::SCHEMA)
                && output.contains("<testsuites")
        );
        assert!(
            output.contains("pool01.contoso.com")
                && output.contains("# Restore plan: pool01.contoso.com")
        );
        assert!(topology(files[0].1));
        assert_eq!(worksheet(files[1].1), Some(0));
        assert!(decode(files[0].1, u32::MAX) > 0);
    }

    #[test]
    fn config_errors_are_rendered() {
        assert!(config("[rules]\nTP101 = \"off\"\n").is_empty());
        assert!(config("[rules]\nTP999 = \"off\"\n").contains("TP999"));
    }
}
