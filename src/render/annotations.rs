//! CI annotations: GitHub Actions workflow commands and Azure Pipelines logging commands.
//!
//! Each finding that counts becomes one command, which the CI service shows on the file and line
//! (and, for GitHub, in the pull request's diff). Exempted findings are plain log lines, so they
//! stay visible without being raised as problems; a closing plain line gives the counts and the
//! verdict. Azure Pipelines has no level below `warning`: notes are plain log lines there.

use std::io::{self, Write};

use super::primary_position;
use crate::engine::Report;
use crate::finding::{Finding, Severity};
use crate::model::Workspace;

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
                one_line(&s.reason),
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
    let place = primary_position(ws, f)
        .map(|p| format!("{}:{}:{}: ", p.path, p.line, p.column))
        .unwrap_or_default();
    format!(
        "{place}{}[{}] {}",
        f.severity.as_str(),
        f.rule.code,
        one_line(&f.message)
    )
}

fn one_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

/// `::error file=P,line=L,endLine=L2,col=C,endColumn=C2,title=CODE name::message`
fn github(ws: &Workspace, f: &Finding) -> String {
    let command = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let mut props = Vec::new();
    if let Some(p) = primary_position(ws, f) {
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
    let message = format!("{}\nhelp: {}\n{}", f.message, f.help, f.url());
    format!("::{command} {}::{}", props.join(","), github_data(&message))
}

fn github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

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
    if let Some(p) = primary_position(ws, f) {
        props.push(format!("sourcepath={}", azure_property(&p.path)));
        props.push(format!("linenumber={}", p.line));
        props.push(format!("columnnumber={}", p.column));
    }
    props.push(format!("code={}", f.rule.code));
    let message = format!("{} ({}) help: {}", f.message, f.rule.name, f.help);
    format!(
        "##vso[task.logissue {}]{}",
        props.join(";"),
        azure_data(&message)
    )
}

fn azure_data(text: &str) -> String {
    text.replace('%', "%AZP25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn azure_property(text: &str) -> String {
    azure_data(text).replace(';', "%3B").replace(']', "%5D")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escapes_data_and_properties() {
        assert_eq!(github_data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(github_property("a:b,c"), "a%3Ab%2Cc");
    }

    #[test]
    fn azure_escapes_data_and_properties() {
        assert_eq!(azure_data("100%\r\n"), "100%AZP25%0D%0A");
        assert_eq!(azure_property("x;y]z"), "x%3By%5Dz");
    }
}
