//! Running a parsed command line: the library entry point the binary calls.

pub mod args;
mod check;
mod evidence;
mod inspect;
mod plan;
mod rules;
mod run;
mod setup;
pub mod workbook;
pub mod worksheet;

pub use check::refuse_replacing_inputs;
pub(crate) use check::render;
pub use run::run;
pub use setup::{
    Env, attach_config, exit_after_run, read_backups, read_baseline, read_workspace,
    read_workspace_with, read_workspace_with_backup, share_folders,
};
