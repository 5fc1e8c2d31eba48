//! Reading inputs into a [`Workspace`]: read bytes, decode, parse, recognise, lower.
//!
//! Every problem with an input becomes an [`InputProblem`] and the run goes on.

use std::io::Read;
use std::path::Path;

use crate::discover::{Input, WalkError};
use crate::model::{self, Deployment, InputProblem, ProblemKind, Recognized, Workspace};
use crate::source::{self, Encoding, FileId};
use crate::span::Span;

/// Largest file read: spans are 32-bit.
const MAX_FILE_BYTES: u64 = u32::MAX as u64;

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
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(message) => {
            let id = ws
                .files
                .add(input.path.clone(), display, String::new(), Encoding::Utf8);
            problem(ws, ProblemKind::Io, id, Span::default(), message, None);
            return;
        }
    };
    let decoded = source::decode(bytes);
    let id = ws
        .files
        .add(input.path.clone(), display, decoded.text, decoded.encoding);
    if let Some(p) = decoded.problem {
        let help = "save the file as UTF-8, or as UTF-16 with a byte-order mark (Windows PowerShell's `Out-File -Encoding Unicode` writes one)";
        problem(
            ws,
            ProblemKind::Decode,
            id,
            p.span,
            p.message,
            Some(help.to_string()),
        );
        return;
    }
    let is_xml = has_xml_extension(&input.path)
        || (input.explicit && ws.files.get(id).text.trim_start().starts_with('<'));
    if is_xml {
        load_xml(ws, id, input.explicit);
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

fn load_xml(ws: &mut Workspace, id: FileId, explicit: bool) {
    let text = std::sync::Arc::clone(&ws.files.get(id).text);
    let doc = match crate::xml::parse(&text) {
        Ok(doc) => doc,
        Err(err) => {
            problem(ws, ProblemKind::Xml, id, err.span, err.message, None);
            return;
        }
    };
    match model::lower(&doc, id) {
        Recognized::Topology(topology) => ws.topologies.push(*topology),
        Recognized::Other { root, near_miss } if explicit || near_miss => {
            let span = doc.elem(doc.root()).name;
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
        }
        Recognized::Other { .. } => {}
    }
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let len = file.metadata().map_err(|e| e.to_string())?.len();
    if len > MAX_FILE_BYTES {
        return Err(format!(
            "the file is {len} bytes; files over 4 GiB are not read"
        ));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err("the file is larger than 4 GiB; such files are not read".to_string());
    }
    Ok(bytes)
}

fn has_xml_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xml") || e.eq_ignore_ascii_case("tbxml"))
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

/// Each topology is a deployment together with the worksheets of its directory.
pub fn form_deployments(ws: &mut Workspace) {
    for (index, topology) in ws.topologies.iter().enumerate() {
        let shown = &ws.files.get(topology.file).display;
        let dir = match shown.rsplit_once('/') {
            Some((dir, _)) if !dir.is_empty() => dir.to_string(),
            Some(_) => "/".to_string(),
            None => ".".to_string(),
        };
        ws.deployments.push(Deployment {
            topology: index,
            dir,
            has_worksheets: false,
        });
    }
}
