//! Writing a [`Plan`] as text, Markdown or JSON. The renderers only lay out the data, each
//! through its output's escaping: [`terminal`] for text, [`md`] and [`md_prose`] for Markdown
//! (after [`terminal`], so no value starts a line), [`escape::write_json`] for JSON. Commands
//! were built by [`crate::report::powershell`] from checked values; Markdown fences them with more
//! backticks than any command holds.

use std::io::{self, Write};

use super::model::{Plan, Prerequisite, Status, Step};
use super::pages::{self, Page};
use crate::input::text::plural;
use crate::report::escape::{self, terminal};

const WIDTH: usize = 100;

/// Stands for a space the wrap must not break at.
const GLUE: char = '\u{e000}';

/// Wraps `text` at spaces only (commands, paths and FQDNs hold hyphens and backslashes), and
/// never inside a code span or just before one: a value in a code span stays on the line of
/// the word before it, so that no line starts with what a value holds.
fn wrap(text: &str, first: &str, rest: &str) -> String {
    let options = textwrap::Options::new(WIDTH)
        .initial_indent(first)
        .subsequent_indent(rest)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .break_words(false);
    let text = text.replace(GLUE, " ");
    let mut glued = text.clone();
    for span in code_spans(&text).into_iter().rev() {
        let start = if text[..span.start].ends_with(' ') {
            span.start - 1
        } else {
            span.start
        };
        let joined = text[start..span.end].replace(' ', &GLUE.to_string());
        glued.replace_range(start..span.end, &joined);
    }
    textwrap::fill(&glue_cmdlets(&glued), options).replace(GLUE, " ")
}

/// Whether a word reads as a command (`Verb-Noun`: `Import-CsUserData`, `Copy-Item`).
fn is_cmdlet(word: &str) -> bool {
    let Some((verb, noun)) = word.split_once('-') else {
        return false;
    };
    let mut v = verb.chars();
    v.next().is_some_and(|c| c.is_ascii_uppercase())
        && v.all(|c| c.is_ascii_lowercase())
        && noun.starts_with(|c: char| c.is_ascii_uppercase())
}

/// Glues each word that reads as a command to the word before it, so that in prose no line
/// starts with what looks like a command to paste: only command lines do.
fn glue_cmdlets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(if is_cmdlet(word) { GLUE } else { ' ' });
        }
        out.push_str(word);
    }
    out
}

/// The code spans of `text`: a run of backquotes up to the next run of the same length, as
/// CommonMark reads them (see [`super::code`]).
fn code_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    let run = |at: usize| text[at..].bytes().take_while(|&b| b == b'`').count();
    let mut spans = Vec::new();
    let mut i = 0;
    while let Some(found) = text[i..].find('`') {
        let open = i + found;
        let n = run(open);
        let mut j = open + n;
        let close = loop {
            match text[j..].find('`') {
                None => break None,
                Some(k) => {
                    let at = j + k;
                    let m = run(at);
                    if m == n {
                        break Some(at);
                    }
                    j = at + m;
                }
            }
        };
        match close {
            Some(close) => {
                spans.push(open..close + n);
                i = close + n;
            }
            None => i = open + n,
        }
    }
    spans
}

fn title(plan: &Plan) -> String {
    format!("Restore plan: {}", terminal(&plan.failed.join(", ")))
}

fn counts(plan: &Plan) -> (usize, usize) {
    let blocked = plan
        .prerequisites
        .iter()
        .filter(|p| p.status == Status::Blocked)
        .count();
    let unverified = plan
        .prerequisites
        .iter()
        .filter(|p| p.status == Status::Unverified)
        .count();
    (blocked, unverified)
}

/// The steps whose commands were left out.
fn withheld(plan: &Plan) -> usize {
    plan.sections
        .iter()
        .flat_map(|s| &s.steps)
        .filter(|s| s.withheld.is_some())
        .count()
}

fn verdict(plan: &Plan) -> String {
    let (blocked, unverified) = counts(plan);
    let left_out = withheld(plan);
    if blocked > 0 || left_out > 0 {
        let mut what = Vec::new();
        if blocked > 0 {
            what.push(format!(
                "{} blocked",
                plural(blocked, "prerequisite is", "prerequisites are")
            ));
        }
        if left_out > 0 {
            what.push(format!(
                "{} left out because a value is not valid",
                plural(left_out, "step's commands are", "steps' commands are")
            ));
        }
        format!(
            "BLOCKED: {}; fix what the findings name (`topolint check`) before starting",
            what.join(" and ")
        )
    } else {
        format!(
            "READY: every prerequisite the inputs can show is met; {} to confirm by hand",
            plural(unverified, "item", "items")
        )
    }
}

fn mark(p: &Prerequisite) -> &'static str {
    match p.status {
        Status::Satisfied => "[ok]",
        Status::Blocked => "[BLOCKED]",
        Status::Unverified => "[confirm]",
    }
}

