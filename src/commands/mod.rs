//! Running a parsed command line: the library entry point the binary calls.

pub mod args;
mod plan;
mod run;
pub mod workbook;
pub mod worksheet;

pub use run::run;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::input::{discover, identity, paths};
use crate::lint::config;
use crate::lint::draft::Severity;
use crate::lint::engine::{self, Report, RuleSet};
use crate::lint::error::Fatal;
use crate::lint::waiver::{Baseline, BaselineUse, Waivers};
use crate::model::Workspace;
use crate::model::date::Date;
use crate::model::load;
use crate::report::console::Console;
use crate::report::{annotations, concise, html, human, json, junit, sarif};
use crate::report::{docs, inspect};
use crate::rules;
use args::{CheckArgs, ColorChoice, FailOn, Format, InspectArgs, InspectFormat, RulesFormat};

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
    /// What the console shows: colour, Unicode frames.
    pub console: Console,
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
            console: Console::detect(),
        }
    }
}

/// Discovers and reads the inputs under `paths` (relative ones resolved against `env.cwd`).
///
/// # Errors
/// A missing path, or no input at all.
pub fn read_workspace(paths: &[PathBuf], no_ignore: bool, env: &Env) -> Result<Workspace, Fatal> {
    read_workspace_with_backup(paths, no_ignore, None, env)
}

/// Like [`read_workspace`], and also reads the topology exported with the last backup, for
/// comparison only: when a walk finds that file too, it is not read as a deployment.
///
/// # Errors
/// A missing path (the backup-time topology's too), no input at all, or a backup-time topology
/// with several deployments to compare it with.
pub fn read_workspace_with_backup(
    paths: &[PathBuf],
    no_ignore: bool,
    backup: Option<&Path>,
    env: &Env,
) -> Result<Workspace, Fatal> {
    let backup = match backup {
        Some(given) => {
            let path = env.cwd.join(given);
            crate::input::source::check_regular(&path).map_err(|reason| Fatal::PathNotFound {
                path: given.display().to_string(),
                reason: format!("{reason}; name the topology file exported with the backup"),
            })?;
            Some(path)
        }
        None => None,
    };
    let (mut inputs, walk_errors) = discover::discover(paths, &env.cwd, no_ignore)?;
    // A walk that meets the backup-time topology leaves it out: it is no deployment.
    let mut walked_into_backup = None;
    if let Some(backup) = &backup {
        walked_into_backup = inputs
            .iter()
            .find(|i| !i.explicit && discover::same_file(&i.path, backup))
            .map(|i| i.path.clone());
        inputs.retain(|i| i.explicit || !discover::same_file(&i.path, backup));
    }
    let mut ws = load::read(&inputs, &walk_errors, &env.cwd);
    // A topology named on the command line still joins the worksheets beside it.
    let explicit: std::collections::BTreeSet<&Path> = inputs
        .iter()
        .filter(|i| i.explicit)
        .map(|i| i.path.as_path())
        .collect();
    let named: Vec<PathBuf> = ws
        .topologies
        .iter()
        .map(|t| ws.files.get(t.file).path.clone())
        .filter(|p| explicit.contains(p.as_path()))
        .collect();
    for topology in named {
        let (mut more, errors) = discover::beside(&topology, no_ignore, &inputs);
        if let Some(backup) = &backup {
            more.retain(|i| !discover::same_file(&i.path, backup));
        }
        load::read_more(&mut ws, &more, &env.cwd);
        load::add_walk_errors(&mut ws, &errors, &env.cwd);
        inputs.extend(more);
    }
    load::form_deployments(&mut ws);
    // Files were found, but none is a topology and none is a problem worth reporting.
    if ws.topologies.is_empty() && ws.problems.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
        return Err(Fatal::NoInput {
            paths: shown.join(", "),
        });
    }
    if let Some(backup) = &backup {
        if ws.deployments.len() > 1 {
            let shown: Vec<String> = ws
                .deployments
                .iter()
                .map(|d| format!("`{}`", ws.files.get(ws.topologies[d.topology].file).display))
                .collect();
            return Err(Fatal::Usage {
                message: format!(
                    "--backup-topology compares one deployment with its backup, but {} deployments were found: {}",
                    ws.deployments.len(),
                    shown.join(", ")
                ),
                help: Some(
                    "check each deployment folder on its own, with the topology exported with its own backup: `topolint check DIR --backup-topology FILE`"
                        .to_string(),
                ),
            });
        }
        if let Some(walked) = &walked_into_backup {
            own_topology_in_walk(&ws, walked, &env.cwd)?;
        }
        load::load_backup(&mut ws, backup, &env.cwd);
        not_the_deployments_own(&ws, backup)?;
    }
    Ok(ws)
}

