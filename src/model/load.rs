//! Reading inputs into a [`Workspace`]: read bytes, decode, parse, recognise, lower.
//!
//! Every problem with an input becomes an [`InputProblem`] and the run goes on.

use std::path::Path;

use crate::input::discover::{Input, WalkError};
use std::collections::BTreeMap;

use crate::input::problem::{InputProblem, ProblemKind, Unread};
use crate::input::source::{self, Encoding, FileId};
use crate::input::span::Span;
use crate::lint::draft::{Label, Severity};
use crate::model::{self, Deployment, Recognized, Sheets, Topology, Workspace, worksheet};

/// Reads every input, in order, into a workspace, and forms its deployments.
#[must_use]
pub fn load(inputs: &[Input], walk_errors: &[WalkError], cwd: &Path) -> Workspace {
    let mut ws = read(inputs, walk_errors, cwd);
    form_deployments(&mut ws);
    ws
}

/// Reads every input, in order, into a workspace, without forming deployments yet (more files
/// may join: the worksheets beside a topology named on the command line).
#[must_use]
pub fn read(inputs: &[Input], walk_errors: &[WalkError], cwd: &Path) -> Workspace {
    let mut ws = Workspace::default();
    read_more(&mut ws, inputs, cwd);
    add_walk_errors(&mut ws, walk_errors, cwd);
    ws
}

/// Records the directory entries a walk could not visit.
pub fn add_walk_errors(ws: &mut Workspace, walk_errors: &[WalkError], cwd: &Path) {
    for err in walk_errors {
        let id = ws.files.add(
            err.path.clone(),
            source::display_path(&err.path, cwd),
            String::new(),
            Encoding::Utf8,
        );
        problem(
            ws,
            ProblemKind::Io,
            id,
            Span::default(),
            err.message.clone(),
            None,
        );
    }
}

/// Reads more inputs into a workspace.
pub fn read_more(ws: &mut Workspace, inputs: &[Input], cwd: &Path) {
    for input in inputs {
        load_one(ws, input, cwd);
    }
}

fn load_one(ws: &mut Workspace, input: &Input, cwd: &Path) {
    let display = source::display_path(&input.path, cwd);
    if model::workbook::is_workbook(&input.path) {
        // A workbook is read whole, up to its own cap.
        let bytes = source::read_file(&input.path, crate::input::workbook::MAX_FILE_BYTES);
        ingest(ws, input, display, bytes);
        return;
    }
    // An archive is never read as text: not even its bytes are needed.
    if let Some(binary) = Binary::by_name(&input.path) {
        unread_binary(ws, input, display, binary, None);
        return;
    }
    ingest(ws, input, display, read_bytes(&input.path));
}

/// A binary file that topolint does not read (yet).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Binary {
    /// A ZIP archive: what the Export-Cs* cmdlets write.
    Zip,
    /// An Excel 97-2003 workbook or another OLE compound file.
    LegacyWorkbook,
}

impl Binary {
    /// By the file's name: `.zip` (a workbook's name is read as a workbook).
    fn by_name(path: &Path) -> Option<Self> {
        has_extension(path, &["zip"]).then_some(Self::Zip)
    }

    /// By the file's first bytes, whatever its name.
    fn by_content(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
            Some(Self::Zip)
        } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            Some(Self::LegacyWorkbook)
        } else {
            None
        }
    }
}

