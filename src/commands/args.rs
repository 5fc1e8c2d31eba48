//! What each command takes from the command line (clap), declared once beside the commands.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check topologies and worksheets (the default when no subcommand is given)
    Check(CheckArgs),
    /// Show what was understood: pools, machines, SQL instances, stores, unmodelled parts
    Inspect(InspectArgs),
    /// List the rules
    Rules(RulesArgs),
    /// Show a rule's documentation
    Explain(ExplainArgs),
    /// Work with the backup and restoration worksheets
    #[command(subcommand)]
    Worksheet(WorksheetCommand),
    /// Print the restore runbook for what failed (`--failed`), with its prerequisites
    Plan(PlanArgs),
}

#[derive(Debug, Subcommand)]
pub enum WorksheetCommand {
    /// Write the worksheets for a topology, pre-filled with every row the rules look for
    Init(InitArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The topology document (`Get-CsTopology -AsXml` export or .tbxml)
    pub topology: PathBuf,

    /// The directory to write the worksheets to (created if missing)
    #[arg(long)]
    pub out: PathBuf,

    /// A CSV file per kind, or one Excel workbook (`worksheets.xlsx`) with a sheet per kind
    #[arg(long, value_enum, default_value_t = InitFormat::Csv)]
    pub format: InitFormat,

    /// Overwrite worksheets that already exist in the directory
    #[arg(long)]
    pub force: bool,
}

/// What `worksheet init` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum InitFormat {
    /// One CSV file per worksheet
    Csv,
    /// One Excel workbook, a sheet per worksheet
    Xlsx,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check (directories are walked)
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Output format; repeat it (or separate with commas) to write several, each paired with
    /// an --output in order
    #[arg(long, value_enum, value_delimiter = ',')]
    pub format: Vec<Format>,

    /// Where the format at the same position goes (`-` = standard output); an --output with no
    /// --format of its own takes the format from its extension (.json, .sarif, .xml for JUnit,
    /// .html)
    #[arg(long, short = 'o')]
    pub output: Vec<PathBuf>,

    /// Only run these rules: codes, names or code prefixes, comma-separated (`TP,BK201`)
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,

    /// Do not run these rules: codes, names or code prefixes, comma-separated
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Lowest severity that makes the exit code 1
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,

    /// When to use colour (also honours NO_COLOR)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Print findings only, without the closing summary
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Also walk hidden and ignored (.gitignore, .ignore) paths
    #[arg(long)]
    pub no_ignore: bool,

    /// The date expiry and backup-age rules measure against (YYYY-MM-DD; default today)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,

    /// Configuration file (default: the nearest topolint.toml from the working directory up)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// The topology exported with the last backup (`Get-CsTopology -AsXml`), to compare the
    /// deployment with (DR rules); one deployment at a time
    #[arg(long, value_name = "FILE")]
    pub backup_topology: Option<PathBuf>,

    /// Read the backup runs the worksheets name on the share UNC (`\\host\share`) from DIR, a
    /// local copy or mount of it (repeatable; EV rules)
    #[arg(long, value_name = "UNC=DIR")]
    pub backup_share: Vec<String>,

    /// Read the backup runs on the shares the worksheets name, as they are (Windows; EV rules)
    #[arg(long)]
    pub read_backups: bool,

    /// Leave out the findings recorded in this baseline file; report only new ones and those
    /// that got worse (its errors still keep the verdict NOT READY)
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record every current finding in this baseline file (replacing it), then report none of
    /// them
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Exit 1 unless readiness was judged: also when the verdict is STRUCTURE ONLY (a topology
    /// with no worksheets beside it). Also `require-readiness = true` in [options]
    #[arg(long)]
    pub require_readiness: bool,

    /// Print how many findings each rule reported instead of the findings themselves (human
    /// and concise formats)
    #[arg(long)]
    pub statistics: bool,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Files or directories to inspect
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Compare two topology documents instead: what was added, removed and changed from OLD
    /// (e.g. the export kept with a backup) to NEW
    #[arg(long, num_args = 2, value_names = ["OLD", "NEW"], conflicts_with = "paths")]
    pub diff: Option<Vec<PathBuf>>,

    #[arg(long, value_enum, default_value_t = InspectFormat::Text)]
    pub format: InspectFormat,

    /// Also walk hidden and ignored paths
    #[arg(long)]
    pub no_ignore: bool,

    /// Read the backup runs on the share UNC from DIR, a local copy or mount of it (repeatable)
    #[arg(long, value_name = "UNC=DIR")]
    pub backup_share: Vec<String>,

    /// Read the backup runs on the shares the worksheets name, as they are (Windows)
    #[arg(long)]
    pub read_backups: bool,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule code (`TP101`) or name (`duplicate-fqdn`)
    pub rule: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Rich diagnostics with source snippets (default)
    Human,
    /// One line per finding: path:line:col: severity[CODE] message (name)
    Concise,
    /// One JSON object (schema_version 1)
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and Azure DevOps
    Sarif,
    /// JUnit XML: a test suite per rule category, a test case per rule and entity checked
    Junit,
    /// GitHub Actions workflow commands (::error file=...::message)
    Github,
    /// Azure Pipelines logging commands (##vso[task.logissue ...]message)
    Azure,
    /// A self-contained HTML readiness report with a topology diagram (use with --output)
    Html,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum InspectFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
    Markdown,
}

/// `topolint plan` options.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// What failed: a machine or pool FQDN, a SQL instance (`fqdn\instance`), or a store
    /// (`UserStore:POOL`, `FileStore:HOST`, `ArchivingStore:SQL`...); repeat it for things that
    /// failed together
    #[arg(long, required = true, value_name = "TARGET")]
    pub failed: Vec<String>,

    /// The deployment: a directory holding the topology and its worksheets, or files
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,

    /// The date expiry and backup-age rules measure against (YYYY-MM-DD; default today)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,

    /// Configuration file (default: the nearest topolint.toml from the working directory up)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Also walk hidden and ignored paths
    #[arg(long)]
    pub no_ignore: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// Plain text for a terminal
    Text,
    /// Markdown, for a change ticket
    Markdown,
    /// One JSON object (schema_version 1)
    Json,
}