/// The usage error of a `--backup-topology` that names the topology being checked.
fn own_topology(shown: &str, own: &str) -> Fatal {
    let what = if shown == own {
        "the topology of the deployment being checked".to_string()
    } else {
        format!("the deployment's own topology file (`{own}`)")
    };
    Fatal::Usage {
        message: format!(
            "--backup-topology `{shown}` is {what}: compared with itself, it can show no drift"
        ),
        help: Some(
            "name the topology exported with the last backup and kept with its files, for example `\\\\backup01\\lync\\2026-11-20\\topology.xml`"
                .to_string(),
        ),
    }
}

/// A walk met the backup-time topology in a folder whose worksheets have no other topology:
/// it is that deployment's own topology.
fn own_topology_in_walk(ws: &Workspace, walked: &Path, cwd: &Path) -> Result<(), Fatal> {
    let shown = crate::input::source::display_path(walked, cwd);
    let dir = shown.rsplit_once('/').map_or(".", |(d, _)| d);
    let has_sheets = ws.worksheets.iter().any(|w| {
        ws.files
            .get(w.file)
            .display
            .rsplit_once('/')
            .map_or(".", |(d, _)| d)
            == dir
    });
    let has_topology = ws.deployments.iter().any(|d| d.dir == dir);
    if has_sheets && !has_topology {
        return Err(own_topology(&shown, &shown));
    }
    Ok(())
}

/// The backup-time topology must not be a deployment's own topology file (by path, link or
/// hard link). A different file with the same content is what a backup taken since the last
/// change exports, and is accepted; the summary says that the two are identical.
fn not_the_deployments_own(ws: &Workspace, backup: &Path) -> Result<(), Fatal> {
    let Some(then) = &ws.backup else {
        return Ok(());
    };
    let then = ws.files.get(then.file);
    for d in &ws.deployments {
        let now = ws.files.get(ws.topologies[d.topology].file);
        if discover::same_file(&now.path, backup) {
            return Err(own_topology(&then.display, &now.display));
        }
    }
    Ok(())
}

pub(super) fn check(args: CheckArgs, env: &Env, stdout: &mut dyn Write) -> Result<u8, Fatal> {
    let destinations = pair_outputs(&args.format, &args.output)?;
    let as_of = match &args.as_of {
        None => Date::today(),
        Some(text) => Date::parse(text.trim()).ok_or_else(|| Fatal::Usage {
            message: format!("`--as-of {text}` is not a date"),
            help: Some("write the date as YYYY-MM-DD, for example --as-of 2026-11-21".to_string()),
        })?,
    };
    let config = config::load(args.config.as_deref(), &env.cwd, rules::REGISTRY)?;
    let mut rules = RuleSet::all(rules::REGISTRY);
    for (code, level) in &config.rules {
        rules.set(code, *level);
    }
    let rules = rules.select(&args.select, &args.ignore)?;
    let mut options = config.options(as_of);
    options.as_of_is_today = args.as_of.is_none();
    options.require_readiness |= args.require_readiness;
    // Only the JUnit report lists what each rule checked.
    options.record_checked = destinations.iter().any(|(f, _)| *f == Format::Junit);
    // The command line wins over the configuration file.
    let backup = args
        .backup_topology
        .clone()
        .or_else(|| config.backup_topology.clone());
    let mut ws = read_workspace_with_backup(&args.paths, args.no_ignore, backup.as_deref(), env)?;
    // The configuration and the baseline join the workspace, so IN007 can point into them.
    let config_file = attach_config(&mut ws, &config);
    let baseline = match (&args.baseline, &args.write_baseline) {
        (Some(path), None) => Some(read_baseline(&mut ws, path, env)?),
        _ => None,
    };
    // Nothing is written over a file this run reads.
    let mut outputs: Vec<(&str, &Path)> = destinations
        .iter()
        .filter_map(|(_, d)| d.as_deref().map(|d| ("--output", d)))
        .collect();
    if let Some(path) = &args.write_baseline {
        outputs.push(("--write-baseline", path));
    }
    refuse_replacing_inputs(&ws, config.path.as_deref(), &outputs, env)?;
    let waivers = Waivers {
        exemptions: &config.exemptions,
        config_file,
        baseline: match (&baseline, &args.write_baseline) {
            (_, Some(_)) => BaselineUse::Record,
            (Some(b), None) => BaselineUse::Apply(b),
            (None, None) => BaselineUse::None,
        },
    };
    let report = engine::run_with(&ws, &rules, &options, &waivers);
    if let Some(path) = &args.write_baseline {
        let path = env.cwd.join(path);
        write_file(
            &path,
            crate::report::baseline::render(&report.baselined).as_bytes(),
        )?;
    }
    let fail_on = threshold(args.fail_on);

    let backslashes = typed_with_backslashes(&args.paths);
    for (format, destination) in destinations {
        let to_stdout = destination.is_none();
        let color = to_stdout
            && match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => env.stdout_is_terminal && env.console.color && !env.no_color,
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
            fail_on,
            options.require_readiness,
            human::Style {
                color,
                width,
                quiet: args.quiet,
                ascii: !env.console.unicode,
                backslashes,
                statistics: args.statistics,
            },
        )
        .map_err(|e| Fatal::Io {
            message: format!("cannot write the report: {e}"),
        })?;
        match destination {
            None => write(stdout, &buffer)?,
            Some(path) => write_file(&env.cwd.join(&path), &buffer)?,
        }
    }
    let mut code = exit_code(&report, fail_on);
    if options.require_readiness && readiness_unmet(&report.summary) {
        code = 1;
    }
    release((ws, report));
    Ok(code)
}

