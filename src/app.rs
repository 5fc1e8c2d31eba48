//! Running a parsed command line: the library entry point the binary calls.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::cli::{
    CheckArgs, ColorChoice, Command, FailOn, Format, InspectArgs, RulesFormat, WorksheetCommand,
};
use crate::date::Date;
use crate::engine::{self, Report, RuleSet};
use crate::error::Fatal;
use crate::finding::Severity;
use crate::model::Workspace;
use crate::render::{concise, human, json};
use crate::{config, discover, docs, inspect, load, rules, worksheet_init};

/// Set by the binary: the process ends right after the command, so the memory of a large
/// workspace is left to the operating system instead of being freed piece by piece.
static EXITING_AFTER_RUN: AtomicBool = AtomicBool::new(false);

/// Tells [`run`] that the process exits when it returns (the binary calls this once).
pub fn exit_after_run() {
    EXITING_AFTER_RUN.store(true, Ordering::Relaxed);
}

/// Drops a value, or leaves it to the operating system when the process is about to exit.
fn release<T>(value: T) {
    if EXITING_AFTER_RUN.load(Ordering::Relaxed) {
        std::mem::forget(value);
    }
}

/// What the process environment contributes.
#[derive(Clone, Debug)]
pub struct Env {
    pub cwd: PathBuf,
    /// `NO_COLOR` is set to a non-empty value.
    pub no_color: bool,
    /// Standard output is a terminal.
    pub stdout_is_terminal: bool,
    /// Terminal width, when known.
    pub width: Option<usize>,
}

impl Env {
    /// Reads the real environment.
    #[must_use]
    pub fn from_process() -> Self {
        Self {
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            stdout_is_terminal: std::io::stdout().is_terminal(),
            width: std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()),
        }
    }
}

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
            let rule = rules::find(&args.rule).ok_or_else(|| Fatal::unknown_rule(&args.rule))?;
            write(out, docs::rule_page(&rule.meta).as_bytes())?;
            Ok(0)
        }
        Command::Worksheet(WorksheetCommand::Init(args)) => {
            let report = worksheet_init::run(&args, env)?;
            write(out, report.as_bytes())?;
            Ok(0)
        }
    }
}

/// Discovers and reads the inputs under `paths` (relative ones resolved against `env.cwd`).
///
/// # Errors
/// A missing path, or no input at all.
pub fn read_workspace(paths: &[PathBuf], no_ignore: bool, env: &Env) -> Result<Workspace, Fatal> {
    let (inputs, walk_errors) = discover::discover(paths, &env.cwd, no_ignore)?;
    let ws = load::load(&inputs, &walk_errors, &env.cwd);
    // Files were found, but none is a topology and none is a problem worth reporting.
    if ws.topologies.is_empty() && ws.problems.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
        return Err(Fatal::NoInput {
            paths: shown.join(", "),
        });
    }
    Ok(ws)
}

fn check(args: CheckArgs, env: &Env, stdout: &mut dyn Write) -> Result<u8, Fatal> {
    let destinations = pair_outputs(&args.format, &args.output)?;
    let as_of = match &args.as_of {
        None => Date::today(),
        Some(text) => Date::parse(text.trim()).ok_or_else(|| Fatal::Usage {
            message: format!("`--as-of {text}` is not a date"),
            help: Some("write the date as YYYY-MM-DD, for example --as-of 2026-11-21".to_string()),
        })?,
    };
    let config = config::load(args.config.as_deref(), &env.cwd)?;
    let mut rules = RuleSet::all();
    for (code, level) in &config.rules {
        rules.set(code, *level);
    }
    let rules = rules.select(&args.select, &args.ignore)?;
    let options = config.options(as_of);
    let ws = read_workspace(&args.paths, args.no_ignore, env)?;
    let report = engine::run(&ws, &rules, &options);

    for (format, destination) in destinations {
        let to_stdout = destination.is_none();
        let color = to_stdout
            && match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => env.stdout_is_terminal && !env.no_color,
            };
        let width = if to_stdout && env.stdout_is_terminal {
            env.width.unwrap_or(100)
        } else {
            100
        };
        let mut buffer = Vec::new();
        render(
            &mut buffer,
            format,
            &ws,
            &report,
            as_of,
            human::Style {
                color,
                width,
                quiet: args.quiet,
            },
        )
        .map_err(|e| Fatal::Io {
            message: format!("cannot write the report: {e}"),
        })?;
        match destination {
            None => write(stdout, &buffer)?,
            Some(path) => std::fs::write(&path, &buffer).map_err(|e| Fatal::Io {
                message: format!("cannot write `{}`: {e}", path.display()),
            })?,
        }
    }
    let code = exit_code(&report, args.fail_on);
    release((ws, report));
    Ok(code)
}

