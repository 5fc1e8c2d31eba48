//! `topolint plan`: a check run over the deployment, then the runbook for what failed.

use std::io::Write;

use super::args::{PlanArgs, PlanFormat};
use super::setup::{Env, as_of, attach_config, configured, read_workspace};
use crate::lint::engine::{self};
use crate::lint::error::Fatal;
use crate::lint::finding::Finding;
use crate::lint::waiver::{BaselineUse, Waivers};
use crate::report::plan::{build, render};

/// Runs `topolint plan`.
///
/// # Errors
/// Usage errors (a bad date, an unknown target), missing paths, no input, unwritable output.
pub fn run(args: &PlanArgs, env: &Env, out: &mut dyn Write) -> Result<u8, Fatal> {
    let as_of = as_of(args.as_of.as_deref())?;
    let (config, rules) = configured(args.config.as_deref(), env)?;
    let mut options = config.options(as_of);
    options.as_of_is_today = args.as_of.is_none();
    let mut ws = read_workspace(&args.paths, args.no_ignore, env)?;
    // The exemptions of topolint.toml apply as they do to `check`: a waived finding blocks
    // nothing. Baselines are for CI runs and play no part here.
    let config_file = attach_config(&mut ws, &config);
    let waivers = Waivers {
        exemptions: &config.exemptions,
        config_file,
        baseline: BaselineUse::None,
    };
    let report = engine::run_with(&ws, &rules, &options, &waivers);
    let active: Vec<Finding> = report.active().cloned().collect();
    let plan = build(&ws, &active, &args.failed, as_of)?;
    let mut buffer = Vec::new();
    let written = match args.format {
        PlanFormat::Text => render::text(&mut buffer, &plan),
        PlanFormat::Markdown => render::markdown(&mut buffer, &plan),
        PlanFormat::Json => render::json(&mut buffer, &plan),
    };
    written
        .and_then(|()| out.write_all(&buffer))
        .and_then(|()| out.flush())
        .map_err(|e| Fatal::Io {
            message: format!("cannot write the plan: {e}"),
        })?;
    Ok(u8::from(plan.blocked))
}