/// What a step says when its commands are left out.
fn left_out(step: &Step) -> Option<String> {
    let w = step.withheld.as_ref()?;
    let place = w
        .location
        .as_ref()
        .map_or_else(String::new, |l| format!(" at {l}"));
    Some(format!(
        "Command left out: {}. {} {} reports it{place}; correct the value, then write the plan again.",
        w.message, w.code, w.name
    ))
}

/// Plain text.
///
/// # Errors
/// Writing fails.
pub fn text(out: &mut dyn Write, plan: &Plan) -> io::Result<()> {
    writeln!(out, "{}", title(plan))?;
    writeln!(
        out,
        "Topology: {} ({}), as of {}",
        terminal(&plan.topology),
        plan.product,
        plan.as_of
    )?;
    for (n, section) in plan.sections.iter().enumerate() {
        let n = n + 1;
        writeln!(out)?;
        writeln!(
            out,
            "{n}. {}: {}",
            section.scenario.label(),
            terminal(&section.subject)
        )?;
        writeln!(out, "{}", wrap(&terminal(&section.why), "   Why: ", "   "))?;
        writeln!(
            out,
            "{}",
            wrap(&procedure(section.source), "   Procedure: ", "   ")
        )?;
        for (k, step) in section.steps.iter().enumerate() {
            let number = format!("   {n}.{} ", k + 1);
            let indent = " ".repeat(number.len());
            writeln!(out)?;
            writeln!(
                out,
                "{}",
                wrap(&with_cites(&terminal(&step.text), step), &number, &indent)
            )?;
            for command in &step.commands {
                writeln!(out, "{indent}    {}", terminal(command))?;
            }
            if let Some(note) = left_out(step) {
                let inner = format!("{indent}    ");
                writeln!(out, "{}", wrap(&terminal(&note), &inner, &inner))?;
            }
        }
    }
    writeln!(out)?;
    writeln!(out, "Prerequisites")?;
    for p in &plan.prerequisites {
        let head = format!("  {:<10} ", mark(p));
        let indent = " ".repeat(head.len());
        writeln!(
            out,
            "{}",
            wrap(
                &format!("{}: {}", p.check.label(), terminal(&p.subject)),
                &head,
                &indent
            )
        )?;
        writeln!(out, "{}", wrap(&terminal(&p.detail), &indent, &indent))?;
        for f in &p.findings {
            writeln!(
                out,
                "{}",
                wrap(
                    &format!("{}: {}", finding_head(f), terminal(&f.message)),
                    &format!("{indent}- "),
                    &format!("{indent}  ")
                )
            )?;
        }
    }
    writeln!(out)?;
    writeln!(out, "Sources")?;
    for page in &plan.sources {
        writeln!(out, "{}", wrap(&source_line(page), "  - ", "    "))?;
    }
    writeln!(out)?;
    writeln!(out, "{}", wrap(&verdict(plan), "", ""))?;
    Ok(())
}

/// A finding beside a prerequisite: `RS301 error`, or `RS305 error, a note` when it does not
/// stop this restore.
fn finding_head(f: &super::model::Blocker) -> String {
    if f.blocks || f.severity != "error" {
        format!("{} {}", f.code, f.severity)
    } else {
        format!(
            "{} {} (a note: it does not stop this restore)",
            f.code, f.severity
        )
    }
}

/// The procedure a section follows: its title, and its TechNet ID or its path.
fn procedure(page: &Page) -> String {
    match page.technet {
        Some(id) => format!("{} (TechNet {id})", page.title),
        None => format!("{} ({})", page.title, page.path),
    }
}

/// A step's text followed by the steps of Microsoft's pages it carries out.
fn with_cites(text: &str, step: &Step) -> String {
    if step.cites.is_empty() {
        text.to_string()
    } else {
        format!("{text} [{}]", pages::labels(&step.cites))
    }
}

/// A page of the sources list: how steps name it, its title, ID and source.
fn source_line(page: &Page) -> String {
    let id = page
        .technet
        .map_or_else(String::new, |id| format!(", TechNet {id}"));
    format!(
        "{}: {}{id}; {}: {}",
        page.name, page.title, page.repository, page.path
    )
}