fn render(
    out: &mut dyn Write,
    format: Format,
    ws: &Workspace,
    report: &Report,
    as_of: Date,
    style: human::Style,
) -> std::io::Result<()> {
    match format {
        Format::Human => human::render(out, ws, report, style),
        Format::Concise => concise::render(out, ws, report),
        Format::Json => json::render(out, ws, report, as_of),
    }
}

/// Pairs each `--format` with the `--output` at the same position (`None` = standard output).
fn pair_outputs(
    formats: &[Format],
    outputs: &[PathBuf],
) -> Result<Vec<(Format, Option<PathBuf>)>, Fatal> {
    let formats = if formats.is_empty() {
        &[Format::Human][..]
    } else {
        formats
    };
    if outputs.len() > formats.len() {
        return Err(Fatal::Usage {
            message: format!(
                "{} --output paths but only {} --format",
                outputs.len(),
                formats.len()
            ),
            help: Some("give one --format per --output, in the same order".to_string()),
        });
    }
    let pairs: Vec<(Format, Option<PathBuf>)> = formats
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let dest = outputs
                .get(i)
                .filter(|p| p.as_path() != Path::new("-"))
                .cloned();
            (*f, dest)
        })
        .collect();
    if pairs.iter().filter(|(_, d)| d.is_none()).count() > 1 {
        return Err(Fatal::Usage {
            message: "more than one --format would go to standard output".to_string(),
            help: Some("give an --output path for each extra --format, e.g. `--format human --format json --output - --output report.json`".to_string()),
        });
    }
    Ok(pairs)
}

fn exit_code(report: &Report, fail_on: FailOn) -> u8 {
    let threshold = match fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Note => Severity::Note,
        FailOn::Never => return 0,
    };
    u8::from(report.findings.iter().any(|f| f.severity >= threshold))
}

fn inspect_cmd(args: &InspectArgs, env: &Env, out: &mut dyn Write) -> Result<u8, Fatal> {
    let ws = read_workspace(&args.paths, args.no_ignore, env)?;
    let inventory = inspect::inventory(&ws);
    let mut buffer = Vec::new();
    let result = match args.format {
        crate::cli::InspectFormat::Text => inspect::render_text(&mut buffer, &inventory),
        crate::cli::InspectFormat::Json => inspect::render_json(&mut buffer, &inventory),
    };
    result.map_err(|e| Fatal::Io {
        message: e.to_string(),
    })?;
    write(out, &buffer)?;
    Ok(0)
}

fn rules_cmd(format: RulesFormat, out: &mut dyn Write) -> Result<u8, Fatal> {
    let text = match format {
        RulesFormat::Markdown => docs::index(),
        RulesFormat::Text => {
            let mut text = String::new();
            for rule in rules::ALL {
                let m = &rule.meta;
                text.push_str(&format!(
                    "{:<6} {:<36} {:<8} {}\n",
                    m.code,
                    m.name,
                    m.severity.as_str(),
                    m.summary
                ));
            }
            text
        }
        RulesFormat::Json => {
            let list: Vec<serde_json::Value> = rules::ALL
                .iter()
                .map(|r| {
                    let m = &r.meta;
                    serde_json::json!({
                        "code": m.code,
                        "name": m.name,
                        "severity": m.severity.as_str(),
                        "category": m.category(),
                        "summary": m.summary,
                        "requirements": m.sources,
                        "url": m.url(),
                    })
                })
                .collect();
            let mut text = serde_json::to_string_pretty(
                &serde_json::json!({ "schema_version": 1, "rules": list }),
            )
            .map_err(|e| Fatal::Io {
                message: e.to_string(),
            })?;
            text.push('\n');
            text
        }
    };
    write(out, text.as_bytes())?;
    Ok(0)
}

fn write(out: &mut dyn Write, bytes: &[u8]) -> Result<(), Fatal> {
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| Fatal::Io {
            message: format!("cannot write to standard output: {e}"),
        })
}
