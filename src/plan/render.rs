//! Writing a [`Plan`] as text, Markdown or JSON. The renderers only lay out the data.

use std::io::{self, Write};

use super::{Plan, Prerequisite, Status};

const WIDTH: usize = 100;

/// Wraps `text` at spaces only (commands, paths and FQDNs hold hyphens and backslashes).
fn wrap(text: &str, first: &str, rest: &str) -> String {
    let options = textwrap::Options::new(WIDTH)
        .initial_indent(first)
        .subsequent_indent(rest)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .break_words(false);
    textwrap::fill(text, options)
}

fn title(plan: &Plan) -> String {
    format!("Restore plan: {}", plan.failed.join(", "))
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

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn verdict(plan: &Plan) -> String {
    let (blocked, unverified) = counts(plan);
    if blocked > 0 {
        format!(
            "BLOCKED: {} blocked; fix what the findings name (`topolint check`) before starting",
            plural(blocked, "prerequisite is", "prerequisites are")
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

/// Plain text.
///
/// # Errors
/// Writing fails.
pub fn text(out: &mut dyn Write, plan: &Plan) -> io::Result<()> {
    writeln!(out, "{}", title(plan))?;
    writeln!(
        out,
        "Topology: {} ({}), as of {}",
        plan.topology, plan.product, plan.as_of
    )?;
    for (n, section) in plan.sections.iter().enumerate() {
        let n = n + 1;
        writeln!(out)?;
        writeln!(
            out,
            "{n}. {}: {}",
            section.scenario.label(),
            section.subject
        )?;
        writeln!(out, "{}", wrap(&section.why, "   Why: ", "   "))?;
        writeln!(
            out,
            "{}",
            wrap(
                &format!(
                    "{} (TechNet {})",
                    section.source.title, section.source.technet
                ),
                "   Procedure: ",
                "   "
            )
        )?;
        for (k, step) in section.steps.iter().enumerate() {
            let number = format!("   {n}.{} ", k + 1);
            let indent = " ".repeat(number.len());
            writeln!(out)?;
            writeln!(out, "{}", wrap(&step.text, &number, &indent))?;
            for command in &step.commands {
                writeln!(out, "{indent}    {command}")?;
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
                &format!("{}: {}", p.check.label(), p.subject),
                &head,
                &indent
            )
        )?;
        writeln!(out, "{}", wrap(&p.detail, &indent, &indent))?;
        for f in &p.findings {
            writeln!(
                out,
                "{}",
                wrap(
                    &format!("{} {}: {}", f.code, f.severity, f.message),
                    &format!("{indent}- "),
                    &format!("{indent}  ")
                )
            )?;
        }
    }
    writeln!(out)?;
    writeln!(out, "{}", wrap(&verdict(plan), "", ""))?;
    Ok(())
}

/// Markdown text: backslashes, backquotes and the characters Markdown reads are escaped.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '<' | '>' | '[' | ']' | '|' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `code` spans in prose (`` `x` ``) are kept; everything else is escaped.
fn md_prose(text: &str) -> String {
    let mut out = String::new();
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            out.push('`');
            out.push_str(part);
            out.push('`');
        } else {
            out.push_str(&md(part));
        }
    }
    out
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
        "- Topology: `{}` ({})",
        plan.topology.replace('`', "'"),
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
            "## {}. {}: `{}`",
            n + 1,
            section.scenario.label(),
            section.subject.replace('`', "'")
        )?;
        writeln!(out)?;
        writeln!(out, "**Why:** {}", md_prose(&section.why))?;
        writeln!(out)?;
        writeln!(
            out,
            "**Procedure:** *{}* (TechNet {})",
            md(section.source.title),
            section.source.technet
        )?;
        writeln!(out)?;
        for (k, step) in section.steps.iter().enumerate() {
            writeln!(out, "{}. {}", k + 1, md_prose(&step.text))?;
            if !step.commands.is_empty() {
                writeln!(out)?;
                writeln!(out, "    ```powershell")?;
                for command in &step.commands {
                    writeln!(out, "    {command}")?;
                }
                writeln!(out, "    ```")?;
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
            writeln!(
                out,
                "  - {} {}: {}",
                f.code,
                f.severity,
                md_prose(&f.message)
            )?;
        }
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
    serde_json::to_writer_pretty(&mut *out, plan).map_err(io::Error::other)?;
    writeln!(out)
}