/// Records a binary file as unread, saying what it was taken for and why: `content` is the
/// first bytes that gave it away, when its name did not.
fn unread_binary(
    ws: &mut Workspace,
    input: &Input,
    display: String,
    binary: Binary,
    content: Option<&str>,
) {
    let name = input
        .path
        .file_name()
        .map_or_else(|| display.clone(), |n| n.to_string_lossy().into_owned());
    let why = match content {
        Some(bytes) => format!("its first bytes are {bytes}"),
        None => format!(
            "its name ends in .{}",
            input
                .path
                .extension()
                .map(|e| e.to_string_lossy().to_lowercase())
                .unwrap_or_default()
        ),
    };
    let (what, unread, help) = match binary {
        Binary::Zip => (
            "a ZIP archive",
            "archives are read only in a backup run (`--backup-share`) or as `--backup-topology`, so nothing in this one was checked",
            "Export-CsConfiguration and the other Export-Cs* cmdlets write ZIP archives: they belong with the backups; the topology topolint checks is the XML `(Get-CsTopology -AsXml).ToString()` writes",
        ),
        Binary::LegacyWorkbook => (
            "an Excel 97-2003 workbook (or another OLE compound file)",
            "topolint reads Excel workbooks saved as .xlsx or .xlsm, not this older format, so it was not checked",
            "open it in Excel and save it as Excel Workbook (*.xlsx) in this folder: each sheet is recognised as a worksheet by its header row",
        ),
    };
    let id = ws
        .files
        .add(input.path.clone(), display, String::new(), Encoding::Binary);
    ws.unread.push(Unread {
        file: id,
        explicit: input.explicit,
        span: Span::default(),
        label: None,
        message: format!("`{name}` is {what} ({why}); {unread}"),
        help: help.to_string(),
        labels: Vec::new(),
    });
}