/// Whether human output writes paths with `\\` (see [`paths::backslashes`]).
fn typed_with_backslashes(paths: &[PathBuf]) -> bool {
    let typed: Vec<std::borrow::Cow<'_, str>> = paths.iter().map(|p| p.to_string_lossy()).collect();
    paths::backslashes(paths::Platform::CURRENT, typed.iter().map(AsRef::as_ref))
}

/// Refuses (exit 2) to write any of `outputs` (the flag, and the path as given) over a file
/// the run reads: an input, the configuration, the baseline, the backup-time topology.
/// Files are compared by identity, so a symlink or another spelling of the path is caught.
///
/// # Errors
/// An output that names one of those files.
pub fn refuse_replacing_inputs(
    ws: &Workspace,
    config: Option<&Path>,
    outputs: &[(&str, &Path)],
    env: &Env,
) -> Result<(), Fatal> {
    if outputs.is_empty() {
        return Ok(());
    }
    let reads = identity::of_all(ws.files.iter().map(|f| f.path.as_path()).chain(config));
    for (flag, given) in outputs {
        if let Some(input) = identity::replaces(&env.cwd.join(given), &reads) {
            return Err(Fatal::Usage {
                message: format!(
                    "`{flag} {}` would replace `{}`, which this run reads",
                    given.display(),
                    crate::input::source::display_path(input, &env.cwd)
                ),
                help: Some(
                    "write reports and baselines to files that are not inputs, the configuration or the baseline".to_string(),
                ),
            });
        }
    }
    Ok(())
}

/// With `--require-readiness`: readiness was not judged somewhere (a deployment with only its
/// structure checked, worksheets that could not be joined, no deployment at all). Errors the
/// baseline waived keep a deployment NOT READY but, as without the option, do not fail the run.
fn readiness_unmet(summary: &engine::Summary) -> bool {
    use engine::Verdict;
    summary.deployments.is_empty()
        || summary.deployments.iter().any(|d| match d.verdict {
            Verdict::Ready => false,
            Verdict::StructureOnly => true,
            Verdict::NotReady => d.baselined_errors == 0,
        })
}

