//! One line per finding: `path:line:col: severity[CODE] message (name)`.
//!
//! An exempted finding is written with `suppressed` in place of the severity, and its reason and
//! expiry date after the name, so that tools matching `error|warning|note` skip it. Paths are in
//! the human form: with `\` separators when `backslashes` (see [`crate::paths::for_humans`]).

use std::io::{self, Write};

use super::primary_position;
use crate::engine::Report;
use crate::model::Workspace;
use crate::paths::for_humans;

/// Writes the findings, one per line, in report order.
///
/// # Errors
/// Propagates write errors.
pub fn render(
    out: &mut dyn Write,
    ws: &Workspace,
    report: &Report,
    backslashes: bool,
) -> io::Result<()> {
    for f in &report.findings {
        match primary_position(ws, f) {
            Some(p) => write!(
                out,
                "{}:{}:{}: ",
                for_humans(&p.path, backslashes),
                p.line,
                p.column
            )?,
            None => write!(out, "topolint: ")?,
        }
        match &f.suppression {
            None => writeln!(
                out,
                "{}[{}] {} ({})",
                f.severity.as_str(),
                f.rule.code,
                f.message,
                f.rule.name
            )?,
            Some(s) => writeln!(
                out,
                "suppressed[{}] {} ({}; exempted until {}: {})",
                f.rule.code, f.message, f.rule.name, s.expires, s.reason
            )?,
        }
    }
    Ok(())
}
