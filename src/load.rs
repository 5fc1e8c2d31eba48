//! Reading inputs into a [`Workspace`]: read bytes, decode, parse, recognise, lower.
//!
//! Every problem with an input becomes an [`InputProblem`] and the run goes on.

use std::path::Path;

use crate::discover::{Input, WalkError};
use std::collections::BTreeMap;

use crate::model::{
    self, Deployment, InputProblem, ProblemKind, Recognized, Sheets, Topology, Workspace, worksheet,
};
use crate::source::{self, Encoding, FileId};
use crate::span::Span;

/// Reads every input, in order, into a workspace.
#[must_use]
pub fn load(inputs: &[Input], walk_errors: &[WalkError], cwd: &Path) -> Workspace {
    let mut ws = Workspace::default();
    for input in inputs {
        load_one(&mut ws, input, cwd);
    }
    for err in walk_errors {
        let id = ws.files.add(
            err.path.clone(),
            source::display_path(&err.path, cwd),
            String::new(),
            Encoding::Utf8,
        );
        problem(
            &mut ws,
            ProblemKind::Io,
            id,
            Span::default(),
            err.message.clone(),
            None,
        );
    }
    form_deployments(&mut ws);
    ws
}

fn load_one(ws: &mut Workspace, input: &Input, cwd: &Path) {
    let display = source::display_path(&input.path, cwd);
    ingest(ws, input, display, read_bytes(&input.path));
}

/// Adds one file's bytes (or the reason they could not be read) to the workspace.
pub fn ingest(ws: &mut Workspace, input: &Input, display: String, bytes: Result<Vec<u8>, String>) {
    let Some(id) = decode_file(ws, input, display, bytes) else {
        return;
    };
    let is_csv = has_extension(&input.path, &["csv"]);
    let is_xml = has_extension(&input.path, &["xml", "tbxml"])
        || (input.explicit && !is_csv && ws.files.get(id).text.trim_start().starts_with('<'));
    if is_xml {
        load_xml(ws, id, input.explicit);
    } else if is_csv {
        load_csv(ws, id, input.explicit);
    } else if input.explicit {
        problem(
            ws,
            ProblemKind::Unrecognized,
            id,
            Span::default(),
            "not a topology document or a recognised worksheet".to_string(),
            Some("topologies are XML with root `Topology` or `TopologyBuilder`".to_string()),
        );
    }
}

/// Adds a file's decoded text to the workspace; an unreadable or undecodable file is an input
/// problem, and gives no id.
fn decode_file(
    ws: &mut Workspace,
    input: &Input,
    display: String,
    bytes: Result<Vec<u8>, String>,
) -> Option<FileId> {
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(message) => {
            let id = ws
                .files
                .add(input.path.clone(), display, String::new(), Encoding::Utf8);
            problem(ws, ProblemKind::Io, id, Span::default(), message, None);
            return None;
        }
    };
    let decoded = source::decode(bytes);
    let id = ws
        .files
        .add(input.path.clone(), display, decoded.text, decoded.encoding);
    let is_csv = has_extension(&input.path, &["csv"]);
    if let Some(p) = decoded.problem {
        if is_csv && p.nul {
            problem(
                ws,
                ProblemKind::Worksheet,
                id,
                p.span,
                "NUL byte in a worksheet: the file is binary, or not saved as CSV".to_string(),
                Some("save the worksheet from Excel as `CSV UTF-8 (Comma delimited)`".to_string()),
            );
            return None;
        }
        let help = "save the file as UTF-8, or as UTF-16 with a byte-order mark (Windows PowerShell's `Out-File -Encoding Unicode` writes one)";
        problem(
            ws,
            ProblemKind::Decode,
            id,
            p.span,
            p.message,
            Some(help.to_string()),
        );
        return None;
    }
    Some(id)
}

