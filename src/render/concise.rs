//! One line per finding: `path:line:col: severity[CODE] message (name)`.

use std::io::{self, Write};

use super::primary_position;
use crate::engine::Report;
use crate::model::Workspace;

/// Writes the findings, one per line, in report order.
///
/// # Errors
/// Propagates write errors.
pub fn render(out: &mut dyn Write, ws: &Workspace, report: &Report) -> io::Result<()> {
    for f in &report.findings {
        match primary_position(ws, f) {
            Some(p) => write!(out, "{}:{}:{}: ", p.path, p.line, p.column)?,
            None => write!(out, "topolint: ")?,
        }
        writeln!(
            out,
            "{}[{}] {} ({})",
            f.severity.as_str(),
            f.rule.code,
            f.message,
            f.rule.name
        )?;
    }
    Ok(())
}
