//! topolint: a restore-readiness linter for Lync Server 2013 and Skype for Business Server.
//!
//! The data flows one way: [`discover`] files → [`source`] decode → [`xml`] and [`table`]
//! (CSV) parse with spans → [`model`] (typed topology and worksheets) → [`rules`] over each
//! deployment ([`engine`]) → [`finding`]s → [`render`] → exit code ([`app`]).
//!
//! Every output escapes what it writes from the inputs: [`escape`] for terminal, log and JSON
//! text, [`powershell`] for the commands of `plan`.
//!
//! [`fuzzing`] runs the same pipeline over in-memory bytes, for the fuzz targets and no-panic tests.

pub mod app;
pub mod cli;
pub mod config;
pub mod console;
pub mod date;
pub mod discover;
pub mod docs;
pub mod engine;
pub mod error;
pub mod escape;
pub mod finding;
pub mod fuzzing;
pub mod identity;
pub mod inspect;
pub mod load;
pub mod model;
pub mod paths;
pub mod plan;
pub mod powershell;
pub mod render;
pub mod rules;
pub mod source;
pub mod span;
pub mod table;
pub mod waiver;
pub mod worksheet_init;
pub mod xml;