/// Reads the topology exported with the last backup (`--backup-topology`) into
/// [`Workspace::backup`]: the same reader as every other input (either document form, any
/// supported encoding), its problems reported like theirs; never a deployment of its own.
pub fn load_backup(ws: &mut Workspace, path: &Path, cwd: &Path) {
    ws.backup = load_topology_file(ws, path, cwd);
}

/// Reads one file that must be a topology document (a backup-time topology, or a side of
/// `inspect --diff`), without making it a deployment; its problems are recorded as usual.
pub fn load_topology_file(ws: &mut Workspace, path: &Path, cwd: &Path) -> Option<Topology> {
    let display = source::display_path(path, cwd);
    topology_from_bytes(ws, path, display, read_bytes(path))
}

/// Adds the backup-time topology's bytes (or the reason they could not be read).
pub fn ingest_backup(
    ws: &mut Workspace,
    path: &Path,
    display: String,
    bytes: Result<Vec<u8>, String>,
) {
    ws.backup = topology_from_bytes(ws, path, display, bytes);
}

fn topology_from_bytes(
    ws: &mut Workspace,
    path: &Path,
    display: String,
    bytes: Result<Vec<u8>, String>,
) -> Option<Topology> {
    let input = Input {
        path: path.to_path_buf(),
        explicit: true,
    };
    let id = decode_file(ws, &input, display, bytes)?;
    if !ws.files.get(id).text.trim_start().starts_with('<') {
        problem(
            ws,
            ProblemKind::Unrecognized,
            id,
            Span::default(),
            "not a topology document".to_string(),
            Some(
                "topologies are XML written by `Get-CsTopology -AsXml` (root `Topology`) or Topology Builder (root `TopologyBuilder`)"
                    .to_string(),
            ),
        );
        return None;
    }
    read_topology(ws, id, true)
}

fn load_xml(ws: &mut Workspace, id: FileId, explicit: bool) {
    if let Some(topology) = read_topology(ws, id, explicit) {
        ws.topologies.push(topology);
    }
}