/// Markdown text: shown as [`terminal`] shows it (so no value breaks the line), with
/// backslashes, backquotes and the characters Markdown reads escaped.
fn md(text: &str) -> String {
    let text = terminal(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '<' | '>' | '[' | ']' | '|' | '#' | '&' | '~' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Prose: its code spans ([`code_spans`]) are kept as they are, since Markdown reads nothing
/// inside them; everything else goes through [`md`].
fn md_prose(text: &str) -> String {
    let text = terminal(text);
    let mut out = String::new();
    let mut plain = 0;
    for span in code_spans(&text) {
        out.push_str(&md(&text[plain..span.start]));
        out.push_str(&text[span.clone()]);
        plain = span.end;
    }
    out.push_str(&md(&text[plain..]));
    out
}

/// A fence longer than any run of backquotes in `lines`, so nothing inside can close it.
fn fence(lines: &[String]) -> String {
    let longest = lines
        .iter()
        .flat_map(|l| l.split(|c| c != '`'))
        .map(str::len)
        .max()
        .unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

/// Markdown, for a change ticket.
///
/// # Errors
/// Writing fails.
pub fn markdown(out: &mut dyn Write, plan: &Plan) -> io::Result<()> {
    writeln!(out, "# {}", md(&title(plan)))?;
    writeln!(out)?;
    writeln!(
        out,
        "- Topology: {} ({})",
        md_prose(&super::code(&plan.topology)),
        plan.product
    )?;
    writeln!(out, "- As of: {}", plan.as_of)?;
    writeln!(
        out,
        "- Status: **{}**",
        if plan.blocked { "blocked" } else { "ready" }
    )?;
    for (n, section) in plan.sections.iter().enumerate() {
        writeln!(out)?;
        writeln!(
            out,
            "## {}. {}: {}",
            n + 1,
            section.scenario.label(),
            md_prose(&super::code(&section.subject))
        )?;
        writeln!(out)?;
        writeln!(out, "**Why:** {}", md_prose(&section.why))?;
        writeln!(out)?;
        writeln!(out, "**Procedure:** {}", md(&procedure(section.source)))?;
        writeln!(out)?;
        for (k, step) in section.steps.iter().enumerate() {
            writeln!(
                out,
                "{}. {}",
                k + 1,
                md_prose(&with_cites(&step.text, step))
            )?;
            if !step.commands.is_empty() {
                let fence = fence(&step.commands);
                writeln!(out)?;
                writeln!(out, "    {fence}powershell")?;
                for command in &step.commands {
                    writeln!(out, "    {}", terminal(command))?;
                }
                writeln!(out, "    {fence}")?;
                writeln!(out)?;
            }
            if let Some(note) = left_out(step) {
                writeln!(out)?;
                writeln!(out, "    **{}**", md_prose(&note))?;
                writeln!(out)?;
            }
        }
    }
    writeln!(out)?;
    writeln!(out, "## Prerequisites")?;
    writeln!(out)?;
    for p in &plan.prerequisites {
        let (box_, label) = match p.status {
            Status::Satisfied => ("[x]", "satisfied"),
            Status::Blocked => ("[ ]", "**BLOCKED**"),
            Status::Unverified => ("[ ]", "to confirm"),
        };
        writeln!(
            out,
            "- {box_} {label}: {}: {}. {}",
            p.check.label(),
            md(&p.subject),
            md_prose(&p.detail)
        )?;
        for f in &p.findings {
            writeln!(out, "  - {}: {}", finding_head(f), md_prose(&f.message))?;
        }
    }
    writeln!(out)?;
    writeln!(out, "## Sources")?;
    writeln!(out)?;
    for page in &plan.sources {
        writeln!(out, "- {}", md(&source_line(page)))?;
    }
    writeln!(out)?;
    writeln!(out, "{}", md_prose(&verdict(plan)))?;
    Ok(())
}

/// JSON (`schema_version` 1).
///
/// # Errors
/// Writing fails.
pub fn json(out: &mut dyn Write, plan: &Plan) -> io::Result<()> {
    escape::write_json(out, plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_pair_runs_of_the_same_length() {
        let text = "a `b` c ``d ` e`` f ` g";
        let spans: Vec<&str> = code_spans(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(spans, ["`b`", "``d ` e``"]);
    }

    #[test]
    fn a_code_span_is_never_wrapped_to_the_start_of_a_line() {
        let value = super::super::code(r"\\b\s\x; Remove-Item C:\ -Recurse; y");
        let text = format!(
            "{} restore it from the backup in {value} then go on",
            "word ".repeat(14)
        );
        let wrapped = wrap(&text, "", "  ");
        for line in wrapped.lines() {
            assert!(!line.trim_start().starts_with('`'), "{wrapped}");
            assert!(!line.trim_start().starts_with("Remove-Item"), "{wrapped}");
        }
        assert!(
            wrapped.contains("in `\\\\b\\s\\x; Remove-Item C:\\ -Recurse; y`"),
            "{wrapped}"
        );
    }

    #[test]
    fn a_cmdlet_in_prose_never_starts_a_line() {
        let text = format!(
            "{} see the Install-CsMirrorDatabase reference and Import-CsUserData too",
            "word ".repeat(17)
        );
        let wrapped = wrap(&text, "", "");
        assert!(wrapped.lines().count() > 1, "{wrapped}");
        for line in wrapped.lines() {
            let first = line.split(' ').next().unwrap_or("");
            assert!(!is_cmdlet(first), "{wrapped}");
        }
        assert!(is_cmdlet("Import-CsUserData") && is_cmdlet("Copy-Item"));
        assert!(!is_cmdlet("-FileShare") && !is_cmdlet("read-only") && !is_cmdlet("E9-1-1"));
    }

    #[test]
    fn markdown_keeps_code_spans_and_escapes_the_rest() {
        assert_eq!(md_prose("a *b* `c*d` [e]"), "a \\*b\\* `c*d` \\[e\\]");
        assert_eq!(md_prose("x\ny"), "x\\\\ny");
        assert_eq!(fence(&["a ```` b".to_string()]), "`````");
        assert_eq!(fence(&["plain".to_string()]), "```");
    }
}
