//! Renderers: each writes a whole report to a `dyn Write`.

pub mod annotations;
pub mod concise;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use crate::finding::Finding;
use crate::model::Workspace;
use crate::span::Span;

/// `1 error`, `2 errors`.
#[must_use]
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// A position as users see it: 1-based line and character column, start and end.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Position {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Position {
    #[must_use]
    pub fn of(ws: &Workspace, file: crate::source::FileId, span: Span) -> Self {
        let f = ws.files.get(file);
        let (line, column) = f.line_col(span.start);
        let (end_line, end_column) = f.line_col(span.end);
        Self {
            path: f.display.clone(),
            line,
            column,
            end_line,
            end_column,
        }
    }
}

/// The primary position of a finding, if it has one.
#[must_use]
pub fn primary_position(ws: &Workspace, finding: &Finding) -> Option<Position> {
    finding
        .primary
        .as_ref()
        .map(|l| Position::of(ws, l.file, l.span))
}
