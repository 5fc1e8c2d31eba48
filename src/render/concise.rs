//! One line per finding: `path:line:col: severity[CODE] message (name)`.
//!
//! An exempted finding is written with `suppressed` in place of the severity, and its reason and
//! expiry date after the name, so that tools matching `error|warning|note` skip it.

use std::io::{self, Write};

use super::primary_position;
use crate::engine::Report;
use crate::escape::Term;
use crate::model::Workspace;

/// Writes the findings, one per line, in report order; paths, messages and reasons through
/// [`crate::escape::terminal`], so that each finding stays one line.
///
/// # Errors
/// Propagates write errors.
pub fn render(out: &mut dyn Write, ws: &Workspace, report: &Report) -> io::Result<()> {
    for f in &report.findings {
        match primary_position(ws, f) {
            Some(p) => write!(out, "{}:{}:{}: ", Term(&p.path), p.line, p.column)?,
            None => write!(out, "topolint: ")?,
        }
        match &f.suppression {
            None => writeln!(
                out,
                "{}[{}] {} ({})",
                f.severity.as_str(),
                f.rule.code,
                Term(&f.message),
                f.rule.name
            )?,
            Some(s) => writeln!(
                out,
                "suppressed[{}] {} ({}; exempted until {}: {})",
                f.rule.code,
                Term(&f.message),
                f.rule.name,
                s.expires,
                Term(&s.reason)
            )?,
        }
    }
    Ok(())
}
