//! Which command runs: the parsed command line to its command.

use std::io::Write;

use super::args::{Command, PlanFormat, WorksheetCommand};
use super::check::check;
use super::inspect::inspect_cmd;
use super::rules::rules_cmd;
use super::setup::{Env, write};
use super::{plan, worksheet};
use crate::lint::error::Fatal;
use crate::report::docs;
use crate::rules;

/// Runs a command; returns the exit code (0 or 1; fatal errors are `Err`, exit code 2).
///
/// # Errors
/// Usage errors, missing paths, no input, unknown rules, unwritable outputs.
pub fn run(command: Command, env: &Env, out: &mut dyn Write) -> Result<u8, Fatal> {
    match command {
        Command::Check(args) => check(args, env, out),
        Command::Inspect(args) => inspect_cmd(&args, env, out),
        Command::Rules(args) => rules_cmd(args.format, out),
        Command::Explain(args) => {
            let rule = rules::find(&args.rule)
                .ok_or_else(|| Fatal::unknown_rule(&args.rule, rules::REGISTRY))?;
            write(out, docs::rule_page(&rule.meta).as_bytes())?;
            Ok(0)
        }
        Command::Worksheet(WorksheetCommand::Init(args)) => {
            let outcome = worksheet::run(&args, env)?;
            write(out, outcome.report.as_bytes())?;
            Ok(outcome.code)
        }
        Command::Plan(args) => {
            // The text and Markdown runbooks are read in the console's code page too.
            if env.console.unicode || args.format == PlanFormat::Json {
                return plan::run(&args, env, out);
            }
            let mut buffer = Vec::new();
            let code = plan::run(&args, env, &mut buffer)?;
            let text = String::from_utf8_lossy(&buffer);
            write(out, crate::report::console::ascii_symbols(&text).as_bytes())?;
            Ok(code)
        }
    }
}
