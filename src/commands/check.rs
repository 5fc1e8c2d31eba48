//! `topolint check`: the rules over the workspace, the reports in their formats, the exit code.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::args::{CheckArgs, ColorChoice, FailOn, Format};
use super::setup::{
    Env, as_of, attach_config, configured, read_backups, read_baseline, read_workspace_with,
    release, share_folders, write,
};
use crate::input::{identity, paths};
use crate::lint::draft::Severity;
use crate::lint::engine::{self, Report};
use crate::lint::error::Fatal;
use crate::lint::waiver::{BaselineUse, Waivers};
use crate::model::Workspace;
use crate::model::date::Date;
use crate::report::{annotations, concise, html, human, json, junit, sarif};

pub(super) fn check(args: CheckArgs, env: &Env, stdout: &mut dyn Write) -> Result<u8, Fatal> {
    let destinations = pair_outputs(&args.format, &args.output)?;
    let as_of = as_of(args.as_of.as_deref())?;
    let (config, rules) = configured(args.config.as_deref(), env)?;
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
    let skip = share_folders(&args.backup_share, &config, env)?;
    let mut ws = read_workspace_with(&args.paths, args.no_ignore, backup.as_deref(), &skip, env)?;
    read_backups(&mut ws, &args.backup_share, &config, args.read_backups, env)?;
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
