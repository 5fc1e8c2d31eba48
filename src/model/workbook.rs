//! An Excel workbook into the workspace: each sheet whose header row is a worksheet's becomes a
//! worksheet, read as a CSV file is ([`worksheet::lower`]), its cells pointing at their rows and
//! columns; what cannot be read is an input problem on the workbook.
//!
//! Each sheet read is a source file of its own ([`Files::add_sheet`]), shown under the
//! workbook's path, so that a finding names the workbook, the sheet and the cell. A sheet whose
//! header row is nothing like a worksheet's (notes, a chart's data, an empty sheet) is left
//! alone; one that comes close to a kind is handed back, to be reported as a CSV file that comes
//! close is. A workbook with no worksheet at all is reported too: no workbook in a deployment
//! folder is dropped in silence.

use crate::input::discover::Input;
use crate::input::grid;
use crate::input::problem::{InputProblem, ProblemKind, Unread};
use crate::input::source::{Encoding, FileId, Sheet};
use crate::input::span::Span;
use crate::input::text::{and_list, shown};
use crate::input::workbook::{self, Refusal};
use crate::model::Workspace;
use crate::model::worksheet::{self, Closest};

/// The most cells one sheet is laid out with (its rows times its header's width).
pub const MAX_SHEET_CELLS: usize = 4_000_000;

/// A sheet whose header row comes close to a worksheet kind's without being one.
#[derive(Debug)]
pub struct NearSheet {
    /// The sheet, as a source file.
    pub file: FileId,
    pub header: Span,
    pub closest: Closest,
}

/// Reads a workbook's bytes (or the reason they could not be read) into the workspace, and
/// gives back the sheets that come close to a worksheet without being one.
pub fn load(
    ws: &mut Workspace,
    input: &Input,
    display: String,
    bytes: Result<Vec<u8>, String>,
) -> Vec<NearSheet> {
    let book = ws.files.add(
        input.path.clone(),
        display.clone(),
        String::new(),
        Encoding::Binary,
    );
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(message) => {
            problem(ws, book, message, None);
            return Vec::new();
        }
    };
    let name = input
        .path
        .file_name()
        .map_or_else(|| display.clone(), |n| n.to_string_lossy().into_owned());
    let sheets = match workbook::read(&bytes) {
        Ok(sheets) => sheets,
        Err(refusal) => {
            refused(ws, book, input.explicit, &name, refusal);
            return Vec::new();
        }
    };
    let mut near = Vec::new();
    let mut read = 0;
    let mut names = Vec::new();
    for sheet in sheets {
        names.push(format!("`{}`", shown(&sheet.name)));
        let cells = match sheet.cells {
            Ok(cells) => cells,
            Err(why) => {
                problem(
                    ws,
                    book,
                    format!("its sheet `{}` cannot be read ({why})", shown(&sheet.name)),
                    Some("open the workbook in Excel and save it again".to_string()),
                );
                // An unreadable sheet is reported: the workbook is not silently empty.
                read += 1;
                continue;
            }
        };
        let laid = grid::lay_out(cells, MAX_SHEET_CELLS);
        let (Some(header), Some(header_row)) = (&laid.table.header, laid.header_row) else {
            continue;
        };
        let recognised = worksheet::recognise(&header.cells).is_some();
        let close = if recognised {
            None
        } else {
            match worksheet::closest(&header.cells) {
                Some(c) if !c.near.is_empty() || c.found >= 2 => Some(c),
                _ => continue,
            }
        };
        let file = ws.files.add_sheet(
            input.path.clone(),
            display.clone(),
            laid.text,
            Sheet {
                name: sheet.name,
                header_row: header_row as usize,
                headers: laid.headers,
            },
        );
        read += 1;
        match (worksheet::lower(laid.table, file), close) {
            (worksheet::Read::Worksheet(sheet, problems), _) => {
                // An error cell's own problem comes first; the column's "not a valid ..."
                // about the same cell says nothing more.
                let mut seen = std::collections::BTreeSet::new();
                for p in problems {
                    if laid.errors.contains(&p.span) && !seen.insert(p.span) {
                        continue;
                    }
                    ws.problems.push(InputProblem::new(
                        ProblemKind::Worksheet,
                        file,
                        p.span,
                        p.message,
                        p.help,
                    ));
                }
                ws.worksheets.push(*sheet);
            }
            (worksheet::Read::Unrecognized { header, .. }, Some(closest)) => {
                near.push(NearSheet {
                    file,
                    header,
                    closest,
                });
            }
            (worksheet::Read::Unrecognized { .. }, None) => {}
        }
    }
    if read == 0 {
        ws.unread.push(Unread {
            file: book,
            explicit: input.explicit,
            span: Span::default(),
            label: None,
            message: if names.is_empty() {
                format!("`{name}` is an Excel workbook with no sheet of cells")
            } else {
                format!(
                    "`{name}` is an Excel workbook, but none of its sheets ({}) starts with a worksheet's header row",
                    and_list(&names)
                )
            },
            help: "a worksheet is recognised by its header row, the first row of its sheet that holds a value: `topolint worksheet init TOPOLOGY --out DIR --format xlsx` writes a workbook holding every kind; a workbook that holds no worksheet belongs outside the deployment folder (or in `.ignore`)".to_string(),
            labels: Vec::new(),
        });
    }
    near
}

/// Reports a workbook that is not read at all.
fn refused(ws: &mut Workspace, book: FileId, explicit: bool, name: &str, refusal: Refusal) {
    match refusal {
        Refusal::NotAWorkbook { what, help } => ws.unread.push(Unread {
            file: book,
            explicit,
            span: Span::default(),
            label: None,
            message: format!("`{name}` is named like an Excel workbook, but it is {what}"),
            help,
            labels: Vec::new(),
        }),
        Refusal::Encrypted => problem(
            ws,
            book,
            "it is an Excel workbook encrypted with a password to open, so its sheets cannot be read".to_string(),
            Some("keep the worksheets in the deployment folder without the password (in Excel: File > Info > Protect Workbook > Encrypt with Password, then clear it), or save each sheet as CSV; protect the repository instead".to_string()),
        ),
        Refusal::Unreadable(why) => problem(
            ws,
            book,
            why,
            Some("open it in Excel and save it again (File > Save As > Excel Workbook), or save each sheet as CSV".to_string()),
        ),
    }
}

/// An `IN001` problem on the workbook as a whole.
fn problem(ws: &mut Workspace, file: FileId, message: String, help: Option<String>) {
    ws.problems.push(InputProblem::new(
        ProblemKind::Io,
        file,
        Span::default(),
        message,
        help,
    ));
}

/// Whether a path names a workbook topolint reads: `.xlsx` or `.xlsm`.
#[must_use]
pub fn is_workbook(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xlsm"))
}
