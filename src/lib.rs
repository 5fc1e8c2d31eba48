//! topolint: a restore-readiness linter for Lync Server 2013 and Skype for Business Server.
//!
//! The folders are the stages of the pipeline, each using only those before it:
//! [`input`] (discover files, decode, parse XML and CSV with spans) → [`model`] (the typed
//! topology, worksheets and deployments) → [`analysis`] (what a restore rebuilds, drift since
//! the backup) → [`lint`] (what a rule is, findings, configuration, waivers, the engine) →
//! [`rules`] (one file per rule, and their registry) → [`report`] (every output format) →
//! [`commands`] (check, inspect, rules, explain, worksheet init, plan). [`cli`] parses the
//! command line into a command.
//!
//! Every output escapes what it writes from the inputs through one function per format
//! ([`report::escape`], [`report::powershell`] for the commands of `plan`).
//!
//! [`fuzzing`] runs the same pipeline over in-memory bytes, for the fuzz targets and no-panic tests.

pub mod analysis;
pub mod cli;
pub mod commands;
pub mod fuzzing;
pub mod input;
pub mod lint;
pub mod model;
pub mod report;
pub mod rules;
