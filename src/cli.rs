//! The command line: the arguments into a [`Command`] (clap), `check` being the default
//! subcommand. What each command takes is declared with it, in [`crate::commands::args`].

use clap::Parser;

pub use crate::commands::args::Command;

#[derive(Debug, Parser)]
#[command(
    name = "topolint",
    version,
    about = "Restore-readiness linter for Lync Server 2013 and Skype for Business Server topologies",
    long_about = "Reads the topology exported by Topology Builder or `Get-CsTopology -AsXml`, and the \
                  backup and restoration worksheets beside it, and reports every gap that would stop or \
                  slow a restore.\n\nExit codes: 0 no finding at or above --fail-on; 1 findings at or \
                  above --fail-on; 2 the run itself failed (usage, config, missing path, no input)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Names of the subcommands (and clap's own words), to tell `topolint PATH` from `topolint check`.
pub const SUBCOMMANDS: &[&str] = &[
    "check",
    "inspect",
    "rules",
    "explain",
    "worksheet",
    "plan",
    "help",
];

/// Inserts `check` when the first argument is not a subcommand, so `topolint PATH` works.
#[must_use]
pub fn with_default_subcommand(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let first = args.get(1).and_then(|a| a.to_str()).unwrap_or("");
    let is_known =
        SUBCOMMANDS.contains(&first) || matches!(first, "-h" | "--help" | "-V" | "--version");
    if is_known {
        return args;
    }
    let mut out = args;
    let at = out.len().min(1);
    out.insert(at, "check".into());
    out
}