/// Writes a report or baseline file, creating its directory when missing.
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Fatal> {
    let failed = |e: std::io::Error| Fatal::Io {
        message: format!("cannot write `{}`: {e}", path.display()),
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    std::fs::write(path, bytes).map_err(failed)
}

/// Adds the configuration file to the workspace when it holds exemptions; returns its id.
pub fn attach_config(
    ws: &mut Workspace,
    config: &config::Config,
) -> Option<crate::input::source::FileId> {
    if config.exemptions.is_empty() {
        return None;
    }
    let file = ws.files.add(
        config.path.clone().unwrap_or_default(),
        config.shown.clone(),
        config.text.clone(),
        crate::input::source::Encoding::Utf8,
    );
    ws.auxiliary.push(file);
    Some(file)
}

/// Reads a baseline file into the workspace.
///
/// # Errors
/// A missing, unreadable or malformed file (exit 2).
pub fn read_baseline(ws: &mut Workspace, path: &Path, env: &Env) -> Result<Baseline, Fatal> {
    let full = env.cwd.join(path);
    let shown = crate::input::source::display_path(&full, &env.cwd);
    let text = crate::input::source::read_text(&full, crate::lint::waiver::MAX_BASELINE_BYTES)
        .map_err(|reason| Fatal::PathNotFound {
            path: shown.clone(),
            reason,
        })?;
    let parsed = Baseline::parse(&text, None).map_err(|reason| Fatal::Usage {
        message: format!("`{shown}` is not a topolint baseline: {reason}"),
        help: Some("write one with `topolint check --write-baseline FILE`".to_string()),
    })?;
    let file = ws
        .files
        .add(full, shown, text, crate::input::source::Encoding::Utf8);
    ws.auxiliary.push(file);
    Ok(Baseline {
        file: Some(file),
        ..parsed
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn render(
    out: &mut dyn Write,
    format: Format,
    ws: &Workspace,
    report: &Report,
    as_of: Date,
    fail_on: Option<Severity>,
    require_readiness: bool,
    style: human::Style,
) -> std::io::Result<()> {
    match format {
        Format::Human => human::render(out, ws, report, style),
        Format::Concise => concise::render(out, ws, report, style),
        Format::Json => json::render(out, ws, report, as_of),
        Format::Sarif => sarif::render(out, ws, report),
        Format::Junit => junit::render(out, ws, report, fail_on, require_readiness),
        Format::Github => annotations::render(out, ws, report, annotations::Dialect::Github),
        Format::Azure => annotations::render(out, ws, report, annotations::Dialect::Azure),
        Format::Html => html::render(out, ws, report, as_of),
    }
}

/// Pairs each `--format` with the `--output` at the same position (`None` = standard output);
/// an `--output` beyond the formats takes its format from its extension.
fn pair_outputs(
    formats: &[Format],
    outputs: &[PathBuf],
) -> Result<Vec<(Format, Option<PathBuf>)>, Fatal> {
    let to_stdout = |p: &PathBuf| p.as_path() == Path::new("-");
    let mut pairs: Vec<(Format, Option<PathBuf>)> = Vec::new();
    for (i, output) in outputs.iter().enumerate() {
        let format = match formats.get(i) {
            Some(format) => *format,
            // `--output -` alone is the default format on standard output.
            None if formats.is_empty() && outputs.len() == 1 && to_stdout(output) => Format::Human,
            None => format_of(output)?,
        };
        pairs.push((format, Some(output.clone()).filter(|p| !to_stdout(p))));
    }
    for format in formats.iter().skip(outputs.len()) {
        pairs.push((*format, None));
    }
    if pairs.is_empty() {
        pairs.push((Format::Human, None));
    }
    if pairs.iter().filter(|(_, d)| d.is_none()).count() > 1 {
        return Err(Fatal::Usage {
            message: "more than one --format would go to standard output".to_string(),
            help: Some("give an --output path for each extra --format, e.g. `--format human --format json --output - --output report.json`".to_string()),
        });
    }
    Ok(pairs)
}

/// The format an `--output` path names by its extension: `.json`, `.sarif`, `.xml` (JUnit),
/// `.html`. Any other is a usage error: a report is never written in a format its name
/// does not announce.
fn format_of(output: &Path) -> Result<Format, Fatal> {
    let extension = output
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("json") => Ok(Format::Json),
        Some("sarif") => Ok(Format::Sarif),
        Some("xml") => Ok(Format::Junit),
        Some("html" | "htm") => Ok(Format::Html),
        _ => Err(Fatal::Usage {
            message: format!(
                "--output `{}` has no --format, and its extension does not name one",
                output.display()
            ),
            help: Some(
                "give the format before it (`--format concise --output findings.txt`), or name the file .json, .sarif, .xml (JUnit) or .html"
                    .to_string(),
            ),
        }),
    }
}

/// The lowest severity that fails the run (`None`: nothing does).
fn threshold(fail_on: FailOn) -> Option<Severity> {
    match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Note => Some(Severity::Note),
        FailOn::Never => None,
    }
}

/// 1 when a finding that counts (not exempted) is at or above the threshold.
fn exit_code(report: &Report, fail_on: Option<Severity>) -> u8 {
    fail_on.map_or(0, |threshold| {
        u8::from(report.active().any(|f| f.severity >= threshold))
    })
}

pub(super) fn inspect_cmd(args: &InspectArgs, env: &Env, out: &mut dyn Write) -> Result<u8, Fatal> {
    if let Some(sides) = &args.diff {
        return inspect_diff(sides, args.format, env, out);
    }
    let ws = read_workspace(&args.paths, args.no_ignore, env)?;
    let inventory = inspect::inventory(&ws);
    let text = args.format == InspectFormat::Text;
    if text && !env.console.unicode {
        let mut buffer = Vec::new();
        inspect::render_text(&mut buffer, &inventory).map_err(|e| Fatal::Io {
            message: e.to_string(),
        })?;
        write_text(out, &buffer, args.format, env)?;
        return Ok(0);
    }
    // Written as it is rendered: the inventory shows every name in full, however long.
    let mut out = std::io::BufWriter::new(out);
    let result = if text {
        inspect::render_text(&mut out, &inventory)
    } else {
        inspect::render_json(&mut out, &inventory)
    };
    result.and_then(|()| out.flush()).map_err(|e| Fatal::Io {
        message: format!("cannot write to standard output: {e}"),
    })?;
    Ok(0)
}

/// `inspect --diff OLD NEW`.
fn inspect_diff(
    sides: &[PathBuf],
    format: InspectFormat,
    env: &Env,
    out: &mut dyn Write,
) -> Result<u8, Fatal> {
    let [old, new] = sides else {
        return Err(Fatal::Usage {
            message: "--diff takes two topology files, OLD and NEW".to_string(),
            help: None,
        });
    };
    let mut ws = Workspace::default();
    let mut read = |given: &PathBuf| -> Result<(crate::model::Topology, String), Fatal> {
        let path = env.cwd.join(given);
        crate::input::source::check_regular(&path).map_err(|reason| Fatal::PathNotFound {
            path: given.display().to_string(),
            reason,
        })?;
        let before = ws.problems.len();
        let topology = load::load_topology_file(&mut ws, &path, &env.cwd);
        let shown = crate::input::source::display_path(&path, &env.cwd);
        topology.map(|t| (t, shown.clone())).ok_or_else(|| {
            let why = ws
                .problems
                .get(before)
                .map_or_else(|| "not a topology document".to_string(), |p| p.message.clone());
            Fatal::Usage {
                message: format!("`{shown}` cannot be compared: {why}"),
                help: Some(
                    "compare two exports of `Get-CsTopology -AsXml` (or Topology Builder files); `topolint check FILE` shows what is wrong with one"
                        .to_string(),
                ),
            }
        })
    };
    let (old, old_name) = read(old)?;
    let (new, new_name) = read(new)?;
    let view = inspect::diff_view(&old, &new, &old_name, &new_name);
    let mut buffer = Vec::new();
    let result = match format {
        InspectFormat::Text => inspect::render_diff_text(&mut buffer, &view),
        InspectFormat::Json => inspect::render_diff_json(&mut buffer, &view),
    };
    result.map_err(|e| Fatal::Io {
        message: e.to_string(),
    })?;
    write_text(out, &buffer, format, env)?;
    Ok(0)
}

pub(super) fn rules_cmd(format: RulesFormat, out: &mut dyn Write) -> Result<u8, Fatal> {
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
                        "sources": m.sources(),
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

/// Writes `inspect` output: the text form's symbols in ASCII when the console's code page is not
/// UTF-8; JSON as it is.
fn write_text(
    out: &mut dyn Write,
    bytes: &[u8],
    format: InspectFormat,
    env: &Env,
) -> Result<(), Fatal> {
    if env.console.unicode || format == InspectFormat::Json {
        return write(out, bytes);
    }
    let text = String::from_utf8_lossy(bytes);
    write(out, crate::report::console::ascii_symbols(&text).as_bytes())
}

pub(super) fn write(out: &mut dyn Write, bytes: &[u8]) -> Result<(), Fatal> {
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| Fatal::Io {
            message: format!("cannot write to standard output: {e}"),
        })
}
