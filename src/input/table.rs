//! A worksheet as a grid of cells that keep where they are written, whatever the file format:
//! the header record, the data records, and what was wrong with the structure. The CSV reader
//! ([`super::csv`]) builds one; so does a workbook's sheet, laid out as text by the grid module,
//! its cells pointing at their places in the sheet.

use crate::input::span::Span;

/// One cell: its unquoted text with surrounding spaces removed, and where it is written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    /// The cell's content in the file (inside the quotes when quoted; empty for a blank cell,
    /// placed where the cell starts).
    pub span: Span,
}

impl Cell {
    #[must_use]
    pub fn is_blank(&self) -> bool {
        self.text.is_empty()
    }
}

/// One record (a row of cells).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The whole record, without its line ending.
    pub span: Span,
    pub cells: Vec<Cell>,
}

/// A problem with the structure of the table itself: where, what, and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableProblem {
    pub span: Span,
    pub message: String,
    pub help: String,
}

/// How the file holding a table is written, for `inspect` and the messages about the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// CSV text in this dialect.
    Csv(super::dialect::Dialect),
    /// A sheet of an Excel workbook.
    Sheet,
}

impl Layout {
    /// The layout in words, for `inspect`: `semicolon-separated, after Export-Csv's #TYPE
    /// line`.
    #[must_use]
    pub fn describe(self) -> String {
        match self {
            Self::Csv(dialect) => dialect.describe(),
            Self::Sheet => "a sheet of an Excel workbook".to_string(),
        }
    }
}

impl Default for Layout {
    fn default() -> Self {
        Self::Csv(super::dialect::Dialect::default())
    }
}

/// A parsed table: the header record, the data records, and what was wrong.
#[derive(Clone, Debug, Default)]
pub struct Table {
    pub header: Option<Record>,
    pub rows: Vec<Record>,
    pub problems: Vec<TableProblem>,
    pub layout: Layout,
}
