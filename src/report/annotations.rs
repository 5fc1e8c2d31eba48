//! CI annotations: GitHub Actions workflow commands and Azure Pipelines logging commands.
//!
//! Each finding that counts becomes one command, which the CI service shows on the file and line
//! (and, for GitHub, in the pull request's diff). Exempted findings are plain log lines, so they
//! stay visible without being raised as problems; a closing plain line gives the counts and the
//! verdict. Azure Pipelines has no level below `warning`: notes are plain log lines there.
//!
//! Every value first goes through [`terminal`] (a value's line break or control character is
//! shown as an escape, and a logging command it holds is broken), then through the service's
//! own escapes for data and properties: GitHub's runner reads `%25`, `%0D`, `%0A` in data and
//! also `%3A`, `%2C` in properties; Azure's task library writes `%AZP25`, `%0D`, `%0A` in data
//! and also `%3B`, `%5D` in properties. The line breaks of a multi-line GitHub message are
//! topolint's own.

use std::io::{self, Write};

use super::{Position, primary_position};
use crate::lint::draft::Severity;
use crate::lint::engine::Report;
use crate::lint::finding::Finding;
use crate::model::Workspace;
use crate::report::escape::terminal;

/// Which CI service's syntax to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Github,
    Azure,
}

/// Writes one command per finding, then the summary line.
///
/// # Errors
/// Propagates write errors.
pub fn render(
    out: &mut dyn Write,
    ws: &Workspace,
    report: &Report,
    dialect: Dialect,
) -> io::Result<()> {
    for f in &report.findings {
        let line = match (dialect, &f.suppression) {
            (_, Some(s)) => format!(
                "topolint: exempted until {} ({}): {}",
                s.expires,
                terminal(&s.reason),
                plain(ws, f)
            ),
            (Dialect::Github, None) => github(ws, f),
            (Dialect::Azure, None) if f.severity == Severity::Note => {
                format!("topolint: {}", plain(ws, f))
            }
            (Dialect::Azure, None) => azure(ws, f),
        };
        writeln!(out, "{line}")?;
    }
    writeln!(out, "{}", super::closing_line(&report.summary))
}

/// `path:line:col: severity[CODE] message` on one line, for plain log lines.
fn plain(ws: &Workspace, f: &Finding) -> String {
    let position = primary_position(ws, f);
    let place = position
        .as_ref()
        .map(|p| format!("{}:{}:{}: ", terminal(&p.path), p.line, p.column))
        .unwrap_or_default();
    format!(
        "{place}{}[{}] {}",
        f.severity.as_str(),
        f.rule.code,
        terminal(&Position::with_reference(position.as_ref(), &f.message))
    )
}

/// `::error file=P,line=L,endLine=L2,col=C,endColumn=C2,title=CODE name::message`
fn github(ws: &Workspace, f: &Finding) -> String {
    let command = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let mut props = Vec::new();
    let position = primary_position(ws, f);
    if let Some(p) = &position {
        props.push(format!("file={}", github_property(&p.path)));
        props.push(format!("line={}", p.line));
        props.push(format!("endLine={}", p.end_line));
        // Columns only make sense on a single line.
        if p.line == p.end_line {
            props.push(format!("col={}", p.column));
            props.push(format!("endColumn={}", p.end_column));
        }
    }
    props.push(format!(
        "title={}",
        github_property(&format!("{} {}", f.rule.code, f.rule.name))
    ));
    // Three lines: the message, the help and the rule's page.
    let message = [
        github_data(&Position::with_reference(position.as_ref(), &f.message)),
        github_data(&format!("help: {}", f.help)),
        github_data(&f.url()),
    ]
    .join("%0A");
    format!("::{command} {}::{message}", props.join(","))
}

/// A value in the data of a GitHub workflow command.
fn github_data(text: &str) -> String {
    terminal(text)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A value in a property of a GitHub workflow command.
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// `##vso[task.logissue type=error;sourcepath=P;linenumber=L;columnnumber=C;code=CODE]message`
fn azure(ws: &Workspace, f: &Finding) -> String {
    let kind = if f.severity == Severity::Error {
        "error"
    } else {
        "warning"
    };
    let mut props = vec![format!("type={kind}")];
    let position = primary_position(ws, f);
    if let Some(p) = &position {
        props.push(format!("sourcepath={}", azure_property(&p.path)));
        props.push(format!("linenumber={}", p.line));
        props.push(format!("columnnumber={}", p.column));
    }
    props.push(format!("code={}", f.rule.code));
    let message = format!(
        "{} ({}) help: {}",
        Position::with_reference(position.as_ref(), &f.message),
        f.rule.name,
        f.help
    );
    format!(
        "##vso[task.logissue {}]{}",
        props.join(";"),
        azure_data(&message)
    )
}

/// A value in the data of an Azure Pipelines logging command.
fn azure_data(text: &str) -> String {
    terminal(text)
        .replace('%', "%AZP25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A value in a property of an Azure Pipelines logging command.
fn azure_property(text: &str) -> String {
    azure_data(text).replace(';', "%3B").replace(']', "%5D")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escapes_data_and_properties() {
        assert_eq!(github_data("50% done"), "50%25 done");
        assert_eq!(github_property("a:b,c"), "a%3Ab%2Cc");
        // A value's line break is shown, never a line of the log; its commands are broken.
        assert_eq!(github_data("a\n::error::x"), "a\\n:\\u{3a}error::x");
        assert_eq!(github_property("::x,##[y]"), "%3A\\u{3a}x%2C#\\u{23}[y]");
    }

    #[test]
    fn azure_escapes_data_and_properties() {
        assert_eq!(azure_data("100%"), "100%AZP25");
        assert_eq!(azure_property("x;y]z"), "x%3By%5Dz");
        assert_eq!(
            azure_data("a\r\n##vso[task.setvariable variable=x]1"),
            "a\\r\\n#\\u{23}vso[task.setvariable variable=x]1"
        );
        assert_eq!(azure_property("p;##vso[x]"), "p%3B#\\u{23}vso[x%5D");
    }
}
