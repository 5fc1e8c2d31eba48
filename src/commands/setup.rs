//! What every command shares: the process environment, reading the workspace (the inputs, the
//! backup-time topology, the baseline), attaching the configuration, writing to standard output.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::input::discover;
use crate::input::problem::{InputProblem, ProblemKind};
use crate::input::span::Span;
use crate::lint::config::{self, Config};
use crate::lint::engine::RuleSet;
use crate::lint::error::Fatal;
use crate::lint::waiver::Baseline;
use crate::model::Workspace;
use crate::model::date::Date;
use crate::model::load;
use crate::report::console::Console;

/// Set by the binary: the process ends right after the command, so the memory of a large
/// workspace is left to the operating system instead of being freed piece by piece.
static EXITING_AFTER_RUN: AtomicBool = AtomicBool::new(false);
/// Tells [`run`] that the process exits when it returns (the binary calls this once).
pub fn exit_after_run() {
    EXITING_AFTER_RUN.store(true, Ordering::Relaxed);
}
/// Drops a value, or leaves it to the operating system when the process is about to exit.
pub(super) fn release<T>(value: T) {
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
/// The date `--as-of` names, or today.
///
/// # Errors
/// A value that is not a date (exit 2).
pub(super) fn as_of(given: Option<&str>) -> Result<Date, Fatal> {
    match given {
        None => Ok(Date::today()),
        Some(text) => Date::parse(text.trim()).ok_or_else(|| Fatal::Usage {
            message: format!("`--as-of {text}` is not a date"),
            help: Some("write the date as YYYY-MM-DD, for example --as-of 2026-11-21".to_string()),
        }),
    }
}

/// The configuration (`--config`, else the nearest `topolint.toml`) and every rule at the
/// severity it sets.
///
/// # Errors
/// A configuration that cannot be read or is invalid (exit 2).
pub(super) fn configured(explicit: Option<&Path>, env: &Env) -> Result<(Config, RuleSet), Fatal> {
    let config = config::load(explicit, &env.cwd, crate::rules::REGISTRY)?;
    let mut rules = RuleSet::all(crate::rules::REGISTRY);
    for (code, level) in &config.rules {
        rules.set(code, *level);
    }
    Ok((config, rules))
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
    read_workspace_with(paths, no_ignore, backup, &[], env)
}

/// Reads what the worksheets of each deployment name on the backup shares: `given` are the
/// `--backup-share UNC=DIR` values, then the configuration's `backup-shares`; `read_backups`
/// reads the shares as they are (Windows).
///
/// # Errors
/// A `--backup-share` that is not `UNC=DIR`, names no folder or maps a share no worksheet of
/// the run names; `--read-backups` off Windows.
pub fn read_backups(
    ws: &mut Workspace,
    given: &[String],
    config: &Config,
    read_backups: bool,
    env: &Env,
) -> Result<(), Fatal> {
    let shares =
        super::evidence::Shares::new(given, &config.backup_shares, read_backups, &env.cwd)?;
    shares.check_named(ws)?;
    let unnamed = shares.unnamed_configured(ws);
    if !unnamed.is_empty() {
        let file = config_file(ws, config);
        for (i, unc, near) in unnamed {
            let span = config
                .backup_share_span(i)
                .map_or(Span::at(0), |r| Span::new(r.start, r.end));
            ws.problems.push(InputProblem {
                kind: ProblemKind::Ambiguous,
                file,
                span,
                message: format!(
                    "`backup-shares` maps `{unc}`, which no worksheet of this run names, so nothing is read there"
                ),
                help: Some(match near {
                    Some(near) => format!(
                        "did you mean `{near}`? name the share as the worksheets write it"
                    ),
                    None => "name the share as the worksheets write it, or remove the mapping".to_string(),
                }),
                severity: None,
                label: Some("a share no worksheet names".to_string()),
                related: Vec::new(),
            });
        }
    }
    super::evidence::read(ws, &shares, &env.cwd);
    Ok(())
}

/// The local folders of the backup shares a run reads (`--backup-share`, `[options]
/// backup-shares`): never walked as inputs.
///
/// # Errors
/// As [`read_backups`].
pub fn share_folders(given: &[String], config: &Config, env: &Env) -> Result<Vec<PathBuf>, Fatal> {
    let shares = super::evidence::Shares::new(given, &config.backup_shares, false, &env.cwd)?;
    Ok(shares.mapped.into_iter().map(|(_, dir)| dir).collect())
}

/// [`read_workspace_with_backup`], leaving out every file under the folders of `skip` (the
/// copies of backup shares: evidence, not deployments).
///
/// # Errors
/// As [`read_workspace_with_backup`].
pub fn read_workspace_with(
    paths: &[PathBuf],
    no_ignore: bool,
    backup: Option<&Path>,
    skip: &[PathBuf],
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
    if !skip.is_empty() {
        let skip: Vec<PathBuf> = skip.iter().filter_map(|d| d.canonicalize().ok()).collect();
        inputs.retain(|i| {
            i.explicit
                || !env
                    .cwd
                    .join(&i.path)
                    .canonicalize()
                    .is_ok_and(|p| skip.iter().any(|d| p.starts_with(d)))
        });
    }
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

/// Adds the configuration file to the workspace when it holds exemptions (or is there already,
/// a finding pointing into it); returns its id.
pub fn attach_config(ws: &mut Workspace, config: &Config) -> Option<crate::input::source::FileId> {
    let attached = attached_config(ws, config);
    if attached.is_some() || config.exemptions.is_empty() {
        return attached;
    }
    Some(config_file(ws, config))
}

/// The configuration file, when it is already in the workspace (a finding points into it).
fn attached_config(ws: &Workspace, config: &Config) -> Option<crate::input::source::FileId> {
    let path = config.path.as_deref()?;
    ws.auxiliary
        .iter()
        .copied()
        .find(|&f| ws.files.get(f).path == path)
}

/// The configuration file in the workspace, added the first time it is asked for.
fn config_file(ws: &mut Workspace, config: &Config) -> crate::input::source::FileId {
    if let Some(file) = attached_config(ws, config) {
        return file;
    }
    let file = ws.files.add(
        config.path.clone().unwrap_or_default(),
        config.shown.clone(),
        config.text.clone(),
        crate::input::source::Encoding::Utf8,
    );
    ws.auxiliary.push(file);
    file
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
pub(super) fn write(out: &mut dyn Write, bytes: &[u8]) -> Result<(), Fatal> {
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| Fatal::Io {
            message: format!("cannot write to standard output: {e}"),
        })
}