/// Parses and lowers an XML file; anything but a topology is reported (when named or nearly a
/// topology) and gives none.
fn read_topology(ws: &mut Workspace, id: FileId, explicit: bool) -> Option<Topology> {
    let text = std::sync::Arc::clone(&ws.files.get(id).text);
    let recognized = match model::read(&text, id) {
        Ok(recognized) => recognized,
        Err(err) => {
            problem(ws, ProblemKind::Xml, id, err.span, err.message, None);
            return None;
        }
    };
    match recognized {
        Recognized::Topology(topology) => Some(*topology),
        Recognized::Other {
            root,
            span,
            near_miss,
        } if explicit || near_miss => {
            let (message, help) = if near_miss {
                (
                    format!(
                        "root element `{root}` is not in a Lync/Skype for Business topology namespace"
                    ),
                    "a published topology has `xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008\"`; a Topology Builder file has `xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.TopologyBuilder.2008\"`",
                )
            } else {
                (
                    format!("`{root}` is neither a topology document nor a worksheet"),
                    "topologies come from `Get-CsTopology -AsXml` (root `Topology`) or Topology Builder (root `TopologyBuilder`)",
                )
            };
            problem(
                ws,
                ProblemKind::Unrecognized,
                id,
                span,
                message,
                Some(help.to_string()),
            );
            None
        }
        Recognized::Other { .. } => None,
    }
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, String> {
    source::read_file(path, source::MAX_INPUT_BYTES)
}

fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

fn load_csv(ws: &mut Workspace, id: FileId, explicit: bool) {
    let text = std::sync::Arc::clone(&ws.files.get(id).text);
    match worksheet::lower(crate::table::parse(&text), id) {
        worksheet::Read::Worksheet(sheet, problems) => {
            for p in problems {
                problem(ws, ProblemKind::Worksheet, id, p.span, p.message, p.help);
            }
            ws.worksheets.push(*sheet);
        }
        // A CSV file found in a walk may be anything; one named explicitly must be a worksheet.
        worksheet::Read::Unrecognized { header } if explicit => {
            problem(
                ws,
                ProblemKind::Unrecognized,
                id,
                header,
                "this header row matches no worksheet kind".to_string(),
                Some(
                    "a worksheet's kind is recognised by its header row; run `topolint worksheet init TOPOLOGY --out DIR` for the seven kinds and their columns"
                        .to_string(),
                ),
            );
        }
        worksheet::Read::Unrecognized { .. } => {}
    }
}

fn problem(
    ws: &mut Workspace,
    kind: ProblemKind,
    file: FileId,
    span: Span,
    message: String,
    help: Option<String>,
) {
    ws.problems.push(InputProblem {
        kind,
        file,
        span,
        message,
        help,
    });
}

/// A workspace from files held in memory, given as (name, bytes) and all named explicitly as on
/// a command line, with its deployments formed: what tests and fuzz targets check.
#[must_use]
pub fn from_memory(files: &[(&str, &[u8])]) -> Workspace {
    let mut ws = Workspace::default();
    for (name, bytes) in files {
        let input = Input {
            path: std::path::PathBuf::from(name),
            explicit: true,
        };
        ingest(&mut ws, &input, (*name).to_string(), Ok(bytes.to_vec()));
    }
    form_deployments(&mut ws);
    ws
}

/// Each topology is a deployment together with the worksheets of its directory.
///
/// Worksheets in a directory with no topology, or with several, join nothing and are reported.
pub fn form_deployments(ws: &mut Workspace) {
    let dir_of = |ws: &Workspace, file: FileId| parent_dir(&ws.files.get(file).display);
    let mut by_dir: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (index, topology) in ws.topologies.iter().enumerate() {
        by_dir
            .entry(dir_of(ws, topology.file))
            .or_default()
            .push(index);
    }
    let mut sheets_by_dir: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (index, sheet) in ws.worksheets.iter().enumerate() {
        sheets_by_dir
            .entry(dir_of(ws, sheet.file))
            .or_default()
            .push(index);
    }
    for (index, topology) in ws.topologies.iter().enumerate() {
        let dir = dir_of(ws, topology.file);
        let alone = by_dir.get(&dir).is_some_and(|t| t.len() == 1);
        let worksheets = if alone {
            sheets_by_dir.get(&dir).cloned().unwrap_or_default()
        } else {
            Vec::new()
        };
        let mut sheets = Sheets::default();
        for &i in &worksheets {
            sheets.add(&mut ws.worksheets[i]);
        }
        ws.deployments.push(Deployment {
            topology: index,
            dir,
            worksheets,
            sheets,
        });
    }
    let mut ambiguous = Vec::new();
    for (dir, sheets) in &sheets_by_dir {
        let topologies = by_dir.get(dir).map_or(0, Vec::len);
        if topologies == 1 {
            continue;
        }
        for &i in sheets {
            let sheet = &ws.worksheets[i];
            let (message, help) = if topologies == 0 {
                (
                    format!(
                        "this {} worksheet has no topology beside it, so no rule reads it",
                        sheet.kind.name()
                    ),
                    "keep the worksheets in the same folder as the topology export they describe (`Get-CsTopology -AsXml`)",
                )
            } else {
                (
                    format!(
                        "this {} worksheet sits beside {topologies} topology documents, so it is joined with none of them",
                        sheet.kind.name()
                    ),
                    "give each deployment its own folder holding one topology document and its worksheets",
                )
            };
            ambiguous.push((sheet.file, sheet.header, message, help));
        }
    }
    for (file, span, message, help) in ambiguous {
        problem(
            ws,
            ProblemKind::Ambiguous,
            file,
            span,
            message,
            Some(help.to_string()),
        );
    }
}

/// The directory of a displayed path (`.` for the working directory).
fn parent_dir(shown: &str) -> String {
    match shown.rsplit_once('/') {
        Some((dir, _)) if !dir.is_empty() => dir.to_string(),
        Some(_) => "/".to_string(),
        None => ".".to_string(),
    }
}