/// Adds one file's bytes (or the reason they could not be read) to the workspace.
pub fn ingest(ws: &mut Workspace, input: &Input, display: String, bytes: Result<Vec<u8>, String>) {
    if model::workbook::is_workbook(&input.path) {
        load_workbook(ws, input, display, bytes);
        return;
    }
    if let Some(binary) = Binary::by_name(&input.path) {
        unread_binary(ws, input, display, binary, None);
        return;
    }
    if let Ok(bytes) = &bytes {
        if let Some(binary) = Binary::by_content(bytes) {
            let magic = if bytes.starts_with(b"PK") {
                "`PK`, a ZIP archive's signature"
            } else {
                "an OLE compound file's signature"
            };
            unread_binary(ws, input, display, binary, Some(magic));
            return;
        }
    }
    let is_table = has_extension(&input.path, &["csv", "txt"]);
    let is_xml = has_extension(&input.path, &["xml", "tbxml"]);
    let id = match decode_file(ws, input, display, bytes, is_table) {
        Ok(id) => id,
        Err(id) => {
            if is_xml {
                ws.broken_topologies.push(id);
            }
            return;
        }
    };
    if is_xml
        || (input.explicit && !is_table && ws.files.get(id).text.trim_start().starts_with('<'))
    {
        load_xml(ws, id, input.explicit);
    } else if is_table {
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

/// Adds a file's decoded text to the workspace (a worksheet's bytes that are not UTF-8 are read
/// as Windows-1252); an unreadable or undecodable file is an input problem, and gives its id
/// as the error.
fn decode_file(
    ws: &mut Workspace,
    input: &Input,
    display: String,
    bytes: Result<Vec<u8>, String>,
    worksheet: bool,
) -> Result<FileId, FileId> {
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(message) => {
            let id = ws
                .files
                .add(input.path.clone(), display, String::new(), Encoding::Utf8);
            problem(ws, ProblemKind::Io, id, Span::default(), message, None);
            return Err(id);
        }
    };
    let decoded = if worksheet {
        source::decode_worksheet(bytes)
    } else {
        source::decode(bytes)
    };
    let id = ws
        .files
        .add(input.path.clone(), display, decoded.text, decoded.encoding);
    if let Some(p) = decoded.problem {
        if worksheet && p.nul {
            problem(
                ws,
                ProblemKind::Worksheet,
                id,
                p.span,
                "NUL byte in a worksheet: the file is binary, or not saved as CSV".to_string(),
                Some("save the worksheet from Excel as `CSV UTF-8 (Comma delimited)`".to_string()),
            );
            return Err(id);
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
        return Err(id);
    }
    Ok(id)
}

/// Reads the topology exported with the last backup (`--backup-topology`) into
/// [`Workspace::backup`]: the same reader as every other input (either document form, any
/// supported encoding), its problems reported like theirs; never a deployment of its own.
pub fn load_backup(ws: &mut Workspace, path: &Path, cwd: &Path) {
    // An Export-CsConfiguration archive holds the topology exported with it.
    let zip = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
        || std::fs::File::open(path).is_ok_and(|mut f| {
            let mut magic = [0u8; 4];
            std::io::Read::read_exact(&mut f, &mut magic).is_ok() && magic == *b"PK\x03\x04"
        });
    if zip {
        let origin = super::archives::Origin {
            cmdlet: Some("Export-CsConfiguration"),
            named_at: None,
            deployment: (ws.deployments.len() == 1).then_some(0),
        };
        let at = super::archives::read(ws, path, source::display_path(path, cwd), origin);
        ws.backup = ws.archives[at].topology.take();
        return;
    }
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
    let id = decode_file(ws, &input, display, bytes, false).ok()?;
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
    let problems = ws.problems.len();
    match read_topology(ws, id, explicit) {
        Some(topology) => ws.topologies.push(topology),
        // Ill-formed, or nearly a topology: it may well be the folder's topology.
        None if ws.problems.len() > problems => ws.broken_topologies.push(id),
        None => {}
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
    let table = crate::input::csv::parse(&text);
    let layout = table.layout;
    match worksheet::lower(table, id) {
        worksheet::Read::Worksheet(sheet, problems) => {
            for p in problems {
                problem(ws, ProblemKind::Worksheet, id, p.span, p.message, p.help);
            }
            ws.worksheets.push(*sheet);
        }
        // Reported once the deployments are known: in a deployment folder, or when named.
        worksheet::Read::Unrecognized { header, closest } => {
            let file = ws.files.get(id);
            let name = file.path.file_name().map_or_else(
                || file.display.clone(),
                |n| n.to_string_lossy().into_owned(),
            );
            let read_as = format!(
                "`{name}` was read as CSV text ({}, {}) for its .{} name",
                file.encoding.label(),
                layout.describe(),
                file.path
                    .extension()
                    .map(|e| e.to_string_lossy().to_lowercase())
                    .unwrap_or_default()
            );
            let empty = header.is_empty() && text.trim().is_empty();
            let unread = unrecognized(id, explicit, &read_as, header, closest.as_ref(), empty);
            ws.unread.push(unread);
        }
    }
}

/// Reads a workbook, and records each of its sheets that comes close to a worksheet kind
/// without being one, as a CSV file that does is.
fn load_workbook(
    ws: &mut Workspace,
    input: &Input,
    display: String,
    bytes: Result<Vec<u8>, String>,
) {
    for near in model::workbook::load(ws, input, display, bytes) {
        let file = ws.files.get(near.file);
        let name = file.path.file_name().map_or_else(
            || file.display.clone(),
            |n| n.to_string_lossy().into_owned(),
        );
        let sheet = file.sheet.as_ref().map_or("", |s| s.name.as_str());
        let read_as = format!(
            "sheet `{}` of the workbook `{name}` was read",
            crate::input::text::shown(sheet)
        );
        let unread = unrecognized(
            near.file,
            input.explicit,
            &read_as,
            near.header,
            Some(&near.closest),
            false,
        );
        ws.unread.push(unread);
    }
}

/// What to say of a table whose header row matches no worksheet kind: `read_as` says how it was
/// read; the header cells that nearly name a column are labelled.
fn unrecognized(
    id: FileId,
    explicit: bool,
    read_as: &str,
    header: Span,
    closest: Option<&worksheet::Closest>,
    empty: bool,
) -> Unread {
    let mut labels = Vec::new();
    let message = if empty {
        format!("{read_as}, but it is empty: no header row")
    } else {
        match closest {
            None => format!("{read_as}, but its header row matches no worksheet kind"),
            Some(c) => {
                for near in &c.near {
                    labels.push((near.span, format!("did you mean `{}`?", near.column)));
                }
                let mut differs: Vec<String> = c
                    .near
                    .iter()
                    .map(|n| {
                        format!(
                            "`{}` for `{}`",
                            crate::input::text::shown(&n.written),
                            n.column
                        )
                    })
                    .collect();
                differs.extend(c.absent.iter().map(|a| format!("no `{a}`")));
                format!(
                    "{read_as}, but its header row matches no worksheet kind: the closest is the {} worksheet ({} of its {} required columns; {})",
                    c.kind.name(),
                    c.found,
                    c.required,
                    crate::input::text::and_list(&differs)
                )
            }
        }
    };
    let help = match closest {
        Some(c) if !c.near.is_empty() => format!(
            "rename the header cells marked to the {} worksheet's column names (case, surrounding spaces and a trailing `*` do not matter)",
            c.kind.name()
        ),
        _ => "a worksheet's kind is recognised by its header row: `topolint worksheet init TOPOLOGY --out DIR` writes every kind with its columns; a file that is not a worksheet belongs outside the deployment folder (or in `.ignore`)".to_string(),
    };
    // The first cell that differs carries the primary label: labels nested in one
    // spanning the whole header row would be drawn apart from their cells.
    let (span, label) = if labels.is_empty() {
        (header, None)
    } else {
        let (span, label) = labels.remove(0);
        (span, Some(label))
    };
    Unread {
        file: id,
        explicit,
        span,
        label,
        message,
        help,
        labels,
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
    ws.problems
        .push(InputProblem::new(kind, file, span, message, help));
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
/// Worksheets in a directory with no topology, with several, or with one that cannot be read
/// join nothing and are reported once per directory (IN008); files of a deployment folder that
/// are not read are reported too (IN004).
pub fn form_deployments(ws: &mut Workspace) {
    #[derive(Default)]
    struct Folder {
        /// The folder as the first of its files names it.
        shown: String,
        topologies: Vec<usize>,
        broken: Vec<FileId>,
        sheets: Vec<usize>,
    }
    /// The folder of `file` as shown, and as told apart from others: as the platform tells
    /// names apart, so that on Windows `Deploy/Contoso` and `deploy/contoso` are one folder.
    fn folder_of(ws: &Workspace, file: FileId) -> (String, String) {
        let dir = crate::input::paths::parent_dir(&ws.files.get(file).display);
        let key =
            crate::input::paths::fold(dir, crate::input::paths::Platform::CURRENT).into_owned();
        (dir.to_string(), key)
    }
    fn folder<'f>(
        folders: &'f mut BTreeMap<String, Folder>,
        ws: &Workspace,
        file: FileId,
    ) -> &'f mut Folder {
        let (dir, key) = folder_of(ws, file);
        folders.entry(key).or_insert_with(|| Folder {
            shown: dir,
            ..Folder::default()
        })
    }
    let mut folders: BTreeMap<String, Folder> = BTreeMap::new();
    for (index, topology) in ws.topologies.iter().enumerate() {
        folder(&mut folders, ws, topology.file)
            .topologies
            .push(index);
    }
    for &file in &ws.broken_topologies {
        folder(&mut folders, ws, file).broken.push(file);
    }
    for (index, sheet) in ws.worksheets.iter().enumerate() {
        folder(&mut folders, ws, sheet.file).sheets.push(index);
    }
    let no_topology_at_all = ws.topologies.is_empty();
    let mut deployments = Vec::new();
    let mut problems = Vec::new();
    for folder in folders.values() {
        let dir = &folder.shown;
        let alone = folder.topologies.len() == 1;
        for &index in &folder.topologies {
            let worksheets = if alone {
                folder.sheets.clone()
            } else {
                Vec::new()
            };
            let mut sheets = Sheets::default();
            for &i in &worksheets {
                sheets.add(&mut ws.worksheets[i]);
            }
            deployments.push(Deployment {
                topology: index,
                dir: dir.clone(),
                worksheets,
                sheets,
                unjoined: if alone { 0 } else { folder.sheets.len() },
                backups: None,
                archive: None,
            });
        }
        if folder.sheets.is_empty() || alone {
            continue;
        }
        let sheets = worksheets_phrase(folder.sheets.len());
        let sheet_labels = |label: &str| -> Vec<Label> {
            folder
                .sheets
                .iter()
                .map(|&i| {
                    let sheet = &ws.worksheets[i];
                    Label::new(sheet.file, sheet.header, label)
                })
                .collect()
        };
        if let [first, others @ ..] = folder.topologies.as_slice() {
            let first = &ws.topologies[*first];
            let first_name = ws.files.get(first.file).display.clone();
            for (n, &other) in others.iter().enumerate() {
                let other = &ws.topologies[other];
                // The worksheets are pointed at once, from the first extra topology.
                let sheets_here = if n == 0 {
                    sheet_labels("joined with neither topology")
                } else {
                    Vec::new()
                };
                let other_name = &ws.files.get(other.file).display;
                problems.push(InputProblem {
                    kind: ProblemKind::Ambiguous,
                    file: other.file,
                    span: other.root,
                    message: format!(
                        "`{other_name}` is a second topology document in `{dir}` beside `{first_name}`: {sheets} there cannot be joined with either, so the readiness of neither is judged"
                    ),
                    help: Some("give each deployment its own folder holding one topology document and its worksheets; keep the export taken with a backup elsewhere and name it with `--backup-topology`".to_string()),
                    severity: Some(Severity::Error),
                    label: Some("a second topology document".to_string()),
                    related: std::iter::once(Label::new(
                        first.file,
                        first.root,
                        "the first topology document of the folder",
                    ))
                    .chain(sheets_here)
                    .collect(),
                });
            }
        } else if let Some(&broken) = folder.broken.first() {
            let broken_name = ws.files.get(broken).display.clone();
            problems.push(InputProblem {
                kind: ProblemKind::Ambiguous,
                file: broken,
                span: Span::default(),
                message: format!(
                    "{sheets} in `{dir}` cannot be joined with the topology beside {}: `{broken_name}` could not be read, so {} readiness is not judged",
                    if folder.sheets.len() == 1 { "it" } else { "them" },
                    if folder.sheets.len() == 1 { "its" } else { "their" },
                ),
                help: Some("fix the topology document (its own finding says what is wrong) or export it again with `(Get-CsTopology -AsXml).ToString() > topology.xml`".to_string()),
                severity: Some(Severity::Error),
                label: Some("not read as a topology".to_string()),
                related: sheet_labels("not checked"),
            });
        } else {
            let first = &ws.worksheets[folder.sheets[0]];
            let mut related = sheet_labels("not checked either");
            related.remove(0);
            let (severity, why) = if no_topology_at_all {
                (
                    Some(Severity::Error),
                    "and the run read no topology at all: nothing was judged",
                )
            } else if folder.sheets.len() == 1 {
                (None, "so no rule reads it")
            } else {
                (None, "so no rule reads them")
            };
            problems.push(InputProblem {
                kind: ProblemKind::Ambiguous,
                file: first.file,
                span: first.header,
                message: format!(
                    "{sheets} in `{dir}` {} no topology document beside {}, {why}",
                    if folder.sheets.len() == 1 { "has" } else { "have" },
                    if folder.sheets.len() == 1 { "it" } else { "them" },
                ),
                help: Some("keep the worksheets in the same folder as the topology export they describe (`Get-CsTopology -AsXml`)".to_string()),
                severity,
                label: None,
                related,
            });
        }
    }
    deployments.sort_by_key(|d| d.topology);
    ws.deployments = deployments;
    ws.problems.extend(problems);

    // Files that are not read: an error when named, a warning in a deployment folder.
    for unread in std::mem::take(&mut ws.unread) {
        let in_deployment = folders.get(&folder_of(ws, unread.file).1).is_some_and(|f| {
            !(f.topologies.is_empty() && f.broken.is_empty() && f.sheets.is_empty())
        });
        if !unread.explicit && !in_deployment {
            ws.unread.push(unread);
            continue;
        }
        ws.problems.push(InputProblem {
            kind: ProblemKind::Unrecognized,
            file: unread.file,
            span: unread.span,
            message: unread.message.clone(),
            help: Some(unread.help.clone()),
            severity: (!unread.explicit).then_some(Severity::Warning),
            label: unread.label.clone(),
            related: unread
                .labels
                .iter()
                .map(|(span, text)| Label::new(unread.file, *span, text.clone()))
                .collect(),
        });
    }
}

/// `the 3 worksheets`, `the database worksheet`.
fn worksheets_phrase(n: usize) -> String {
    if n == 1 {
        "the worksheet".to_string()
    } else {
        format!("the {n} worksheets")
    }
}
