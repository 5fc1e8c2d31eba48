//! One line per finding: `path:line:col: severity[CODE] message (name)`.
//!
//! An exempted finding is written with `suppressed` in place of the severity, and its reason and
//! expiry date after the name, so that tools matching `error|warning|note` skip it. A closing
//! line gives the counts and the verdict (left out with `--quiet`); `--statistics` gives the
//! number of findings of each rule instead of the findings. Paths are in the human form: with
//! `\` separators when `style.backslashes` (see [`crate::input::paths::for_humans`]).

use std::io::{self, Write};

use super::human::Style;
use super::{Position, primary_position};
use crate::input::paths::for_humans;
use crate::lint::engine::Report;
use crate::model::Workspace;
use crate::report::escape::Term;

/// Writes the findings, one per line, in report order, then the closing line; paths, messages
/// and reasons through [`crate::report::escape::terminal`], so that each finding stays one line.
///
/// # Errors
/// Propagates write errors.
pub fn render(
    out: &mut dyn Write,
    ws: &Workspace,
    report: &Report,
    style: Style,
) -> io::Result<()> {
    if style.statistics {
        super::statistics(out, report)?;
    } else {
        findings(out, ws, report, style.backslashes)?;
    }
    if !style.quiet {
        writeln!(out, "{}", super::closing_line(&report.summary))?;
    }
    Ok(())
}

fn findings(
    out: &mut dyn Write,
    ws: &Workspace,
    report: &Report,
    backslashes: bool,
) -> io::Result<()> {
    for f in &report.findings {
        let position = primary_position(ws, f);
        match &position {
            Some(p) => write!(
                out,
                "{}:{}:{}: ",
                Term(&for_humans(&p.path, backslashes)),
                p.line,
                p.column
            )?,
            None => write!(out, "topolint: ")?,
        }
        let message = Position::with_reference(position.as_ref(), &f.message);
        match &f.suppression {
            None => writeln!(
                out,
                "{}[{}] {} ({})",
                f.severity.as_str(),
                f.rule.code,
                Term(&message),
                f.rule.name
            )?,
            Some(s) => writeln!(
                out,
                "suppressed[{}] {} ({}; exempted until {}: {})",
                f.rule.code,
                Term(&message),
                f.rule.name,
                s.expires,
                Term(&s.reason)
            )?,
        }
    }
    Ok(())
}
